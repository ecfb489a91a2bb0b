//! Writing the administrations no window covers (before the first dosing, between or after
//! windows, or of a patient without a dosing date), beside the window summaries.
//!
//! They share the summaries' shape so that one reader handles both: in CSV one row with the
//! window cells empty, `status` `OUTSIDE_WINDOW` or `NO_DOSING` and the administration in the
//! point cells; in JSON an object with `dosing_date: null` and one point.

use std::fmt::Write as _;

use serde::Serialize;
use symscore::csv_cell::{
    push_csv_display, push_csv_field, push_date, push_flags, push_int, spreadsheet_safe,
};
use symscore::instrument::Instrument;
use symscore::score::{Flag, SAFETY_MARK};
use symscore::trend::{Places, Uncovered, UncoveredPoint, UncoveredReason};

use super::table::terminal_safe;
use super::trend::{PlaceCells, json_places};

/// One administration in no window, with who and what it is about.
pub(crate) struct UncoveredRow<'a, 'i> {
    pub(crate) patient_id: &'a str,
    pub(crate) instrument: &'i Instrument,
    pub(crate) point: &'a UncoveredPoint<'i>,
    /// Where the point came from in a REDCap export (none for a visits file).
    pub(crate) places: &'a Places,
}

impl UncoveredRow<'_, '_> {
    /// The point's safety flags: the window-level `flags` of this record.
    fn safety_flags(&self) -> impl Iterator<Item = &Flag<'_>> {
        self.point.flags.iter().filter(|f| f.needs_safety_review())
    }
}

impl Serialize for UncoveredRow<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Point<'a, 'i> {
            date: String,
            days_since_dose: Option<i64>,
            total: Option<u32>,
            severity: &'i str,
            flags: &'a [Flag<'i>],
            line: u64,
        }
        #[derive(Serialize)]
        struct Flat<'a, 'i> {
            patient_id: &'a str,
            instrument: &'i str,
            instrument_version: &'i str,
            dosing_date: Option<&'a str>,
            dosing_label: Option<&'a str>,
            window_end: Option<&'a str>,
            status: Uncovered,
            status_reason: &'a UncoveredReason,
            flags: Vec<&'a Flag<'i>>,
            points: [Point<'a, 'i>; 1],
            #[serde(skip_serializing_if = "Option::is_none")]
            places: Option<Vec<PlaceCells<'a>>>,
        }
        let p = self.point;
        Flat {
            patient_id: self.patient_id,
            instrument: &self.instrument.id,
            instrument_version: &self.instrument.version,
            dosing_date: None,
            dosing_label: None,
            window_end: None,
            status: p.status,
            status_reason: &p.status_reason,
            flags: self.safety_flags().collect(),
            points: [Point {
                date: p.date.to_string(),
                days_since_dose: None,
                total: p.total,
                severity: p.severity,
                flags: p.flags,
                line: p.line,
            }],
            places: json_places(self.places, std::iter::once(p.place)),
        }
        .serialize(serializer)
    }
}

/// The trend CSV row of one uncovered administration: the 38 columns of `CSV_HEADER`, those
/// of a window (dosing, baseline, change, parameters) empty.
pub(crate) fn push_csv_row(out: &mut Vec<u8>, row: &UncoveredRow<'_, '_>) {
    let p = row.point;
    push_csv_field(out, &spreadsheet_safe(row.patient_id));
    out.push(b',');
    push_csv_field(out, &row.instrument.id);
    out.push(b',');
    push_csv_field(out, &row.instrument.version);
    // dosing_date … nhs_tt_class: 14 window cells.
    out.extend_from_slice(b",,,,,,,,,,,,,,,");
    out.extend_from_slice(p.status.name().as_bytes());
    out.push(b',');
    push_csv_display(out, &p.status_reason);
    // on_track: none without a window.
    out.extend_from_slice(b",,");
    push_flags(out, row.safety_flags().map(|f| f.name));
    out.push(b',');
    push_date(out, p.date);
    // days_since_dose: none without a window.
    out.extend_from_slice(b",,");
    if let Some(total) = p.total {
        push_int(out, total.into());
    }
    out.push(b',');
    out.extend_from_slice(p.severity.as_bytes());
    out.push(b',');
    push_flags(out, p.flags.iter().map(|f| f.name));
    // point_change_points, point_change_pct, recall_overlaps_dose: none without a window;
    // never used for a plateau.
    out.extend_from_slice(b",,,,false,");
    push_int(out, p.line);
    // The seven parameter cells belong to a window.
    out.extend_from_slice(b",,,,,,,");
    PlaceCells {
        places: row.places,
        place: p.place,
    }
    .push_csv(out);
    out.push(b'\n');
}

/// The table text of one uncovered administration; safety first, marked `!!`.
pub(crate) fn render(row: &UncoveredRow<'_, '_>) -> String {
    let p = row.point;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "\n{} · {} · {}: {}",
        row.instrument.name,
        p.date,
        p.status.name(),
        p.status_reason
    );
    for flag in row.safety_flags() {
        let _ = writeln!(
            text,
            "  {SAFETY_MARK} {} at this administration, outside every window: {}",
            terminal_safe(flag.name),
            terminal_safe(super::trend::safety_words(row.instrument, flag))
        );
    }
    let flags = super::trend::flag_list(p.flags);
    let _ = writeln!(
        text,
        "  Total: {} ({}){} · line {}",
        p.total.map_or_else(|| "—".to_owned(), |t| t.to_string()),
        p.severity,
        if flags.is_empty() {
            String::new()
        } else {
            format!(" · {flags}")
        },
        p.line
    );
    text
}
