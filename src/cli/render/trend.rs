//! Writing trend summaries: JSON objects, CSV rows per administration (`csv`), or a
//! readable table (`table`).

mod csv;
mod table;

use std::io::{BufWriter, Write};

use serde::Serialize;
use symscore::csv_cell::{push_csv_field, spreadsheet_safe};
use symscore::instrument::Instrument;
use symscore::trend::{Place, Places, WindowSummary};

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
    /// Where each point came from in a REDCap export (none for a visits file).
    pub(crate) places: &'a Places,
}

/// The carried columns of one administration, as JSON fields or CSV cells: its place's
/// values, or blanks where it has none.
#[derive(Clone, Copy)]
pub(crate) struct PlaceCells<'a> {
    pub(crate) places: &'a Places,
    pub(crate) place: Option<Place>,
}

impl<'a> PlaceCells<'a> {
    fn values(self) -> impl Iterator<Item = &'a str> {
        let values = self.place.map(|place| self.places.values(place));
        (0..self.places.names().len())
            .map(move |i| values.and_then(|v| v.get(i)).map_or("", String::as_str))
    }

    /// `,value` for each carried column.
    pub(crate) fn push_csv(self, out: &mut Vec<u8>) {
        for value in self.values() {
            out.push(b',');
            push_csv_field(out, &spreadsheet_safe(value));
        }
    }
}

impl Serialize for PlaceCells<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(Some(self.places.names().len()))?;
        for (name, value) in self.places.names().iter().zip(self.values()) {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// The `places` field of a JSON trend row: one object per point, in the order of `points`,
/// for a source with places (a REDCap export); absent for a visits file.
pub(crate) fn json_places(
    places: &Places,
    points: impl Iterator<Item = Option<Place>>,
) -> Option<Vec<PlaceCells<'_>>> {
    (!places.names().is_empty()).then(|| points.map(|place| PlaceCells { places, place }).collect())
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
            #[serde(skip_serializing_if = "Option::is_none")]
            places: Option<Vec<PlaceCells<'a>>>,
        }
        Flat {
            patient_id: self.patient_id,
            instrument: &self.instrument.id,
            instrument_version: &self.instrument.version,
            summary: self.summary,
            places: json_places(self.places, self.summary.points.iter().map(|p| p.place)),
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
    /// `carried` names the columns each administration carries from its source (a REDCap
    /// export's event and repeat columns), written after the others in CSV.
    pub(crate) fn new(format: Format, out: W, color: bool, carried: &[&str]) -> Self {
        match format {
            Format::Csv => TrendWriter::Csv(CsvRows::new(out, carried)),
            Format::Json => TrendWriter::Json(JsonArray::new(out)),
            Format::Jsonl => TrendWriter::Jsonl(BufWriter::new(out)),
            Format::Table => TrendWriter::Table {
                out: BufWriter::new(out),
                color,
                last_patient: None,
                width: table_width(),
                noted: Vec::new(),
            },
            Format::Fhir | Format::FhirBundle => {
                unreachable!("`trend` refuses FHIR formats first (Cli::refuse_fhir_outside_score)")
            }
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
