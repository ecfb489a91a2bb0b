//! Symptom-count algorithms under three-valued logic (reference §5.2).
//!
//! A blank or unusable item may be either "present" or "absent". The rule's answer is
//! definite only when every completion of the unknown items agrees: `True` when every
//! completion meets every criterion, `False` when none meets them all, `Unknown` otherwise.
//!
//! The answer comes from counting, not from enumerating the 2^m completions (22 blank items of
//! a hundred-item form took 10 s per administration that way):
//!
//! - *Can the rule fail?* A criterion's count ranges over every value from its known present
//!   items to those plus its unknown ones, whatever the other criteria need, so some
//!   completion fails the rule exactly when some criterion's range leaves its bounds. If none
//!   can fail, the answer is `True`.
//! - *Can the rule hold?* Not if some criterion's range misses its bounds altogether: `False`.
//!   Otherwise each criterion can hold on its own, and the question is whether they can hold
//!   together. Criteria that share no unknown item do not constrain each other, so they split
//!   into independent components (criteria linked by shared unknown items). A component of one
//!   criterion holds. A larger one is searched: unknown items that belong to exactly the same
//!   criteria are interchangeable, so the search chooses how many of each such group are
//!   present, and abandons a branch as soon as a criterion can no longer reach its bounds.
//!   A search that ends finds the exact answer; one that would take more than
//!   [`SEARCH_STEPS`] steps stops and the answer is `Unknown`, the safe one (it is never a
//!   definite answer that some completion contradicts).
//!
//! Every step is exact for any rule shape, including rules that are not monotone (PHQ-9
//! "other depressive syndrome" has an upper bound of four symptoms).

use crate::instrument::{Algorithm, Criterion};

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

/// The most search steps spent on one rule for one administration before answering
/// `Unknown`. Each step costs a pass over the criteria of a component (16 at most after
/// validation), so a rule costs at most about a million simple operations, around a
/// millisecond, however the blanks fall. Reached only when many criteria overlap on many blank
/// items and cannot all hold together; the built-in rules finish in a few dozen steps.
const SEARCH_STEPS: u32 = 1 << 16;

/// Items whose criterion membership fits the stack table; longer forms (none validate
/// today) use the heap.
const STACK_ITEMS: usize = 128;

/// Criteria are counted in a fixed table and are one bit each of a 32-bit membership mask.
const MAX_CRITERIA: usize = 32;

/// Evaluates `algorithm` on `answers` (one per item of its instrument, in order).
///
/// Runs once per administration of a batch, so it allocates nothing for the instruments
/// validation accepts (at most 16 criteria and 100 items). An algorithm built by hand with
/// more than 32 criteria, or naming an item past `answers`, is reported as `Unknown`, the safe
/// answer, rather than evaluated.
pub fn evaluate(algorithm: &Algorithm, answers: &[Answer]) -> Truth {
    let criteria = &algorithm.criteria;
    if criteria.len() > MAX_CRITERIA
        || criteria
            .iter()
            .any(|c| c.items.iter().any(|&index| index >= answers.len()))
    {
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
            match answers[index].value() {
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
            membership[index] |= 1 << c;
        }
    }
    // Unknown items grouped by the set of criteria they count towards, and each criterion's
    // unknown items.
    let mut stack_groups = [(0u32, 0usize); STACK_ITEMS];
    let mut heap_groups = Vec::new();
    let groups_room: &mut [(u32, usize)] = if answers.len() <= STACK_ITEMS {
        &mut stack_groups
    } else {
        heap_groups.resize(answers.len(), (0, 0));
        &mut heap_groups
    };
    let mut group_count = 0;
    let mut unknown = [0usize; MAX_CRITERIA];
    for (answer, &mask) in answers.iter().zip(membership.iter()) {
        if mask == 0 || answer.value().is_some() {
            continue;
        }
        for (c, count) in unknown.iter_mut().enumerate().take(criteria.len()) {
            *count += usize::from(mask & (1 << c) != 0);
        }
        if let Some((_, size)) = groups_room[..group_count]
            .iter_mut()
            .find(|(m, _)| *m == mask)
        {
            *size += 1;
        } else {
            groups_room[group_count] = (mask, 1);
            group_count += 1;
        }
    }
    let groups = &groups_room[..group_count];

    // Some completion fails the rule exactly when one criterion can leave its bounds.
    let can_fail = criteria.iter().enumerate().any(|(c, criterion)| {
        !criterion.accepts(known[c]) || !criterion.accepts(known[c] + unknown[c])
    });
    if !can_fail {
        return Truth::True;
    }
    // No completion holds when one criterion cannot reach its bounds on its own.
    let reachable = |c: usize, criterion: &Criterion| {
        known[c] + unknown[c] >= criterion.min_present
            && criterion.max_present.is_none_or(|max| known[c] <= max)
    };
    if !criteria
        .iter()
        .enumerate()
        .all(|(c, criterion)| reachable(c, criterion))
    {
        return Truth::False;
    }
    // Can they hold together? Component by component.
    let mut search = Search {
        criteria,
        groups,
        count: known,
        remaining: unknown,
        steps_left: SEARCH_STEPS,
    };
    for component in components(groups) {
        // A component of one criterion holds on its own; a search out of steps has not
        // ruled the rule out, so it stays `Unknown` unless another component does.
        if component.count_ones() > 1 && search.holds_together(component) == Some(false) {
            return Truth::False;
        }
    }
    // Some completion holds (or the search could not rule it out) and some fails.
    Truth::Unknown
}

/// The components of the criteria linked by unknown items they share, as masks of criteria;
/// criteria without unknown items belong to none.
fn components(groups: &[(u32, usize)]) -> impl Iterator<Item = u32> {
    // Merging every group's mask into the components it touches, until none changes.
    let mut merged = [0u32; MAX_CRITERIA];
    let mut count = 0;
    for &(mask, _) in groups {
        let mut joined = mask;
        let mut kept = 0;
        for i in 0..count {
            if merged[i] & joined != 0 {
                joined |= merged[i];
            } else {
                merged[kept] = merged[i];
                kept += 1;
            }
        }
        merged[kept] = joined;
        count = kept + 1;
    }
    merged.into_iter().take(count)
}

/// The search for a completion meeting every criterion of a component at once.
struct Search<'a> {
    criteria: &'a [Criterion],
    /// Unknown items grouped by their criteria: (mask of criteria, how many items).
    groups: &'a [(u32, usize)],
    /// Per criterion: present items so far (known, plus those chosen in the search).
    count: [usize; MAX_CRITERIA],
    /// Per criterion: unknown items not decided yet in the search.
    remaining: [usize; MAX_CRITERIA],
    steps_left: u32,
}

impl Search<'_> {
    /// `Some(true)` when some completion meets every criterion of `component`, `Some(false)`
    /// when none does, `None` when the steps ran out first.
    fn holds_together(&mut self, component: u32) -> Option<bool> {
        let mut members = [0usize; STACK_ITEMS];
        let mut member_count = 0;
        for (g, &(mask, _)) in self.groups.iter().enumerate() {
            if mask & component != 0 {
                if member_count == members.len() {
                    return None;
                }
                members[member_count] = g;
                member_count += 1;
            }
        }
        self.search(component, &members[..member_count])
    }

    /// Decides the groups `rest` in turn, each choice followed by the rest.
    fn search(&mut self, component: u32, rest: &[usize]) -> Option<bool> {
        if self.steps_left == 0 {
            return None;
        }
        self.steps_left -= 1;
        // A criterion past its upper bound, or that cannot reach its lower one any more,
        // ends this branch.
        let mut bits = component;
        while bits != 0 {
            let c = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let criterion = &self.criteria[c];
            if self.count[c] + self.remaining[c] < criterion.min_present
                || criterion.max_present.is_some_and(|max| self.count[c] > max)
            {
                return Some(false);
            }
        }
        let Some((&group, rest)) = rest.split_first() else {
            return Some(true); // every item decided and every criterion within its bounds
        };
        let (mask, size) = self.groups[group];
        let adjust = |this: &mut Self, add_count: isize, add_remaining: isize| {
            let mut bits = mask;
            while bits != 0 {
                let c = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                this.count[c] = this.count[c].wrapping_add_signed(add_count);
                this.remaining[c] = this.remaining[c].wrapping_add_signed(add_remaining);
            }
        };
        let signed = |n: usize| isize::try_from(n).unwrap_or(isize::MAX);
        adjust(self, 0, -signed(size));
        let mut answer = Some(false);
        for present in 0..=size {
            adjust(self, signed(present), 0);
            let found = self.search(component, rest);
            adjust(self, -signed(present), 0);
            match found {
                Some(true) => {
                    answer = Some(true);
                    break;
                }
                Some(false) => {}
                None => {
                    answer = None;
                    break;
                }
            }
        }
        adjust(self, 0, signed(size));
        answer
    }
}

#[cfg(test)]
mod tests {
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
    fn wide_rule(
        bounds: [(usize, Option<usize>); 2],
        pads_present: bool,
    ) -> (Algorithm, Vec<Answer>) {
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
        assert_eq!(evaluate(&algorithm, &answers([Some(3); 9])), Truth::Unknown);
    }
}
