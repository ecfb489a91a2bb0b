//! The stream of patients: grouped and collected reading agree, safety answers in no trend
//! are events that meet the safety condition, and every row and administration is counted.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Cursor, Write as _};

use jiff::civil::date;

use super::{Coverage, DosingPlan, NoTrendReason, PatientStream, RowEvent, RunTotals};
use crate::Registry;
use crate::batch::{BatchOptions, DosingSchedule, InputFormat};
use crate::trend::{Condition, Dosing, TrendOptions, VisitsInput, resolve_params};

const HEADER: &str = "patient_id,date,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7";

/// A row: PHQ-9 items 1–8 all `phq`, item 9 `item9`, GAD-7 items all `gad` (empty: not given).
fn row(patient: &str, day: &str, phq: &str, item9: &str, gad: &str) -> String {
    let phq = [phq; 8].join(",");
    let gad = [gad; 7].join(",");
    format!("{patient},{day},{phq},{item9},{gad}")
}

/// One patient's results as plain values: per window (instrument, dosing, baseline total,
/// latest total, point totals), then per administration in no window (instrument, date).
type Seen = (
    String,
    Vec<(String, String, Option<u32>, Option<u32>, Vec<u32>)>,
    Vec<(String, String)>,
);

/// Runs the stream over `input` with dosing on 10 March 2026 for P1 and P2 (P3 has none).
fn run(
    input: &mut VisitsInput,
    options: BatchOptions,
) -> (Vec<Seen>, Vec<(u64, NoTrendReason, String)>, RunTotals) {
    let registry = Registry::builtin();
    let grouped = input
        .patients_are_grouped(InputFormat::Csv, &registry, "v.csv", &options)
        .unwrap();
    let stream = PatientStream::open(
        InputFormat::Csv,
        &registry,
        input,
        "v.csv",
        options,
        grouped,
    )
    .unwrap();
    let schedule: DosingSchedule = ["P1", "P2"]
        .into_iter()
        .map(|p| {
            let dose = Dosing {
                date: date(2026, 3, 10),
                label: None,
            };
            (p.to_owned(), vec![dose])
        })
        .collect();
    let params = resolve_params(&registry, &[]).unwrap();
    let mut seen = Vec::new();
    let mut events = Vec::new();
    let totals = stream
        .run(
            &DosingPlan::Schedule(&schedule),
            &params,
            &TrendOptions::default(),
            |event| {
                if let RowEvent::SafetyInNoTrend {
                    line,
                    record,
                    reason,
                } = event
                {
                    events.push((line, reason, record.report.instrument.id.clone()));
                }
            },
            |results| {
                let windows = results
                    .trend
                    .windows
                    .iter()
                    .flat_map(|(i, w)| w.iter().map(move |s| (i, s)))
                    .map(|(i, s)| {
                        (
                            i.id.clone(),
                            s.dosing_date.to_string(),
                            s.baseline.map(|b| b.total),
                            s.latest.map(|l| l.total),
                            s.points.iter().filter_map(|p| p.total).collect(),
                        )
                    })
                    .collect();
                let uncovered = results
                    .trend
                    .uncovered()
                    .flat_map(|(i, p)| p.map(move |p| (i.id.clone(), p.date.to_string())))
                    .collect();
                seen.push((results.patient_id.to_owned(), windows, uncovered));
                Ok::<(), std::convert::Infallible>(())
            },
        )
        .unwrap();
    (seen, events, totals)
}

fn file_input(text: &str) -> (tempfile::TempDir, VisitsInput) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.csv");
    File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let input = VisitsInput::from_file(File::open(&path).unwrap()).unwrap();
    (dir, input)
}

fn stream_input(text: &str) -> VisitsInput {
    VisitsInput::Stream(Box::new(Cursor::new(text.as_bytes().to_vec())))
}

fn window(
    id: &str,
    base: u32,
    latest: u32,
    points: &[u32],
) -> (String, String, Option<u32>, Option<u32>, Vec<u32>) {
    (
        id.to_owned(),
        "2026-03-10".to_owned(),
        Some(base),
        Some(latest),
        points.to_vec(),
    )
}

#[test]
fn grouped_and_collected_reading_give_the_same_patients() {
    // P1: PHQ-9 baseline 8·2 = 16 on day 9, then 8 and 0 after the dose; GAD-7 7·1 = 7 on
    // day 9 and 0 on day 12. P2: PHQ-9 9 on day 10 (same-day baseline), 18 on day 13.
    let grouped = [
        HEADER.to_owned(),
        row("P1", "2026-03-09", "2", "0", "1"),
        row("P1", "2026-03-12", "1", "0", "0"),
        row("P1", "2026-03-19", "0", "0", ""),
        row("P2", "2026-03-10", "1", "1", ""),
        row("P2", "2026-03-13", "2", "2", ""),
    ]
    .join("\n")
        + "\n";
    let p1 = (
        "P1".to_owned(),
        vec![window("phq9", 16, 0, &[8, 0]), window("gad7", 7, 0, &[0])],
        vec![
            ("phq9".to_owned(), "2026-03-09".to_owned()),
            ("gad7".to_owned(), "2026-03-09".to_owned()),
        ],
    );
    let p2 = (
        "P2".to_owned(),
        vec![window("phq9", 9, 18, &[18])],
        vec![("phq9".to_owned(), "2026-03-10".to_owned())],
    );
    let (_dir, mut file) = file_input(&grouped);
    let (from_file, _, file_totals) = run(&mut file, BatchOptions::default());
    let (from_stream, _, stream_totals) = run(&mut stream_input(&grouped), BatchOptions::default());
    assert_eq!(from_file, [p1.clone(), p2.clone()]);
    assert_eq!(from_stream, from_file);
    // The same rows interleaved: collected, and handed over in patient-id order.
    let interleaved = [
        HEADER.to_owned(),
        row("P2", "2026-03-13", "2", "2", ""),
        row("P1", "2026-03-19", "0", "0", ""),
        row("P2", "2026-03-10", "1", "1", ""),
        row("P1", "2026-03-12", "1", "0", "0"),
        row("P1", "2026-03-09", "2", "0", "1"),
    ]
    .join("\n")
        + "\n";
    let (_dir, mut file) = file_input(&interleaved);
    let (from_interleaved, _, _) = run(&mut file, BatchOptions::default());
    assert_eq!(from_interleaved, [p1, p2]);
    for totals in [file_totals, stream_totals] {
        assert_eq!((totals.patients, totals.summaries), (2, 3));
        // P2's same-day baseline is in no window: 4 in a window, 3 outside.
        let expected = Coverage {
            in_window: 4,
            outside: 3,
            no_dosing: 0,
        };
        assert_eq!(totals.coverage, expected);
        // P2's item 9 is endorsed on both days: safety is met.
        assert!(totals.met(Condition::Safety));
    }
}

#[test]
fn safety_answers_in_no_trend_are_events_that_meet_the_safety_condition() {
    let text = [
        HEADER.to_owned(),
        // Line 2: P1 dated, item 9 is 0, no GAD-7.
        row("P1", "2026-03-12", "1", "0", ""),
        // Line 3: no date, item 9 endorsed.
        row("P1", "", "1", "2", ""),
        // Line 4: no date, item 9 is 0: nothing to review.
        row("P1", "", "1", "0", ""),
        // Line 5: P3 (no dosing), GAD-7 only with PHQ-9 item 9 endorsed.
        row("P3", "2026-03-12", "0", "3", "1"),
    ]
    .join("\n")
        + "\n";
    let (_dir, mut file) = file_input(&text);
    let (_, events, totals) = run(&mut file, BatchOptions::default());
    assert_eq!(events, [(3, NoTrendReason::NoDate, "phq9".to_owned())]);
    assert!(totals.met(Condition::Safety));

    // PHQ-9 left out with `-i gad7`: the endorsed items 9 of lines 3 and 5 are still events.
    let options = BatchOptions {
        only: vec!["gad7".to_owned()],
        ..BatchOptions::default()
    };
    let (_dir, mut file) = file_input(&text);
    let (seen, events, totals) = run(&mut file, options);
    assert_eq!(
        events,
        [
            (3, NoTrendReason::InstrumentLeftOut, "phq9".to_owned()),
            (5, NoTrendReason::InstrumentLeftOut, "phq9".to_owned())
        ]
    );
    assert!(totals.met(Condition::Safety));
    // The GAD-7 of P3 (no dosing) is the only administration in the trend.
    assert_eq!(seen.len(), 1);
    assert_eq!(totals.without_dosing, ["P3"]);
    assert_eq!(totals.coverage.no_dosing, 1);
}

#[test]
fn without_safety_answers_the_safety_condition_is_not_met() {
    let text = [
        HEADER.to_owned(),
        row("P1", "2026-03-09", "2", "0", ""),
        row("P1", "2026-03-12", "1", "0", ""),
    ]
    .join("\n")
        + "\n";
    let (_dir, mut file) = file_input(&text);
    let (_, events, totals) = run(&mut file, BatchOptions::default());
    assert!(events.is_empty());
    assert!(!totals.met(Condition::Safety));
    // One window with one point after the dose: too few points for a plateau call.
    assert!(totals.met(Condition::InsufficientData));
    assert!(!totals.met(Condition::Plateau));
}

#[test]
fn every_row_and_administration_is_counted() {
    let text = [
        HEADER.to_owned(),
        // Two administrations; one in P1's window, one before it.
        row("P1", "2026-03-12", "1", "0", "1"),
        row("P1", "2026-03-01", "1", "0", ""),
        // A rejected date and nothing else usable.
        row("P1", "not a date", "1", "0", ""),
        // A patient without dosing: both administrations counted there.
        row("P3", "2026-03-12", "1", "0", "1"),
        // A repeat of P1's day 12 PHQ-9, far from it.
        row("P1", "2026-03-12", "2", "0", ""),
    ]
    .join("\n")
        + "\n";
    let (_dir, mut file) = file_input(&text);
    let (_, _, totals) = run(&mut file, BatchOptions::default());
    assert_eq!(totals.read.rows, 5);
    assert_eq!(totals.read.invalid, 1);
    assert_eq!(totals.unusable_rows, 1);
    assert_eq!(totals.patients, 2);
    assert_eq!(totals.repeats, 1);
    // 7 administrations with a date: 3 of P1 in the window, 1 before it, 2 of P3, and
    // the undated one is in none.
    let expected = Coverage {
        in_window: 3,
        outside: 1,
        no_dosing: 2,
    };
    assert_eq!(totals.coverage, expected);
    assert_eq!(totals.without_dosing, ["P3"]);
}

#[test]
fn a_common_dosing_date_serves_every_patient() {
    let plan = DosingPlan::common(date(2026, 3, 10));
    assert_eq!(plan.doses("anyone").len(), 1);
    let schedule: DosingSchedule = BTreeMap::new();
    assert!(DosingPlan::Schedule(&schedule).doses("anyone").is_empty());
}
