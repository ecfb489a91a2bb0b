//! The overview's rules at their edges: which course counts, where each finding ranks, and
//! that no safety answer is lost. Every expected value is worked out in the comments.

use jiff::civil::{Date, date};

use super::{Concern, Overview, Urgency, patient_rows};
use crate::Registry;
use crate::score::{Answer, score};
use crate::trend::{
    Administration, Condition, Dosing, TrendOptions, analyze_patient, resolve_params, shift_days,
};

const DOSE: Date = date(2026, 3, 2);

/// A PHQ-9 on `day` (since `DOSE`) with total `total`: items 1–8 filled 3 at a time, item 9
/// as given (its value is part of the total).
fn phq9(registry: &Registry, day: i64, total: u8, item9: Answer, line: u64) -> Administration<'_> {
    let instrument = registry.get("phq9").unwrap();
    let mut left = total - if let Answer::Value(v) = item9 { v } else { 0 };
    let mut answers: Vec<Answer> = (0..8)
        .map(|_| {
            let v = left.min(3);
            left -= v;
            Answer::Value(v)
        })
        .collect();
    answers.push(item9);
    let report = score(instrument, &answers).unwrap();
    Administration {
        date: shift_days(DOSE, day),
        total: report.total,
        severity: report.severity.id(),
        flags: report.flags.clone(),
        line,
        place: None,
    }
}

/// A series of (day, total) with item 9 answered 0.
fn series<'r>(registry: &'r Registry, points: &[(i64, u8)]) -> Vec<Administration<'r>> {
    points
        .iter()
        .zip(2..)
        .map(|(&(day, total), line)| phq9(registry, day, total, Answer::Value(0), line))
        .collect()
}

fn dosing(day: i64, label: &str) -> Dosing {
    Dosing {
        date: shift_days(DOSE, day),
        label: Some(label.to_owned()),
    }
}

/// The PHQ-9 row of one patient, read on day `as_of`.
fn row(
    administrations: Vec<Administration<'_>>,
    doses: &[Dosing],
    as_of: i64,
) -> super::OverviewRow {
    let registry = Registry::builtin();
    let plan = [registry.get("phq9").unwrap()];
    let params = resolve_params(&registry, &[]).unwrap();
    let per_instrument = vec![administrations];
    let trend = analyze_patient(
        &plan,
        &per_instrument,
        &params,
        &TrendOptions::default(),
        doses,
    );
    let mut rows = patient_rows("P1", &trend, shift_days(DOSE, as_of));
    assert_eq!(rows.len(), 1);
    rows.remove(0)
}

/// Baseline 20 on day −1, then 18, 14, 12, 12, 11 on days 2, 9, 16, 23, 30: −9 is a
/// reliable improvement (RC 6), the last three 12, 12, 11 lie within 1 point, so a plateau
/// after improvement; day 16 is 40 % better, so on track.
const IMPROVED: [(i64, u8); 6] = [(-1, 20), (2, 18), (9, 14), (16, 12), (23, 12), (30, 11)];

#[test]
fn the_order_is_the_rules_order() {
    let mut sorted = Urgency::ALL;
    sorted.sort();
    assert_eq!(sorted, Urgency::ALL);
    let codes: Vec<&str> = Urgency::ALL.iter().map(|u| u.code()).collect();
    assert_eq!(
        codes,
        [
            "SAFETY",
            "DETERIORATION",
            "NOT_ON_TRACK",
            "PLATEAU_NO_RELIABLE_IMPROVEMENT",
            "PLATEAU_AFTER_IMPROVEMENT",
            "OVERDUE",
            "INSUFFICIENT_DATA",
            "NO_DOSING",
            "STILL_CHANGING",
            "AT_TARGET",
        ]
    );
    for urgency in Urgency::ALL {
        assert_eq!(serde_json::to_value(urgency).unwrap(), urgency.code());
    }
    // --flagged-only keeps safety down to overdue.
    assert!(Urgency::Overdue.needs_action());
    assert!(!Urgency::InsufficientData.needs_action());
}

#[test]
fn a_plateau_after_improvement_read_on_day_35() {
    let registry = Registry::builtin();
    let row = row(series(&registry, &IMPROVED), &[dosing(0, "psilocybin")], 35);
    assert_eq!(row.urgency, Urgency::PlateauAfterImprovement);
    assert_eq!(
        (row.baseline, row.latest, row.change_points),
        (Some(20), Some(11), Some(-9))
    );
    let dose = row.dosing.unwrap();
    assert_eq!(
        (dose.days_since, dose.label.as_deref()),
        (35, Some("psilocybin"))
    );
    // Day 30 to day 35: 5 days, not overdue.
    assert_eq!(row.concerns, [Concern::PlateauAfterImprovement]);
}

#[test]
fn a_safety_answer_after_the_window_ranks_first_and_an_unknown_one_too() {
    let registry = Registry::builtin();
    for item9 in [Answer::Value(1), Answer::Missing] {
        let mut visits = series(&registry, &IMPROVED);
        // Day 50: after the 42-day window, in no window, read on day 52.
        visits.push(phq9(&registry, 50, 11, item9, 40));
        let row = row(visits, &[dosing(0, "psilocybin")], 52);
        assert_eq!(row.urgency, Urgency::Safety, "{item9:?}");
        assert!(matches!(
            &row.concerns[0],
            Concern::Safety { administrations: 1, last, .. } if *last == shift_days(DOSE, 50)
        ));
        assert!(row.meets(Condition::Safety));
    }
}

#[test]
fn only_the_latest_course_ranks_and_an_earlier_safety_answer_is_kept() {
    let registry = Registry::builtin();
    // Item 9 endorsed on day −27, in the window of a dosing on day −28; the current course
    // (dosing on day 0) is a plateau after improvement.
    let mut visits = vec![phq9(&registry, -27, 18, Answer::Value(2), 1)];
    visits.extend(series(&registry, &IMPROVED));
    let row = row(visits, &[dosing(-28, "one"), dosing(0, "two")], 35);
    assert_eq!(row.urgency, Urgency::PlateauAfterImprovement);
    assert_eq!(row.dosing.as_ref().unwrap().label.as_deref(), Some("two"));
    assert!(matches!(row.earlier_safety, Some(Concern::Safety { .. })));
    // Safety is met by it; the plateau is judged on the current course.
    assert!(row.meets(Condition::Safety));
    assert!(row.meets(Condition::Plateau));
    assert!(!row.meets(Condition::Deterioration));
}

#[test]
fn a_dosing_after_the_as_of_date_is_planned_not_given() {
    let registry = Registry::builtin();
    // Read on day 35 with the only dosing on day 40: no course yet.
    let row = row(series(&registry, &IMPROVED), &[dosing(40, "next")], 35);
    assert_eq!(row.urgency, Urgency::NoDosing);
    assert_eq!(
        row.concerns,
        [Concern::NoDosing {
            planned: Some(shift_days(DOSE, 40))
        }]
    );
    assert_eq!((row.status, row.latest), (None, Some(11)));
}

#[test]
fn a_patient_without_dosing_is_listed_with_every_safety_answer() {
    let registry = Registry::builtin();
    let row_plain = row(series(&registry, &IMPROVED), &[], 35);
    assert_eq!(row_plain.urgency, Urgency::NoDosing);
    let mut visits = series(&registry, &IMPROVED);
    visits.insert(0, phq9(&registry, -60, 12, Answer::Missing, 1));
    let row = row(visits, &[], 35);
    assert_eq!(row.urgency, Urgency::Safety);
    assert_eq!(row.concerns[1], Concern::NoDosing { planned: None });
}

#[test]
fn overdue_at_the_gap_limit_and_after_the_window() {
    let registry = Registry::builtin();
    // Last follow-up on day 30; read on day 43, 44, 45: but the window ends on day 42, so
    // the schedule is judged up to day 42 at most: 12 days, never overdue.
    for as_of in [43, 44, 45, 200] {
        let row = row(series(&registry, &IMPROVED), &[dosing(0, "d")], as_of);
        assert_eq!(row.urgency, Urgency::PlateauAfterImprovement, "day {as_of}");
    }
    // Without day 30, the last follow-up is day 23 (days 9, 16, 23 still make a plateau
    // after improvement: 14, 12, 12 within 2 points, −8 from 20). Read on day 36, 37, 38:
    // 13, 14 and 15 days without an administration.
    let visits = series(&registry, &IMPROVED[..5]);
    for (as_of, expected) in [
        (36, Urgency::PlateauAfterImprovement), // 13 days: limit − 1
        (37, Urgency::PlateauAfterImprovement), // 14 days: at the limit
        (38, Urgency::PlateauAfterImprovement), // 15 days: limit + 1, but see below
    ] {
        let row = row(visits.clone(), &[dosing(0, "d")], as_of);
        // 15 days is overdue, yet a plateau after improvement ranks above overdue.
        let overdue = row
            .concerns
            .iter()
            .any(|c| matches!(c, Concern::NoAdministrationFor { .. }));
        assert_eq!(row.urgency, expected);
        assert_eq!(overdue, as_of == 38, "day {as_of}");
        assert_eq!(row.meets(Condition::FollowupGap), as_of == 38);
    }
}

#[test]
fn overdue_ranks_a_course_that_is_otherwise_at_target() {
    let registry = Registry::builtin();
    // Baseline 15, then 12, 8, 4, 3 on days 2, 9, 16, 23: latest 3 is below the target 5.
    let visits = series(&registry, &[(-1, 15), (2, 12), (9, 8), (16, 4), (23, 3)]);
    let at = row(visits.clone(), &[dosing(0, "d")], 37);
    assert_eq!(at.urgency, Urgency::AtTarget);
    let late = row(visits, &[dosing(0, "d")], 38);
    assert_eq!(late.urgency, Urgency::Overdue);
    assert_eq!(
        late.concerns,
        [
            Concern::NoAdministrationFor { days: 15 },
            Concern::AtTarget { target: 5 }
        ]
    );
}

#[test]
fn the_first_follow_up_on_day_3_is_on_time_and_on_day_4_late() {
    let registry = Registry::builtin();
    for (first, late) in [(3, false), (4, true)] {
        let visits = series(
            &registry,
            &[(-1, 15), (first, 12), (9, 8), (16, 4), (23, 3)],
        );
        let row = row(visits, &[dosing(0, "d")], 30);
        assert_eq!(row.meets(Condition::LateFollowup), late, "day {first}");
        let expected = if late {
            Urgency::Overdue
        } else {
            Urgency::AtTarget
        };
        assert_eq!(row.urgency, expected);
    }
}

#[test]
fn ties_go_by_patient_then_instrument_order() {
    let registry = Registry::builtin();
    let plan = [registry.get("phq9").unwrap(), registry.get("gad7").unwrap()];
    let params = resolve_params(&registry, &[]).unwrap();
    let doses = [dosing(0, "d")];
    let gad7 = registry.get("gad7").unwrap();
    let gad = |day: i64, value: u8| {
        let report = score(gad7, &[Answer::Value(value); 7]).unwrap();
        Administration {
            date: shift_days(DOSE, day),
            total: report.total,
            severity: report.severity.id(),
            flags: report.flags.clone(),
            line: 1,
            place: None,
        }
    };
    // No baseline for either instrument: both INSUFFICIENT_DATA, read on day 3.
    let per_instrument = vec![series(&registry, &[(2, 10)]), vec![gad(2, 1)]];
    let trend = analyze_patient(
        &plan,
        &per_instrument,
        &params,
        &TrendOptions::default(),
        &doses,
    );
    let mut overview = Overview::new(shift_days(DOSE, 3));
    overview.add("P2", &trend);
    overview.add("P1", &trend);
    let order: Vec<(String, String)> = overview
        .into_rows()
        .into_iter()
        .map(|r| (r.patient_id, r.instrument))
        .collect();
    assert_eq!(
        order,
        [
            ("P1", "phq9"),
            ("P1", "gad7"),
            ("P2", "phq9"),
            ("P2", "gad7")
        ]
        .map(|(p, i)| (p.to_owned(), i.to_owned()))
    );
}

#[test]
fn a_safety_answer_on_the_dosing_day_ranks_the_course() {
    let registry = Registry::builtin();
    // Item 9 endorsed on the dosing day itself (day 0, total 20, so the baseline stays 20):
    // the course counts from its dosing day on, so the answer ranks the row, not only
    // `earlier_safety`.
    let mut visits = series(&registry, &IMPROVED);
    visits.insert(1, phq9(&registry, 0, 20, Answer::Value(1), 50));
    let row = row(visits, &[dosing(0, "psilocybin")], 35);
    assert_eq!(row.urgency, Urgency::Safety);
    assert!(matches!(
        &row.concerns[0],
        Concern::Safety { administrations: 1, last, .. } if *last == DOSE
    ));
    assert_eq!(row.earlier_safety, None);
}

#[test]
fn insufficient_data_meets_its_condition_and_a_plateau_does_not() {
    let registry = Registry::builtin();
    // Baseline 20 on day −1 and one follow-up on day 2, read on day 5: fewer than k = 3
    // eligible points, so INSUFFICIENT_DATA.
    let short = row(
        series(&registry, &[(-1, 20), (2, 18)]),
        &[dosing(0, "psilocybin")],
        5,
    );
    assert!(short.meets(Condition::InsufficientData));
    // The plateau after improvement read on day 35 has data enough.
    let plateau = row(series(&registry, &IMPROVED), &[dosing(0, "psilocybin")], 35);
    assert!(!plateau.meets(Condition::InsufficientData));
}

#[test]
fn every_kind_of_safety_answer_in_the_course_is_named_once() {
    let registry = Registry::builtin();
    // Item 9 endorsed on day 9, unknown on day 16, endorsed again on day 23: three
    // administrations, two flags, each named once in the order first seen.
    let mut visits = series(&registry, &IMPROVED);
    visits[2] = phq9(&registry, 9, 14, Answer::Value(1), 3);
    visits[3] = phq9(&registry, 16, 12, Answer::Missing, 4);
    visits[4] = phq9(&registry, 23, 12, Answer::Value(2), 5);
    let row = row(visits, &[dosing(0, "psilocybin")], 35);
    assert_eq!(
        row.concerns[0],
        Concern::Safety {
            flags: vec!["ITEM9_POSITIVE".to_owned(), "ITEM9_MISSING".to_owned()],
            administrations: 3,
            last: shift_days(DOSE, 23),
        }
    );
}
