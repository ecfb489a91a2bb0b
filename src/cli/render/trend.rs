//! Writing trend summaries: JSON objects, CSV rows per administration, or a readable table.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};

use comfy_table::{Attribute, Cell, Color};
use serde::Serialize;
use symscore::csv_cell::{
    push_csv_field, push_date, push_flags, push_int, push_signed, spreadsheet_safe,
};
use symscore::instrument::Instrument;
use symscore::score::Flag;
use symscore::trend::{OnTrack, ReliableChange, Status, WindowPoint, WindowSummary};

use super::stream::{CsvBlocks, JsonArray, write_json_line};
use super::table::{BLOCK_ROWS, new_table, table_text, terminal_safe};
use super::uncovered::{self, UncoveredRow};
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
            } => {
                if last_patient.as_deref() != Some(row.patient_id) {
                    writeln!(out, "\n━━ Patient {} ━━", table_text(row.patient_id))?;
                    *last_patient = Some(row.patient_id.to_owned());
                }
                out.write_all(render_summary(row, *color).as_bytes())?;
            }
        }
        Ok(())
    }

    /// Writes an administration that no window covers.
    pub(crate) fn write_uncovered(&mut self, row: &UncoveredRow<'_, '_>) -> anyhow::Result<()> {
        match self {
            TrendWriter::Csv(rows) => {
                uncovered::push_csv_row(rows.blocks.rows(), row);
                rows.blocks.row_done()?;
            }
            TrendWriter::Json(array) => array.write(row)?,
            TrendWriter::Jsonl(out) => write_json_line(out, row)?,
            TrendWriter::Table {
                out, last_patient, ..
            } => {
                if last_patient.as_deref() != Some(row.patient_id) {
                    writeln!(out, "\n━━ Patient {} ━━", table_text(row.patient_id))?;
                    *last_patient = Some(row.patient_id.to_owned());
                }
                out.write_all(uncovered::render(row).as_bytes())?;
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

/// Trend CSV: one row per administration in each window, every row repeating the window's
/// summary and parameters. A 1M-visit export gives half a gigabyte of CSV, so rows are
/// built as bytes in reused buffers, with no `String` per cell.
pub(crate) struct CsvRows<W: Write> {
    blocks: CsvBlocks<W>,
    /// The window's summary cells, each followed by a comma.
    prefix: Vec<u8>,
    /// The parameter cells, each preceded by a comma, and the line end.
    suffix: Vec<u8>,
    percentages: PercentText,
}

impl<W: Write> CsvRows<W> {
    fn new(out: W) -> Self {
        CsvRows {
            blocks: CsvBlocks::new(out, &CSV_HEADER),
            prefix: Vec::new(),
            suffix: Vec::new(),
            percentages: PercentText::default(),
        }
    }

    fn write(&mut self, row: &TrendRow<'_, '_>) -> std::io::Result<()> {
        self.prefix.clear();
        push_summary_cells(&mut self.prefix, row, &mut self.percentages);
        self.suffix.clear();
        push_parameter_cells(&mut self.suffix, row.summary);
        self.suffix.push(b'\n');
        let rows = self.blocks.rows();
        if row.summary.points.is_empty() {
            rows.extend_from_slice(&self.prefix);
            rows.extend_from_slice(b",,,,,,,,,");
            rows.extend_from_slice(&self.suffix);
        }
        for point in &row.summary.points {
            rows.extend_from_slice(&self.prefix);
            push_point_cells(rows, point, &mut self.percentages);
            rows.extend_from_slice(&self.suffix);
        }
        self.blocks.row_done()
    }

    fn finish(self) -> std::io::Result<()> {
        self.blocks.finish()
    }
}

/// Percentages as `{:.1}` writes them, remembered by value: they come from small integer
/// totals, so a run sees a few thousand distinct ones, and the exact decimal formatting of
/// a float is slow enough to show in a half-gigabyte output. A direct-mapped table: each
/// value has one slot, and a value that finds another there is formatted again.
struct PercentText {
    slots: Vec<Option<(u64, Box<[u8]>)>>,
}

impl Default for PercentText {
    fn default() -> Self {
        PercentText {
            slots: vec![None; Self::SLOTS],
        }
    }
}

impl PercentText {
    const SLOT_BITS: u32 = 14;
    const SLOTS: usize = 1 << Self::SLOT_BITS;

    fn push(&mut self, out: &mut Vec<u8>, value: f64) {
        let bits = value.to_bits();
        // Fibonacci hashing: the top bits of the product depend on every bit of the value.
        let slot = (bits.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - Self::SLOT_BITS)) as usize;
        match &self.slots[slot] {
            Some((known, text)) if *known == bits => out.extend_from_slice(text),
            _ => {
                let text = format!("{value:.1}");
                out.extend_from_slice(text.as_bytes());
                self.slots[slot] = Some((bits, text.into_bytes().into_boxed_slice()));
            }
        }
    }
}

fn push_optional<T: Copy>(out: &mut Vec<u8>, value: Option<T>, push: impl FnOnce(&mut Vec<u8>, T)) {
    if let Some(value) = value {
        push(out, value);
    }
}

fn push_bool(out: &mut Vec<u8>, value: bool) {
    out.extend_from_slice(if value { b"true" } else { b"false" });
}

/// The cells every row of one window shares, each followed by a comma: who, which window,
/// and the summary. Dates, numbers and our own vocabulary never need quoting; text from the
/// input or a definition goes through `push_csv_field`.
fn push_summary_cells(out: &mut Vec<u8>, row: &TrendRow<'_, '_>, percentages: &mut PercentText) {
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
    push_optional(out, s.change_pct, |out, v| percentages.push(out, v));
    out.push(b',');
    push_optional(out, s.reliable_change, |out, r| {
        out.extend_from_slice(r.name().as_bytes());
    });
    out.push(b',');
    push_optional(out, s.rci, |out, v| {
        let _ = write!(out, "{v:.2}");
    });
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
    push_csv_field(out, &s.status_reason);
    out.push(b',');
    out.extend_from_slice(s.on_track.name().as_bytes());
    out.push(b',');
    push_flags(out, s.flags.iter().map(|f| f.name));
    out.push(b',');
}

/// One administration's ten cells.
fn push_point_cells(out: &mut Vec<u8>, p: &WindowPoint<'_>, percentages: &mut PercentText) {
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
    push_optional(out, p.change_pct, |out, v| percentages.push(out, v));
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

/// A point's flags for a table cell, each safety flag marked `!!`.
pub(super) fn flag_list(flags: &[Flag<'_>]) -> String {
    flags
        .iter()
        .map(|f| {
            if f.needs_safety_review() {
                format!("!! {}", f.name)
            } else {
                f.name.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a safety flag of a window says, in the words of the definition's safety item (the
/// notice `score` prints for one administration).
pub(super) fn safety_words<'i>(instrument: &'i Instrument, flag: &str) -> &'i str {
    instrument
        .safety_items
        .iter()
        .find_map(|item| {
            if item.positive_flag == flag {
                Some(item.positive_notice.as_str())
            } else if item.missing_flag == flag {
                Some(item.missing_notice.as_str())
            } else {
                None
            }
        })
        .unwrap_or("a safety item needs review")
}

/// The status in words a clinician reads at a glance. Review, never "stop" (§7.3 C).
fn status_words(status: Status) -> &'static str {
    match status {
        Status::InsufficientData => "not enough data for a plateau call",
        Status::Deterioration => "WORSE: reliable deterioration from baseline — review",
        Status::AtTarget => "at target",
        Status::PlateauAfterImprovement => "PLATEAU after improvement — review",
        Status::PlateauNoReliableImprovement => "PLATEAU without reliable improvement — review",
        Status::NoPlateau => "still changing",
    }
}

/// ▁▂▃▄▅▆▇█ scaled to the instrument's range; `·` for an administration without a total.
fn sparkline(points: &[WindowPoint<'_>], max: u32) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    points
        .iter()
        .map(|p| {
            p.total.map_or('·', |t| {
                BARS[((t * 7 + max / 2) / max.max(1)).min(7) as usize]
            })
        })
        .collect()
}

fn render_summary(row: &TrendRow<'_, '_>, color: bool) -> String {
    let s = row.summary;
    let mut text = String::new();
    let label = s
        .dosing_label
        .map(|l| format!(" ({})", table_text(l)))
        .unwrap_or_default();
    let _ = writeln!(
        text,
        "\n{} · dosing {}{label} · window to {}",
        row.instrument.name, s.dosing_date, s.window_end
    );
    // Safety outranks everything else on the screen (§7.2 point 3).
    for flag in s.flags.iter().filter(|f| f.needs_safety_review()) {
        let _ = writeln!(
            text,
            "  !! {} in this window: {}",
            terminal_safe(flag.name),
            terminal_safe(safety_words(row.instrument, flag.name))
        );
    }
    let _ = writeln!(
        text,
        "  Status: {} ({})",
        status_words(s.status),
        s.status_reason
    );
    let change = match (s.baseline, s.latest) {
        (Some(b), Some(l)) => {
            let pct = s
                .change_pct
                .map(|p| format!(", {p:+.0}%"))
                .unwrap_or_default();
            let rc = match s.reliable_change {
                Some(ReliableChange::ReliableImprovement) => "reliable improvement",
                Some(ReliableChange::ReliableDeterioration) => "reliable deterioration",
                _ => "no reliable change",
            };
            format!(
                "baseline {} ({}) → latest {} (day {}): {:+}{pct}, {rc}",
                b.total,
                b.date,
                l.total,
                l.days_since_dose,
                s.change_points.unwrap_or(0)
            )
        }
        (None, _) => format!(
            "no baseline: {}",
            s.baseline_missing_reason.as_deref().unwrap_or("")
        ),
        (Some(b), None) => format!(
            "baseline {} ({}); no valid administration in the window yet",
            b.total, b.date
        ),
    };
    let _ = writeln!(text, "  Change: {change}");
    let yes_no = |v: Option<bool>| v.map_or("n/a", |b| if b { "yes" } else { "no" });
    let on_track = match s.on_track {
        OnTrack::OnTrack => "on track",
        OnTrack::NotOnTrack => "NOT on track — review",
        OnTrack::InsufficientData => "not enough data",
    };
    let _ = writeln!(
        text,
        "  Response: {} · remission: {} · early improvement: {on_track}",
        yes_no(s.response),
        yes_no(s.remission)
    );
    if let Some(nhs) = &s.nhs_tt {
        let _ = writeln!(
            text,
            "  NHS TT (PHQ-9 with GAD-7, {}): {}",
            nhs.rule,
            nhs.class.name()
        );
    }
    let other: Vec<&str> = s
        .flags
        .iter()
        .filter(|f| !f.needs_safety_review())
        .map(|f| f.name)
        .collect();
    if !other.is_empty() {
        let _ = writeln!(text, "  Schedule: {}", other.join(", "));
    }
    let p = &s.parameters;
    let _ = writeln!(
        text,
        "  Trend: {}   (rule {}, k={}, span ≥{}d, latest ≥ day {}, RC {}, MCID {}, target <{})",
        sparkline(&s.points, row.instrument.total_max()),
        p.plateau_rule.name(),
        p.points,
        p.min_span_days,
        p.min_days_since_dose,
        p.reliable_change,
        p.mcid,
        p.target
    );
    // In blocks, as the score table: one window may hold every visit of a patient.
    for block in s.points.chunks(BLOCK_ROWS) {
        let mut table = new_table(color);
        table.set_header([
            "date", "day", "total", "severity", "change", "flags", "used",
        ]);
        for point in block {
            let safety = point.flags.iter().any(Flag::needs_safety_review);
            let mut flags = Cell::new(flag_list(point.flags));
            if safety && color {
                flags = flags.fg(Color::Red).add_attribute(Attribute::Bold);
            }
            table.add_row(vec![
                Cell::new(point.date),
                Cell::new(point.days_since_dose),
                Cell::new(
                    point
                        .total
                        .map_or_else(|| "—".to_owned(), |t| t.to_string()),
                ),
                Cell::new(point.severity),
                Cell::new(
                    point
                        .change_points
                        .map_or_else(String::new, |c| format!("{c:+}")),
                ),
                flags,
                Cell::new(if point.used_for_plateau {
                    "yes"
                } else if point.total.is_some() {
                    "no (recall)"
                } else {
                    "no"
                }),
            ]);
        }
        for line in table.to_string().lines() {
            let _ = writeln!(text, "  {line}");
        }
    }
    text
}
