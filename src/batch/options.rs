//! How a visits CSV is read: its columns, dates, blanks, delimiter, and which rows count.

use std::collections::HashSet;

use super::{DateFormat, RedcapRows};
use crate::answer_cell::MissingTokens;
use crate::columns::PATIENT_COLUMN;

/// How to read the input.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BatchOptions {
    /// Column holding the patient id.
    pub patient_column: String,
    /// Column holding the visit date; `None` uses `date` when present.
    pub date_column: Option<String>,
    /// Whether a date column must exist (trend analysis needs one).
    pub date_required: bool,
    /// How dates are written.
    pub date_format: DateFormat,
    /// Column renames `(source, target)` applied to the header before anything else.
    pub renames: Vec<(String, String)>,
    /// What counts as a blank answer.
    pub missing: MissingTokens,
    /// Field delimiter.
    pub delimiter: u8,
    /// Score only these instruments; empty means every instrument whose columns are present.
    pub only: Vec<String>,
    /// Report administrations that repeat an earlier row's patient, date and instrument
    /// (within a patient's consecutive rows). `trend` turns this off: it holds each patient's
    /// visits and finds repeats anywhere in the file itself.
    pub report_repeats: bool,
    /// Read only these patients' rows; the others are counted in
    /// [`BatchSummary::not_selected`](super::BatchSummary::not_selected) and neither scored nor reported. `None` reads everyone.
    pub patients: Option<HashSet<String>>,
    /// The input is a REDCap records export: what its columns add (see [`RedcapRows`]).
    pub redcap: Option<RedcapRows>,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            patient_column: PATIENT_COLUMN.to_owned(),
            date_column: None,
            date_required: false,
            date_format: DateFormat::Iso,
            renames: Vec::new(),
            missing: MissingTokens::default(),
            delimiter: b',',
            only: Vec::new(),
            report_repeats: true,
            patients: None,
            redcap: None,
        }
    }
}
