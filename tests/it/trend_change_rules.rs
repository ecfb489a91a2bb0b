//! Change from baseline at its boundaries (docs/clinical-rules.md §6): response, remission,
//! reliable change, the Jacobson–Truax index, what flags a summary, and the window's safety
//! flags, through `trend::analyze`. Expected values are worked out by hand in the comments,
//! from the built-in PHQ-9 parameters (RC 6, target 5, caseness 10, response 50 %). Each
//! boundary is tested on both sides.

use symscore::instrument::RciParams;
use symscore::trend::{
    Administration, Dosing, OnTrack, ReliableChange, Status, TrendOptions, analyze,
};
use symscore::{Answer, Registry};

use crate::support::trend::{DOSE, day, from_to, phq9, visits};

#[test]
fn response_at_exactly_fifty_percent_from_a_baseline_at_caseness() {
    // Baseline 10 = caseness: 10 → 5 is (10 − 5)·100 = 500 ≥ 50·10 = 500 → response.
    assert_eq!(from_to(10, 5).response, Some(true));
    // 10 → 6: 400 < 500 → no response.
    assert_eq!(from_to(10, 6).response, Some(false));
    // Baseline 12: 12 → 6 is 600 ≥ 600 → response; 12 → 7 is 500 < 600 → none.
    assert_eq!(from_to(12, 6).response, Some(true));
    assert_eq!(from_to(12, 7).response, Some(false));
}

#[test]
fn no_response_result_from_a_baseline_below_caseness() {
    // Baseline 9 < caseness 10: a fall to 0 (100 %) is still not a response: empty.
    let s = from_to(9, 0);
    assert_eq!(s.response, None);
    // The other results are still given: −9 points, −100 %, remission (0 < 5).
    assert_eq!(s.change_points, Some(-9));
    assert_eq!(s.change_pct, Some(-100.0));
    assert_eq!(s.remission, Some(true));
}

#[test]
fn remission_below_the_target_not_at_it() {
    // Target 5: latest 4 → remission; latest 5 → not.
    assert_eq!(from_to(12, 4).remission, Some(true));
    assert_eq!(from_to(12, 5).remission, Some(false));
    // Remission needs no baseline, only a latest total.
    let no_baseline = phq9(&[(21, Some(4))]);
    assert_eq!(
        (no_baseline.remission, no_baseline.response),
        (Some(true), None)
    );
    // Without a valid total in the window there is no latest and no remission.
    let none = phq9(&[(-1, Some(12)), (21, None)]);
    assert_eq!((none.latest, none.remission), (None, None));
}

#[test]
fn reliable_change_at_the_threshold_in_both_directions() {
    // Baseline 12, RC 6.
    let class = |latest| from_to(12, latest).reliable_change;
    // 12 → 6: −6 ≤ −6 → reliable improvement; 12 → 7: −5 → no reliable change.
    assert_eq!(class(6), Some(ReliableChange::ReliableImprovement));
    assert_eq!(class(7), Some(ReliableChange::NoReliableChange));
    // 12 → 17: +5 → no reliable change; 12 → 18: +6 ≥ 6 → reliable deterioration.
    assert_eq!(class(17), Some(ReliableChange::NoReliableChange));
    assert_eq!(class(18), Some(ReliableChange::ReliableDeterioration));
    // Change in points and percent: 12 → 18 is +6, +50 %.
    let s = from_to(12, 18);
    assert_eq!((s.change_points, s.change_pct), (Some(6), Some(50.0)));
}

#[test]
fn a_reliable_deterioration_with_too_few_points_is_still_flagged() {
    // Baseline 12, one form on day 3 at 18: +6 → reliable deterioration. One point: status
    // insufficient data, on track insufficient (nothing from day 14), no schedule flag
    // (day 3 is on time). Only the reliable change flags the summary (§7.3.2).
    let s = phq9(&[(-1, Some(12)), (3, Some(18))]);
    assert_eq!(s.status, Status::InsufficientData);
    assert!(s.flags.is_empty(), "{:?}", s.flags);
    assert!(s.is_flagged());
    // The same at 17 (+5, no reliable change): nothing to flag.
    let quiet = phq9(&[(-1, Some(12)), (3, Some(17))]);
    assert!(!quiet.is_flagged());
}

#[test]
fn each_reason_alone_flags_a_summary() {
    // A late first follow-up alone: baseline 12, day 4 at 12 (one point, no change).
    let late = phq9(&[(-1, Some(12)), (4, Some(12))]);
    assert_eq!(late.flags, ["LATE_FIRST_FOLLOWUP"]);
    assert_eq!(late.reliable_change, Some(ReliableChange::NoReliableChange));
    assert!(late.is_flagged());
    // A plateau alone: baseline 16; 12 on days 3, 10, 17, 24 (day 3 on time, 7-day gaps).
    // Eligible 10, 17, 24: span 14, latest 24 ≥ 21, range 0 < 6, 16 − 12 = 4 < 6 → plateau
    // without reliable improvement. On track: (16 − 12)·100 = 400 ≥ 20·16 = 320 on days
    // 17 and 24 → on track.
    let plateau = phq9(&[
        (-1, Some(16)),
        (3, Some(12)),
        (10, Some(12)),
        (17, Some(12)),
        (24, Some(12)),
    ]);
    assert_eq!(plateau.status, Status::PlateauNoReliableImprovement);
    assert_eq!(plateau.on_track, OnTrack::OnTrack);
    assert!(plateau.flags.is_empty(), "{:?}", plateau.flags);
    assert!(plateau.is_flagged());
    // Not on track alone: baseline 16; 15 on days 3, 10, 14, 17. Eligible 10, 14, 17 span 7
    // < 14 → insufficient data. Days 14 and 17: (16 − 15)·100 = 100 < 320 twice → not on
    // track. −1 → no reliable change; no schedule flag.
    let slow = phq9(&[
        (-1, Some(16)),
        (3, Some(15)),
        (10, Some(15)),
        (14, Some(15)),
        (17, Some(15)),
    ]);
    assert_eq!(slow.status, Status::InsufficientData);
    assert_eq!(slow.on_track, OnTrack::NotOnTrack);
    assert!(slow.flags.is_empty(), "{:?}", slow.flags);
    assert!(slow.is_flagged());
}

#[test]
fn the_jacobson_truax_index_when_the_definition_gives_sd_and_reliability() {
    // §6.1's example: SD 6.0, r 0.84 → SE = 6·√0.16 = 2.4, S_diff = √2·2.4 ≈ 3.394;
    // 18 → 8 gives RCI = −10/3.394 ≈ −2.946.
    let registry = Registry::builtin();
    let phq9 = registry.get("phq9").unwrap();
    let mut change = phq9.change.clone();
    change.rci = Some(RciParams {
        sd: 6.0,
        reliability: 0.84,
    });
    let doses = [Dosing {
        date: DOSE,
        label: None,
    }];
    let admins = visits(&[(-1, Some(18)), (21, Some(8))]);
    let s = analyze(phq9, &change, &TrendOptions::default(), &doses, &admins).remove(0);
    let rci = s.rci.unwrap();
    assert!((rci - (-10.0 / (2f64.sqrt() * 2.4))).abs() < 1e-9, "{rci}");
    assert!((rci + 2.946).abs() < 0.001, "{rci}");
    // The class stays the point-based one: −10 ≤ −6.
    assert_eq!(s.reliable_change, Some(ReliableChange::ReliableImprovement));
    // Without SD and reliability there is no index.
    let plain = analyze(
        phq9,
        &phq9.change,
        &TrendOptions::default(),
        &doses,
        &admins,
    )
    .remove(0);
    assert_eq!(plain.rci, None);
}

#[test]
fn safety_flags_of_the_window_come_first_in_the_definition_order() {
    // PHQ-9 forms scored for real: every item 1, item 9 as given (total 9 when answered).
    let registry = Registry::builtin();
    let phq9 = registry.get("phq9").unwrap();
    let form = |offset: i64, item9: Answer, line: u64| {
        let mut answers = vec![Answer::Value(1); 9];
        answers[8] = item9;
        let report = symscore::score(phq9, &answers).unwrap();
        Administration {
            date: day(offset),
            total: report.total,
            severity: "scored",
            flags: report.flags.clone(),
            line,
            place: None,
        }
    };
    let doses = [Dosing {
        date: DOSE,
        label: None,
    }];
    let flags = |admins: &[Administration<'_>]| -> Vec<String> {
        analyze(phq9, &phq9.change, &TrendOptions::default(), &doses, admins)
            .remove(0)
            .flags
            .iter()
            .map(|f| f.name.to_owned())
            .collect()
    };
    // Item 9 blank on day 9, endorsed on day 2: positive first (the definition's order),
    // then missing; no schedule flag (day 2 on time, a 7-day gap).
    assert_eq!(
        flags(&[form(2, Answer::Value(1), 2), form(9, Answer::Missing, 3)]),
        ["ITEM9_POSITIVE", "ITEM9_MISSING"]
    );
    // Only endorsed: only the positive flag; only blank: only the missing flag.
    assert_eq!(flags(&[form(2, Answer::Value(2), 2)]), ["ITEM9_POSITIVE"]);
    assert_eq!(flags(&[form(2, Answer::Missing, 2)]), ["ITEM9_MISSING"]);
    // Item 9 = 0 raises nothing; an endorsement before the dose is not the window's.
    assert!(flags(&[form(2, Answer::Value(0), 2)]).is_empty());
    assert!(flags(&[form(-1, Answer::Value(3), 2), form(2, Answer::Value(0), 3)]).is_empty());
    // Safety before schedule: a late first follow-up with item 9 endorsed.
    assert_eq!(
        flags(&[form(5, Answer::Value(1), 2)]),
        ["ITEM9_POSITIVE", "LATE_FIRST_FOLLOWUP"]
    );
}

#[test]
fn a_zero_baseline_has_a_change_in_points_but_no_percentage() {
    let s = from_to(0, 3);
    assert_eq!((s.change_points, s.change_pct), (Some(3), None));
    assert_eq!(s.points[0].change_pct, None);
}
