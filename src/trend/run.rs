//! One trend over a visits file: rows in, one patient's results at a time out.
//!
//! [`PatientStream`] reads the visits (a CSV or FHIR responses, scored by [`InputReader`]), buffers one patient's
//! administrations when the file is grouped by patient (bounded memory) or every patient's
//! otherwise, and hands each patient's [`PatientTrend`] to the caller. What lands in no
//! trend is reported as a [`RowEvent`] as the row is read, and every row, administration and
//! patient is counted in the [`RunTotals`]. Nothing here prints: the caller renders.
//!
//! The results of a patient borrow the buffers the next patient reuses, so they are lent to
//! a callback rather than returned by an iterator: a callback needs no lending-iterator
//! machinery, and the caller's writer stays a plain `&mut` in its closure.

mod buffers;

use std::collections::{BTreeMap, HashSet};
use std::io::Read;

use super::{
    Administration, Condition, Dosing, PatientTrend, TrendOptions, Uncovered, analyze_patient,
};
use crate::batch::{
    BatchOptions, Diagnostic, DosingSchedule, InputFormat, InputReader, RowOutcome,
};
use crate::error::BatchError;
use crate::instrument::{ChangeParams, Instrument};
use crate::record::ScoreRecord;
use crate::registry::Registry;
use crate::score::Flag;
use crate::trend::{Places, UnchangedCheck, VisitsInput};
use buffers::{Buffers, Origin};

/// Every patient's dosing sessions: a schedule read from a file, or one date for everyone.
#[derive(Debug, Clone)]
pub enum DosingPlan<'d> {
    /// Per patient; a patient not in it has no dosing date.
    Schedule(&'d DosingSchedule),
    /// One dosing date shared by every patient.
    Common([Dosing; 1]),
}

impl DosingPlan<'_> {
    /// One dosing date, without a label, for every patient.
    pub fn common(date: jiff::civil::Date) -> Self {
        DosingPlan::Common([Dosing { date, label: None }])
    }

    /// The dosing sessions of `patient` (none: every administration is in no window).
    pub fn doses(&self, patient: &str) -> &[Dosing] {
        match self {
            DosingPlan::Schedule(schedule) => schedule.get(patient).map_or(&[], Vec::as_slice),
            DosingPlan::Common(common) => common,
        }
    }
}

/// Why a safety answer is in no trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoTrendReason {
    /// The row has no usable patient id.
    NoPatientId,
    /// The row has a patient id but no usable date.
    NoDate,
    /// The instrument was left out of the trend ([`BatchOptions::only`]); read only for its
    /// safety items.
    InstrumentLeftOut,
}

/// Something about one row, told as the row is read.
#[derive(Debug, Clone, Copy)]
pub enum RowEvent<'r, 'i> {
    /// A cell that could not be used.
    Diagnostic(&'r Diagnostic),
    /// An administration whose safety flags need review but that no trend can hold. It
    /// meets [`Condition::Safety`] as one in a window does.
    SafetyInNoTrend {
        /// Input line of the row.
        line: u64,
        /// The administration; its flags include at least one that needs review.
        record: &'r ScoreRecord<'i>,
        /// Why no trend holds it.
        reason: NoTrendReason,
    },
}

/// One patient's results, lent to the caller.
#[derive(Debug)]
pub struct PatientResults<'r> {
    /// The patient.
    pub patient_id: &'r str,
    /// Every instrument's windows, the administrations in no window and the repeats.
    pub trend: PatientTrend<'r>,
    /// Where each administration came from (a REDCap export's event and instance), for
    /// [`WindowPoint::place`](super::WindowPoint::place) and
    /// [`UncoveredPoint::place`](super::UncoveredPoint::place).
    pub places: &'r Places,
}

/// Where the administrations read fell: every one is in exactly one count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    /// In a window of their patient.
    pub in_window: u64,
    /// Of a patient with dosing dates, in none of the windows.
    pub outside: u64,
    /// Of a patient without a dosing date.
    pub no_dosing: u64,
}

/// What a whole run read and found.
#[derive(Debug, Clone, Default)]
pub struct RunTotals {
    /// The rows, as the reader counted them (one per resource of a FHIR input).
    pub read: crate::batch::BatchSummary,
    /// A FHIR input's own counts (entered in error, in progress); `None` for a CSV.
    pub responses: Option<crate::fhir::response::ResponseSummary>,
    /// Patients analysed.
    pub patients: u64,
    /// Window summaries.
    pub summaries: u64,
    /// Summaries that need a clinician's attention ([`super::WindowSummary::is_flagged`]).
    pub flagged: u64,
    /// Administrations repeating an earlier one of the same patient, instrument and date.
    pub repeats: u64,
    /// Where the administrations fell.
    pub coverage: Coverage,
    /// Rows with a rejected cell and no administration a trend could place.
    pub unusable_rows: u64,
    /// Patients with visits and no dosing date, in the order they were analysed.
    pub without_dosing: Vec<String>,
    /// The conditions met by any summary, administration or safety answer in no trend.
    met: Vec<Condition>,
    /// Of the patients asked for ([`BatchOptions::patients`]), those with a scored visit.
    found: HashSet<String>,
}

impl RunTotals {
    /// Whether anything in the run met `condition`.
    pub fn met(&self, condition: Condition) -> bool {
        self.met.contains(&condition)
    }

    /// Whether a patient asked for had at least one scored visit with a date.
    pub fn found(&self, patient: &str) -> bool {
        self.found.contains(patient)
    }

    fn meet(&mut self, condition: Condition) {
        if !self.met(condition) {
            self.met.push(condition);
        }
    }
}

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError<E> {
    /// The visits could not be read, or the file changed while it was read.
    #[error(transparent)]
    Read(#[from] BatchError),
    /// The caller's callback failed (its output could not be written).
    #[error("{0}")]
    Visit(E),
}

/// The visits of a trend, open and ready to be analysed patient by patient.
pub struct PatientStream<'i, 'v> {
    batch: InputReader<'i, Box<dyn Read + 'v>>,
    unchanged: Option<UnchangedCheck<'v>>,
    grouped: bool,
    /// Whether only some patients were asked for, so that those never seen can be named.
    selected: bool,
    source: String,
}

impl<'i, 'v> PatientStream<'i, 'v> {
    /// Reads the header of `input`. `grouped` is what [`VisitsInput::patients_are_grouped`]
    /// found: a grouped file is analysed one patient at a time, anything else collected.
    pub fn open(
        format: InputFormat,
        registry: &'i Registry,
        input: &'v mut VisitsInput,
        source: &str,
        options: BatchOptions,
        grouped: bool,
    ) -> Result<Self, BatchError> {
        let (reader, unchanged) = input.analysis_reader();
        let selected = options.patients.is_some();
        Ok(PatientStream {
            batch: InputReader::open(format, registry, reader, source, options)?,
            unchanged,
            grouped,
            selected,
            source: source.to_owned(),
        })
    }

    /// The reader, for what its header showed (columns ignored, instruments planned).
    pub fn reader(&self) -> &InputReader<'i, Box<dyn Read + 'v>> {
        &self.batch
    }

    /// Reads every row and analyses every patient. `on_row` hears about each row's rejected
    /// cells and safety answers in no trend as the row is read; `on_patient` gets each
    /// patient's results, in file order when grouped and in patient-id order otherwise.
    pub fn run<E>(
        mut self,
        dosing: &DosingPlan<'_>,
        params: &BTreeMap<String, ChangeParams>,
        options: &TrendOptions,
        mut on_row: impl FnMut(RowEvent<'_, 'i>),
        mut on_patient: impl FnMut(PatientResults<'_>) -> Result<(), E>,
    ) -> Result<RunTotals, RunError<E>> {
        let plan: Vec<&'i Instrument> = self.batch.instruments();
        let selected = self.selected;
        let mut analysis = Analysis {
            plan: &plan,
            dosing,
            params,
            options,
            totals: RunTotals::default(),
        };
        let mut buffers = Buffers::new(self.grouped, plan.len());
        let mut places = Places::new(
            self.batch
                .carried_columns()
                .into_iter()
                .map(str::to_owned)
                .collect(),
        );
        let mut row = RowOutcome::default();
        while self.batch.read_row(&mut row)? {
            for diagnostic in &row.diagnostics {
                on_row(RowEvent::Diagnostic(diagnostic));
            }
            // Narrowing the trend never narrows the safety review.
            for record in &row.unselected_safety {
                analysis.in_no_trend(
                    record,
                    row.line,
                    NoTrendReason::InstrumentLeftOut,
                    &mut on_row,
                );
            }
            let mut usable = false;
            let place = if row.records.is_empty() {
                None
            } else {
                places.place_of(&row.carried)
            };
            for record in &row.records {
                let (Some(patient), Some(date)) = (record.patient_id.as_deref(), record.date)
                else {
                    let reason = if record.patient_id.is_some() {
                        NoTrendReason::NoDate
                    } else {
                        NoTrendReason::NoPatientId
                    };
                    analysis.in_no_trend(record, row.line, reason, &mut on_row);
                    continue;
                };
                usable = true;
                // The reader skipped unselected patients; remembered only to name the
                // requested patients who never appear.
                if selected && !analysis.totals.found.contains(patient) {
                    analysis.totals.found.insert(patient.to_owned());
                }
                let index = plan
                    .iter()
                    .position(|i| std::ptr::eq(*i, record.report.instrument))
                    .expect("record from a planned instrument");
                buffers
                    .push(
                        patient,
                        date,
                        index,
                        record,
                        Origin {
                            line: row.line,
                            place,
                        },
                        |done, per_instrument| {
                            analysis.patient(done, per_instrument, &places, &mut on_patient)
                        },
                    )
                    .map_err(RunError::Visit)?;
            }
            if !usable && !row.diagnostics.is_empty() {
                analysis.totals.unusable_rows += 1;
            }
        }
        for (patient, per_instrument) in buffers.remaining() {
            analysis
                .patient(patient, per_instrument, &places, &mut on_patient)
                .map_err(RunError::Visit)?;
        }
        if let Some(unchanged) = self.unchanged {
            unchanged.check(&self.source)?;
        }
        analysis.totals.read = self.batch.summary();
        analysis.totals.responses = self.batch.response_summary();
        Ok(analysis.totals)
    }
}

/// Everything needed to analyse one patient, and the totals over all of them.
struct Analysis<'a, 'i> {
    plan: &'a [&'i Instrument],
    dosing: &'a DosingPlan<'a>,
    params: &'a BTreeMap<String, ChangeParams>,
    options: &'a TrendOptions,
    totals: RunTotals,
}

impl<'i> Analysis<'_, 'i> {
    /// Analyses one patient's administrations (every instrument, every dosing), counts what
    /// was found and hands it over. Puts each instrument's administrations in date order first.
    fn patient<E>(
        &mut self,
        patient: &str,
        per_instrument: &mut [Vec<Administration<'i>>],
        places: &Places,
        on_patient: &mut impl FnMut(PatientResults<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        // Date order; the input line breaks ties so a same-day re-entry counts as the later
        // one. Exports are usually in this order already, which the sort finds quickly.
        for administrations in per_instrument.iter_mut() {
            administrations.sort_by_key(|a| (a.date, a.line));
        }
        let per_instrument = &*per_instrument;
        let totals = &mut self.totals;
        totals.patients += 1;
        let doses = self.dosing.doses(patient);
        if doses.is_empty() {
            totals.without_dosing.push(patient.to_owned());
        }
        let trend = analyze_patient(self.plan, per_instrument, self.params, self.options, doses);
        totals.repeats += trend.repeats().count() as u64;
        for summary in trend.windows.iter().flat_map(|(_, windows)| windows) {
            totals.summaries += 1;
            totals.coverage.in_window += summary.points.len() as u64;
            totals.flagged += u64::from(summary.is_flagged());
            for condition in Condition::ALL {
                if !totals.met(condition) && condition.met_by(summary) {
                    totals.meet(condition);
                }
            }
        }
        for point in trend.uncovered().flat_map(|(_, points)| points) {
            match point.status {
                Uncovered::NoDosing => totals.coverage.no_dosing += 1,
                Uncovered::OutsideWindow => totals.coverage.outside += 1,
            }
            if Condition::Safety.met_by_uncovered(&point) {
                totals.meet(Condition::Safety);
            }
        }
        on_patient(PatientResults {
            patient_id: patient,
            trend,
            places,
        })
    }

    /// Reports an administration that no trend holds when a safety flag of it needs review;
    /// it meets the safety condition wherever its row put it.
    fn in_no_trend(
        &mut self,
        record: &ScoreRecord<'i>,
        line: u64,
        reason: NoTrendReason,
        on_row: &mut impl FnMut(RowEvent<'_, 'i>),
    ) {
        if record.report.flags.iter().any(Flag::needs_safety_review) {
            self.totals.meet(Condition::Safety);
            on_row(RowEvent::SafetyInNoTrend {
                line,
                record,
                reason,
            });
        }
    }
}

#[cfg(test)]
mod tests;
