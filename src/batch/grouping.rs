//! Whether each patient's rows are contiguous, the question `trend` asks before it reads a
//! file for real: a grouped file is analysed one patient at a time, in bounded memory.

use std::collections::HashSet;

/// The patients seen so far, to tell a patient's return from a new patient.
#[derive(Default)]
pub(super) struct GroupingCheck {
    finished: HashSet<Vec<u8>>,
    current: Option<Vec<u8>>,
}

impl GroupingCheck {
    /// Takes the next row's (trimmed) patient id; `false` when that patient's rows already
    /// ended earlier in the file. Blank ids are skipped: the real pass reports them.
    pub(super) fn still_grouped(&mut self, id: &[u8]) -> bool {
        if id.is_empty() || self.current.as_deref() == Some(id) {
            return true;
        }
        if self.finished.contains(id) {
            return false;
        }
        if let Some(previous) = self.current.replace(id.to_vec()) {
            self.finished.insert(previous);
        }
        true
    }
}

/// A patient id as the batch reader reads it: trimmed of all Unicode whitespace, so that
/// `A` and `A` followed by a no-break space are one patient here as in the records.
pub(super) fn trimmed_id(cell: &[u8]) -> &[u8] {
    match std::str::from_utf8(cell) {
        Ok(text) => text.trim().as_bytes(),
        Err(_) => cell.trim_ascii(),
    }
}

#[cfg(test)]
mod tests {
    use super::GroupingCheck;

    fn grouped(ids: &[&str]) -> bool {
        let mut check = GroupingCheck::default();
        ids.iter().all(|id| check.still_grouped(id.as_bytes()))
    }

    #[test]
    fn a_patient_whose_rows_end_may_not_come_back() {
        assert!(grouped(&["A", "A", "B", "C", "C"]));
        assert!(!grouped(&["A", "B", "A"]));
        // Blank ids do not end a patient's rows: the real pass reports them.
        assert!(grouped(&["A", "", "A"]));
    }
}
