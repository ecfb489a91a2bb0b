//! The errors of reading a visits or dosing CSV that stop the run, as [`BatchError`]s with
//! the file, line and column.

use std::io;

use super::line_endings::LineEndings;
use super::rows::{RowReader, RowTooLong};
use crate::error::{BatchError, BatchErrorKind, Location};
use crate::plural::count;

pub(super) fn not_utf8(bytes: &[u8], err: &std::str::Utf8Error) -> String {
    let bad = bytes.get(err.valid_up_to()).copied().unwrap_or_default();
    format!(
        "expected UTF-8 text, found byte 0x{bad:02X} at position {} (a Latin-1 or Windows-1252 export? convert it with `iconv -f latin1 -t utf-8`)",
        err.valid_up_to() + 1
    )
}

/// Stops when the row just read ran into the end of the input inside a quoted field: the
/// csv rules hand over everything after the quote as one cell, and those rows would be lost
/// without a word.
pub(super) fn check_unclosed_quote<R: io::Read>(
    reader: &RowReader<LineEndings<R>>,
    source: &str,
) -> Result<(), BatchError> {
    match reader.get_ref().unclosed_quote() {
        Some((line, field)) if reader.consumed_all() => Err(BatchError::new(
            BatchErrorKind::UnclosedQuote,
            Location::at(source, line, Some(field)),
            format!(
                "a quoted field opens here and is never closed, so the {} after it would vanish into one cell; expected a closing `\"`",
                match reader.line().saturating_sub(line) {
                    1 => "line".to_owned(),
                    n => count(n, "line").to_string(),
                }
            ),
        )),
        _ => Ok(()),
    }
}

/// A row whose field count differs from the header's: the columns after the stray (or
/// missing) delimiter would be read as the wrong items.
pub(super) fn unequal_fields(source: &str, line: u64, expected: usize, found: usize) -> BatchError {
    BatchError::new(
        BatchErrorKind::UnequalFields,
        Location::at(source, line, None),
        format!(
            "expected {} like the header, found {found} (a stray delimiter or an unclosed quote?)",
            count(expected, "field")
        ),
    )
}

/// A failure of the reader: a row past a limit of [`rows`] is a problem of the file at
/// a line, anything else a failure to read it.
pub(super) fn io_error(source: &str, err: io::Error) -> BatchError {
    if let Some(&reached) = err
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<RowTooLong>())
    {
        return BatchError::new(
            BatchErrorKind::TooLarge,
            Location::at(source, reached.line(), None),
            reached.to_string(),
        );
    }
    BatchError::io(source, err)
}
