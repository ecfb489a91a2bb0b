//! Whether each patient's rows are contiguous, the question `trend` asks before it reads a
//! file for real: a grouped file is analysed one patient at a time, in bounded memory.
//!
//! Answering needs only the patient column, but a CSV parser still has to look at every
//! byte, and on a large export that first pass cost as much as a third of the run. Most
//! exports have no quotes; then a record is a line (ended by LF or CRLF) and the patient id
//! sits between two delimiters, which a byte search finds far faster. A quote, a lone
//! carriage return or a row of the wrong shape sends the question back to the full parser.

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
    if super::has_nothing_to_trim(cell) {
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
    /// A quote, a carriage return that does not end a line, or a row of another shape than
    /// the header: only the CSV parser can say where records end, or report the error.
    NeedsParser,
}

/// Scans `input` from its first byte for the patient id in field `patient` of each line.
/// Blank lines are skipped, and the first other line is the header, as the CSV reader does;
/// a header of `fields` fields must be followed by rows of as many.
///
/// Checking the shape of every row matters beyond speed: `trend` writes a grouped file's
/// patients as it goes, so a malformed row must be found here, before any output, as the
/// full pass used to find it.
pub(super) fn scan(
    mut input: impl Read,
    delimiter: u8,
    patient: usize,
    fields: usize,
) -> io::Result<Scan> {
    let mut lines = Lines {
        check: GroupingCheck::default(),
        delimiter,
        patient,
        fields,
        header_seen: false,
    };
    let mut chunk = vec![0u8; 256 * 1024];
    // The start of a line that continues in the next chunk.
    let mut partial: Vec<u8> = Vec::new();
    loop {
        let n = match input.read(&mut chunk) {
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        let bytes = &chunk[..n];
        if memchr::memchr(b'"', bytes).is_some() {
            return Ok(Scan::NeedsParser);
        }
        if n == 0 {
            // The last line may lack its line ending; after it, no patient came back.
            return Ok(lines.take(&partial).unwrap_or(Scan::Grouped));
        }
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', bytes) {
            let line = if partial.is_empty() {
                &bytes[start..end]
            } else {
                partial.extend_from_slice(&bytes[start..end]);
                &partial[..]
            };
            if let Some(answer) = lines.take(line) {
                return Ok(answer);
            }
            partial.clear();
            start = end + 1;
        }
        partial.extend_from_slice(&bytes[start..]);
        // A line past the record limit: the reader reports it, with its line.
        if partial.len() > super::records::MAX_RECORD_BYTES {
            return Ok(Scan::NeedsParser);
        }
    }
}

/// The state of a scan between lines.
struct Lines {
    check: GroupingCheck,
    delimiter: u8,
    patient: usize,
    fields: usize,
    header_seen: bool,
}

impl Lines {
    /// Takes one line (without its `\n`); `Some` when the scan can stop with an answer.
    fn take(&mut self, line: &[u8]) -> Option<Scan> {
        // Excel's "CSV UTF-8" ends lines with CRLF; any other carriage return needs the parser.
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if memchr::memchr(b'\r', line).is_some() {
            return Some(Scan::NeedsParser);
        }
        if line.is_empty() {
            return None;
        }
        if !self.header_seen {
            self.header_seen = true;
            return None;
        }
        if memchr::memchr_iter(self.delimiter, line).count() + 1 != self.fields {
            return Some(Scan::NeedsParser);
        }
        if !self
            .check
            .still_grouped(patient_id(line, self.delimiter, self.patient))
        {
            return Some(Scan::NotGrouped);
        }
        None
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
    use crate::batch::test_input::Chunked;

    /// Scans `text`, whose header is its first non-blank line.
    fn scan_text(text: &str, patient: usize) -> Scan {
        let header = text.lines().find(|l| !l.trim_end_matches('\r').is_empty());
        let fields = header.map_or(1, |h| h.matches(',').count() + 1);
        let whole = scan(text.as_bytes(), b',', patient, fields).unwrap();
        // Read in small pieces too, so lines (and CRLF pairs) cross chunk boundaries.
        for size in [1, 2, 3, 7] {
            let pieces = Chunked(text.as_bytes(), size);
            assert_eq!(
                scan(pieces, b',', patient, fields).unwrap(),
                whole,
                "pieces of {size}"
            );
        }
        whole
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
        // Blank ids do not end a patient's rows.
        assert_eq!(scan_text("x,id\n1,A\n2,\n4,A\n", 1), Scan::Grouped);
        // A no-break space after an id does not make another patient.
        assert_eq!(scan_text("id\nA\nB\nA\u{a0}\n", 0), Scan::NotGrouped);
    }

    #[test]
    fn quotes_and_carriage_returns_need_the_parser() {
        assert_eq!(scan_text("id,x\n\"A\",1\n", 0), Scan::NeedsParser);
        // A lone carriage return (old Mac line endings, or inside a cell).
        assert_eq!(scan_text("id,x\rA,1\r", 0), Scan::NeedsParser);
        assert_eq!(scan_text("id,x\nA,1\rB,2\n", 0), Scan::NeedsParser);
    }

    #[test]
    fn crlf_line_endings_are_scanned() {
        assert_eq!(scan_text("id,x\r\nA,1\r\nA,2\r\nB,3\r\n", 0), Scan::Grouped);
        assert_eq!(scan_text("id,x\r\nA,1\r\nB,2\r\nA,3", 0), Scan::NotGrouped);
    }

    /// `trend` writes a grouped file's patients as it goes: a malformed row must send the
    /// question to the parser, which reports it before any output.
    #[test]
    fn a_row_of_another_shape_needs_the_parser() {
        assert_eq!(scan_text("id,x\nA,1\nB\n", 0), Scan::NeedsParser);
        assert_eq!(scan_text("id,x\nA,1\nB,2,3\n", 0), Scan::NeedsParser);
        assert_eq!(scan_text("id,x\nA,1\n  \n", 0), Scan::NeedsParser);
    }

    /// An endless line (a binary file after a good header) stops the scan once it passes the
    /// record limit, instead of being held whole: the reader then reports the limit.
    #[test]
    fn a_line_past_the_record_limit_stops_the_scan() {
        struct Counted<R>(R, usize);
        impl<R: Read> Read for Counted<R> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.read(buf)?;
                self.1 += n;
                Ok(n)
            }
        }
        let limit = crate::batch::records::MAX_RECORD_BYTES;
        let endless = (&b"id,x\nA,1\n"[..]).chain(io::repeat(b'a').take(16 * limit as u64));
        let mut input = Counted(endless, 0);
        assert_eq!(scan(&mut input, b',', 0, 2).unwrap(), Scan::NeedsParser);
        // At most the limit and one read chunk (256 KiB) past it.
        assert!(input.1 <= limit + 256 * 1024 + 16, "{} bytes read", input.1);
    }

    #[test]
    fn blank_lines_before_the_header_are_skipped() {
        // Otherwise the header would be read as a patient named `id`.
        assert_eq!(scan_text("\n\nid,x\nA,1\nid,2\n", 0), Scan::Grouped);
    }
}
