//! One reader over either batch input: a visits CSV (or REDCap export), or FHIR
//! `QuestionnaireResponse`s. Both yield a [`RowOutcome`] per row or resource, so `score`,
//! `trend` and `report` read either the same way.

use std::io::{BufReader, Read};

use super::grouping::GroupingCheck;
use super::{BatchOptions, BatchReader, BatchSummary, RowOutcome};
use crate::error::BatchError;
use crate::fhir::response::{ResponseReader, ResponseSummary};
use crate::instrument::Instrument;
use crate::registry::Registry;

/// How a batch input is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// A visits CSV, or a REDCap records export ([`BatchOptions::redcap`]).
    #[default]
    Csv,
    /// FHIR R4 `QuestionnaireResponse` resources: one, a Bundle, or NDJSON.
    Fhir,
}

/// A batch input open for reading, in either format.
#[allow(
    clippy::large_enum_variant,
    reason = "one reader per run: its size does not matter"
)]
pub enum InputReader<'i, R: Read> {
    /// A visits CSV or REDCap export.
    Csv(BatchReader<'i, R>),
    /// FHIR `QuestionnaireResponse`s.
    Fhir(ResponseReader<'i, BufReader<R>>),
}

impl<'i, R: Read> InputReader<'i, R> {
    /// Opens `input` as `format`: reads a CSV's header, or tells a FHIR input's shape apart.
    /// A FHIR input uses what of `options` applies to it (see
    /// [`ResponseReader::with_options`]).
    pub fn open(
        format: InputFormat,
        registry: &'i Registry,
        input: R,
        source: &str,
        options: BatchOptions,
    ) -> Result<Self, BatchError> {
        Ok(match format {
            InputFormat::Csv => {
                InputReader::Csv(BatchReader::new(registry, input, source, options)?)
            }
            InputFormat::Fhir => InputReader::Fhir(ResponseReader::with_options(
                registry,
                BufReader::new(input),
                source,
                &options,
            )?),
        })
    }

    /// Reads and scores the next row or resource into `outcome`; `false` at the end.
    pub fn read_row(&mut self, outcome: &mut RowOutcome<'i>) -> Result<bool, BatchError> {
        match self {
            InputReader::Csv(batch) => batch.read_row(outcome),
            InputReader::Fhir(responses) => Ok(responses.read_row(outcome)?),
        }
    }

    /// The instruments whose scores are output, in order.
    pub fn instruments(&self) -> Vec<&'i Instrument> {
        match self {
            InputReader::Csv(batch) => batch.instruments().collect(),
            InputReader::Fhir(responses) => responses.instruments().collect(),
        }
    }

    /// The columns each outcome carries ([`RowOutcome::carried`]).
    pub fn carried_columns(&self) -> Vec<&str> {
        match self {
            InputReader::Csv(batch) => batch.carried_columns(),
            InputReader::Fhir(responses) => responses.carried_columns(),
        }
    }

    /// Counts so far, one "row" per resource for a FHIR input.
    pub fn summary(&self) -> BatchSummary {
        match self {
            InputReader::Csv(batch) => batch.summary(),
            InputReader::Fhir(responses) => responses.summary().batch,
        }
    }

    /// A FHIR input's own counts (entered in error, in progress); `None` for a CSV.
    pub fn response_summary(&self) -> Option<ResponseSummary> {
        match self {
            InputReader::Csv(_) => None,
            InputReader::Fhir(responses) => Some(responses.summary()),
        }
    }

    /// Header columns that look like items but belong to none; a FHIR input has no header.
    pub fn ignored_item_like_columns(&self) -> &[String] {
        match self {
            InputReader::Csv(batch) => batch.ignored_item_like_columns(),
            InputReader::Fhir(_) => &[],
        }
    }

    /// Header columns that differ only in letter case from one symscore reads; a FHIR input
    /// has no header.
    pub fn case_mismatched_columns(&self) -> &[(String, String)] {
        match self {
            InputReader::Csv(batch) => batch.case_mismatched_columns(),
            InputReader::Fhir(_) => &[],
        }
    }

    /// Reads the rest of the input and says whether each patient's rows (or responses) are
    /// contiguous; see [`BatchReader::patients_are_grouped`]. A FHIR input is read whole
    /// for it, as the analysis will read it: its patient ids are inside each resource.
    pub fn patients_are_grouped(self) -> Result<bool, BatchError> {
        let mut responses = match self {
            InputReader::Csv(batch) => return batch.patients_are_grouped(),
            InputReader::Fhir(responses) => responses,
        };
        let mut check = GroupingCheck::default();
        let mut outcome = RowOutcome::default();
        while responses.read_row(&mut outcome)? {
            // Every score of a response is the same patient's, kept as written (the trend
            // groups by that); a response without one is in no trend, so in no group.
            let Some(id) = outcome
                .records
                .first()
                .and_then(|record| record.patient_id.as_deref())
            else {
                continue;
            };
            if !check.still_grouped(id.as_bytes()) {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::{InputFormat, InputReader};
    use crate::batch::BatchOptions;
    use crate::registry::Registry;

    /// NDJSON of one GAD-7 response per patient id; `None` is a response without a subject.
    fn ndjson(patients: &[Option<&str>]) -> String {
        patients
            .iter()
            .map(|patient| {
                let subject = patient
                    .map(|id| format!(r#""subject":{{"reference":"Patient/{id}"}},"#))
                    .unwrap_or_default();
                let items: Vec<String> = (1..=7)
                    .map(|n| format!(r#"{{"linkId":"gad7_{n}","answer":[{{"valueInteger":1}}]}}"#))
                    .collect();
                format!(
                    r#"{{"resourceType":"QuestionnaireResponse","status":"completed",{subject}"item":[{}]}}"#,
                    items.join(",")
                ) + "\n"
            })
            .collect()
    }

    fn grouped(patients: &[Option<&str>]) -> bool {
        let registry = Registry::builtin();
        InputReader::open(
            InputFormat::Fhir,
            &registry,
            Cursor::new(ndjson(patients)),
            "in.ndjson",
            BatchOptions::default(),
        )
        .unwrap()
        .patients_are_grouped()
        .unwrap()
    }

    #[test]
    fn responses_are_grouped_when_no_patient_comes_back() {
        assert!(grouped(&[Some("A"), Some("A"), Some("B")]));
        assert!(!grouped(&[Some("A"), Some("B"), Some("A")]));
        // A response without a patient is in no patient's group.
        assert!(grouped(&[Some("A"), None, Some("A"), Some("B")]));
        // Ids are kept as written, as the trend keeps them: `A` and `a` are two patients.
        assert!(!grouped(&[Some("A"), Some("a"), Some("A")]));
    }
}
