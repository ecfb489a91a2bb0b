//! One patient's whole trend: every instrument's windows, with the NHS Talking Therapies
//! pairing filled in, the administrations no window covers, and the administrations that
//! repeat an earlier one of the same day. The caller only renders what this returns.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::analysis::analyze_windows;
use super::by_date::ByDate;
use super::coverage::UncoveredPoints;
use super::{
    Administration, Dosing, NhsTtPairs, TrendOptions, WindowSummary, baseline_start, windows,
};
use crate::instrument::{ChangeParams, Instrument};
use crate::repeated_visit::RepeatedVisit;

/// PHQ-9 and GAD-7 form the NHS Talking Therapies pair for depression, GAD and mixed
/// presentations (reference §6.3, Clark 2018 Table 2).
const NHS_TT_PAIR: (&str, &str) = ("phq9", "gad7");

/// Everything the trend finds for one patient, in the plan's instrument order.
///
/// The summaries are worked out here; the repeats and the administrations in no window are
/// found again each time they are asked for, from the administrations this borrows. One
/// patient may have a million visits, nearly all outside a window, and a copy of each would
/// be most of the run's memory (issue 12's one-patient benchmark).
#[derive(Debug)]
pub struct PatientTrend<'a> {
    /// Per instrument with administrations (none without a dosing date): one summary a window.
    pub windows: Vec<(&'a Instrument, Vec<WindowSummary<'a>>)>,
    plan: &'a [&'a Instrument],
    per_instrument: &'a [Vec<Administration<'a>>],
    dose_windows: Vec<(&'a Dosing, Date)>,
}

impl<'a> PatientTrend<'a> {
    /// Same-day repeats, wherever in the file they were, each naming the administration
    /// just before it in (date, line) order.
    pub fn repeats(&self) -> impl Iterator<Item = RepeatedVisit<'a>> + '_ {
        repeats(self.plan, self.per_instrument)
    }

    /// Per planned instrument: its administrations in no window, in (date, line) order.
    pub fn uncovered(
        &self,
    ) -> impl Iterator<Item = (&'a Instrument, UncoveredPoints<'_, 'a>)> + '_ {
        self.plan
            .iter()
            .zip(self.per_instrument)
            .map(|(instrument, administrations)| {
                let points = UncoveredPoints::new(&self.dose_windows, ByDate::new(administrations));
                (*instrument, points)
            })
    }

    /// The dosings, each with the last day of its window, in date order.
    pub(super) fn dose_windows(&self) -> &[(&'a Dosing, Date)] {
        &self.dose_windows
    }

    /// Per planned instrument: its administrations in (date, line) order (maybe none).
    pub(super) fn administrations(
        &self,
    ) -> impl Iterator<Item = (&'a Instrument, &'a [Administration<'a>])> + '_ {
        self.plan
            .iter()
            .zip(self.per_instrument)
            .map(|(instrument, administrations)| (*instrument, administrations.as_slice()))
    }
}

/// Analyses one patient: `per_instrument[i]` holds the administrations of `plan[i]` in
/// (date, line) order, `doses` the patient's dosing sessions (none: every administration
/// is uncovered), `params` every planned instrument's change parameters.
pub fn analyze_patient<'a>(
    plan: &'a [&'a Instrument],
    per_instrument: &'a [Vec<Administration<'a>>],
    params: &BTreeMap<String, ChangeParams>,
    options: &TrendOptions,
    doses: &'a [Dosing],
) -> PatientTrend<'a> {
    // Worked out once for every instrument; the administrations come in (date, line) order,
    // so they are borrowed, not sorted again.
    let dose_windows = windows(options, doses);
    let mut results: Vec<(&Instrument, Vec<WindowSummary<'_>>)> = plan
        .iter()
        .zip(per_instrument)
        .filter(|(_, administrations)| !administrations.is_empty() && !doses.is_empty())
        .map(|(instrument, administrations)| {
            let change = &params[&instrument.id];
            let summaries = analyze_windows(
                instrument,
                change,
                options,
                &dose_windows,
                &ByDate::new(administrations),
            );
            (*instrument, summaries)
        })
        .collect();
    attach_nhs_tt(
        plan,
        per_instrument,
        params,
        options,
        &dose_windows,
        &mut results,
    );
    PatientTrend {
        windows: results,
        plan,
        per_instrument,
        dose_windows,
    }
}

/// Every administration that repeats the one before it in (date, line) order: the whole
/// patient is at hand, so a repeat is found wherever in the file it was. In date order the
/// administrations of one day are next to each other, so a repeat is an administration with
/// the date of the one just before it, and it names that one: the administration it follows
/// in the series (the later line counts as the later administration).
fn repeats<'a>(
    plan: &'a [&'a Instrument],
    per_instrument: &'a [Vec<Administration<'a>>],
) -> impl Iterator<Item = RepeatedVisit<'a>> {
    plan.iter()
        .zip(per_instrument)
        .flat_map(|(instrument, administrations)| {
            administrations
                .windows(2)
                .filter(|pair| pair[0].date == pair[1].date)
                .map(|pair| RepeatedVisit {
                    instrument: &instrument.id,
                    date: Some(pair[1].date),
                    line: pair[1].line,
                    earlier_line: pair[0].line,
                })
        })
}

/// Fills in the NHS TT paired outcome on the PHQ-9 and GAD-7 summaries of each window. The
/// same-day pairs are found once per patient, and each window looks its pairs up.
fn attach_nhs_tt(
    plan: &[&Instrument],
    per_instrument: &[Vec<Administration<'_>>],
    params: &BTreeMap<String, ChangeParams>,
    options: &TrendOptions,
    windows: &[(&Dosing, Date)],
    results: &mut [(&Instrument, Vec<WindowSummary<'_>>)],
) {
    let position = |id: &str| plan.iter().position(|i| i.id == id);
    let (Some(dep), Some(anx)) = (position(NHS_TT_PAIR.0), position(NHS_TT_PAIR.1)) else {
        return;
    };
    // Every instrument's summaries follow the same windows, one a dosing in date order. A
    // window without a same-day pair (no PHQ-9 or no GAD-7 in it) has no outcome.
    let pairs = NhsTtPairs::new(&per_instrument[dep], &per_instrument[anx]);
    for (index, &(dose, end)) in windows.iter().enumerate() {
        let (dosing, from) = (dose.date, baseline_start(dose.date, options));
        let outcome = pairs.outcome(
            &params[NHS_TT_PAIR.0],
            &params[NHS_TT_PAIR.1],
            from,
            dosing,
            end,
        );
        for (instrument, summaries) in results.iter_mut() {
            if (instrument.id == NHS_TT_PAIR.0 || instrument.id == NHS_TT_PAIR.1)
                && let Some(summary) = summaries.get_mut(index)
            {
                summary.nhs_tt.clone_from(&outcome);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::analyze_patient;
    use crate::Registry;
    use crate::score::{Answer, score};
    use crate::trend::{Administration, Dosing, TrendOptions, resolve_params};

    /// An administration of `id` with every item answered `value`.
    fn given<'i>(
        registry: &'i Registry,
        id: &str,
        value: u8,
        day: i8,
        line: u64,
    ) -> Administration<'i> {
        let instrument = registry.get(id).unwrap();
        let report = score(
            instrument,
            &vec![Answer::Value(value); instrument.items.len()],
        )
        .unwrap();
        Administration {
            date: date(2026, 3, day),
            total: report.total,
            severity: report.severity.id(),
            flags: report.flags.clone(),
            line,
            place: None,
        }
    }

    #[test]
    fn repeats_pairing_and_uncovered_for_one_patient() {
        let registry = Registry::builtin();
        let plan = [registry.get("phq9").unwrap(), registry.get("gad7").unwrap()];
        let params = resolve_params(&registry, &[]).unwrap();
        let doses = [Dosing {
            date: date(2026, 3, 10),
            label: None,
        }];
        // Lines 2 and 90 share day 12 (the second far down the file): one repeat.
        let per_instrument = vec![
            vec![
                given(&registry, "phq9", 2, 1, 5),
                given(&registry, "phq9", 2, 8, 3),
                given(&registry, "phq9", 1, 12, 2),
                given(&registry, "phq9", 0, 12, 90),
            ],
            vec![
                given(&registry, "gad7", 2, 8, 3),
                given(&registry, "gad7", 0, 12, 2),
            ],
        ];
        let trend = analyze_patient(
            &plan,
            &per_instrument,
            &params,
            &TrendOptions::default(),
            &doses,
        );
        let repeats: Vec<_> = trend.repeats().collect();
        assert_eq!(repeats.len(), 1);
        let repeat = repeats[0];
        assert_eq!(
            (repeat.instrument, repeat.line, repeat.earlier_line),
            ("phq9", 90, 2)
        );
        // Both instruments' windows carry the same NHS Talking Therapies outcome.
        assert_eq!(trend.windows.len(), 2);
        let phq9_nhs = &trend.windows[0].1[0].nhs_tt;
        assert!(phq9_nhs.is_some());
        assert_eq!(phq9_nhs, &trend.windows[1].1[0].nhs_tt);
        // Before the dose is in no window, the day-8 baselines included.
        let lines = |i: usize| {
            let (_, points) = trend.uncovered().nth(i).unwrap();
            points.map(|p| p.line).collect::<Vec<_>>()
        };
        assert_eq!(lines(0), [5, 3]);
        assert_eq!(lines(1), [3]);
    }

    #[test]
    fn a_repeat_names_the_previous_administration_of_its_day() {
        let registry = Registry::builtin();
        let plan = [registry.get("phq9").unwrap()];
        let params = resolve_params(&registry, &[]).unwrap();
        // Day 12 on lines 4, 7 and 30 (in line order, as the pass sorts them), day 13 once.
        let per_instrument = vec![vec![
            given(&registry, "phq9", 1, 12, 4),
            given(&registry, "phq9", 1, 12, 7),
            given(&registry, "phq9", 1, 12, 30),
            given(&registry, "phq9", 1, 13, 5),
        ]];
        let trend = analyze_patient(
            &plan,
            &per_instrument,
            &params,
            &TrendOptions::default(),
            &[],
        );
        let found: Vec<(u64, u64)> = trend.repeats().map(|r| (r.line, r.earlier_line)).collect();
        assert_eq!(found, [(7, 4), (30, 7)]);
    }
}
