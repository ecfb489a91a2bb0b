//! Trend summaries as the readable table: a few lines of words per window, then its points.

use std::fmt::Write as _;

use symscore::instrument::Instrument;
use symscore::score::{Flag, SAFETY_MARK, SafetyNotice};
use symscore::trend::{OnTrack, ReliableChange, Status, WindowPoint};

use super::TrendRow;
use crate::cli::render::fit::{Column, Layout, Text, dropped_note};
use crate::cli::render::table::{BLOCK_ROWS, table_text, terminal_safe};
use crate::cli::render::wrap::fit_lines;

/// The points table's columns. The date, total, severity and flags (with the safety marker)
/// are always shown; on a narrow terminal whether a point counted for the plateau call goes
/// first, then the day since dosing (the date and the dosing date in the heading give it),
/// then the change from baseline (the total and the `Change:` line give it).
const COLUMNS: [Column; 7] = [
    Column::kept("date"),
    Column::droppable("day", 1),
    Column::kept("total"),
    Column::kept("severity"),
    Column::droppable("change", 2),
    Column::kept("flags"),
    Column::droppable("used", 0),
];

/// The indent of a window's lines and table under its heading.
const INDENT: usize = 2;

/// A point's flags for a table cell, each safety flag marked `!!`.
pub(in crate::cli::render) fn flag_list(flags: &[Flag<'_>]) -> String {
    flags
        .iter()
        .map(|f| {
            if f.needs_safety_review() {
                format!("{SAFETY_MARK} {}", f.name)
            } else {
                f.name.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a safety flag says, in the words of the definition's safety item: the notice
/// `score` prints for one administration ([`SafetyNotice`]). A safety flag the definition
/// does not name still reads as needing review, never as nothing.
pub(in crate::cli::render) fn safety_words<'i>(
    instrument: &'i Instrument,
    flag: &Flag<'_>,
) -> &'i str {
    SafetyNotice::for_flag(instrument, flag)
        .map_or("a safety item needs review", |notice| notice.words())
}

/// The status in words a clinician reads at a glance. Review, never "stop" (§7.3.5).
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

/// A window's summary: its lines of words, then its points, fitted to `width` (`None`: no
/// limit). `noted` holds the columns a note has already said were left out: the note is
/// written once, under the first table without them.
pub(super) fn render_summary(
    row: &TrendRow<'_, '_>,
    color: bool,
    width: Option<usize>,
    noted: &mut Vec<&'static str>,
) -> String {
    let text = summary_lines(row);
    let mut text = match width {
        Some(width) => fit_lines(&text, width),
        None => text,
    };
    points_tables(&mut text, row, color, width, noted);
    text
}

/// The lines of words above a window's points.
fn summary_lines(row: &TrendRow<'_, '_>) -> String {
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
            "  {SAFETY_MARK} {} in this window: {}",
            terminal_safe(flag.name),
            terminal_safe(safety_words(row.instrument, flag))
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
            s.baseline_missing_reason
                .map(|r| r.to_string())
                .unwrap_or_default()
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
    text
}

/// The window's points, in blocks as the score table: one window may hold every visit of a
/// patient.
fn points_tables(
    text: &mut String,
    row: &TrendRow<'_, '_>,
    color: bool,
    width: Option<usize>,
    noted: &mut Vec<&'static str>,
) {
    let width = width.map(|w| w.saturating_sub(INDENT));
    for block in row.summary.points.chunks(BLOCK_ROWS) {
        let rows: Vec<Vec<Text>> = block
            .iter()
            .map(|point| {
                let safety = point.flags.iter().any(Flag::needs_safety_review);
                vec![
                    Text::from(point.date.to_string()),
                    Text::from(point.days_since_dose.to_string()),
                    Text::from(
                        point
                            .total
                            .map_or_else(|| "—".to_owned(), |t| t.to_string()),
                    ),
                    Text::from(point.severity),
                    Text::from(
                        point
                            .change_points
                            .map_or_else(String::new, |c| format!("{c:+}")),
                    ),
                    Text::alarm(flag_list(point.flags), safety),
                    Text::from(if point.used_for_plateau {
                        "yes"
                    } else if point.total.is_some() {
                        "no (recall)"
                    } else {
                        "no"
                    }),
                ]
            })
            .collect();
        let layout = Layout::fit(&COLUMNS, &rows, width, &[]);
        let table = layout.draw(&COLUMNS, rows, color).to_string();
        for line in table.lines() {
            let _ = writeln!(text, "{:INDENT$}{line}", "");
        }
        let unnoted: Vec<&'static str> = layout
            .dropped(&COLUMNS)
            .into_iter()
            .filter(|name| !noted.contains(name))
            .collect();
        if let Some(note) = dropped_note(&unnoted, ELSEWHERE) {
            let line = format!("{:INDENT$}{note}", "");
            let fitted = match width {
                Some(width) => fit_lines(&line, width + INDENT),
                None => line,
            };
            let _ = writeln!(text, "{fitted}");
            noted.extend(unnoted);
        }
    }
}

/// Where a column left out of a points table can be seen.
const ELSEWHERE: &str = "--format csv or a wider terminal (COLUMNS=120)";
