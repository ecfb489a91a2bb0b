//! Scoring the row just read: each planned instrument's answers, the patient id and date, and
//! the safety items of instruments left out by `only`.

use jiff::civil::Date;

use super::FORM_STATUS_UNKNOWN;
use super::header::InstrumentColumns;
use super::read_errors::not_utf8;
use super::{
    BatchReader, Diagnostic, DiagnosticKind, RedcapPlan, RowOutcome, RowStatus, replace_text,
};
use crate::answer_cell::{common_answer, parse_answer};
use crate::error::Location;
use crate::plural::count;
use crate::record::ScoreRecord;
use crate::score::{Answer, ScoreReport, is_not_administered, score_into};
use crate::shown_text::show_cell;

impl<'i, R> BatchReader<'i, R> {
    /// Scores the row just read into `outcome` (whose line is set and vectors empty), and its
    /// records into `records`, reusing the records already there.
    pub(super) fn score_row(
        &mut self,
        outcome: &mut RowOutcome<'i>,
        records: &mut Vec<ScoreRecord<'i>>,
    ) {
        let line = outcome.line;
        let diagnostics = &mut outcome.diagnostics;
        let mut used = 0;
        let mut answers = std::mem::take(&mut self.answers);
        for (position, columns) in self.plan.instruments.iter().enumerate() {
            let instrument = columns.instrument;
            answers.clear();
            for &index in &columns.items {
                let cell = self.field(index);
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
                let cell = self.field(index);
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
                        std::str::from_utf8(self.field(index))
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
            if let Some(redcap) = &self.redcap
                && let Some(index) = redcap.flag(position, &self.row, &mut record.report)
            {
                diagnostics.push(self.diagnostic(
                    line,
                    index,
                    DiagnosticKind::FormStatus,
                    format!(
                        "expected a form status of 0, 1 or 2 (Incomplete, Unverified, Complete) or a blank, found '{}'; `{}` is scored and flagged {FORM_STATUS_UNKNOWN}",
                        show_cell(&String::from_utf8_lossy(self.row.get(index).unwrap_or_default())),
                        instrument.id
                    ),
                ));
            }
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
    pub(super) fn check_unselected_safety(&mut self, outcome: &mut RowOutcome<'i>) {
        let mut quiet = Vec::new();
        for columns in &self.plan.safety_only {
            let instrument = columns.instrument;
            let mut answers = std::mem::take(&mut self.answers);
            answers.clear();
            answers.extend(columns.items.iter().map(|&index| {
                std::str::from_utf8(self.field(index))
                    .ok()
                    .and_then(|cell| {
                        parse_answer(cell, &instrument.scale, &self.options.missing).ok()
                    })
                    .unwrap_or(Answer::Invalid)
            }));
            let refused_somewhere = self.options.missing.has_non_response_codes()
                && columns.items.iter().any(|&index| {
                    std::str::from_utf8(self.field(index))
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

    /// Field `index` of the row just read; in a REDCap label export, an answer label reads
    /// as its code.
    fn field(&self, index: usize) -> &[u8] {
        let cell = self.row.get(index).unwrap_or_default();
        match &self.redcap {
            Some(redcap) => redcap.code(index, cell),
            None => cell,
        }
    }

    /// Starts a REDCap row: its carried values, and its date remembered for the rows of its
    /// record and event below (a repeating form's row has none of its own).
    pub(super) fn start_redcap_row(&mut self, carried: &mut Vec<String>) {
        let Some(redcap) = self.redcap.as_mut() else {
            return;
        };
        redcap.start_row(&self.row, self.plan.patient);
        redcap.carry(&self.row, carried);
        if let Some(index) = self.plan.date
            && let Ok(text) = std::str::from_utf8(self.row.get(index).unwrap_or_default())
            && let Ok(date) = self
                .options
                .date_format
                .parse(redcap.date_text(text.trim()))
        {
            redcap.remember_date(&self.row, self.plan.patient, date);
        }
    }

    /// The cell as text, or `None` (with a diagnostic) when it is not UTF-8.
    fn cell(&self, index: usize, line: u64, diagnostics: &mut Vec<Diagnostic>) -> Option<&str> {
        let bytes = self.field(index);
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
        // A REDCap row's own date was read when the row started.
        if let Some(date) = self.redcap.as_ref().and_then(RedcapPlan::own_date) {
            return Some(date);
        }
        let text = self.cell(index, line, diagnostics)?.trim();
        if text.is_empty() {
            if let Some(date) = self.redcap.as_ref().and_then(RedcapPlan::date_above) {
                return Some(date);
            }
            diagnostics.push(self.diagnostic(
                line,
                index,
                DiagnosticKind::NoDate,
                "expected a visit date, found an empty cell".to_owned(),
            ));
            return None;
        }
        let text = self
            .redcap
            .as_ref()
            .map_or(text, |redcap| redcap.date_text(text));
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

    /// Column `index` as messages name it: in a REDCap export the field (`phq_2`), which
    /// the user knows, not the item column it became.
    fn column_name(&self, index: usize) -> Option<&str> {
        match &self.redcap {
            Some(redcap) => redcap.field_name(index),
            None => self.plan.names.get(index).map(String::as_str),
        }
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
            column: self.column_name(index).map(str::to_owned),
            message,
        }
    }

    /// Past the proration limit there is no total (reference §5.1 step 3); say which cells.
    fn too_many_missing(
        &self,
        line: u64,
        columns: &InstrumentColumns<'_>,
        answers: &[Answer],
    ) -> Diagnostic {
        let instrument = columns.instrument;
        let blank: Vec<&str> = columns
            .items
            .iter()
            .zip(answers)
            .filter(|(_, answer)| **answer == Answer::Missing)
            .filter_map(|(&index, _)| self.column_name(index))
            .collect();
        Diagnostic {
            kind: DiagnosticKind::TooManyMissing,
            location: Location::at(self.source.as_str(), line, None),
            column: None,
            message: format!(
                "`{}`: expected at most {} to prorate, found {} ({}); no total (INVALID_TOO_MANY_MISSING)",
                instrument.id,
                count(instrument.max_missing, "blank item"),
                blank.len(),
                blank.join(", ")
            ),
        }
    }
}
