//! Plateau and not-on-track rules (reference §7.3 definitions A, B and C).
//!
//! Pure functions over the eligible post-dose points of one window. The evaluation order of
//! §7.3 lives in [`plateau_status`] so that "deterioration beats plateau" and "at target
//! beats plateau" hold for both rules.

use serde::Serialize;

use super::StatusReason;
use crate::instrument::{ChangeParams, PlateauParams};

/// Which plateau definition decides `status` (reference §7.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlateauRule {
    /// Definition A: the last k totals lie within less than one reliable-change unit.
    #[default]
    Band,
    /// Definition B: the least-squares slope projects less than the MCID over the horizon.
    Slope,
}

/// The headline status of a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// Too few eligible points, too short a span, too early, or no baseline.
    InsufficientData,
    /// Latest is at least one reliable-change unit above baseline.
    Deterioration,
    /// Latest is below the target: remission.
    AtTarget,
    /// Flat after a reliable improvement.
    PlateauAfterImprovement,
    /// Flat without a reliable improvement.
    PlateauNoReliableImprovement,
    /// Still changing.
    NoPlateau,
}

impl PlateauRule {
    /// The name written in output, as serialised.
    pub fn name(self) -> &'static str {
        match self {
            PlateauRule::Band => "band",
            PlateauRule::Slope => "slope",
        }
    }
}

impl Status {
    /// The name written in output, as serialised.
    pub fn name(self) -> &'static str {
        match self {
            Status::InsufficientData => "INSUFFICIENT_DATA",
            Status::Deterioration => "DETERIORATION",
            Status::AtTarget => "AT_TARGET",
            Status::PlateauAfterImprovement => "PLATEAU_AFTER_IMPROVEMENT",
            Status::PlateauNoReliableImprovement => "PLATEAU_NO_RELIABLE_IMPROVEMENT",
            Status::NoPlateau => "NO_PLATEAU",
        }
    }

    /// Whether this is one of the plateau statuses.
    pub fn is_plateau(self) -> bool {
        matches!(
            self,
            Status::PlateauAfterImprovement | Status::PlateauNoReliableImprovement
        )
    }
}

/// Definition C result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OnTrack {
    /// No two consecutive late administrations below the early-improvement threshold.
    OnTrack,
    /// Two consecutive late administrations improved less than the threshold: review.
    NotOnTrack,
    /// Fewer than two administrations late enough, or no usable baseline.
    InsufficientData,
}

impl OnTrack {
    /// The name written in output, as serialised.
    pub fn name(self) -> &'static str {
        match self {
            OnTrack::OnTrack => "ON_TRACK",
            OnTrack::NotOnTrack => "NOT_ON_TRACK",
            OnTrack::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

/// A post-dose total eligible for the plateau rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EligiblePoint {
    /// Days since the dosing session.
    pub days: i64,
    /// The valid total.
    pub total: u32,
}

/// The status with the reason a clinician can audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusDecision {
    /// The status.
    pub status: Status,
    /// Why, with the numbers used.
    pub reason: StatusReason,
}

/// Applies the §7.3 evaluation order to the eligible points (date order) of one window.
pub fn plateau_status(
    rule: PlateauRule,
    change: &ChangeParams,
    baseline: Option<u32>,
    eligible: &[EligiblePoint],
) -> StatusDecision {
    let decide = |status, reason| StatusDecision { status, reason };
    let PlateauParams {
        points,
        min_span_days,
        min_days_since_dose,
        horizon_days,
    } = change.plateau;
    let k = points as usize;
    let Some(baseline) = baseline else {
        return decide(Status::InsufficientData, StatusReason::NoBaseline);
    };
    // (1) enough data?
    if eligible.len() < k {
        return decide(
            Status::InsufficientData,
            StatusReason::TooFewEligible {
                eligible: eligible.len(),
                needed: k,
            },
        );
    }
    let last = &eligible[eligible.len() - k..];
    let (first_day, latest) = (last[0].days, last[k - 1]);
    if latest.days - first_day < i64::from(min_span_days) {
        return decide(
            Status::InsufficientData,
            StatusReason::SpanTooShort {
                points: k,
                span_days: latest.days - first_day,
                needed_days: min_span_days,
            },
        );
    }
    if latest.days < i64::from(min_days_since_dose) {
        return decide(
            Status::InsufficientData,
            StatusReason::TooEarly {
                latest_day: latest.days,
                needed_day: min_days_since_dose,
            },
        );
    }
    // (2) deterioration outranks everything but missing data (§7.2 point 3).
    let rc = change.reliable_change;
    if latest.total >= baseline + rc {
        return decide(
            Status::Deterioration,
            StatusReason::Deterioration {
                latest: latest.total,
                baseline,
                reliable_change: rc,
            },
        );
    }
    // (3) at target.
    if latest.total < change.target {
        return decide(
            Status::AtTarget,
            StatusReason::AtTarget {
                latest: latest.total,
                target: change.target,
            },
        );
    }
    // (4) the rule itself.
    let improved = baseline >= latest.total + rc;
    let plateau = if improved {
        Status::PlateauAfterImprovement
    } else {
        Status::PlateauNoReliableImprovement
    };
    match rule {
        PlateauRule::Band => {
            let totals: Vec<u32> = last.iter().map(|p| p.total).collect();
            let (min, max) = (
                totals.iter().min().copied().unwrap_or(0),
                totals.iter().max().copied().unwrap_or(0),
            );
            let range = max - min;
            let status = if range < rc {
                plateau
            } else {
                Status::NoPlateau
            };
            decide(
                status,
                StatusReason::Band {
                    totals,
                    range,
                    reliable_change: rc,
                },
            )
        }
        PlateauRule::Slope => {
            let (num, den) = slope(last);
            if den == 0 {
                return decide(Status::InsufficientData, StatusReason::SameDay);
            }
            // Plateau when the projected improvement −slope·H is below the MCID, i.e.
            // −num·H < MCID·den, with den > 0.
            let projected_num = -num * i128::from(horizon_days);
            let below_mcid = projected_num < i128::from(change.mcid) * den;
            decide(
                if below_mcid {
                    plateau
                } else {
                    Status::NoPlateau
                },
                StatusReason::Slope {
                    num,
                    den,
                    horizon_days,
                    mcid: change.mcid,
                    below_mcid,
                },
            )
        }
    }
}

/// Least-squares slope of total on days as an exact fraction `num / den`
/// (both scaled by k: `num = kΣty − ΣtΣy`, `den = kΣt² − (Σt)²`).
pub fn slope(points: &[EligiblePoint]) -> (i128, i128) {
    let k = points.len() as i128;
    let (mut st, mut sy, mut sty, mut stt) = (0i128, 0i128, 0i128, 0i128);
    for p in points {
        let (t, y) = (i128::from(p.days), i128::from(p.total));
        st += t;
        sy += y;
        sty += t * y;
        stt += t * t;
    }
    (k * sty - st * sy, k * stt - st * st)
}

/// Parameters of definition C (reference §7.3): early non-improvement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OnTrackParams {
    /// Only administrations at least this many days after dosing count.
    pub from_day: u32,
    /// Improvement from baseline below this percentage counts as not improving.
    pub min_improvement_pct: u32,
    /// How many consecutive such administrations make `NOT_ON_TRACK`.
    pub consecutive: u32,
}

impl Default for OnTrackParams {
    fn default() -> Self {
        // §7.3.5 (definition C): ≥ 14 days, < 20 %, 2 consecutive (Szegedi 2009; Wagner 2017).
        OnTrackParams {
            from_day: 14,
            min_improvement_pct: 20,
            consecutive: 2,
        }
    }
}

/// Definition C over the valid post-dose points (date order).
pub fn on_track(params: OnTrackParams, baseline: Option<u32>, points: &[EligiblePoint]) -> OnTrack {
    let Some(baseline) = baseline.filter(|b| *b > 0) else {
        return OnTrack::InsufficientData;
    };
    let late: Vec<&EligiblePoint> = points
        .iter()
        .filter(|p| p.days >= i64::from(params.from_day))
        .collect();
    let needed = params.consecutive.max(1) as usize;
    if late.len() < needed {
        return OnTrack::InsufficientData;
    }
    // Improvement % = (baseline − total) / baseline · 100 < threshold, in integers.
    let not_improving = |p: &&EligiblePoint| {
        (i64::from(baseline) - i64::from(p.total)) * 100
            < i64::from(params.min_improvement_pct) * i64::from(baseline)
    };
    let mut run = 0;
    for p in &late {
        run = if not_improving(p) { run + 1 } else { 0 };
        if run >= needed {
            return OnTrack::NotOnTrack;
        }
    }
    OnTrack::OnTrack
}
