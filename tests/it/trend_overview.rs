//! Issue 14 part 1, `trend --overview` on `examples/`: one row per patient × instrument for the
//! current course, most urgent first (docs/clinical-rules.md §12); the one-patient-per-state
//! fixture is in `trend_overview_caseload`. Every run gives `--as-of`, so
//! nothing depends on the day the tests run; every expected value is worked out in the
//! comments from the visits and dosing files.

use crate::support::{json_lines, stderr, symscore};

const VISITS: &str = "examples/visits.csv";
const DOSING: &str = "examples/dosing.csv";

/// The overview's CSV rows as (patient, instrument, urgency, and the named columns).
pub(crate) fn overview_csv(
    args: &[&str],
    columns: &[&str],
) -> (Vec<Vec<String>>, std::process::Output) {
    let output = symscore()
        .args(["trend", "--overview", "--format", "csv"])
        .args(args)
        .output()
        .unwrap();
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let header = reader.headers().unwrap().clone();
    let index: Vec<usize> = ["patient_id", "instrument", "urgency"]
        .iter()
        .chain(columns)
        .map(|c| header.iter().position(|h| h == *c).unwrap())
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            index.iter().map(|&i| r[i].to_owned()).collect()
        })
        .collect();
    (rows, output)
}

pub(crate) fn strings(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
        .collect()
}

/// `examples/` read on 2026-12-03 (every course is over; the schedule is judged up to each
/// window's last day, §12.4):
/// - P003 PHQ-9: item 9 blank on 2026-04-28, day 21 after the dosing of 2026-04-07: `SAFETY`.
///   Baseline 15 (2026-04-02), latest 14 (2026-05-19): −1.
/// - P004 PHQ-9: item 9 endorsed on 06-09, 06-16, 06-23 and 07-07 (after the window, which
///   ended 06-30): `SAFETY`; 11 → 18 is +7, at least the reliable change 6. GAD-7 9 → 15 (+6,
///   RC 4): `DETERIORATION`.
/// - P003 GAD-7 and PCL-5, P005 both: definition C not on track (§7.3.5) → `NOT_ON_TRACK`;
///   P003 GAD-7 has no GAD-7 on 04-09, so its first follow-up is 04-14, day 7 (late too).
/// - P002 both: plateau after improvement (PHQ-9 20 → 12, −8 ≥ 6).
/// - P006: only the course of MDMA session 3 (2026-09-29) counts. GAD-7 is blank on 09-30,
///   so the first GAD-7 follow-up is 10-06, day 7: `OVERDUE`. PHQ-9 9 → 6 and PCL-5 33 → 19
///   have the last three eligible points on days 15, 21, 28 (span 13 < 14): not enough
///   data. The PHQ-9's last follow-up is 10-27 and the window ends 11-10: 14 days, at the
///   gap limit, not overdue. The plateaus of the windows after sessions 1 and 2 rank nothing.
/// - P001 both: at target (PHQ-9 19 → 3, below 5).
///
/// Ties: P003 before P004 (`SAFETY`), P003 before P005 (`NOT_ON_TRACK`), PHQ-9 before GAD-7
/// before PCL-5 (the file's column order).
#[test]
fn examples_are_ranked_on_the_current_course() {
    let (rows, output) = overview_csv(
        &[VISITS, "--dosing", DOSING, "--as-of", "2026-12-03"],
        &[
            "dosing_label",
            "days_since_dosing",
            "baseline",
            "latest",
            "change_points",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // 2026-04-07 → 2026-12-03 is 23 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 3 = 240 days.
    let expected: &[&[&str]] = &[
        &[
            "P003",
            "phq9",
            "SAFETY",
            "psilocybin 25 mg",
            "240",
            "15",
            "14",
            "-1",
        ],
        &[
            "P004",
            "phq9",
            "SAFETY",
            "psilocybin 25 mg",
            "198",
            "11",
            "18",
            "7",
        ],
        &[
            "P004",
            "gad7",
            "DETERIORATION",
            "psilocybin 25 mg",
            "198",
            "9",
            "15",
            "6",
        ],
        &[
            "P003",
            "gad7",
            "NOT_ON_TRACK",
            "psilocybin 25 mg",
            "240",
            "11",
            "11",
            "0",
        ],
        &[
            "P003",
            "pcl5",
            "NOT_ON_TRACK",
            "psilocybin 25 mg",
            "240",
            "34",
            "31",
            "-3",
        ],
        &[
            "P005",
            "phq9",
            "NOT_ON_TRACK",
            "psilocybin 25 mg",
            "170",
            "18",
            "13",
            "-5",
        ],
        &[
            "P005",
            "gad7",
            "NOT_ON_TRACK",
            "psilocybin 25 mg",
            "170",
            "13",
            "9",
            "-4",
        ],
        &[
            "P002",
            "phq9",
            "PLATEAU_AFTER_IMPROVEMENT",
            "psilocybin 25 mg",
            "275",
            "20",
            "12",
            "-8",
        ],
        &[
            "P002",
            "gad7",
            "PLATEAU_AFTER_IMPROVEMENT",
            "psilocybin 25 mg",
            "275",
            "15",
            "10",
            "-5",
        ],
        &[
            "P006",
            "gad7",
            "OVERDUE",
            "MDMA session 3",
            "65",
            "9",
            "5",
            "-4",
        ],
        &[
            "P006",
            "phq9",
            "INSUFFICIENT_DATA",
            "MDMA session 3",
            "65",
            "9",
            "6",
            "-3",
        ],
        &[
            "P006",
            "pcl5",
            "INSUFFICIENT_DATA",
            "MDMA session 3",
            "65",
            "33",
            "19",
            "-14",
        ],
        &[
            "P001",
            "phq9",
            "AT_TARGET",
            "psilocybin 25 mg",
            "296",
            "19",
            "3",
            "-16",
        ],
        &[
            "P001",
            "gad7",
            "AT_TARGET",
            "psilocybin 25 mg",
            "296",
            "14",
            "2",
            "-12",
        ],
    ];
    assert_eq!(rows, strings(expected));
}

/// P006 has a plateau in the windows after sessions 1 and 2 (the full trend says so and
/// `--fail-on plateau` fails on it); the overview judges session 3 only, which has none.
#[test]
fn p006_is_judged_on_its_latest_session_only() {
    let full = symscore()
        .args(["trend", VISITS, "--dosing", DOSING, "--patient", "P006"])
        .args(["--format", "jsonl", "--fail-on", "plateau"])
        .output()
        .unwrap();
    assert_eq!(full.status.code(), Some(3));
    let plateaus = json_lines(&full.stdout)
        .iter()
        .filter(|s| s["status"] == "PLATEAU_NO_RELIABLE_IMPROVEMENT")
        .count();
    // PHQ-9 and GAD-7, after sessions 1 and 2.
    assert_eq!(plateaus, 4);
    let (rows, output) = overview_csv(
        &[
            VISITS,
            "--dosing",
            DOSING,
            "--patient",
            "P006",
            "--as-of",
            "2026-12-03",
        ],
        &["dosing_date"],
    );
    assert!(rows.iter().all(|r| r[3] == "2026-09-29"), "{rows:?}");
    assert!(
        rows.iter().all(|r| !r[2].starts_with("PLATEAU")),
        "{rows:?}"
    );
    assert_eq!(output.status.code(), Some(0));
    let output = symscore()
        .args([
            "trend",
            "--overview",
            VISITS,
            "--dosing",
            DOSING,
            "--patient",
            "P006",
        ])
        .args([
            "--as-of",
            "2026-12-03",
            "--fail-on",
            "plateau",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// `--as-of` takes an ISO 8601 date and only with `--overview`.
#[test]
fn as_of_is_an_iso_date_and_needs_overview() {
    let output = symscore()
        .args([
            "trend",
            "--overview",
            VISITS,
            "--dosing",
            DOSING,
            "--as-of",
            "03/12/2026",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("expected a date as YYYY-MM-DD (2026-12-03), found `03/12/2026`")
    );
    let output = symscore()
        .args(["trend", VISITS, "--dosing", DOSING, "--as-of", "2026-12-03"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--overview"),
        "{}",
        stderr(&output)
    );
}
