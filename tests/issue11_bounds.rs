//! Issue 11, points 14, 15, 16, 17 and 18: every input, option and definition has a bound,
//! and a run stays within it: an endless record or definition stops with its place, a numeric
//! option outside its range is a usage error and never a panic, a table is written in blocks
//! with long cells cut, and a rule over many blank items is decided without enumerating.

use std::fs;

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;

const PHQ9_HEADER: &str =
    "patient_id,date,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9";

fn symscore() -> assert_cmd::Command {
    let mut cmd = cargo_bin_cmd!("symscore");
    cmd.env_remove("SYMSCORE_INSTRUMENTS")
        .env_remove("NO_COLOR");
    cmd
}

/// A file in a fresh temporary directory (kept alive by the returned guard).
fn file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs::write(&path, bytes).unwrap();
    (dir, path)
}

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
            "error: /dev/zero:1: expected a record of at most 1 MiB (1048576 bytes)",
        ));
}

#[test]
fn a_record_past_one_mebibyte_in_a_visits_file_stops_with_its_line() {
    let mut bytes = format!("{PHQ9_HEADER}\nP1,2026-01-01,1,1,1,1,1,1,1,1,0\n").into_bytes();
    bytes.extend(std::iter::repeat_n(0u8, 3 << 20)); // NULs, never a line break
    let (_dir, path) = file("visits.csv", &bytes);
    symscore()
        .args(["score", path.to_str().unwrap(), "--format", "csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "visits.csv:3: expected a record of at most 1 MiB",
        ));
}

#[test]
fn a_record_past_one_mebibyte_in_a_dosing_file_stops_with_its_line() {
    let mut bytes = b"patient_id,date,label\nP001,2026-01-01,x\n".to_vec();
    bytes.extend(std::iter::repeat_n(0u8, 3 << 20));
    let (_dir, path) = file("dosing.csv", &bytes);
    symscore()
        .args(["trend", "examples/visits.csv", "--dosing"])
        .arg(&path)
        .args(["--format", "csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "dosing.csv:3: expected a record of at most 1 MiB",
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
    let (dir, _path) = file("big.json", &text);
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
