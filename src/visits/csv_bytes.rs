//! The existing visits file at the byte level: where each row's cells start and end (so that
//! new cells go in without touching a byte around them), its header names, the line ending
//! new rows take, and the checks that refuse a file a new row would damage.

use std::ops::Range;

use super::AppendError;
use super::encode::Terminator;
use crate::columns::column_names;
use crate::error::Location;
use crate::plural::count;

/// The UTF-8 byte-order mark that some programs (Excel's "CSV UTF-8") put first.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// Whether the bytes hold at least one CSV row: not only blank lines, and not only a
/// byte-order mark (which the csv reader strips before the first row).
pub(super) fn has_rows(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    bytes.iter().any(|b| !matches!(b, b'\r' | b'\n'))
}

/// One row of the existing file: where its cells are, and what they hold.
#[derive(Debug)]
pub(super) struct ExistingRow {
    /// From the first byte of the first cell to the last byte of the last cell: everything
    /// except the line ending (and any blank lines) around it.
    pub(super) content: Range<usize>,
    pub(super) fields: csv::ByteRecord,
}

/// The existing file, parsed by the csv crate with the byte ranges of its rows.
#[derive(Debug)]
pub(super) struct ParsedFile<'b> {
    bytes: &'b [u8],
    pub(super) rows: Vec<ExistingRow>,
    /// Header names, trimmed, without a byte-order mark.
    pub(super) header: Vec<String>,
}

impl<'b> ParsedFile<'b> {
    pub(super) fn parse(source: &str, bytes: &'b [u8]) -> Result<Self, AppendError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut starts = Vec::new();
        let mut all_fields = Vec::new();
        let mut fields = csv::ByteRecord::new();
        loop {
            match reader.read_byte_record(&mut fields) {
                Ok(true) => {
                    let start = fields.position().map_or(0, csv::Position::byte);
                    starts.push(usize::try_from(start).unwrap_or(usize::MAX));
                    all_fields.push(fields.clone());
                }
                Ok(false) => break,
                Err(err) => {
                    return Err(AppendError::File {
                        location: Location::file(source),
                        found: err.to_string(),
                        expected: "a readable CSV file".into(),
                    });
                }
            }
        }
        // The csv crate reports where a row starts as the byte after the end of the
        // previous row, which for `\r\n` is the `\n`, and it skips blank lines. So a
        // row's cells are its span with line-ending bytes trimmed from both ends; no cell
        // can start or end with one unless it is quoted, and then it starts or ends with `"`.
        let mut rows = Vec::with_capacity(starts.len());
        for (index, fields) in all_fields.into_iter().enumerate() {
            let span_end = starts.get(index + 1).copied().unwrap_or(bytes.len());
            let span = starts[index].min(span_end)..span_end;
            let leading = bytes[span.clone()]
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
            let trailing = bytes[span.clone()]
                .iter()
                .rev()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
            let start = span.start + leading;
            let end = span.end.saturating_sub(trailing).max(start);
            rows.push(ExistingRow {
                content: start..end,
                fields,
            });
        }
        let parsed_header = match rows.first() {
            Some(row) => header_names(source, &row.fields)?,
            None => Vec::new(),
        };
        let parsed = ParsedFile {
            bytes,
            rows,
            header: parsed_header,
        };
        parsed.check_rows(source)?;
        Ok(parsed)
    }

    pub(super) fn line(&self, row: &ExistingRow) -> u64 {
        crate::batch::line_after(&self.bytes[..row.content.start])
    }

    /// A counter for the lines of rows met in file order: each is counted on from the row
    /// before, so naming every row of a file costs one pass over it, not one per row.
    pub(super) fn row_lines(&self) -> RowLines<'_> {
        RowLines {
            bytes: self.bytes,
            counted_to: 0,
            line: 1,
        }
    }

    /// Every row must have as many cells as the header: a row that does not would be
    /// misaligned by new columns, and means the file needs a person's attention.
    fn check_rows(&self, source: &str) -> Result<(), AppendError> {
        let Some(header) = self.rows.first() else {
            return Ok(());
        };
        for row in &self.rows[1..] {
            if row.fields.len() != header.fields.len() {
                return Err(AppendError::File {
                    location: Location::at(source, self.line(row), None),
                    found: count(row.fields.len(), "field").to_string(),
                    expected: format!(
                        "{} like the header (a stray comma or an unclosed quote?)",
                        header.fields.len()
                    ),
                });
            }
        }
        // An unclosed quote swallows the rest of the file into one cell; refuse to append
        // after it, because the new row would end up inside that cell.
        if let Some(last) = self.rows.last()
            && ends_inside_quotes(&self.bytes[last.content.start..])
        {
            return Err(AppendError::File {
                location: Location::at(source, self.line(last), None),
                found: "a quoted cell that is never closed".into(),
                expected: "every `\"` that opens a cell to be closed".into(),
            });
        }
        Ok(())
    }

    /// `enter` writes dates as `YYYY-MM-DD`, the layout `score` reads by default. A file whose
    /// dates are written another way (`04/05/2026`, read with `--date-format`) would end up
    /// with two layouts in one column, which no single `--date-format` reads: refuse it, at
    /// the first such date. Blank cells are not a layout, and an ISO-shaped date that does
    /// not exist (`2026-02-30`) is a bad row that `score` reports, not a second layout.
    pub(super) fn check_dates(&self, source: &str, column: usize) -> Result<(), AppendError> {
        for row in self.rows.iter().skip(1) {
            let cell = row.fields.get(column).unwrap_or_default().trim_ascii();
            if cell.is_empty() || crate::batch::is_iso_shaped(cell) {
                continue;
            }
            return Err(AppendError::File {
                location: Location::at(source, self.line(row), Some(column as u64 + 1)),
                found: format!(
                    "the date '{}', not written as YYYY-MM-DD",
                    crate::shown_text::show_cell(&String::from_utf8_lossy(
                        &cell[..cell.len().min(40)]
                    ))
                ),
                expected: "every date in the file as YYYY-MM-DD, the only layout `enter` writes: \
                     a new row would mix two date layouts in one column, which `score` cannot \
                     read with one date layout (convert the file's dates to YYYY-MM-DD first)"
                    .into(),
            });
        }
        Ok(())
    }

    pub(super) fn terminator(&self) -> Terminator {
        let Some(header) = self.rows.first() else {
            return Terminator::Lf;
        };
        let after_header = &self.bytes[header.content.end..];
        match after_header {
            [b'\r', b'\n', ..] => Terminator::CrLf,
            [b'\r', ..] => Terminator::Cr,
            _ => Terminator::Lf,
        }
    }
}

/// Whether a row (and whatever follows it) ends inside a quoted cell, following the csv
/// crate's rules: a quote opens a cell only at the start of the cell, `""` inside is a quote.
fn ends_inside_quotes(bytes: &[u8]) -> bool {
    #[derive(Clone, Copy)]
    enum State {
        StartOfCell,
        InCell,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::StartOfCell;
    for &byte in bytes {
        state = match (state, byte) {
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::StartOfCell | State::QuoteInQuoted, b'"') | (State::Quoted, _) => State::Quoted,
            (_, b',' | b'\r' | b'\n') => State::StartOfCell,
            _ => State::InCell,
        };
    }
    matches!(state, State::Quoted)
}

fn header_names(source: &str, fields: &csv::ByteRecord) -> Result<Vec<String>, AppendError> {
    column_names(fields).map_err(|bad| AppendError::File {
        location: Location::at(source, 1, Some(bad.index as u64 + 1)),
        found: format!(
            "a header cell that is not UTF-8 ({})",
            bad.cell.escape_ascii()
        ),
        expected: "UTF-8 column names".into(),
    })
}

/// The lines of rows met in file order ([`ParsedFile::row_lines`]).
pub(super) struct RowLines<'b> {
    bytes: &'b [u8],
    /// Where counting stopped: the start of the last row asked about.
    counted_to: usize,
    /// The line that starts there.
    line: u64,
}

impl RowLines<'_> {
    /// The line `row` starts on. Rows must be asked about in file order; a row starts where
    /// no quote is open and after its whole line ending, so counting the bytes between two
    /// row starts on their own gives the same lines as counting from the start of the file.
    pub(super) fn line(&mut self, row: &ExistingRow) -> u64 {
        let to = row.content.start.max(self.counted_to);
        self.line += crate::batch::line_after(&self.bytes[self.counted_to..to]) - 1;
        self.counted_to = to;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_tracking_follows_the_csv_rules() {
        assert!(!ends_inside_quotes(b"a,\"b,\"\"c\"\"\",d"));
        assert!(ends_inside_quotes(b"a,\"b\nc"));
        assert!(!ends_inside_quotes(b"ab\"c,d"));
        assert!(ends_inside_quotes(b"a,\"\"\"\n"));
    }

    #[test]
    fn rows_counted_on_from_the_row_before_get_the_lines_counted_from_the_start() {
        // Row starts by hand: `h` line 1; `1` line 2 (after CRLF); `2` line 4 (a blank line
        // between); `3` line 5 (after a lone CR); its quoted cell spans two lines, so `4`
        // is on line 7.
        let bytes = b"h,x\r\n1,a\n\n2,b\r3,\"c\nd\"\n4,e\n";
        let parsed = ParsedFile::parse("v.csv", bytes).unwrap();
        let from_start: Vec<u64> = parsed.rows.iter().map(|row| parsed.line(row)).collect();
        assert_eq!(from_start, [1, 2, 4, 5, 7]);
        let mut lines = parsed.row_lines();
        let counted_on: Vec<u64> = parsed.rows.iter().map(|row| lines.line(row)).collect();
        assert_eq!(counted_on, from_start);
        // Asking about the same row twice (two instruments of one row) does not move on.
        let mut lines = parsed.row_lines();
        let third = &parsed.rows[3];
        assert_eq!((lines.line(third), lines.line(third)), (5, 5));
    }
}
