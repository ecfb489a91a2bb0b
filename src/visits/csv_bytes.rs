//! The visits CSV at the byte level: where each existing record's cells start and end, the
//! line ending to use, where the visit's columns are, encoding new cells, and checking that
//! new bytes read back as intended.

use std::fmt::Write as _;
use std::io;
use std::ops::Range;
use std::path::PathBuf;

use super::{AppendError, DATE_COLUMN, PATIENT_COLUMN};
use crate::error::Location;
use crate::instrument::Instrument;

/// The UTF-8 byte-order mark that some programs (Excel's "CSV UTF-8") put first.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// Whether the bytes hold at least one CSV record: not only blank lines, and not only a
/// byte-order mark (which the csv reader strips before the first record).
pub(super) fn has_records(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    bytes.iter().any(|b| !matches!(b, b'\r' | b'\n'))
}

/// The 1-based line a record appended after `bytes` starts on, counted as `score` counts
/// (`batch::line_endings`): `\n`, `\r\n` and a lone `\r` each end one line, inside quoted
/// cells too.
pub(super) fn line_of(bytes: &[u8]) -> u64 {
    let mut breaks: u64 = 0;
    let mut after_cr = false;
    for &byte in bytes {
        match byte {
            b'\n' if after_cr => {}
            b'\n' | b'\r' => breaks += 1,
            _ => {}
        }
        after_cr = byte == b'\r';
    }
    breaks + 1
}

/// The line ending used for new rows: the one after the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Terminator {
    Lf,
    CrLf,
    Cr,
}

impl Terminator {
    pub(super) fn bytes(self) -> &'static [u8] {
        match self {
            Terminator::Lf => b"\n",
            Terminator::CrLf => b"\r\n",
            Terminator::Cr => b"\r",
        }
    }

    fn csv(self) -> csv::Terminator {
        match self {
            Terminator::Lf => csv::Terminator::Any(b'\n'),
            Terminator::CrLf => csv::Terminator::CRLF,
            Terminator::Cr => csv::Terminator::Any(b'\r'),
        }
    }
}

/// One record of the existing file: where its cells are, and what they hold.
#[derive(Debug)]
pub(super) struct RawRecord {
    /// From the first byte of the first cell to the last byte of the last cell: everything
    /// except the line ending (and any blank lines) around it.
    pub(super) content: Range<usize>,
    pub(super) fields: csv::ByteRecord,
}

/// The existing file, parsed by the csv crate with the byte ranges of its records.
#[derive(Debug)]
pub(super) struct ParsedFile<'b> {
    bytes: &'b [u8],
    pub(super) records: Vec<RawRecord>,
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
        // The csv crate reports where a record starts as the byte after the end of the
        // previous record, which for `\r\n` is the `\n`, and it skips blank lines. So a
        // record's cells are its span with line-ending bytes trimmed from both ends; no cell
        // can start or end with one unless it is quoted, and then it starts or ends with `"`.
        let mut records = Vec::with_capacity(starts.len());
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
            records.push(RawRecord {
                content: start..end,
                fields,
            });
        }
        let parsed_header = match records.first() {
            Some(record) => header_names(source, &record.fields)?,
            None => Vec::new(),
        };
        let parsed = ParsedFile {
            bytes,
            records,
            header: parsed_header,
        };
        parsed.check_rows(source)?;
        Ok(parsed)
    }

    pub(super) fn line(&self, record: &RawRecord) -> u64 {
        line_of(&self.bytes[..record.content.start])
    }

    /// Every row must have as many cells as the header: a row that does not would be
    /// misaligned by new columns, and means the file needs a person's attention.
    fn check_rows(&self, source: &str) -> Result<(), AppendError> {
        let Some(header) = self.records.first() else {
            return Ok(());
        };
        for record in &self.records[1..] {
            if record.fields.len() != header.fields.len() {
                return Err(AppendError::File {
                    location: Location::at(source, self.line(record), None),
                    found: format!("{} fields", record.fields.len()),
                    expected: format!(
                        "{} like the header (a stray comma or an unclosed quote?)",
                        header.fields.len()
                    ),
                });
            }
        }
        // An unclosed quote swallows the rest of the file into one cell; refuse to append
        // after it, because the new row would end up inside that cell.
        if let Some(last) = self.records.last()
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
    fn check_dates(&self, source: &str, column: usize) -> Result<(), AppendError> {
        for record in self.records.iter().skip(1) {
            let cell = record.fields.get(column).unwrap_or_default().trim_ascii();
            if cell.is_empty() || crate::batch::is_iso_shaped(cell) {
                continue;
            }
            return Err(AppendError::File {
                location: Location::at(source, self.line(record), Some(column as u64 + 1)),
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
        let Some(header) = self.records.first() else {
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

/// Whether a record (and whatever follows it) ends inside a quoted cell, following the csv
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
    fields
        .iter()
        .enumerate()
        .map(|(index, field)| {
            let text = std::str::from_utf8(field).map_err(|_| AppendError::File {
                location: Location::at(source, 1, Some(index as u64 + 1)),
                found: format!("a header cell that is not UTF-8 ({})", escape_bytes(field)),
                expected: "UTF-8 column names".into(),
            })?;
            let text = if index == 0 {
                text.trim_start_matches('\u{feff}')
            } else {
                text
            };
            Ok(text.trim().to_owned())
        })
        .collect()
}

fn escape_bytes(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

/// Where the visit's columns are in an existing header, and which must be added.
#[derive(Debug)]
pub(super) struct Layout {
    /// Header indices the new row fills (patient, date, the instruments' present columns).
    pub(super) used: Vec<usize>,
    /// Columns to add at the end, in order.
    pub(super) added: Vec<String>,
}

impl Layout {
    pub(super) fn plan(
        source: &str,
        parsed: &ParsedFile<'_>,
        instruments: &[&Instrument],
    ) -> Result<Self, AppendError> {
        let header = &parsed.header;
        let header_line = parsed
            .records
            .first()
            .map_or(1, |record| parsed.line(record));
        let location = || Location::at(source, header_line, None);
        let find = |name: &str| -> Result<Option<usize>, AppendError> {
            let found: Vec<usize> = header
                .iter()
                .enumerate()
                .filter(|(_, h)| *h == name)
                .map(|(i, _)| i)
                .collect();
            match found.as_slice() {
                [] => Ok(None),
                [one] => Ok(Some(*one)),
                many => Err(AppendError::File {
                    location: location(),
                    found: format!(
                        "{} columns named `{name}` (columns {})",
                        many.len(),
                        many.iter()
                            .map(|i| (i + 1).to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    expected: "one".into(),
                }),
            }
        };
        let mut used = Vec::new();
        for name in [PATIENT_COLUMN, DATE_COLUMN] {
            match find(name)? {
                Some(index) => used.push(index),
                None => {
                    return Err(AppendError::File {
                        location: location(),
                        found: format!("no `{name}` column (columns {})", list_names(header)),
                        expected: format!(
                            "a `{name}` column: a saved visit always records its patient and date"
                        ),
                    });
                }
            }
        }
        parsed.check_dates(source, used[1])?;
        let mut added = Vec::new();
        for instrument in instruments {
            let items: Vec<(String, Option<usize>)> = (1..=instrument.item_count())
                .map(|number| {
                    let name = instrument.item_column(number);
                    find(&name).map(|index| (name, index))
                })
                .collect::<Result<_, _>>()?;
            let present = items.iter().filter(|(_, index)| index.is_some()).count();
            if present != 0 && present != items.len() {
                let absent: Vec<String> = items
                    .iter()
                    .filter(|(_, index)| index.is_none())
                    .map(|(name, _)| format!("`{name}`"))
                    .collect();
                return Err(AppendError::File {
                    location: location(),
                    found: format!(
                        "{present} of the {} `{}` item columns (missing {})",
                        items.len(),
                        instrument.id,
                        absent.join(", ")
                    ),
                    expected: "all of them or none".into(),
                });
            }
            let extras = instrument.extra_items.iter().map(|extra| {
                let name = instrument.extra_column(extra);
                find(&name).map(|index| (name, index))
            });
            for entry in items.into_iter().map(Ok).chain(extras) {
                match entry? {
                    (_, Some(index)) => used.push(index),
                    (name, None) => added.push(name),
                }
            }
        }
        Ok(Layout { used, added })
    }
}

fn list_names(names: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut listed: Vec<String> = names.iter().take(SHOWN).map(|n| format!("`{n}`")).collect();
    if names.len() > SHOWN {
        listed.push(format!("and {} more", names.len() - SHOWN));
    }
    listed.join(", ")
}

/// One CSV record with its line ending; cells are quoted only when they need it.
pub(super) fn encode_record<S: AsRef<[u8]>>(
    cells: &[S],
    terminator: Terminator,
) -> Result<Vec<u8>, AppendError> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(terminator.csv())
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    let encode_error = |err: &dyn std::fmt::Display| AppendError::Io {
        path: PathBuf::from("<memory>"),
        action: "encode the new row",
        source: io::Error::other(err.to_string()),
    };
    writer
        .write_record(cells)
        .map_err(|err| encode_error(&err))?;
    writer.into_inner().map_err(|err| encode_error(&err))
}

/// Cells joined by commas, without a line ending.
pub(super) fn encode_fields(cells: &[String]) -> Result<Vec<u8>, AppendError> {
    let mut encoded = encode_record(cells, Terminator::Lf)?;
    encoded.pop();
    Ok(encoded)
}

/// Parses the new bytes back and checks they hold exactly the expected records.
pub(super) fn verify(
    source: &str,
    bytes: &[u8],
    rows: &[csv::ByteRecord],
    header: &[String],
    row: &[&str],
) -> Result<(), AppendError> {
    let header: csv::ByteRecord = header.iter().map(String::as_str).collect();
    verify_records(source, bytes, &header, rows, row)
}

pub(super) fn verify_records(
    source: &str,
    bytes: &[u8],
    header: &csv::ByteRecord,
    rows: &[csv::ByteRecord],
    row: &[&str],
) -> Result<(), AppendError> {
    let new_row: csv::ByteRecord = row.iter().copied().collect();
    let expected = std::iter::once(header)
        .chain(rows)
        .chain(std::iter::once(&new_row));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut actual = reader.byte_records();
    let mismatch = |detail: String| AppendError::RoundTrip {
        source_name: source.to_owned(),
        detail,
    };
    for (index, want) in expected.enumerate() {
        match actual.next() {
            Some(Ok(got)) if got == *want => {}
            Some(Ok(got)) => {
                let mut detail = format!("record {} reads back as ", index + 1);
                let _ = write!(detail, "{got:?} instead of {want:?}");
                return Err(mismatch(detail));
            }
            Some(Err(err)) => return Err(mismatch(err.to_string())),
            None => return Err(mismatch(format!("record {} is missing", index + 1))),
        }
    }
    if actual.next().is_some() {
        return Err(mismatch("there is an extra record".into()));
    }
    Ok(())
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
}
