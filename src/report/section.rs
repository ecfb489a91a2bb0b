//! One patient's section of the report: per instrument, the chart, the course in words
//! beside it and the data as a table under it (the accessible alternative to the picture).

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use super::chart::{Chart, ChartPoint, layout};
use super::markup::text;
use super::svg::{Embedding, write_chart};
use super::words::{describe, signed, window_sentence};
use crate::instrument::{ChangeParams, Instrument};
use crate::trend::{PatientTrend, WindowSummary};

/// One instrument's course for one patient: its chart and the windows it was made from.
pub struct Course<'t, 'a> {
    /// The instrument.
    pub instrument: &'a Instrument,
    /// Its windows, in dosing order (none without a dosing date).
    pub windows: &'t [WindowSummary<'a>],
    /// The placed chart.
    pub chart: Chart,
}

/// Every instrument the patient has administrations of, in the plan's order.
pub fn courses<'t, 'a>(
    trend: &'t PatientTrend<'a>,
    params: &BTreeMap<String, ChangeParams>,
) -> Vec<Course<'t, 'a>> {
    trend
        .uncovered()
        .filter_map(|(instrument, uncovered)| {
            let windows = trend
                .windows
                .iter()
                .find(|(i, _)| std::ptr::eq(*i, instrument))
                .map_or(&[][..], |(_, w)| w.as_slice());
            let change = params.get(&instrument.id).unwrap_or(&instrument.change);
            let chart = layout(instrument, change, windows, uncovered)?;
            Some(Course {
                instrument,
                windows,
                chart,
            })
        })
        .collect()
}

/// Where one patient × instrument's chart is in the page, for the overview to link to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartLink {
    /// Instrument id.
    pub instrument: String,
    /// The chart's anchor in the page.
    pub anchor: String,
}

/// Writes patient number `number`'s section (its anchors are `p{number}` and
/// `p{number}-{k}`) and returns where each chart is.
pub fn write_section(
    out: &mut String,
    number: usize,
    patient: &str,
    courses: &[Course<'_, '_>],
) -> Result<Vec<ChartLink>, fmt::Error> {
    let mut rows = Vec::with_capacity(courses.len());
    writeln!(
        out,
        "<section class=\"patient\" id=\"p{number}\" aria-labelledby=\"p{number}-h\">\
         <h2 id=\"p{number}-h\">Patient {}</h2>",
        text(patient)
    )?;
    for (k, course) in courses.iter().enumerate() {
        let anchor = format!("p{number}-{k}");
        let chart = &course.chart;
        let title = format!(
            "Patient {patient}: {} over the whole course",
            chart.instrument_name
        );
        writeln!(
            out,
            "<div class=\"chart-block\" id=\"{anchor}\"><h3>{} — {}</h3><div class=\"course\">",
            text(patient),
            text(&chart.instrument_name),
        )?;
        write_chart(
            out,
            chart,
            &anchor,
            &title,
            &describe(chart, course.windows),
            Embedding::Inline,
        )?;
        write_words(out, course)?;
        out.write_str("</div>\n")?;
        write_table(out, chart)?;
        out.write_str("</div>\n")?;
        rows.push(ChartLink {
            instrument: course.instrument.id.clone(),
            anchor,
        });
    }
    out.write_str("</section>\n")?;
    Ok(rows)
}

/// The status and change of every window, in words, beside the chart.
fn write_words(out: &mut String, course: &Course<'_, '_>) -> fmt::Result {
    out.write_str("<div class=\"words\">")?;
    if course.windows.is_empty() {
        out.write_str("<p>No dosing date: every administration is outside any window.</p>")?;
    }
    for w in course.windows {
        let class = if w.needs_safety_review() {
            " class=\"alert\""
        } else {
            ""
        };
        writeln!(out, "<p{class}>{}</p>", text(&window_sentence(w)))?;
    }
    let outside: Vec<&ChartPoint> = course
        .chart
        .points
        .iter()
        .filter(|p| p.state.safety && p.window.is_none())
        .collect();
    for p in outside {
        writeln!(
            out,
            "<p class=\"alert\">!! {}: safety item endorsed or unanswered, outside any window.</p>",
            p.date
        )?;
    }
    out.write_str("</div>")
}

/// The data under the chart, one row per administration.
fn write_table(out: &mut String, chart: &Chart) -> fmt::Result {
    writeln!(
        out,
        "<table class=\"data\"><caption>{} administrations</caption><thead><tr>\
         <th scope=\"col\">Date</th><th scope=\"col\">Total</th><th scope=\"col\">Severity</th>\
         <th scope=\"col\">Window</th><th scope=\"col\">Day</th><th scope=\"col\">Change</th>\
         <th scope=\"col\">Marked</th><th scope=\"col\">Flags</th><th scope=\"col\">Line</th>\
         </tr></thead><tbody>",
        text(&chart.instrument_name)
    )?;
    for p in &chart.points {
        let total = p
            .total
            .map_or_else(|| "invalid".to_owned(), |t| t.to_string());
        let window = p.window.map_or_else(
            || "outside any window".to_owned(),
            |i| {
                let d = &chart.dosings[i];
                format!("{} {}", d.label.as_deref().unwrap_or("dosing"), d.date)
            },
        );
        let day = p.days_since_dose.map(|d| d.to_string()).unwrap_or_default();
        let change = p.change.map(signed).unwrap_or_default();
        let marks = point_marks(p);
        let flags = p.flags.join(" ");
        let alert = if p.state.safety {
            " class=\"alert\""
        } else {
            ""
        };
        writeln!(
            out,
            "<tr{alert}><td>{}</td><td class=\"num\">{total}</td><td>{}</td><td>{}</td>\
             <td class=\"num\">{day}</td><td class=\"num\">{change}</td><td>{}</td>\
             <td>{}</td><td class=\"num\">{}</td></tr>",
            p.date,
            text(&p.severity),
            text(&window),
            text(&marks),
            text(&flags),
            p.line,
        )?;
    }
    out.write_str("</tbody></table>\n")
}

/// A point's states as words, for the table.
fn point_marks(p: &ChartPoint) -> String {
    let mut marks = Vec::new();
    for (on, what) in [
        (p.state.safety, "!! safety"),
        (p.state.baseline, "baseline"),
        (p.state.prorated, "prorated"),
        (p.state.invalid, "invalid"),
        (p.state.recall_overlap, "recall before dose"),
    ] {
        if on {
            marks.push(what);
        }
    }
    marks.join(", ")
}

/// One chart as a standalone SVG file.
pub fn standalone_svg(patient: &str, course: &Course<'_, '_>) -> Result<String, fmt::Error> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let title = format!(
        "Patient {patient}: {} over the whole course",
        course.chart.instrument_name
    );
    write_chart(
        &mut out,
        &course.chart,
        "chart",
        &title,
        &describe(&course.chart, course.windows),
        Embedding::Standalone,
    )?;
    Ok(out)
}
