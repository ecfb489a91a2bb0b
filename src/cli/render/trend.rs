//! Writing trend summaries: JSON objects, CSV rows per administration, or a readable table.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};

use comfy_table::{Attribute, Cell, Color};
use serde::Serialize;
use symscore::instrument::Instrument;
use symscore::record::{push_csv_field, spreadsheet_safe};
use symscore::trend::{OnTrack, ReliableChange, Status, WindowPoint, WindowSummary};

use super::stream::{JsonArray, csv_with_header, write_json_line};
use super::table::{new_table, terminal_safe};
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
    Csv {
        out: BufWriter<W>,
        row: Vec<u8>,
    },
    Json(JsonArray<W>),
    Jsonl(BufWriter<W>),
    Table {
        out: BufWriter<W>,
        color: bool,
        last_patient: Option<String>,
    },
}

impl<W: Write> TrendWriter<W> {
    pub(crate) fn new(format: Format, out: W, color: bool) -> anyhow::Result<Self> {
        Ok(match format {
            Format::Csv => TrendWriter::Csv {
                out: csv_with_header(out, &CSV_HEADER)?,
                row: Vec::with_capacity(512),
            },
            Format::Json => TrendWriter::Json(JsonArray::new(out)),
            Format::Jsonl => TrendWriter::Jsonl(BufWriter::new(out)),
            Format::Table => TrendWriter::Table {
                out: BufWriter::new(out),
                color,
                last_patient: None,
            },
        })
    }

    pub(crate) fn write(&mut self, row: &TrendRow<'_, '_>) -> anyhow::Result<()> {
        match self {
            TrendWriter::Csv { out, row: line } => {
                // The summary and parameter cells repeat on every row of the window: render
                // them to bytes once, then write each administration between them.
                let mut prefix = Vec::new();
                for cell in summary_cells(row) {
                    push_csv_field(&mut prefix, &cell);
                    prefix.push(b',');
                }
                let mut suffix = Vec::new();
                for cell in parameter_cells(row.summary) {
                    suffix.push(b',');
                    push_csv_field(&mut suffix, &cell);
                }
                suffix.push(b'\n');
                let points: Vec<Option<&WindowPoint<'_>>> = if row.summary.points.is_empty() {
                    vec![None]
                } else {
                    row.summary.points.iter().map(Some).collect()
                };
                for point in points {
                    line.clear();
                    line.extend_from_slice(&prefix);
                    push_point_cells(line, point);
                    line.extend_from_slice(&suffix);
                    out.write_all(line)?;
                }
            }
            TrendWriter::Json(array) => array.write(row)?,
            TrendWriter::Jsonl(out) => write_json_line(out, row)?,
            TrendWriter::Table {
                out,
                color,
                last_patient,
            } => {
                if last_patient.as_deref() != Some(row.patient_id) {
                    writeln!(out, "\n━━ Patient {} ━━", terminal_safe(row.patient_id))?;
                    *last_patient = Some(row.patient_id.to_owned());
                }
                out.write_all(render_summary(row, *color).as_bytes())?;
            }
        }
        Ok(())
    }

    pub(crate) fn finish(self) -> anyhow::Result<()> {
        match self {
            TrendWriter::Json(array) => array.finish()?,
            TrendWriter::Csv { mut out, .. }
            | TrendWriter::Jsonl(mut out)
            | TrendWriter::Table { mut out, .. } => out.flush()?,
        }
        Ok(())
    }
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn enum_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The cells every row of one window shares: who, which window, and the summary.
fn summary_cells(row: &TrendRow<'_, '_>) -> Vec<String> {
    let s = row.summary;
    vec![
        spreadsheet_safe(row.patient_id).into_owned(),
        row.instrument.id.clone(),
        row.instrument.version.clone(),
        s.dosing_date.to_string(),
        spreadsheet_safe(s.dosing_label.as_deref().unwrap_or_default()).into_owned(),
        s.window_end.to_string(),
        opt(s.baseline.map(|b| b.date)),
        opt(s.baseline.map(|b| b.total)),
        opt(s.latest.map(|l| l.date)),
        opt(s.latest.map(|l| l.total)),
        opt(s.change_points),
        opt(s.change_pct.map(|v| format!("{v:.1}"))),
        s.reliable_change.map(|r| enum_name(&r)).unwrap_or_default(),
        opt(s.rci.map(|v| format!("{v:.2}"))),
        opt(s.response),
        opt(s.remission),
        s.nhs_tt
            .as_ref()
            .map(|n| enum_name(&n.class))
            .unwrap_or_default(),
        enum_name(&s.status),
        s.status_reason.clone(),
        enum_name(&s.on_track),
        s.flags.join(";"),
    ]
}

/// One administration's ten cells, written into the row; all empty for a window without
/// administrations. Numbers and our own vocabulary need no quoting.
fn push_point_cells(line: &mut Vec<u8>, point: Option<&WindowPoint<'_>>) {
    let Some(p) = point else {
        line.extend_from_slice(b",,,,,,,,,");
        return;
    };
    let _ = write!(line, "{},{},", p.date, p.days_since_dose);
    if let Some(total) = p.total {
        let _ = write!(line, "{total}");
    }
    line.push(b',');
    line.extend_from_slice(p.severity.as_bytes());
    line.push(b',');
    for (i, flag) in p.flags.iter().enumerate() {
        if i > 0 {
            line.push(b';');
        }
        line.extend_from_slice(flag.as_bytes());
    }
    line.push(b',');
    if let Some(change) = p.change_points {
        let _ = write!(line, "{change}");
    }
    line.push(b',');
    if let Some(pct) = p.change_pct {
        let _ = write!(line, "{pct:.1}");
    }
    let _ = write!(
        line,
        ",{},{},{}",
        p.recall_overlaps_dose, p.used_for_plateau, p.line
    );
}

/// The parameters behind the window's flags.
fn parameter_cells(s: &WindowSummary<'_>) -> [String; 7] {
    let p = &s.parameters;
    [
        enum_name(&p.plateau_rule),
        p.points.to_string(),
        p.min_span_days.to_string(),
        p.min_days_since_dose.to_string(),
        p.horizon_days.to_string(),
        p.reliable_change.to_string(),
        p.mcid.to_string(),
    ]
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
        .as_deref()
        .map(|l| format!(" ({})", terminal_safe(l)))
        .unwrap_or_default();
    let _ = writeln!(
        text,
        "\n{} · dosing {}{label} · window to {}",
        row.instrument.name, s.dosing_date, s.window_end
    );
    // Safety outranks everything else on the screen (§7.2 point 3).
    for flag in s.flags.iter().filter(|f| f.starts_with("ITEM9_")) {
        let what = if *flag == "ITEM9_POSITIVE" {
            "item 9 endorsed in this window"
        } else {
            "item 9 unanswered in this window: risk unknown"
        };
        let _ = writeln!(
            text,
            "  !! {flag}: {what}; follow your local suicide-risk protocol"
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
            enum_name(&nhs.class)
        );
    }
    let other: Vec<&str> = s
        .flags
        .iter()
        .copied()
        .filter(|f| !f.starts_with("ITEM9_"))
        .collect();
    if !other.is_empty() {
        let _ = writeln!(text, "  Schedule: {}", other.join(", "));
    }
    let p = &s.parameters;
    let _ = writeln!(
        text,
        "  Trend: {}   (rule {}, k={}, span ≥{}d, latest ≥ day {}, RC {}, MCID {}, target <{})",
        sparkline(&s.points, row.instrument.total_max()),
        enum_name(&p.plateau_rule),
        p.points,
        p.min_span_days,
        p.min_days_since_dose,
        p.reliable_change,
        p.mcid,
        p.target
    );
    if !s.points.is_empty() {
        let mut table = new_table(color);
        table.set_header([
            "date", "day", "total", "severity", "change", "flags", "used",
        ]);
        for point in &s.points {
            let safety = point.flags.iter().any(|f| f.starts_with("ITEM9_"));
            let mut flags = Cell::new(
                point
                    .flags
                    .iter()
                    .map(|f| {
                        if f.starts_with("ITEM9_") {
                            format!("!! {f}")
                        } else {
                            (*f).to_owned()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            );
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
