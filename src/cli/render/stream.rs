//! Output framing shared by every streaming writer: a CSV header, a JSON array written one
//! element at a time, JSON Lines.

use std::io::{self, BufWriter, Write};

use serde::Serialize;

/// A buffered writer that has already written `header` as the CSV header line.
pub(crate) fn csv_with_header<W: Write>(out: W, header: &[&str]) -> io::Result<BufWriter<W>> {
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    out.write_all(header.join(",").as_bytes())?;
    out.write_all(b"\n")?;
    Ok(out)
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

    /// Flushes the elements so far and leaves the array open: the output of a run that
    /// stopped must not look complete.
    pub(crate) fn abandon(mut self) -> io::Result<()> {
        self.out.flush()
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
