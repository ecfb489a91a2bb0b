//! Trend summaries as CSV rows: the 38 columns, one row per administration in a window.

use std::io::Write;

use symscore::csv_cell::{
    push_csv_display, push_csv_field, push_date, push_fixed, push_flags, push_int, push_signed,
    spreadsheet_safe,
};
use symscore::trend::{WindowPoint, WindowSummary};

use super::{PlaceCells, TrendRow};
use crate::cli::render::stream::CsvBlocks;
use crate::cli::render::uncovered::{self, UncoveredRow};

const CSV_HEADER: [&str; 38] = [
    "patient_id",
    "instrument",
    "instrument_version",
    "dosing_date",
    "dosing_label",
    "window_end",
    "baseline_date",
    "baseline_total",
    "latest_date",
    "latest_total",
    "change_points",
    "change_pct",
    "reliable_change",
    "rci",
    "response",
    "remission",
    "nhs_tt_class",
    "status",
    "status_reason",
    "on_track",
    "flags",
    "date",
    "days_since_dose",
    "total",
    "severity",
    "point_flags",
    "point_change_points",
    "point_change_pct",
    "recall_overlaps_dose",
    "used_for_plateau",
    "line",
    "plateau_rule",
    "points",
    "min_span_days",
    "min_days_since_dose",
    "horizon_days",
    "reliable_change_points",
    "mcid",
];

/// Trend CSV: one row per administration in each window, every row repeating the window's
/// summary and parameters. A 1M-visit export gives half a gigabyte of CSV, so rows are
/// built as bytes in reused buffers, with no `String` per cell.
pub(crate) struct CsvRows<W: Write> {
    blocks: CsvBlocks<W>,
    /// The window's summary cells, each followed by a comma.
    prefix: Vec<u8>,
    /// The parameter cells, each preceded by a comma, and the line end.
    suffix: Vec<u8>,
}

impl<W: Write> CsvRows<W> {
    pub(super) fn new(out: W, carried: &[&str]) -> Self {
        let header: Vec<&str> = CSV_HEADER.iter().chain(carried).copied().collect();
        CsvRows {
            blocks: CsvBlocks::new(out, &header),
            prefix: Vec::new(),
            suffix: Vec::new(),
        }
    }

    pub(super) fn write(&mut self, row: &TrendRow<'_, '_>) -> std::io::Result<()> {
        self.prefix.clear();
        push_summary_cells(&mut self.prefix, row);
        self.suffix.clear();
        push_parameter_cells(&mut self.suffix, row.summary);
        let carried = |place| PlaceCells {
            places: row.places,
            place,
        };
        let rows = self.blocks.rows();
        if row.summary.points.is_empty() {
            rows.extend_from_slice(&self.prefix);
            rows.extend_from_slice(b",,,,,,,,,");
            rows.extend_from_slice(&self.suffix);
            carried(None).push_csv(rows);
            rows.push(b'\n');
        }
        for point in &row.summary.points {
            rows.extend_from_slice(&self.prefix);
            push_point_cells(rows, point);
            rows.extend_from_slice(&self.suffix);
            carried(point.place).push_csv(rows);
            rows.push(b'\n');
        }
        self.blocks.row_done()
    }

    /// Writes an administration that no window covers.
    pub(super) fn write_uncovered(&mut self, row: &UncoveredRow<'_, '_>) -> std::io::Result<()> {
        uncovered::push_csv_row(self.blocks.rows(), row);
        self.blocks.row_done()
    }

    pub(super) fn finish(self) -> std::io::Result<()> {
        self.blocks.finish()
    }
}

fn push_optional<T: Copy>(out: &mut Vec<u8>, value: Option<T>, push: impl FnOnce(&mut Vec<u8>, T)) {
    if let Some(value) = value {
        push(out, value);
    }
}

/// A percentage with one decimal, as `{:.1}` writes it.
fn push_percent(out: &mut Vec<u8>, value: f64) {
    push_fixed(out, value, 1);
}

fn push_bool(out: &mut Vec<u8>, value: bool) {
    out.extend_from_slice(if value { b"true" } else { b"false" });
}

/// The cells every row of one window shares, each followed by a comma: who, which window,
/// and the summary. Dates, numbers and our own vocabulary never need quoting; text from the
/// input or a definition goes through `push_csv_field`.
fn push_summary_cells(out: &mut Vec<u8>, row: &TrendRow<'_, '_>) {
    let s = row.summary;
    push_csv_field(out, &spreadsheet_safe(row.patient_id));
    out.push(b',');
    push_csv_field(out, &row.instrument.id);
    out.push(b',');
    push_csv_field(out, &spreadsheet_safe(&row.instrument.version));
    out.push(b',');
    push_date(out, s.dosing_date);
    out.push(b',');
    push_csv_field(out, &spreadsheet_safe(s.dosing_label.unwrap_or_default()));
    out.push(b',');
    push_date(out, s.window_end);
    out.push(b',');
    push_optional(out, s.baseline, |out, b| push_date(out, b.date));
    out.push(b',');
    push_optional(out, s.baseline, |out, b| push_int(out, b.total.into()));
    out.push(b',');
    push_optional(out, s.latest, |out, l| push_date(out, l.date));
    out.push(b',');
    push_optional(out, s.latest, |out, l| push_int(out, l.total.into()));
    out.push(b',');
    push_optional(out, s.change_points, push_signed);
    out.push(b',');
    push_optional(out, s.change_pct, push_percent);
    out.push(b',');
    push_optional(out, s.reliable_change, |out, r| {
        out.extend_from_slice(r.name().as_bytes());
    });
    out.push(b',');
    push_optional(out, s.rci, |out, v| push_fixed(out, v, 2));
    out.push(b',');
    push_optional(out, s.response, push_bool);
    out.push(b',');
    push_optional(out, s.remission, push_bool);
    out.push(b',');
    if let Some(nhs_tt) = &s.nhs_tt {
        out.extend_from_slice(nhs_tt.class.name().as_bytes());
    }
    out.push(b',');
    out.extend_from_slice(s.status.name().as_bytes());
    out.push(b',');
    push_csv_display(out, &s.status_reason);
    out.push(b',');
    out.extend_from_slice(s.on_track.name().as_bytes());
    out.push(b',');
    push_flags(out, s.flags.iter().map(|f| f.name));
    out.push(b',');
}

/// One administration's ten cells.
fn push_point_cells(out: &mut Vec<u8>, p: &WindowPoint<'_>) {
    push_date(out, p.date);
    out.push(b',');
    push_signed(out, p.days_since_dose);
    out.push(b',');
    push_optional(out, p.total, |out, t| push_int(out, t.into()));
    out.push(b',');
    out.extend_from_slice(p.severity.as_bytes());
    out.push(b',');
    push_flags(out, p.flags.iter().map(|f| f.name));
    out.push(b',');
    push_optional(out, p.change_points, push_signed);
    out.push(b',');
    push_optional(out, p.change_pct, push_percent);
    out.push(b',');
    push_bool(out, p.recall_overlaps_dose);
    out.push(b',');
    push_bool(out, p.used_for_plateau);
    out.push(b',');
    push_int(out, p.line);
}

/// The parameters behind the window's flags, each preceded by a comma.
fn push_parameter_cells(out: &mut Vec<u8>, s: &WindowSummary<'_>) {
    let p = &s.parameters;
    out.push(b',');
    out.extend_from_slice(p.plateau_rule.name().as_bytes());
    for value in [
        p.points,
        p.min_span_days,
        p.min_days_since_dose,
        p.horizon_days,
        p.reliable_change,
        p.mcid,
    ] {
        out.push(b',');
        push_int(out, value.into());
    }
}
