//! NHS Talking Therapies classes at their thresholds, in both directions, and the pair search.

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
        place: None,
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
