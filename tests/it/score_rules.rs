//! What a scored administration says about itself (docs/clinical-rules.md §2.4, §4.6, §5):
//! whether it needs safety review, whether it is invalid, its subscale text, and how its
//! flags read. The totals, bands and flags themselves are pinned by `known_answers`; these
//! are the questions renderers and `trend` ask of a report.

use symscore::score::{Answer, FlagKind, SafetyStatus};
use symscore::{Registry, score};

/// PHQ-9 with every item 1 and item 9 as given.
fn phq9_with_item9(item9: Answer) -> Vec<Answer> {
    let mut answers = vec![Answer::Value(1); 9];
    answers[8] = item9;
    answers
}

#[test]
fn item9_endorsed_or_unknown_needs_review_and_zero_does_not() {
    let registry = Registry::builtin();
    let phq9 = registry.get("phq9").unwrap();
    for (item9, status, review) in [
        // 0: not endorsed on this form (never "safe"); no review flag.
        (Answer::Value(0), SafetyStatus::NotEndorsed(0), false),
        // 1 = the threshold: endorsed.
        (Answer::Value(1), SafetyStatus::Endorsed(1), true),
        (Answer::Value(3), SafetyStatus::Endorsed(3), true),
        // Blank or unusable: unknown, which needs review too.
        (Answer::Missing, SafetyStatus::Unknown, true),
        (Answer::Invalid, SafetyStatus::Unknown, true),
    ] {
        let report = score(phq9, &phq9_with_item9(item9)).unwrap();
        assert_eq!(report.safety.len(), 1);
        assert_eq!(report.safety[0].status, status, "{item9:?}");
        assert_eq!(report.safety[0].needs_review(), review, "{item9:?}");
        assert_eq!(report.needs_safety_review(), review, "{item9:?}");
        // The notice is shown exactly when review is needed.
        assert_eq!(report.safety[0].notice().is_some(), review, "{item9:?}");
        // The flags that need review are the safety flags, and only those.
        let reviewed: Vec<&str> = report
            .flags
            .iter()
            .filter(|f| f.needs_safety_review())
            .map(|f| f.name)
            .collect();
        let expected: &[&str] = match status {
            SafetyStatus::Endorsed(_) => &["ITEM9_POSITIVE"],
            SafetyStatus::Unknown => &["ITEM9_MISSING"],
            SafetyStatus::NotEndorsed(_) => &[],
        };
        assert_eq!(reviewed, expected, "{item9:?}");
    }
}

#[test]
fn only_safety_flags_need_safety_review() {
    // PHQ-9 all 3 with item 9 = 3: total 27 raises ITEM9_POSITIVE (safety), CASENESS_PHQ9
    // (threshold) and MAJOR_DEPRESSIVE_SYNDROME (algorithm); only the first needs review.
    let registry = Registry::builtin();
    let report = score(registry.get("phq9").unwrap(), &[Answer::Value(3); 9]).unwrap();
    let kinds: Vec<(&str, FlagKind, bool)> = report
        .flags
        .iter()
        .map(|f| (f.name, f.kind, f.needs_safety_review()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("ITEM9_POSITIVE", FlagKind::Safety, true),
            ("CASENESS_PHQ9", FlagKind::Threshold, false),
            ("MAJOR_DEPRESSIVE_SYNDROME", FlagKind::Algorithm, false),
        ]
    );
    // A GAD-7 has no safety item: nothing needs review, whatever the total.
    let gad7 = score(registry.get("gad7").unwrap(), &[Answer::Value(3); 7]).unwrap();
    assert!(!gad7.needs_safety_review());
    assert!(gad7.safety.is_empty());
}

#[test]
fn a_flag_reads_as_its_name() {
    let registry = Registry::builtin();
    let report = score(
        registry.get("phq9").unwrap(),
        &phq9_with_item9(Answer::Value(1)),
    )
    .unwrap();
    // Every item 1: total 9 < 10, no caseness. Items 1–8 at 1 are not symptoms (2 needed),
    // item 9 at 1 is, but with no core symptom there is no syndrome: only ITEM9_POSITIVE.
    assert_eq!(report.flags, ["ITEM9_POSITIVE"]);
    assert!(report.flags[0] == "ITEM9_POSITIVE");
    assert!(report.flags[0] != "ITEM9_MISSING");
    assert!(report.has_flag("ITEM9_POSITIVE") && !report.has_flag("CASENESS_PHQ9"));
}

#[test]
fn invalid_means_no_total() {
    let registry = Registry::builtin();
    let gad7 = registry.get("gad7").unwrap();
    // One blank of seven: prorated, valid. Two blanks: over GAD-7's limit of 1 → invalid.
    let mut answers = vec![Answer::Value(1); 7];
    answers[0] = Answer::Missing;
    let one = score(gad7, &answers).unwrap();
    assert!(!one.is_invalid() && one.is_prorated());
    assert_eq!(one.total, Some(7));
    answers[1] = Answer::Missing;
    let two = score(gad7, &answers).unwrap();
    assert!(two.is_invalid() && !two.is_prorated());
    assert_eq!((two.total, two.severity.id()), (None, "invalid"));
    // An unusable answer: invalid too.
    let mut bad = vec![Answer::Value(1); 7];
    bad[6] = Answer::Invalid;
    assert!(score(gad7, &bad).unwrap().is_invalid());
}

#[test]
fn subscale_text_leaves_an_incomplete_cluster_empty() {
    // PCL-5 all 2 with item 6 blank: B = 5·2 = 10, C (items 6–7) incomplete, D = 7·2 = 14,
    // E = 6·2 = 12 (§4.6: clusters are never prorated).
    let registry = Registry::builtin();
    let mut answers = vec![Answer::Value(2); 20];
    answers[5] = Answer::Missing;
    let report = score(registry.get("pcl5").unwrap(), &answers).unwrap();
    assert_eq!(report.subscale_summary(";", ""), "B=10;C=;D=14;E=12");
    assert_eq!(report.subscale_summary(" ", "—"), "B=10 C=— D=14 E=12");
    // An instrument without subscales: empty text.
    let phq9 = score(registry.get("phq9").unwrap(), &[Answer::Value(0); 9]).unwrap();
    assert_eq!(phq9.subscale_summary(";", ""), "");
}
