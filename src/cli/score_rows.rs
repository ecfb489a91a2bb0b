//! The two readers `score` takes rows from: a CSV (visits file or REDCap export) and FHIR
//! `QuestionnaireResponse`s. Both yield [`RowOutcome`]s, so the scoring loop is shared.

use std::fmt::Write as _;
use std::io::{BufReader, Read};

use symscore::batch::{BatchReader, BatchSummary, RowOutcome};
use symscore::fhir::response::{RESPONSE_IN_PROGRESS, ResponseReader};
use symscore::plural::count;

use super::input::no_data_rows;
use super::report::message;

#[allow(
    clippy::large_enum_variant,
    reason = "one reader per run: its size does not matter"
)]
pub(super) enum ScoreRows<'i> {
    Csv(BatchReader<'i, Box<dyn Read>>),
    Fhir(ResponseReader<'i, BufReader<Box<dyn Read>>>),
}

impl<'i> ScoreRows<'i> {
    pub(super) fn read_row(&mut self, row: &mut RowOutcome<'i>) -> anyhow::Result<bool> {
        Ok(match self {
            ScoreRows::Csv(batch) => batch.read_row(row)?,
            ScoreRows::Fhir(responses) => responses.read_row(row)?,
        })
    }

    pub(super) fn carried_columns(&self) -> Vec<&str> {
        match self {
            ScoreRows::Csv(batch) => batch.carried_columns(),
            ScoreRows::Fhir(responses) => responses.carried_columns(),
        }
    }

    /// The counts the exit status is decided on.
    pub(super) fn summary(&self) -> BatchSummary {
        match self {
            ScoreRows::Csv(batch) => batch.summary(),
            ScoreRows::Fhir(responses) => responses.summary().batch,
        }
    }

    /// What the row numbers in messages count: CSV lines, or resources.
    pub(super) fn unit(&self) -> &'static str {
        match self {
            ScoreRows::Csv(_) => "row",
            ScoreRows::Fhir(_) => "resource",
        }
    }

    /// Whether the input held nothing to score, said on standard error.
    pub(super) fn no_data(&self, source: &str) -> bool {
        match self {
            ScoreRows::Csv(batch) => no_data_rows(source, batch.summary().rows),
            ScoreRows::Fhir(responses) => {
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
        if let ScoreRows::Fhir(responses) = self {
            let _ = write!(
                line,
                ", {} entered-in-error (skipped)",
                responses.summary().entered_in_error
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
        if let ScoreRows::Fhir(responses) = self {
            let in_progress = responses.summary().in_progress;
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
