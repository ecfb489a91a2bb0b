//! Symptom-count algorithms under three-valued logic (reference §5.2).
//!
//! A blank or unusable item may be either "present" or "absent". The rule's answer is
//! definite only when every completion of the unknown items agrees. Enumerating 2^m
//! completions is exact but explodes for long forms, so completions are enumerated by
//! *count*: unknown items that belong to exactly the same criteria are interchangeable, and
//! only how many of each such group are present matters. This stays exact for rules that are
//! not monotone (PHQ-9 "other depressive syndrome" has an upper bound of four symptoms) and
//! costs at most a few thousand cases for the built-in instruments.

use crate::instrument::Algorithm;

use super::Answer;

/// Result of a rule under three-valued logic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    /// Holds for every completion of the unknown items.
    True,
    /// Fails for every completion.
    False,
    /// Completions disagree.
    Unknown,
}

/// Past this many count combinations the answer is reported as `Unknown` rather than
/// enumerated; never reached by realistic definitions, and `Unknown` is the safe answer.
const MAX_COMBINATIONS: u64 = 1 << 22;

/// Evaluates `algorithm` on `answers` (one per item, in order).
pub fn evaluate(algorithm: &Algorithm, answers: &[Answer]) -> Truth {
    let criteria = &algorithm.criteria;
    // A complete form (the usual case) has one completion: count directly, allocate nothing.
    if answers.iter().all(|a| a.value().is_some()) {
        let present = |index: usize| {
            answers[index]
                .value()
                .is_some_and(|v| v >= algorithm.present_at[index])
        };
        let holds = criteria
            .iter()
            .all(|c| c.accepts(c.items.iter().filter(|&&i| present(i)).count()));
        return if holds { Truth::True } else { Truth::False };
    }
    // Present symptoms already known, per criterion.
    let mut known = vec![0usize; criteria.len()];
    // Unknown items grouped by the set of criteria they count towards (a bit mask).
    let mut groups: Vec<(u32, usize)> = Vec::new();
    for (index, answer) in answers.iter().enumerate() {
        let membership = criteria
            .iter()
            .enumerate()
            .filter(|(_, c)| c.items.contains(&index))
            .fold(0u32, |mask, (c, _)| mask | (1 << c));
        if membership == 0 {
            continue;
        }
        match answer.value() {
            Some(value) if value >= algorithm.present_at[index] => {
                for (c, count) in known.iter_mut().enumerate() {
                    if membership & (1 << c) != 0 {
                        *count += 1;
                    }
                }
            }
            Some(_) => {}
            None => match groups.iter_mut().find(|(mask, _)| *mask == membership) {
                Some((_, size)) => *size += 1,
                None => groups.push((membership, 1)),
            },
        }
    }

    let combinations = groups
        .iter()
        .try_fold(1u64, |acc, (_, size)| acc.checked_mul(*size as u64 + 1));
    if combinations.is_none_or(|c| c > MAX_COMBINATIONS) {
        return Truth::Unknown;
    }

    let holds = |chosen: &[usize]| {
        criteria.iter().enumerate().all(|(c, criterion)| {
            let extra: usize = groups
                .iter()
                .zip(chosen)
                .filter(|((mask, _), _)| mask & (1 << c) != 0)
                .map(|(_, k)| k)
                .sum();
            criterion.accepts(known[c] + extra)
        })
    };

    let mut chosen = vec![0usize; groups.len()];
    let (mut seen_true, mut seen_false) = (false, false);
    loop {
        if holds(&chosen) {
            seen_true = true;
        } else {
            seen_false = true;
        }
        if seen_true && seen_false {
            return Truth::Unknown;
        }
        // Next combination, as a mixed-radix counter over the group sizes.
        let mut digit = 0;
        loop {
            if digit == groups.len() {
                return if seen_true { Truth::True } else { Truth::False };
            }
            chosen[digit] += 1;
            if chosen[digit] <= groups[digit].1 {
                break;
            }
            chosen[digit] = 0;
            digit += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::Criterion;

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

    fn answers(values: [Option<u8>; 9]) -> Vec<Answer> {
        values
            .iter()
            .map(|v| v.map_or(Answer::Missing, Answer::Value))
            .collect()
    }

    #[test]
    fn corner_case_from_the_reference_is_definitely_false() {
        // §5.2: item 1 blank, item 2 = 0, four other symptoms. With item 1 absent there is
        // no core symptom; with it present there are five symptoms. False both ways.
        let a = answers([
            None,
            Some(0),
            Some(2),
            Some(2),
            Some(2),
            Some(2),
            Some(0),
            Some(0),
            Some(0),
        ]);
        assert_eq!(evaluate(&ods(), &a), Truth::False);
    }

    #[test]
    fn disagreeing_completions_are_unknown() {
        // Item 1 blank, item 2 = 0, two other symptoms: present → 3 symptoms with a core
        // item (true); absent → no core item (false).
        let a = answers([
            None,
            Some(0),
            Some(2),
            Some(2),
            Some(0),
            Some(0),
            Some(0),
            Some(0),
            Some(0),
        ]);
        assert_eq!(evaluate(&ods(), &a), Truth::Unknown);
    }

    #[test]
    fn complete_answers_are_definite() {
        let a = answers([
            Some(2),
            Some(0),
            Some(3),
            Some(0),
            Some(0),
            Some(0),
            Some(0),
            Some(0),
            Some(1),
        ]);
        assert_eq!(evaluate(&ods(), &a), Truth::True);
        let b = answers([Some(1); 9]);
        assert_eq!(evaluate(&ods(), &b), Truth::False);
    }

    #[test]
    fn invalid_answers_count_as_unknown() {
        let mut a = answers([
            Some(2),
            Some(0),
            Some(2),
            Some(0),
            Some(0),
            Some(0),
            Some(0),
            Some(0),
            Some(0),
        ]);
        a[3] = Answer::Invalid;
        // 2 symptoms known with a core item; the unknown one makes 3 — still 2-4: true.
        assert_eq!(evaluate(&ods(), &a), Truth::True);
    }
}
