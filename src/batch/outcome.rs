//! What reading one row gives: its records, the problems found, how it counts, and the
//! counts over the whole input.

use std::fmt;

use crate::error::Location;
use crate::record::ScoreRecord;
use crate::repeated_visit::RepeatedVisit;
use crate::shown_text::show_cell;

/// A problem with one cell that does not stop the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of problem it is, for a caller to match on.
    pub kind: DiagnosticKind,
    /// File, line and field number.
    pub location: Location,
    /// The column name (after `--map`), when the problem is one cell.
    pub column: Option<String>,
    /// What was found and what was expected.
    pub message: String,
}

/// What kind of problem a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// An answer cell (scored or unscored item) that is not an answer on the scale.
    Answer,
    /// A cell that is not UTF-8.
    NotUtf8,
    /// An empty patient id.
    NoPatientId,
    /// An empty visit date.
    NoDate,
    /// A visit date that cannot be read; the kind says why.
    Date(super::DateErrorKind),
    /// More blank items than the instrument's proration limit allows: no total.
    TooManyMissing,
    /// A REDCap form status (`<form>_complete`) that is none of REDCap's values; the form
    /// is scored and flagged `FORM_STATUS_UNKNOWN`.
    FormStatus,
    /// A FHIR input resource that cannot be scored as a whole: not a `QuestionnaireResponse`,
    /// a Bundle inside a Bundle, a status or date that cannot be read, or no item that
    /// matches an instrument.
    Resource,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            // The column name and the patient id come from the file: shown escaped, as
            // the found cells in `message` are.
            Some(column) => write!(
                f,
                "{}: column '{}': {}",
                self.location,
                show_cell(column),
                self.message
            ),
            None => write!(f, "{}: {}", self.location, self.message),
        }
    }
}

/// How a row was accounted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStatus {
    /// Every administration on the row has a total from complete answers.
    Scored,
    /// Every administration has a total, at least one prorated.
    Prorated,
    /// At least one administration has no valid total, or a cell could not be read.
    Invalid,
    /// Every instrument's items are blank: nothing to score, nothing wrong.
    NotAdministered,
}

/// One input row after scoring.
///
/// [`BatchReader::read_row`](super::BatchReader::read_row) refills the same outcome row after row, reusing its vectors,
/// as the csv crate refills a `ByteRecord`; [`BatchReader::next_row`](super::BatchReader::next_row) returns a new one.
#[derive(Debug, Clone)]
pub struct RowOutcome<'i> {
    /// 1-based line where the row starts.
    pub line: u64,
    /// One record per administered instrument, in registry order.
    pub records: Vec<ScoreRecord<'i>>,
    /// Cells that could not be used.
    pub diagnostics: Vec<Diagnostic>,
    /// How the row counts in the summary.
    pub status: RowStatus,
    /// Administrations that repeat an earlier row's patient, date and instrument, each
    /// naming the first such row of the patient's consecutive rows.
    pub repeats: Vec<RepeatedVisit<'i>>,
    /// Instruments left out with [`BatchOptions::only`](super::BatchOptions::only) whose
    /// safety items need review on this row (endorsed, or unknown on a form that was given).
    /// They are not scored for output, and their cells are not reported; they are here so that
    /// narrowing the output never hides a safety answer. Each record's report is complete, but
    /// only its safety checks and safety flags are meant to be used.
    pub unselected_safety: Vec<ScoreRecord<'i>>,
    /// The row's values of the columns a REDCap export carries to the output
    /// ([`BatchReader::carried_columns`](super::BatchReader::carried_columns)), shared by its
    /// records; empty for a visits file.
    pub carried: Vec<String>,
}

impl Default for RowOutcome<'_> {
    /// An empty outcome to read rows into.
    fn default() -> Self {
        RowOutcome {
            line: 0,
            records: Vec::new(),
            diagnostics: Vec::new(),
            status: RowStatus::NotAdministered,
            repeats: Vec::new(),
            unselected_safety: Vec::new(),
            carried: Vec::new(),
        }
    }
}

/// Counts over every row read;
/// `scored + prorated + invalid + not_administered + not_selected == rows`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchSummary {
    /// Data rows read (the header is not counted).
    pub rows: u64,
    /// Rows fully scored from complete answers.
    pub scored: u64,
    /// Rows scored with at least one prorated total.
    pub prorated: u64,
    /// Rows with an invalid administration or unreadable cell.
    pub invalid: u64,
    /// Rows with nothing administered.
    pub not_administered: u64,
    /// Rows of patients not asked for (`BatchOptions::patients`): read, not scored.
    pub not_selected: u64,
    /// Records produced (one per administered instrument per row).
    pub records: u64,
    /// Administrations repeating an earlier one of the same patient, date and instrument.
    pub repeats: u64,
}
