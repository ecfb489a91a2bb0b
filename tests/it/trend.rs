//! Trend known answers: trajectories whose statuses are worked out by hand from reference
//! §6 and §7.3 (PHQ-9: RC 6, MCID 5, target 5, caseness 10; k = 3, D = 14, E = 21, H = 28;
//! points before day 7 are shown but not used), plus order and date-shift invariance.

use jiff::civil::{Date, date};
use proptest::prelude::*;
use symscore::Registry;
use symscore::trend::{
    Administration, Dosing, OnTrack, PlateauRule, ReliableChange, Status, TrendOptions,
    WindowSummary, analyze,
};

const DOSE: Date = date(2026, 3, 2);

fn day(offset: i64) -> Date {
    DOSE.saturating_add(jiff::Span::new().days(offset))
}

/// `(days from dosing, total)`; `None` is an administration without a valid total.
fn visits(points: &[(i64, Option<u32>)]) -> Vec<Administration<'static>> {
    points
        .iter()
        .enumerate()
        .map(|(i, &(offset, total))| Administration {
            date: day(offset),
            total,
            severity: if total.is_some() { "scored" } else { "invalid" },
            flags: Vec::new(),
            line: i as u64 + 2,
            place: None,
        })
        .collect()
}

fn run(
    rule: PlateauRule,
    points: &[(i64, Option<u32>)],
    doses: &[Date],
) -> Vec<WindowSummary<'static>> {
    let registry: &'static Registry = Box::leak(Box::new(Registry::builtin()));
    let phq9 = registry.get("phq9").unwrap();
    let mut options = TrendOptions::default();
    options.rule = rule;
    let doses: Vec<Dosing> = doses
        .iter()
        .map(|&d| Dosing {
            date: d,
            label: None,
        })
        .collect();
    // Summaries borrow from the dosings and visits; these tests keep them for the run.
    let doses: &'static [Dosing] = Box::leak(doses.into_boxed_slice());
    let visits: &'static [Administration<'static>] = Box::leak(visits(points).into_boxed_slice());
    analyze(phq9, &phq9.change, &options, doses, visits)
}

fn one(rule: PlateauRule, points: &[(i64, Option<u32>)]) -> WindowSummary<'static> {
    run(rule, points, &[DOSE]).remove(0)
}

#[test]
fn plateau_after_improvement() {
    // Baseline 20; days 14, 21, 28 at 12, 11, 12: range 1 < 6, 20 − 12 = 8 ≥ 6.
    let s = one(
        PlateauRule::Band,
        &[
            (-3, Some(20)),
            (2, Some(15)),
            (14, Some(12)),
            (21, Some(11)),
            (28, Some(12)),
        ],
    );
    assert_eq!(
        s.status,
        Status::PlateauAfterImprovement,
        "{}",
        s.status_reason
    );
    assert_eq!(s.reliable_change, Some(ReliableChange::ReliableImprovement));
    assert_eq!(s.change_points, Some(-8));
    // 8/20 = 40 % < 50 %: no response; 12 ≥ 5: no remission.
    assert_eq!((s.response, s.remission), (Some(false), Some(false)));
}

#[test]
fn plateau_without_reliable_improvement() {
    // Baseline 16; 15, 14, 15: range 1; 16 − 15 = 1 < 6.
    let s = one(
        PlateauRule::Band,
        &[(0, Some(16)), (7, Some(15)), (14, Some(14)), (21, Some(15))],
    );
    assert_eq!(
        s.status,
        Status::PlateauNoReliableImprovement,
        "{}",
        s.status_reason
    );
}

#[test]
fn deterioration_beats_plateau() {
    // Baseline 10; 16, 17, 16 is flat (range 1) but 16 − 10 = 6 ≥ RC.
    let s = one(
        PlateauRule::Band,
        &[
            (-1, Some(10)),
            (7, Some(16)),
            (14, Some(17)),
            (21, Some(16)),
        ],
    );
    assert_eq!(s.status, Status::Deterioration);
    assert_eq!(
        s.reliable_change,
        Some(ReliableChange::ReliableDeterioration)
    );
}

#[test]
fn at_target_beats_plateau() {
    // 4, 4, 4 is flat, but 4 < target 5.
    let s = one(
        PlateauRule::Band,
        &[(-1, Some(18)), (7, Some(4)), (14, Some(4)), (21, Some(4))],
    );
    assert_eq!(s.status, Status::AtTarget);
    assert_eq!((s.response, s.remission), (Some(true), Some(true)));
}

#[test]
fn still_changing_is_no_plateau() {
    // 18, 13, 8: range 10 ≥ 6.
    let s = one(
        PlateauRule::Band,
        &[(-1, Some(20)), (7, Some(18)), (14, Some(13)), (21, Some(8))],
    );
    assert_eq!(s.status, Status::NoPlateau);
}

#[test]
fn too_few_points_too_short_a_span_or_too_early_is_insufficient() {
    let two = one(
        PlateauRule::Band,
        &[(-1, Some(20)), (14, Some(12)), (21, Some(12))],
    );
    assert_eq!(two.status, Status::InsufficientData);
    assert!(
        two.status_reason
            .to_string()
            .contains("2 eligible administrations"),
        "{}",
        two.status_reason
    );
    // Days 15, 20, 25 span 10 < 14.
    let short = one(
        PlateauRule::Band,
        &[
            (-1, Some(20)),
            (15, Some(12)),
            (20, Some(12)),
            (25, Some(12)),
        ],
    );
    assert_eq!(short.status, Status::InsufficientData);
    // Days 7, 14, 20 span 13 … and day 20 < 21: still insufficient whichever is checked first.
    let early = one(
        PlateauRule::Band,
        &[
            (-1, Some(20)),
            (7, Some(12)),
            (14, Some(12)),
            (20, Some(12)),
        ],
    );
    assert_eq!(early.status, Status::InsufficientData);
}

#[test]
fn recall_overlapping_the_dose_is_shown_but_excluded() {
    // The day-2 point (recall mostly before the dose, 2 < 14/2) would make the last three
    // eligible; without it only two remain.
    let s = one(
        PlateauRule::Band,
        &[
            (-1, Some(20)),
            (2, Some(12)),
            (14, Some(12)),
            (28, Some(12)),
        ],
    );
    assert_eq!(s.status, Status::InsufficientData);
    assert!(s.points[0].recall_overlaps_dose && !s.points[0].used_for_plateau);
    // Day 7 overlaps (7 < 14) but is not mostly before the dose (7 ≥ 7): used.
    let t = one(
        PlateauRule::Band,
        &[
            (-1, Some(20)),
            (7, Some(12)),
            (14, Some(12)),
            (28, Some(12)),
        ],
    );
    assert!(t.points[0].recall_overlaps_dose && t.points[0].used_for_plateau);
    assert_eq!(t.status, Status::PlateauAfterImprovement);
}

#[test]
fn missing_baseline_leaves_change_metrics_absent_and_says_why() {
    // The only pre-dose score is 31 days before dosing (look-back 30).
    let s = one(
        PlateauRule::Band,
        &[
            (-31, Some(20)),
            (7, Some(12)),
            (14, Some(12)),
            (21, Some(12)),
        ],
    );
    assert_eq!(s.baseline, None);
    assert!(
        s.baseline_missing_reason
            .unwrap()
            .to_string()
            .contains("30 days")
    );
    assert_eq!(
        (s.change_points, s.reliable_change, s.response),
        (None, None, None)
    );
    assert_eq!(s.status, Status::InsufficientData);
}

#[test]
fn the_two_rules_disagree_on_a_slow_steady_decline() {
    // Baseline 16; 15, 14, 12 on days 7, 14, 21 (§7.3's "10 → 9 → 7" weakness, on PHQ-9).
    // Band: range 3 < 6 → plateau. Slope: Σ over t = 7, 14, 21 (t̄ = 14), y = 15, 14, 12
    // (ȳ = 41/3): Σ(t−t̄)(y−ȳ) = −7·(4/3) + 0 + 7·(−5/3) = −21, Σ(t−t̄)² = 98, slope −3/14;
    // projected improvement 28 · 3/14 = 6 ≥ MCID 5 → no plateau.
    let points = [
        (-1, Some(16)),
        (7, Some(15)),
        (14, Some(14)),
        (21, Some(12)),
    ];
    assert_eq!(
        one(PlateauRule::Band, &points).status,
        Status::PlateauNoReliableImprovement
    );
    assert_eq!(one(PlateauRule::Slope, &points).status, Status::NoPlateau);
    // A flatter tail (15, 14, 14): slope −1/14, projected 2 < 5 → plateau under both.
    let flatter = [
        (-1, Some(16)),
        (7, Some(15)),
        (14, Some(14)),
        (21, Some(14)),
    ];
    assert_eq!(
        one(PlateauRule::Slope, &flatter).status,
        Status::PlateauNoReliableImprovement
    );
}

#[test]
fn a_second_dosing_cuts_the_first_window_and_starts_its_own() {
    let second = day(28);
    let points = [
        (-2, Some(20)),
        (7, Some(14)),
        (14, Some(13)),
        (21, Some(12)),
        (27, Some(12)),
        (35, Some(8)),
        (42, Some(6)),
    ];
    let windows = run(PlateauRule::Band, &points, &[second, DOSE]); // dosings in any order
    assert_eq!(windows.len(), 2);
    assert_eq!(windows[0].window_end, day(27));
    assert_eq!(windows[0].points.len(), 4);
    assert_eq!(windows[0].latest.unwrap().total, 12);
    // The second baseline is the last score on or before its dosing: day 27, 12.
    assert_eq!(windows[1].baseline.unwrap().total, 12);
    assert_eq!(
        windows[1]
            .points
            .iter()
            .map(|p| p.days_since_dose)
            .collect::<Vec<_>>(),
        [7, 14]
    );
}

#[test]
fn schedule_flags() {
    // First follow-up on day 4 (> 72 h), then a 15-day gap.
    let s = one(
        PlateauRule::Band,
        &[(-1, Some(20)), (4, Some(15)), (19, Some(14))],
    );
    assert_eq!(s.flags, ["LATE_FIRST_FOLLOWUP", "FOLLOWUP_GAP"]);
    let t = one(
        PlateauRule::Band,
        &[(-1, Some(20)), (2, Some(15)), (9, Some(14))],
    );
    assert!(t.flags.is_empty());
}

#[test]
fn early_non_improvement_is_not_on_track() {
    // Baseline 20; days 14 and 21 at 17 and 18: 15 % and 10 % < 20 %, twice in a row.
    let s = one(
        PlateauRule::Band,
        &[
            (-1, Some(20)),
            (7, Some(15)),
            (14, Some(17)),
            (21, Some(18)),
        ],
    );
    assert_eq!(s.on_track, OnTrack::NotOnTrack);
    let t = one(
        PlateauRule::Band,
        &[(-1, Some(20)), (14, Some(17)), (21, Some(15))],
    );
    assert_eq!(t.on_track, OnTrack::OnTrack); // 25 % on day 21 breaks the run
}

fn statuses(points: &[(i64, Option<u32>)], shift: i64, order: &[usize]) -> Vec<String> {
    let registry: &'static Registry = Box::leak(Box::new(Registry::builtin()));
    let phq9 = registry.get("phq9").unwrap();
    let shift_date = |d: Date| d.saturating_add(jiff::Span::new().days(shift));
    let mut admins = visits(points);
    for a in &mut admins {
        a.date = shift_date(a.date);
    }
    let shuffled: Vec<_> = order.iter().map(|&i| admins[i].clone()).collect();
    let dose = [Dosing {
        date: shift_date(DOSE),
        label: None,
    }];
    analyze(
        phq9,
        &phq9.change,
        &TrendOptions::default(),
        &dose,
        &shuffled,
    )
    .iter()
    .map(|s| {
        format!(
            "{:?} {:?} {:?} {:?} {:?} {:?}",
            s.status,
            s.on_track,
            s.change_points,
            s.flags,
            s.response,
            s.points.len()
        )
    })
    .collect()
}

#[test]
fn days_between_counts_calendar_days_either_way() {
    use symscore::trend::days_between;
    assert_eq!(days_between(date(2026, 12, 31), date(2027, 1, 2)), 2);
    assert_eq!(days_between(date(2027, 1, 2), date(2026, 12, 31)), -2);
    assert_eq!(days_between(date(2028, 2, 28), date(2028, 3, 1)), 2); // leap year
    assert_eq!(days_between(date(2026, 3, 2), date(2026, 3, 2)), 0);
    assert_eq!(days_between(date(2025, 1, 1), date(2026, 1, 1)), 365);
}

proptest! {
    #[test]
    fn shifting_dates_or_shuffling_rows_changes_nothing(
        totals in prop::collection::vec(0u32..=27, 6),
        gaps in prop::collection::vec(1i64..=10, 6),
        shift in -4000i64..4000,
        order in Just((0..6).collect::<Vec<usize>>()).prop_shuffle(),
    ) {
        let mut offset = -5;
        let points: Vec<(i64, Option<u32>)> = totals.iter().zip(&gaps).map(|(&t, &g)| { offset += g; (offset, Some(t)) }).collect();
        let identity: Vec<usize> = (0..6).collect();
        let reference = statuses(&points, 0, &identity);
        prop_assert_eq!(&statuses(&points, shift, &identity), &reference);
        prop_assert_eq!(&statuses(&points, 0, &order), &reference);
    }
}

/// The CSV writer uses `name()`; JSON uses serde. Both must say the same thing.
#[test]
fn enum_names_match_their_serialised_form() {
    use symscore::trend::NhsTtClass;
    fn check<T: serde::Serialize>(value: T, name: &str) {
        assert_eq!(serde_json::to_value(value).unwrap(), name);
    }
    for rule in [PlateauRule::Band, PlateauRule::Slope] {
        check(rule, rule.name());
    }
    for status in [
        Status::InsufficientData,
        Status::Deterioration,
        Status::AtTarget,
        Status::PlateauAfterImprovement,
        Status::PlateauNoReliableImprovement,
        Status::NoPlateau,
    ] {
        check(status, status.name());
    }
    for on_track in [
        OnTrack::OnTrack,
        OnTrack::NotOnTrack,
        OnTrack::InsufficientData,
    ] {
        check(on_track, on_track.name());
    }
    for change in [
        ReliableChange::ReliableImprovement,
        ReliableChange::NoReliableChange,
        ReliableChange::ReliableDeterioration,
    ] {
        check(change, change.name());
    }
    for class in [
        NhsTtClass::ReliableRecovery,
        NhsTtClass::ReliableImprovement,
        NhsTtClass::ReliableDeterioration,
        NhsTtClass::NoReliableChange,
    ] {
        check(class, class.name());
    }
}
