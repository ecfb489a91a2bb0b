//! Writing score records in each output format, one record at a time.

mod fit;
mod overview;
mod stream;
mod table;
mod trend;
mod uncovered;
mod width;
mod wrap;

use std::io::{BufWriter, Write};

use anyhow::Context as _;
use symscore::ScoreRecord;
use symscore::record::{CSV_HEADER, VisitCells};

use super::args::Format;
pub(crate) use fit::{Column, Layout, Text, dropped_note};
pub(crate) use overview::write_overview;
use stream::{CsvBlocks, JsonArray, write_json_line};
pub(crate) use table::terminal_safe;
pub(crate) use trend::{TrendRow, TrendWriter};
pub(crate) use uncovered::UncoveredRow;
pub(crate) use width::table_width;
pub(crate) use wrap::fit_lines;

/// A streaming writer for one output format. Only `Table` holds rows back, a block at a time,
/// because aligning columns needs the rows; the others write each record as it arrives.
// One writer exists per run, so the size difference between variants costs nothing.
#[allow(clippy::large_enum_variant)]
pub(crate) enum RecordWriter<W: Write> {
    Csv(CsvBlocks<W>, VisitCells),
    Json(JsonArray<W>),
    Jsonl(BufWriter<W>),
    Table { out: W, table: table::ScoreTable },
}

impl<W: Write> RecordWriter<W> {
    pub(crate) fn new(format: Format, out: W, color: bool) -> Self {
        match format {
            Format::Csv => {
                RecordWriter::Csv(CsvBlocks::new(out, &CSV_HEADER), VisitCells::default())
            }
            Format::Json => RecordWriter::Json(JsonArray::new(out)),
            Format::Jsonl => RecordWriter::Jsonl(BufWriter::new(out)),
            Format::Table => RecordWriter::Table {
                out,
                table: table::ScoreTable::new(color, width::table_width()),
            },
        }
    }

    pub(crate) fn write(&mut self, record: &ScoreRecord<'_>) -> anyhow::Result<()> {
        match self {
            RecordWriter::Csv(csv, visit) => {
                record.write_csv_row_sharing(csv.rows(), visit);
                csv.row_done()?;
            }
            RecordWriter::Json(array) => array.write(record)?,
            RecordWriter::Jsonl(out) => write_json_line(out, record)?,
            RecordWriter::Table { out, table } => {
                if let Some(block) = table.add(record) {
                    writeln!(out, "{block}").context("cannot write the table")?;
                }
            }
        }
        Ok(())
    }

    /// Writes the records so far, for a run that stopped: CSV rows, a JSON array closed
    /// over them (still one JSON document), JSON Lines; a table's blocks already drawn, not
    /// the rest.
    pub(crate) fn abandon(self) -> anyhow::Result<()> {
        match self {
            RecordWriter::Csv(csv, _) => csv.finish()?,
            RecordWriter::Json(array) => array.abandon()?,
            RecordWriter::Jsonl(mut out) => out.flush()?,
            RecordWriter::Table { .. } => {}
        }
        Ok(())
    }

    /// Writes whatever is held back and flushes; errors (a full disk) are reported, never
    /// dropped the way `csv::Writer`'s drop would.
    pub(crate) fn finish(self) -> anyhow::Result<()> {
        match self {
            RecordWriter::Csv(csv, _) => csv.finish()?,
            RecordWriter::Jsonl(mut out) => out.flush()?,
            RecordWriter::Json(array) => array.finish()?,
            RecordWriter::Table { mut out, table } => {
                if let Some(block) = table.finish() {
                    writeln!(out, "{block}").context("cannot write the table")?;
                }
                out.flush()?;
            }
        }
        Ok(())
    }
}
