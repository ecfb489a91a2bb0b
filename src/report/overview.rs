//! The caseload overview on top of the report: one row per patient × instrument for the
//! current course, most urgent first (the rows of [`crate::trend::Overview`], clinical rules
//! §12), each linking to the patient's chart below.

use std::fmt::{self, Write as _};

use jiff::civil::Date;

use super::markup::text;
use crate::trend::{OverviewRow, Urgency};

/// Writes the overview table; `anchor` gives the page anchor of a row's chart (`None` when
/// the row has no chart, which a row of the same run always has).
pub fn write_overview(
    out: &mut String,
    rows: &[OverviewRow],
    as_of: Date,
    anchor: impl Fn(&OverviewRow) -> Option<String>,
) -> fmt::Result {
    write!(
        out,
        "<nav class=\"index\" aria-label=\"Caseload overview\"><h2>Caseload overview, as of \
         {as_of}</h2>\n<p>Each patient × instrument on its current course (the latest dosing on \
         or before {as_of}), most urgent first: a safety answer, deterioration, not on track, a \
         plateau, an overdue follow-up, not enough data, no dosing, still changing, at target \
         (docs/clinical-rules.md §12).</p>\n"
    )?;
    if rows.is_empty() {
        return out.write_str("<p>No patient has a scored visit in this selection.</p></nav>\n");
    }
    out.write_str(
        "<table><thead><tr><th scope=\"col\">Patient</th><th scope=\"col\">Instrument</th>\
         <th scope=\"col\">Urgency</th><th scope=\"col\">Current course</th>\
         <th scope=\"col\">Baseline → latest</th><th scope=\"col\">Why</th>\
         <th scope=\"col\">Latest administration</th></tr></thead>\n<tbody>\n",
    )?;
    for row in rows {
        write_row(out, row, anchor(row).as_deref())?;
    }
    out.write_str("</tbody></table></nav>\n")
}

fn write_row(out: &mut String, row: &OverviewRow, anchor: Option<&str>) -> fmt::Result {
    let linked = |out: &mut String, words: &str| match anchor {
        Some(anchor) => write!(out, "<a href=\"#{}\">{}</a>", text(anchor), text(words)),
        None => write!(out, "{}", text(words)),
    };
    let safety = row.urgency == Urgency::Safety || row.earlier_safety.is_some();
    out.write_str(if safety {
        "<tr class=\"safety\"><td>"
    } else {
        "<tr><td>"
    })?;
    linked(out, &row.patient_id)?;
    out.write_str("</td><td>")?;
    linked(out, &row.instrument)?;
    write!(out, "</td><td>{}</td><td>", row.urgency.code())?;
    match &row.dosing {
        Some(dosing) => {
            if let Some(label) = &dosing.label {
                write!(out, "{}, ", text(label))?;
            }
            // A date never breaks at its hyphens.
            write!(
                out,
                "<span class=\"date\">{}</span>, day {}",
                dosing.date, dosing.days_since
            )?;
        }
        None => out.write_str("no dosing")?,
    }
    out.write_str("</td><td>")?;
    let total = |total: Option<u32>| total.map_or_else(|| "?".to_owned(), |t| t.to_string());
    write!(out, "{} → {}", total(row.baseline), total(row.latest))?;
    if let Some(change) = row.change_points {
        write!(out, " ({change:+})")?;
    }
    out.write_str("</td><td>")?;
    // The most urgent concern first and in bold; a safety concern's words carry its `!!`.
    for (i, concern) in row.concerns.iter().enumerate() {
        let words = text(&concern.to_string()).to_string();
        let words = if concern.urgency() == Urgency::Safety {
            format!("<span class=\"alert\">{words}</span>")
        } else {
            words
        };
        if i == 0 {
            write!(out, "<strong>{words}</strong>")?;
        } else {
            write!(out, "; {words}")?;
        }
    }
    if let Some(earlier) = &row.earlier_safety {
        write!(
            out,
            "; <span class=\"alert\">before this course: {}</span>",
            text(&earlier.to_string())
        )?;
    }
    out.write_str("</td><td>")?;
    match row.latest_administration {
        Some(date) => write!(out, "<span class=\"date\">{date}</span>")?,
        None => out.write_str("none")?,
    }
    out.write_str("</td></tr>\n")
}
