//! NHS Talking Therapies paired outcomes for PHQ-9 with GAD-7 (reference §6.3).
//!
//! The classes are defined on a *pair* of measures taken at the same visit: the baseline
//! pair is the last visit on or before dosing with both totals valid, and the latest pair is
//! the last such visit in the window. The tie-break for conflicting directions is not
//! verified (§6.3, §10 item 1), so the rule is named in the output: `nhs_tt_conservative`
//! counts reliable improvement only when neither measure reliably deteriorated.

use jiff::civil::Date;
use serde::Serialize;

use super::by_date::ByDate;
use super::{Administration, serialize_date};
use crate::instrument::ChangeParams;

/// The name of the combination rule applied, reported with every outcome.
pub const NHS_TT_RULE: &str = "nhs_tt_conservative";

/// The combined class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NhsTtClass {
    /// Recovery and reliable improvement.
    ReliableRecovery,
    /// Reliable improvement without recovery.
    ReliableImprovement,
    /// Reliable deterioration on either measure.
    ReliableDeterioration,
    /// None of the above.
    NoReliableChange,
}

impl NhsTtClass {
    /// The name written in output, as serialised.
    pub fn name(self) -> &'static str {
        match self {
            NhsTtClass::ReliableRecovery => "RELIABLE_RECOVERY",
            NhsTtClass::ReliableImprovement => "RELIABLE_IMPROVEMENT",
            NhsTtClass::ReliableDeterioration => "RELIABLE_DETERIORATION",
            NhsTtClass::NoReliableChange => "NO_RELIABLE_CHANGE",
        }
    }
}

/// Paired outcome with every input shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NhsTtOutcome {
    /// The combination rule.
    pub rule: &'static str,
    /// Date of the baseline pair.
    #[serde(serialize_with = "serialize_date")]
    pub baseline_date: Date,
    /// Date of the latest pair.
    #[serde(serialize_with = "serialize_date")]
    pub latest_date: Date,
    /// PHQ-9 at baseline and latest.
    pub depression: (u32, u32),
    /// GAD-7 at baseline and latest.
    pub anxiety: (u32, u32),
    /// Case at start: depression ≥ its caseness or anxiety ≥ its caseness.
    pub caseness_at_start: bool,
    /// Below caseness on both at the latest pair; `None` when not a case at start
    /// (excluded from the recovery denominator).
    pub recovery: Option<bool>,
    /// Either improved reliably, and neither deteriorated reliably.
    pub reliable_improvement: bool,
    /// Either deteriorated reliably.
    pub reliable_deterioration: bool,
    /// Recovery and reliable improvement; `None` when not a case at start.
    pub reliable_recovery: Option<bool>,
    /// The combined class.
    pub class: NhsTtClass,
}

/// One patient's same-day pairs: each visit date with a valid PHQ-9 and a valid GAD-7 total
/// (the later of each when a day has several), in date order. Built once per patient, so that
/// each window finds its pairs by binary search: a patient with 100k visits and 10k dosings
/// costs n·log n, not a scan of every visit per window and per visit.
#[derive(Debug, Clone, Default)]
pub struct NhsTtPairs {
    pairs: Vec<(Date, u32, u32)>,
}

impl NhsTtPairs {
    /// Pairs the administrations of the two measures, which may be in any order; of
    /// several on one day, the later input line counts, as everywhere in trend.
    pub fn new(depression: &[Administration<'_>], anxiety: &[Administration<'_>]) -> Self {
        let (depression, anxiety) = (ByDate::new(depression), ByDate::new(anxiety));
        let (mut dep, mut anx) = (valid_by_day(&depression), valid_by_day(&anxiety));
        // Both are in date order: one merge finds the days they share.
        let mut pairs = Vec::new();
        let (mut d, mut a) = (dep.next(), anx.next());
        while let (Some((d_date, d_total)), Some((a_date, a_total))) = (d, a) {
            match d_date.cmp(&a_date) {
                std::cmp::Ordering::Less => d = dep.next(),
                std::cmp::Ordering::Greater => a = anx.next(),
                std::cmp::Ordering::Equal => {
                    pairs.push((d_date, d_total, a_total));
                    (d, a) = (dep.next(), anx.next());
                }
            }
        }
        NhsTtPairs { pairs }
    }

    /// The latest pair dated from `from` to `to`, both included.
    fn latest(&self, from: Date, to: Date) -> Option<(Date, u32, u32)> {
        let upto = self.pairs.partition_point(|p| p.0 <= to);
        upto.checked_sub(1)
            .map(|i| self.pairs[i])
            .filter(|p| p.0 >= from)
    }

    /// The paired outcome for one window, when both measures have a same-day baseline pair
    /// (from `baseline_from` to the dosing day) and a same-day pair in the window.
    pub fn outcome(
        &self,
        depression: &ChangeParams,
        anxiety: &ChangeParams,
        baseline_from: Date,
        dosing: Date,
        window_end: Date,
    ) -> Option<NhsTtOutcome> {
        let (baseline_date, d0, a0) = self.latest(baseline_from, dosing)?;
        let first_day = dosing.tomorrow().ok()?;
        let (latest_date, d1, a1) = self.latest(first_day, window_end)?;
        Some(classify(
            depression,
            anxiety,
            (baseline_date, d0, a0),
            (latest_date, d1, a1),
        ))
    }
}

/// Each day with a valid total, in date order, with the total of its last (latest line)
/// valid administration.
fn valid_by_day<'a>(visits: &'a ByDate<'_>) -> impl Iterator<Item = (Date, u32)> + 'a {
    let mut valid = visits
        .iter()
        .filter_map(|a| Some((a.date, a.total?)))
        .peekable();
    std::iter::from_fn(move || {
        let (date, mut total) = valid.next()?;
        while let Some((_, later)) = valid.next_if(|(next, _)| *next == date) {
            total = later;
        }
        Some((date, total))
    })
}

/// The classes of §6.3 from a baseline pair and a latest pair.
fn classify(
    depression: &ChangeParams,
    anxiety: &ChangeParams,
    (baseline_date, d0, a0): (Date, u32, u32),
    (latest_date, d1, a1): (Date, u32, u32),
) -> NhsTtOutcome {
    let (d_rc, a_rc) = (depression.reliable_change, anxiety.reliable_change);
    let caseness_at_start = d0 >= depression.caseness || a0 >= anxiety.caseness;
    let reliable_deterioration = d1 >= d0.saturating_add(d_rc) || a1 >= a0.saturating_add(a_rc);
    let reliable_improvement =
        (d0 >= d1.saturating_add(d_rc) || a0 >= a1.saturating_add(a_rc)) && !reliable_deterioration;
    let recovery = caseness_at_start.then_some(d1 < depression.caseness && a1 < anxiety.caseness);
    let reliable_recovery = recovery.map(|r| r && reliable_improvement);
    let class = if reliable_deterioration {
        NhsTtClass::ReliableDeterioration
    } else if reliable_recovery == Some(true) {
        NhsTtClass::ReliableRecovery
    } else if reliable_improvement {
        NhsTtClass::ReliableImprovement
    } else {
        NhsTtClass::NoReliableChange
    };
    NhsTtOutcome {
        rule: NHS_TT_RULE,
        baseline_date,
        latest_date,
        depression: (d0, d1),
        anxiety: (a0, a1),
        caseness_at_start,
        recovery,
        reliable_improvement,
        reliable_deterioration,
        reliable_recovery,
        class,
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::Registry;

    fn visit(day: i8, total: Option<u32>, line: u64) -> Administration<'static> {
        Administration {
            date: date(2026, 3, day),
            total,
            severity: "",
            flags: Vec::new(),
            line,
        }
    }

    #[test]
    fn pairs_are_same_day_valid_totals_the_later_line_counting() {
        // Out of order; day 3 has two GAD-7 forms (line 9 is the later); day 5 has no valid
        // PHQ-9; day 7 no GAD-7.
        let dep = [
            visit(7, Some(4), 20),
            visit(3, Some(15), 2),
            visit(5, None, 10),
            visit(20, Some(5), 30),
        ];
        let anx = [
            visit(3, Some(12), 9),
            visit(3, Some(11), 3),
            visit(5, Some(9), 11),
            visit(20, Some(3), 31),
        ];
        let pairs = NhsTtPairs::new(&dep, &anx);
        assert_eq!(
            pairs.pairs,
            [(date(2026, 3, 3), 15, 12), (date(2026, 3, 20), 5, 3)]
        );
        let registry = Registry::builtin();
        let (phq9, gad7) = (registry.get("phq9").unwrap(), registry.get("gad7").unwrap());
        let outcome = pairs
            .outcome(
                &phq9.change,
                &gad7.change,
                date(2026, 3, 1),
                date(2026, 3, 4),
                date(2026, 3, 31),
            )
            .unwrap();
        assert_eq!((outcome.depression, outcome.anxiety), ((15, 5), (12, 3)));
        assert_eq!(outcome.class, NhsTtClass::ReliableRecovery);
        // No pair in a window that ends before day 20.
        assert!(
            pairs
                .outcome(
                    &phq9.change,
                    &gad7.change,
                    date(2026, 3, 1),
                    date(2026, 3, 4),
                    date(2026, 3, 19)
                )
                .is_none()
        );
    }

    /// The classes of one baseline pair (d₀, a₀) and one latest pair (d₁, a₁) with the
    /// built-in parameters: PHQ-9 caseness 10, RC 6; GAD-7 caseness 8, RC 4.
    fn classes((d0, a0): (u32, u32), (d1, a1): (u32, u32)) -> NhsTtOutcome {
        let registry = Registry::builtin();
        let (phq9, gad7) = (registry.get("phq9").unwrap(), registry.get("gad7").unwrap());
        classify(
            &phq9.change,
            &gad7.change,
            (date(2026, 3, 1), d0, a0),
            (date(2026, 3, 29), d1, a1),
        )
    }

    /// (caseness at start, recovery, reliable improvement, reliable deterioration,
    /// reliable recovery, class): every result of §6.3 at once.
    type Classes = (bool, Option<bool>, bool, bool, Option<bool>, NhsTtClass);

    fn summary(o: &NhsTtOutcome) -> Classes {
        (
            o.caseness_at_start,
            o.recovery,
            o.reliable_improvement,
            o.reliable_deterioration,
            o.reliable_recovery,
            o.class,
        )
    }

    #[test]
    fn reliable_recovery() {
        // PHQ-9 15 → 8, GAD-7 10 → 5: a case at start (15 ≥ 10); 8 < 10 and 5 < 8 →
        // recovery; 15 − 8 = 7 ≥ 6 → reliable improvement; no rise → reliable recovery.
        let o = classes((15, 10), (8, 5));
        assert_eq!(
            summary(&o),
            (
                true,
                Some(true),
                true,
                false,
                Some(true),
                NhsTtClass::ReliableRecovery
            )
        );
        assert_eq!(
            (o.depression, o.anxiety, o.rule),
            ((15, 8), (10, 5), NHS_TT_RULE)
        );
    }

    #[test]
    fn recovery_needs_both_below_caseness() {
        // Case at start on PHQ-9 exactly (10 ≥ 10); GAD-7 8 → 7.
        // PHQ-9 10 → 9, GAD-7 8 → 7: 9 < 10 and 7 < 8 → recovery, but falls of 1 and 1 are
        // not reliable → no reliable recovery, class no reliable change.
        assert_eq!(
            summary(&classes((10, 8), (9, 7))),
            (
                true,
                Some(true),
                false,
                false,
                Some(false),
                NhsTtClass::NoReliableChange
            )
        );
        // PHQ-9 ending at 10 = caseness → still a case: no recovery.
        assert_eq!(classes((16, 9), (10, 3)).recovery, Some(false));
        // GAD-7 ending at 8 = caseness → still a case: no recovery.
        assert_eq!(classes((16, 9), (3, 8)).recovery, Some(false));
        // PHQ-9 9 and GAD-7 7 → recovery, and 16 − 9 = 7 ≥ 6 → reliable recovery.
        assert_eq!(classes((16, 9), (9, 7)).class, NhsTtClass::ReliableRecovery);
    }

    #[test]
    fn reliable_improvement_at_the_threshold_of_either_measure() {
        // PHQ-9 20 → 14: 6 = RC → reliable improvement; 14 ≥ 10 → no recovery.
        assert_eq!(
            summary(&classes((20, 12), (14, 12))),
            (
                true,
                Some(false),
                true,
                false,
                Some(false),
                NhsTtClass::ReliableImprovement
            )
        );
        // PHQ-9 20 → 15: 5 < 6, GAD-7 unchanged → no reliable change.
        assert_eq!(
            summary(&classes((20, 12), (15, 12))),
            (
                true,
                Some(false),
                false,
                false,
                Some(false),
                NhsTtClass::NoReliableChange
            )
        );
        // GAD-7 12 → 8: 4 = RC → reliable improvement (8 is not < 8: no recovery).
        assert_eq!(
            classes((20, 12), (20, 8)).class,
            NhsTtClass::ReliableImprovement
        );
        // GAD-7 12 → 9: 3 < 4 → no reliable change.
        assert_eq!(
            classes((20, 12), (20, 9)).class,
            NhsTtClass::NoReliableChange
        );
    }

    #[test]
    fn reliable_deterioration_at_the_threshold_of_either_measure() {
        // PHQ-9 5 → 11: +6 = RC → reliable deterioration. GAD-7 3 → 3.
        // Not a case at start (5 < 10, 3 < 8): recovery and reliable recovery are empty.
        assert_eq!(
            summary(&classes((5, 3), (11, 3))),
            (
                false,
                None,
                false,
                true,
                None,
                NhsTtClass::ReliableDeterioration
            )
        );
        // PHQ-9 5 → 10: +5 < 6 → no reliable change.
        assert_eq!(classes((5, 3), (10, 3)).class, NhsTtClass::NoReliableChange);
        // GAD-7 3 → 7: +4 = RC → reliable deterioration; 3 → 6: +3 → none.
        assert_eq!(
            classes((5, 3), (5, 7)).class,
            NhsTtClass::ReliableDeterioration
        );
        assert_eq!(classes((5, 3), (5, 6)).class, NhsTtClass::NoReliableChange);
    }

    #[test]
    fn measures_moving_in_opposite_directions_count_as_deterioration() {
        // PHQ-9 20 → 12 (−8, a reliable improvement), GAD-7 4 → 8 (+4, a reliable
        // deterioration): the conservative rule keeps the deterioration and drops the
        // improvement (§6.3). 12 ≥ 10 → no recovery.
        assert_eq!(
            summary(&classes((20, 4), (12, 8))),
            (
                true,
                Some(false),
                false,
                true,
                Some(false),
                NhsTtClass::ReliableDeterioration
            )
        );
        // The other way round, with a recovery: PHQ-9 3 → 9 (+6, deterioration), GAD-7
        // 12 → 4 (−8, improvement). A case at start (12 ≥ 8); 9 < 10 and 4 < 8 → recovery,
        // but no reliable improvement, so no reliable recovery; class deterioration.
        assert_eq!(
            summary(&classes((3, 12), (9, 4))),
            (
                true,
                Some(true),
                false,
                true,
                Some(false),
                NhsTtClass::ReliableDeterioration
            )
        );
    }

    #[test]
    fn not_at_caseness_at_start_is_outside_the_recovery_count() {
        // PHQ-9 9 and GAD-7 7, each one below caseness: recovery empty; 9 → 3 is −6 = RC →
        // reliable improvement; class reliable improvement (never recovery).
        assert_eq!(
            summary(&classes((9, 7), (3, 1))),
            (
                false,
                None,
                true,
                false,
                None,
                NhsTtClass::ReliableImprovement
            )
        );
        // Caseness on either measure alone is enough: GAD-7 8 with PHQ-9 5.
        assert!(classes((5, 8), (5, 8)).caseness_at_start);
        assert!(classes((10, 0), (10, 0)).caseness_at_start);
    }

    #[test]
    fn the_pairs_are_found_within_the_look_back_and_the_window() {
        // Same-day pairs on 1, 2, 10 and 20 March; dosing on 10 March.
        let dep = [
            visit(1, Some(20), 2),
            visit(2, Some(18), 3),
            visit(10, Some(16), 4),
            visit(20, Some(8), 5),
        ];
        let anx = [
            visit(1, Some(15), 6),
            visit(2, Some(14), 7),
            visit(10, Some(13), 8),
            visit(20, Some(4), 9),
        ];
        let pairs = NhsTtPairs::new(&dep, &anx);
        let registry = Registry::builtin();
        let (phq9, gad7) = (registry.get("phq9").unwrap(), registry.get("gad7").unwrap());
        let outcome = |from: i8, end: i8| {
            pairs
                .outcome(
                    &phq9.change,
                    &gad7.change,
                    date(2026, 3, from),
                    date(2026, 3, 10),
                    date(2026, 3, end),
                )
                .map(|o| (o.baseline_date.day(), o.latest_date.day()))
        };
        // The pair on the dosing day is the baseline; the window's pair is on the 20th,
        // which is its last day.
        assert_eq!(outcome(1, 20), Some((10, 20)));
        // A window ending on the 19th has no pair: no outcome.
        assert_eq!(outcome(1, 19), None);
        // A pair on the dosing day is never the latest: without the pair of the 20th there
        // is no outcome.
        let before = NhsTtPairs::new(&dep[..3], &anx[..3]);
        assert!(
            before
                .outcome(
                    &phq9.change,
                    &gad7.change,
                    date(2026, 3, 1),
                    date(2026, 3, 10),
                    date(2026, 3, 31)
                )
                .is_none()
        );
        // Without the dosing-day pair the baseline is the last pair before it within the
        // look-back: from the 2nd, the pair of the 2nd; from the 3rd, none → no outcome.
        let keep = [0, 1, 3];
        let (dep, anx) = (keep.map(|i| dep[i].clone()), keep.map(|i| anx[i].clone()));
        let late = NhsTtPairs::new(&dep, &anx);
        let from = |day: i8| {
            late.outcome(
                &phq9.change,
                &gad7.change,
                date(2026, 3, day),
                date(2026, 3, 10),
                date(2026, 3, 31),
            )
            .map(|o| o.baseline_date.day())
        };
        assert_eq!((from(2), from(3)), (Some(2), None));
    }
}
