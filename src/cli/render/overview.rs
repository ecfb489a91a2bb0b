//! The caseload overview written out: a table that fits the terminal, or CSV, JSON and JSON
//! Lines with stable columns a pipeline can route on (`urgency`).

use std::fmt::Write as _;
use std::io::{BufWriter, Write};

use anyhow::Context as _;
use symscore::csv_cell::{
    push_csv_display, push_csv_field, push_date, push_int, push_signed, spreadsheet_safe,
};
use symscore::trend::{Concern, OverviewRow, Urgency};

use super::fit::{Column, Layout, Text, dropped_note};
use super::stream::{CsvBlocks, JsonArray, write_json_line};
use super::table::{table_text, terminal_safe};
use super::width::table_width;
use crate::cli::args::Format;

/// The machine-readable columns, in order. Add new ones at the end only.
pub(crate) const CSV_HEADER: [&str; 15] = [
    "patient_id",
    "instrument",
    "urgency",
    "status",
    "dosing_date",
    "dosing_label",
    "days_since_dosing",
    "window_end",
    "baseline",
    "latest",
    "change_points",
    "concerns",
    "reasons",
    "latest_administration",
    "earlier_safety",
];

/// The table's columns: who, the dosing, the scores, the status with its reasons, and when
/// the latest administration was. At 80 columns each fits with the reasons at the prose
/// floor; a longer id or label leaves the date out first, then the dosing.
const COLUMNS: [Column; 6] = [
    Column::kept("patient"),
    Column::kept("scale"),
    Column::droppable("dosing", 1),
    Column::kept("score"),
    Column::kept("status and why").prose(48),
    Column::droppable("last visit", 0),
];

/// Writes `rows` (already sorted) in `format`; `as_of` heads the table.
pub(crate) fn write_overview<W: Write>(
    format: Format,
    out: W,
    rows: &[OverviewRow],
    as_of: jiff::civil::Date,
    color: bool,
) -> anyhow::Result<()> {
    match format {
        Format::Csv => {
            let mut csv = CsvBlocks::new(out, &CSV_HEADER);
            for row in rows {
                csv_row(csv.rows(), row);
                csv.row_done()?;
            }
            csv.finish()?;
        }
        Format::Json => {
            let mut array = JsonArray::new(out);
            for row in rows {
                array.write(row)?;
            }
            array.finish()?;
        }
        Format::Jsonl => {
            let mut out = BufWriter::new(out);
            for row in rows {
                write_json_line(&mut out, row)?;
            }
            out.flush()?;
        }
        Format::Table => {
            let mut out = BufWriter::new(out);
            write!(out, "{}", table(rows, as_of, color, table_width()))
                .context("cannot write the table")?;
            out.flush()?;
        }
        Format::Fhir | Format::FhirBundle => {
            unreachable!("`trend` refuses FHIR formats first (Cli::refuse_fhir_outside_score)")
        }
    }
    Ok(())
}

/// One row as CSV: free text (ids, labels) made safe for a spreadsheet.
fn csv_row(out: &mut Vec<u8>, row: &OverviewRow) {
    push_csv_field(out, &spreadsheet_safe(&row.patient_id));
    out.push(b',');
    push_csv_field(out, &row.instrument);
    out.push(b',');
    push_csv_field(out, row.urgency.code());
    out.push(b',');
    if let Some(status) = row.status {
        push_csv_field(out, status.name());
    }
    out.push(b',');
    if let Some(dosing) = &row.dosing {
        push_date(out, dosing.date);
        out.push(b',');
        push_csv_field(
            out,
            &spreadsheet_safe(dosing.label.as_deref().unwrap_or("")),
        );
        out.push(b',');
        push_signed(out, dosing.days_since);
        out.push(b',');
        push_date(out, dosing.window_end);
    } else {
        out.extend_from_slice(b",,");
        out.push(b',');
    }
    out.push(b',');
    if let Some(baseline) = row.baseline {
        push_int(out, baseline.into());
    }
    out.push(b',');
    if let Some(latest) = row.latest {
        push_int(out, latest.into());
    }
    out.push(b',');
    if let Some(change) = row.change_points {
        push_signed(out, change);
    }
    out.push(b',');
    let codes: Vec<&str> = row.concerns.iter().map(|c| c.urgency().code()).collect();
    push_csv_field(out, &codes.join(";"));
    out.push(b',');
    push_csv_field(out, &spreadsheet_safe(&reasons(&row.concerns)));
    out.push(b',');
    if let Some(date) = row.latest_administration {
        push_date(out, date);
    }
    out.push(b',');
    if let Some(earlier) = &row.earlier_safety {
        push_csv_display(out, earlier);
    }
    out.push(b'\n');
}

/// The concerns in words, most urgent first.
fn reasons(concerns: &[Concern]) -> String {
    concerns
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The concerns for the table: the most urgent one (the row's rank) in capitals, so the
/// eye finds it, then the others. A safety answer has its `!!` and keeps its words.
fn status_cell(concerns: &[Concern]) -> String {
    let mut words: Vec<String> = concerns.iter().map(ToString::to_string).collect();
    if let (Some(first), Some(concern)) = (words.first_mut(), concerns.first())
        && concern.urgency() != Urgency::Safety
    {
        *first = first.to_ascii_uppercase();
    }
    words.join("; ")
}

/// The table, with a heading and, when columns were left out, a note.
fn table(
    rows: &[OverviewRow],
    as_of: jiff::civil::Date,
    color: bool,
    width: Option<usize>,
) -> String {
    let mut text = format!(
        "Caseload overview as of {as_of}: the current course of each patient × instrument, most urgent first.\n"
    );
    if let Some(width) = width {
        text = super::wrap::fit_lines(&text, width);
    }
    if rows.is_empty() {
        text.push_str("No rows.\n");
        return text;
    }
    let cells: Vec<Vec<Text>> = rows.iter().map(cells).collect();
    let layout = Layout::fit(&COLUMNS, &cells, width, &[]);
    let _ = writeln!(text, "{}", layout.draw(&COLUMNS, cells, color));
    if let Some(note) = dropped_note(
        &layout.dropped(&COLUMNS),
        "--format csv or a wider terminal",
    ) {
        let note = note + "\n";
        let note = match width {
            Some(width) => super::wrap::fit_lines(&note, width),
            None => note,
        };
        text.push_str(&note);
    }
    text
}

/// One row's cells.
fn cells(row: &OverviewRow) -> Vec<Text> {
    let dosing = match &row.dosing {
        Some(dosing) => match &dosing.label {
            Some(label) => format!("{}\nday {}", table_text(label), dosing.days_since),
            None => format!("{}\nday {}", dosing.date, dosing.days_since),
        },
        None => "none".to_owned(),
    };
    let total = |t: Option<u32>| t.map_or_else(|| "?".to_owned(), |t| t.to_string());
    let score = match (&row.dosing, row.change_points) {
        (None, _) => format!("?→{}", total(row.latest)),
        (Some(_), Some(change)) => {
            format!(
                "{}→{}\n({change:+})",
                total(row.baseline),
                total(row.latest)
            )
        }
        (Some(_), None) => format!("{}→{}", total(row.baseline), total(row.latest)),
    };
    let mut status = status_cell(&row.concerns);
    if let Some(earlier) = &row.earlier_safety {
        let _ = write!(status, "; before this course: {earlier}");
    }
    let alarm = row.urgency == Urgency::Safety || row.earlier_safety.is_some();
    vec![
        Text::from(terminal_safe(&row.patient_id)),
        Text::from(terminal_safe(&row.instrument)),
        Text::from(dosing),
        Text::from(score),
        Text::alarm(terminal_safe(&status), alarm),
        Text::from(
            row.latest_administration
                .map_or_else(String::new, |d| d.to_string()),
        ),
    ]
}
