//! `score`'s scope for repeated visits: within a patient's consecutive rows.

use jiff::civil::Date;

use super::header::InstrumentColumns;
use super::outcome::RowOutcome;
use super::replace_text;
use crate::repeated_visit::{RepeatFinder, RepeatedVisit};

/// The patient of the previous row and the `(date, instrument)` administrations seen in its
/// consecutive rows. Cleared when the patient changes, so memory is bounded by one patient:
/// repeats are found within a patient's consecutive rows (the usual layout of an export).
/// `trend`, which holds every visit anyway, finds the rest.
#[derive(Default)]
pub(super) struct PatientRowRepeats {
    current_patient: Option<String>,
    /// Keyed by `(date, instrument's place in the plan)`; a repeat names the first row
    /// (see [`RepeatFinder`]). The place is a `u16` so that a key is 8 bytes: one patient
    /// with a million visits keeps a key for each administration, and a `usize` made the
    /// table half again as large. A row has at most `MAX_FIELDS` (65,536) columns, one of
    /// them the patient's, so a plan never has more instruments than a `u16` counts.
    finder: RepeatFinder<(Option<Date>, u16)>,
}

impl PatientRowRepeats {
    /// Adds the row's administrations, and to `outcome.repeats` those seen before.
    /// `plan` is the reader's instruments, in column-plan order.
    pub(super) fn check<'i>(
        &mut self,
        plan: &[InstrumentColumns<'i>],
        outcome: &mut RowOutcome<'i>,
    ) {
        let Some(patient) = outcome
            .records
            .first()
            .and_then(|r| r.patient_id.as_deref())
        else {
            return;
        };
        if self.current_patient.as_deref() != Some(patient) {
            self.finder.clear();
            replace_text(&mut self.current_patient, Some(patient));
        }
        for record in &outcome.records {
            let instrument = record.report.instrument;
            // Every record comes from a planned instrument.
            let place = plan
                .iter()
                .position(|columns| std::ptr::eq(columns.instrument, instrument))
                .and_then(|place| u16::try_from(place).ok())
                .unwrap_or(0);
            if let Some(earlier_line) = self.finder.see((record.date, place), outcome.line) {
                outcome.repeats.push(RepeatedVisit {
                    instrument: &instrument.id,
                    date: record.date,
                    line: outcome.line,
                    earlier_line,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Registry;
    use crate::batch::{BatchOptions, BatchReader};

    /// `(line, instrument, earlier_line)` of every repeat `score` reports in `csv`.
    fn repeats(csv: &str) -> Vec<(u64, String, u64)> {
        let registry = Registry::builtin();
        let mut reader =
            BatchReader::new(&registry, csv.as_bytes(), "t.csv", BatchOptions::default()).unwrap();
        let mut found = Vec::new();
        while let Some(row) = reader.next_row().unwrap() {
            for repeat in &row.repeats {
                assert_eq!(repeat.line, row.line);
                found.push((
                    repeat.line,
                    repeat.instrument.to_owned(),
                    repeat.earlier_line,
                ));
            }
        }
        found
    }

    #[test]
    fn a_repeat_names_the_first_row_of_the_patients_consecutive_rows() {
        let phq9 = "1,1,1,1,1,1,1,1,1";
        let gad7 = "2,2,2,2,2,2,2";
        let header = "patient_id,date,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7";
        let blank_gad7 = ",,,,,,";
        let csv = [
            header.to_owned(),
            format!("P1,2026-01-01,{phq9},{blank_gad7}"), // line 2
            format!("P1,2026-01-01,{phq9},{gad7}"),       // 3: PHQ-9 repeats 2
            format!("P1,2026-01-02,{phq9},{gad7}"),       // 4: another day
            format!("P1,2026-01-01,{phq9},{gad7}"),       // 5: both repeat: 2 and 3
            format!("P2,2026-01-01,{phq9},{gad7}"),       // 6: another patient
            format!("P1,2026-01-01,{phq9},{gad7}"),       // 7: P1 again, not consecutive
            format!("P1,2026-01-01,{phq9},{gad7}"),       // 8: repeats 7
        ]
        .join("\n");
        let expected = [
            (3, "phq9", 2),
            (5, "phq9", 2),
            (5, "gad7", 3),
            (8, "phq9", 7),
            (8, "gad7", 7),
        ]
        .map(|(line, id, earlier)| (line, id.to_owned(), earlier));
        assert_eq!(repeats(&csv), expected);
    }
}
