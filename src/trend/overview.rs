//! The caseload overview (clinical rules §12): one row per patient × instrument, for the
//! current course only, ranked most urgent first.
//!
//! [`Overview`] takes each patient's [`PatientTrend`] as [`super::PatientStream`] lends it,
//! keeps one small owned [`OverviewRow`] per patient × instrument (nothing of the visits),
//! and hands the rows back sorted. The full trend keeps every window's status; here only the
//! latest dosing on or before the as-of date decides.

mod concern;
mod schedule;

use jiff::civil::Date;
use serde::Serialize;

use super::{
    Administration, Condition, Dosing, OnTrack, PatientTrend, Status, WindowSummary, days_between,
    serialize_date,
};
use crate::instrument::Instrument;
pub use concern::{Concern, Urgency};

/// The dosing that opened the current course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CourseDosing {
    /// Date of the session.
    #[serde(serialize_with = "serialize_date")]
    pub date: Date,
    /// Its label, if the dosing file gave one.
    pub label: Option<String>,
    /// Days from the session to the as-of date.
    pub days_since: i64,
    /// Last day of its window.
    #[serde(serialize_with = "serialize_date")]
    pub window_end: Date,
}

/// One patient × instrument in the overview.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverviewRow {
    /// The patient.
    pub patient_id: String,
    /// The instrument id.
    pub instrument: String,
    /// The most urgent of the concerns: what the row is sorted by.
    pub urgency: Urgency,
    /// The current course's dosing; `None` without a dosing on or before the as-of date.
    pub dosing: Option<CourseDosing>,
    /// The window's status (`None` without a course).
    pub status: Option<Status>,
    /// The course's baseline total.
    pub baseline: Option<u32>,
    /// The course's latest valid total; without a course, the latest valid total of all.
    pub latest: Option<u32>,
    /// Latest − baseline.
    pub change_points: Option<i64>,
    /// Every finding, most urgent first; never empty.
    pub concerns: Vec<Concern>,
    /// Date of the latest administration of this instrument, valid or not.
    #[serde(serialize_with = "serialize_optional_date")]
    pub latest_administration: Option<Date>,
    /// Safety answers before the current course's dosing day: they do not rank the row, and
    /// are kept so that no safety answer disappears from the overview (§12.2).
    pub earlier_safety: Option<Concern>,
}

impl OverviewRow {
    /// Whether this row meets a `--fail-on` condition: judged on the current course, except
    /// safety, which every safety answer of the row meets, before the course too (§12.5).
    pub fn meets(&self, condition: Condition) -> bool {
        let has = |wanted: fn(&Concern) -> bool| self.concerns.iter().any(wanted);
        match condition {
            Condition::Safety => {
                self.earlier_safety.is_some() || has(|c| matches!(c, Concern::Safety { .. }))
            }
            Condition::Deterioration => has(|c| matches!(c, Concern::Deterioration { .. })),
            Condition::NotOnTrack => has(|c| matches!(c, Concern::NotOnTrack)),
            Condition::Plateau => self.status.is_some_and(Status::is_plateau),
            Condition::LateFollowup => has(|c| matches!(c, Concern::LateFirstFollowup { .. })),
            Condition::FollowupGap => has(|c| {
                matches!(
                    c,
                    Concern::NoAdministrationFor { .. } | Concern::FollowupGap { .. }
                )
            }),
            Condition::InsufficientData => self.status == Some(Status::InsufficientData),
        }
    }
}

/// The overview of a run, built one patient at a time.
#[derive(Debug)]
pub struct Overview {
    as_of: Date,
    rows: Vec<OverviewRow>,
}

impl Overview {
    /// An empty overview, read on `as_of`: the day overdue follow-ups and days since dosing
    /// are measured to, and the last day a dosing may have been for its course to count.
    pub fn new(as_of: Date) -> Self {
        Overview {
            as_of,
            rows: Vec::new(),
        }
    }

    /// Adds one row per instrument with an administration of `patient_id`.
    pub fn add(&mut self, patient_id: &str, trend: &PatientTrend<'_>) {
        self.rows
            .extend(patient_rows(patient_id, trend, self.as_of));
    }

    /// The rows, most urgent first; ties by patient id, then in the order instruments were
    /// planned (the visits file's columns), for a stable order.
    pub fn into_rows(mut self) -> Vec<OverviewRow> {
        // Stable: one patient's rows were added in plan order.
        self.rows
            .sort_by(|a, b| (a.urgency, &a.patient_id).cmp(&(b.urgency, &b.patient_id)));
        self.rows
    }
}

/// The overview rows of one patient, in plan order.
pub fn patient_rows(patient_id: &str, trend: &PatientTrend<'_>, as_of: Date) -> Vec<OverviewRow> {
    let windows = trend.dose_windows();
    // The current course: the latest dosing on or before the as-of date; one after it is
    // planned, not given.
    let current = windows.iter().rposition(|(dose, _)| dose.date <= as_of);
    let planned = windows
        .iter()
        .find(|(dose, _)| dose.date > as_of)
        .map(|(dose, _)| dose.date);
    trend
        .administrations()
        .filter(|(_, administrations)| !administrations.is_empty())
        .map(|(instrument, administrations)| {
            let course = current.and_then(|index| {
                let summary = summary_of(trend, instrument, index)?;
                Some((windows[index].0, windows[index].1, summary))
            });
            match course {
                Some((dose, end, summary)) => course_row(
                    patient_id,
                    instrument,
                    administrations,
                    dose,
                    end,
                    summary,
                    as_of,
                ),
                None => no_course_row(patient_id, instrument, administrations, planned),
            }
        })
        .collect()
}

/// The summary of `instrument` for the window at `index`.
fn summary_of<'t>(
    trend: &'t PatientTrend<'_>,
    instrument: &Instrument,
    index: usize,
) -> Option<&'t WindowSummary<'t>> {
    trend
        .windows
        .iter()
        .find(|(i, _)| std::ptr::eq(*i, instrument))
        .and_then(|(_, summaries)| summaries.get(index))
}

/// The row of an instrument with a current course.
fn course_row(
    patient_id: &str,
    instrument: &Instrument,
    administrations: &[Administration<'_>],
    dose: &Dosing,
    window_end: Date,
    summary: &WindowSummary<'_>,
    as_of: Date,
) -> OverviewRow {
    let since_dosing = administrations.partition_point(|a| a.date < dose.date);
    let course = &administrations[since_dosing..];
    let mut concerns: Vec<Concern> = safety_since(course).into_iter().collect();
    if Condition::Deterioration.met_by(summary) {
        concerns.push(Concern::Deterioration {
            change: summary.change_points,
        });
    }
    if summary.on_track == OnTrack::NotOnTrack {
        concerns.push(Concern::NotOnTrack);
    }
    concerns.extend(schedule::overdue(
        dose.date,
        as_of.min(window_end),
        course.iter().map(|a| a.date),
    ));
    match summary.status {
        Status::PlateauNoReliableImprovement => {
            concerns.push(Concern::PlateauNoReliableImprovement);
        }
        Status::PlateauAfterImprovement => concerns.push(Concern::PlateauAfterImprovement),
        Status::InsufficientData => concerns.push(Concern::InsufficientData),
        Status::NoPlateau => concerns.push(Concern::StillChanging),
        Status::AtTarget => concerns.push(Concern::AtTarget {
            target: summary.parameters.target,
        }),
        // Pushed above, with the reliable deterioration it usually comes with.
        Status::Deterioration => {}
    }
    // Stable: the overdue findings keep their order within their rank.
    concerns.sort_by_key(Concern::urgency);
    OverviewRow {
        patient_id: patient_id.to_owned(),
        instrument: instrument.id.clone(),
        urgency: concerns[0].urgency(),
        dosing: Some(CourseDosing {
            date: dose.date,
            label: dose.label.clone(),
            days_since: days_between(dose.date, as_of),
            window_end,
        }),
        status: Some(summary.status),
        baseline: summary.baseline.map(|b| b.total),
        latest: summary.latest.map(|l| l.total),
        change_points: summary.change_points,
        concerns,
        latest_administration: administrations.last().map(|a| a.date),
        earlier_safety: safety_since(&administrations[..since_dosing]),
    }
}

/// The row of an instrument of a patient without a dosing on or before the as-of date: its
/// safety answers at any date (there is no dosing to count from), and no status.
fn no_course_row(
    patient_id: &str,
    instrument: &Instrument,
    administrations: &[Administration<'_>],
    planned: Option<Date>,
) -> OverviewRow {
    let mut concerns: Vec<Concern> = safety_since(administrations).into_iter().collect();
    concerns.push(Concern::NoDosing { planned });
    OverviewRow {
        patient_id: patient_id.to_owned(),
        instrument: instrument.id.clone(),
        urgency: concerns[0].urgency(),
        dosing: None,
        status: None,
        baseline: None,
        latest: administrations.iter().rev().find_map(|a| a.total),
        change_points: None,
        concerns,
        latest_administration: administrations.last().map(|a| a.date),
        earlier_safety: None,
    }
}

/// The safety answers among `administrations` (endorsed or unknown), wherever their dates
/// fall: in the window, after it, or after the as-of date. None is ever left out.
fn safety_since(administrations: &[Administration<'_>]) -> Option<Concern> {
    let mut flags: Vec<String> = Vec::new();
    let mut count = 0;
    let mut last = None;
    for a in administrations {
        let mut raised = false;
        for flag in a.flags.iter().filter(|f| f.needs_safety_review()) {
            raised = true;
            if !flags.iter().any(|name| name == flag.name) {
                flags.push(flag.name.to_owned());
            }
        }
        if raised {
            count += 1;
            last = Some(a.date);
        }
    }
    Some(Concern::Safety {
        flags,
        administrations: count,
        last: last?,
    })
}

#[allow(clippy::ref_option, clippy::trivially_copy_pass_by_ref)] // serde's `serialize_with` passes a reference
fn serialize_optional_date<S: serde::Serializer>(
    date: &Option<Date>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match date {
        Some(date) => serializer.collect_str(date),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests;
