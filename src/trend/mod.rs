//! Change over the integration window after each dosing session (reference §6, §7).
//!
//! For one patient and one instrument, [`analyze`] takes every administration and every
//! dosing date and returns one [`WindowSummary`] per dosing: baseline, each post-dose point,
//! change metrics, the plateau status and the schedule and safety flags. Pure: no I/O, and
//! the input order of administrations does not matter.

mod condition;
mod coverage;
mod input;
mod nhs_tt;
mod params;
mod patient;
mod plateau;
mod run;

use jiff::civil::Date;
use serde::Serialize;

pub use condition::Condition;
pub use coverage::{Uncovered, UncoveredPoint, uncovered};
pub use input::{UnchangedCheck, VisitsInput};
pub use nhs_tt::{NHS_TT_RULE, NhsTtClass, NhsTtOutcome, NhsTtPairs};
pub use params::{ParamError, plain_number, resolve_params};
pub use patient::{PatientTrend, Repeat, analyze_patient};
pub use plateau::{
    EligiblePoint, OnTrack, OnTrackParams, PlateauRule, Status, StatusDecision, on_track,
    plateau_status, slope,
};
pub use run::{
    Coverage, DosingPlan, NoTrendReason, PatientResults, PatientStream, RowEvent, RunError,
    RunTotals,
};

use crate::instrument::{ChangeParams, Instrument};
use crate::score::{Flag, FlagKind};

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

/// First follow-up expected within 72 hours of dosing (brief: integration model).
const FIRST_FOLLOWUP_DAYS: i64 = 3;
/// Weekly follow-up; a gap over two weeks is flagged.
const MAX_GAP_DAYS: i64 = 14;

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
    pub baseline_missing_reason: Option<String>,
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
    /// Plateau status (§7.3 A or B).
    pub status: Status,
    /// Why.
    pub status_reason: String,
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

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's `serialize_with` passes a reference
fn serialize_date<S: serde::Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(date)
}

/// `date` moved by `days` (back when negative), stopping at the first or last date jiff
/// represents. Window lengths and look-backs are user options of any size; a window that
/// reaches past year 9999 simply has no end within the calendar, and must not panic.
pub fn shift_days(date: Date, days: i64) -> Date {
    match jiff::Span::new().try_days(days) {
        Ok(span) => date.saturating_add(span),
        Err(_) if days < 0 => Date::MIN,
        Err(_) => Date::MAX,
    }
}

/// The first day a baseline may fall on for a dosing on `dosing` (the look-back start).
pub fn baseline_start(dosing: Date, options: &TrendOptions) -> Date {
    shift_days(dosing, -i64::from(options.baseline_days))
}

/// Days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    // Whole days between civil dates: a plain difference of day numbers, without the
    // calendar arithmetic of a `Span`.
    to.duration_since(from).as_secs() / 86_400
}

/// The windows of a dosing schedule, in date order: each dosing (a date given twice counts
/// once) with the last day of its window, cut short on the day before the next dosing.
pub fn windows<'d>(options: &TrendOptions, dosings: &'d [Dosing]) -> Vec<(&'d Dosing, Date)> {
    let mut doses: Vec<&Dosing> = dosings.iter().collect();
    doses.sort_by_key(|d| d.date);
    doses.dedup_by_key(|d| d.date);
    doses
        .iter()
        .enumerate()
        .map(|(i, dose)| {
            let mut end = shift_days(dose.date, i64::from(options.window_days));
            if let Some(next) = doses.get(i + 1) {
                end = end.min(next.date.yesterday().unwrap_or(next.date));
            }
            (*dose, end)
        })
        .collect()
}

/// One summary per dosing for one patient and one instrument.
///
/// `administrations` may be in any order; `dosings` too. `change` is the instrument's
/// change parameters after any overrides. The summaries borrow labels and flags from the
/// dosings and administrations rather than copy them: a large export has millions.
///
/// Each window finds its baseline and its administrations by binary search in the visits
/// sorted once, so 10k dosings of a patient with 100k visits cost n·log n, not n·m.
pub fn analyze<'i>(
    instrument: &'i Instrument,
    change: &ChangeParams,
    options: &TrendOptions,
    dosings: &'i [Dosing],
    administrations: &'i [Administration<'i>],
) -> Vec<WindowSummary<'i>> {
    let mut sorted: Vec<&Administration<'i>> = administrations.iter().collect();
    // Date order; the input line breaks ties so a same-day re-entry counts as the later one.
    sorted.sort_by_key(|a| (a.date, a.line));
    // For each position, the last administration up to it with a valid total.
    let mut last_valid: Vec<Option<usize>> = Vec::with_capacity(sorted.len());
    let mut seen = None;
    for (i, a) in sorted.iter().enumerate() {
        if a.total.is_some() {
            seen = Some(i);
        }
        last_valid.push(seen);
    }
    let visits = SortedVisits {
        sorted: &sorted,
        last_valid: &last_valid,
    };
    windows(options, dosings)
        .into_iter()
        .map(|(dose, end)| summarize(instrument, change, options, dose, end, &visits))
        .collect()
}

/// One patient's administrations of one instrument in (date, line) order, with the index of
/// the last valid one up to each position.
struct SortedVisits<'s, 'i> {
    sorted: &'s [&'i Administration<'i>],
    last_valid: &'s [Option<usize>],
}

fn summarize<'i>(
    instrument: &'i Instrument,
    change: &ChangeParams,
    options: &TrendOptions,
    dose: &'i Dosing,
    end: Date,
    visits: &SortedVisits<'_, 'i>,
) -> WindowSummary<'i> {
    let sorted = visits.sorted;
    // Baseline: the last valid administration on or before the dosing day (§6), within the
    // look-back. A same-day visit counts as pre-dose.
    let earliest = baseline_start(dose.date, options);
    // `sorted` is in date order, so the window is one run of it, and the administrations up
    // to the dosing day are the ones before `first`.
    let first = sorted.partition_point(|a| a.date <= dose.date);
    let baseline = first
        .checked_sub(1)
        .and_then(|i| visits.last_valid[i])
        .map(|i| sorted[i])
        .filter(|a| a.date >= earliest)
        .and_then(|a| {
            a.total.map(|total| PointRef {
                date: a.date,
                days_since_dose: days_between(dose.date, a.date),
                total,
                line: a.line,
            })
        });
    let baseline_missing_reason = baseline.is_none().then(|| {
        format!(
            "no valid administration in the {} days up to the dosing on {}",
            options.baseline_days, dose.date
        )
    });

    let recall = i64::from(instrument.recall_days);
    let after = sorted.partition_point(|a| a.date <= end).max(first);
    let in_window = &sorted[first..after];
    let mut valid = Vec::new();
    let points: Vec<WindowPoint<'i>> = in_window
        .iter()
        .map(|a| {
            let days = days_between(dose.date, a.date);
            // §7.2: the recall period overlaps the dose when it starts before it; it lies
            // mostly before the dose when days < recall / 2, and then the point is shown but
            // not used by the plateau rules.
            let mostly_before = days * 2 < recall;
            if let Some(total) = a.total {
                valid.push(EligiblePoint { days, total });
            }
            let (change_points, change_pct) = change_from(baseline.map(|b| b.total), a.total);
            WindowPoint {
                date: a.date,
                days_since_dose: days,
                total: a.total,
                severity: a.severity,
                flags: &a.flags,
                change_points,
                change_pct,
                recall_overlaps_dose: days < recall,
                used_for_plateau: a.total.is_some() && !mostly_before,
                line: a.line,
            }
        })
        .collect();

    let latest = in_window.iter().rev().find_map(|a| {
        a.total.map(|total| PointRef {
            date: a.date,
            days_since_dose: days_between(dose.date, a.date),
            total,
            line: a.line,
        })
    });
    let (change_points, change_pct) =
        change_from(baseline.map(|b| b.total), latest.map(|l| l.total));
    let rc = i64::from(change.reliable_change);
    let reliable_change = change_points.map(|delta| {
        if delta <= -rc {
            ReliableChange::ReliableImprovement
        } else if delta >= rc {
            ReliableChange::ReliableDeterioration
        } else {
            ReliableChange::NoReliableChange
        }
    });
    // §6.1: RCI = Δ / (√2 · SD · √(1 − r)).
    #[allow(clippy::cast_precision_loss)]
    let rci = change
        .rci
        .zip(change_points)
        .map(|(p, delta)| delta as f64 / (2f64.sqrt() * p.sd * (1.0 - p.reliability).sqrt()));
    // §6.2: response only from a baseline at caseness; ≥ pct % reduction, in integers.
    let response = baseline.zip(latest).and_then(|(b, l)| {
        (b.total >= change.caseness).then(|| {
            (i64::from(b.total) - i64::from(l.total)) * 100
                >= i64::from(change.response_pct) * i64::from(b.total)
        })
    });
    let remission = latest.map(|l| l.total < change.target);

    // The points whose recall lies mostly before the dose come first (days only grow), so
    // the eligible points are the valid ones after them.
    let eligible = &valid[valid.partition_point(|p| p.days * 2 < recall)..];
    let decision = plateau_status(options.rule, change, baseline.map(|b| b.total), eligible);
    let on_track = on_track(options.on_track, baseline.map(|b| b.total), &valid);

    let mut flags: Vec<Flag<'i>> = Vec::new();
    // Safety first (§7.2 point 3): any safety flag raised in the window, in the order of the
    // definition's safety items.
    for safety in &instrument.safety_items {
        for name in [safety.positive_flag.as_str(), safety.missing_flag.as_str()] {
            let raised = points.iter().any(|p| {
                p.flags
                    .iter()
                    .any(|f| f.needs_safety_review() && f.name == name)
            });
            if raised {
                flags.push(Flag {
                    name,
                    kind: FlagKind::Safety,
                });
            }
        }
    }
    if points
        .first()
        .is_none_or(|p| p.days_since_dose > FIRST_FOLLOWUP_DAYS)
    {
        flags.push(window_flag::LATE_FIRST_FOLLOWUP);
    }
    if points
        .windows(2)
        .any(|w| days_between(w[0].date, w[1].date) > MAX_GAP_DAYS)
    {
        flags.push(window_flag::FOLLOWUP_GAP);
    }

    WindowSummary {
        dosing_date: dose.date,
        dosing_label: dose.label.as_deref(),
        window_end: end,
        baseline,
        baseline_missing_reason,
        latest,
        change_points,
        change_pct,
        reliable_change,
        rci,
        response,
        remission,
        nhs_tt: None,
        status: decision.status,
        status_reason: decision.reason,
        on_track,
        flags,
        parameters: UsedParams {
            plateau_rule: options.rule,
            points: change.plateau.points,
            min_span_days: change.plateau.min_span_days,
            min_days_since_dose: change.plateau.min_days_since_dose,
            horizon_days: change.plateau.horizon_days,
            reliable_change: change.reliable_change,
            mcid: change.mcid,
            target: change.target,
            caseness: change.caseness,
            response_pct: change.response_pct,
            recall_days: instrument.recall_days,
            window_days: options.window_days,
            baseline_days: options.baseline_days,
            on_track: options.on_track,
        },
        points,
    }
}

/// Change in points and as a percentage of a non-zero baseline (§6.2).
fn change_from(baseline: Option<u32>, total: Option<u32>) -> (Option<i64>, Option<f64>) {
    let Some((b, t)) = baseline.zip(total) else {
        return (None, None);
    };
    let delta = i64::from(t) - i64::from(b);
    #[allow(clippy::cast_precision_loss)]
    let pct = (b > 0).then(|| delta as f64 * 100.0 / f64::from(b));
    (Some(delta), pct)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::Registry;

    #[test]
    fn shifting_days_stops_at_the_ends_of_the_calendar() {
        let day = date(2026, 3, 2);
        assert_eq!(shift_days(day, 1), date(2026, 3, 3));
        assert_eq!(shift_days(day, -30), date(2026, 1, 31));
        assert_eq!(shift_days(day, i64::MAX), Date::MAX);
        assert_eq!(shift_days(day, i64::MIN), Date::MIN);
        assert_eq!(shift_days(day, 7_304_485), Date::MAX);
        assert_eq!(shift_days(day, -7_304_485), Date::MIN);
    }

    /// Any look-back and any window length: a summary, never a panic.
    #[test]
    fn analysis_is_total_in_its_options() {
        let registry = Registry::builtin();
        let phq9 = registry.get("phq9").unwrap();
        let dosings = [Dosing {
            date: date(2026, 3, 2),
            label: None,
        }];
        let visits = [Administration {
            date: date(2026, 3, 1),
            total: Some(12),
            severity: "moderate",
            flags: Vec::new(),
            line: 2,
        }];
        for days in [1, 366, 7_304_484, 7_304_485, u32::MAX] {
            let options = TrendOptions {
                window_days: days,
                baseline_days: days,
                ..TrendOptions::default()
            };
            let summaries = analyze(phq9, &phq9.change, &options, &dosings, &visits);
            assert_eq!(summaries.len(), 1);
            assert_eq!(summaries[0].baseline.map(|b| b.total), Some(12), "{days}");
            assert_eq!(uncovered(&options, &dosings, &visits).len(), 1);
        }
    }
}
