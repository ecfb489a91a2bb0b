//! NHS Talking Therapies paired outcomes for PHQ-9 with GAD-7 (reference §6.3).
//!
//! The classes are defined on a *pair* of measures taken at the same visit: the baseline
//! pair is the last visit on or before dosing with both totals valid, and the latest pair is
//! the last such visit in the window. The tie-break for conflicting directions is not
//! verified (§6.3, §10 item 1), so the rule is named in the output: `nhs_tt_conservative`
//! counts reliable improvement only when neither measure reliably deteriorated.

use jiff::civil::Date;
use serde::Serialize;

use super::{Administration, serialize_date};
use crate::instrument::ChangeParams;

/// The name of the combination rule applied, reported with every outcome.
pub const NHS_TT_RULE: &str = "nhs_tt_conservative";

/// The combined class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NhsTtClass {
    /// Recovery and reliable improvement.
    ReliableRecovery,
    /// Reliable improvement without recovery.
    ReliableImprovement,
    /// Reliable deterioration on either measure.
    ReliableDeterioration,
    /// None of the above.
    NoReliableChange,
}

impl NhsTtClass {
    /// The name written in output, as serialised.
    pub fn name(self) -> &'static str {
        match self {
            NhsTtClass::ReliableRecovery => "RELIABLE_RECOVERY",
            NhsTtClass::ReliableImprovement => "RELIABLE_IMPROVEMENT",
            NhsTtClass::ReliableDeterioration => "RELIABLE_DETERIORATION",
            NhsTtClass::NoReliableChange => "NO_RELIABLE_CHANGE",
        }
    }
}

/// Paired outcome with every input shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NhsTtOutcome {
    /// The combination rule.
    pub rule: &'static str,
    /// Date of the baseline pair.
    #[serde(serialize_with = "serialize_date")]
    pub baseline_date: Date,
    /// Date of the latest pair.
    #[serde(serialize_with = "serialize_date")]
    pub latest_date: Date,
    /// PHQ-9 at baseline and latest.
    pub depression: (u32, u32),
    /// GAD-7 at baseline and latest.
    pub anxiety: (u32, u32),
    /// Case at start: depression ≥ its caseness or anxiety ≥ its caseness.
    pub caseness_at_start: bool,
    /// Below caseness on both at the latest pair; `None` when not a case at start
    /// (excluded from the recovery denominator).
    pub recovery: Option<bool>,
    /// Either improved reliably, and neither deteriorated reliably.
    pub reliable_improvement: bool,
    /// Either deteriorated reliably.
    pub reliable_deterioration: bool,
    /// Recovery and reliable improvement; `None` when not a case at start.
    pub reliable_recovery: Option<bool>,
    /// The combined class.
    pub class: NhsTtClass,
}

/// The paired outcome for one window, when both measures have a same-day baseline pair and
/// a same-day pair in the window.
#[allow(clippy::too_many_arguments)]
pub fn nhs_tt_outcome(
    depression: &ChangeParams,
    anxiety: &ChangeParams,
    baseline_from: Date,
    dosing: Date,
    window_end: Date,
    depression_points: &[Administration<'_>],
    anxiety_points: &[Administration<'_>],
) -> Option<NhsTtOutcome> {
    let pair = |from: Date, to: Date| -> Option<(Date, u32, u32)> {
        depression_points
            .iter()
            .filter(|d| d.date >= from && d.date <= to)
            .filter_map(|d| {
                let a = anxiety_points
                    .iter()
                    .filter(|a| a.date == d.date)
                    .filter_map(|a| a.total)
                    .next_back()?;
                Some((d.date, d.total?, a))
            })
            .max_by_key(|(date, _, _)| *date)
    };
    let (baseline_date, d0, a0) = pair(baseline_from, dosing)?;
    let first_day = dosing.tomorrow().ok()?;
    let (latest_date, d1, a1) = pair(first_day, window_end)?;

    let (d_rc, a_rc) = (depression.reliable_change, anxiety.reliable_change);
    let caseness_at_start = d0 >= depression.caseness || a0 >= anxiety.caseness;
    let reliable_deterioration = d1 >= d0 + d_rc || a1 >= a0 + a_rc;
    let reliable_improvement = (d0 >= d1 + d_rc || a0 >= a1 + a_rc) && !reliable_deterioration;
    let recovery = caseness_at_start.then_some(d1 < depression.caseness && a1 < anxiety.caseness);
    let reliable_recovery = recovery.map(|r| r && reliable_improvement);
    let class = if reliable_deterioration {
        NhsTtClass::ReliableDeterioration
    } else if reliable_recovery == Some(true) {
        NhsTtClass::ReliableRecovery
    } else if reliable_improvement {
        NhsTtClass::ReliableImprovement
    } else {
        NhsTtClass::NoReliableChange
    };
    Some(NhsTtOutcome {
        rule: NHS_TT_RULE,
        baseline_date,
        latest_date,
        depression: (d0, d1),
        anxiety: (a0, a1),
        caseness_at_start,
        recovery,
        reliable_improvement,
        reliable_deterioration,
        reliable_recovery,
        class,
    })
}
