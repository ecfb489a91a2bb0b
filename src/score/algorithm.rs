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

/// Each group of unknown items at least doubles the combinations, so more groups than this
/// always exceed [`MAX_COMBINATIONS`]: the group table can live on the stack.
const MAX_GROUPS: usize = 22;

/// Items whose criterion membership fits the stack table; longer forms (none validate
/// today) use the heap.
const STACK_ITEMS: usize = 128;

/// Criteria are counted in a fixed table and are one bit each of a 32-bit membership mask.
const MAX_CRITERIA: usize = 32;

/// Evaluates `algorithm` on `answers` (one per item of its instrument, in order).
///
/// Runs once per administration of a batch, so it allocates nothing for the instruments
/// validation accepts (at most 16 criteria and 100 items). An algorithm built by hand with
/// more than 32 criteria is reported as `Unknown`, the safe answer, rather than evaluated.
pub fn evaluate(algorithm: &Algorithm, answers: &[Answer]) -> Truth {
    let criteria = &algorithm.criteria;
    if criteria.len() > MAX_CRITERIA {
        return Truth::Unknown;
    }
    let is_present = |index: usize, value: u8| {
        algorithm
            .present_at
            .get(index)
            .is_some_and(|&from| value >= from)
    };

    // Present symptoms already known, per criterion, and whether any item is unknown.
    let mut known = [0usize; MAX_CRITERIA];
    let mut any_unknown = false;
    for (count, criterion) in known.iter_mut().zip(criteria) {
        // Counted in a local: adding to `known[c]` item by item waits on memory every time.
        let mut present = 0;
        for &index in &criterion.items {
            match answers.get(index).and_then(|a| a.value()) {
                Some(value) => present += usize::from(is_present(index, value)),
                None => any_unknown = true,
            }
        }
        *count = present;
    }
    // A complete form (the usual case) has one completion.
    if !any_unknown {
        let holds = criteria.iter().zip(&known).all(|(c, &n)| c.accepts(n));
        return if holds { Truth::True } else { Truth::False };
    }

    // Which criteria each item counts towards (a bit mask per item).
    let mut stack_membership = [0u32; STACK_ITEMS];
    let mut heap_membership = Vec::new();
    let membership: &mut [u32] = if answers.len() <= STACK_ITEMS {
        &mut stack_membership[..answers.len()]
    } else {
        heap_membership.resize(answers.len(), 0);
        &mut heap_membership
    };
    for (c, criterion) in criteria.iter().enumerate() {
        for &index in &criterion.items {
            if let Some(mask) = membership.get_mut(index) {
                *mask |= 1 << c;
            }
        }
    }
    // Unknown items grouped by the set of criteria they count towards.
    let mut groups = [(0u32, 0usize); MAX_GROUPS];
    let mut group_count = 0;
    for (answer, &mask) in answers.iter().zip(membership.iter()) {
        if mask == 0 || answer.value().is_some() {
            continue;
        }
        match groups[..group_count].iter_mut().find(|(m, _)| *m == mask) {
            Some((_, size)) => *size += 1,
            None if group_count == MAX_GROUPS => return Truth::Unknown,
            None => {
                groups[group_count] = (mask, 1);
                group_count += 1;
            }
        }
    }
    let groups = &groups[..group_count];

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

    let mut chosen = [0usize; MAX_GROUPS];
    let chosen = &mut chosen[..groups.len()];
    let (mut seen_true, mut seen_false) = (false, false);
    loop {
        if holds(chosen) {
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

    #[test]
    fn too_many_criteria_are_unknown_not_truncated() {
        let mut algorithm = ods();
        let always = algorithm.criteria[0].clone();
        algorithm.criteria.extend(std::iter::repeat_n(always, 40));
        assert_eq!(evaluate(&algorithm, &answers([Some(3); 9])), Truth::Unknown);
    }
}
