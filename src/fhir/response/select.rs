//! Which responses and instruments a run is about. `trend --patient` and `-i` narrow a FHIR
//! input as they narrow a visits CSV ([`BatchOptions::patients`], [`BatchOptions::only`]):
//! another patient's resource is counted and neither scored nor reported, and an instrument
//! left out is scored only for its safety items, which narrowing never hides.

use std::collections::HashSet;

use crate::batch::BatchOptions;
use crate::instrument::Instrument;

pub(super) struct Selection {
    patients: Option<HashSet<String>>,
    /// Per instrument of the reader, in its order: whether its scores are output.
    in_output: Vec<bool>,
}

impl Selection {
    /// The selection `options` asks for over `instruments`; an instrument id none of them has
    /// is refused.
    pub(super) fn new(instruments: &[&Instrument], options: &BatchOptions) -> Result<Self, String> {
        if let Some(unknown) = options
            .only
            .iter()
            .find(|id| !instruments.iter().any(|i| &i.id == *id))
        {
            let known: Vec<&str> = instruments.iter().map(|i| i.id.as_str()).collect();
            return Err(format!(
                "unknown instrument `{}`; expected one of {}",
                crate::shown_text::show_cell(unknown),
                known.join(", ")
            ));
        }
        let in_output = instruments
            .iter()
            .map(|i| options.only.is_empty() || options.only.contains(&i.id))
            .collect();
        Ok(Selection {
            patients: options.patients.clone(),
            in_output,
        })
    }

    /// Whether a response of this patient is read. Without `--patient` every one is; with
    /// it, a response whose patient cannot be told is no patient asked for.
    pub(super) fn patient(&self, id: Option<&str>) -> bool {
        match &self.patients {
            None => true,
            Some(selected) => id.is_some_and(|id| selected.contains(id)),
        }
    }

    /// Whether the scores of the reader's instrument `index` are output.
    pub(super) fn in_output(&self, index: usize) -> bool {
        self.in_output[index]
    }

    /// The instruments whose scores are output, in the reader's order.
    pub(super) fn output_instruments<'i>(
        &self,
        instruments: &[&'i Instrument],
    ) -> Vec<&'i Instrument> {
        instruments
            .iter()
            .zip(&self.in_output)
            .filter_map(|(instrument, &shown)| shown.then_some(*instrument))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::io::Cursor;

    use serde_json::json;

    use crate::batch::{BatchOptions, RowOutcome, RowStatus};
    use crate::fhir::response::{ResponseReader, ResponseSummary};
    use crate::registry::Registry;

    /// PHQ-9 answers 1,2,0,3,1,0,0,2,1 (10, item 9 endorsed) and GAD-7 answers 1,1,1,1,1,1,1
    /// (7) by symscore's link ids, for `patient`; an answer 9 to PHQ-9 item 1 when `bad`.
    fn response(patient: &str, bad: bool) -> String {
        let phq9 = [if bad { 9 } else { 1 }, 2, 0, 3, 1, 0, 0, 2, 1];
        let items: Vec<_> = phq9
            .iter()
            .enumerate()
            .map(|(i, a)| json!({"linkId": format!("phq9_{}", i + 1), "answer": [{"valueInteger": a}]}))
            .chain((1..=7).map(|n| json!({"linkId": format!("gad7_{n}"), "answer": [{"valueInteger": 1}]})))
            .collect();
        json!({"resourceType": "QuestionnaireResponse", "status": "completed",
            "subject": {"reference": format!("Patient/{patient}")}, "authored": "2026-03-01",
            "item": items})
        .to_string()
    }

    fn read(text: &str, options: &BatchOptions) -> (Vec<RowOutcome<'static>>, ResponseSummary) {
        let registry: &'static Registry = Box::leak(Box::new(Registry::builtin()));
        let mut reader =
            ResponseReader::with_options(registry, Cursor::new(text.to_owned()), "in", options)
                .unwrap();
        let mut rows = Vec::new();
        let mut row = RowOutcome::default();
        while reader.read_row(&mut row).unwrap() {
            rows.push(row.clone());
        }
        (rows, reader.summary())
    }

    #[test]
    fn another_patients_response_is_counted_and_neither_scored_nor_reported() {
        let options = BatchOptions {
            patients: Some(HashSet::from(["A".to_owned()])),
            ..BatchOptions::default()
        };
        let text = [
            response("B", true),
            response("A", false),
            response("C", false),
        ]
        .join("\n");
        let (rows, summary) = read(&text, &options);
        // Only A's response is an outcome; B's off-scale answer is not reported.
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 2);
        assert!(rows[0].diagnostics.is_empty(), "{:?}", rows[0].diagnostics);
        assert_eq!(rows[0].records.len(), 2);
        assert_eq!(summary.batch.rows, 3);
        assert_eq!(summary.batch.not_selected, 2);
        assert_eq!(summary.batch.scored, 1);
    }

    #[test]
    fn an_instrument_left_out_keeps_only_its_safety_answers() {
        let options = BatchOptions {
            only: vec!["gad7".to_owned()],
            ..BatchOptions::default()
        };
        let (rows, summary) = read(&response("A", false), &options);
        let row = &rows[0];
        assert_eq!(row.records.len(), 1);
        assert_eq!(row.records[0].report.instrument.id, "gad7");
        assert_eq!(row.records[0].report.total, Some(7));
        // The PHQ-9 is out of the output; its endorsed item 9 is not out of review.
        assert_eq!(row.unselected_safety.len(), 1);
        let phq9 = &row.unselected_safety[0];
        assert_eq!(phq9.report.instrument.id, "phq9");
        assert!(phq9.report.flags.iter().any(|f| f.name == "ITEM9_POSITIVE"));
        assert_eq!(phq9.patient_id.as_deref(), Some("A"));
        assert_eq!(row.status, RowStatus::Scored);
        assert_eq!(summary.batch.scored, 1);
    }

    #[test]
    fn a_left_out_instrument_without_a_safety_answer_is_dropped() {
        let options = BatchOptions {
            only: vec!["phq9".to_owned()],
            ..BatchOptions::default()
        };
        let (rows, _) = read(&response("A", false), &options);
        assert_eq!(rows[0].records.len(), 1);
        assert_eq!(rows[0].records[0].report.instrument.id, "phq9");
        // GAD-7 has no safety item.
        assert!(rows[0].unselected_safety.is_empty());
    }

    #[test]
    fn an_unknown_instrument_or_a_bad_rename_is_refused() {
        let registry = Registry::builtin();
        let open = |options: &BatchOptions| {
            ResponseReader::with_options(
                &registry,
                Cursor::new(response("A", false)),
                "in",
                options,
            )
            .err()
            .map(|err| err.to_string())
        };
        let options = BatchOptions {
            only: vec!["phq10".to_owned()],
            ..BatchOptions::default()
        };
        let err = open(&options).unwrap();
        assert!(
            err.contains("unknown instrument `phq10`; expected one of phq9"),
            "{err}"
        );
        let options = BatchOptions {
            renames: vec![("q1".to_owned(), "phq9_0".to_owned())],
            ..BatchOptions::default()
        };
        let err = open(&options).unwrap();
        assert!(
            err.contains("the link id `q1` is mapped to `phq9_0`"),
            "{err}"
        );
        let options = BatchOptions {
            renames: vec![
                ("q1".to_owned(), "phq9_1".to_owned()),
                ("q1".to_owned(), "phq9_2".to_owned()),
            ],
            ..BatchOptions::default()
        };
        let err = open(&options).unwrap();
        assert!(err.contains("the link id `q1` is mapped twice"), "{err}");
    }

    #[test]
    fn a_renamed_link_id_is_looked_at_before_the_definitions_own() {
        // A site whose form builder named item 9 `phq9_1` and item 1 `phq9_9`: item 9 is
        // answered 2, every other item 0.
        let items: Vec<_> = (1..=9)
            .map(|n| json!({"linkId": format!("phq9_{n}"), "answer": [{"valueInteger": u8::from(n == 1) * 2}]}))
            .collect();
        let text = json!({"resourceType": "QuestionnaireResponse", "status": "completed",
            "subject": {"reference": "Patient/A"}, "item": items})
        .to_string();
        let item9_positive = |options: &BatchOptions| {
            let (rows, _) = read(&text, options);
            let report = &rows[0].records[0].report;
            assert_eq!(report.total, Some(2));
            report.flags.iter().any(|f| f.name == "ITEM9_POSITIVE")
        };
        let options = BatchOptions {
            renames: vec![
                ("phq9_1".to_owned(), "phq9_9".to_owned()),
                ("phq9_9".to_owned(), "phq9_1".to_owned()),
            ],
            ..BatchOptions::default()
        };
        assert!(item9_positive(&options));
        // Without the renames the definition's link ids apply, and item 9 reads 0.
        assert!(!item9_positive(&BatchOptions::default()));
    }
}
