//! What a chart shows, in words: beside it for every reader, and in its `<desc>` for a
//! screen reader. Statuses are the names `trend` prints, so the report and the trend output
//! read the same.

use std::fmt::Write as _;

use super::chart::Chart;
use crate::plural::count;
use crate::trend::WindowSummary;

/// One sentence per window: the dosing, baseline → latest, the change, the status and why.
pub fn window_sentence(w: &WindowSummary<'_>) -> String {
    let mut s = format!(
        "{} on {} (window to {}): ",
        w.dosing_label.unwrap_or("dosing"),
        w.dosing_date,
        w.window_end
    );
    match (w.baseline, w.latest) {
        (Some(b), Some(l)) => {
            let _ = write!(
                s,
                "baseline {} ({}) → latest {} ({}), change {}",
                b.total,
                b.date,
                l.total,
                l.date,
                signed(w.change_points.unwrap_or(0))
            );
            if let Some(pct) = w.change_pct {
                let _ = write!(s, " ({pct:+.0} %)");
            }
            if let Some(rc) = w.reliable_change {
                let _ = write!(s, ", {}", rc.name());
            }
        }
        (Some(b), None) => {
            let _ = write!(
                s,
                "baseline {} ({}), no valid administration in the window",
                b.total, b.date
            );
        }
        (None, _) => {
            let reason = w
                .baseline_missing_reason
                .map_or_else(|| "no baseline".to_owned(), |r| r.to_string());
            s.push_str(&reason);
        }
    }
    let _ = write!(
        s,
        ". Status {}: {}. On track: {}.",
        w.status.name(),
        w.status_reason,
        w.on_track.name()
    );
    if !w.flags.is_empty() {
        let names: Vec<&str> = w.flags.iter().map(|f| f.name).collect();
        let mark = if w.needs_safety_review() { "!! " } else { "" };
        let _ = write!(s, " {mark}Flags: {}.", names.join(", "));
    }
    s
}

/// The chart's `<desc>`: instrument, dates, every window's baseline → latest and status, and
/// every administration whose safety item needs review.
pub fn describe(chart: &Chart, windows: &[WindowSummary<'_>]) -> String {
    let points = &chart.points;
    let invalid = points.iter().filter(|p| p.state.invalid).count();
    let prorated = points.iter().filter(|p| p.state.prorated).count();
    let mut s = format!(
        "{} totals (scale {}–{}) from {} to {}: {}",
        chart.instrument_name,
        chart.range.0,
        chart.range.1,
        points.first().map_or(chart.dates.0, |p| p.date),
        points.last().map_or(chart.dates.1, |p| p.date),
        count(points.len(), "administration"),
    );
    let _ = write!(s, " ({invalid} invalid, {prorated} prorated).");
    if windows.is_empty() {
        s.push_str(" No dosing date: no integration window.");
    }
    for w in windows {
        let _ = write!(
            s,
            " Dosing {} on {}: baseline {} → latest {}, status {}.",
            w.dosing_label.unwrap_or("(no label)"),
            w.dosing_date,
            w.baseline
                .map_or_else(|| "none".to_owned(), |b| b.total.to_string()),
            w.latest
                .map_or_else(|| "none".to_owned(), |l| l.total.to_string()),
            w.status.name()
        );
    }
    let safety: Vec<String> = points
        .iter()
        .filter(|p| p.state.safety)
        .map(|p| p.date.to_string())
        .collect();
    if safety.is_empty() {
        s.push_str(" No safety item was endorsed or left unanswered in these administrations.");
    } else {
        let _ = write!(
            s,
            " !! Safety item endorsed or unanswered on {}.",
            safety.join(", ")
        );
    }
    s
}

/// A change with its sign: `+3`, `-9`, `0`.
pub(super) fn signed(points: i64) -> String {
    if points > 0 {
        format!("+{points}")
    } else {
        points.to_string()
    }
}
