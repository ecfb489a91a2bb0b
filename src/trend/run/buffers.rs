//! The administrations read and not yet analysed: a grouped file's current patient (its
//! buffers reused for the next one), or every patient of anything else.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::record::ScoreRecord;
use crate::score::Flag;
use crate::trend::{Administration, Place};

/// Where an administration was read: its line, and its place in a REDCap export.
#[derive(Debug, Clone, Copy)]
pub(super) struct Origin {
    pub(super) line: u64,
    pub(super) place: Option<Place>,
}

/// One patient's administrations, per planned instrument.
pub(super) type PerInstrument<'i> = Vec<Vec<Administration<'i>>>;

pub(super) struct Buffers<'i> {
    grouped: bool,
    instruments: usize,
    /// Grouped: the patient being read. Otherwise: every patient, in first-seen order.
    visits: Vec<(String, PerInstrument<'i>)>,
    /// Not grouped: where each patient is in `visits`.
    index_of: HashMap<String, usize>,
    /// The patient of the previous administration (rows of one patient usually follow each
    /// other, so this spares most lookups).
    last: Option<usize>,
    /// Grouped: the flag lists of the previous patients' administrations, reused.
    spare_flags: Vec<Vec<Flag<'i>>>,
}

impl<'i> Buffers<'i> {
    pub(super) fn new(grouped: bool, instruments: usize) -> Self {
        Buffers {
            grouped,
            instruments,
            visits: Vec::new(),
            index_of: HashMap::new(),
            last: None,
            spare_flags: Vec::new(),
        }
    }

    /// Adds one administration of `record` (of the `instrument`-th planned instrument) for
    /// `patient`. In a grouped file a new patient means the previous one is complete: it is
    /// handed to `complete` first.
    pub(super) fn push<E>(
        &mut self,
        patient: &str,
        date: Date,
        instrument: usize,
        record: &ScoreRecord<'i>,
        origin: Origin,
        complete: impl FnOnce(&str, &mut [Vec<Administration<'i>>]) -> Result<(), E>,
    ) -> Result<(), E> {
        let slot = match self.last.filter(|&i| self.visits[i].0 == patient) {
            Some(i) => i,
            None if self.grouped => {
                if let Some((done, per_instrument)) = self.visits.first_mut() {
                    complete(done, per_instrument)?;
                    done.clear();
                    done.push_str(patient);
                    for administrations in per_instrument.iter_mut() {
                        self.spare_flags
                            .extend(administrations.drain(..).map(|a| a.flags));
                    }
                } else {
                    self.add(patient);
                }
                0
            }
            None => {
                if let Some(&index) = self.index_of.get(patient) {
                    index
                } else {
                    self.index_of.insert(patient.to_owned(), self.visits.len());
                    self.add(patient)
                }
            }
        };
        self.last = Some(slot);
        let mut flags = self.spare_flags.pop().unwrap_or_default();
        flags.clear();
        flags.extend_from_slice(&record.report.flags);
        self.visits[slot].1[instrument].push(Administration {
            date,
            total: record.report.total,
            severity: record.report.severity.id(),
            flags,
            line: origin.line,
            place: origin.place,
        });
        Ok(())
    }

    fn add(&mut self, patient: &str) -> usize {
        let empty = vec![Vec::new(); self.instruments];
        self.visits.push((patient.to_owned(), empty));
        self.visits.len() - 1
    }

    /// The patients not handed over yet, in patient-id order, whatever the input order.
    pub(super) fn remaining(&mut self) -> impl Iterator<Item = &mut (String, PerInstrument<'i>)> {
        self.index_of = HashMap::new();
        self.visits.sort_by(|a, b| a.0.cmp(&b.0));
        self.visits.iter_mut()
    }
}
