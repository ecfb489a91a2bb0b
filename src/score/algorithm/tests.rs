//! Tests of the symptom-count algorithms: the reference's corner cases, agreement with
//! enumerating every completion, and the bounds of the search.

use super::*;
use proptest::prelude::*;

/// PHQ-9 "other depressive syndrome" (reference §2.5): core item and 2-4 symptoms.
fn ods() -> Algorithm {
    let mut present_at = vec![2; 9];
    present_at[8] = 1;
    Algorithm {
        flag: "ODS".into(),
        indeterminate_flag: "ODS_INDETERMINATE".into(),
        present_at,
        criteria: vec![
            Criterion {
                items: vec![0, 1],
                min_present: 1,
                max_present: None,
            },
            Criterion {
                items: (0..9).collect(),
                min_present: 2,
                max_present: Some(4),
            },
        ],
        note: None,
    }
}

/// Answers written as digits, `_` for a blank: `"_02222000"`.
fn answers(form: &str) -> Vec<Answer> {
    form.bytes()
        .map(|b| match b {
            b'_' => Answer::Missing,
            digit => Answer::Value(digit - b'0'),
        })
        .collect()
}

#[test]
fn corner_case_from_the_reference_is_definitely_false() {
    // §5.2: item 1 blank, item 2 = 0, four other symptoms. With item 1 absent there is
    // no core symptom; with it present there are five symptoms. False both ways.
    let a = answers("_02222000");
    assert_eq!(evaluate(&ods(), &a), Truth::False);
}

#[test]
fn disagreeing_completions_are_unknown() {
    // Item 1 blank, item 2 = 0, two other symptoms: present → 3 symptoms with a core
    // item (true); absent → no core item (false).
    let a = answers("_02200000");
    assert_eq!(evaluate(&ods(), &a), Truth::Unknown);
}

#[test]
fn complete_answers_are_definite() {
    let a = answers("203000001");
    assert_eq!(evaluate(&ods(), &a), Truth::True);
    let b = answers("111111111");
    assert_eq!(evaluate(&ods(), &b), Truth::False);
}

#[test]
fn invalid_answers_count_as_unknown() {
    let mut a = answers("202000000");
    a[3] = Answer::Invalid;
    // 2 symptoms known with a core item; the unknown one makes 3 — still 2-4: true.
    assert_eq!(evaluate(&ods(), &a), Truth::True);
}

/// The definition of the answer: every completion of the unknown items, one by one.
/// The reference the counting is checked against; exponential, so for small forms only.
fn by_enumeration(algorithm: &Algorithm, answers: &[Answer]) -> Truth {
    let unknown: Vec<usize> = (0..answers.len())
        .filter(|&i| answers[i].value().is_none())
        .collect();
    assert!(unknown.len() <= 16);
    let (mut seen_true, mut seen_false) = (false, false);
    for completion in 0u32..1 << unknown.len() {
        let present = |index: usize| match unknown.iter().position(|&u| u == index) {
            Some(bit) => completion & (1 << bit) != 0,
            None => answers[index]
                .value()
                .is_some_and(|v| v >= algorithm.present_at[index]),
        };
        let holds = algorithm
            .criteria
            .iter()
            .all(|c| c.accepts(c.items.iter().filter(|&&i| present(i)).count()));
        seen_true |= holds;
        seen_false |= !holds;
    }
    match (seen_true, seen_false) {
        (true, false) => Truth::True,
        (false, true) => Truth::False,
        _ => Truth::Unknown,
    }
}

/// Criteria over random, overlapping item sets with random bounds, and answers with
/// blanks and unusable cells: the counting agrees with the enumeration every time.
fn small_rule() -> impl Strategy<Value = (Algorithm, Vec<Answer>)> {
    (1usize..=9).prop_flat_map(|n| {
        let criterion = (
            proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 1..=n),
            0usize..=9,
            proptest::option::of(0usize..=9),
        )
            .prop_map(|(items, min, max)| {
                let len = items.len();
                let min_present = 1 + min % len;
                let max_present = max.map(|m| min_present + m % (len - min_present + 1));
                Criterion {
                    items,
                    min_present,
                    max_present,
                }
            });
        let answer = prop_oneof![
            3 => Just(Answer::Missing),
            1 => Just(Answer::Invalid),
            4 => (0u8..=3).prop_map(Answer::Value),
        ];
        (
            proptest::collection::vec(criterion, 1..=5),
            proptest::collection::vec(1u8..=3, n),
            proptest::collection::vec(answer, n),
        )
            .prop_map(|(criteria, present_at, answers)| {
                let algorithm = Algorithm {
                    flag: "F".into(),
                    indeterminate_flag: "F_INDETERMINATE".into(),
                    present_at,
                    criteria,
                    note: None,
                };
                (algorithm, answers)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn counting_agrees_with_enumerating_every_completion((algorithm, answers) in small_rule()) {
        prop_assert_eq!(evaluate(&algorithm, &answers), by_enumeration(&algorithm, &answers));
    }
}

/// The shape `instruments check` accepts at its limits: 100 items, 16 criteria of 16
/// items, and 23 blank items (0..=22), each counting towards a different set of criteria
/// (blank item `i` belongs to criterion `j` when bit `j` of `i + 1` is set): 2^23
/// completions. Criteria 0-4 are filled up to 16 items with answered items from 23 on,
/// criteria 5-15 with answered items from 31 on. `pads_present` says whether the
/// answered items of criteria 0 and 1 (23..=30) are present; those from 31 on are.
fn wide_rule(bounds: [(usize, Option<usize>); 2], pads_present: bool) -> (Algorithm, Vec<Answer>) {
    let mut criteria = Vec::new();
    let mut next_pad = 23;
    for j in 0..16 {
        let mut items: Vec<usize> = (0..23).filter(|i| (i + 1) & (1 << j) != 0).collect();
        let mut pad = if j < 2 { next_pad } else { 31 };
        while items.len() < 16 {
            items.push(pad);
            pad += 1;
        }
        if j < 2 {
            next_pad = pad;
        }
        let (min_present, max_present) = bounds.get(j).copied().unwrap_or((4, None));
        criteria.push(Criterion {
            items,
            min_present,
            max_present,
        });
    }
    let answers = (0..100)
        .map(|i| match i {
            0..=22 => Answer::Missing,
            23..=30 if !pads_present => Answer::Value(0),
            _ => Answer::Value(3),
        })
        .collect();
    let algorithm = Algorithm {
        flag: "WIDE".into(),
        indeterminate_flag: "WIDE_INDETERMINATE".into(),
        present_at: vec![1; 100],
        criteria,
        note: None,
    };
    (algorithm, answers)
}

#[test]
fn a_wide_rule_met_by_its_answered_items_is_true_whatever_the_blanks() {
    // Criterion 0 has 12 blank items and 4 answered ones, criterion 1 the same, all
    // answered items are present, and every criterion asks for at least 4 and has no upper
    // bound: met by every completion.
    let (algorithm, answers) = wide_rule([(4, None), (4, None)], true);
    assert_eq!(algorithm.criteria[0].items.len(), 16);
    assert_eq!(
        algorithm.criteria[0]
            .items
            .iter()
            .filter(|&&i| i < 23)
            .count(),
        12
    );
    assert_eq!(evaluate(&algorithm, &answers), Truth::True);
}

#[test]
fn a_wide_rule_whose_criteria_contradict_each_other_is_false() {
    // Criterion 0 needs 12 present items and its 4 answered ones are absent, so its 12
    // blank items (the odd codes 1..23) must all be present, and 6 of them (codes 3, 7,
    // 11, 15, 19, 23) count towards criterion 1 too. Its 4 answered items are absent, so
    // criterion 1 counts at least 6, over its bound of 5. Each criterion alone can be
    // met; together never.
    let (algorithm, answers) = wide_rule([(12, None), (1, Some(5))], false);
    assert_eq!(evaluate(&algorithm, &answers), Truth::False);
    // With a bound of 6 both can hold (the 6 shared present, criterion 1's 6 others
    // absent) and both can fail.
    let (algorithm, answers) = wide_rule([(12, None), (1, Some(6))], false);
    assert_eq!(evaluate(&algorithm, &answers), Truth::Unknown);
}

#[test]
fn a_search_that_runs_out_of_steps_answers_unknown_never_a_definite_answer() {
    // Items 0..20 blank, 20..40 answered and present. Criterion A needs 11 of the blank
    // items, criterion B allows at most 10 of them: never both, so the exact answer is
    // False. Criteria 2..=15 each count one blank item and answered ones (always met),
    // which makes the blank items distinct groups of one component: proving that A and B
    // never hold together takes the search past its steps, and the answer stays Unknown,
    // the safe side, not True.
    let blank: Vec<usize> = (0..20).collect();
    let mut criteria = vec![
        Criterion {
            items: blank.clone(),
            min_present: 11,
            max_present: None,
        },
        Criterion {
            items: blank,
            min_present: 1,
            max_present: Some(10),
        },
    ];
    for i in 0..14 {
        criteria.push(Criterion {
            items: vec![i, 20 + i, 21 + i],
            min_present: 2,
            max_present: None,
        });
    }
    let algorithm = Algorithm {
        flag: "F".into(),
        indeterminate_flag: "F_INDETERMINATE".into(),
        present_at: vec![1; 40],
        criteria,
        note: None,
    };
    let answers: Vec<Answer> = (0..40)
        .map(|i| {
            if i < 20 {
                Answer::Missing
            } else {
                Answer::Value(1)
            }
        })
        .collect();
    assert_eq!(evaluate(&algorithm, &answers), Truth::Unknown);
    // With room for both (A: at least 10, B: at most 10) it is Unknown by a completion.
    let mut feasible = algorithm.clone();
    feasible.criteria[0].min_present = 10;
    assert_eq!(evaluate(&feasible, &answers), Truth::Unknown);
}

#[test]
fn too_many_criteria_are_unknown_not_truncated() {
    let mut algorithm = ods();
    let always = algorithm.criteria[0].clone();
    algorithm.criteria.extend(std::iter::repeat_n(always, 40));
    assert_eq!(evaluate(&algorithm, &answers("333333333")), Truth::Unknown);
}

/// One criterion per item: item `i` present (answer ≥ 1), exactly.
fn one_criterion_per_item(items: usize) -> Algorithm {
    Algorithm {
        flag: "ALL".into(),
        indeterminate_flag: "ALL_INDETERMINATE".into(),
        present_at: vec![1; items],
        criteria: (0..items)
            .map(|i| Criterion {
                items: vec![i],
                min_present: 1,
                max_present: None,
            })
            .collect(),
        note: None,
    }
}

#[test]
fn thirty_two_criteria_are_evaluated_and_thirty_three_are_unknown() {
    // The membership mask has 32 bits: 32 criteria still fit and are evaluated; 33 cannot,
    // and the safe answer is Unknown. Every item answered 1 (present): all criteria hold.
    let present = vec![Answer::Value(1); 33];
    assert_eq!(
        evaluate(&one_criterion_per_item(32), &present[..32]),
        Truth::True
    );
    assert_eq!(
        evaluate(&one_criterion_per_item(33), &present),
        Truth::Unknown
    );
}

#[test]
fn forms_longer_than_the_stack_tables_are_searched_on_the_heap() {
    // 128 items fit the stack tables, 129 do not. One criterion over every item: at least 2
    // present. Items 0 and 1 blank, the rest answered 0: 0, 1 or 2 present depending on the
    // blanks, so the completions disagree (Unknown); with item 2 answered 1 as well, 1 to 3
    // present, still Unknown; with items 2 and 3 answered 1, at least 2 always (True).
    for items in [128, 129, 200] {
        let algorithm = Algorithm {
            flag: "TWO".into(),
            indeterminate_flag: "TWO_INDETERMINATE".into(),
            present_at: vec![1; items],
            criteria: vec![Criterion {
                items: (0..items).collect(),
                min_present: 2,
                max_present: None,
            }],
            note: None,
        };
        let mut form = vec![Answer::Value(0); items];
        form[0] = Answer::Missing;
        form[1] = Answer::Missing;
        assert_eq!(evaluate(&algorithm, &form), Truth::Unknown, "{items} items");
        form[2] = Answer::Value(1);
        assert_eq!(evaluate(&algorithm, &form), Truth::Unknown, "{items} items");
        form[3] = Answer::Value(1);
        assert_eq!(evaluate(&algorithm, &form), Truth::True, "{items} items");
    }
}

#[test]
fn a_component_that_cannot_hold_is_not_lost_beside_one_that_can() {
    // Items 1–2 blank are shared by A (both present) and B (neither present): each alone can
    // be met, together never, so the rule is definitely false. Items 3–4 blank are shared by
    // C (at least one present) and D (at most one present), which can hold together. The
    // second component must not hide the first: False, not Unknown.
    let criterion = |items: Vec<usize>, min_present, max_present| Criterion {
        items,
        min_present,
        max_present,
    };
    let algorithm = Algorithm {
        flag: "SPLIT".into(),
        indeterminate_flag: "SPLIT_INDETERMINATE".into(),
        present_at: vec![1; 4],
        criteria: vec![
            criterion(vec![0, 1], 2, None),
            criterion(vec![0, 1], 0, Some(0)),
            criterion(vec![2, 3], 1, None),
            criterion(vec![2, 3], 0, Some(1)),
        ],
        note: None,
    };
    assert_eq!(evaluate(&algorithm, &answers("____")), Truth::False);
}

#[test]
fn more_than_128_distinct_groups_of_blank_items_are_held_on_the_heap() {
    // 200 items, each counting towards its own set of 8 criteria (item i towards the criteria
    // whose bits are set in i + 1, so 200 different sets), every item blank: 200 groups of
    // unknown items, more than the 128 of the stack table. Each criterion needs one item
    // present: every item present meets all of them, every item absent none, so the rule is
    // Unknown, and it must be reached without running out of room.
    let items = 200;
    let criteria = (0..8)
        .map(|c| Criterion {
            items: (0..items).filter(|i| (i + 1) & (1 << c) != 0).collect(),
            min_present: 1,
            max_present: None,
        })
        .collect();
    let algorithm = Algorithm {
        flag: "ANY".into(),
        indeterminate_flag: "ANY_INDETERMINATE".into(),
        present_at: vec![1; items],
        criteria,
        note: None,
    };
    let form = vec![Answer::Missing; items];
    assert_eq!(evaluate(&algorithm, &form), Truth::Unknown);
}
