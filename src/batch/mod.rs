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
mod input_reader;
mod line_endings;
mod options;
mod outcome;
mod read_errors;
mod redcap_rows;
mod repeats;
mod reread;
mod rows;
mod scoring;
#[cfg(test)]
mod test_input;

use std::io;

pub(crate) use date::is_iso_shaped;
pub use date::{DateError, DateErrorKind, DateFormat};
pub use dosing::{DosingField, DosingSchedule, read_dosing, read_dosing_field};
pub use header::shown_delimiter;
use header::{ColumnPlan, HeaderRequest, plan_columns};
pub use input_reader::{InputFormat, InputReader};
pub(crate) use line_endings::line_after;
use line_endings::{LineEndings, SkipBom};
pub use options::BatchOptions;
pub use outcome::{BatchSummary, Diagnostic, DiagnosticKind, RowOutcome, RowStatus};
use read_errors::{check_unclosed_quote, io_error, not_utf8, unequal_fields};
use redcap_rows::RedcapPlan;
pub use redcap_rows::{
    FORM_INCOMPLETE, FORM_STATUS_UNKNOWN, FORM_UNVERIFIED, REDCAP_TOTAL_DIFFERS, RedcapRows,
};
use repeats::PatientRowRepeats;
pub use reread::{FileStamp, patients_are_grouped_in};
use rows::{Row, RowReader};

use crate::error::{BatchError, BatchErrorKind, HeaderProblem, Location};
use crate::record::ScoreRecord;
use crate::registry::Registry;
use crate::score::Answer;

/// Reads and scores a visits CSV row by row.
pub struct BatchReader<'i, R> {
    source: String,
    reader: RowReader<LineEndings<SkipBom<R>>>,
    plan: ColumnPlan<'i>,
    options: BatchOptions,
    row: Row,
    summary: BatchSummary,
    repeats: PatientRowRepeats,
    /// One instrument's answers, reused from form to form.
    answers: Vec<Answer>,
    /// Records of earlier rows with more administrations than the current one, kept to be
    /// scored into again instead of allocated anew.
    spare_records: Vec<ScoreRecord<'i>>,
    /// The columns of a REDCap export that need more than a visits file's reading.
    redcap: Option<RedcapPlan>,
}

impl<'i, R: io::Read> BatchReader<'i, R> {
    /// Reads the header and works out the columns. `source` names the input in messages.
    pub fn new(
        registry: &'i Registry,
        input: R,
        source: &str,
        options: BatchOptions,
    ) -> Result<Self, BatchError> {
        let mut reader = RowReader::new(
            LineEndings::new(SkipBom::new(input), options.delimiter),
            options.delimiter,
        );
        let mut raw_header = Row::default();
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
        let header = crate::columns::column_names(raw_header.iter()).map_err(|bad| {
            BatchError::new(
                BatchErrorKind::NotUtf8,
                Location::at(source, raw_header.line(), Some(bad.index as u64 + 1)),
                not_utf8(bad.cell, &bad.error),
            )
        })?;
        // A REDCap export may hold some of the project's forms only: the renames of fields it
        // does not have are left out, and an instrument with some of its fields missing is
        // still refused below, as a partial form. A field already named as its item column
        // needs no rename.
        let renames = match &options.redcap {
            Some(_) => options
                .renames
                .iter()
                .filter(|(field, column)| field != column && header.contains(field))
                .cloned()
                .collect(),
            None => options.renames.clone(),
        };
        let request = HeaderRequest {
            patient_column: &options.patient_column,
            date_column: options.date_column.as_deref(),
            date_required: options.date_required,
            renames: &renames,
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
            let (problem, message) = match (problem, &options.redcap) {
                (HeaderProblem::NoInstrumentColumns, Some(_)) => (
                    HeaderProblem::NoMappedFields,
                    no_mapped_fields(&options.renames),
                ),
                (problem, _) => (problem, message),
            };
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
        let redcap = options
            .redcap
            .as_ref()
            .map(|rows| RedcapPlan::new(rows, &plan, &header));
        Ok(BatchReader {
            redcap,
            source: source.to_owned(),
            reader,
            plan,
            options,
            row: raw_header,
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

    /// The columns whose values each row carries to the output
    /// ([`RowOutcome::carried`]), in order: a REDCap export's event and repeat columns.
    pub fn carried_columns(&self) -> Vec<&str> {
        self.redcap
            .as_ref()
            .map(|redcap| redcap.carried_names().collect())
            .unwrap_or_default()
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
            if !self.read_csv_row()? {
                return Ok(true);
            }
            let id = grouping::trimmed_id(self.row.get(self.plan.patient).unwrap_or_default());
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
            if !self.read_csv_row()? {
                return Ok(false);
            }
            if self.is_selected() {
                break;
            }
            self.summary.rows += 1;
            self.summary.not_selected += 1;
        }
        outcome.line = self.row.line();
        if self.redcap.is_some() {
            self.start_redcap_row(&mut outcome.carried);
        }
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

    /// Whether the row just read belongs to a selected patient. Asked before scoring, so
    /// that another patient's bad cell is never reported in a run about this one.
    fn is_selected(&self) -> bool {
        let Some(selected) = &self.options.patients else {
            return true;
        };
        let id = grouping::trimmed_id(self.row.get(self.plan.patient).unwrap_or_default());
        // An id that is not UTF-8 cannot equal a requested one, which came as text.
        std::str::from_utf8(id).is_ok_and(|id| selected.contains(id))
    }

    /// Reads the next input row into `self.row`, and stops at a row whose fields do not
    /// line up with the header or that an unclosed quote ran to the end of the input.
    fn read_csv_row(&mut self) -> Result<bool, BatchError> {
        if !self
            .reader
            .read(&mut self.row)
            .map_err(|err| io_error(&self.source, err))?
        {
            return Ok(false);
        }
        check_unclosed_quote(&self.reader, &self.source)?;
        let expected = self.plan.names.len();
        if self.row.len() != expected {
            return Err(unequal_fields(
                &self.source,
                self.row.line(),
                expected,
                self.row.len(),
            ));
        }
        Ok(true)
    }
}

/// Why a REDCap export gives nothing to score: none of the mapped fields is in it.
fn no_mapped_fields(renames: &[(String, String)]) -> String {
    const SHOWN: usize = 6;
    let mut fields: Vec<String> = renames
        .iter()
        .take(SHOWN)
        .map(|(field, _)| format!("`{field}`"))
        .collect();
    if renames.len() > SHOWN {
        fields.push(format!("and {} more", renames.len() - SHOWN));
    }
    format!(
        "expected the fields the data dictionary maps to instrument items ({}), found none of them in the records export (an export of other forms?)",
        fields.join(", ")
    )
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
