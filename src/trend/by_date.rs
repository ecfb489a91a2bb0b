//! One patient's administrations of one instrument in (date, line) order.
//!
//! [`super::PatientStream`] hands them over in that order already, so they are borrowed as
//! given; only a caller passing them in another order pays for sorted references. A patient
//! is analysed per instrument and per dosing, and the copies this saves were a good part of
//! the allocations of a large export.

use super::Administration;

/// Administrations in (date, line) order: the line breaks ties, so that a same-day re-entry
/// counts as the later one.
#[derive(Debug)]
pub(super) enum ByDate<'i> {
    /// The caller's slice, already in order.
    Given(&'i [Administration<'i>]),
    /// References to the caller's administrations, sorted.
    Sorted(Vec<&'i Administration<'i>>),
}

impl<'i> ByDate<'i> {
    /// Borrows `administrations` when in order, else sorts references to them.
    pub(super) fn new(administrations: &'i [Administration<'i>]) -> Self {
        let key = |a: &Administration<'_>| (a.date, a.line);
        if administrations.is_sorted_by_key(key) {
            ByDate::Given(administrations)
        } else {
            let mut sorted: Vec<&Administration<'i>> = administrations.iter().collect();
            sorted.sort_by_key(|a| key(a));
            ByDate::Sorted(sorted)
        }
    }

    pub(super) fn len(&self) -> usize {
        match self {
            ByDate::Given(given) => given.len(),
            ByDate::Sorted(sorted) => sorted.len(),
        }
    }

    /// The administration at `index` in order.
    pub(super) fn get(&self, index: usize) -> &'i Administration<'i> {
        match self {
            ByDate::Given(given) => &given[index],
            ByDate::Sorted(sorted) => sorted[index],
        }
    }

    /// The administrations from `start` to before `end`, in order.
    pub(super) fn range(
        &self,
        start: usize,
        end: usize,
    ) -> impl DoubleEndedIterator<Item = &'i Administration<'i>> + '_ {
        (start..end).map(|index| self.get(index))
    }

    /// Every administration, in order.
    pub(super) fn iter(&self) -> impl DoubleEndedIterator<Item = &'i Administration<'i>> + '_ {
        self.range(0, self.len())
    }

    /// The number of leading administrations for which `before` holds (see
    /// [`slice::partition_point`]): `before` must hold for a prefix of the order only.
    pub(super) fn partition_point(&self, before: impl Fn(&Administration<'_>) -> bool) -> usize {
        match self {
            ByDate::Given(given) => given.partition_point(|a| before(a)),
            ByDate::Sorted(sorted) => sorted.partition_point(|a| before(a)),
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn visit(day: i8, line: u64) -> Administration<'static> {
        Administration {
            date: date(2026, 3, day),
            total: None,
            severity: "",
            flags: Vec::new(),
            line,
            place: None,
        }
    }

    #[test]
    fn in_order_is_borrowed_and_any_other_order_sorted_by_date_then_line() {
        let in_order = [visit(1, 5), visit(2, 3), visit(2, 4)];
        assert!(matches!(ByDate::new(&in_order), ByDate::Given(_)));
        let shuffled = [visit(2, 4), visit(1, 5), visit(2, 3)];
        let by_date = ByDate::new(&shuffled);
        assert!(matches!(by_date, ByDate::Sorted(_)));
        let lines: Vec<u64> = by_date.iter().map(|a| a.line).collect();
        assert_eq!(lines, [5, 3, 4]);
        assert_eq!(by_date.partition_point(|a| a.date <= date(2026, 3, 1)), 1);
        let tail: Vec<u64> = by_date.range(1, 3).rev().map(|a| a.line).collect();
        assert_eq!(tail, [4, 3]);
    }
}
