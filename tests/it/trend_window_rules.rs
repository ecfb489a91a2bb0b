//! The window rules at their boundaries (docs/clinical-rules.md §7.1, §7.2, §7.4), through
//! `trend::analyze`: baseline look-back, window end, recall overlap and the schedule flags.
//! Expected values are worked out by hand in the comments, from the built-in parameters
//! (PHQ-9: recall 14; PCL-5: recall 30; window 42 days, look-back 30 days). Each boundary is
//! tested on both sides.

use symscore::Registry;
use symscore::trend::{Dosing, Status, TrendOptions, analyze};

use crate::support::trend::{DOSE, day, from_to, phq9, visits, windows};

#[test]
fn recall_overlap_on_phq9_days_six_and_seven() {
    // PHQ-9 recall 14, recall/2 = 7. Day 6: 6·2 = 12 < 14 → mostly before the dose, not
    // used. Day 7: 14 < 14 is false → used. Day 13: 13 < 14 overlaps; day 14 does not.
    let s = phq9(&[
        (-1, Some(16)),
        (6, Some(12)),
        (7, Some(12)),
        (13, Some(12)),
        (14, Some(12)),
    ]);
    let seen: Vec<(i64, bool, bool)> = s
        .points
        .iter()
        .map(|p| {
            (
                p.days_since_dose,
                p.recall_overlaps_dose,
                p.used_for_plateau,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (6, true, false),
            (7, true, true),
            (13, true, true),
            (14, false, true)
        ]
    );
    // An administration without a valid total is never used.
    let invalid = phq9(&[(-1, Some(16)), (10, None)]);
    assert!(!invalid.points[0].used_for_plateau);
}

#[test]
fn a_point_before_recall_half_does_not_count_for_the_plateau() {
    // Flat 12 after baseline 16, on days 6, 14, 21. Day 6 is not used (above), so two
    // eligible points remain, three needed → insufficient data (its span, 15 days, and
    // its latest day, 21, would otherwise do).
    let early = phq9(&[
        (-1, Some(16)),
        (6, Some(12)),
        (14, Some(12)),
        (21, Some(12)),
    ]);
    assert_eq!(
        early.status,
        Status::InsufficientData,
        "{}",
        early.status_reason
    );
    // Days 7, 14, 21: all three used, span 14, latest 21; range 0 → plateau.
    let used = phq9(&[
        (-1, Some(16)),
        (7, Some(12)),
        (14, Some(12)),
        (21, Some(12)),
    ]);
    assert_eq!(used.status, Status::PlateauNoReliableImprovement);
    // The day-6 point still counts for the latest score and the change (§7.2).
    let only = phq9(&[(-1, Some(16)), (6, Some(9))]);
    assert_eq!(only.latest.map(|l| l.total), Some(9));
    assert_eq!(only.change_points, Some(-7));
}

#[test]
fn recall_overlap_on_pcl5_days_fourteen_fifteen_and_thirty() {
    // PCL-5 recall 30, recall/2 = 15: day 14 (28 < 30) not used, day 15 (30 < 30 false)
    // used; day 29 overlaps (29 < 30), day 30 does not.
    let s = windows(
        "pcl5",
        &TrendOptions::default(),
        &[0],
        &[
            (-1, Some(50)),
            (14, Some(40)),
            (15, Some(40)),
            (29, Some(40)),
            (30, Some(40)),
        ],
    )
    .remove(0);
    let seen: Vec<(i64, bool, bool)> = s
        .points
        .iter()
        .map(|p| {
            (
                p.days_since_dose,
                p.recall_overlaps_dose,
                p.used_for_plateau,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (14, true, false),
            (15, true, true),
            (29, true, true),
            (30, false, true)
        ]
    );
    // Eligible: days 15, 29, 30 (span 15 ≥ 14, latest 30 ≥ 21); 40 − 50 < 10, 40 ≥ 33,
    // range 0 < 10, 50 − 40 = 10 ≥ 10 → plateau after improvement. Were day 14 used, the
    // last three would be the same; the status pins that the rule ran on three points.
    assert_eq!(
        s.status,
        Status::PlateauAfterImprovement,
        "{}",
        s.status_reason
    );
}

#[test]
fn first_follow_up_on_day_three_is_on_time_and_day_four_is_late() {
    let on_time = phq9(&[(-1, Some(16)), (3, Some(12))]);
    assert!(on_time.flags.is_empty(), "{:?}", on_time.flags);
    let late = phq9(&[(-1, Some(16)), (4, Some(12))]);
    assert_eq!(late.flags, ["LATE_FIRST_FOLLOWUP"]);
    // No administration in the window at all is late too.
    let none = phq9(&[(-1, Some(16))]);
    assert_eq!(none.flags, ["LATE_FIRST_FOLLOWUP"]);
    // A form without a valid total still counts as the follow-up.
    let invalid = phq9(&[(-1, Some(16)), (2, None)]);
    assert!(invalid.flags.is_empty(), "{:?}", invalid.flags);
}

#[test]
fn a_gap_of_fourteen_days_is_tolerated_and_fifteen_is_flagged() {
    // Days 3 and 17: 14 days apart, not > 14 → no flag.
    let fourteen = phq9(&[(-1, Some(16)), (3, Some(12)), (17, Some(12))]);
    assert!(fourteen.flags.is_empty(), "{:?}", fourteen.flags);
    // Days 3 and 18: 15 > 14 → FOLLOWUP_GAP.
    let fifteen = phq9(&[(-1, Some(16)), (3, Some(12)), (18, Some(12))]);
    assert_eq!(fifteen.flags, ["FOLLOWUP_GAP"]);
    // An invalid form in between splits the gap: 3 → 10 → 24 is 7 and 14 days.
    let split = phq9(&[(-1, Some(16)), (3, Some(12)), (10, None), (24, Some(12))]);
    assert!(split.flags.is_empty(), "{:?}", split.flags);
    // The gap from the last visit to the end of the window (day 3 to day 42) is not one.
    let tail = phq9(&[(-1, Some(16)), (3, Some(12))]);
    assert!(tail.flags.is_empty(), "{:?}", tail.flags);
}

#[test]
fn baseline_look_back_at_its_limit_and_one_day_past_it() {
    // Look-back 30: day −30 is the first day a baseline may fall on.
    let at = phq9(&[(-30, Some(16)), (21, Some(12))]);
    assert_eq!(
        at.baseline.map(|b| (b.days_since_dose, b.total)),
        Some((-30, 16))
    );
    let past = phq9(&[(-31, Some(16)), (21, Some(12))]);
    assert_eq!(past.baseline, None);
    assert_eq!(
        past.baseline_missing_reason
            .map(|reason| reason.to_string())
            .as_deref(),
        Some("no valid administration in the 30 days up to the dosing on 2026-03-02")
    );
    // With --baseline-days 7: day −7 counts, day −8 does not.
    let mut options = TrendOptions::default();
    options.baseline_days = 7;
    let seven = |offset| {
        windows(
            "phq9",
            &options,
            &[0],
            &[(offset, Some(16)), (21, Some(12))],
        )
        .remove(0)
        .baseline
        .map(|b| b.total)
    };
    assert_eq!((seven(-7), seven(-8)), (Some(16), None));
}

#[test]
fn the_baseline_is_the_last_valid_total_up_to_the_dosing_day() {
    // A visit on the dosing day counts as before the dose, and is not in the window.
    let same_day = phq9(&[(-5, Some(20)), (0, Some(16)), (21, Some(12))]);
    assert_eq!(same_day.baseline.map(|b| b.total), Some(16));
    assert_eq!(same_day.points.len(), 1);
    // An invalid form on the dosing day is passed over for the last valid one.
    let invalid = phq9(&[(-5, Some(20)), (0, None), (21, Some(12))]);
    assert_eq!(
        invalid.baseline.map(|b| (b.days_since_dose, b.total)),
        Some((-5, 20))
    );
    // Only a form outside the look-back is valid: none, even though a later one is invalid.
    let stale = phq9(&[(-40, Some(20)), (-3, None), (21, Some(12))]);
    assert_eq!(stale.baseline, None);
}

#[test]
fn the_window_ends_on_its_last_day() {
    // Default window 42 days: day 42 is in it, day 43 is not.
    let s = phq9(&[(-1, Some(16)), (42, Some(12)), (43, Some(8))]);
    assert_eq!(s.window_end, day(42));
    assert_eq!(
        s.latest.map(|l| (l.days_since_dose, l.total)),
        Some((42, 12))
    );
    // A 10-day window: day 10 in, day 11 out.
    let mut options = TrendOptions::default();
    options.window_days = 10;
    let short = windows(
        "phq9",
        &options,
        &[0],
        &[(-1, Some(16)), (10, Some(12)), (11, Some(8))],
    )
    .remove(0);
    assert_eq!(short.window_end, day(10));
    assert_eq!(short.points.len(), 1);
}

#[test]
fn the_next_dosing_ends_a_window_the_day_before() {
    // Dosings on days 0 and 28 (the second given first, the first twice): two windows. The
    // first ends on day 27, which holds the visit of day 27; the visit on day 28 is the
    // second window's baseline, not in the first.
    let s = windows(
        "phq9",
        &TrendOptions::default(),
        &[28, 0, 0],
        &[
            (-1, Some(16)),
            (27, Some(12)),
            (28, Some(11)),
            (35, Some(9)),
        ],
    );
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].window_end, day(27));
    assert_eq!(s[0].latest.map(|l| l.days_since_dose), Some(27));
    assert_eq!(s[0].points.len(), 1);
    assert_eq!(s[1].dosing_date, day(28));
    assert_eq!(s[1].baseline.map(|b| b.total), Some(11));
    assert_eq!(s[1].window_end, day(28 + 42));
    // Dosings on consecutive days: the first window ends on its own dosing day and is empty.
    let tight = windows(
        "phq9",
        &TrendOptions::default(),
        &[0, 1],
        &[(-1, Some(16)), (1, Some(12))],
    );
    assert_eq!(tight[0].window_end, day(0));
    assert!(tight[0].points.is_empty());
    assert_eq!(tight[0].flags, ["LATE_FIRST_FOLLOWUP"]);
}

#[test]
fn of_two_forms_on_one_day_the_later_line_is_the_later_visit() {
    // Day 21 twice: line 3 has 14, line 4 has 10 (given in reverse order below, so the
    // sort by line, not the slice order, decides). Latest = 10.
    let mut admins = visits(&[(-1, Some(16)), (21, Some(14)), (21, Some(10))]);
    admins.swap(1, 2);
    let registry = Registry::builtin();
    let phq9 = registry.get("phq9").unwrap();
    let doses = [Dosing {
        date: DOSE,
        label: None,
    }];
    let s = analyze(
        phq9,
        &phq9.change,
        &TrendOptions::default(),
        &doses,
        &admins,
    )
    .remove(0);
    assert_eq!(s.latest.map(|l| (l.total, l.line)), Some((10, 4)));
    assert_eq!(s.points.iter().map(|p| p.line).collect::<Vec<_>>(), [3, 4]);
}

#[test]
fn dates_are_written_as_iso_dates() {
    // Dosing 2026-03-02, a 42-day window ends on 2026-04-13; baseline on 2026-03-01, a form
    // on 2026-03-23 (day 21).
    let json = serde_json::to_value(from_to(12, 8)).unwrap();
    assert_eq!(json["dosing_date"], "2026-03-02");
    assert_eq!(json["window_end"], "2026-04-13");
    assert_eq!(json["baseline"]["date"], "2026-03-01");
    assert_eq!(json["latest"]["date"], "2026-03-23");
    assert_eq!(json["points"][0]["date"], "2026-03-23");
}
