//! Normalising line endings before the record reader, and knowing where quotes were left open.
//!
//! `\r\n` and lone `\r` (old Mac exports) become `\n` here, so that the record reader has
//! one line break to look for and one to count: a line number in a message is the line an
//! editor shows, whatever the file's line endings. The cells symscore reads (ids, dates,
//! answers) never contain a line break, so no value it uses changes.
//!
//! The csv rules accept end of input inside a quoted field, so one unclosed `"` would swallow
//! every later line into a single cell and lose those rows outright. This adapter follows the
//! quoting rules byte by byte and remembers where an open quote started, so the batch reader
//! can stop with that position instead.

use std::io::{self, Read};

pub(crate) struct LineEndings<R> {
    inner: R,
    /// A `\r` that ended the previous read: `\r\n` and `\r` both become one `\n`, so whether
    /// the next byte is dropped depends on it.
    after_cr: bool,
    /// A byte that did not fit a one-byte output buffer.
    pending: Option<u8>,
    /// Bytes emitted so far.
    emitted: u64,
    /// Field delimiter, to know where fields start.
    delimiter: u8,
    quoting: Quoting,
    /// 1-based line and field of the current position.
    line: u64,
    field: u64,
    /// Where the quoted field now open started.
    open_quote: Option<(u64, u64)>,
    /// The inner reader has reported end of input.
    at_end: bool,
    /// The first bytes of the input, to recognise files that are not CSV text.
    head: Vec<u8>,
    /// Bytes that need the byte-by-byte path: CR, LF, quote and the delimiter.
    special: [bool; 256],
}

/// The csv reader's quoting states (as in csv-core), for `"` quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    StartOfField,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

impl<R: Read> LineEndings<R> {
    pub(crate) fn new(inner: R, delimiter: u8) -> Self {
        LineEndings {
            inner,
            after_cr: false,
            pending: None,
            emitted: 0,
            delimiter,
            quoting: Quoting::StartOfField,
            line: 1,
            field: 1,
            open_quote: None,
            at_end: false,
            head: Vec::new(),
            special: {
                let mut special = [false; 256];
                for byte in [b'\r', b'\n', b'"', delimiter] {
                    special[usize::from(byte)] = true;
                }
                special
            },
        }
    }

    /// Bytes handed to the reader so far.
    pub(crate) fn emitted(&self) -> u64 {
        self.emitted
    }

    /// Line and field where a quoted field opened that the input ended inside.
    pub(crate) fn unclosed_quote(&self) -> Option<(u64, u64)> {
        if self.at_end && self.quoting == Quoting::Quoted {
            self.open_quote
        } else {
            None
        }
    }

    /// What the input is, when its first bytes show it is not CSV text.
    pub(crate) fn not_csv(&self) -> Option<&'static str> {
        let head = self.head.as_slice();
        // UTF-32 first: its little-endian mark begins with UTF-16's.
        if head.starts_with(&[0xFF, 0xFE, 0, 0]) || head.starts_with(&[0, 0, 0xFE, 0xFF]) {
            Some(
                "a UTF-32 text file; save it as \"CSV UTF-8\", or convert it with `iconv -f utf-32 -t utf-8`",
            )
        } else if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            Some(
                "a UTF-16 text file (a \"Unicode text\" export); save it as \"CSV UTF-8\", or convert it with `iconv -f utf-16 -t utf-8`",
            )
        } else if head.starts_with(b"PK\x03\x04") {
            Some("an Excel workbook (.xlsx) or another zip file, not CSV; save it as \"CSV UTF-8\"")
        } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            Some("a legacy Excel workbook (.xls), not CSV; save it as \"CSV UTF-8\"")
        } else {
            None
        }
    }

    fn emit(&mut self, byte: u8) {
        self.track_quoting(byte);
        if byte == b'\n' {
            self.line += 1;
        }
        self.emitted += 1;
    }

    /// The common chunk, with no quote and no carriage return, read outside quotes: nothing in
    /// it changes, and the state after it follows from a few whole-chunk passes instead of the
    /// byte-by-byte path. Returns `false` (having done nothing) for any other chunk.
    fn pass_through(&mut self, chunk: &[u8]) -> bool {
        let outside_quotes = matches!(self.quoting, Quoting::StartOfField | Quoting::Unquoted);
        if !outside_quotes
            || self.after_cr
            || chunk.is_empty()
            || memchr::memchr2(b'"', b'\r', chunk).is_some()
        {
            return false;
        }
        // Lines are tens of bytes long: jump from newline to newline rather than look at
        // every byte.
        let mut newlines = 0;
        let mut last_newline = None;
        for i in memchr::memchr_iter(b'\n', chunk) {
            newlines += 1;
            last_newline = Some(i);
        }
        let delimiter = self.delimiter;
        let count_delimiters = |bytes: &[u8]| memchr::memchr_iter(delimiter, bytes).count() as u64;
        match last_newline {
            Some(last_newline) => self.field = 1 + count_delimiters(&chunk[last_newline + 1..]),
            None => self.field += count_delimiters(chunk),
        }
        self.line += newlines;
        let last = chunk[chunk.len() - 1];
        self.quoting = if last == b'\n' || last == delimiter {
            Quoting::StartOfField
        } else {
            Quoting::Unquoted
        };
        self.open_quote = None;
        self.emitted += chunk.len() as u64;
        true
    }

    /// `count` bytes that are neither a line break, a quote nor the delimiter.
    fn emit_ordinary(&mut self, count: usize) {
        if self.quoting != Quoting::Quoted {
            self.quoting = Quoting::Unquoted;
            self.open_quote = None;
        }
        self.after_cr = false;
        self.emitted += count as u64;
    }

    fn track_quoting(&mut self, byte: u8) {
        let end_of_field = |this: &mut Self| {
            this.quoting = Quoting::StartOfField;
            this.open_quote = None;
            if byte == b'\n' {
                this.field = 1;
            } else {
                this.field += 1;
            }
        };
        match (self.quoting, byte) {
            (Quoting::StartOfField, b'"') => {
                self.quoting = Quoting::Quoted;
                self.open_quote = Some((self.line, self.field));
            }
            (Quoting::StartOfField | Quoting::Unquoted | Quoting::QuoteInQuoted, b'\n') => {
                end_of_field(self);
            }
            (Quoting::StartOfField | Quoting::Unquoted | Quoting::QuoteInQuoted, b)
                if b == self.delimiter =>
            {
                end_of_field(self);
            }
            (Quoting::Quoted, b'"') => self.quoting = Quoting::QuoteInQuoted,
            (Quoting::QuoteInQuoted, b'"') => self.quoting = Quoting::Quoted,
            (Quoting::Quoted, _) => {}
            (Quoting::StartOfField | Quoting::Unquoted | Quoting::QuoteInQuoted, _) => {
                self.quoting = Quoting::Unquoted;
                self.open_quote = None;
            }
        }
    }
}

impl<R: Read> Read for LineEndings<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        if let Some(byte) = self.pending.take() {
            out[0] = byte;
            return Ok(1);
        }
        loop {
            let n = self.inner.read(out)?;
            if n == 0 {
                self.at_end = true;
                return Ok(0);
            }
            if self.head.len() < 8 {
                let take = (8 - self.head.len()).min(n);
                self.head.extend_from_slice(&out[..take]);
            }
            if self.pass_through(&out[..n]) {
                return Ok(n);
            }
            let mut written = 0;
            let mut i = 0;
            while i < n {
                if !self.special[usize::from(out[i])] {
                    // A run of ordinary bytes changes nothing but the quoting state; moving it
                    // in one piece keeps this loop off the per-byte path, which is most bytes.
                    let start = i;
                    while i < n && !self.special[usize::from(out[i])] {
                        i += 1;
                    }
                    if written != start {
                        out.copy_within(start..i, written);
                    }
                    written += i - start;
                    self.emit_ordinary(i - start);
                    continue;
                }
                let byte = out[i];
                i += 1;
                let normalised = match byte {
                    b'\n' if self.after_cr => None, // second half of `\r\n`
                    b'\r' => Some(b'\n'),
                    other => Some(other),
                };
                self.after_cr = byte == b'\r';
                if let Some(b) = normalised {
                    out[written] = b;
                    written += 1;
                    self.emit(b);
                }
            }
            if written > 0 {
                return Ok(written);
            }
            // Only the `\n` of a `\r\n` split across reads: read more rather than signal the end.
        }
    }
}

/// The 1-based line that starts right after `bytes`, counted as every reader of a visits
/// file counts lines (the one count, so that `enter` and `score` name the same line): `\n`,
/// `\r\n` and a lone `\r` each end one line, inside quoted cells too.
pub(crate) fn line_after(bytes: &[u8]) -> u64 {
    let mut lines = LineEndings::new(bytes, b',');
    // Reading a slice cannot fail, and the normalised bytes themselves are not needed.
    let _ = io::copy(&mut lines, &mut io::sink());
    lines.line
}

/// Drops the UTF-8 byte-order marks that start the input, however its first reads split them.
///
/// csv-core strips a BOM only when its first buffer holds all three bytes, and a pipe may
/// deliver the BOM on its own; then the whole file reads as empty. Removing it here makes
/// the result independent of how the input arrives. Every leading BOM goes, not only the
/// first (a tool that adds its own to a file that had one makes two): csv-core would
/// otherwise strip the second one or not depending, again, on how the input arrived.
pub(crate) struct SkipBom<R> {
    inner: R,
    /// Bytes read while deciding, to hand on (all of them unless they were the BOM).
    start: Vec<u8>,
    decided: bool,
}

impl<R: Read> SkipBom<R> {
    pub(crate) fn new(inner: R) -> Self {
        SkipBom {
            inner,
            start: Vec::with_capacity(3),
            decided: false,
        }
    }
}

impl<R: Read> Read for SkipBom<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        const BOM: &[u8] = b"\xEF\xBB\xBF";
        if !self.decided {
            let mut byte = [0u8; 1];
            loop {
                while self.start.len() < BOM.len() && BOM.starts_with(&self.start) {
                    if self.inner.read(&mut byte)? == 0 {
                        break;
                    }
                    self.start.push(byte[0]);
                }
                if self.start != BOM {
                    break;
                }
                self.start.clear(); // and look for another
            }
            self.start.reverse(); // handed on from the end, one pop at a time
            self.decided = true;
        }
        if !self.start.is_empty() {
            let mut n = 0;
            while n < out.len() {
                let Some(byte) = self.start.pop() else { break };
                out[n] = byte;
                n += 1;
            }
            return Ok(n);
        }
        self.inner.read(out)
    }
}

#[cfg(test)]
mod tests {
    use super::LineEndings;
    use crate::batch::test_input::Chunked;
    use std::io::Read;

    fn convert(input: &[u8], chunk: usize, out_size: usize) -> Vec<u8> {
        let mut reader = LineEndings::new(Chunked(input, chunk), b',');
        let mut result = Vec::new();
        let mut buf = vec![0u8; out_size];
        loop {
            let n = reader.read(&mut buf).unwrap();
            if n == 0 {
                return result;
            }
            result.extend_from_slice(&buf[..n]);
        }
    }

    #[test]
    fn normalises_crlf_and_lone_cr_across_every_chunk_boundary() {
        let input = b"a,b\r\n1,2\r\n\r\nlone\rcr\r";
        for chunk in 1..=input.len() {
            for out_size in [1, 2, 3, 64] {
                assert_eq!(
                    convert(input, chunk, out_size),
                    b"a,b\n1,2\n\nlone\ncr\n",
                    "chunk {chunk}, out {out_size}"
                );
            }
        }
    }

    #[test]
    fn knows_where_an_unclosed_quote_opened() {
        let mut reader = LineEndings::new(
            &b"a,b\n1,\"ok \"\" fine\"\n2,\"never closed\n3,x\n"[..],
            b',',
        );
        let mut all = Vec::new();
        reader.read_to_end(&mut all).unwrap();
        assert_eq!(reader.unclosed_quote(), Some((3, 2)));
        // The same whatever the read sizes.
        let input = b"a,b\n1,\"ok \"\" fine\"\n2,\"never closed\n3,x\n";
        for chunk in 1..=input.len() {
            let mut chunked = LineEndings::new(Chunked(input, chunk), b',');
            let mut all = Vec::new();
            chunked.read_to_end(&mut all).unwrap();
            assert_eq!(chunked.unclosed_quote(), Some((3, 2)), "chunk {chunk}");
        }
        let mut closed = LineEndings::new(&b"a,b\n1,\"two\nlines\"\n"[..], b',');
        closed.read_to_end(&mut all).unwrap();
        assert_eq!(closed.unclosed_quote(), None);
    }

    #[test]
    fn a_leading_byte_order_mark_is_dropped_however_it_arrives() {
        for input in [
            &b"\xEF\xBB\xBFa,b\n1,2\n"[..],
            b"\xEF\xBB\xBF\xEF\xBB\xBFa,b\n1,2\n", // found by fuzzing: two marks
        ] {
            for chunk in 1..=input.len() {
                let mut reader = super::SkipBom::new(Chunked(input, chunk));
                let mut all = Vec::new();
                reader.read_to_end(&mut all).unwrap();
                assert_eq!(all, b"a,b\n1,2\n", "chunk {chunk}");
            }
        }
        let mut all = Vec::new();
        super::SkipBom::new(&b"\xEF\xBB\xBF\xEF\xBB\xBF"[..])
            .read_to_end(&mut all)
            .unwrap();
        assert!(all.is_empty());
        for text in [&b"\xEF\xBBx"[..], b"\xEF", b"", b"ab", b"a\xEF\xBB\xBF"] {
            let mut all = Vec::new();
            super::SkipBom::new(text).read_to_end(&mut all).unwrap();
            assert_eq!(all, text);
        }
    }
}
