//! Issue 11, `trend`: every administration accounted for (3), safety from the definition (4),
//! `--patient` filters before scoring (5), a wrong dosing file refused (6), each input read
//! once (13), repeated dosing rows reported (23), no panic on any option value (15), and
//! `--param` values in plain digits (24). Expected values are worked out by hand.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::support::{PATIENCE, PHQ9_HEADER, json_lines, mkfifo, stderr, symscore, write_file};

/// A PHQ-9 row: eight items of `each`, item 9 as given.
fn phq9(patient: &str, date: &str, each: u8, item9: u8) -> String {
    format!("{patient},{date},{}{item9}\n", format!("{each},").repeat(8))
}

/// Writes `dir/name`; its path as an argument.
fn write(dir: &Path, name: &str, text: &str) -> String {
    write_file(dir, name, text).display().to_string()
}

/// Point 3: P1 doses on 2 March. Its visits of 1 March (baseline) and 10 March (in the
/// window) have item 9 = 0; the one of 1 May, after the six-week window (to 13 April), has
/// item 9 = 1. That administration must be reported, listed with `!!`, and trip `safety`.
#[test]
fn an_administration_outside_every_window_is_reported_and_its_safety_flag_fails() {
    let dir = tempfile::tempdir().unwrap();
    let visits = write(
        dir.path(),
        "v.csv",
        &format!(
            "{PHQ9_HEADER}\n{}{}{}",
            phq9("P1", "2026-03-01", 2, 0),
            phq9("P1", "2026-03-10", 1, 0),
            phq9("P1", "2026-05-01", 2, 1)
        ),
    );
    let dosing = write(dir.path(), "d.csv", "patient_id,date\nP1,2026-03-02\n");
    let out = symscore()
        .args(["trend", &visits, "--dosing", &dosing, "--fail-on", "safety"])
        .args(["--format", "jsonl"])
        .assert()
        .code(3)
        .get_output()
        .clone();
    let err = stderr(&out);
    assert!(
        err.contains("!! ")
            && err.contains(
                "v.csv:4: patient `P1`, phq9 on 2026-05-01: ITEM9_POSITIVE outside every window"
            ),
        "{err}"
    );
    assert!(
        err.contains("3 administrations: 1 in a window, 2 outside every window, 0 of patients without a dosing date"),
        "{err}"
    );
    let records = json_lines(&out.stdout);
    let outside: Vec<&Value> = records
        .iter()
        .filter(|r| r["status"] == "OUTSIDE_WINDOW")
        .collect();
    assert_eq!(outside.len(), 2, "{records:?}");
    let may = outside
        .iter()
        .find(|r| r["points"][0]["date"] == "2026-05-01")
        .unwrap();
    assert!(may["dosing_date"].is_null());
    assert_eq!(may["flags"], serde_json::json!(["ITEM9_POSITIVE"]));
    assert_eq!(may["points"][0]["total"], 17);
    assert_eq!(may["points"][0]["line"], 4);

    // The same in CSV: one row, window cells empty, status OUTSIDE_WINDOW; and `--flagged-only`
    // keeps it. Without `--fail-on safety` nothing fails (exit 0).
    let out = symscore()
        .args(["trend", &visits, "--dosing", &dosing, "--flagged-only"])
        .args(["--format", "csv"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    let row = text
        .lines()
        .find(|l| l.contains("OUTSIDE_WINDOW"))
        .unwrap_or_else(|| panic!("{text}"));
    let cells: Vec<&str> = row.split(',').collect();
    assert_eq!(cells.len(), 38, "{row}");
    assert_eq!(&cells[..4], ["P1", "phq9", "1.0.0", ""]);
    assert_eq!(cells[17], "OUTSIDE_WINDOW");
    assert_eq!(cells[21], "2026-05-01");
    // The table shows it with `!!` too.
    let out = symscore()
        .args(["trend", &visits, "--dosing", &dosing, "--format", "table"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("2026-05-01 · OUTSIDE_WINDOW")
            && table.contains("!! ITEM9_POSITIVE at this administration, outside every window"),
        "{table}"
    );
}

/// Point 3, the example: a dosing file without P004 leaves P004's visits in no
/// window; its item 9 endorsements (2026-06-09 on, and 2026-07-07) still fail `item9`.
#[test]
fn a_patient_without_dosing_still_fails_on_safety() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string("examples/dosing.csv").unwrap();
    let dosing: Vec<&str> = text.lines().filter(|l| !l.starts_with("P004")).collect();
    let dosing = dosing.join("\n") + "\n";
    let dosing = write(dir.path(), "d.csv", &dosing);
    let out = symscore()
        .args(["trend", "examples/visits.csv", "--dosing", &dosing])
        .args(["--fail-on", "item9", "--format", "jsonl"])
        .assert()
        .code(3)
        .get_output()
        .clone();
    let err = stderr(&out);
    assert!(
        err.contains("patient `P004`, phq9 on 2026-07-07: ITEM9_POSITIVE outside every window (the patient has no dosing date, so no window)"),
        "{err}"
    );
    let p004: Vec<Value> = json_lines(&out.stdout)
        .into_iter()
        .filter(|r| r["patient_id"] == "P004")
        .collect();
    // P004 has 9 PHQ-9 and 8 GAD-7 administrations (examples/visits.csv lines 31-39).
    assert_eq!(p004.len(), 17);
    assert!(p004.iter().all(|r| r["status"] == "NO_DOSING"));
}

/// A definition whose safety item raises `SELF_HARM_POSITIVE` (item 2 ≥ 1).
fn self_harm_definition(dir: &Path) {
    let mut definition: Value =
        serde_json::from_str(&fs::read_to_string("examples/screen2.json").unwrap()).unwrap();
    let object = definition.as_object_mut().unwrap();
    object.remove("$schema");
    object.insert("id".into(), "sh2".into());
    object.insert(
        "safety_items".into(),
        serde_json::json!([{
            "item": 2,
            "min_value": 1,
            "positive_flag": "SELF_HARM_POSITIVE",
            "missing_flag": "SELF_HARM_MISSING",
            "positive_notice": "Item 2 endorsed: follow the clinic's safety protocol.",
            "missing_notice": "Item 2 unanswered: safety status unknown."
        }]),
    );
    fs::write(dir.join("sh2.json"), definition.to_string()).unwrap();
}

/// Point 4: safety is the definition's `safety_items`, whatever the flag is called.
#[test]
fn a_user_definitions_safety_flag_is_safety_in_trend() {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("defs");
    fs::create_dir(&defs).unwrap();
    self_harm_definition(&defs);
    let visits = write(
        dir.path(),
        "v.csv",
        "patient_id,date,sh2_1,sh2_2\nP1,2026-03-01,2,0\nP1,2026-03-04,2,2\nP1,2026-03-11,1,0\n",
    );
    let trend = |fail_on: &str, format: &str| {
        symscore()
            .arg("--instruments-dir")
            .arg(&defs)
            .args(["trend", &visits, "--dosing-date", "2026-03-02"])
            .args(["--fail-on", fail_on, "--format", format])
            .output()
            .unwrap()
    };
    let out = trend("safety", "table");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains(
            "!! SELF_HARM_POSITIVE in this window: Item 2 endorsed: follow the clinic's safety protocol."
        ) && table.contains("!! SELF_HARM_POSITIVE, "),
        "{table}"
    );
    // `item9` is still accepted, as the same condition.
    assert_eq!(trend("item9", "csv").status.code(), Some(3));
    // Not a safety condition: the schedule is fine, so nothing fails.
    assert_eq!(trend("followup-gap", "csv").status.code(), Some(0));
}

/// Point 5: another patient's rejected cell is neither reported nor counted against P1.
#[test]
fn patient_filter_skips_other_patients_before_scoring() {
    let dir = tempfile::tempdir().unwrap();
    let visits = write(
        dir.path(),
        "v.csv",
        &format!(
            "{PHQ9_HEADER}\n{}P2,2026-03-03,9,1,1,1,1,1,1,1,0\n{}",
            phq9("P1", "2026-03-01", 1, 0),
            phq9("P1", "2026-03-05", 1, 0)
        ),
    );
    let out = symscore()
        .args([
            "trend",
            &visits,
            "--dosing-date",
            "2026-03-02",
            "--patient",
            "P1",
        ])
        .args(["--format", "jsonl"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let err = stderr(&out);
    assert!(!err.contains("v.csv:3"), "{err}");
    assert!(
        err.contains("3 rows read (0 with rejected cells, 0 not administered, 1 of other patients skipped); 1 patient"),
        "{err}"
    );
    assert!(
        json_lines(&out.stdout)
            .iter()
            .all(|r| r["patient_id"] == "P1")
    );
    // Without the filter, the same row is rejected (exit 1).
    symscore()
        .args(["trend", &visits, "--dosing-date", "2026-03-02"])
        .assert()
        .code(1);
}

/// Point 6: a visits file given as the dosing file.
#[test]
fn a_visits_file_is_refused_as_dosing_file() {
    let out = symscore()
        .args([
            "trend",
            "examples/visits.csv",
            "--dosing",
            "examples/visits.csv",
        ])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = stderr(&out);
    assert!(
        err.contains("examples/visits.csv:1: expected a dosing schedule, found the `phq9` item column `phq9_1`: this looks like a visits file; a dosing file has the columns `patient_id` and `date` (and optionally `label`), one row per dosing session"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

/// Point 23: two rows for one patient's dosing date would lose a label.
#[test]
fn a_repeated_dosing_row_stops_the_run_naming_both_lines() {
    let dir = tempfile::tempdir().unwrap();
    let dosing = write(
        dir.path(),
        "d.csv",
        "patient_id,date,label\nP006,2026-08-04,MDMA session 1\nP006,2026-09-01,MDMA session 2\nP006,2026-08-04,MDMA session 1 (repeat)\n",
    );
    let out = symscore()
        .args(["trend", "examples/visits.csv", "--dosing", &dosing])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(
        stderr(&out).contains(
            "d.csv:4: patient `P006` has a second dosing row for 2026-08-04 (the first is line 2)"
        ),
        "{}",
        stderr(&out)
    );
}

/// The window summaries (with a dosing date) of a jsonl run.
fn windows(stdout: &[u8]) -> Vec<Value> {
    json_lines(stdout)
        .into_iter()
        .filter(|r| !r["dosing_date"].is_null())
        .collect()
}

/// Point 13: standard input named as a path, and a FIFO, are read once.
#[test]
fn dev_stdin_and_a_fifo_are_read_once() {
    let example = fs::read_to_string("examples/visits.csv").unwrap();
    let out = symscore()
        .args(["trend", "/dev/stdin", "--dosing", "examples/dosing.csv"])
        .args(["--format", "jsonl"])
        .write_stdin(example.clone())
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(windows(&out.stdout).len(), 20, "{}", stderr(&out));

    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("visits.fifo");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            // Opening blocks until trend opens the FIFO for reading.
            let _ = fs::write(fifo, example);
        })
    };
    let out = symscore()
        .arg("trend")
        .arg(&fifo)
        .args(["--dosing", "examples/dosing.csv", "--format", "jsonl"])
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    // Unblock the writer if trend never opened the FIFO.
    let _ = fs::OpenOptions::new()
        .read(true)
        .custom_flags_nonblocking()
        .open(&fifo);
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(windows(&out.stdout).len(), 20);
}

/// `O_NONBLOCK`, so that opening a FIFO to unblock a writer never blocks the test.
trait NonBlocking {
    fn custom_flags_nonblocking(&mut self) -> &mut Self;
}

impl NonBlocking for fs::OpenOptions {
    fn custom_flags_nonblocking(&mut self) -> &mut Self {
        use std::os::unix::fs::OpenOptionsExt as _;
        self.custom_flags(0o4000) // O_NONBLOCK on Linux
    }
}

/// Two patients, grouped; and the same file after `enter --append` added a P1 visit.
fn grouped_visits() -> (String, String) {
    let before = format!(
        "{PHQ9_HEADER}\n{}{}{}{}",
        phq9("P1", "2026-03-01", 2, 0),
        phq9("P1", "2026-03-10", 1, 0),
        phq9("P2", "2026-03-01", 2, 0),
        phq9("P2", "2026-03-10", 1, 0),
    );
    let appended = format!("{before}{}", phq9("P1", "2026-03-20", 3, 2));
    (before, appended)
}

/// Point 13: a file renamed over the input between the grouping pass and the analysis (as
/// `enter --append` does) once made P1 appear twice. The open handle reads the file it
/// opened, so the run is that file's, each patient once.
#[cfg(debug_assertions)] // the hook exists in test builds only
#[test]
fn a_file_renamed_over_the_input_between_passes_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (before, appended) = grouped_visits();
    let visits = write(dir.path(), "v.csv", &before);
    let replacement = write(dir.path(), "new.csv", &appended);
    let out = symscore()
        .args([
            "trend",
            &visits,
            "--dosing-date",
            "2026-03-02",
            "--format",
            "jsonl",
        ])
        .env(
            "SYMSCORE_TEST_BETWEEN_PASSES",
            format!("mv '{replacement}' '{visits}'"),
        )
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert_eq!(
        fs::read_to_string(&visits).unwrap(),
        appended,
        "the hook ran"
    );
    let p1: Vec<Value> = windows(&out.stdout)
        .into_iter()
        .filter(|r| r["patient_id"] == "P1")
        .collect();
    assert_eq!(p1.len(), 1, "{p1:?}");
    assert_eq!(p1[0]["points"].as_array().unwrap().len(), 1);
}

/// Point 13: a change in place (the same file written to) between the passes stops the
/// run with exit 2.
#[cfg(debug_assertions)]
#[test]
fn a_file_changed_in_place_between_passes_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let (before, _) = grouped_visits();
    let visits = write(dir.path(), "v.csv", &before);
    let out = symscore()
        .args(["trend", &visits, "--dosing-date", "2026-03-02", "-o"])
        .arg(dir.path().join("out.csv"))
        .env(
            "SYMSCORE_TEST_BETWEEN_PASSES",
            format!("printf 'P1,2026-03-20,3,3,3,3,3,3,3,3,2\\n' >> '{visits}'"),
        )
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(
        stderr(&out).contains("the file changed while it was being read"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("out.csv").exists());
}

/// The panic of point 15, and every other trend option at its extremes: never exit 101.
#[test]
fn no_trend_option_value_panics() {
    for args in [
        &["--baseline-days", "7304485"][..],
        &["--baseline-days", "4294967295"],
        &["--window", "366"],
        &["--window", "999999999w"],
        &["--window", "4294967295d"],
        &["--param", "*.horizon_days=366"],
        &["--param", "*.min_span_days=4294967295"],
    ] {
        let out = symscore()
            .args([
                "trend",
                "examples/visits.csv",
                "--dosing",
                "examples/dosing.csv",
            ])
            .args(args)
            .args(["--format", "csv"])
            .output()
            .unwrap();
        assert!(
            matches!(out.status.code(), Some(0..=3)),
            "{args:?}: {:?} {}",
            out.status,
            stderr(&out)
        );
    }
}

/// Point 24: `--param` takes plain digits, as answers do.
#[test]
fn param_values_are_plain_digits() {
    for value in ["+3", "-3", "3.0", "３"] {
        let out = symscore()
            .args([
                "trend",
                "examples/visits.csv",
                "--dosing",
                "examples/dosing.csv",
            ])
            .arg("--param")
            .arg(format!("phq9.points={value}"))
            .assert()
            .code(2)
            .get_output()
            .clone();
        assert!(
            stderr(&out).contains("--param expects ID.NAME=VALUE with a whole number"),
            "{value}: {}",
            stderr(&out)
        );
    }
}

/// Point 16: the NHS Talking Therapies pairing of one patient's PHQ-9 and GAD-7 visits looked
/// up every GAD-7 visit for each PHQ-9 visit. 60,000 visits in one window took
/// 3.6·10⁹ comparisons (over 20 s in a debug build); paired by a merge, the run takes about
/// two seconds. Speed is measured by `benches/run.sh` (its one-patient shapes), not asserted
/// here: this test checks the pairing's result on such a patient, with a guard against a hang.
#[test]
fn nhs_pairing_of_one_patient_with_sixty_thousand_visits() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(
        "patient_id,date,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7\n",
    );
    text.push_str("P1,2026-03-01,2,2,2,2,2,2,2,2,0,2,2,2,2,2,2,2\n");
    let visits = 60_000;
    for i in 0..visits {
        // Every visit in the window of 2 March: days 1 to 40.
        let day = jiff::civil::date(2026, 3, 2)
            .checked_add(jiff::Span::new().days(1 + i * 40 / visits))
            .unwrap();
        writeln!(text, "P1,{day},1,1,1,1,1,1,1,1,0,1,1,1,1,1,1,1").unwrap();
    }
    let visits = write(dir.path(), "v.csv", &text);
    let out = symscore()
        .args([
            "trend",
            &visits,
            "--dosing-date",
            "2026-03-02",
            "--format",
            "jsonl",
        ])
        .timeout(PATIENCE)
        .output()
        .unwrap();
    assert!(out.status.code().is_some(), "hung");
    let phq9 = windows(&out.stdout)
        .into_iter()
        .find(|r| r["instrument"] == "phq9")
        .unwrap();
    // Baseline pair 16 / 14 on 1 March; latest pair 8 / 7 on day 40: both improved by at
    // least their reliable change (6, 4); recovery below both casenesses (10, 8).
    assert_eq!(phq9["nhs_tt"]["class"], "RELIABLE_RECOVERY");
    assert_eq!(phq9["nhs_tt"]["latest_date"], "2026-04-11");
}

/// Point 16: `--patient` compared every record with every requested id. 10,000 ids over
/// 100,000 rows were 10⁹ comparisons (17 s in a debug build); a hash set answers each row at
/// once, before scoring (0.6 s). Speed is not asserted here (a loaded machine is no
/// measure): the test checks that ten thousand ids select exactly the one patient that
/// matches, with a guard against a hang.
#[test]
fn ten_thousand_patient_ids_select_the_one_that_matches() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = format!("{PHQ9_HEADER}\n");
    for i in 0..100_000 {
        text.push_str(&phq9(&format!("P{:05}", i / 10), "2026-03-10", 1, 0));
    }
    let visits = write(dir.path(), "v.csv", &text);
    // Ids Q00000… match nobody; the last one is P00042, whose ten rows are read.
    let mut args: Vec<String> = (0..9_999)
        .flat_map(|i| ["--patient".to_owned(), format!("Q{i:05}")])
        .collect();
    args.extend(["--patient".to_owned(), "P00042".to_owned()]);
    let out = symscore()
        .args([
            "trend",
            &visits,
            "--dosing-date",
            "2026-03-02",
            "--format",
            "jsonl",
        ])
        .args(&args)
        .timeout(PATIENCE)
        .output()
        .unwrap();
    assert!(out.status.code().is_some(), "hung");
    let err = stderr(&out);
    assert!(
        err.contains("100000 rows read (0 with rejected cells, 0 not administered, 99990 of other patients skipped); 1 patient"),
        "{err}"
    );
}
