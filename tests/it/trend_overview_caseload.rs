//! Issue 14 part 1, `trend --overview` on `tests/fixtures/caseload/`, one patient in each
//! state of docs/clinical-rules.md §12, read on 2026-04-06; every expected value is worked
//! out in the comments.

use serde_json::Value;

use super::trend_overview::{overview_csv, strings};
use crate::support::{json_lines, stderr, symscore};

const CASELOAD: &str = "tests/fixtures/caseload/visits.csv";
const CASELOAD_DOSING: &str = "tests/fixtures/caseload/dosing.csv";

/// The caseload fixture, read on 2026-04-06 (day 35 after the dosing of 2026-03-02 that most
/// patients share; the window runs to 2026-04-13). Baselines are on 03-01, follow-ups on days
/// 2, 9, 16, 23, 30 unless said. PHQ-9 reliable change 6, target 5, k = 3 over ≥ 14 days
/// with the latest on day ≥ 21 (§7.3).
/// - C01: item 9 = 1 on 2026-03-30, after the window of its only dosing (2026-01-05, to
///   02-16), in no window: `SAFETY`; the course itself is at target (16 → 3).
/// - C02: item 9 blank on day 16: unknown, `SAFETY`; otherwise 15 → 2, at target.
/// - C13: no dosing at all, item 9 = 2 on 03-01: `SAFETY`, listed, never dropped.
/// - C03: 10 → 18 (+8 ≥ 6): `DETERIORATION`.
/// - C04: 20 → 17, 17 on days 16 and 23 (15 % < 20 %): `NOT_ON_TRACK` (also a plateau).
/// - C05: 20 → 16, 16, 16: a plateau, −4 is no reliable change; day 16 is 20 % better (not
///   below 20 %), so on track: `PLATEAU_NO_RELIABLE_IMPROVEMENT`.
/// - C06: 20 → 12, 12, 11: plateau after improvement (−9).
/// - C07: last follow-up day 20 (03-22), 15 days before 04-06: one over the gap limit,
///   `OVERDUE` (eligible days 9, 16, 20 span 11 < 14: not enough data besides).
/// - C08: first follow-up on day 4 (03-06): `OVERDUE`; 14, 11, 8 span 6 points: still changing.
/// - C10: no baseline (first visit on day 2): `INSUFFICIENT_DATA`.
/// - C12: no dosing: `NO_DOSING`. C15: its only dosing, 2026-04-20, is after the as-of date:
///   planned, `NO_DOSING`.
/// - C09: as C08 with the first follow-up on day 3 exactly: on time, `STILL_CHANGING`.
/// - C11: 15 → 2: `AT_TARGET`. C14: the current course (session 2, 03-02) is 12 → 2, at target;
///   its item 9 = 1 of 2026-01-07 (session 1's course) rides along as `earlier_safety`.
#[test]
fn the_caseload_fixture_has_one_patient_in_each_state() {
    let (rows, output) = overview_csv(
        &[
            CASELOAD,
            "--dosing",
            CASELOAD_DOSING,
            "--as-of",
            "2026-04-06",
        ],
        &["reasons", "earlier_safety"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let expected: &[&[&str]] = &[
        &[
            "C01",
            "phq9",
            "SAFETY",
            "!! ITEM9_POSITIVE on 2026-03-30; at target (below 5)",
            "",
        ],
        &[
            "C02",
            "phq9",
            "SAFETY",
            "!! ITEM9_MISSING on 2026-03-18; at target (below 5)",
            "",
        ],
        &[
            "C13",
            "phq9",
            "SAFETY",
            "!! ITEM9_POSITIVE on 2026-03-01; no dosing date",
            "",
        ],
        &[
            "C03",
            "phq9",
            "DETERIORATION",
            "worse by 8 points; not on track",
            "",
        ],
        &[
            "C04",
            "phq9",
            "NOT_ON_TRACK",
            "not on track; plateau without reliable improvement",
            "",
        ],
        &[
            "C05",
            "phq9",
            "PLATEAU_NO_RELIABLE_IMPROVEMENT",
            "plateau without reliable improvement",
            "",
        ],
        &[
            "C06",
            "phq9",
            "PLATEAU_AFTER_IMPROVEMENT",
            "plateau after improvement",
            "",
        ],
        &[
            "C07",
            "phq9",
            "OVERDUE",
            "no administration for 15 days; not enough data",
            "",
        ],
        &[
            "C08",
            "phq9",
            "OVERDUE",
            "first follow-up on day 4; still changing",
            "",
        ],
        &["C10", "phq9", "INSUFFICIENT_DATA", "not enough data", ""],
        &["C12", "phq9", "NO_DOSING", "no dosing date", ""],
        &[
            "C15",
            "phq9",
            "NO_DOSING",
            "no dosing yet (planned 2026-04-20)",
            "",
        ],
        &["C09", "phq9", "STILL_CHANGING", "still changing", ""],
        &["C11", "phq9", "AT_TARGET", "at target (below 5)", ""],
        &[
            "C14",
            "phq9",
            "AT_TARGET",
            "at target (below 5)",
            "!! ITEM9_POSITIVE on 2026-01-07",
        ],
    ];
    assert_eq!(rows, strings(expected));
    // The earlier safety answer is told on stderr with `!!` too.
    assert!(
        stderr(&output)
            .contains("symscore: !! patient `C14`, phq9: safety answers before the current course"),
        "{}",
        stderr(&output)
    );
}

/// `--fail-on` on the current course, except safety, which counts every safety answer:
/// C14's only safety answer is before its course and still fails; C05's plateau fails
/// `plateau`; C09 (still changing, on time) fails nothing.
#[test]
fn fail_on_is_judged_on_the_current_course_and_safety_on_every_answer() {
    let run = |patient: &str, fail_on: &str| {
        symscore()
            .args(["trend", "--overview", CASELOAD, "--dosing", CASELOAD_DOSING])
            .args([
                "--as-of",
                "2026-04-06",
                "--format",
                "csv",
                "--patient",
                patient,
            ])
            .args(["--fail-on", fail_on])
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(run("C14", "safety"), Some(3));
    assert_eq!(run("C14", "plateau,deterioration,late-followup"), Some(0));
    assert_eq!(run("C05", "plateau"), Some(3));
    assert_eq!(run("C07", "followup-gap"), Some(3));
    assert_eq!(run("C08", "late-followup"), Some(3));
    assert_eq!(run("C08", "followup-gap"), Some(0));
    assert_eq!(
        run(
            "C09",
            "plateau,deterioration,safety,not-on-track,late-followup,followup-gap"
        ),
        Some(0)
    );
}

/// `--flagged-only` keeps `SAFETY` down to `OVERDUE`, and C14 for its earlier safety answer:
/// 9 rows of the 15 (C01, C02, C13, C03, C04, C05, C06, C07, C08) and C14.
#[test]
fn flagged_only_keeps_rows_that_ask_for_action_and_every_safety_answer() {
    let (rows, output) = overview_csv(
        &[
            CASELOAD,
            "--dosing",
            CASELOAD_DOSING,
            "--as-of",
            "2026-04-06",
            "--flagged-only",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(0));
    let patients: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        patients,
        [
            "C01", "C02", "C13", "C03", "C04", "C05", "C06", "C07", "C08", "C14"
        ]
    );
    assert!(
        stderr(&output).contains("overview as of 2026-04-06: 15 rows, 10 needing action written")
    );
}

/// JSON to a file with `-o`, the same rows as CSV; JSON Lines one row a line.
#[test]
fn json_to_a_file_and_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("overview.json");
    let output = symscore()
        .args(["trend", "--overview", CASELOAD, "--dosing", CASELOAD_DOSING])
        .args(["--as-of", "2026-04-06", "--patient", "C07,C14", "-o"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let rows: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    // C07 (OVERDUE) before C14 (AT_TARGET).
    assert_eq!(rows[0]["urgency"], "OVERDUE");
    assert_eq!(rows[0]["concerns"][0]["code"], "OVERDUE");
    assert_eq!(
        rows[0]["concerns"][0]["text"],
        "no administration for 15 days"
    );
    assert_eq!(rows[0]["dosing"]["days_since"], 35);
    assert_eq!(rows[1]["earlier_safety"]["code"], "SAFETY");
    let lines = symscore()
        .args(["trend", "--overview", CASELOAD, "--dosing", CASELOAD_DOSING])
        .args([
            "--as-of",
            "2026-04-06",
            "--patient",
            "C07,C14",
            "--format",
            "jsonl",
        ])
        .output()
        .unwrap();
    assert_eq!(&json_lines(&lines.stdout), rows);
}

/// The table fits 80 columns, with every row's patient shown.
#[test]
fn the_table_fits_80_columns() {
    let output = symscore()
        .env("COLUMNS", "80")
        .env("NO_COLOR", "1")
        .args(["trend", "--overview", CASELOAD, "--dosing", CASELOAD_DOSING])
        .args(["--as-of", "2026-04-06", "--format", "table"])
        .output()
        .unwrap();
    let table = String::from_utf8(output.stdout).unwrap();
    for line in table.lines() {
        assert!(line.chars().count() <= 80, "{line}");
    }
    for patient in 1..=15 {
        assert!(
            table.contains(&format!("│ C{patient:02} ")),
            "C{patient:02}\n{table}"
        );
    }
}
