//! Each single-field check at the edges of what it accepts. Definition files exercise them
//! too (`tests/fixtures/bad/definitions/`), but one bad file shows one side of one rule; here
//! both sides of every boundary are pinned.

use super::*;
use crate::instrument::raw::RawAnchor;

/// The JSON paths the check complained about.
fn complaints(check: impl FnOnce(&mut Problems)) -> Vec<String> {
    let mut problems = Problems(Vec::new());
    check(&mut problems);
    problems.0.into_iter().map(|p| p.json_path).collect()
}

fn identifier_ok(value: &str) -> bool {
    complaints(|p| check_identifier(p, "id", value, "an id")).is_empty()
}

#[test]
fn an_identifier_is_lower_case_ascii_from_a_letter_and_at_most_32_long() {
    assert!(identifier_ok("phq9"));
    assert!(identifier_ok("my_scale_2"));
    assert!(identifier_ok(&"a".repeat(32)));
    assert!(!identifier_ok(&"a".repeat(33)));
    // Every character allowed, but not as the first one.
    assert!(!identifier_ok("9phq"));
    assert!(!identifier_ok("_phq"));
    assert!(!identifier_ok("Phq9"));
    assert!(!identifier_ok("phq-9"));
    assert!(!identifier_ok(""));
}

#[test]
fn a_flag_name_is_upper_case_ascii_from_a_letter() {
    assert!(is_flag_name("ITEM9_POSITIVE"));
    assert!(is_flag_name("A"));
    // Every character allowed, but not as the first one.
    assert!(!is_flag_name("9ITEM"));
    assert!(!is_flag_name("_ITEM"));
    assert!(!is_flag_name("Item9"));
    assert!(!is_flag_name("ITEM-9"));
    assert!(!is_flag_name(""));
}

fn loinc_ok(code: &str) -> bool {
    complaints(|p| check_loinc(p, "loinc", Some(code))).is_empty()
}

#[test]
fn a_loinc_code_is_one_to_seven_digits_a_hyphen_and_one_check_digit() {
    assert!(loinc_ok("44261-6"));
    assert!(loinc_ok("1-0"));
    assert!(loinc_ok("1234567-8"));
    assert!(!loinc_ok("12345678-9"));
    assert!(!loinc_ok("-6"));
    assert!(!loinc_ok("44261-66"));
    assert!(!loinc_ok("44261-"));
    assert!(!loinc_ok("4426a-6"));
    assert!(!loinc_ok("44261-x"));
    assert!(!loinc_ok("442616"));
    assert!(complaints(|p| check_loinc(p, "loinc", None)).is_empty());
}

fn scale(min: u8, max: u8, anchors: &[u8]) -> RawScale {
    RawScale {
        min,
        max,
        anchors: anchors
            .iter()
            .map(|&value| RawAnchor {
                value,
                label: format!("answer {value}"),
            })
            .collect(),
    }
}

#[test]
fn a_scale_runs_upwards_to_at_most_100_with_anchors_inside_in_order() {
    let problems = |raw: RawScale| complaints(|p| drop(check_scale(p, "scale", &raw)));
    assert!(problems(scale(0, 3, &[0, 1, 2, 3])).is_empty());
    assert!(problems(scale(0, 100, &[])).is_empty());
    assert_eq!(problems(scale(0, 101, &[])), ["scale.max"]);
    assert_eq!(problems(scale(2, 2, &[])), ["scale.max"]);
    assert!(problems(scale(1, 2, &[1, 2])).is_empty());
    // Outside the scale on either side.
    assert_eq!(problems(scale(1, 3, &[0])), ["scale.anchors[0].value"]);
    assert_eq!(problems(scale(1, 3, &[4])), ["scale.anchors[0].value"]);
    // The same value twice is not ascending.
    assert_eq!(problems(scale(0, 3, &[1, 1])), ["scale.anchors[1].value"]);
    assert_eq!(problems(scale(0, 3, &[2, 1])), ["scale.anchors[1].value"]);
}

#[test]
fn an_item_is_present_from_the_answer_above_the_lowest_up_to_the_highest() {
    let zero_to_three = Scale {
        min: 0,
        max: 3,
        anchors: Vec::new(),
    };
    let problems =
        |present_at| complaints(|p| check_presence(p, "present_at", present_at, &zero_to_three));
    assert_eq!(problems(0), ["present_at"]);
    assert!(problems(1).is_empty());
    assert!(problems(3).is_empty());
    assert_eq!(problems(4), ["present_at"]);
}

fn criterion_problems(min_present: u32, max_present: Option<u32>) -> Vec<String> {
    let raw = RawCriterion {
        items: Some(vec![1, 2, 3]),
        subscale: None,
        min_present,
        max_present,
    };
    complaints(|p| drop(check_criterion(p, "c", &raw, &[], 5)))
}

#[test]
fn a_criterion_counts_between_one_and_all_of_its_items() {
    // Three items: at least 1 to 3 present; an upper bound from the lower one up to 3.
    assert!(criterion_problems(1, None).is_empty());
    assert!(criterion_problems(3, None).is_empty());
    assert_eq!(criterion_problems(0, None), ["c.min_present"]);
    assert_eq!(criterion_problems(4, None), ["c.min_present"]);
    assert!(criterion_problems(2, Some(2)).is_empty());
    assert!(criterion_problems(2, Some(3)).is_empty());
    assert_eq!(criterion_problems(2, Some(1)), ["c.max_present"]);
    assert_eq!(criterion_problems(2, Some(4)), ["c.max_present"]);
}
