//! Splitting the input into rows, a line at a time where the line allows it.
//!
//! Nearly every line of a clinic export is a row without quotes, whose fields are the
//! bytes between delimiters. Such a line is split here directly, which is several times
//! faster than csv-core's byte-by-byte state machine (a fifth of a batch run's time before).
//! A row with a quote anywhere in its first line goes to csv-core itself, from its first
//! byte to its end, so quoted fields, doubled quotes and line breaks inside quotes follow the
//! csv crate's rules exactly. The fast path is only ever taken at a row boundary, where a
//! line without quotes means the same to both.
//!
//! Input comes through [`LineEndings`](super::line_endings::LineEndings), so `\n` is the only
//! line break. Blank lines are skipped, as the csv crate skips them, and counted, so every
//! row knows the line it starts on.

use std::io::{self, Read};

use csv_core::ReadRecordResult;

/// The read buffer's first size; it doubles for a row that does not fit.
const INITIAL_BUFFER: usize = 64 * 1024;

/// The most bytes one row may take, line breaks inside quotes included: 4 MiB.
///
/// A visits row is under 1 KB even with a hundred items and a long id, so no real export
/// comes near it; a file that does (`/dev/zero`, a binary file, a quote never closed in a
/// huge file) would otherwise be read into memory whole. With it, one reader holds at most
/// about 12 MiB (the row, and a read buffer of at most twice the limit), whatever the
/// input. Not lower: a row with a 1 MiB cell (a pasted document) is still read and its cell
/// reported where it is, as before the limit, with room to spare.
pub(crate) const MAX_ROW_BYTES: usize = 4 * 1024 * 1024;

/// The most fields one row may have: 65,536, four times the 16,384 columns a spreadsheet
/// holds (Excel, Calc).
///
/// Within [`MAX_ROW_BYTES`] a header of one-letter names has two million columns, and each
/// costs a name, a place in the column plan and a field slot in every row: 280 MB for a
/// 10 MB file. No export symscore reads has more than a few hundred columns.
pub(crate) const MAX_FIELDS: usize = 65_536;

/// A row past [`MAX_ROW_BYTES`] or [`MAX_FIELDS`], carried inside an [`io::Error`]
/// (of kind `InvalidData`) so that every reader of rows reports it with its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum RowTooLong {
    /// More bytes than [`MAX_ROW_BYTES`] without the row ending.
    #[error(
        "expected a record of at most 4 MiB ({MAX_ROW_BYTES} bytes), found a record that starts on this line and runs past it (a binary file, or a quote never closed?)"
    )]
    Bytes {
        /// The line the row starts on, 1-based.
        line: u64,
    },
    /// More fields than [`MAX_FIELDS`].
    #[error(
        "expected a record of at most {MAX_FIELDS} fields, found a record that starts on this line with more (a binary file, or the wrong delimiter?)"
    )]
    Fields {
        /// The line the row starts on, 1-based.
        line: u64,
    },
}

impl RowTooLong {
    /// The line the row starts on, 1-based.
    pub(crate) fn line(self) -> u64 {
        match self {
            RowTooLong::Bytes { line } | RowTooLong::Fields { line } => line,
        }
    }
}

/// One row's fields, reused from row to row.
#[derive(Debug, Default, Clone)]
pub(crate) struct Row {
    /// The fields' bytes, unquoted.
    bytes: Vec<u8>,
    /// Where each field starts and ends in `bytes`.
    fields: Vec<(usize, usize)>,
    /// The line the row starts on, 1-based.
    line: u64,
}

impl Row {
    /// How many fields the row has.
    pub(crate) fn len(&self) -> usize {
        self.fields.len()
    }

    /// Field `index`, or `None` past the last.
    pub(crate) fn get(&self, index: usize) -> Option<&[u8]> {
        let &(start, end) = self.fields.get(index)?;
        self.bytes.get(start..end)
    }

    /// The fields in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &[u8]> {
        self.fields
            .iter()
            .map(|&(start, end)| self.bytes.get(start..end).unwrap_or_default())
    }

    /// The line the row starts on, 1-based.
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.fields.clear();
    }
}

/// Reads rows from `\n`-terminated input.
pub(crate) struct RowReader<R> {
    input: R,
    /// Bytes read from `input`; `buffer[start..end]` are not consumed yet.
    buffer: Vec<u8>,
    start: usize,
    end: usize,
    /// The bytes the fast path stops at: the delimiter, `\n` and `"`.
    special: [bool; 256],
    /// `input` has reported its end.
    at_end: bool,
    /// For rows with quotes.
    parser: csv_core::Reader,
    /// Field ends from `parser`, relative to the row's bytes.
    parser_ends: Vec<usize>,
    /// The line of `buffer[start]`, 1-based.
    line: u64,
}

impl<R: Read> RowReader<R> {
    pub(crate) fn new(input: R, delimiter: u8) -> Self {
        let mut parser = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        // csv-core drops a byte-order mark at the start of the first input it is given, and
        // the first row it is given here may be anywhere in the file. The file's own mark
        // is gone already (`SkipBom`); one made-up row first, so that a mark starting a
        // later row is kept, as the csv crate keeps it.
        let (mut bytes, mut ends) = ([0u8; 4], [0usize; 4]);
        let (result, ..) = parser.read_record(b"x\n", &mut bytes, &mut ends);
        debug_assert_eq!(result, ReadRecordResult::Record);
        RowReader {
            input,
            buffer: vec![0; INITIAL_BUFFER],
            start: 0,
            end: 0,
            special: {
                let mut special = [false; 256];
                for byte in [delimiter, b'\n', b'"'] {
                    special[usize::from(byte)] = true;
                }
                special
            },
            at_end: false,
            parser,
            parser_ends: vec![0; 64],
            line: 1,
        }
    }

    /// The input, for what it knows about the bytes it has passed on.
    pub(crate) fn get_ref(&self) -> &R {
        &self.input
    }

    /// The line after the last row read, 1-based.
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// Whether every byte of the input has been read and consumed.
    pub(crate) fn consumed_all(&self) -> bool {
        self.at_end && self.start == self.end
    }

    /// Reads the next row into `row`; `false` at the end of the input.
    pub(crate) fn read(&mut self, row: &mut Row) -> io::Result<bool> {
        row.clear();
        // One pass over the line splits it at delimiters and finds its end, unless a quote
        // turns up first. Offsets are relative to `start`, which `fill` keeps at the front
        // of what it moves, so a line split across reads is not scanned twice.
        let (mut scanned, mut field_start) = (0, 0);
        loop {
            let line = &self.buffer[self.start..self.end];
            while let Some(&byte) = line.get(scanned) {
                if self.special[usize::from(byte)] {
                    if byte == b'\n' {
                        if scanned == 0 {
                            // A blank line: skipped, as the csv crate skips it, and counted.
                            self.start += 1;
                            self.line += 1;
                            break;
                        }
                        if scanned > MAX_ROW_BYTES {
                            return Err(limit(RowTooLong::Bytes { line: self.line }));
                        }
                        row.fields.push((field_start, scanned));
                        row.bytes.extend_from_slice(&line[..scanned]);
                        row.line = self.line;
                        self.start += scanned + 1;
                        self.line += 1;
                        return Ok(true);
                    }
                    if byte == b'"' {
                        row.fields.clear();
                        row.line = self.line;
                        self.read_with_parser(row)?;
                        return Ok(true);
                    }
                    // A delimiter starts field `len + 2`.
                    if row.fields.len() + 1 >= MAX_FIELDS {
                        return Err(limit(RowTooLong::Fields { line: self.line }));
                    }
                    row.fields.push((field_start, scanned));
                    field_start = scanned + 1;
                }
                scanned += 1;
            }
            if scanned < line.len() {
                continue; // after a blank line
            }
            // Checked before the buffer grows, so that it never holds more than twice the limit.
            if scanned > MAX_ROW_BYTES {
                return Err(limit(RowTooLong::Bytes { line: self.line }));
            }
            if self.at_end {
                if line.is_empty() {
                    return Ok(false);
                }
                // The last line, without a `\n`.
                row.fields.push((field_start, scanned));
                row.bytes.extend_from_slice(line);
                row.line = self.line;
                self.start = self.end;
                return Ok(true);
            }
            self.fill()?;
        }
    }

    /// Reads the row at `start`, which has a quote, with csv-core.
    fn read_with_parser(&mut self, row: &mut Row) -> io::Result<()> {
        // Room for a typical row; it doubles on demand. Not the read buffer's size: the
        // room is zeroed for every quoted row, and a file that quotes its ids has one per line.
        row.bytes.resize(256, 0);
        let (mut written, mut ended, mut consumed) = (0, 0, 0);
        loop {
            let input = &self.buffer[self.start..self.end];
            let (result, read, wrote, ends) = self.parser.read_record(
                input,
                &mut row.bytes[written..],
                &mut self.parser_ends[ended..],
            );
            self.line += memchr::memchr_iter(b'\n', &input[..read]).count() as u64;
            self.start += read;
            consumed += read;
            if consumed > MAX_ROW_BYTES {
                return Err(limit(RowTooLong::Bytes { line: row.line }));
            }
            written += wrote;
            ended += ends;
            if ended > MAX_FIELDS {
                return Err(limit(RowTooLong::Fields { line: row.line }));
            }
            match result {
                // At the end of the input, an empty input asks the parser to finish.
                ReadRecordResult::InputEmpty if !self.at_end => self.fill()?,
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    row.bytes.resize(row.bytes.len() * 2, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    self.parser_ends.resize(self.parser_ends.len() * 2, 0);
                }
                ReadRecordResult::Record | ReadRecordResult::End => break,
            }
        }
        row.bytes.truncate(written);
        let mut field_start = 0;
        for &field_end in &self.parser_ends[..ended] {
            row.fields.push((field_start, field_end));
            field_start = field_end;
        }
        Ok(())
    }

    /// Moves the unconsumed bytes to the front and reads more after them, growing the buffer
    /// when they fill it. Sets `at_end` when the input has no more.
    fn fill(&mut self) -> io::Result<()> {
        self.buffer.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        if self.end == self.buffer.len() {
            self.buffer.resize(self.buffer.len() * 2, 0);
        }
        loop {
            match self.input.read(&mut self.buffer[self.end..]) {
                Ok(0) => {
                    self.at_end = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
    }
}

fn limit(reached: RowTooLong) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, reached)
}

#[cfg(test)]
mod tests;
