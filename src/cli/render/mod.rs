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
use symscore::csv_cell::{push_csv_field, spreadsheet_safe};
use symscore::fhir::{BundleEntry, observations};
use symscore::record::{CSV_HEADER, VisitCells};

use super::args::Format;
pub(crate) use fit::{Column, Layout, Text, dropped_note};
pub(crate) use overview::write_overview;
use stream::{CsvBlocks, FhirBundle, JsonArray, write_json_line};
pub(crate) use table::terminal_safe;
pub(crate) use trend::{TrendRow, TrendWriter};
pub(crate) use uncovered::UncoveredRow;
pub(crate) use width::table_width;
pub(crate) use wrap::fit_lines;

/// A streaming writer for one output format. Only `Table` holds rows back, a block at a time,
/// because aligning columns needs the rows; the others write each record as it arrives.
pub(crate) struct RecordWriter<W: Write> {
    sink: Sink<W>,
    /// Names of the columns each record carries from its input row (a REDCap export's
    /// event and repeat columns), written after the record's own.
    carried: Vec<String>,
    /// The CSV cells (each after its comma) of `cells_of`, the carried values last written:
    /// a row's records share them, and most rows repeat the row above.
    carried_cells: Vec<u8>,
    cells_of: Vec<String>,
}

// One writer exists per run, so the size difference between variants costs nothing.
#[allow(clippy::large_enum_variant)]
enum Sink<W: Write> {
    Csv(CsvBlocks<W>, VisitCells),
    Json(JsonArray<W>),
    Jsonl(BufWriter<W>),
    Table {
        out: W,
        table: table::ScoreTable,
    },
    /// FHIR Observations as NDJSON.
    Fhir(BufWriter<W>),
    FhirBundle(FhirBundle<W>),
}

impl<W: Write> RecordWriter<W> {
    pub(crate) fn new(format: Format, out: W, color: bool) -> Self {
        Self::carrying(format, out, color, &[])
    }

    /// A writer whose records each carry the values of the `carried` columns of their row.
    pub(crate) fn carrying(format: Format, out: W, color: bool, carried: &[&str]) -> Self {
        let sink = match format {
            Format::Csv => {
                let header: Vec<&str> = CSV_HEADER.iter().chain(carried).copied().collect();
                Sink::Csv(CsvBlocks::new(out, &header), VisitCells::default())
            }
            Format::Json => Sink::Json(JsonArray::new(out)),
            Format::Jsonl => Sink::Jsonl(BufWriter::new(out)),
            Format::Table => Sink::Table {
                out,
                table: table::ScoreTable::new(color, width::table_width()),
            },
            Format::Fhir => Sink::Fhir(BufWriter::new(out)),
            Format::FhirBundle => Sink::FhirBundle(FhirBundle::new(out)),
        };
        RecordWriter {
            sink,
            carried: carried.iter().map(|&name| name.to_owned()).collect(),
            carried_cells: Vec::new(),
            cells_of: Vec::new(),
        }
    }

    pub(crate) fn write(&mut self, record: &ScoreRecord<'_>) -> anyhow::Result<()> {
        self.write_carrying(record, &[])
    }

    /// Writes `record` with `values`, its row's values of the carried columns (in the order
    /// the writer was given their names; fewer values leave the rest blank).
    pub(crate) fn write_carrying(
        &mut self,
        record: &ScoreRecord<'_>,
        values: &[String],
    ) -> anyhow::Result<()> {
        let carried = Carried {
            names: &self.carried,
            values,
        };
        match &mut self.sink {
            Sink::Csv(csv, visit) => {
                let rows = csv.rows();
                record.write_csv_row_sharing(rows, visit);
                if !carried.names.is_empty() {
                    if self.cells_of != values {
                        self.cells_of = values.to_vec();
                        self.carried_cells.clear();
                        for value in carried.values() {
                            self.carried_cells.push(b',');
                            push_csv_field(&mut self.carried_cells, &spreadsheet_safe(value));
                        }
                    }
                    rows.pop(); // the record's `\n`
                    rows.extend_from_slice(&self.carried_cells);
                    rows.push(b'\n');
                }
                csv.row_done()?;
            }
            Sink::Json(array) if carried.names.is_empty() => array.write(record)?,
            Sink::Json(array) => array.write(&WithCarried { record, carried })?,
            Sink::Jsonl(out) if carried.names.is_empty() => write_json_line(out, record)?,
            Sink::Jsonl(out) => write_json_line(out, &WithCarried { record, carried })?,
            Sink::Table { out, table } => {
                if let Some(block) = table.add(record, &carried.place()) {
                    writeln!(out, "{block}").context("cannot write the table")?;
                }
            }
            Sink::Fhir(out) => {
                for observation in observations(record, &carried.pairs()) {
                    write_json_line(out, &observation)?;
                }
            }
            Sink::FhirBundle(bundle) => {
                for observation in observations(record, &carried.pairs()) {
                    bundle.write(&BundleEntry::of(&observation))?;
                }
            }
        }
        Ok(())
    }

    /// Writes the records so far, for a run that stopped: CSV rows, a JSON array or a FHIR
    /// Bundle closed over them (still one JSON document), JSON Lines and FHIR NDJSON; a
    /// table's blocks already drawn, not the rest.
    pub(crate) fn abandon(self) -> anyhow::Result<()> {
        match self.sink {
            Sink::Csv(csv, _) => csv.finish()?,
            Sink::Json(array) => array.abandon()?,
            Sink::Jsonl(mut out) | Sink::Fhir(mut out) => out.flush()?,
            Sink::FhirBundle(bundle) => bundle.finish()?,
            Sink::Table { .. } => {}
        }
        Ok(())
    }

    /// Writes whatever is held back and flushes; errors (a full disk) are reported, never
    /// dropped the way `csv::Writer`'s drop would.
    pub(crate) fn finish(self) -> anyhow::Result<()> {
        match self.sink {
            Sink::Csv(csv, _) => csv.finish()?,
            Sink::Jsonl(mut out) | Sink::Fhir(mut out) => out.flush()?,
            Sink::Json(array) => array.finish()?,
            Sink::FhirBundle(bundle) => bundle.finish()?,
            Sink::Table { mut out, table } => {
                if let Some(block) = table.finish() {
                    writeln!(out, "{block}").context("cannot write the table")?;
                }
                out.flush()?;
            }
        }
        Ok(())
    }
}

/// A record's carried columns: names and its row's values.
#[derive(Clone, Copy)]
struct Carried<'a> {
    names: &'a [String],
    values: &'a [String],
}

impl<'a> Carried<'a> {
    /// One value per name, blank where the row gave none.
    fn values(self) -> impl Iterator<Item = &'a str> {
        (0..self.names.len()).map(move |i| self.values.get(i).map_or("", String::as_str))
    }

    /// (name, value) pairs, for the FHIR mapping.
    fn pairs(self) -> Vec<(&'a str, &'a str)> {
        self.names
            .iter()
            .map(String::as_str)
            .zip(self.values())
            .collect()
    }

    /// The row's place in its project, for a table cell: `week_2_arm_1 phq9 #2`.
    fn place(self) -> String {
        self.values()
            .enumerate()
            .filter(|(_, value)| !value.is_empty())
            .map(|(i, value)| {
                if self.names[i].ends_with("_instance") {
                    format!("#{value}")
                } else {
                    value.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A record in JSON with its carried columns as more fields.
#[derive(serde::Serialize)]
struct WithCarried<'a, 'i> {
    #[serde(flatten)]
    record: &'a ScoreRecord<'i>,
    #[serde(flatten)]
    carried: Carried<'a>,
}

impl serde::Serialize for Carried<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(Some(self.names.len()))?;
        for (name, value) in self.names.iter().zip(self.values()) {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}
