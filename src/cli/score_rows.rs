//! The two readers `score` takes rows from: a CSV (visits file or REDCap export) and FHIR
//! `QuestionnaireResponse`s. Both yield [`RowOutcome`]s, so the scoring loop is shared.

use std::fmt::Write as _;
use std::io::Read;

use symscore::batch::{BatchSummary, InputReader, RowOutcome};
use symscore::fhir::response::RESPONSE_IN_PROGRESS;
use symscore::plural::count;

use super::input::no_data_rows;
use super::report::message;

/// The rows `score` reads, from either format, and what its messages say of them.
pub(super) struct ScoreRows<'i>(pub(super) InputReader<'i, Box<dyn Read>>);

impl<'i> ScoreRows<'i> {
    pub(super) fn read_row(&mut self, row: &mut RowOutcome<'i>) -> anyhow::Result<bool> {
        Ok(self.0.read_row(row)?)
    }

    pub(super) fn carried_columns(&self) -> Vec<&str> {
        self.0.carried_columns()
    }

    /// The counts the exit status is decided on.
    pub(super) fn summary(&self) -> BatchSummary {
        self.0.summary()
    }

    /// What the row numbers in messages count: CSV lines, or resources.
    pub(super) fn unit(&self) -> &'static str {
        match self.0 {
            InputReader::Csv(_) => "row",
            InputReader::Fhir(_) => "resource",
        }
    }

    /// Whether the input held nothing to score, said on standard error.
    pub(super) fn no_data(&self, source: &str) -> bool {
        match &self.0 {
            InputReader::Csv(batch) => no_data_rows(source, batch.summary().rows),
            InputReader::Fhir(responses) => {
                let empty = responses.summary().batch.rows == 0;
                if empty {
                    message(&format!(
                        "{source}: expected QuestionnaireResponse resources, found none (an empty Bundle?)"
                    ));
                }
                empty
            }
        }
    }

    /// The summary line: every row, or every resource, accounted for.
    pub(super) fn summary_line(&self, source: &str) -> String {
        let s = self.summary();
        let mut line = format!(
            "symscore: {source}: {}: {} scored, {} prorated, {} invalid, {} not administered",
            count(s.rows, self.unit()),
            s.scored,
            s.prorated,
            s.invalid,
            s.not_administered,
        );
        if let Some(responses) = self.0.response_summary() {
            let _ = write!(
                line,
                ", {} entered-in-error (skipped)",
                responses.entered_in_error
            );
        }
        let _ = write!(line, "; {}", count(s.records, "record"));
        if s.repeats > 0 {
            let _ = write!(
                line,
                "; {} repeating an earlier row",
                count(s.repeats, "administration")
            );
        }
        if let Some(responses) = self.0.response_summary() {
            let in_progress = responses.in_progress;
            if in_progress > 0 {
                let _ = write!(
                    line,
                    "; {} in progress (scored, flagged {RESPONSE_IN_PROGRESS})",
                    count(in_progress, "response")
                );
            }
        }
        line
    }
}
