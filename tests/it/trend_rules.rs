//! The plateau and on-track rules at their boundaries (docs/clinical-rules.md §7.3), through
//! the library's rule functions. Every expected value is worked out by hand in the comment
//! above it, from the built-in PHQ-9 parameters unless a test says otherwise:
//! RC 6, MCID 5, target 5, caseness 10; k = 3, D = 14, E = 21, H = 28.
//!
//! Each boundary is tested on both sides, so that turning a `<` of a rule into `<=` (or the
//! reverse) fails a test.

use symscore::Registry;
use symscore::instrument::ChangeParams;
use symscore::trend::{
    EligiblePoint, OnTrack, OnTrackParams, PlateauRule, Status, on_track, plateau_status, slope,
};

fn phq9_change() -> ChangeParams {
    Registry::builtin().get("phq9").unwrap().change.clone()
}

/// Eligible points from `(day, total)` pairs.
fn points(pairs: &[(i64, u32)]) -> Vec<EligiblePoint> {
    pairs
        .iter()
        .map(|&(days, total)| EligiblePoint { days, total })
        .collect()
}

/// The status of `rule` with the PHQ-9 parameters.
fn status(rule: PlateauRule, baseline: Option<u32>, pairs: &[(i64, u32)]) -> Status {
    let decision = plateau_status(rule, &phq9_change(), baseline, &points(pairs));
    decision.status
}

fn band(baseline: u32, pairs: &[(i64, u32)]) -> Status {
    status(PlateauRule::Band, Some(baseline), pairs)
}

#[test]
fn band_range_one_below_the_reliable_change_is_a_plateau_and_at_it_is_not() {
    // Baseline 16; days 7, 14, 21 (span 14 = D, latest day 21 = E). Latest 12: 12 − 16 < 6
    // (no deterioration), 12 ≥ 5 (not at target), 16 − 12 = 4 < 6 (no reliable improvement).
    // Totals 10, 15, 12: max − min = 5 = RC − 1 < 6 → plateau.
    assert_eq!(
        band(16, &[(7, 10), (14, 15), (21, 12)]),
        Status::PlateauNoReliableImprovement
    );
    // Totals 9, 15, 12: max − min = 6 = RC, not < 6 → still changing.
    assert_eq!(band(16, &[(7, 9), (14, 15), (21, 12)]), Status::NoPlateau);
    // The reasons give the numbers the rule used.
    let reason = |pairs: &[(i64, u32)]| {
        plateau_status(PlateauRule::Band, &phq9_change(), Some(16), &points(pairs)).reason
    };
    assert_eq!(
        reason(&[(7, 10), (14, 15), (21, 12)]),
        "last 3 totals [10, 15, 12] lie within 5 points, less than the reliable change 6"
    );
    assert_eq!(
        reason(&[(7, 9), (14, 15), (21, 12)]),
        "last 3 totals [9, 15, 12] span 6 points, at least the reliable change 6"
    );
    // The range is over the last k points only: an earlier 3 does not widen it.
    assert_eq!(
        band(16, &[(0, 3), (7, 10), (14, 15), (21, 12)]),
        Status::PlateauNoReliableImprovement
    );
}

#[test]
fn band_follows_the_reliable_change_parameter() {
    // PCL-5, RC 10, target 33: baseline 50; totals 40, 49, 45 (latest 45 ≥ 33; 50 − 45 = 5).
    // Range 9 = RC − 1 → plateau; 39, 49, 45 has range 10 = RC → no plateau.
    let pcl5 = Registry::builtin().get("pcl5").unwrap().change.clone();
    let run = |pairs: &[(i64, u32)]| {
        plateau_status(PlateauRule::Band, &pcl5, Some(50), &points(pairs)).status
    };
    assert_eq!(
        run(&[(15, 40), (22, 49), (29, 45)]),
        Status::PlateauNoReliableImprovement
    );
    assert_eq!(run(&[(15, 39), (22, 49), (29, 45)]), Status::NoPlateau);
}

#[test]
fn the_span_of_the_last_k_points_must_reach_d() {
    // Flat 12, 12, 12 after baseline 16. Days 7, 14, 21: 21 − 7 = 14 = D → a status.
    assert_eq!(
        band(16, &[(7, 12), (14, 12), (21, 12)]),
        Status::PlateauNoReliableImprovement
    );
    // Days 8, 14, 21: 21 − 8 = 13 = D − 1 < 14 → insufficient data.
    let decision = plateau_status(
        PlateauRule::Band,
        &phq9_change(),
        Some(16),
        &points(&[(8, 12), (14, 12), (21, 12)]),
    );
    assert_eq!(decision.status, Status::InsufficientData);
    assert_eq!(
        decision.reason,
        "the last 3 administrations span 13 days, 14 needed"
    );
}

#[test]
fn the_latest_of_the_last_k_points_must_be_on_day_e_or_later() {
    // Days 6, 13, 20: span 14 = D, but the latest is day 20 = E − 1 < 21 → insufficient.
    let decision = plateau_status(
        PlateauRule::Band,
        &phq9_change(),
        Some(16),
        &points(&[(6, 12), (13, 12), (20, 12)]),
    );
    assert_eq!(decision.status, Status::InsufficientData);
    assert_eq!(
        decision.reason,
        "latest administration is day 20, day 21 or later needed"
    );
    // Days 7, 14, 21: latest on day 21 = E → a status.
    assert_eq!(
        band(16, &[(7, 12), (14, 12), (21, 12)]),
        Status::PlateauNoReliableImprovement
    );
}

#[test]
fn k_points_are_needed_and_a_baseline() {
    // Two eligible points with k = 3 → insufficient; three → a status.
    let decision = plateau_status(
        PlateauRule::Band,
        &phq9_change(),
        Some(16),
        &points(&[(7, 12), (21, 12)]),
    );
    assert_eq!(decision.status, Status::InsufficientData);
    assert_eq!(
        decision.reason,
        "2 eligible administrations after dosing, 3 needed"
    );
    assert_eq!(
        status(PlateauRule::Band, None, &[(7, 12), (14, 12), (21, 12)]),
        Status::InsufficientData
    );
}

#[test]
fn deterioration_at_the_reliable_change_and_not_one_below() {
    // Baseline 10; flat 16, 16, 16: 16 − 10 = 6 = RC → deterioration (before the plateau).
    assert_eq!(
        band(10, &[(7, 16), (14, 16), (21, 16)]),
        Status::Deterioration
    );
    // Flat 15: 15 − 10 = 5 < 6 → no deterioration; range 0 < 6 and 10 − 15 < 6 → plateau
    // without reliable improvement.
    assert_eq!(
        band(10, &[(7, 15), (14, 15), (21, 15)]),
        Status::PlateauNoReliableImprovement
    );
}

#[test]
fn at_target_below_the_target_and_not_at_it() {
    // Baseline 8; latest 4 = target − 1 < 5 → at target.
    let decision = plateau_status(
        PlateauRule::Band,
        &phq9_change(),
        Some(8),
        &points(&[(7, 5), (14, 5), (21, 4)]),
    );
    assert_eq!(decision.status, Status::AtTarget);
    assert_eq!(decision.reason, "latest 4 is below the target 5");
    // Latest 5 = target, not < 5 → the rule decides: range 0, 8 − 5 = 3 < 6.
    assert_eq!(
        band(8, &[(7, 5), (14, 5), (21, 5)]),
        Status::PlateauNoReliableImprovement
    );
}

#[test]
fn plateau_after_improvement_needs_a_fall_of_the_reliable_change() {
    // Flat 12: baseline 18, 18 − 12 = 6 = RC → after improvement; baseline 17, 5 < 6 → not.
    assert_eq!(
        band(18, &[(7, 12), (14, 12), (21, 12)]),
        Status::PlateauAfterImprovement
    );
    assert_eq!(
        band(17, &[(7, 12), (14, 12), (21, 12)]),
        Status::PlateauNoReliableImprovement
    );
}

#[test]
fn deterioration_outranks_at_target() {
    // Target 10 (changed), baseline 2, latest 8: 8 − 2 = 6 = RC → deterioration, although
    // 8 < 10 would be at target: order 2 comes before order 3 (§7.3.2).
    let mut change = phq9_change();
    change.target = 10;
    let decision = plateau_status(
        PlateauRule::Band,
        &change,
        Some(2),
        &points(&[(7, 8), (14, 8), (21, 8)]),
    );
    assert_eq!(decision.status, Status::Deterioration);
    assert_eq!(
        decision.reason,
        "latest 8 is 6 above baseline 2 (reliable change 6)"
    );
}

#[test]
fn slope_projection_under_at_and_over_the_mcid() {
    // Days 7, 21, 35 (t̄ = 21, Σ(t − t̄)² = 2·14² = 392; span 28 ≥ 14, latest 35 ≥ 21).
    // Σ(t − t̄)(y − ȳ) = 14·(y₃ − y₁), so slope = (y₃ − y₁)/28 and the improvement projected
    // over H = 28 days is −slope·28 = y₁ − y₃. Baseline 15, latest 10: not deteriorated, not
    // at target, 15 − 10 = 5 < 6 (no reliable improvement).
    let slope_status = |first: u32| {
        status(
            PlateauRule::Slope,
            Some(15),
            &[(7, first), (21, 12), (35, 10)],
        )
    };
    // 14 → 10: projected 4 < MCID 5 → plateau.
    assert_eq!(slope_status(14), Status::PlateauNoReliableImprovement);
    // 15 → 10: projected 5 = MCID, not < 5 → still improving.
    assert_eq!(slope_status(15), Status::NoPlateau);
    // 16 → 10: projected 6 > MCID → still improving.
    assert_eq!(slope_status(16), Status::NoPlateau);
    // The reasons: slope −4/28 ≈ −0.143 and −5/28 ≈ −0.179 points a day.
    let reason = |first: u32| {
        let pairs = points(&[(7, first), (21, 12), (35, 10)]);
        plateau_status(PlateauRule::Slope, &phq9_change(), Some(15), &pairs).reason
    };
    assert_eq!(
        reason(14),
        "slope -0.143 points/day projects 4.0 points of improvement over 28 days, less than the MCID 5"
    );
    assert_eq!(
        reason(15),
        "slope -0.179 points/day projects 5.0 points of improvement over 28 days, at least the MCID 5"
    );
}

#[test]
fn slope_projection_follows_the_horizon_and_the_mcid() {
    // Same points, 15 → 10 (slope −5/28 per day). H = 27: projected 135/28 ≈ 4.82 < 5 →
    // plateau. H = 29: 145/28 ≈ 5.18 ≥ 5 → no plateau.
    let pairs = points(&[(7, 15), (21, 12), (35, 10)]);
    let mut change = phq9_change();
    change.plateau.horizon_days = 27;
    assert_eq!(
        plateau_status(PlateauRule::Slope, &change, Some(15), &pairs).status,
        Status::PlateauNoReliableImprovement
    );
    change.plateau.horizon_days = 29;
    assert_eq!(
        plateau_status(PlateauRule::Slope, &change, Some(15), &pairs).status,
        Status::NoPlateau
    );
    // H = 28 and MCID 6: projected 5 < 6 → plateau.
    change.plateau.horizon_days = 28;
    change.mcid = 6;
    assert_eq!(
        plateau_status(PlateauRule::Slope, &change, Some(15), &pairs).status,
        Status::PlateauNoReliableImprovement
    );
}

#[test]
fn a_rising_slope_is_a_plateau_of_the_slope_rule_unless_it_deteriorates() {
    // Baseline 12; 10, 11, 14 on days 7, 21, 35: slope (14 − 10)/28 > 0, projected
    // improvement −4 < 5 → plateau; 14 − 12 = 2 < 6 → no deterioration.
    assert_eq!(
        status(PlateauRule::Slope, Some(12), &[(7, 10), (21, 11), (35, 14)]),
        Status::PlateauNoReliableImprovement
    );
}

#[test]
fn slope_is_the_exact_least_squares_fraction() {
    // kΣty − ΣtΣy and kΣt² − (Σt)² for (7, 15), (21, 12), (35, 10): Σt = 63, Σy = 37,
    // Σty = 105 + 252 + 350 = 707, Σt² = 49 + 441 + 1225 = 1715.
    // num = 3·707 − 63·37 = 2121 − 2331 = −210; den = 3·1715 − 63² = 5145 − 3969 = 1176;
    // −210/1176 = −5/28, the slope worked out above.
    assert_eq!(slope(&points(&[(7, 15), (21, 12), (35, 10)])), (-210, 1176));
    // One point: no spread in t → den 0.
    assert_eq!(slope(&points(&[(7, 15)])), (0, 0));
}

#[test]
fn points_all_on_one_day_give_no_slope_status() {
    // D = 0 and E = 0 let three same-day points through the first checks; den = 0, so the
    // slope rule cannot say anything: insufficient data, not a division by zero.
    let mut change = phq9_change();
    change.plateau.min_span_days = 0;
    change.plateau.min_days_since_dose = 0;
    let decision = plateau_status(
        PlateauRule::Slope,
        &change,
        Some(15),
        &points(&[(9, 12), (9, 12), (9, 12)]),
    );
    assert_eq!(decision.status, Status::InsufficientData);
    assert_eq!(
        decision.reason,
        "all eligible administrations are on the same day"
    );
}

fn track(baseline: Option<u32>, pairs: &[(i64, u32)]) -> OnTrack {
    on_track(OnTrackParams::default(), baseline, &points(pairs))
}

#[test]
fn on_track_at_the_twenty_percent_boundary() {
    // Baseline 15: 20 % is 3 points. Total 12: (15 − 12)·100 = 300, not < 20·15 = 300 →
    // improving. Total 13: 200 < 300 → not improving.
    assert_eq!(track(Some(15), &[(14, 12), (21, 12)]), OnTrack::OnTrack);
    assert_eq!(track(Some(15), &[(14, 13), (21, 13)]), OnTrack::NotOnTrack);
    // Worse than baseline counts as not improving.
    assert_eq!(track(Some(15), &[(14, 16), (21, 18)]), OnTrack::NotOnTrack);
}

#[test]
fn on_track_needs_two_in_a_row() {
    // 13, 12, 13: each 13 is below 20 %, but the 12 between them breaks the run.
    assert_eq!(
        track(Some(15), &[(14, 13), (21, 12), (28, 13)]),
        OnTrack::OnTrack
    );
    // 12, 13, 13: the last two run → not on track.
    assert_eq!(
        track(Some(15), &[(14, 12), (21, 13), (28, 13)]),
        OnTrack::NotOnTrack
    );
}

#[test]
fn on_track_counts_from_day_14() {
    // Baseline 15, every total 13 (not improving).
    // Days 13 and 20: only day 20 is late enough → one point, two needed → insufficient.
    assert_eq!(
        track(Some(15), &[(13, 13), (20, 13)]),
        OnTrack::InsufficientData
    );
    // Days 14 and 20: both count → not on track.
    assert_eq!(track(Some(15), &[(14, 13), (20, 13)]), OnTrack::NotOnTrack);
}

#[test]
fn on_track_without_a_usable_baseline_is_insufficient() {
    assert_eq!(
        track(None, &[(14, 13), (21, 13)]),
        OnTrack::InsufficientData
    );
    // A baseline of 0 has no percentage.
    assert_eq!(
        track(Some(0), &[(14, 0), (21, 0)]),
        OnTrack::InsufficientData
    );
    // A baseline of 1 has: 1 → 1 is 0 % < 20 % twice → not on track.
    assert_eq!(track(Some(1), &[(14, 1), (21, 1)]), OnTrack::NotOnTrack);
}

#[test]
fn on_track_follows_its_parameters() {
    // Three in a row needed: 13, 13 is not enough, 13, 13, 13 is.
    let params = OnTrackParams {
        consecutive: 3,
        ..OnTrackParams::default()
    };
    let run = |pairs: &[(i64, u32)]| on_track(params, Some(15), &points(pairs));
    assert_eq!(run(&[(14, 13), (21, 13)]), OnTrack::InsufficientData);
    assert_eq!(run(&[(14, 13), (21, 13), (28, 12)]), OnTrack::OnTrack);
    assert_eq!(run(&[(14, 13), (21, 13), (28, 13)]), OnTrack::NotOnTrack);
}
