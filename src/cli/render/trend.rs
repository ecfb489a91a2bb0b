//! Writing trend summaries: JSON objects, CSV rows per administration (`csv`), or a
//! readable table (`table`).

mod csv;
mod table;

use std::io::{BufWriter, Write};

use serde::Serialize;
use symscore::instrument::Instrument;
use symscore::trend::WindowSummary;

use self::csv::CsvRows;
use self::table::render_summary;
pub(super) use self::table::{flag_list, safety_words};
use super::stream::{JsonArray, write_json_line};
use super::table::table_text;
use super::uncovered::{self, UncoveredRow};
use super::width::table_width;
use super::wrap::fit_lines;
use crate::cli::args::Format;

/// One summary with who and what it is about.
pub(crate) struct TrendRow<'a, 'i> {
    pub(crate) patient_id: &'a str,
    pub(crate) instrument: &'i Instrument,
    pub(crate) summary: &'a WindowSummary<'i>,
}

impl Serialize for TrendRow<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Flat<'a, 'i> {
            patient_id: &'a str,
            instrument: &'i str,
            instrument_version: &'i str,
            #[serde(flatten)]
            summary: &'a WindowSummary<'i>,
        }
        Flat {
            patient_id: self.patient_id,
            instrument: &self.instrument.id,
            instrument_version: &self.instrument.version,
            summary: self.summary,
        }
        .serialize(serializer)
    }
}

// The CSV variant is the large one; one writer exists per run, so boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
pub(crate) enum TrendWriter<W: Write> {
    Csv(CsvRows<W>),
    Json(JsonArray<W>),
    Jsonl(BufWriter<W>),
    Table {
        out: BufWriter<W>,
        color: bool,
        last_patient: Option<String>,
        /// The width to fit; `None` for no limit.
        width: Option<usize>,
        /// The columns a note has already said were left out.
        noted: Vec<&'static str>,
    },
}

impl<W: Write> TrendWriter<W> {
    pub(crate) fn new(format: Format, out: W, color: bool) -> Self {
        match format {
            Format::Csv => TrendWriter::Csv(CsvRows::new(out)),
            Format::Json => TrendWriter::Json(JsonArray::new(out)),
            Format::Jsonl => TrendWriter::Jsonl(BufWriter::new(out)),
            Format::Table => TrendWriter::Table {
                out: BufWriter::new(out),
                color,
                last_patient: None,
                width: table_width(),
                noted: Vec::new(),
            },
        }
    }

    pub(crate) fn write(&mut self, row: &TrendRow<'_, '_>) -> anyhow::Result<()> {
        match self {
            TrendWriter::Csv(rows) => rows.write(row)?,
            TrendWriter::Json(array) => array.write(row)?,
            TrendWriter::Jsonl(out) => write_json_line(out, row)?,
            TrendWriter::Table {
                out,
                color,
                last_patient,
                width,
                noted,
            } => {
                if last_patient.as_deref() != Some(row.patient_id) {
                    writeln!(out, "\n━━ Patient {} ━━", table_text(row.patient_id))?;
                    *last_patient = Some(row.patient_id.to_owned());
                }
                out.write_all(render_summary(row, *color, *width, noted).as_bytes())?;
            }
        }
        Ok(())
    }

    /// Writes an administration that no window covers.
    pub(crate) fn write_uncovered(&mut self, row: &UncoveredRow<'_, '_>) -> anyhow::Result<()> {
        match self {
            TrendWriter::Csv(rows) => rows.write_uncovered(row)?,
            TrendWriter::Json(array) => array.write(row)?,
            TrendWriter::Jsonl(out) => write_json_line(out, row)?,
            TrendWriter::Table {
                out,
                last_patient,
                width,
                ..
            } => {
                if last_patient.as_deref() != Some(row.patient_id) {
                    writeln!(out, "\n━━ Patient {} ━━", table_text(row.patient_id))?;
                    *last_patient = Some(row.patient_id.to_owned());
                }
                let text = uncovered::render(row);
                let text = width.map_or(text.clone(), |w| fit_lines(&text, w));
                out.write_all(text.as_bytes())?;
            }
        }
        Ok(())
    }

    /// Writes the summaries so far, for a run that stopped: a JSON array is closed over
    /// them, so that standard output stays one JSON document (the exit status says it stopped).
    pub(crate) fn abandon(self) -> anyhow::Result<()> {
        self.end(false)
    }

    pub(crate) fn finish(self) -> anyhow::Result<()> {
        self.end(true)
    }

    fn end(self, complete: bool) -> anyhow::Result<()> {
        match self {
            TrendWriter::Json(array) if complete => array.finish()?,
            TrendWriter::Json(array) => array.abandon()?,
            TrendWriter::Csv(rows) => rows.finish()?,
            TrendWriter::Jsonl(mut out) | TrendWriter::Table { mut out, .. } => out.flush()?,
        }
        Ok(())
    }
}
