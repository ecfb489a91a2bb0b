//! New bytes for the visits file: the line ending, the cells of a new row, and the check
//! that the rewritten file reads back as the old rows plus the new one.

use std::fmt::Write as _;
use std::io;
use std::path::PathBuf;

use super::AppendError;

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

    pub(super) fn csv(self) -> csv::Terminator {
        match self {
            Terminator::Lf => csv::Terminator::Any(b'\n'),
            Terminator::CrLf => csv::Terminator::CRLF,
            Terminator::Cr => csv::Terminator::Any(b'\r'),
        }
    }
}

/// One CSV row with its line ending; cells are quoted only when they need it.
pub(super) fn encode_row<S: AsRef<[u8]>>(
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
    let mut encoded = encode_row(cells, Terminator::Lf)?;
    encoded.pop();
    Ok(encoded)
}

/// Parses the new bytes back and checks they hold exactly the expected rows.
pub(super) fn verify(
    source: &str,
    bytes: &[u8],
    rows: &[csv::ByteRecord],
    header: &[String],
    row: &[&str],
) -> Result<(), AppendError> {
    let header: csv::ByteRecord = header.iter().map(String::as_str).collect();
    verify_rows(source, bytes, &header, rows, row)
}

pub(super) fn verify_rows(
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
