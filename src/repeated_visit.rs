//! Repeated visits: an administration whose patient, date and instrument repeat an earlier
//! one's. Both are kept and scored; a person decides which is right. `score`, `trend` and
//! `enter` all report them as [`RepeatedVisit`]. `score` and `enter` read rows in file order
//! and find them with the [`RepeatFinder`] here; they differ only in which rows they compare
//! (the caller decides what it feeds and when it clears the finder). `trend` has each
//! patient's administrations in date order, so a repeat is simply an administration with the
//! date of the one before it, and it names that one (the administration it follows in the
//! series).

use std::collections::hash_map::Entry;
use std::hash::Hash;

use jiff::civil::Date;

/// An administration that repeats an earlier one of the same patient, date and instrument.
/// The patient is the caller's scope (a row's, a trend's or a new visit's patient), so it is
/// not repeated here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RepeatedVisit<'i> {
    /// Instrument id.
    pub instrument: &'i str,
    /// The shared date; `None` only in `score` input without dates.
    pub date: Option<Date>,
    /// 1-based line of the repeating (later) administration.
    pub line: u64,
    /// 1-based line of the earlier administration it repeats: in `score` and `enter` the
    /// first of them, in `trend` the one just before it in (date, line) order.
    pub earlier_line: u64,
}

/// Finds repeated administrations in the keys it is fed, in one pass; a repeat names the
/// first administration of its key. A file read as it is asks "which rows conflict?", and
/// every repeat naming the same first row groups them around one line a person can open.
/// The key is whatever
/// identifies "the same patient, date and instrument" for the caller (a caller that clears
/// the finder when the patient changes leaves the patient out). Each key is hashed once with
/// foldhash rather than the standard `SipHash`: one lookup per administration is a
/// measurable part of a million-row run, and the guard against crafted collisions buys
/// nothing here (foldhash still mixes every bit, so a million keys stay spread).
#[derive(Debug, Clone)]
pub struct RepeatFinder<K> {
    /// The first line of each key.
    seen: foldhash::HashMap<K, u64>,
}

impl<K: Hash + Eq> Default for RepeatFinder<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Hash + Eq> RepeatFinder<K> {
    /// An empty finder.
    #[must_use]
    pub fn new() -> Self {
        RepeatFinder {
            seen: foldhash::HashMap::default(),
        }
    }

    /// Records an administration with `key` at `line`; returns the earlier line it repeats,
    /// or `None` when the key is new.
    pub fn see(&mut self, key: K, line: u64) -> Option<u64> {
        match self.seen.entry(key) {
            Entry::Occupied(first) => Some(*first.get()),
            Entry::Vacant(slot) => {
                slot.insert(line);
                None
            }
        }
    }

    /// The line an administration with `key` would repeat, without recording it. `enter`
    /// records its new visit, then asks this of every existing row, so that every row the
    /// visit would repeat is found, not only the first or the latest.
    #[must_use]
    pub fn earlier(&self, key: &K) -> Option<u64> {
        self.seen.get(key).copied()
    }

    /// Forgets every key (keeping the memory), to start a new scope such as a new patient.
    pub fn clear(&mut self) {
        self.seen.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `(key, line)` pairs and returns `(line, earlier_line)` of each repeat.
    fn repeats(keys: &[(&'static str, u64)]) -> Vec<(u64, u64)> {
        let mut finder = RepeatFinder::new();
        keys.iter()
            .filter_map(|&(key, line)| finder.see(key, line).map(|earlier| (line, earlier)))
            .collect()
    }

    /// Key "a" on lines 2, 3, 5 and 6, "b" on 4 and 7.
    const ROWS: [(&str, u64); 6] = [("a", 2), ("a", 3), ("b", 4), ("a", 5), ("a", 6), ("b", 7)];

    #[test]
    fn a_repeat_names_the_first_administration_of_the_key() {
        assert_eq!(repeats(&ROWS), [(3, 2), (5, 2), (6, 2), (7, 4)]);
    }

    #[test]
    fn new_keys_and_cleared_keys_are_not_repeats() {
        assert!(repeats(&[("a", 2), ("b", 3), ("c", 4)]).is_empty());
        let mut finder = RepeatFinder::new();
        assert_eq!(finder.see("a", 2), None);
        finder.clear();
        assert_eq!(finder.see("a", 3), None);
        assert_eq!(finder.see("a", 4), Some(3));
    }

    #[test]
    fn earlier_looks_up_without_recording() {
        let mut finder = RepeatFinder::new();
        finder.see("visit", 9);
        assert_eq!(finder.earlier(&"visit"), Some(9));
        assert_eq!(finder.earlier(&"other"), None);
        // Asking twice finds it twice: nothing was recorded.
        assert_eq!(finder.earlier(&"other"), None);
        assert_eq!(finder.earlier(&"visit"), Some(9));
    }
}
