//! Issue 11, points 14, 15, 16, 17 and 18: every input, option and definition has a bound,
//! and a run stays within it: an endless record or definition stops with its place, a numeric
//! option outside its range is a usage error and never a panic, a table is written in blocks
//! with long cells cut, and a rule over many blank items is decided without enumerating.

use std::fmt::Write as _;

use predicates::prelude::*;
use proptest::prelude::*;

use crate::support::{PHQ9_HEADER, symscore, temp_file};

// ---- 14: one record, one definition file ----

#[cfg(unix)]
#[test]
fn score_of_dev_zero_stops_at_the_record_limit_with_its_line() {
    symscore()
        .args(["score", "/dev/zero"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: /dev/zero:1: expected a record of at most 4 MiB (4194304 bytes)",
        ));
}

#[test]
fn a_record_past_four_mebibytes_in_a_visits_file_stops_with_its_line() {
    let mut bytes = format!("{PHQ9_HEADER}\nP1,2026-01-01,1,1,1,1,1,1,1,1,0\n").into_bytes();
    bytes.extend(std::iter::repeat_n(0u8, 5 << 20)); // NULs, never a line break
    let (_dir, path) = temp_file("visits.csv", &bytes);
    symscore()
        .args(["score", path.to_str().unwrap(), "--format", "csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "visits.csv:3: expected a record of at most 4 MiB",
        ));
}

#[test]
fn a_record_past_four_mebibytes_in_a_dosing_file_stops_with_its_line() {
    let mut bytes = b"patient_id,date,label\nP001,2026-01-01,x\n".to_vec();
    bytes.extend(std::iter::repeat_n(0u8, 5 << 20));
    let (_dir, path) = temp_file("dosing.csv", &bytes);
    symscore()
        .args(["trend", "examples/visits.csv", "--dosing"])
        .arg(&path)
        .args(["--format", "csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "dosing.csv:3: expected a record of at most 4 MiB",
        ));
}

#[test]
fn a_header_of_a_million_columns_stops_at_the_field_limit() {
    // 1M one-letter columns fit in 2 MB, under the record's byte limit.
    let header = format!("patient_id,{}\n", vec!["x"; 1_000_000].join(","));
    let (_dir, path) = temp_file("wide.csv", header.as_bytes());
    symscore()
        .args(["score", path.to_str().unwrap(), "--format", "csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "wide.csv:1: expected a record of at most 65536 fields, found a record that starts on this line with more",
        ));
}

#[cfg(unix)]
#[test]
fn instruments_check_of_dev_zero_stops_at_the_definition_limit() {
    symscore()
        .args(["instruments", "check", "/dev/zero"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "/dev/zero: expected an instrument definition of at most 1048576 bytes (1 MiB)",
        ));
}

#[test]
fn a_definition_past_one_mebibyte_in_the_instruments_dir_stops_the_run() {
    // Valid JSON, padded with whitespace to just over the limit.
    let mut text = b"{}".to_vec();
    text.resize((1 << 20) + 1, b' ');
    let (dir, _path) = temp_file("big.json", &text);
    symscore()
        .arg("--instruments-dir")
        .arg(dir.path())
        .args(["score", "examples/visits.csv", "--format", "csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "big.json: expected an instrument definition of at most 1048576 bytes",
        ));
}

// ---- 15: numeric options ----

/// Integers a user or a script might pass: small, around the documented bounds, around the
/// integer type limits, negative, and far past any of them.
fn any_integer_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (-2i64..=400).prop_map(|n| n.to_string()),
        (0..=u32::MAX).prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        prop::sample::select(vec![
            u32::MAX.to_string(),
            (u64::from(u32::MAX) + 1).to_string(),
            (u32::MAX / 7 + 1).to_string(), // times 7 wraps a u32 to a small number of days
            u64::MAX.to_string(),
            "340282366920938463463374607431768211456".to_owned(), // 2^128
            "7304485".to_owned(),
        ]),
    ]
}

/// `symscore trend` on the example files with `args`: the exit status, `None` for a signal.
fn trend_status(args: &[String]) -> Option<i32> {
    symscore()
        .args([
            "trend",
            "examples/visits.csv",
            "--dosing",
            "examples/dosing.csv",
        ])
        .args(["--format", "csv"])
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap()
        .status
        .code()
}

const PARAM_NAMES: [&str; 9] = [
    "reliable_change",
    "mcid",
    "target",
    "caseness",
    "response_pct",
    "points",
    "min_span_days",
    "min_days_since_dose",
    "horizon_days",
];

proptest! {
    // Each case runs the binary (tens of milliseconds in a debug build).
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// No value of any numeric option panics or kills the run: 0-3 are the documented exit
    /// statuses (101 is a panic, `None` a signal or the timeout).
    #[test]
    fn no_numeric_option_value_panics(
        n in any_integer_text(),
        option in 0usize..4,
        unit in prop::sample::select(vec!["", "d", "w", "W"]),
        name in prop::sample::select(PARAM_NAMES.to_vec()),
        id in prop::sample::select(vec!["phq9", "gad7", "pcl5", "*"]),
    ) {
        let args: Vec<String> = match option {
            0 => vec!["--baseline-days".into(), n.clone()],
            1 => vec!["--window".into(), format!("{n}{unit}")],
            2 => vec!["--param".into(), format!("{id}.{name}={n}")],
            _ => vec![format!("--baseline-days={n}"), "--window".into(), format!("{n}{unit}")],
        };
        let status = trend_status(&args);
        prop_assert!(matches!(status, Some(0..=3)), "{args:?}: exit {status:?}");
    }
}

#[test]
fn numeric_options_past_their_bounds_are_usage_errors() {
    // The panic of issue 11: a baseline of 20,000 years.
    symscore()
        .args([
            "trend",
            "examples/visits.csv",
            "--dosing",
            "examples/dosing.csv",
        ])
        .args(["--baseline-days", "7304485"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid value '7304485' for '--baseline-days <DAYS>': expected a whole number of days from 0 to 366, found `7304485`",
        ));
    // 613566757 weeks is 2^32 + 3 days: a wrapping product would read it as 3 days.
    symscore()
        .args(["trend", "examples/visits.csv", "--dosing", "examples/dosing.csv"])
        .args(["--window", "613566757w"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--window expects days (`42`) or weeks (`6w`), from 1 day to a year; found `613566757w`",
        ));
    // The bounds themselves are accepted.
    for args in [
        ["--baseline-days", "0"],
        ["--baseline-days", "366"],
        ["--window", "52w"],
    ] {
        symscore()
            .args([
                "trend",
                "examples/visits.csv",
                "--dosing",
                "examples/dosing.csv",
            ])
            .args(["--format", "csv"])
            .args(args)
            .assert()
            .success();
    }
}

// ---- 17: the table in blocks, long cells cut ----

/// `count` PHQ-9 rows of distinct patients, each with total 8 (mild).
fn phq9_rows(count: usize) -> String {
    let mut text = format!("{PHQ9_HEADER}\n");
    for i in 0..count {
        writeln!(text, "P{i:05},2026-01-01,1,1,1,1,1,1,1,1,0").unwrap();
    }
    text
}

#[test]
fn a_long_table_is_drawn_in_blocks_of_1000_rows_with_the_same_columns() {
    let (_dir, path) = temp_file("visits.csv", phq9_rows(2500).as_bytes());
    let out = symscore()
        .args(["score", path.to_str().unwrap(), "--format", "table"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    // 2,500 rows: blocks of 1000, 1000 and 500, each a table with its own header.
    let headers: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("│ patient"))
        .collect();
    assert_eq!(headers.len(), 3);
    assert!(headers.iter().all(|h| *h == headers[0]), "{headers:#?}");
    let rows = text.lines().filter(|l| l.starts_with("│ P0")).count();
    assert_eq!(rows, 2500);
    // The third block starts after 1000 + 1000 rows and two tables' frames.
    let block_starts: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with('┌'))
        .map(|(i, _)| i)
        .collect();
    // A block is its top border, header, separator, 1000 rows and bottom border.
    assert_eq!(block_starts, [0, 1004, 2008]);
}

#[test]
fn a_200_kb_patient_id_is_cut_in_the_table_and_whole_in_csv() {
    let id = format!("{}MIDDLE{}", "A".repeat(100_000), "Z".repeat(100_000));
    let text = format!(
        "{PHQ9_HEADER}\n{id},2026-01-01,1,1,1,1,1,1,1,1,0\nP2,2026-01-01,1,1,1,1,1,1,1,1,0\n"
    );
    let (_dir, path) = temp_file("visits.csv", text.as_bytes());
    let table = symscore()
        .args(["score", path.to_str().unwrap(), "--format", "table"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(table).unwrap();
    // 40 characters: the first 26, `…`, the last 13.
    let shown = format!("{}…{}", "A".repeat(26), "Z".repeat(13));
    assert!(table.contains(&format!("│ {shown} ┆")), "{table}");
    assert!(table.lines().all(|l| l.chars().count() < 200), "{table}");
    let csv = symscore()
        .args(["score", path.to_str().unwrap(), "--format", "csv"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with(&format!("{id},2026-01-01,phq9,8,"))
    );
}

#[test]
fn a_long_patient_id_is_cut_in_the_trend_table() {
    let id = format!("{}MIDDLE{}", "A".repeat(100_000), "Z".repeat(100_000));
    let visits = format!(
        "{PHQ9_HEADER}\n{id},2026-01-01,3,3,3,3,3,3,3,3,0\n{id},2026-01-20,1,1,1,1,1,1,1,1,0\n"
    );
    let dosing = format!("patient_id,date\n{id},2026-01-02\n");
    let (_dir, visits_path) = temp_file("visits.csv", visits.as_bytes());
    let (_dir2, dosing_path) = temp_file("dosing.csv", dosing.as_bytes());
    let out = symscore()
        .args(["trend", visits_path.to_str().unwrap(), "--dosing"])
        .arg(&dosing_path)
        .args(["--format", "table"])
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    let shown = format!("{}…{}", "A".repeat(26), "Z".repeat(13));
    assert!(table.contains(&format!("━━ Patient {shown} ━━")), "{table}");
    assert!(table.lines().all(|l| l.chars().count() < 200), "{table}");
}

#[test]
fn a_trend_window_of_1200_administrations_is_drawn_in_two_blocks() {
    // A baseline the day before dosing, then 1200 administrations on days 1-40 of the
    // 6-week window (30 a day, repeats of one another, all kept).
    let mut visits = format!("{PHQ9_HEADER}\nP1,2025-12-31,3,3,3,3,3,3,3,3,0\n");
    let start = jiff::civil::date(2026, 1, 1);
    for i in 0..1200 {
        let date = start
            .checked_add(jiff::Span::new().days(1 + i % 40))
            .unwrap();
        writeln!(visits, "P1,{date},1,1,1,1,1,1,1,1,0").unwrap();
    }
    let (_dir, path) = temp_file("visits.csv", visits.as_bytes());
    let out = symscore()
        .args([
            "trend",
            path.to_str().unwrap(),
            "--dosing-date",
            "2026-01-01",
        ])
        .args(["--format", "table"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let headers = text.lines().filter(|l| l.starts_with("  │ date")).count();
    let rows = text.lines().filter(|l| l.starts_with("  │ 2026-")).count();
    // 1000 rows, then 200, each block a table with its header.
    assert_eq!((headers, rows), (2, 1200));
}
