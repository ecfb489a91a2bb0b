//! What a REDCap records export adds to reading a visits file.
//!
//! Once [`crate::redcap`] has renamed a project's fields to item columns (`phq_3` to
//! `phq9_3`) and named the record id as the patient column, a REDCap export reads as a visits
//! file, except in four ways, each handled here with the columns the data dictionary names:
//!
//! - Answers may be exported as their labels (`Several days`): they are read back as their
//!   codes, through the dictionary's choices.
//! - A repeating form sits on a row of its own, which carries only that form's fields, while
//!   the visit date sits on the event's first row. REDCap writes each event's non-repeating
//!   row before its repeating instances, so a blank date takes the date of the row above it
//!   with the same record and event, and nothing from further away.
//! - Each form has a status, `<form>_complete`: an administration whose form was saved as
//!   incomplete or unverified is scored and flagged, so the clinician knows the answers may
//!   not be final.
//! - A project may compute its own total in a calculated field. REDCap's `sum()` skips blank
//!   items, so it under-scores a form a rule would prorate; a total that disagrees with
//!   symscore's is flagged rather than trusted or hidden.
//!
//! The row's place in the project (event, repeating instrument, instance) is carried to the
//! output, so results can be matched to their rows and imported back.

use jiff::civil::Date;

use super::header::ColumnPlan;
use super::rows::Row;
use crate::columns::Columns;
use crate::score::{Flag, FlagKind, ScoreReport};

/// A form saved as incomplete (`<form>_complete` is 0) whose answers were scored.
pub const FORM_INCOMPLETE: &str = "FORM_INCOMPLETE";
/// A form saved as unverified (`<form>_complete` is 1) whose answers were scored.
pub const FORM_UNVERIFIED: &str = "FORM_UNVERIFIED";
/// A form status that is none of REDCap's: not 0, 1, 2, their labels, or blank.
pub const FORM_STATUS_UNKNOWN: &str = "FORM_STATUS_UNKNOWN";
/// REDCap's own calculated total is not symscore's total (or symscore has none).
pub const REDCAP_TOTAL_DIFFERS: &str = "REDCAP_TOTAL_DIFFERS";

/// The columns of a REDCap records export that need more than a visits file's reading, by
/// name after the renames (see the module documentation).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct RedcapRows {
    /// Columns copied from each row into
    /// [`RowOutcome::carried`](super::RowOutcome::carried), those present in the header:
    /// `redcap_event_name`, `redcap_repeat_instrument`, `redcap_repeat_instance`.
    pub carried: Vec<String>,
    /// The column naming the row's event, in a longitudinal project.
    pub event_column: Option<String>,
    /// The answer labels of item columns, for label exports: `(column, [(label, code)])`.
    pub labels: Vec<(String, Vec<(String, String)>)>,
    /// Each instrument's form status column: `(instrument id, column)`.
    pub status: Vec<(String, String)>,
    /// REDCap's own calculated total of an instrument: `(instrument id, column)`.
    pub totals: Vec<(String, String)>,
    /// Whether the date field holds a date and a time (`2025-03-04 14:30`): the time is
    /// dropped, as visits are dated by day.
    pub date_has_time: bool,
}

impl RedcapRows {
    /// The columns a REDCap export carries to the output, in this order, when present.
    pub const CARRIED: [&'static str; 3] = [
        "redcap_event_name",
        "redcap_repeat_instrument",
        "redcap_repeat_instance",
    ];
}

/// [`RedcapRows`] resolved against the header: field indices instead of names.
#[derive(Debug)]
pub(super) struct RedcapPlan {
    /// The header as exported, before the renames: messages name a cell by its REDCap field.
    fields: Vec<String>,
    carried: Vec<(String, usize)>,
    event: Option<usize>,
    /// By field index: the choices of that column.
    labels: Vec<Option<Choices>>,
    /// By instrument, in the order of the plan's instruments.
    status: Vec<Option<usize>>,
    totals: Vec<Option<usize>>,
    date_has_time: bool,
    /// The record, event and date of the last row that had a date.
    last_dated: Option<(Vec<u8>, Vec<u8>, Date)>,
    /// The date of the row being read, from its own date cell.
    own_date: Option<Date>,
}

impl RedcapPlan {
    /// Finds the named columns. A carried, status or total column missing from the header is
    /// left out: an export of a few fields need not include them.
    pub(super) fn new(rows: &RedcapRows, plan: &ColumnPlan<'_>, header: &[String]) -> Self {
        let columns = Columns::new(&plan.names);
        let find = |name: &str| columns.find(name).ok().flatten();
        let mut labels: Vec<Option<Choices>> = vec![None; plan.names.len()];
        for (column, choices) in &rows.labels {
            if let Some(index) = find(column) {
                labels[index] = Some(Choices::new(choices.clone()));
            }
        }
        let by_instrument = |pairs: &[(String, String)]| {
            plan.instruments
                .iter()
                .map(|columns| {
                    pairs
                        .iter()
                        .find(|(id, _)| *id == columns.instrument.id)
                        .and_then(|(_, column)| find(column))
                })
                .collect()
        };
        RedcapPlan {
            fields: header.to_vec(),
            carried: rows
                .carried
                .iter()
                .filter_map(|name| Some((name.clone(), find(name)?)))
                .collect(),
            event: rows.event_column.as_deref().and_then(find),
            labels,
            status: by_instrument(&rows.status),
            totals: by_instrument(&rows.totals),
            date_has_time: rows.date_has_time,
            last_dated: None,
            own_date: None,
        }
    }

    /// The REDCap field of column `index`, as the export names it.
    pub(super) fn field_name(&self, index: usize) -> Option<&str> {
        self.fields.get(index).map(String::as_str)
    }

    /// The names of the carried columns, in output order.
    pub(super) fn carried_names(&self) -> impl Iterator<Item = &str> {
        self.carried.iter().map(|(name, _)| name.as_str())
    }

    /// The row's carried values, into `values` (reusing its strings).
    pub(super) fn carry(&self, row: &Row, values: &mut Vec<String>) {
        values.resize_with(self.carried.len(), String::new);
        for ((_, index), value) in self.carried.iter().zip(values.iter_mut()) {
            value.clear();
            value.push_str(&String::from_utf8_lossy(
                row.get(*index).unwrap_or_default(),
            ));
        }
    }

    /// The cell of column `index` as its code when it is one of the column's answer labels,
    /// else as it is (see [`Choices::code`]).
    #[inline]
    pub(super) fn code<'a>(&'a self, index: usize, cell: &'a [u8]) -> &'a [u8] {
        match self.labels.get(index) {
            Some(Some(choices)) => choices.code(cell),
            _ => cell,
        }
    }

    /// The date cell as a date would be read: a date and time loses its time.
    pub(super) fn date_text<'a>(&self, text: &'a str) -> &'a str {
        if self.date_has_time {
            text.split_once([' ', 'T']).map_or(text, |(date, _)| date)
        } else {
            text
        }
    }

    /// Called with every row read, before it is scored: forgets the remembered date when
    /// the row starts another record or event.
    pub(super) fn start_row(&mut self, row: &Row, patient: usize) {
        let (record, event) = record_and_event(row, patient, self.event);
        if self
            .last_dated
            .as_ref()
            .is_some_and(|(r, e, _)| r != record || e != event)
        {
            self.last_dated = None;
        }
        self.own_date = None;
    }

    /// The date of the row being read, read from its own cell by
    /// [`remember_date`](Self::remember_date); `None` when its cell is blank or unreadable.
    pub(super) fn own_date(&self) -> Option<Date> {
        self.own_date
    }

    /// Remembers the date of the row just read, for the rows of its record and event below.
    pub(super) fn remember_date(&mut self, row: &Row, patient: usize, date: Date) {
        self.own_date = Some(date);
        let (record, event) = record_and_event(row, patient, self.event);
        // Most rows repeat the record and event above: their buffers are reused.
        let (last_record, last_event, last_date) = self
            .last_dated
            .get_or_insert_with(|| (Vec::new(), Vec::new(), date));
        if last_record.as_slice() != record || last_event.as_slice() != event {
            last_record.clear();
            last_record.extend_from_slice(record);
            last_event.clear();
            last_event.extend_from_slice(event);
        }
        *last_date = date;
    }

    /// The date of the row above with the same record and event, for a row without one.
    pub(super) fn date_above(&self) -> Option<Date> {
        self.last_dated.as_ref().map(|&(_, _, date)| date)
    }

    /// Adds the form-status and total flags of the instrument at `instrument` (its place in
    /// the plan) to its report. Returns the status column when its value is none of
    /// REDCap's, for the caller to report the cell.
    pub(super) fn flag(
        &self,
        instrument: usize,
        row: &Row,
        report: &mut ScoreReport<'_>,
    ) -> Option<usize> {
        let cell = |index: Option<usize>| {
            index
                .and_then(|index| row.get(index))
                .map(<[u8]>::trim_ascii)
        };
        let status_flag = match cell(self.status[instrument]) {
            None | Some(b"" | b"2" | b"Complete") => None,
            Some(b"0" | b"Incomplete") => Some(FORM_INCOMPLETE),
            Some(b"1" | b"Unverified") => Some(FORM_UNVERIFIED),
            Some(_) => Some(FORM_STATUS_UNKNOWN),
        };
        if let Some(name) = status_flag {
            report.flags.push(Flag {
                name,
                kind: FlagKind::DataQuality,
            });
        }
        let unknown_status = (status_flag == Some(FORM_STATUS_UNKNOWN))
            .then_some(self.status[instrument])
            .flatten();
        if let Some(theirs) = cell(self.totals[instrument]).filter(|total| !total.is_empty())
            && !totals_agree(&String::from_utf8_lossy(theirs), report)
        {
            report.flags.push(Flag {
                name: REDCAP_TOTAL_DIFFERS,
                kind: FlagKind::DataQuality,
            });
        }
        unknown_status
    }
}

/// The row's record id and event, trimmed: the key a blank date is carried down within.
fn record_and_event(row: &Row, patient: usize, event: Option<usize>) -> (&[u8], &[u8]) {
    let record = row.get(patient).unwrap_or_default().trim_ascii();
    let event = event
        .and_then(|index| row.get(index))
        .unwrap_or_default()
        .trim_ascii();
    (record, event)
}

/// One column's answer choices, for reading a label as its code.
#[derive(Debug, Clone)]
pub(super) struct Choices {
    /// `(label, code)` in the dictionary's order.
    choices: Vec<(String, String)>,
    /// Bit `d` set when the digit `d` alone is a code: the cells of a raw export, nearly every
    /// cell, are answered without comparing strings (a fifth of a 1M-row run before).
    digit_codes: u16,
}

impl Choices {
    pub(super) fn new(choices: Vec<(String, String)>) -> Self {
        let digit_codes = choices
            .iter()
            .filter_map(|(_, code)| match code.as_bytes() {
                [digit @ b'0'..=b'9'] => Some(1 << (digit - b'0')),
                _ => None,
            })
            .fold(0, |mask, bit| mask | bit);
        Choices {
            choices,
            digit_codes,
        }
    }

    /// The cell as its code when it is one of the labels, else as it is. A cell that is one
    /// of the codes stays that code, even where another choice's label reads the same
    /// (`0, 1 | 1, 2 | …`): a raw export, REDCap's default, is never shifted.
    #[inline]
    pub(super) fn code<'a>(&'a self, cell: &'a [u8]) -> &'a [u8] {
        let text = cell.trim_ascii();
        match *text {
            [] => return cell,
            [digit @ b'0'..=b'9'] if self.digit_codes & (1 << (digit - b'0')) != 0 => {
                return cell;
            }
            _ => {}
        }
        if self.choices.iter().any(|(_, code)| code.as_bytes() == text) {
            return cell;
        }
        self.choices
            .iter()
            .find(|(label, _)| label.as_bytes() == text)
            .map_or(cell, |(_, code)| code.as_bytes())
    }
}

/// Whether REDCap's total (a number as REDCap writes it: `12`, `12.0`) is symscore's total.
/// A prorated total is compared as it is reported, rounded: REDCap's `sum()` of the answered
/// items is lower, and that difference is the point of the comparison.
fn totals_agree(theirs: &str, report: &ScoreReport<'_>) -> bool {
    let Some(ours) = report.total else {
        return false;
    };
    let whole = match theirs.split_once('.') {
        Some((whole, fraction)) if fraction.bytes().all(|b| b == b'0') => whole,
        Some(_) => return false,
        None => theirs,
    };
    whole.parse::<u32>().is_ok_and(|theirs| theirs == ours)
}

#[cfg(test)]
mod tests;
