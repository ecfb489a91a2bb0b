//! Change over the integration window after each dosing session (reference §6, §7).
//!
//! For one patient and one instrument, [`analyze`] takes every administration and every
//! dosing date and returns one [`WindowSummary`] per dosing: baseline, each post-dose point,
//! change metrics, the plateau status and the schedule and safety flags. Pure: no I/O, and
//! the input order of administrations does not matter.
//!
//! The modules: `window` (where windows and look-backs start and end), `analysis` (one
//! instrument's windows), `summary` (what a window says), `plateau`, `nhs_tt` and
//! `coverage` (the rules), `patient` (a whole patient), `condition` (`--fail-on`), `params`
//! (overrides), and `input` with `run`: [`PatientStream`] reads a visits file and lends
//! each patient's [`PatientTrend`] to the caller, one patient at a time.

mod analysis;
mod by_date;
mod condition;
mod coverage;
mod input;
mod nhs_tt;
mod overview;
mod params;
mod patient;
mod place;
mod plateau;
mod reason;
mod run;
mod summary;
mod window;

use jiff::civil::Date;

pub use analysis::analyze;
pub use condition::Condition;
pub use coverage::{Uncovered, UncoveredPoint, UncoveredPoints, uncovered};
pub use input::{UnchangedCheck, VisitsInput};
pub use nhs_tt::{NHS_TT_RULE, NhsTtClass, NhsTtOutcome, NhsTtPairs};
pub use overview::{
    Concern, CourseDosing, Overview, OverviewRow, Urgency, patient_rows as overview_rows,
};
pub use params::{ParamError, plain_number, resolve_params};
pub use patient::{PatientTrend, analyze_patient};
pub use place::{Place, Places};
pub use plateau::{
    EligiblePoint, OnTrack, OnTrackParams, PlateauRule, Status, StatusDecision, on_track,
    plateau_status, slope,
};
pub use reason::{BaselineMissing, StatusReason, UncoveredReason};
pub use run::{
    Coverage, DosingPlan, NoTrendReason, PatientResults, PatientStream, RowEvent, RunError,
    RunTotals,
};
pub use summary::{PointRef, ReliableChange, UsedParams, WindowPoint, WindowSummary, window_flag};
pub use window::{baseline_start, days_between, shift_days, windows};

use crate::score::Flag;

/// One scored administration, reduced to what trend analysis needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Administration<'i> {
    /// Visit date.
    pub date: Date,
    /// Valid total, if any.
    pub total: Option<u32>,
    /// Severity id (`invalid` without a total).
    pub severity: &'i str,
    /// Flags from scoring, with their kinds: safety is the definition's `safety_items`.
    pub flags: Vec<Flag<'i>>,
    /// Input line, for audit.
    pub line: u64,
    /// Its place in a REDCap export (event, repeat instance), when the source has places.
    pub place: Option<Place>,
}

/// A dosing session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dosing {
    /// Date of the session.
    pub date: Date,
    /// Free-text label (`psilocybin 25 mg`).
    pub label: Option<String>,
}

/// Options shared by every window.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TrendOptions {
    /// Which plateau definition decides `status`.
    pub rule: PlateauRule,
    /// Integration-window length after each dosing, in days.
    pub window_days: u32,
    /// How far before dosing a baseline may be, in days.
    pub baseline_days: u32,
    /// Definition C parameters.
    pub on_track: OnTrackParams,
}

impl Default for TrendOptions {
    fn default() -> Self {
        TrendOptions {
            rule: PlateauRule::Band,
            window_days: 42,
            baseline_days: 30,
            on_track: OnTrackParams::default(),
        }
    }
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's `serialize_with` passes a reference
fn serialize_date<S: serde::Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(date)
}
