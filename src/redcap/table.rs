//! The CSV layer shared by the data dictionary and the mapping file: a header whose columns
//! are found by name, then rows, each with the line it starts on.
//!
//! Both files are small (a dictionary of a few thousand fields is a few megabytes), so they
//! are read whole, up to a limit: a wrong path (`/dev/zero`, a records export of millions of
//! rows) is refused instead of filling memory.

use std::io::{self, Read};

use crate::error::Location;
use crate::shown_text::show_cell;

use super::error::{RedcapError, RedcapErrorKind};

/// The most bytes a dictionary or mapping file may have.
pub(crate) const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// A CSV file read whole: its header names (trimmed, byte-order mark removed) and its rows.
pub(crate) struct Table {
    /// The file as the user named it.
    pub(crate) source: String,
    /// The line the header is on.
    pub(crate) header_line: u64,
    /// The header's cells, trimmed.
    pub(crate) header: Vec<String>,
    /// Each row with the line it starts on; every row has as many cells as the header.
    pub(crate) rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    /// Reads `input` whole. `what` names the file's kind in messages ("data dictionary").
    pub(crate) fn read<R: Read>(input: R, source: &str, what: &str) -> Result<Table, RedcapError> {
        let mut bytes = Vec::new();
        input
            .take(MAX_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|err| RedcapError::io(source, err))?;
        if bytes.len() as u64 > MAX_BYTES {
            return Err(RedcapError::new(
                RedcapErrorKind::TooLarge,
                Location::file(source),
                format!(
                    "expected a {what} of at most {MAX_BYTES} bytes (64 MiB), found a longer file; is this the right file?"
                ),
            ));
        }
        let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        let mut records = reader.records();
        let header_record = match records.next() {
            Some(record) => record.map_err(|err| csv_error(source, err))?,
            None => {
                return Err(RedcapError::new(
                    RedcapErrorKind::MissingColumn,
                    Location::file(source),
                    format!("expected a {what} with a header row, found an empty file"),
                ));
            }
        };
        let header_line = line_of(&header_record);
        let header: Vec<String> = header_record.iter().map(|h| h.trim().to_owned()).collect();
        let mut rows = Vec::new();
        for record in records {
            let record = record.map_err(|err| csv_error(source, err))?;
            let line = line_of(&record);
            if record.len() != header.len() {
                // A row of one empty cell is a blank line the csv crate passed through.
                if record.len() == 1 && record[0].trim().is_empty() {
                    continue;
                }
                return Err(RedcapError::new(
                    RedcapErrorKind::UnequalFields,
                    Location::at(source, line, None),
                    format!(
                        "expected {} fields as in the header (line {header_line}), found {}",
                        header.len(),
                        record.len()
                    ),
                ));
            }
            rows.push((line, record));
        }
        Ok(Table {
            source: source.to_owned(),
            header_line,
            header,
            rows,
        })
    }

    /// The column whose header is one of `names` (trimmed, any letter case), 0-based;
    /// `None` when there is none. Two such columns are an error: which one to read is a guess.
    pub(crate) fn find(&self, names: &[&str]) -> Result<Option<usize>, RedcapError> {
        let found: Vec<usize> = self
            .header
            .iter()
            .enumerate()
            .filter(|(_, h)| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
            .map(|(i, _)| i)
            .collect();
        match found.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            [_, second, ..] => Err(RedcapError::new(
                RedcapErrorKind::MissingColumn,
                Location::at(&self.source, self.header_line, Some(*second as u64 + 1)),
                format!(
                    "expected one column named `{}`, found {} (columns {})",
                    names[0],
                    found.len(),
                    found
                        .iter()
                        .map(|i| (i + 1).to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
        }
    }

    /// As [`find`](Self::find), but the column must be there; `expected` says what the
    /// file should look like.
    pub(crate) fn require(&self, names: &[&str], expected: &str) -> Result<usize, RedcapError> {
        self.find(names)?.ok_or_else(|| {
            RedcapError::new(
                RedcapErrorKind::MissingColumn,
                Location::at(&self.source, self.header_line, None),
                format!(
                    "expected a column named {}, found the columns {}; {expected}",
                    names
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(" or "),
                    self.header
                        .iter()
                        .map(|h| format!("`{}`", show_cell(h)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
    }

    /// A location in this file: a line and a 0-based column index.
    pub(crate) fn at(&self, line: u64, column: usize) -> Location {
        Location::at(&self.source, line, Some(column as u64 + 1))
    }
}

fn line_of(record: &csv::StringRecord) -> u64 {
    record.position().map_or(1, csv::Position::line)
}

fn csv_error(source: &str, err: csv::Error) -> RedcapError {
    let line = err.position().map(csv::Position::line);
    match err.into_kind() {
        csv::ErrorKind::Utf8 { pos, err } => RedcapError::new(
            RedcapErrorKind::NotUtf8,
            Location {
                source: source.to_owned(),
                line: pos.as_ref().map(csv::Position::line).or(line),
                column: Some(err.field() as u64 + 1),
            },
            "expected UTF-8 text, found bytes that are not; save the file as UTF-8 CSV".to_owned(),
        ),
        csv::ErrorKind::Io(err) => RedcapError::io(source, err),
        other => RedcapError::io(
            source,
            io::Error::other(format!("unexpected CSV error: {other:?}")),
        ),
    }
}
