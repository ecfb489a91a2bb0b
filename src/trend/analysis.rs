//! The analysis of one instrument's integration windows for one patient (reference §6,
//! §7): baseline, change metrics, plateau status, on-track and the window's flags.

use jiff::civil::Date;

use super::by_date::ByDate;
use super::{
    Administration, BaselineMissing, Dosing, EligiblePoint, PointRef, ReliableChange, TrendOptions,
    UsedParams, WindowPoint, WindowSummary, baseline_start, days_between, on_track, plateau_status,
    window_flag, windows,
};
use crate::instrument::{ChangeParams, Instrument};
use crate::score::{Flag, FlagKind};

/// First follow-up expected within 72 hours of dosing (brief: integration model).
pub(super) const FIRST_FOLLOWUP_DAYS: i64 = 3;
/// Weekly follow-up; a gap over two weeks is flagged.
pub(super) const MAX_GAP_DAYS: i64 = 14;

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
    let windows = windows(options, dosings);
    analyze_windows(
        instrument,
        change,
        options,
        &windows,
        &ByDate::new(administrations),
    )
}

/// [`analyze`] over windows and ordered visits worked out once per patient by the caller.
pub(super) fn analyze_windows<'i>(
    instrument: &'i Instrument,
    change: &ChangeParams,
    options: &TrendOptions,
    windows: &[(&'i Dosing, Date)],
    sorted: &ByDate<'i>,
) -> Vec<WindowSummary<'i>> {
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
        sorted,
        last_valid: &last_valid,
    };
    windows
        .iter()
        .map(|&(dose, end)| summarize(instrument, change, options, dose, end, &visits))
        .collect()
}

/// One patient's administrations of one instrument in (date, line) order, with the index of
/// the last valid one up to each position.
struct SortedVisits<'s, 'i> {
    sorted: &'s ByDate<'i>,
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
        .map(|i| sorted.get(i))
        .filter(|a| a.date >= earliest)
        .and_then(|a| {
            a.total.map(|total| PointRef {
                date: a.date,
                days_since_dose: days_between(dose.date, a.date),
                total,
                line: a.line,
            })
        });
    let baseline_missing_reason = baseline.is_none().then_some(BaselineMissing {
        baseline_days: options.baseline_days,
        dosing: dose.date,
    });

    let recall = i64::from(instrument.recall_days);
    let after = sorted.partition_point(|a| a.date <= end).max(first);
    let mut valid = Vec::with_capacity(after - first);
    let points: Vec<WindowPoint<'i>> = sorted
        .range(first, after)
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
                place: a.place,
            }
        })
        .collect();

    let latest = sorted.range(first, after).rev().find_map(|a| {
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

    use super::analyze;
    use crate::Registry;
    use crate::trend::{Administration, Dosing, TrendOptions, uncovered};

    /// The caller's order does not matter: visits out of order, a same-day re-entry among
    /// them, give the summaries of the same visits in (date, line) order.
    #[test]
    fn analysis_is_the_same_whatever_the_order_of_the_visits() {
        let registry = Registry::builtin();
        let phq9 = registry.get("phq9").unwrap();
        let dosings = [Dosing {
            date: date(2026, 3, 2),
            label: None,
        }];
        let visit = |day: i8, total: u32, line: u64| Administration {
            date: date(2026, 3, day),
            total: Some(total),
            severity: "moderate",
            flags: Vec::new(),
            line,
            place: None,
        };
        let in_order = [
            visit(1, 20, 2),
            visit(9, 16, 3),
            visit(16, 12, 4),
            visit(16, 11, 7),
            visit(30, 10, 5),
        ];
        let shuffled = [
            in_order[3].clone(),
            in_order[4].clone(),
            in_order[0].clone(),
            in_order[2].clone(),
            in_order[1].clone(),
        ];
        let options = TrendOptions::default();
        let expected = analyze(phq9, &phq9.change, &options, &dosings, &in_order);
        let found = analyze(phq9, &phq9.change, &options, &dosings, &shuffled);
        assert_eq!(found, expected);
        let lines: Vec<u64> = found[0].points.iter().map(|p| p.line).collect();
        assert_eq!(lines, [3, 4, 7, 5]);
        // Latest is day 30's 10 from baseline 20: a 10-point improvement.
        assert_eq!(found[0].change_points, Some(-10));
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
            place: None,
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
