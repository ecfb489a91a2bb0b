//! Scoring the row just read: each planned instrument's answers, the patient id and date, and
//! the safety items of instruments left out by `only`.

use jiff::civil::Date;

use super::header::InstrumentColumns;
use super::read_errors::not_utf8;
use super::{BatchReader, Diagnostic, DiagnosticKind, RowOutcome, RowStatus, replace_text};
use crate::answer_cell::{common_answer, parse_answer};
use crate::error::Location;
use crate::plural::count;
use crate::record::ScoreRecord;
use crate::score::{Answer, ScoreReport, is_not_administered, score_into};

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
        for columns in &self.plan.instruments {
            let instrument = columns.instrument;
            answers.clear();
            for &index in &columns.items {
                let cell = self.row.get(index).unwrap_or_default();
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
                let cell = self.row.get(index).unwrap_or_default();
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
                        std::str::from_utf8(self.row.get(index).unwrap_or_default())
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
    pub(super) fn check_unselected_safety(&mut self, outcome: &mut RowOutcome<'i>) {
        let mut quiet = Vec::new();
        for columns in &self.plan.safety_only {
            let instrument = columns.instrument;
            let mut answers = std::mem::take(&mut self.answers);
            answers.clear();
            answers.extend(columns.items.iter().map(|&index| {
                std::str::from_utf8(self.row.get(index).unwrap_or_default())
                    .ok()
                    .and_then(|cell| {
                        parse_answer(cell, &instrument.scale, &self.options.missing).ok()
                    })
                    .unwrap_or(Answer::Invalid)
            }));
            let refused_somewhere = self.options.missing.has_non_response_codes()
                && columns.items.iter().any(|&index| {
                    std::str::from_utf8(self.row.get(index).unwrap_or_default())
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
        let bytes = self.row.get(index).unwrap_or_default();
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
        columns: &InstrumentColumns<'_>,
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
                "`{}`: expected at most {} to prorate, found {} ({}); no total (INVALID_TOO_MANY_MISSING)",
                instrument.id,
                count(instrument.max_missing, "blank item"),
                blank.len(),
                blank.join(", ")
            ),
        }
    }
}
