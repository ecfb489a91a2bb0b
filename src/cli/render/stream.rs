//! Output framing shared by every streaming writer: a CSV header, a JSON array written one
//! element at a time, JSON Lines.

use std::io::{self, BufWriter, Write};

use serde::Serialize;

/// CSV output gathered into blocks: writers append whole rows to [`rows`](Self::rows) and
/// call [`row_done`](Self::row_done), so each row is copied once, into the block.
pub(crate) struct CsvBlocks<W: Write> {
    out: W,
    buffer: Vec<u8>,
}

impl<W: Write> CsvBlocks<W> {
    /// How much output is gathered before it is written.
    const BLOCK: usize = 64 * 1024;

    /// Starts the output with `header` as the CSV header line.
    pub(crate) fn new(out: W, header: &[&str]) -> Self {
        let mut buffer = Vec::with_capacity(Self::BLOCK + 4096);
        buffer.extend_from_slice(header.join(",").as_bytes());
        buffer.push(b'\n');
        CsvBlocks { out, buffer }
    }

    /// Where the next rows go.
    pub(crate) fn rows(&mut self) -> &mut Vec<u8> {
        &mut self.buffer
    }

    /// Writes the block once it is full.
    pub(crate) fn row_done(&mut self) -> io::Result<()> {
        if self.buffer.len() >= Self::BLOCK {
            self.out.write_all(&self.buffer)?;
            self.buffer.clear();
        }
        Ok(())
    }

    /// Writes what is left and flushes.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.out.write_all(&self.buffer)?;
        self.out.flush()
    }
}

/// A JSON array written element by element, one per line, so nothing is held back.
pub(crate) struct JsonArray<W: Write> {
    out: BufWriter<W>,
    first: bool,
}

impl<W: Write> JsonArray<W> {
    pub(crate) fn new(out: W) -> Self {
        JsonArray {
            out: BufWriter::new(out),
            first: true,
        }
    }

    pub(crate) fn write<T: Serialize>(&mut self, value: &T) -> anyhow::Result<()> {
        self.out
            .write_all(if self.first { b"[\n" } else { b",\n" })?;
        self.first = false;
        serde_json::to_writer(&mut self.out, value)?;
        Ok(())
    }

    /// Closes the array over the elements so far, for a run that stopped (`--strict`, a
    /// malformed row): standard output stays one JSON document that a reader can parse, and
    /// the exit status and the message on stderr say that the run stopped. (An `-o` file of
    /// such a run is not written at all.)
    pub(crate) fn abandon(self) -> io::Result<()> {
        self.finish()
    }

    /// Closes the array (`[]` when nothing was written) and flushes.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.out
            .write_all(if self.first { b"[]\n" } else { b"\n]\n" })?;
        self.out.flush()
    }
}

/// Writes one JSON Lines record.
pub(crate) fn write_json_line<W: Write, T: Serialize>(
    out: &mut BufWriter<W>,
    value: &T,
) -> anyhow::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// A FHIR `collection` Bundle written entry by entry, one entry per line, so nothing is held
/// back: the opening, the entries, the closing. Compact rather than pretty, as JSON Lines
/// are: a batch of a million visits gives millions of entries, and one line per entry keeps
/// the file greppable and its diffs readable.
pub(crate) struct FhirBundle<W: Write> {
    out: BufWriter<W>,
    entries: usize,
}

impl<W: Write> FhirBundle<W> {
    const OPENING: &'static [u8] = br#"{"resourceType":"Bundle","type":"collection""#;

    pub(crate) fn new(out: W) -> Self {
        FhirBundle {
            out: BufWriter::new(out),
            entries: 0,
        }
    }

    pub(crate) fn write<T: Serialize>(&mut self, entry: &T) -> anyhow::Result<()> {
        if self.entries == 0 {
            self.out.write_all(Self::OPENING)?;
            self.out.write_all(b",\"entry\":[\n")?;
        } else {
            self.out.write_all(b",\n")?;
        }
        self.entries += 1;
        serde_json::to_writer(&mut self.out, entry)?;
        Ok(())
    }

    /// Closes the Bundle over the entries so far (for a run that stopped, as
    /// [`JsonArray::abandon`] does) and flushes. A Bundle without entries has no `entry`
    /// element: FHIR JSON allows no empty array.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        if self.entries == 0 {
            self.out.write_all(Self::OPENING)?;
            self.out.write_all(b"}\n")?;
        } else {
            self.out.write_all(b"\n]}\n")?;
        }
        self.out.flush()
    }
}
