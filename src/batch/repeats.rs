//! Repeated visits: an administration whose patient, date and instrument repeat an earlier
//! row's. Both rows are kept and scored, and the repeat is reported.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasherDefault, Hasher};

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
    seen: HashMap<VisitKey, u64, BuildHasherDefault<VisitKeyHasher>>,
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
            // Every record comes from a planned instrument, and plans are far below 65,536
            // instruments, the most a key holds.
            let place = plan
                .iter()
                .position(|columns| std::ptr::eq(columns.instrument, instrument))
                .unwrap_or(0);
            debug_assert!(place < 1 << 16, "{place} instruments in one plan");
            match self.seen.entry(VisitKey::new(record.date, place)) {
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

/// A visit date and the instrument's place in the column plan, packed into one word: the
/// duplicate check hashes one per record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct VisitKey(u64);

impl VisitKey {
    fn new(date: Option<Date>, instrument: usize) -> Self {
        // jiff years are -9999..=9999: shifted, they fit 15 bits; no date packs as 0.
        let date = date.map_or(0, |d| {
            let year = u64::try_from(i32::from(d.year()) + 10_000).unwrap_or(0);
            let month = u64::try_from(d.month()).unwrap_or(0);
            let day = u64::try_from(d.day()).unwrap_or(0);
            (year << 9) | (month << 5) | day
        });
        VisitKey((date << 16) | (instrument as u64 & 0xFFFF))
    }
}

/// A multiplicative hash for [`VisitKey`]. The standard `SipHash` guards against crafted
/// collisions, which cost nothing here: the map holds one patient's visits and is cleared at
/// the next patient.
#[derive(Default)]
struct VisitKeyHasher(u64);

impl Hasher for VisitKeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
