//! The output record: one scored administration with who, when and where it came from.
//!
//! The field names and their order are a published contract (README, "Output"); JSON, JSON
//! Lines and CSV are all written from here so they cannot drift apart.

use std::borrow::Cow;

use jiff::civil::Date;
use serde::Serialize;
use serde::ser::SerializeStruct;

use crate::csv_cell::{
    push_csv_field, push_date, push_decimal, push_flags, push_int, spreadsheet_safe,
};
use crate::score::ScoreReport;

/// Column names of the CSV output, in order.
pub const CSV_HEADER: [&str; 14] = [
    "patient_id",
    "date",
    "instrument",
    "total",
    "total_exact",
    "max",
    "severity",
    "answered",
    "missing",
    "prorated",
    "flags",
    "subscales",
    "line",
    "instrument_version",
];

/// One administration as written to output.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRecord<'i> {
    /// Patient id as found in the input, trimmed; `None` when the input has none.
    pub patient_id: Option<String>,
    /// Administration date; `None` when the input has no date.
    pub date: Option<Date>,
    /// The score.
    pub report: ScoreReport<'i>,
    /// 1-based line of the input row; `None` for answers given on the command line.
    pub line: Option<u64>,
}

impl ScoreRecord<'_> {
    /// The record's CSV cells, in [`CSV_HEADER`] order. Flags are `;`-joined; subscales are
    /// `B=11;C=7;…` with an empty value for an incomplete cluster.
    pub fn csv_fields(&self) -> [Cow<'_, str>; 14] {
        let report = &self.report;
        let flags = report
            .flags
            .iter()
            .map(|f| f.name)
            .collect::<Vec<_>>()
            .join(";");
        let subscales = report.subscale_summary(";", "");
        let optional = |value: Option<String>| Cow::Owned(value.unwrap_or_default());
        [
            spreadsheet_safe(self.patient_id.as_deref().unwrap_or("")),
            optional(self.date.map(|d| d.to_string())),
            Cow::Borrowed(report.instrument.id.as_str()),
            optional(report.total.map(|t| t.to_string())),
            optional(report.total_exact.map(|t| t.to_string())),
            Cow::Owned(report.instrument.total_max().to_string()),
            Cow::Borrowed(report.severity.id()),
            Cow::Owned(report.answered.to_string()),
            Cow::Owned(report.missing.to_string()),
            Cow::Borrowed(if report.is_prorated() {
                "true"
            } else {
                "false"
            }),
            Cow::Owned(flags),
            Cow::Owned(subscales),
            optional(self.line.map(|l| l.to_string())),
            // Definition text: a spreadsheet must not read a version as a formula.
            spreadsheet_safe(&report.instrument.version),
        ]
    }
}

impl ScoreRecord<'_> {
    /// Appends the record as one CSV line (with its `\n`) to `out`: the same cells as
    /// [`csv_fields`](Self::csv_fields), quoted as the csv crate would, but written straight
    /// into a buffer the caller reuses, because a batch run writes millions of them. The
    /// patient id, date and line cells are taken from `visit` when they are this record's, and
    /// encoded into it when they are not (a fresh `VisitCells` shares nothing).
    pub fn write_csv_row_sharing(&self, out: &mut Vec<u8>, visit: &mut VisitCells) {
        if !visit.belong_to(self) {
            visit.patient_id.clone_from(&self.patient_id);
            visit.date = self.date;
            visit.line = self.line;
            visit.leading.clear();
            self.push_visit_cells(&mut visit.leading);
            visit.line_cell.clear();
            if let Some(line) = self.line {
                push_int(&mut visit.line_cell, line);
            }
        }
        out.extend_from_slice(&visit.leading);
        self.push_score_cells(out);
        out.extend_from_slice(&visit.line_cell);
        self.push_version_cell(out);
    }

    /// `patient_id,date,`
    fn push_visit_cells(&self, out: &mut Vec<u8>) {
        push_csv_field(
            out,
            &spreadsheet_safe(self.patient_id.as_deref().unwrap_or("")),
        );
        out.push(b',');
        if let Some(date) = self.date {
            push_date(out, date);
        }
        out.push(b',');
    }

    /// The cells from the instrument to the subscales, each followed by its `,`.
    fn push_score_cells(&self, out: &mut Vec<u8>) {
        let report = &self.report;
        out.extend_from_slice(report.instrument.id.as_bytes()); // validated: a-z, 0-9, _
        out.push(b',');
        if let Some(total) = report.total {
            push_int(out, u64::from(total));
        }
        out.push(b',');
        if let Some(exact) = report.total_exact {
            if exact.denominator() == 1 {
                push_int(out, exact.numerator());
            } else {
                push_decimal(out, exact.to_f64());
            }
        }
        out.push(b',');
        push_int(out, u64::from(report.instrument.total_max()));
        out.push(b',');
        out.extend_from_slice(report.severity.id().as_bytes()); // validated: a-z, 0-9, _
        out.push(b',');
        push_int(out, report.answered as u64);
        out.push(b',');
        push_int(out, report.missing as u64);
        out.push(b',');
        // Each a copy of known length, which compiles to a store rather than a `memcpy` call.
        if report.is_prorated() {
            out.extend_from_slice(b"true");
        } else {
            out.extend_from_slice(b"false");
        }
        out.push(b',');
        push_flags(out, report.flags.iter().map(|f| f.name));
        out.push(b',');
        for (i, subscale) in report.subscales.iter().enumerate() {
            if i > 0 {
                out.push(b';');
            }
            out.extend_from_slice(subscale.id.as_bytes()); // validated: letters, digits, _
            out.push(b'=');
            if let Some(value) = subscale.value {
                push_int(out, u64::from(value));
            }
        }
        out.push(b',');
    }

    /// `,instrument_version` after the line cell, and the row's `\n`.
    fn push_version_cell(&self, out: &mut Vec<u8>) {
        out.push(b',');
        push_csv_field(out, &spreadsheet_safe(&self.report.instrument.version));
        out.push(b'\n');
    }
}

/// The patient id, date and line cells of the record written last, kept encoded. A visit
/// gives one record per instrument, all from the same input row, and encoding those cells
/// once per visit rather than once per record saves a fifth of the CSV writer's work. They
/// are compared with each record, never assumed: another visit's record encodes its own.
#[derive(Debug, Default, Clone)]
pub struct VisitCells {
    patient_id: Option<String>,
    date: Option<Date>,
    line: Option<u64>,
    /// `patient_id,date,` as written; empty before the first record.
    leading: Vec<u8>,
    /// The line number as written.
    line_cell: Vec<u8>,
}

impl VisitCells {
    fn belong_to(&self, record: &ScoreRecord<'_>) -> bool {
        !self.leading.is_empty()
            && self.line == record.line
            && self.date == record.date
            && self.patient_id == record.patient_id
    }
}

impl Serialize for ScoreRecord<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = &self.report;
        let mut s = serializer.serialize_struct("ScoreRecord", 14)?;
        s.serialize_field("patient_id", &self.patient_id)?;
        s.serialize_field("date", &self.date.map(|d| d.to_string()))?;
        s.serialize_field("instrument", &report.instrument.id)?;
        s.serialize_field("total", &report.total)?;
        s.serialize_field("total_exact", &report.total_exact)?;
        s.serialize_field("max", &report.instrument.total_max())?;
        s.serialize_field("severity", report.severity.id())?;
        s.serialize_field("answered", &report.answered)?;
        s.serialize_field("missing", &report.missing)?;
        s.serialize_field("prorated", &report.is_prorated())?;
        s.serialize_field("flags", &report.flags)?;
        s.serialize_field("subscales", &Subscales(report))?;
        s.serialize_field("line", &self.line)?;
        s.serialize_field("instrument_version", &report.instrument.version)?;
        s.end()
    }
}

/// `{"B": 11, "C": null, …}`, or `null` for an instrument without subscales.
struct Subscales<'a, 'i>(&'a ScoreReport<'i>);

impl Serialize for Subscales<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let subscales = &self.0.subscales;
        if subscales.is_empty() {
            return serializer.serialize_none();
        }
        let mut map = serializer.serialize_map(Some(subscales.len()))?;
        for subscale in subscales {
            map.serialize_entry(subscale.id, &subscale.value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    /// The fast writer and `csv_fields` must describe the same cells.
    #[test]
    fn fast_csv_rows_match_csv_fields() {
        let registry = crate::Registry::builtin();
        let text = include_str!("../examples/visits.csv")
            .replace("P003", "\"P,\"\"3\"\"\"")
            .replace("P006", "=P6");
        let mut reader = crate::batch::BatchReader::new(
            &registry,
            text.as_bytes(),
            "visits.csv",
            crate::batch::BatchOptions::default(),
        )
        .unwrap();
        let mut compared = 0;
        // One for the whole file, as the CSV writer keeps one: each record must still get
        // its own patient and date (the example has several visits per patient, per date).
        let mut visit = super::VisitCells::default();
        while let Some(row) = reader.next_row().unwrap() {
            for record in &row.records {
                let mut line = Vec::new();
                record.write_csv_row_sharing(&mut line, &mut super::VisitCells::default());
                let mut shared = Vec::new();
                record.write_csv_row_sharing(&mut shared, &mut visit);
                assert_eq!(shared, line, "the shared visit cells are this record's");
                let parsed = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .from_reader(line.as_slice())
                    .records()
                    .next()
                    .unwrap()
                    .unwrap();
                let expected = record.csv_fields();
                assert_eq!(
                    parsed.iter().collect::<Vec<_>>(),
                    expected.iter().map(AsRef::as_ref).collect::<Vec<&str>>()
                );
                compared += 1;
            }
        }
        assert_eq!(compared, 138);
    }
}
