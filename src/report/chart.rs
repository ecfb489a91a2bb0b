//! The geometry of one patient × instrument chart over the whole course: where every band,
//! line, dosing, window, corridor and administration goes. Plain numbers, no markup, so the
//! placement is tested with coordinates worked out by hand (`svg` draws it).

use jiff::civil::Date;

use super::scale::{DateScale, Linear};
use crate::instrument::{ChangeParams, Instrument};
use crate::score::{Flag, status_flag};
use crate::trend::{UncoveredPoint, WindowSummary, shift_days};

/// The drawing's size and the plot area inside it (SVG user units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    /// Whole drawing.
    pub width: f64,
    /// Whole drawing.
    pub height: f64,
    /// Left edge of the plot (y labels to its left).
    pub left: f64,
    /// Right edge of the plot (band and line labels to its right).
    pub right: f64,
    /// Top of the plot (dosing labels above it).
    pub top: f64,
    /// Bottom of the plot: the lowest possible total.
    pub bottom: f64,
    /// The lane under the axis where invalid administrations are marked: never at a total.
    pub invalid_lane: f64,
}

/// The one frame every chart uses, so that charts of one report line up.
pub const FRAME: Frame = Frame {
    width: 760.0,
    height: 310.0,
    left: 48.0,
    right: 600.0,
    top: 40.0,
    bottom: 250.0,
    invalid_lane: 266.0,
};

/// Days of margin before the first and after the last date drawn.
const PAD_DAYS: i64 = 3;

/// A severity band, shaded from its lowest total to the next band's.
#[derive(Debug, Clone, PartialEq)]
pub struct BandRect {
    /// The band's label (`moderate`).
    pub label: String,
    /// Its totals.
    pub min: u32,
    /// Its totals.
    pub max: u32,
    /// Top edge.
    pub y_top: f64,
    /// Bottom edge.
    pub y_bottom: f64,
}

/// A horizontal line at a total: caseness or target.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    /// `caseness ≥ 10`, `target < 5`.
    pub label: String,
    /// The total.
    pub total: u32,
    /// Where it is drawn.
    pub y: f64,
}

/// One dosing session: a vertical marker, and its window shaded.
#[derive(Debug, Clone, PartialEq)]
pub struct DosingMark {
    /// The session.
    pub date: Date,
    /// Its label, if the schedule gave one.
    pub label: Option<String>,
    /// The marker.
    pub x: f64,
    /// The end of its window (the last day's far edge).
    pub window_end_x: f64,
    /// The last day of its window.
    pub window_end: Date,
}

/// Baseline ± the reliable change, from the baseline to the end of its window.
#[derive(Debug, Clone, PartialEq)]
pub struct Corridor {
    /// Left edge (the baseline's date).
    pub x_start: f64,
    /// Right edge (the window's end).
    pub x_end: f64,
    /// Baseline + RC, or the top of the scale.
    pub y_top: f64,
    /// Baseline − RC, or the bottom of the scale.
    pub y_bottom: f64,
    /// The baseline total.
    pub baseline: u32,
    /// The reliable-change points.
    pub reliable_change: u32,
}

/// How an administration is drawn; each state has its own shape or mark, not only a colour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PointState {
    /// The total was prorated from the answered items: a hollow marker.
    pub prorated: bool,
    /// No valid total: a cross in the invalid lane, never at 0.
    pub invalid: bool,
    /// Its recall period lies mostly before the dose, so the plateau rules do not use it:
    /// greyed.
    pub recall_overlap: bool,
    /// A safety item endorsed or unanswered: ringed and marked `!!`.
    pub safety: bool,
    /// The baseline of a window: a square.
    pub baseline: bool,
}

/// One administration, placed.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartPoint {
    /// Visit date.
    pub date: Date,
    /// Valid total.
    pub total: Option<u32>,
    /// Severity id.
    pub severity: String,
    /// Every flag's name (safety first as scoring gives them).
    pub flags: Vec<String>,
    /// Input line.
    pub line: u64,
    /// The window it is in (an index into [`Chart::dosings`]), or none.
    pub window: Option<usize>,
    /// Days since that window's dosing.
    pub days_since_dose: Option<i64>,
    /// Total − that window's baseline.
    pub change: Option<i64>,
    /// How it is drawn.
    pub state: PointState,
    /// Centre.
    pub x: f64,
    /// Centre: the total's height, or the invalid lane.
    pub y: f64,
}

/// Everything one chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Instrument id.
    pub instrument_id: String,
    /// Instrument name.
    pub instrument_name: String,
    /// Lowest and highest possible totals.
    pub range: (u32, u32),
    /// Severity bands, lowest first.
    pub bands: Vec<BandRect>,
    /// Caseness and target.
    pub thresholds: Vec<Threshold>,
    /// Dosing sessions in date order.
    pub dosings: Vec<DosingMark>,
    /// One per window with a baseline.
    pub corridors: Vec<Corridor>,
    /// Every administration in (date, line) order.
    pub points: Vec<ChartPoint>,
    /// Dates labelled on the x axis.
    pub x_ticks: Vec<(f64, Date)>,
    /// Totals labelled on the y axis.
    pub y_ticks: Vec<(f64, u32)>,
    /// First and last date drawn.
    pub dates: (Date, Date),
}

/// Lays out one instrument's course for one patient: its windows (any, in dosing order)
/// and its administrations in no window. `None` when there is nothing to draw.
pub fn layout<'p, 'i: 'p>(
    instrument: &Instrument,
    params: &ChangeParams,
    windows: &[WindowSummary<'i>],
    uncovered: impl IntoIterator<Item = UncoveredPoint<'p>>,
) -> Option<Chart> {
    let mut points: Vec<ChartPoint> = uncovered
        .into_iter()
        .map(|p| unplaced(p.date, p.total, p.severity, p.flags, p.line, None, None))
        .collect();
    for (index, window) in windows.iter().enumerate() {
        for p in &window.points {
            let mut point = unplaced(
                p.date,
                p.total,
                p.severity,
                p.flags,
                p.line,
                Some(index),
                Some(p.days_since_dose),
            );
            point.state.recall_overlap = p.total.is_some() && !p.used_for_plateau;
            point.change = p.change_points;
            points.push(point);
        }
    }
    points.sort_by_key(|p| (p.date, p.line));
    let baselines: Vec<u64> = windows
        .iter()
        .filter_map(|w| w.baseline.map(|b| b.line))
        .collect();
    for point in &mut points {
        point.state.baseline = baselines.contains(&point.line);
    }

    let first = points
        .first()
        .map(|p| p.date)
        .into_iter()
        .chain(windows.iter().map(|w| w.dosing_date))
        .min()?;
    let last = points
        .last()
        .map(|p| p.date)
        .into_iter()
        .chain(windows.iter().map(|w| w.window_end))
        .max()?;
    let (first, last) = (shift_days(first, -PAD_DAYS), shift_days(last, PAD_DAYS + 1));
    let x = DateScale::new(first, last, FRAME.left, FRAME.right);
    let range = (instrument.total_min(), instrument.total_max());
    let y = Linear::new(
        (f64::from(range.0), f64::from(range.1)),
        (FRAME.bottom, FRAME.top),
    );
    let y_of = |total: u32| y.map(f64::from(total.clamp(range.0, range.1)));

    for point in &mut points {
        point.x = x.map(point.date);
        point.y = point.total.map_or(FRAME.invalid_lane, y_of);
    }
    let bands = instrument
        .bands
        .iter()
        .enumerate()
        .map(|(i, band)| {
            let upper = instrument.bands.get(i + 1).map_or(range.1, |next| next.min);
            BandRect {
                label: band.label.clone(),
                min: band.min,
                max: band.max,
                y_top: y_of(upper),
                y_bottom: y_of(band.min),
            }
        })
        .collect();
    let thresholds = vec![
        Threshold {
            label: format!("caseness ≥ {}", params.caseness),
            total: params.caseness,
            y: y_of(params.caseness),
        },
        Threshold {
            label: format!("target < {}", params.target),
            total: params.target,
            y: y_of(params.target),
        },
    ];
    let dosings = windows
        .iter()
        .map(|w| DosingMark {
            date: w.dosing_date,
            label: w.dosing_label.map(str::to_owned),
            x: x.map(w.dosing_date),
            window_end_x: x.map(shift_days(w.window_end, 1)),
            window_end: w.window_end,
        })
        .collect();
    let corridors = windows
        .iter()
        .filter_map(|w| {
            let baseline = w.baseline?;
            let rc = w.parameters.reliable_change;
            Some(Corridor {
                x_start: x.map(baseline.date),
                x_end: x.map(shift_days(w.window_end, 1)),
                y_top: y_of(baseline.total.saturating_add(rc)),
                y_bottom: y_of(baseline.total.saturating_sub(rc)),
                baseline: baseline.total,
                reliable_change: rc,
            })
        })
        .collect();
    Some(Chart {
        instrument_id: instrument.id.clone(),
        instrument_name: instrument.name.clone(),
        range,
        bands,
        thresholds,
        dosings,
        corridors,
        points,
        x_ticks: date_ticks(first, last, &x),
        y_ticks: total_ticks(range, &y),
        dates: (first, last),
    })
}

/// An administration before placement.
fn unplaced(
    date: Date,
    total: Option<u32>,
    severity: &str,
    flags: &[Flag<'_>],
    line: u64,
    window: Option<usize>,
    days_since_dose: Option<i64>,
) -> ChartPoint {
    let state = PointState {
        prorated: total.is_some() && flags.iter().any(|f| f.name == status_flag::PRORATED),
        invalid: total.is_none(),
        recall_overlap: false,
        safety: flags.iter().any(Flag::needs_safety_review),
        baseline: false,
    };
    ChartPoint {
        date,
        total,
        severity: severity.to_owned(),
        flags: flags.iter().map(|f| f.name.to_owned()).collect(),
        line,
        window,
        days_since_dose,
        change: None,
        state,
        x: 0.0,
        y: 0.0,
    }
}

/// About six dates across the axis, on whole days.
fn date_ticks(first: Date, last: Date, x: &DateScale) -> Vec<(f64, Date)> {
    let span = crate::trend::days_between(first, last);
    let step = (span / 6).max(1);
    (0..=span / step)
        .map(|i| shift_days(first, i * step))
        .map(|date| (x.map(date), date))
        .collect()
}

/// About five totals up the axis, on round steps.
fn total_ticks(range: (u32, u32), y: &Linear) -> Vec<(f64, u32)> {
    let span = range.1 - range.0;
    let step = [1, 2, 5, 10, 20, 25, 50, 100]
        .into_iter()
        .find(|step| span / step <= 6)
        .unwrap_or(span.max(1));
    (range.0..=range.1)
        .step_by(step as usize)
        .map(|total| (y.map(f64::from(total)), total))
        .collect()
}

#[cfg(test)]
mod tests;
