//! The change parameters one by one, with the range each may take: the single table that
//! definition validation and the trend overrides both check against, so that a value a
//! definition file may not hold cannot be set for one run either, nor the other way round.

use std::ops::RangeInclusive;

use super::ChangeParams;
use crate::plural::count;

/// One whole-number change parameter of an instrument (reference §6, §7.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeField {
    /// Points of change that count as reliable.
    ReliableChange,
    /// Minimal clinically important difference.
    Mcid,
    /// A total below this is at target.
    Target,
    /// A baseline at or above this is a clinical case.
    Caseness,
    /// Percentage reduction that counts as response.
    ResponsePct,
    /// k: administrations the plateau rules examine.
    Points,
    /// D: fewest days those administrations span.
    MinSpanDays,
    /// E: fewest days since dosing at the latest administration.
    MinDaysSinceDose,
    /// H: projection horizon of the slope rule.
    HorizonDays,
}

/// Every field, in the order a definition lists them (and validation reports them).
pub const CHANGE_FIELDS: [ChangeField; 9] = [
    ChangeField::ReliableChange,
    ChangeField::Mcid,
    ChangeField::Target,
    ChangeField::Caseness,
    ChangeField::ResponsePct,
    ChangeField::Points,
    ChangeField::MinSpanDays,
    ChangeField::MinDaysSinceDose,
    ChangeField::HorizonDays,
];

/// The longest day count a parameter may hold: a year, as the trend window.
const MAX_DAYS: u32 = 366;

impl ChangeField {
    /// The field's name in a definition and in an override (`reliable_change`).
    pub fn name(self) -> &'static str {
        match self {
            ChangeField::ReliableChange => "reliable_change",
            ChangeField::Mcid => "mcid",
            ChangeField::Target => "target",
            ChangeField::Caseness => "caseness",
            ChangeField::ResponsePct => "response_pct",
            ChangeField::Points => "points",
            ChangeField::MinSpanDays => "min_span_days",
            ChangeField::MinDaysSinceDose => "min_days_since_dose",
            ChangeField::HorizonDays => "horizon_days",
        }
    }

    /// The field named `name`, if any.
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        CHANGE_FIELDS.into_iter().find(|field| field.name() == name)
    }

    /// Where the field sits in a definition file (`change.plateau.points`).
    pub fn json_path(self) -> String {
        match self {
            ChangeField::Points
            | ChangeField::MinSpanDays
            | ChangeField::MinDaysSinceDose
            | ChangeField::HorizonDays => format!("change.plateau.{}", self.name()),
            _ => format!("change.{}", self.name()),
        }
    }

    /// The values allowed for an instrument whose totals run from `total_min` to
    /// `total_max`. A change can be no larger than that span and must be at least a point;
    /// a target or caseness cut-off at the lowest total could never be met or always be.
    pub fn range(self, total_min: u32, total_max: u32) -> RangeInclusive<u32> {
        let span = total_max.saturating_sub(total_min);
        match self {
            ChangeField::ReliableChange | ChangeField::Mcid => 1..=span,
            ChangeField::Target | ChangeField::Caseness => total_min.saturating_add(1)..=total_max,
            ChangeField::ResponsePct => 1..=100,
            // A plateau needs two points to have a spread, and a year of weekly visits is
            // the most the rules look back over.
            ChangeField::Points => 2..=52,
            ChangeField::MinSpanDays | ChangeField::MinDaysSinceDose => 0..=MAX_DAYS,
            // A projection over no days projects no change, so every series would plateau.
            ChangeField::HorizonDays => 1..=MAX_DAYS,
        }
    }

    /// What the range holds, in words: `a change from 1 to 27 points`.
    pub fn describe(self, range: &RangeInclusive<u32>) -> String {
        let (lo, hi) = (range.start(), range.end());
        // A range of one value reads as that value: "a change of 1 point", not "from 1 to 1
        // points".
        if lo == hi {
            return match self {
                ChangeField::ReliableChange | ChangeField::Mcid => {
                    format!("a change of {}", count(*lo, "point"))
                }
                ChangeField::Target | ChangeField::Caseness => format!("a total of {lo}"),
                ChangeField::ResponsePct => format!("a percentage of {lo}"),
                ChangeField::Points => count(*lo, "administration").to_string(),
                ChangeField::MinSpanDays
                | ChangeField::MinDaysSinceDose
                | ChangeField::HorizonDays => count(*lo, "day").to_string(),
            };
        }
        match self {
            ChangeField::ReliableChange | ChangeField::Mcid => {
                format!("a change from {lo} to {hi} points")
            }
            ChangeField::Target | ChangeField::Caseness => format!("a total from {lo} to {hi}"),
            ChangeField::ResponsePct => format!("a percentage from {lo} to {hi}"),
            ChangeField::Points => format!("{lo} to {hi} administrations"),
            ChangeField::MinSpanDays | ChangeField::MinDaysSinceDose | ChangeField::HorizonDays => {
                format!("{lo} to {hi} days")
            }
        }
    }

    /// The field's value in `params`.
    pub fn get(self, params: &ChangeParams) -> u32 {
        match self {
            ChangeField::ReliableChange => params.reliable_change,
            ChangeField::Mcid => params.mcid,
            ChangeField::Target => params.target,
            ChangeField::Caseness => params.caseness,
            ChangeField::ResponsePct => params.response_pct,
            ChangeField::Points => params.plateau.points,
            ChangeField::MinSpanDays => params.plateau.min_span_days,
            ChangeField::MinDaysSinceDose => params.plateau.min_days_since_dose,
            ChangeField::HorizonDays => params.plateau.horizon_days,
        }
    }

    /// Sets the field in `params`; the caller has checked `value` against [`Self::range`].
    pub fn set(self, params: &mut ChangeParams, value: u32) {
        let field = match self {
            ChangeField::ReliableChange => &mut params.reliable_change,
            ChangeField::Mcid => &mut params.mcid,
            ChangeField::Target => &mut params.target,
            ChangeField::Caseness => &mut params.caseness,
            ChangeField::ResponsePct => &mut params.response_pct,
            ChangeField::Points => &mut params.plateau.points,
            ChangeField::MinSpanDays => &mut params.plateau.min_span_days,
            ChangeField::MinDaysSinceDose => &mut params.plateau.min_days_since_dose,
            ChangeField::HorizonDays => &mut params.plateau.horizon_days,
        };
        *field = value;
    }
}

#[cfg(test)]
mod tests {
    use super::{CHANGE_FIELDS, ChangeField};
    use crate::Registry;

    #[test]
    fn each_field_is_found_by_its_own_name_and_no_other() {
        for field in CHANGE_FIELDS {
            assert_eq!(ChangeField::from_name(field.name()), Some(field));
        }
        // `k` is the rules document's letter for `points`, not a field name.
        assert_eq!(ChangeField::from_name("k"), None);
    }

    #[test]
    fn names_round_trip_and_paths_follow_the_definition_layout() {
        for field in CHANGE_FIELDS {
            assert_eq!(ChangeField::from_name(field.name()), Some(field));
        }
        assert_eq!(ChangeField::from_name("k"), None);
        assert_eq!(ChangeField::Mcid.json_path(), "change.mcid");
        assert_eq!(
            ChangeField::HorizonDays.json_path(),
            "change.plateau.horizon_days"
        );
    }

    #[test]
    fn a_range_of_one_value_reads_as_that_value() {
        // An instrument whose totals run from 0 to 1 allows a change of exactly one point.
        let one = |field: ChangeField| field.describe(&field.range(0, 1));
        assert_eq!(one(ChangeField::ReliableChange), "a change of 1 point");
        assert_eq!(one(ChangeField::Mcid), "a change of 1 point");
        assert_eq!(one(ChangeField::Target), "a total of 1");
        assert_eq!(one(ChangeField::Caseness), "a total of 1");
        assert_eq!(ChangeField::HorizonDays.describe(&(1..=1)), "1 day");
        assert_eq!(
            ChangeField::ReliableChange.describe(&ChangeField::ReliableChange.range(0, 27)),
            "a change from 1 to 27 points"
        );
    }

    #[test]
    fn ranges_for_phq9_totals_0_to_27() {
        let range = |field: ChangeField| field.range(0, 27);
        assert_eq!(range(ChangeField::ReliableChange), 1..=27);
        assert_eq!(range(ChangeField::Mcid), 1..=27);
        assert_eq!(range(ChangeField::Target), 1..=27);
        assert_eq!(range(ChangeField::Caseness), 1..=27);
        assert_eq!(range(ChangeField::ResponsePct), 1..=100);
        assert_eq!(range(ChangeField::Points), 2..=52);
        assert_eq!(range(ChangeField::MinSpanDays), 0..=366);
        assert_eq!(range(ChangeField::MinDaysSinceDose), 0..=366);
        assert_eq!(range(ChangeField::HorizonDays), 1..=366);
        // A scale starting at 1 (PCL-5 style offsets): the lowest total is no cut-off.
        assert_eq!(ChangeField::Target.range(20, 80), 21..=80);
        assert_eq!(ChangeField::Mcid.range(20, 80), 1..=60);
    }

    #[test]
    fn set_and_get_reach_the_same_field() {
        let registry = Registry::builtin();
        let mut params = registry.get("phq9").unwrap().change.clone();
        for (value, field) in (10..).zip(CHANGE_FIELDS) {
            field.set(&mut params, value);
            assert_eq!(field.get(&params), value, "{field:?}");
        }
        // Each field is its own: the first one set still holds its value.
        assert_eq!(params.reliable_change, 10);
        assert_eq!(params.plateau.horizon_days, 18);
    }

    /// Definition validation and `trend`'s overrides check one table: a horizon of 400 days
    /// is refused by both with the same range, 1 to 366 (the definition check used to say
    /// "0 to 366 days" for it, a lower bound it then refused on its own).
    #[test]
    fn definitions_are_checked_against_the_same_table() {
        let (name, text) = crate::instrument::builtin_definitions()[0];
        for (horizon, expected) in [
            (
                "400",
                "`change.plateau.horizon_days`: expected 1 to 366 days, found 400",
            ),
            (
                "0",
                "`change.plateau.horizon_days`: expected 1 to 366 days, found 0",
            ),
        ] {
            let changed = text.replace(
                "\"horizon_days\": 28",
                &format!("\"horizon_days\": {horizon}"),
            );
            assert_ne!(changed, text);
            let message = crate::instrument::parse_definition(name, &changed)
                .unwrap_err()
                .to_string();
            assert!(message.contains(expected), "{message}");
        }
        let registry = Registry::builtin();
        let err =
            crate::trend::resolve_params(&registry, &["phq9.horizon_days=400".into()]).unwrap_err();
        assert!(matches!(
            err,
            crate::trend::ParamError::OutOfRange { range, .. } if range == (1..=366)
        ));
    }
}
