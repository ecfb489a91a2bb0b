//! What the analysis of one window says: the summary, its points and the parameters behind
//! its flags. Plain data, serialised as written in JSON.

use jiff::civil::Date;
use serde::Serialize;

use super::{
    BaselineMissing, NhsTtOutcome, OnTrack, OnTrackParams, Place, PlateauRule, Status,
    StatusReason, serialize_date,
};
use crate::score::Flag;

/// Schedule flags of a window (kind `Schedule`).
pub mod window_flag {
    use crate::score::{Flag, FlagKind};

    /// The first administration after dosing came later than 72 hours, or never.
    pub const LATE_FIRST_FOLLOWUP: Flag<'static> = Flag {
        name: "LATE_FIRST_FOLLOWUP",
        kind: FlagKind::Schedule,
    };
    /// More than 14 days between two administrations in the window.
    pub const FOLLOWUP_GAP: Flag<'static> = Flag {
        name: "FOLLOWUP_GAP",
        kind: FlagKind::Schedule,
    };
}

/// Latest versus baseline (reference §6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReliableChange {
    /// Improved by at least the reliable-change points.
    ReliableImprovement,
    /// Changed by less than the reliable-change points.
    NoReliableChange,
    /// Worsened by at least the reliable-change points.
    ReliableDeterioration,
}

impl ReliableChange {
    /// The name written in output, as serialised.
    pub fn name(self) -> &'static str {
        match self {
            ReliableChange::ReliableImprovement => "RELIABLE_IMPROVEMENT",
            ReliableChange::NoReliableChange => "NO_RELIABLE_CHANGE",
            ReliableChange::ReliableDeterioration => "RELIABLE_DETERIORATION",
        }
    }
}

/// A reference to one administration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PointRef {
    /// Visit date.
    #[serde(serialize_with = "serialize_date")]
    pub date: Date,
    /// Days since dosing (negative before).
    pub days_since_dose: i64,
    /// The valid total.
    pub total: u32,
    /// Input line.
    pub line: u64,
}

/// One administration in the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowPoint<'i> {
    /// Visit date.
    #[serde(serialize_with = "serialize_date")]
    pub date: Date,
    /// Days since dosing.
    pub days_since_dose: i64,
    /// Valid total, if any.
    pub total: Option<u32>,
    /// Severity id.
    pub severity: &'i str,
    /// Scoring flags, borrowed from the administration.
    pub flags: &'i [Flag<'i>],
    /// Total − baseline, when both exist.
    pub change_points: Option<i64>,
    /// Change as a percentage of a non-zero baseline.
    pub change_pct: Option<f64>,
    /// The recall period starts before the dose (reference §7.2).
    pub recall_overlaps_dose: bool,
    /// Used by the plateau rules: valid, and recall not mostly before the dose.
    pub used_for_plateau: bool,
    /// Input line.
    pub line: u64,
    /// Its place in a REDCap export: see [`Places`](super::Places). Output carries its
    /// values, not the index.
    #[serde(skip)]
    pub place: Option<Place>,
}

/// Parameters behind every flag of a summary, so each can be audited.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsedParams {
    /// Plateau definition.
    pub plateau_rule: PlateauRule,
    /// k.
    pub points: u32,
    /// D.
    pub min_span_days: u32,
    /// E.
    pub min_days_since_dose: u32,
    /// H.
    pub horizon_days: u32,
    /// RC.
    pub reliable_change: u32,
    /// MCID.
    pub mcid: u32,
    /// Target: remission below it.
    pub target: u32,
    /// Caseness: response only from a baseline at or above it.
    pub caseness: u32,
    /// Response percentage.
    pub response_pct: u32,
    /// Recall period of the instrument.
    pub recall_days: u32,
    /// Window length.
    pub window_days: u32,
    /// Baseline look-back.
    pub baseline_days: u32,
    /// Definition C.
    pub on_track: OnTrackParams,
}

/// Everything known about one instrument in one integration window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowSummary<'i> {
    /// The dosing session the window follows.
    #[serde(serialize_with = "serialize_date")]
    pub dosing_date: Date,
    /// Its label.
    pub dosing_label: Option<&'i str>,
    /// Last day of the window (cut short by the next dosing).
    #[serde(serialize_with = "serialize_date")]
    pub window_end: Date,
    /// Last valid administration on or before dosing, within the look-back.
    pub baseline: Option<PointRef>,
    /// Why there is no baseline.
    pub baseline_missing_reason: Option<BaselineMissing>,
    /// Most recent valid administration in the window.
    pub latest: Option<PointRef>,
    /// Latest − baseline.
    pub change_points: Option<i64>,
    /// Change as a percentage of a non-zero baseline.
    pub change_pct: Option<f64>,
    /// Reliable change class.
    pub reliable_change: Option<ReliableChange>,
    /// Jacobson–Truax RCI, when the definition supplies SD and reliability.
    pub rci: Option<f64>,
    /// ≥ response % reduction; `None` when baseline is below caseness or missing.
    pub response: Option<bool>,
    /// Latest below target.
    pub remission: Option<bool>,
    /// NHS Talking Therapies paired outcome (PHQ-9 with GAD-7 only), filled in by the caller.
    pub nhs_tt: Option<NhsTtOutcome>,
    /// Plateau status (§7.3.3 or §7.3.4).
    pub status: Status,
    /// Why, with the numbers used.
    pub status_reason: StatusReason,
    /// Definition C.
    pub on_track: OnTrack,
    /// Safety flags (kind `Safety`) first, then schedule flags (kind `Schedule`).
    pub flags: Vec<Flag<'i>>,
    /// Parameters used.
    pub parameters: UsedParams,
    /// Every administration in the window, in date order.
    pub points: Vec<WindowPoint<'i>>,
}

impl WindowSummary<'_> {
    /// Whether a safety item was endorsed or unanswered at an administration in the window.
    pub fn needs_safety_review(&self) -> bool {
        self.flags.iter().any(Flag::needs_safety_review)
    }

    /// Whether anything here needs a clinician's attention: a flag, deterioration, a
    /// plateau, or not on track.
    pub fn is_flagged(&self) -> bool {
        !self.flags.is_empty()
            || self.status == Status::Deterioration
            || self.status.is_plateau()
            || self.on_track == OnTrack::NotOnTrack
            || self.reliable_change == Some(ReliableChange::ReliableDeterioration)
    }
}
