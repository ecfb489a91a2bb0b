//! Placement checked against coordinates worked out by hand.
//!
//! The course (PHQ-9, 0–27): baseline 9 on 1 March, dosing on 10 March with a 28-day window
//! (to 7 April), 18 on 12 March (day 2: recall mostly before the dose), 9 on 17 March, an
//! invalid administration on 24 March, a prorated 9 on 31 March, 9 with item 9 endorsed on
//! 7 April, and 0 on 2 May, after the window.
//!
//! Dates drawn: 3 days before the first (26 February) to 4 after the last (6 May): 69 days
//! over x 48…600, so 8 units a day from x = 48. Totals: y = 250 − total × 210 / 27.

use jiff::civil::{Date, date};

use super::{FRAME, layout};
use crate::Registry;
use crate::score::{Answer, score};
use crate::trend::{Administration, Dosing, TrendOptions, analyze, uncovered};

fn at(registry: &Registry, day: Date, answers: [Option<u8>; 9], line: u64) -> Administration<'_> {
    let phq9 = registry.get("phq9").unwrap();
    let answers: Vec<Answer> = answers
        .iter()
        .map(|a| a.map_or(Answer::Missing, Answer::Value))
        .collect();
    let report = score(phq9, &answers).unwrap();
    Administration {
        date: day,
        total: report.total,
        severity: report.severity.id(),
        flags: report.flags.clone(),
        line,
        place: None,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn a_course_is_placed_where_worked_out_by_hand() {
    let registry = Registry::builtin();
    let phq9 = registry.get("phq9").unwrap();
    let s = Some;
    let administrations = vec![
        at(
            &registry,
            date(2026, 3, 1),
            [s(1), s(1), s(1), s(1), s(1), s(1), s(1), s(2), s(0)],
            2,
        ),
        at(
            &registry,
            date(2026, 3, 12),
            [s(3), s(3), s(3), s(3), s(2), s(2), s(2), s(0), s(0)],
            3,
        ),
        at(
            &registry,
            date(2026, 3, 17),
            [s(1), s(1), s(1), s(1), s(1), s(1), s(1), s(2), s(0)],
            4,
        ),
        at(
            &registry,
            date(2026, 3, 24),
            [s(1), s(1), s(1), s(1), None, None, None, None, s(0)],
            5,
        ),
        at(
            &registry,
            date(2026, 3, 31),
            [s(1), s(1), s(1), s(1), s(1), s(1), s(2), None, s(0)],
            6,
        ),
        at(&registry, date(2026, 4, 7), [s(1); 9], 7),
        at(&registry, date(2026, 5, 2), [s(0); 9], 8),
    ];
    let dosings = [Dosing {
        date: date(2026, 3, 10),
        label: Some("psilocybin 25 mg".to_owned()),
    }];
    let options = TrendOptions {
        window_days: 28,
        ..TrendOptions::default()
    };
    let windows = analyze(phq9, &phq9.change, &options, &dosings, &administrations);
    let outside = uncovered(&options, &dosings, &administrations);
    let chart = layout(phq9, &phq9.change, &windows, outside).unwrap();

    assert_eq!(chart.dates, (date(2026, 2, 26), date(2026, 5, 6)));
    assert_eq!(chart.range, (0, 27));
    // The dosing at day 12, its window to the far edge of 7 April (day 41).
    let dosing = &chart.dosings[0];
    assert!(close(dosing.x, 144.0));
    assert!(close(dosing.window_end_x, 376.0));
    assert_eq!(dosing.label.as_deref(), Some("psilocybin 25 mg"));

    let placed: Vec<(Date, f64, f64)> = chart.points.iter().map(|p| (p.date, p.x, p.y)).collect();
    let expected = [
        (date(2026, 3, 1), 72.0, 180.0),
        (date(2026, 3, 12), 160.0, 110.0),
        (date(2026, 3, 17), 200.0, 180.0),
        // Invalid: in the lane under the axis, never at 0 (y 250).
        (date(2026, 3, 24), 256.0, FRAME.invalid_lane),
        (date(2026, 3, 31), 312.0, 180.0),
        (date(2026, 4, 7), 368.0, 180.0),
        (date(2026, 5, 2), 568.0, 250.0),
    ];
    assert_eq!(placed.len(), expected.len());
    for ((d, x, y), (ed, ex, ey)) in placed.iter().zip(expected) {
        assert_eq!(*d, ed);
        assert!(close(*x, ex) && close(*y, ey), "{d}: ({x}, {y})");
    }

    let states: Vec<_> = chart.points.iter().map(|p| p.state).collect();
    assert!(states[0].baseline && !states[0].safety);
    assert!(states[1].recall_overlap && !states[2].recall_overlap);
    assert!(states[3].invalid && chart.points[3].total.is_none());
    assert!(states[4].prorated && !states[4].invalid);
    assert!(states[5].safety);
    assert!(chart.points[6].window.is_none() && chart.points[5].window == Some(0));

    // Baseline 9 ± 6: totals 3 to 15, from 1 March to the window's end.
    let corridor = &chart.corridors[0];
    assert!(close(corridor.x_start, 72.0) && close(corridor.x_end, 376.0));
    assert!(close(corridor.y_top, 250.0 - 15.0 * 210.0 / 27.0));
    assert!(close(corridor.y_bottom, 250.0 - 3.0 * 210.0 / 27.0));

    // Bands tile the axis: moderate from 10 up to 15, severe from 20 to the top (27).
    let moderate = chart.bands.iter().find(|b| b.min == 10).unwrap();
    assert!(close(moderate.y_bottom, 250.0 - 10.0 * 210.0 / 27.0));
    assert!(close(moderate.y_top, 250.0 - 15.0 * 210.0 / 27.0));
    let severe = chart.bands.last().unwrap();
    assert!(close(severe.y_top, FRAME.top) && severe.max == 27);
    let lines: Vec<(&str, u32)> = chart
        .thresholds
        .iter()
        .map(|t| (t.label.as_str(), t.total))
        .collect();
    assert_eq!(lines, [("caseness ≥ 10", 10), ("target < 5", 5)]);
}

#[test]
fn nothing_to_draw_gives_no_chart() {
    let registry = Registry::builtin();
    let phq9 = registry.get("phq9").unwrap();
    assert!(layout(phq9, &phq9.change, &[], []).is_none());
}
