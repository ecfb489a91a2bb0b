//! NHS Talking Therapies paired outcomes for PHQ-9 with GAD-7 (reference §6.3).
//!
//! The classes are defined on a *pair* of measures taken at the same visit: the baseline
//! pair is the last visit on or before dosing with both totals valid, and the latest pair is
//! the last such visit in the window. The tie-break for conflicting directions is not
//! verified (§6.3, §10 item 1), so the rule is named in the output: `nhs_tt_conservative`
//! counts reliable improvement only when neither measure reliably deteriorated.

use jiff::civil::Date;
use serde::Serialize;

use super::by_date::ByDate;
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

/// One patient's same-day pairs: each visit date with a valid PHQ-9 and a valid GAD-7 total
/// (the later of each when a day has several), in date order. Built once per patient, so that
/// each window finds its pairs by binary search: a patient with 100k visits and 10k dosings
/// costs n·log n, not a scan of every visit per window and per visit.
#[derive(Debug, Clone, Default)]
pub struct NhsTtPairs {
    pairs: Vec<(Date, u32, u32)>,
}

impl NhsTtPairs {
    /// Pairs the administrations of the two measures, which may be in any order; of
    /// several on one day, the later input line counts, as everywhere in trend.
    pub fn new(depression: &[Administration<'_>], anxiety: &[Administration<'_>]) -> Self {
        let (depression, anxiety) = (ByDate::new(depression), ByDate::new(anxiety));
        let (mut dep, mut anx) = (valid_by_day(&depression), valid_by_day(&anxiety));
        // Both are in date order: one merge finds the days they share.
        let mut pairs = Vec::new();
        let (mut d, mut a) = (dep.next(), anx.next());
        while let (Some((d_date, d_total)), Some((a_date, a_total))) = (d, a) {
            match d_date.cmp(&a_date) {
                std::cmp::Ordering::Less => d = dep.next(),
                std::cmp::Ordering::Greater => a = anx.next(),
                std::cmp::Ordering::Equal => {
                    pairs.push((d_date, d_total, a_total));
                    (d, a) = (dep.next(), anx.next());
                }
            }
        }
        NhsTtPairs { pairs }
    }

    /// The latest pair dated from `from` to `to`, both included.
    fn latest(&self, from: Date, to: Date) -> Option<(Date, u32, u32)> {
        let upto = self.pairs.partition_point(|p| p.0 <= to);
        upto.checked_sub(1)
            .map(|i| self.pairs[i])
            .filter(|p| p.0 >= from)
    }

    /// The paired outcome for one window, when both measures have a same-day baseline pair
    /// (from `baseline_from` to the dosing day) and a same-day pair in the window.
    pub fn outcome(
        &self,
        depression: &ChangeParams,
        anxiety: &ChangeParams,
        baseline_from: Date,
        dosing: Date,
        window_end: Date,
    ) -> Option<NhsTtOutcome> {
        let (baseline_date, d0, a0) = self.latest(baseline_from, dosing)?;
        let first_day = dosing.tomorrow().ok()?;
        let (latest_date, d1, a1) = self.latest(first_day, window_end)?;
        Some(classify(
            depression,
            anxiety,
            (baseline_date, d0, a0),
            (latest_date, d1, a1),
        ))
    }
}

/// Each day with a valid total, in date order, with the total of its last (latest line)
/// valid administration.
fn valid_by_day<'a>(visits: &'a ByDate<'_>) -> impl Iterator<Item = (Date, u32)> + 'a {
    let mut valid = visits
        .iter()
        .filter_map(|a| Some((a.date, a.total?)))
        .peekable();
    std::iter::from_fn(move || {
        let (date, mut total) = valid.next()?;
        while let Some((_, later)) = valid.next_if(|(next, _)| *next == date) {
            total = later;
        }
        Some((date, total))
    })
}

/// The classes of §6.3 from a baseline pair and a latest pair.
fn classify(
    depression: &ChangeParams,
    anxiety: &ChangeParams,
    (baseline_date, d0, a0): (Date, u32, u32),
    (latest_date, d1, a1): (Date, u32, u32),
) -> NhsTtOutcome {
    let (d_rc, a_rc) = (depression.reliable_change, anxiety.reliable_change);
    let caseness_at_start = d0 >= depression.caseness || a0 >= anxiety.caseness;
    let reliable_deterioration = d1 >= d0.saturating_add(d_rc) || a1 >= a0.saturating_add(a_rc);
    let reliable_improvement =
        (d0 >= d1.saturating_add(d_rc) || a0 >= a1.saturating_add(a_rc)) && !reliable_deterioration;
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
    NhsTtOutcome {
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
    }
}

#[cfg(test)]
mod tests;
