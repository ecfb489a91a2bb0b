//! Batch scoring of a visits CSV, one row at a time.
//!
//! The only library module that reads files, and it reads generically from any `io::Read`.
//! [`BatchReader`] yields one [`RowOutcome`] per input row, so the caller can write each
//! row's records before the next is read: memory stays flat however long the file is.
//!
//! What stops the run (returned as [`BatchError`]): a header that does not fit, malformed CSV.
//! What does not (returned as [`Diagnostic`]s with the row): an unusable answer, an
//! unreadable date or patient id. Every row ends up in exactly one [`BatchSummary`] count.

mod date;
mod dosing;
mod grouping;
mod header;
mod line_endings;
mod outcome;
mod records;
mod repeats;
mod reread;
#[cfg(test)]
mod test_input;

use std::collections::HashSet;
use std::io;

use jiff::civil::Date;

pub(crate) use date::is_iso_shaped;
pub use date::{DateError, DateErrorKind, DateFormat};
pub use dosing::{DosingSchedule, read_dosing};
pub use header::shown_delimiter;
use header::{ColumnPlan, HeaderRequest, plan_columns};
use line_endings::{LineEndings, SkipBom};
pub use outcome::{BatchSummary, Diagnostic, DiagnosticKind, RowOutcome, RowStatus};
use records::{Record, RecordReader};
use repeats::PatientRowRepeats;
pub use reread::{FileStamp, patients_are_grouped_in};

use crate::answer_cell::{MissingTokens, common_answer, parse_answer};
use crate::error::{BatchError, BatchErrorKind, HeaderProblem, Location};
use crate::record::ScoreRecord;
use crate::registry::Registry;
use crate::score::{Answer, ScoreReport, is_not_administered, score_into};

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
    /// [`BatchSummary::not_selected`] and neither scored nor reported. `None` reads everyone.
    pub patients: Option<HashSet<String>>,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            patient_column: "patient_id".to_owned(),
            date_column: None,
            date_required: false,
            date_format: DateFormat::Iso,
            renames: Vec::new(),
            missing: MissingTokens::default(),
            delimiter: b',',
            only: Vec::new(),
            report_repeats: true,
            patients: None,
        }
    }
}

/// Reads and scores a visits CSV row by row.
pub struct BatchReader<'i, R> {
    source: String,
    reader: RecordReader<LineEndings<SkipBom<R>>>,
    plan: ColumnPlan<'i>,
    options: BatchOptions,
    record: Record,
    summary: BatchSummary,
    repeats: PatientRowRepeats,
    /// One instrument's answers, reused from form to form.
    answers: Vec<Answer>,
    /// Records of earlier rows with more administrations than the current one, kept to be
    /// scored into again instead of allocated anew.
    spare_records: Vec<ScoreRecord<'i>>,
}

impl<'i, R: io::Read> BatchReader<'i, R> {
    /// Reads the header and works out the columns. `source` names the input in messages.
    pub fn new(
        registry: &'i Registry,
        input: R,
        source: &str,
        options: BatchOptions,
    ) -> Result<Self, BatchError> {
        let mut reader = RecordReader::new(
            LineEndings::new(SkipBom::new(input), options.delimiter),
            options.delimiter,
        );
        let mut raw_header = Record::default();
        let header_result = reader.read(&mut raw_header);
        // A workbook or a UTF-16 export fails in confusing ways further down; name it here.
        if let Some(kind) = reader.get_ref().not_csv() {
            return Err(BatchError::new(
                BatchErrorKind::NotCsv,
                Location::at(source, 1, Some(1)),
                format!("expected CSV text, found {kind}"),
            ));
        }
        header_result.map_err(|err| io_error(source, err))?;
        check_unclosed_quote(&reader, source)?;
        let header_location = Location::at(source, raw_header.line().max(1), None);
        if raw_header.len() == 0
            || (raw_header.len() == 1 && raw_header.iter().all(<[u8]>::is_empty))
        {
            let found = if reader.get_ref().emitted() == 0 {
                "an empty file"
            } else {
                "only blank lines"
            };
            return Err(BatchError::new(
                BatchErrorKind::Header(HeaderProblem::Missing),
                header_location,
                format!("expected a header row naming the columns, found {found}"),
            ));
        }
        let mut header = Vec::with_capacity(raw_header.len());
        for (index, field) in raw_header.iter().enumerate() {
            let text = std::str::from_utf8(field).map_err(|err| {
                BatchError::new(
                    BatchErrorKind::NotUtf8,
                    Location::at(source, raw_header.line(), Some(index as u64 + 1)),
                    not_utf8(field, &err),
                )
            })?;
            // Spreadsheet exports often start with a byte-order mark; it is not part of the name.
            let text = if index == 0 {
                text.trim_start_matches('\u{feff}')
            } else {
                text
            };
            header.push(text.trim().to_owned());
        }
        let request = HeaderRequest {
            patient_column: &options.patient_column,
            date_column: options.date_column.as_deref(),
            date_required: options.date_required,
            renames: &options.renames,
            only: &options.only,
        };
        for id in &options.only {
            if registry.get(id).is_none() {
                return Err(BatchError::options(
                    BatchErrorKind::UnknownInstrument,
                    format!(
                        "unknown instrument `{id}`; expected one of {}",
                        registry.ids()
                    ),
                ));
            }
        }
        let plan = plan_columns(&header, registry, &request).map_err(|(problem, message)| {
            BatchError::new(BatchErrorKind::Header(problem), header_location, message)
        })?;
        for columns in &plan.instruments {
            let instrument = columns.instrument;
            let extras = columns
                .extras
                .iter()
                .map(|&(_, e)| &instrument.extra_items[e].scale);
            for scale in std::iter::once(&instrument.scale).chain(extras) {
                if let Some(token) = options.missing.conflict_with(scale) {
                    return Err(BatchError::options(
                        BatchErrorKind::NonAnswerCodeIsAnAnswer { code: token },
                        format!(
                            "`{token}` is a real answer on `{}` ({}-{}); a non-answer code must lie outside every answer scale in the file",
                            instrument.id, scale.min, scale.max
                        ),
                    ));
                }
            }
        }
        Ok(BatchReader {
            source: source.to_owned(),
            reader,
            plan,
            options,
            record: raw_header,
            summary: BatchSummary::default(),
            repeats: PatientRowRepeats::default(),
            answers: Vec::new(),
            spare_records: Vec::new(),
        })
    }

    /// The instruments this file will be scored for, in order.
    pub fn instruments(&self) -> impl Iterator<Item = &'i crate::Instrument> + '_ {
        self.plan.instruments.iter().map(|c| c.instrument)
    }

    /// Header columns that look like items but belong to no item (`gad7_8`): ignored, and
    /// worth telling the user about.
    pub fn ignored_item_like_columns(&self) -> &[String] {
        &self.plan.ignored
    }

    /// Header columns whose name differs only in letter case from a column symscore reads,
    /// each with the name it needs (`GAD7_1`, `gad7_1`): ignored, and worth telling the user
    /// about, since a whole instrument may go unscored.
    pub fn case_mismatched_columns(&self) -> &[(String, String)] {
        &self.plan.case_mismatched
    }

    /// Whether the input has a date column.
    pub fn has_dates(&self) -> bool {
        self.plan.date.is_some()
    }

    /// Reads the rest of the input looking only at the patient column, and says whether each
    /// patient's rows are contiguous. A grouped export can then be analysed one patient at a
    /// time in a second pass, with memory bounded by one patient. Remembers the ids seen
    /// (not the rows), so its memory grows with the number of patients only.
    pub fn patients_are_grouped(mut self) -> Result<bool, BatchError> {
        let mut check = grouping::GroupingCheck::default();
        loop {
            if !self.read_record()? {
                return Ok(true);
            }
            let id = grouping::trimmed_id(self.record.get(self.plan.patient).unwrap_or_default());
            if !check.still_grouped(id) {
                return Ok(false);
            }
        }
    }

    /// Counts so far; final once `next_row` has returned `None`.
    pub fn summary(&self) -> BatchSummary {
        self.summary
    }

    /// Reads and scores the next row; `None` at the end of the input. Allocates a new
    /// outcome for every row: loops over a whole file use [`read_row`](Self::read_row).
    pub fn next_row(&mut self) -> Result<Option<RowOutcome<'i>>, BatchError> {
        let mut outcome = RowOutcome::default();
        Ok(self.read_row(&mut outcome)?.then_some(outcome))
    }

    /// Reads and scores the next row into `outcome`, replacing what it held; `false` at the
    /// end of the input. At the end or on an error, `outcome` holds no records, diagnostics or
    /// repeats (its `line` is still the previous row's). Reusing one outcome for a whole file
    /// keeps the run free of per-row allocations.
    pub fn read_row(&mut self, outcome: &mut RowOutcome<'i>) -> Result<bool, BatchError> {
        // The previous row's records are scored into again, in place.
        let mut records = std::mem::take(&mut outcome.records);
        outcome.diagnostics.clear();
        outcome.repeats.clear();
        outcome.unselected_safety.clear();
        outcome.status = RowStatus::NotAdministered;
        loop {
            if !self.read_record()? {
                return Ok(false);
            }
            if self.is_selected() {
                break;
            }
            self.summary.rows += 1;
            self.summary.not_selected += 1;
        }
        outcome.line = self.record.line();
        self.score_row(outcome, &mut records);
        outcome.records = records;
        self.check_unselected_safety(outcome);
        if self.options.report_repeats {
            self.repeats.check(&self.plan.instruments, outcome);
        }
        self.summary.repeats += outcome.repeats.len() as u64;
        self.summary.rows += 1;
        self.summary.records += outcome.records.len() as u64;
        match outcome.status {
            RowStatus::Scored => self.summary.scored += 1,
            RowStatus::Prorated => self.summary.prorated += 1,
            RowStatus::Invalid => self.summary.invalid += 1,
            RowStatus::NotAdministered => self.summary.not_administered += 1,
        }
        Ok(true)
    }

    /// Whether the record just read belongs to a selected patient. Asked before scoring, so
    /// that another patient's bad cell is never reported in a run about this one.
    fn is_selected(&self) -> bool {
        let Some(selected) = &self.options.patients else {
            return true;
        };
        let id = grouping::trimmed_id(self.record.get(self.plan.patient).unwrap_or_default());
        // An id that is not UTF-8 cannot equal a requested one, which came as text.
        std::str::from_utf8(id).is_ok_and(|id| selected.contains(id))
    }

    /// Reads the next record into `self.record`, and stops at a record whose fields do not
    /// line up with the header or that an unclosed quote ran to the end of the input.
    fn read_record(&mut self) -> Result<bool, BatchError> {
        if !self
            .reader
            .read(&mut self.record)
            .map_err(|err| io_error(&self.source, err))?
        {
            return Ok(false);
        }
        check_unclosed_quote(&self.reader, &self.source)?;
        let expected = self.plan.names.len();
        if self.record.len() != expected {
            return Err(unequal_fields(
                &self.source,
                self.record.line(),
                expected,
                self.record.len(),
            ));
        }
        Ok(true)
    }

    /// Scores the row just read into `outcome` (whose line is set and vectors empty), and its
    /// records into `records`, reusing the records already there.
    fn score_row(&mut self, outcome: &mut RowOutcome<'i>, records: &mut Vec<ScoreRecord<'i>>) {
        let line = outcome.line;
        let diagnostics = &mut outcome.diagnostics;
        let mut used = 0;
        let mut answers = std::mem::take(&mut self.answers);
        for columns in &self.plan.instruments {
            let instrument = columns.instrument;
            answers.clear();
            for &index in &columns.items {
                let cell = self.record.get(index).unwrap_or_default();
                if let Some(answer) = common_answer(cell, &instrument.scale, &self.options.missing)
                {
                    answers.push(answer);
                    continue;
                }
                let answer = match self.cell(index, line, diagnostics) {
                    None => Answer::Invalid,
                    Some(cell) => parse_answer(cell, &instrument.scale, &self.options.missing)
                        .unwrap_or_else(|problem| {
                            diagnostics.push(self.diagnostic(
                                line,
                                index,
                                DiagnosticKind::Answer,
                                problem.to_string(),
                            ));
                            Answer::Invalid
                        }),
                };
                answers.push(answer);
            }
            for &(index, extra_index) in &columns.extras {
                let scale = &instrument.extra_items[extra_index].scale;
                let cell = self.record.get(index).unwrap_or_default();
                if common_answer(cell, scale, &self.options.missing).is_some() {
                    continue;
                }
                if let Some(Err(problem)) = self
                    .cell(index, line, diagnostics)
                    .map(|cell| parse_answer(cell, scale, &self.options.missing))
                {
                    diagnostics.push(self.diagnostic(
                        line,
                        index,
                        DiagnosticKind::Answer,
                        format!("{problem} (unscored item; the total is unaffected)"),
                    ));
                }
            }
            // All blank means the questionnaire was not given at this visit. A form whose
            // items are all refusals was given: it is scored (invalid) so that an unanswered
            // safety item still raises its flag.
            // Only an all-blank form needs the second look, and only when the user declared
            // non-response codes.
            if is_not_administered(&answers) {
                let refused_somewhere = self.options.missing.has_non_response_codes()
                    && columns.items.iter().any(|&index| {
                        std::str::from_utf8(self.record.get(index).unwrap_or_default())
                            .is_ok_and(|cell| self.options.missing.is_non_response(cell))
                    });
                if !refused_somewhere {
                    continue;
                }
            }
            if used == records.len() {
                records.push(self.spare_records.pop().unwrap_or_else(|| ScoreRecord {
                    patient_id: None,
                    date: None,
                    report: ScoreReport::unscored(instrument),
                    line: None,
                }));
            }
            let record = &mut records[used];
            used += 1;
            score_into(instrument, &answers, &mut record.report)
                .expect("one answer per item column");
            if record.report.missing > instrument.max_missing {
                diagnostics.push(self.too_many_missing(line, columns, &answers));
            }
            record.line = Some(line);
        }
        self.answers = answers;
        // Fewer records than the previous row: keep the rest for a later row.
        while records.len() > used {
            self.spare_records.extend(records.pop());
        }

        if !records.is_empty() {
            let patient_id = self.patient_id(line, diagnostics);
            let date = self.date(line, diagnostics);
            for record in records.iter_mut() {
                replace_text(&mut record.patient_id, patient_id);
                record.date = date;
            }
        }
        outcome.status = if !diagnostics.is_empty() || records.iter().any(|r| r.report.is_invalid())
        {
            RowStatus::Invalid
        } else if records.is_empty() {
            RowStatus::NotAdministered
        } else if records.iter().any(|r| r.report.is_prorated()) {
            RowStatus::Prorated
        } else {
            RowStatus::Scored
        };
    }

    /// Looks at the safety items of the instruments `only` left out (see
    /// [`RowOutcome::unselected_safety`]). Their cells are read quietly: the user asked not to
    /// hear about these instruments, except where a safety answer needs review.
    fn check_unselected_safety(&mut self, outcome: &mut RowOutcome<'i>) {
        let mut quiet = Vec::new();
        for columns in &self.plan.safety_only {
            let instrument = columns.instrument;
            let mut answers = std::mem::take(&mut self.answers);
            answers.clear();
            answers.extend(columns.items.iter().map(|&index| {
                std::str::from_utf8(self.record.get(index).unwrap_or_default())
                    .ok()
                    .and_then(|cell| {
                        parse_answer(cell, &instrument.scale, &self.options.missing).ok()
                    })
                    .unwrap_or(Answer::Invalid)
            }));
            let refused_somewhere = self.options.missing.has_non_response_codes()
                && columns.items.iter().any(|&index| {
                    std::str::from_utf8(self.record.get(index).unwrap_or_default())
                        .is_ok_and(|cell| self.options.missing.is_non_response(cell))
                });
            let given = !is_not_administered(&answers) || refused_somewhere;
            if given {
                let mut report = ScoreReport::unscored(instrument);
                score_into(instrument, &answers, &mut report).expect("one answer per item column");
                if report
                    .safety
                    .iter()
                    .any(crate::score::SafetyCheck::needs_review)
                {
                    outcome.unselected_safety.push(ScoreRecord {
                        patient_id: self.patient_id(outcome.line, &mut quiet).map(str::to_owned),
                        date: self.date(outcome.line, &mut quiet),
                        report,
                        line: Some(outcome.line),
                    });
                }
            }
            self.answers = answers;
        }
    }

    /// The cell as text, or `None` (with a diagnostic) when it is not UTF-8.
    fn cell(&self, index: usize, line: u64, diagnostics: &mut Vec<Diagnostic>) -> Option<&str> {
        let bytes = self.record.get(index).unwrap_or_default();
        match std::str::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(err) => {
                diagnostics.push(self.diagnostic(
                    line,
                    index,
                    DiagnosticKind::NotUtf8,
                    not_utf8(bytes, &err),
                ));
                None
            }
        }
    }

    fn patient_id(&self, line: u64, diagnostics: &mut Vec<Diagnostic>) -> Option<&str> {
        let index = self.plan.patient;
        let id = self.cell(index, line, diagnostics)?.trim();
        if id.is_empty() {
            diagnostics.push(self.diagnostic(
                line,
                index,
                DiagnosticKind::NoPatientId,
                "expected a patient id, found an empty cell".into(),
            ));
            return None;
        }
        Some(id)
    }

    fn date(&self, line: u64, diagnostics: &mut Vec<Diagnostic>) -> Option<Date> {
        let index = self.plan.date?;
        let text = self.cell(index, line, diagnostics)?.trim();
        if text.is_empty() {
            diagnostics.push(self.diagnostic(
                line,
                index,
                DiagnosticKind::NoDate,
                "expected a visit date, found an empty cell".to_owned(),
            ));
            return None;
        }
        self.options
            .date_format
            .parse(text)
            .map_err(|err| {
                diagnostics.push(self.diagnostic(
                    line,
                    index,
                    DiagnosticKind::Date(err.kind()),
                    err.to_string(),
                ));
            })
            .ok()
    }

    fn diagnostic(
        &self,
        line: u64,
        index: usize,
        kind: DiagnosticKind,
        message: String,
    ) -> Diagnostic {
        Diagnostic {
            kind,
            location: Location::at(self.source.as_str(), line, Some(index as u64 + 1)),
            column: self.plan.names.get(index).cloned(),
            message,
        }
    }

    /// Past the proration limit there is no total (reference §5.1 step 3); say which cells.
    fn too_many_missing(
        &self,
        line: u64,
        columns: &header::InstrumentColumns<'_>,
        answers: &[Answer],
    ) -> Diagnostic {
        let instrument = columns.instrument;
        let blank: Vec<&str> = columns
            .items
            .iter()
            .zip(answers)
            .filter(|(_, answer)| **answer == Answer::Missing)
            .map(|(&index, _)| self.plan.names[index].as_str())
            .collect();
        Diagnostic {
            kind: DiagnosticKind::TooManyMissing,
            location: Location::at(self.source.as_str(), line, None),
            column: None,
            message: format!(
                "`{}`: expected at most {} blank items to prorate, found {} ({}); no total (INVALID_TOO_MANY_MISSING)",
                instrument.id,
                instrument.max_missing,
                blank.len(),
                blank.join(", ")
            ),
        }
    }
}

/// Sets `slot` to `text`, reusing the string already there (a batch run sets one per record).
pub(super) fn replace_text(slot: &mut Option<String>, text: Option<&str>) {
    match (slot.as_mut(), text) {
        (Some(existing), Some(text)) => {
            existing.clear();
            existing.push_str(text);
        }
        (_, text) => *slot = text.map(str::to_owned),
    }
}

fn not_utf8(bytes: &[u8], err: &std::str::Utf8Error) -> String {
    let bad = bytes.get(err.valid_up_to()).copied().unwrap_or_default();
    format!(
        "expected UTF-8 text, found byte 0x{bad:02X} at position {} (a Latin-1 or Windows-1252 export? convert it with `iconv -f latin1 -t utf-8`)",
        err.valid_up_to() + 1
    )
}

/// Stops when the record just read ran into the end of the input inside a quoted field: the
/// csv rules hand over everything after the quote as one cell, and those rows would be lost
/// without a word.
fn check_unclosed_quote<R: io::Read>(
    reader: &RecordReader<LineEndings<R>>,
    source: &str,
) -> Result<(), BatchError> {
    match reader.get_ref().unclosed_quote() {
        Some((line, field)) if reader.consumed_all() => Err(BatchError::new(
            BatchErrorKind::UnclosedQuote,
            Location::at(source, line, Some(field)),
            format!(
                "a quoted field opens here and is never closed, so the {} after it would vanish into one cell; expected a closing `\"`",
                match reader.line().saturating_sub(line) {
                    1 => "line".to_owned(),
                    n => format!("{n} lines"),
                }
            ),
        )),
        _ => Ok(()),
    }
}

/// A record whose field count differs from the header's: the columns after the stray (or
/// missing) delimiter would be read as the wrong items.
fn unequal_fields(source: &str, line: u64, expected: usize, found: usize) -> BatchError {
    BatchError::new(
        BatchErrorKind::UnequalFields,
        Location::at(source, line, None),
        format!(
            "expected {expected} fields like the header, found {found} (a stray delimiter or an unclosed quote?)"
        ),
    )
}

/// A failure of the reader: a record past a limit of [`records`] is a problem of the file at
/// a line, anything else a failure to read it.
fn io_error(source: &str, err: io::Error) -> BatchError {
    if let Some(&reached) = err
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<records::RecordTooLong>())
    {
        return BatchError::new(
            BatchErrorKind::TooLarge,
            Location::at(source, reached.line(), None),
            reached.to_string(),
        );
    }
    BatchError::io(source, err)
}
