//! The section checks at the edges of what they accept, where one bad definition file shows
//! only one side of a rule.

use super::*;
use crate::instrument::Criterion;
use crate::instrument::raw::RawSubscale;

fn subscale_problems(id: &str) -> Vec<String> {
    let mut problems = Problems(Vec::new());
    let raw = vec![RawSubscale {
        id: id.to_owned(),
        label: "cluster".to_owned(),
        items: vec![1, 2],
    }];
    drop(check_subscales(&mut problems, raw, 4));
    problems.0.into_iter().map(|p| p.json_path).collect()
}

#[test]
fn a_subscale_id_is_letters_digits_or_underscores_and_never_empty() {
    assert!(subscale_problems("B").is_empty());
    assert!(subscale_problems("cluster_2").is_empty());
    assert_eq!(subscale_problems(""), ["subscales[0].id"]);
    assert_eq!(subscale_problems("B-1"), ["subscales[0].id"]);
    assert_eq!(subscale_problems("B 1"), ["subscales[0].id"]);
}

fn item(number: usize, reverse: bool) -> Item {
    Item {
        number,
        label: format!("item {number}"),
        text: None,
        loinc: None,
        reverse,
    }
}

/// The paths complained about for four items, item `reversed` reverse scored, with a safety
/// rule on item `safety` and an algorithm over the items at 0-based `counted`.
fn reverse_problems(reversed: usize, safety: Option<usize>, counted: &[usize]) -> Vec<String> {
    let items: Vec<Item> = (1..=4).map(|n| item(n, n == reversed)).collect();
    let safety_items: Vec<SafetyItem> = safety
        .map(|number| SafetyItem {
            item: number,
            min_value: 1,
            positive_flag: "ITEM_POSITIVE".into(),
            missing_flag: "ITEM_MISSING".into(),
            positive_notice: "endorsed".into(),
            missing_notice: "unknown".into(),
            note: None,
        })
        .into_iter()
        .collect();
    let algorithms = vec![Algorithm {
        flag: "SYNDROME".into(),
        indeterminate_flag: "SYNDROME_INDETERMINATE".into(),
        present_at: vec![1; 4],
        criteria: vec![Criterion {
            items: counted.to_vec(),
            min_present: 1,
            max_present: None,
        }],
        note: None,
    }];
    let mut problems = Problems(Vec::new());
    check_reverse_items(&mut problems, &items, &safety_items, &algorithms);
    problems.0.into_iter().map(|p| p.json_path).collect()
}

#[test]
fn a_reverse_scored_item_may_not_be_a_safety_item_or_counted_by_an_algorithm() {
    // Item 3 reversed (path index 2); the algorithm counts 0-based items, so item 3 is 2.
    assert!(reverse_problems(3, Some(4), &[0, 1]).is_empty());
    assert_eq!(reverse_problems(3, Some(3), &[0, 1]), ["items[2].reverse"]);
    assert_eq!(reverse_problems(3, None, &[2]), ["items[2].reverse"]);
    // Its neighbours counted, not itself: allowed.
    assert!(reverse_problems(3, None, &[1, 3]).is_empty());
}
