//! Whether each patient's rows are contiguous, the question `trend` asks before it reads a
//! file for real: a grouped file is analysed one patient at a time, in bounded memory.
//!
//! Answering needs only the patient column, but a CSV parser still has to look at every
//! byte, and on a large export that first pass cost as much as a third of the run. Most
//! exports have no quotes and no carriage returns; then a record is a line and the patient
//! id sits between two delimiters, which a byte search finds far faster. Any quote or
//! carriage return sends the question back to the full parser.

use std::collections::HashSet;
use std::io::{self, Read};

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
    // Usually an id starts and ends with a visible ASCII character: nothing to trim.
    let visible = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    if visible(cell.first()) && visible(cell.last()) {
        return cell;
    }
    match std::str::from_utf8(cell) {
        Ok(text) => text.trim().as_bytes(),
        Err(_) => cell.trim_ascii(),
    }
}

/// What a byte scan found out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scan {
    Grouped,
    NotGrouped,
    /// A quote or a carriage return: only the CSV parser can say where records end.
    NeedsParser,
}

/// Scans `input` from its first byte (the header line is skipped) for the patient id in
/// field `patient` of each line.
pub(super) fn scan(mut input: impl Read, delimiter: u8, patient: usize) -> io::Result<Scan> {
    let mut check = GroupingCheck::default();
    let mut chunk = vec![0u8; 256 * 1024];
    // The start of a line that continues in the next chunk.
    let mut partial: Vec<u8> = Vec::new();
    let mut in_header = true;
    loop {
        let n = match input.read(&mut chunk) {
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        let bytes = &chunk[..n];
        if memchr::memchr2(b'"', b'\r', bytes).is_some() {
            return Ok(Scan::NeedsParser);
        }
        if n == 0 {
            let grouped =
                in_header || check.still_grouped(patient_id(&partial, delimiter, patient));
            return Ok(if grouped {
                Scan::Grouped
            } else {
                Scan::NotGrouped
            });
        }
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', bytes) {
            let line = if partial.is_empty() {
                &bytes[start..end]
            } else {
                partial.extend_from_slice(&bytes[start..end]);
                &partial[..]
            };
            if in_header {
                in_header = false;
            } else if !check.still_grouped(patient_id(line, delimiter, patient)) {
                return Ok(Scan::NotGrouped);
            }
            partial.clear();
            start = end + 1;
        }
        partial.extend_from_slice(&bytes[start..]);
    }
}

/// Field `index` of an unquoted line, trimmed; empty when the line is shorter. The patient
/// column is usually one of the first, so a plain loop beats setting up a vector search.
fn patient_id(line: &[u8], delimiter: u8, index: usize) -> &[u8] {
    let mut fields = line.split(|&b| b == delimiter);
    fields.nth(index).map_or(&[], trimmed_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_text(text: &str, patient: usize) -> Scan {
        // Read in small pieces too, so lines cross chunk boundaries.
        let whole = scan(text.as_bytes(), b',', patient).unwrap();
        for size in [1, 2, 3, 7] {
            let pieces = Pieces(text.as_bytes(), size);
            assert_eq!(
                scan(pieces, b',', patient).unwrap(),
                whole,
                "pieces of {size}"
            );
        }
        whole
    }

    struct Pieces<'a>(&'a [u8], usize);

    impl Read for Pieces<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(out.len()).min(self.0.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn contiguous_patients_are_grouped() {
        let text = "id,x\nA,1\nA,2\n\nB,3\n C ,4\nC,5";
        assert_eq!(scan_text(text, 0), Scan::Grouped);
        assert_eq!(scan_text("date,id\n1,A\n2,A\n3,B\n", 1), Scan::Grouped);
        assert_eq!(scan_text("id\n", 0), Scan::Grouped);
        assert_eq!(scan_text("", 0), Scan::Grouped);
    }

    #[test]
    fn a_returning_patient_is_not_grouped() {
        assert_eq!(scan_text("id,x\nA,1\nB,2\nA,3\n", 0), Scan::NotGrouped);
        assert_eq!(scan_text("x,id\n1,A\n2,B\n3,A", 1), Scan::NotGrouped);
        // Blank and missing ids do not end a patient's rows.
        assert_eq!(scan_text("x,id\n1,A\n2,\n3\n4,A\n", 1), Scan::Grouped);
        // A no-break space after an id does not make another patient.
        assert_eq!(scan_text("id\nA\nB\nA\u{a0}\n", 0), Scan::NotGrouped);
    }

    #[test]
    fn quotes_and_carriage_returns_need_the_parser() {
        assert_eq!(scan_text("id,x\n\"A\",1\n", 0), Scan::NeedsParser);
        assert_eq!(scan_text("id,x\r\nA,1\r\n", 0), Scan::NeedsParser);
    }
}
