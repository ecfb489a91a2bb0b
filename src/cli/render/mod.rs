//! Writing score records in each output format, one record at a time.

mod table;
mod trend;

use std::io::{BufWriter, Write};

use anyhow::Context as _;
use symscore::ScoreRecord;
use symscore::record::CSV_HEADER;

use super::args::Format;
pub(crate) use table::new_table;
pub(crate) use trend::{TrendRow, TrendWriter};

/// A streaming writer for one output format. Only `Table` holds rows back, because aligning
/// columns needs every row; the others write each record as it arrives.
pub(crate) enum RecordWriter<W: Write> {
    Csv(csv::Writer<W>),
    Json { out: BufWriter<W>, first: bool },
    Jsonl(BufWriter<W>),
    Table { out: W, table: table::ScoreTable },
}

impl<W: Write> RecordWriter<W> {
    pub(crate) fn new(format: Format, out: W, color: bool) -> anyhow::Result<Self> {
        Ok(match format {
            Format::Csv => {
                let mut writer = csv::Writer::from_writer(out);
                writer.write_record(CSV_HEADER)?;
                RecordWriter::Csv(writer)
            }
            Format::Json => RecordWriter::Json {
                out: BufWriter::new(out),
                first: true,
            },
            Format::Jsonl => RecordWriter::Jsonl(BufWriter::new(out)),
            Format::Table => RecordWriter::Table {
                out,
                table: table::ScoreTable::new(color),
            },
        })
    }

    pub(crate) fn write(&mut self, record: &ScoreRecord<'_>) -> anyhow::Result<()> {
        match self {
            RecordWriter::Csv(writer) => {
                writer.write_record(record.csv_fields().iter().map(|f| f.as_bytes()))?;
            }
            RecordWriter::Json { out, first } => {
                out.write_all(if *first { b"[\n" } else { b",\n" })?;
                *first = false;
                serde_json::to_writer(&mut *out, record)?;
            }
            RecordWriter::Jsonl(out) => {
                serde_json::to_writer(&mut *out, record)?;
                out.write_all(b"\n")?;
            }
            RecordWriter::Table { table, .. } => table.add(record),
        }
        Ok(())
    }

    /// Writes whatever is held back and flushes; errors (a full disk) are reported, never
    /// dropped the way `csv::Writer`'s drop would.
    pub(crate) fn finish(self) -> anyhow::Result<()> {
        match self {
            RecordWriter::Csv(mut writer) => writer.flush()?,
            RecordWriter::Json { mut out, first } => {
                out.write_all(if first { b"[]\n" } else { b"\n]\n" })?;
                out.flush()?;
            }
            RecordWriter::Jsonl(mut out) => out.flush()?,
            RecordWriter::Table { mut out, table } => {
                writeln!(out, "{}", table.render()).context("cannot write the table")?;
                out.flush()?;
            }
        }
        Ok(())
    }
}
