//! The section checks at the edges of what they accept, where one bad definition file shows
//! only one side of a rule.

use super::*;
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
