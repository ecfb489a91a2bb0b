//! Trend windows for the rule tests: PHQ-9 (or any built-in) administrations placed by days
//! from one dosing date, analysed with the library's `trend::analyze`.

use jiff::civil::{Date, date};
use symscore::Registry;
use symscore::trend::{Administration, Dosing, TrendOptions, WindowSummary, analyze};

/// Day 0 of every window in these tests.
pub(crate) const DOSE: Date = date(2026, 3, 2);

/// The date `offset` days from [`DOSE`].
pub(crate) fn day(offset: i64) -> Date {
    DOSE.saturating_add(jiff::Span::new().days(offset))
}

/// Administrations from `(days from dosing, total)`, lines 2, 3, … in the order given;
/// `None` is an administration without a valid total.
pub(crate) fn visits(points: &[(i64, Option<u32>)]) -> Vec<Administration<'static>> {
    points
        .iter()
        .zip(2u64..)
        .map(|(&(offset, total), line)| Administration {
            date: day(offset),
            total,
            severity: if total.is_some() { "scored" } else { "invalid" },
            flags: Vec::new(),
            line,
            place: None,
        })
        .collect()
}

/// Every window of `instrument` for the dosings on `doses` (days from `DOSE`).
pub(crate) fn windows(
    instrument: &str,
    options: &TrendOptions,
    doses: &[i64],
    points: &[(i64, Option<u32>)],
) -> Vec<WindowSummary<'static>> {
    // Summaries borrow the instrument, the dosings and the visits; a test keeps them all.
    let registry: &'static Registry = Box::leak(Box::new(Registry::builtin()));
    let instrument = registry.get(instrument).unwrap();
    let doses: Vec<Dosing> = doses
        .iter()
        .map(|&d| Dosing {
            date: day(d),
            label: None,
        })
        .collect();
    let doses: &'static [Dosing] = Box::leak(doses.into_boxed_slice());
    let visits: &'static [Administration<'static>] = Box::leak(visits(points).into_boxed_slice());
    analyze(instrument, &instrument.change, options, doses, visits)
}

/// The one PHQ-9 window after a dosing on day 0, default options.
pub(crate) fn phq9(points: &[(i64, Option<u32>)]) -> WindowSummary<'static> {
    windows("phq9", &TrendOptions::default(), &[0], points).remove(0)
}

/// Baseline on day −1 and one post-dose total on day 21.
pub(crate) fn from_to(baseline: u32, latest: u32) -> WindowSummary<'static> {
    phq9(&[(-1, Some(baseline)), (21, Some(latest))])
}
