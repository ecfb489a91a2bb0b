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
mod tests;
