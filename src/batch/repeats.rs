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

/// A multiplicative hash for [`VisitKey`], mixed at the end. The standard `SipHash` guards
/// against crafted collisions, which cost nothing here: the map holds one patient's visits and
/// is cleared at the next patient.
///
/// The final mix matters: the map picks a bucket from the hash's low bits, and the low bits of
/// a product depend only on the low bits of the key, which hold the instrument. Unmixed, every
/// visit of one instrument fell in one probe sequence, and one patient's 1M visits took
/// quadratic time (12 s against 0.2 s for the same visits spread over patients).
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
        // The 64-bit finaliser of MurmurHash3: every input bit reaches every output bit.
        let mut hash = self.0;
        hash ^= hash >> 33;
        hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
        hash ^= hash >> 33;
        hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        hash ^ (hash >> 33)
    }
}

#[cfg(test)]
mod tests {
    use super::{VisitKey, VisitKeyHasher};
    use std::collections::HashSet;
    use std::hash::{Hash, Hasher};

    fn hash(key: VisitKey) -> u64 {
        let mut hasher = VisitKeyHasher::default();
        key.hash(&mut hasher);
        hasher.finish()
    }

    /// One patient's visits differ in the date only; the bucket (the hash's low bits) must
    /// still differ, or the map degrades into a list.
    #[test]
    fn visits_of_one_instrument_spread_over_buckets() {
        let start = jiff::civil::date(2020, 1, 1);
        let buckets: HashSet<u64> = (0..4096)
            .map(|day| {
                let date = start.checked_add(jiff::Span::new().days(day)).unwrap();
                hash(VisitKey::new(Some(date), 0)) & 0xFFF
            })
            .collect();
        // 4096 keys into 4096 buckets at random fill about 63 % of them.
        assert!(buckets.len() > 2000, "{} buckets of 4096", buckets.len());
    }
}
