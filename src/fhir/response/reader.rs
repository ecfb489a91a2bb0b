//! Reading responses one at a time from a single resource, a Bundle or NDJSON.

use std::collections::VecDeque;
use std::fmt::{self, Write as _};
use std::io::{BufRead, Read as _};

use serde::Deserialize as _;
use serde_json::Value;

use super::QuestionnaireResponse;
use super::mapping::{ItemMap, RESPONSE_IN_PROGRESS};
use super::select::Selection;
use super::text::{document, error, io_error, read_line};
use super::walk::Walk;
use crate::Location;
use crate::batch::{BatchOptions, BatchSummary, Diagnostic, DiagnosticKind, RowOutcome, RowStatus};
use crate::error::{BatchError, BatchErrorKind};
use crate::fhir::is_fhir_id;
use crate::instrument::Instrument;
use crate::record::ScoreRecord;
use crate::registry::Registry;
use crate::score::{Answer, is_not_administered, score};
use crate::score::{Flag, FlagKind, SafetyCheck};
use crate::shown_text::show_cell;

/// The largest whole JSON document (a single resource or a Bundle) read. It is parsed in
/// memory, where `serde_json`'s tree takes several times the text: 64 MiB holds a Bundle of
/// some 30,000 PHQ-9 responses; larger exports belong in NDJSON, which is read a line at a time.
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// The longest NDJSON line read: one response to a few questionnaires is a few kilobytes,
/// so 1 MiB keeps memory flat against a file with no line breaks.
pub const MAX_LINE_BYTES: u64 = 1024 * 1024;

/// What stops reading: the input cannot be read, or is not JSON at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseError {
    /// Where.
    pub location: Location,
    /// What was found and what was expected.
    pub message: String,
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for ResponseError {}

/// A run that reads either format stops with one error type.
impl From<ResponseError> for BatchError {
    fn from(err: ResponseError) -> Self {
        BatchError::new(BatchErrorKind::Resource, err.location, err.message)
    }
}

/// Counts over every resource read: `batch.rows` counts every resource, and equals
/// `scored + prorated + invalid + not_administered + not_selected` plus `entered_in_error`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResponseSummary {
    /// Counts as the CSV reader keeps them, one "row" per resource.
    pub batch: BatchSummary,
    /// Resources with status `entered-in-error`: read, not scored.
    pub entered_in_error: u64,
    /// Resources with status `in-progress`: scored and flagged.
    pub in_progress: u64,
}

enum Input {
    /// One resource a line; `line` is the last line read.
    Lines { line: u64 },
    /// The resources of a whole document, each with its Bundle entry index.
    Document(VecDeque<(Option<usize>, Value)>),
}

/// Reads `QuestionnaireResponse`s and scores them, one per [`RowOutcome`].
pub struct ResponseReader<'i, R> {
    source: String,
    input: R,
    mode: Input,
    pending: Option<Vec<u8>>,
    line_buf: Vec<u8>,
    pub(super) instruments: Vec<&'i Instrument>,
    pub(super) map: ItemMap,
    selection: Selection,
    summary: ResponseSummary,
}

/// A resource read: typed straight away, or a JSON tree still to be looked at.
enum Parsed<'t> {
    Response(QuestionnaireResponse<'t>),
    Other(Value),
}

/// Where a resource is, for messages.
pub(super) struct Place {
    line: u64,
    entry: Option<usize>,
}

impl<'i, R: BufRead> ResponseReader<'i, R> {
    /// Reads every response, for every instrument: [`with_options`](Self::with_options)
    /// with the default options.
    pub fn new(registry: &'i Registry, input: R, source: &str) -> Result<Self, ResponseError> {
        Self::with_options(registry, input, source, &BatchOptions::default())
    }

    /// Tells the input apart by content: a first line that is a whole JSON value makes it
    /// NDJSON; anything else is read as one document (a resource or a Bundle).
    ///
    /// Of `options`, what a FHIR input can use: [`patients`](BatchOptions::patients) and
    /// [`only`](BatchOptions::only) select as in a visits CSV, and
    /// [`renames`](BatchOptions::renames) map a site's own link ids to item columns
    /// (`PHQ-9.1` → `phq9_1`). The others describe CSV columns and cells.
    pub fn with_options(
        registry: &'i Registry,
        mut input: R,
        source: &str,
        options: &BatchOptions,
    ) -> Result<Self, ResponseError> {
        let instruments: Vec<&Instrument> = registry.iter().collect();
        let options_error = |message| error(source, None, message);
        let map = ItemMap::new(&instruments, &options.renames).map_err(options_error)?;
        let selection = Selection::new(&instruments, options).map_err(options_error)?;
        let mut first = Vec::new();
        read_line(&mut input, &mut first, source, 1)?;
        // A Bundle on one line (a server's compact searchset) is a whole document.
        let ndjson = serde_json::from_slice::<Value>(&first).is_ok_and(|v| {
            v.is_object() && v.get("resourceType").and_then(Value::as_str) != Some("Bundle")
        });
        let (mode, pending) = if ndjson {
            (Input::Lines { line: 0 }, Some(first))
        } else {
            let mut text = first;
            (&mut input)
                .take((MAX_DOCUMENT_BYTES + 1).saturating_sub(text.len() as u64))
                .read_to_end(&mut text)
                .map_err(|err| io_error(source, &err))?;
            if text.len() as u64 > MAX_DOCUMENT_BYTES {
                return Err(error(
                    source,
                    None,
                    format!(
                        "expected a JSON document of at most {MAX_DOCUMENT_BYTES} bytes, found a larger one; write a large export as NDJSON, one resource a line"
                    ),
                ));
            }
            (Input::Document(document(&text, source)?), None)
        };
        Ok(ResponseReader {
            source: source.to_owned(),
            input,
            mode,
            pending,
            line_buf: Vec::new(),
            instruments,
            map,
            selection,
            summary: ResponseSummary::default(),
        })
    }

    /// The instruments whose scores are output, in registry order: every one, or those
    /// [`BatchOptions::only`] names.
    pub fn instruments(&self) -> impl Iterator<Item = &'i Instrument> + '_ {
        self.selection
            .output_instruments(&self.instruments)
            .into_iter()
    }

    /// The column each outcome carries ([`RowOutcome::carried`]): the resource scored.
    pub fn carried_columns(&self) -> Vec<&'static str> {
        vec![super::QUESTIONNAIRE_RESPONSE_COLUMN]
    }

    /// Counts so far.
    pub fn summary(&self) -> ResponseSummary {
        self.summary
    }

    /// Reads and scores the next resource into `outcome`; `false` at the end. A resource
    /// skipped as `entered-in-error` gives an outcome with no records.
    pub fn read_row(&mut self, outcome: &mut RowOutcome<'i>) -> Result<bool, ResponseError> {
        outcome.records.clear();
        outcome.diagnostics.clear();
        outcome.repeats.clear();
        outcome.unselected_safety.clear();
        outcome.carried.clear();
        outcome.status = RowStatus::NotAdministered;
        // The line buffer is reused from line to line; the typed resource borrows its
        // strings from it rather than allocating each one.
        let mut text = std::mem::take(&mut self.line_buf);
        let read = loop {
            match self.read_into(&mut text, outcome) {
                Ok(Read::OtherPatient) => {
                    // Counted, and neither scored nor reported: a run about one patient
                    // says nothing of another's resources.
                    self.summary.batch.rows += 1;
                    self.summary.batch.not_selected += 1;
                    outcome.records.clear();
                    outcome.diagnostics.clear();
                    outcome.unselected_safety.clear();
                    outcome.carried.clear();
                    outcome.status = RowStatus::NotAdministered;
                }
                Ok(read) => break Ok(read == Read::Resource),
                Err(err) => break Err(err),
            }
        };
        self.line_buf = text;
        read
    }

    fn read_into(
        &mut self,
        text: &mut Vec<u8>,
        outcome: &mut RowOutcome<'i>,
    ) -> Result<Read, ResponseError> {
        let (place, value) = match &mut self.mode {
            Input::Lines { line } => loop {
                text.clear();
                if let Some(pending) = self.pending.take() {
                    *text = pending;
                } else if read_line(&mut self.input, text, &self.source, *line + 1)? == 0 {
                    return Ok(Read::End);
                }
                *line += 1;
                if !text.trim_ascii().is_empty() {
                    break (
                        Place {
                            line: *line,
                            entry: None,
                        },
                        None,
                    );
                }
            },
            Input::Document(entries) => {
                let Some((entry, value)) = entries.pop_front() else {
                    return Ok(Read::End);
                };
                (
                    Place {
                        line: entry.map_or(1, |e| e as u64 + 1),
                        entry,
                    },
                    Some(value),
                )
            }
        };
        let value = match value {
            Some(value) => Parsed::Other(value),
            // Straight into the typed resource, the common case: several times faster
            // than a JSON tree. Anything else goes through the tree to say what it is.
            None => match serde_json::from_slice::<QuestionnaireResponse>(text) {
                Ok(response)
                    if response.resource_type.as_deref() == Some("QuestionnaireResponse") =>
                {
                    Parsed::Response(response)
                }
                _ => match serde_json::from_slice::<Value>(text) {
                    Ok(value) => Parsed::Other(value),
                    Err(err) => {
                        return Err(error(
                            &self.source,
                            Some(place.line),
                            format!(
                                "expected one JSON resource on the line, found invalid JSON ({err})"
                            ),
                        ));
                    }
                },
            },
        };
        outcome.line = place.line;
        let skipped_before = self.summary.entered_in_error;
        if !self.score_resource(&place, value, outcome) {
            return Ok(Read::OtherPatient);
        }
        if self.summary.entered_in_error == skipped_before {
            self.count(outcome);
        } else {
            // Counted as entered-in-error only, not as "not administered".
            self.summary.batch.rows += 1;
        }
        Ok(Read::Resource)
    }

    fn count(&mut self, outcome: &RowOutcome<'i>) {
        let s = &mut self.summary.batch;
        s.rows += 1;
        s.records += outcome.records.len() as u64;
        match outcome.status {
            RowStatus::Scored => s.scored += 1,
            RowStatus::Prorated => s.prorated += 1,
            RowStatus::Invalid => s.invalid += 1,
            RowStatus::NotAdministered => s.not_administered += 1,
        }
    }

    fn place_text(place: &Place, id: Option<&str>) -> String {
        let mut text = match place.entry {
            Some(entry) => format!("entry[{entry}]"),
            None => String::from("resource"),
        };
        if let Some(id) = id {
            let _ = write!(text, " (QuestionnaireResponse/{})", show_cell(id));
        }
        text
    }

    pub(super) fn diagnostic(
        &self,
        place: &Place,
        kind: DiagnosticKind,
        message: String,
    ) -> Diagnostic {
        let line = if place.entry.is_none() {
            Some(place.line)
        } else {
            None
        };
        Diagnostic {
            kind,
            location: Location {
                source: self.source.clone(),
                line,
                column: None,
            },
            column: None,
            message,
        }
    }

    /// Scores one resource into `outcome`; `false` for a response of a patient not asked
    /// for, left unscored. A resource that is no response is reported whoever asked.
    fn score_resource(
        &mut self,
        place: &Place,
        parsed: Parsed<'_>,
        outcome: &mut RowOutcome<'i>,
    ) -> bool {
        let value = match parsed {
            Parsed::Response(response) => return self.score_response(place, &response, outcome),
            Parsed::Other(value) => value,
        };
        let found = value
            .get("resourceType")
            .and_then(Value::as_str)
            .unwrap_or("no resourceType")
            .to_owned();
        if found != "QuestionnaireResponse" {
            let what = if found == "Bundle" && place.entry.is_some() {
                "a Bundle inside the Bundle".to_owned()
            } else {
                format!("'{}'", show_cell(&found))
            };
            let at = Self::place_text(place, None);
            outcome.diagnostics.push(self.diagnostic(
                place,
                DiagnosticKind::Resource,
                format!("{at}: expected a QuestionnaireResponse, found {what}"),
            ));
            outcome.status = RowStatus::Invalid;
            return true;
        }
        let response = match QuestionnaireResponse::deserialize(&value) {
            Ok(response) => response,
            Err(err) => {
                let at = Self::place_text(place, None);
                outcome.diagnostics.push(self.diagnostic(place, DiagnosticKind::Resource, format!("{at}: expected a QuestionnaireResponse, found one that does not fit R4 ({err})")));
                outcome.status = RowStatus::Invalid;
                return true;
            }
        };
        self.score_response(place, &response, outcome)
    }

    fn score_response(
        &mut self,
        place: &Place,
        response: &QuestionnaireResponse<'_>,
        outcome: &mut RowOutcome<'i>,
    ) -> bool {
        let reference = response
            .subject
            .as_ref()
            .and_then(|s| s.reference.as_deref());
        if !self.selection.patient(reference.and_then(patient_id)) {
            return false;
        }
        let at = Self::place_text(place, response.id.as_deref());
        outcome.carried.push(
            response
                .id
                .as_deref()
                .filter(|id| is_fhir_id(id))
                .map(|id| format!("QuestionnaireResponse/{id}"))
                .unwrap_or_default(),
        );
        let in_progress = match response.status.as_deref() {
            Some("entered-in-error") => {
                self.summary.entered_in_error += 1;
                return true;
            }
            Some("completed" | "amended") => false,
            Some("in-progress") => {
                self.summary.in_progress += 1;
                true
            }
            other => {
                outcome.diagnostics.push(self.diagnostic(place, DiagnosticKind::Resource, format!("{at}: status: expected completed, amended, in-progress or entered-in-error, found '{}'; scored as given", show_cell(other.unwrap_or("no status")))));
                false
            }
        };
        let patient = match reference {
            None => {
                outcome.diagnostics.push(self.diagnostic(place, DiagnosticKind::NoPatientId, format!("{at}: subject: expected a reference `Patient/<id>`, found no subject; scored without a patient")));
                None
            }
            Some(reference) => {
                let id = patient_id(reference);
                if id.is_none() {
                    outcome.diagnostics.push(self.diagnostic(place, DiagnosticKind::NoPatientId, format!("{at}: subject.reference: expected `Patient/<id>`, found '{}'; scored without a patient", show_cell(reference))));
                }
                id.map(str::to_owned)
            }
        };
        let date = match response.authored.as_deref() {
            None => None,
            Some(authored) => {
                let date = authored
                    .get(..10)
                    .and_then(|d| d.parse::<jiff::civil::Date>().ok());
                if date.is_none() {
                    outcome.diagnostics.push(self.diagnostic(place, DiagnosticKind::Resource, format!("{at}: authored: expected a FHIR dateTime (YYYY-MM-DD…), found '{}'; the date is left blank", show_cell(authored))));
                }
                date
            }
        };
        // One answer vector per instrument, filled only for instruments the response touches.
        let mut answers: Vec<Option<Vec<Answer>>> = vec![None; self.instruments.len()];
        let mut unmapped = 0usize;
        let mut invalid_answer = false;
        let mut walk = Walk {
            reader: self,
            place,
            at: &at,
            answers: &mut answers,
            unmapped: &mut unmapped,
            invalid: &mut invalid_answer,
            steps: Vec::new(),
            seen: vec![None; self.map.dense_count()],
            first_steps: Vec::new(),
            diagnostics: &mut outcome.diagnostics,
        };
        walk.items(&response.item);
        if answers.iter().all(Option::is_none) {
            outcome.diagnostics.push(self.diagnostic(place, DiagnosticKind::Resource, format!("{at}: expected items of an instrument symscore knows (by LOINC code or link id), found {unmapped} item(s) that map to none")));
            outcome.status = RowStatus::Invalid;
            return true;
        }
        let mut status = RowStatus::Scored;
        for (index, answers) in answers.iter().enumerate() {
            let Some(answers) = answers else { continue };
            if is_not_administered(answers) {
                continue;
            }
            let instrument = self.instruments[index];
            let mut report = score(instrument, answers).expect("one answer per item");
            if in_progress {
                report.flags.push(Flag {
                    name: RESPONSE_IN_PROGRESS,
                    kind: FlagKind::DataQuality,
                });
            }
            if !self.selection.in_output(index) {
                // Left out of the output, but never out of the safety review.
                if report.safety.iter().any(SafetyCheck::needs_review) {
                    outcome.unselected_safety.push(ScoreRecord {
                        patient_id: patient.clone(),
                        date,
                        report,
                        line: Some(place.line),
                    });
                }
                continue;
            }
            if report.missing > instrument.max_missing {
                outcome.diagnostics.push(self.diagnostic(
                    place,
                    DiagnosticKind::TooManyMissing,
                    format!(
                        "{at}: `{}` has {} unanswered, more than the {} its total allows; no total",
                        instrument.id, report.missing, instrument.max_missing
                    ),
                ));
            }
            if report.is_invalid() {
                status = RowStatus::Invalid;
            } else if report.missing > 0 && status == RowStatus::Scored {
                status = RowStatus::Prorated;
            }
            outcome.records.push(ScoreRecord {
                patient_id: patient.clone(),
                date,
                report,
                line: Some(place.line),
            });
        }
        if outcome.records.is_empty() {
            status = RowStatus::NotAdministered;
        }
        if invalid_answer || patient.is_none() {
            status = RowStatus::Invalid;
        }
        outcome.status = status;
        true
    }
}

/// What reading one resource gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    /// A resource, scored or reported.
    Resource,
    /// A response of a patient not asked for, left unscored.
    OtherPatient,
    /// The end of the input.
    End,
}

/// The patient id of a reference `Patient/<id>` (absolute URLs included); `None` for a
/// reference to anything else.
fn patient_id(reference: &str) -> Option<&str> {
    match reference.rsplit_once("Patient/") {
        Some((_, id)) if !id.is_empty() && !id.contains('/') => Some(id),
        _ => None,
    }
}
