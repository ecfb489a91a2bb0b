//! Repeated visits: an administration whose patient, date and instrument repeat an earlier
//! row's. Both rows are kept and scored, and the repeat is reported.

use std::collections::hash_map::Entry;

use jiff::civil::Date;

use super::header::InstrumentColumns;
use super::outcome::{Duplicate, RowOutcome};
use super::replace_text;

/// The patient of the previous row and the `(date, instrument)` administrations seen in its
/// consecutive rows. Cleared when the patient changes, so memory is bounded by one patient:
/// repeats are found within a patient's consecutive rows (the usual layout of an export).
/// `trend`, which holds every visit anyway, finds the rest.
#[derive(Default)]
pub(super) struct RepeatedVisits {
    current_patient: Option<String>,
    /// The first line of each `(date, instrument's place in the plan)`. Hashed with
    /// foldhash, not the standard `SipHash`: one lookup per record is a measurable part of a
    /// batch run, and the guard against crafted collisions buys nothing for a map that holds
    /// one patient's visits (foldhash still mixes every bit, so one patient's million visits
    /// stay spread over the buckets).
    seen: foldhash::HashMap<(Option<Date>, usize), u64>,
}

impl RepeatedVisits {
    /// Adds the row's administrations, and to `outcome.duplicates` those seen before.
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
            self.seen.clear();
            replace_text(&mut self.current_patient, Some(patient));
        }
        for record in &outcome.records {
            let instrument = record.report.instrument;
            // Every record comes from a planned instrument.
            let place = plan
                .iter()
                .position(|columns| std::ptr::eq(columns.instrument, instrument))
                .unwrap_or(0);
            match self.seen.entry((record.date, place)) {
                // Later repeats point at the first row, not at each other.
                Entry::Occupied(first) => outcome.duplicates.push(Duplicate {
                    instrument: &instrument.id,
                    patient_id: patient.to_owned(),
                    date: record.date,
                    first_line: *first.get(),
                }),
                Entry::Vacant(slot) => {
                    slot.insert(outcome.line);
                }
            }
        }
    }
}
