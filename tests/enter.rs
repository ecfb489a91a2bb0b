//! `symscore enter` end to end: the real binary, answers on piped stdin (the line prompter),
//! the visits file on disk. One test drives the terminal prompter through a pseudo-terminal.
//!
//! Scores are checked against values computed by hand from the scoring reference.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use assert_cmd::cargo::cargo_bin_cmd;
use predicates::prelude::*;
use pretty_assertions::assert_eq;
use serde_json::Value;

const PHQ9_HEADER: &str = "patient_id,date,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9,phq9_difficulty";
const GAD7_COLUMNS: &str = "gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7,gad7_difficulty";

/// The PHQ-9 item 9 notices, from `instruments/phq9.json`.
const POSITIVE_NOTICE: &str = "suicide-risk protocol now";
const MISSING_NOTICE: &str = "suicide-risk status is unknown";

fn symscore() -> assert_cmd::Command {
    let mut cmd = cargo_bin_cmd!("symscore");
    cmd.env_remove("SYMSCORE_INSTRUMENTS")
        .env_remove("NO_COLOR");
    cmd
}

/// `enter` with a fixed date, saving to `file`, JSON Lines on stdout.
fn enter(ids: &[&str], patient: &str, file: &Path) -> assert_cmd::Command {
    let mut cmd = symscore();
    cmd.arg("enter")
        .args(ids)
        .args([
            "--patient",
            patient,
            "--date",
            "2026-05-04",
            "--format",
            "jsonl",
        ])
        .arg("--append")
        .arg(file);
    cmd
}

fn lines(answers: &[&str]) -> String {
    answers.iter().flat_map(|a| [*a, "\n"]).collect()
}

fn json_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn dir_listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn complete_entry_is_saved_scored_and_readable_by_score() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    // 1+2+0+3+1+0+0+2+1 = 10: moderate (§2.2), caseness (§2.3), item 9 = 1 (§2.4);
    // items 2, 4, 8 ≥ 2 and item 9 ≥ 1 with a core item: ODS (§2.5).
    let out = enter(&["phq9"], "P017", &file)
        .write_stdin(lines(&[
            "1", "2", "0", "3", "1", "0", "0", "2", "1", "", "y",
        ]))
        .assert()
        .success();
    let output = out.get_output();
    let records = json_lines(&output.stdout);
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r["patient_id"], "P017");
    assert_eq!(r["date"], "2026-05-04");
    assert_eq!(r["total"], 10);
    assert_eq!(r["severity"], "moderate");
    assert_eq!(
        r["flags"],
        serde_json::json!([
            "ITEM9_POSITIVE",
            "CASENESS_PHQ9",
            "OTHER_DEPRESSIVE_SYNDROME"
        ])
    );
    assert_eq!(r["line"], 2);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        format!("{PHQ9_HEADER}\nP017,2026-05-04,1,2,0,3,1,0,0,2,1,\n")
    );
    assert!(stderr(output).contains("saved the visit to"));

    // `score` reads the saved row back to the same result.
    let scored = symscore()
        .args(["score", "--format", "jsonl"])
        .arg(&file)
        .assert()
        .success();
    let again = json_lines(&scored.get_output().stdout);
    assert_eq!(again[0]["total"], 10);
    assert_eq!(again[0]["flags"], r["flags"]);
    assert_eq!(again[0]["line"], 2);
}

#[test]
fn skipped_items_are_blank_and_prorated() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    // GAD-7 1, 1, (s), 2, 0, 1, 3: S = 8 over 6 answered items, one blank (GAD-7 allows
    // one, §3.3) → 8·7/6 = 9.33 → 9 (§5.1): mild, with caseness at ≥ 8 (§3.2).
    let out = enter(&["gad7"], "P1", &file)
        .write_stdin(lines(&["1", "1", "s", "2", "0", "1", "3", "", "y"]))
        .assert()
        .success();
    let r = &json_lines(&out.get_output().stdout)[0];
    assert_eq!(r["total"], 9);
    assert!((r["total_exact"].as_f64().unwrap() - 28.0 / 3.0).abs() < 1e-9);
    assert_eq!(r["prorated"], true);
    assert_eq!(r["missing"], 1);
    let text = fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().nth(1).unwrap(), "P1,2026-05-04,1,1,,2,0,1,3,");
}

#[test]
fn back_changes_the_previous_answer() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    // Item 2 first answered 3, then `b` from item 3 and answered 0.
    enter(&["gad7"], "P1", &file)
        .write_stdin(lines(&[
            "1", "3", "b", "0", "2", "2", "2", "2", "2", "", "y",
        ]))
        .assert()
        .success();
    let text = fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().nth(1).unwrap(), "P1,2026-05-04,1,0,2,2,2,2,2,");
}

#[test]
fn a_typo_is_refused_and_the_item_asked_again() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    let out = enter(&["gad7"], "P1", &file)
        .write_stdin(lines(&[
            "7", "22", "x", "NA", "2", "1", "1", "1", "1", "1", "1", "", "y",
        ]))
        .assert()
        .success();
    let err = stderr(out.get_output());
    assert!(
        err.contains("<stdin>:1: expected an answer from 0 to 3 (or s to skip, b back, ? help, q quit), found '7'"),
        "{err}"
    );
    assert!(err.contains("<stdin>:4:"), "{err}");
    let text = fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().nth(1).unwrap(), "P1,2026-05-04,2,1,1,1,1,1,1,");
}

#[test]
fn q_abandons_and_leaves_the_file_exactly_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    let before = format!("{PHQ9_HEADER}\r\nP0,2026-01-01,0,0,0,0,0,0,0,0,0,\r\n");
    fs::write(&file, &before).unwrap();
    let listing = dir_listing(dir.path());
    let out = enter(&["gad7"], "P1", &file)
        .write_stdin(lines(&["1", "2", "q", "1", "1"]))
        .assert()
        .code(1);
    assert!(out.get_output().stdout.is_empty());
    assert!(
        stderr(out.get_output()).contains("visit abandoned (q); nothing was saved"),
        "{}",
        stderr(out.get_output())
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), before);
    assert_eq!(dir_listing(dir.path()), listing);
}

#[test]
fn end_of_input_before_the_last_item_abandons() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    let out = enter(&["phq9"], "P1", &file)
        .write_stdin(lines(&["1", "2", "0"]))
        .assert()
        .code(1);
    assert!(
        stderr(out.get_output()).contains(
            "input ended at PHQ-9 item 4 of 9, before the last item was answered; visit abandoned"
        ),
        "{}",
        stderr(out.get_output())
    );
    assert!(!file.exists());
    assert_eq!(dir_listing(dir.path()), Vec::<String>::new());
}

#[test]
fn the_review_must_be_confirmed_with_y() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    let answers = ["1", "1", "1", "1", "1", "1", "1", ""];
    for last in [&["n"][..], &["yy"], &[]] {
        let mut input = answers.to_vec();
        input.extend_from_slice(last);
        enter(&["gad7"], "P1", &file)
            .write_stdin(lines(&input))
            .assert()
            .code(1)
            .stderr(predicate::str::contains("Type y to confirm"))
            .stderr(predicate::str::contains("nothing was saved"));
        assert!(!file.exists(), "{last:?}");
    }
}

#[test]
fn yes_saves_without_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    let out = enter(&["gad7"], "P1", &file)
        .arg("--yes")
        .write_stdin(lines(&["1", "1", "1", "1", "1", "1", "1", ""]))
        .assert()
        .success();
    let err = stderr(out.get_output());
    assert!(err.contains("Review: patient P1"), "{err}");
    assert!(!err.contains("Type y to confirm"), "{err}");
    assert_eq!(json_lines(&out.get_output().stdout)[0]["total"], 7);
    assert!(file.exists());
}

#[test]
fn one_visit_with_three_instruments_is_one_row() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    let mut input = vec!["0"; 9]; // PHQ-9
    input.push(""); // difficulty
    input.extend(["1"; 7]); // GAD-7
    input.push("2"); // difficulty
    input.extend(["2"; 20]); // PCL-5: 40, every cluster rule met
    input.push("y");
    let out = enter(&["phq9", "gad7", "pcl5"], "P3", &file)
        .write_stdin(lines(&input))
        .assert()
        .success();
    let records = json_lines(&out.get_output().stdout);
    let totals: Vec<(String, i64)> = records
        .iter()
        .map(|r| {
            (
                r["instrument"].as_str().unwrap().to_owned(),
                r["total"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        totals,
        [
            ("phq9".to_owned(), 0),
            ("gad7".to_owned(), 7),
            ("pcl5".to_owned(), 40)
        ]
    );
    assert!(records.iter().all(|r| r["line"] == 2));
    assert_eq!(
        records[2]["flags"],
        serde_json::json!(["PROBABLE_PTSD", "DSM5_PROVISIONAL_DX"])
    );
    let text = fs::read_to_string(&file).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 2);
    let pcl5: Vec<String> = (1..=20).map(|n| format!("pcl5_{n}")).collect();
    assert_eq!(
        rows[0],
        format!("{PHQ9_HEADER},{GAD7_COLUMNS},{}", pcl5.join(","))
    );
    assert_eq!(
        rows[1],
        format!(
            "P3,2026-05-04,0,0,0,0,0,0,0,0,0,,1,1,1,1,1,1,1,2,{}",
            vec!["2"; 20].join(",")
        )
    );
}

/// Quoted cells with commas, quotes and line breaks, CRLF and LF mixed, blank lines, a
/// byte-order mark, spaces and a Latin-1 byte: every byte of the earlier rows survives the
/// header being extended with the GAD-7 columns.
#[test]
fn header_extension_keeps_earlier_rows_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    let rows: [&[u8]; 5] = [
        "\u{feff}\"patient_id\",date,notes,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9".as_bytes(),
        b"P0,2026-01-01,\"said \"\"fine\"\", then\r\nleft\",0,0,0,0,0,0,0,0,1",
        b" P2 ,2026-01-02, caf\xe9 ,1, 2 ,,,,,,,",
        b"P3,2026-01-03,\"\",\"1\",ab\"c,,,,,,,",
        b"P4,2026-01-04,,3,3,3,3,3,3,3,3,3",
    ];
    let endings: [&[u8]; 5] = [b"\r\n", b"\r\n\r\n", b"\n", b"\r\n", b""];
    let mut before = Vec::new();
    for (row, ending) in rows.iter().zip(endings) {
        before.extend_from_slice(row);
        before.extend_from_slice(ending);
    }
    fs::write(&file, &before).unwrap();

    enter(&["gad7"], "P, \"5\"", &file)
        .write_stdin(lines(&["1", "1", "2", "", "0", "1", "3", "2", "y"]))
        .assert()
        .success();

    let mut expected = Vec::new();
    for (index, (row, ending)) in rows.iter().zip(endings).enumerate() {
        expected.extend_from_slice(row);
        if index == 0 {
            expected.extend_from_slice(format!(",{GAD7_COLUMNS}").as_bytes());
        } else {
            expected.extend_from_slice(",,,,,,,,".as_bytes());
        }
        expected.extend_from_slice(ending);
    }
    // The last row had no line ending; it gets the header's, then the new row (quoted only
    // where its patient id needs it).
    expected.extend_from_slice(b"\r\n\"P, \"\"5\"\"\",2026-05-04,,,,,,,,,,,1,1,2,,0,1,3,2\r\n");
    let after = fs::read(&file).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&after),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!(after, expected);
}

#[test]
fn item9_endorsed_shows_the_protocol_notice_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    // Total 3 with item 9 = 3: the flag is independent of the total (§2.4).
    let out = enter(&["phq9"], "P1", &file)
        .write_stdin(lines(&[
            "0", "0", "0", "0", "0", "0", "0", "0", "3", "", "y",
        ]))
        .assert()
        .success();
    let err = stderr(out.get_output());
    let item9_prompt = err.find("phq9 9 [").unwrap();
    let notice = err.find(POSITIVE_NOTICE).unwrap();
    let next_prompt = err.find("phq9_difficulty [").unwrap();
    assert!(item9_prompt < notice && notice < next_prompt, "{err}");
    assert!(
        err.contains("!! SAFETY · PHQ-9 · ITEM9_POSITIVE (item 9 = 3)"),
        "{err}"
    );
    let r = &json_lines(&out.get_output().stdout)[0];
    assert_eq!(r["total"], 3);
    assert_eq!(r["severity"], "minimal");
    assert_eq!(r["flags"][0], "ITEM9_POSITIVE");
}

#[test]
fn item9_blank_says_safety_is_unknown_and_zero_is_never_safe() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    let out = enter(&["phq9"], "P1", &file)
        .write_stdin(lines(&[
            "0", "0", "0", "0", "0", "0", "0", "0", "", "", "y",
        ]))
        .assert()
        .success();
    let err = stderr(out.get_output());
    let notice = err.find(MISSING_NOTICE).unwrap();
    assert!(notice < err.find("phq9_difficulty [").unwrap(), "{err}");
    assert!(err.contains("!! SAFETY · PHQ-9 · ITEM9_MISSING"), "{err}");

    let out = enter(&["phq9"], "P2", &file)
        .write_stdin(lines(&[
            "0", "0", "0", "0", "0", "0", "0", "0", "0", "", "y",
        ]))
        .assert()
        .success();
    let err = stderr(out.get_output());
    assert!(!err.contains("!! SAFETY"), "{err}");
    assert!(!err.to_lowercase().contains(" safe "), "{err}");
    assert!(err.contains("not endorsed on this form"), "{err}");
}

#[test]
fn a_future_date_is_refused_before_any_question() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    symscore()
        .args([
            "enter",
            "phq9",
            "--patient",
            "P1",
            "--date",
            "2199-01-01",
            "--append",
        ])
        .arg(&file)
        .write_stdin(lines(&["0"; 11]))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--date 2199-01-01 is after today"))
        .stderr(predicate::str::contains("phq9 1 [").not());
    assert!(!file.exists());
    symscore()
        .args([
            "enter",
            "gad7",
            "--date",
            "2199-01-01",
            "--allow-future",
            "--yes",
        ])
        .write_stdin(lines(&["0"; 8]))
        .assert()
        .success();
}

#[test]
fn saving_needs_a_patient_and_a_file_that_fits() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    symscore()
        .args(["enter", "phq9", "--append"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--append needs --patient"));
    // A file without a date column is refused before anyone types.
    fs::write(&file, "patient_id,phq9_1\n").unwrap();
    enter(&["phq9"], "P1", &file)
        .write_stdin(lines(&["0"; 11]))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("found no `date` column"))
        .stderr(predicate::str::contains("phq9 1 [").not());
    // So is a malformed row, with its line.
    fs::write(&file, "patient_id,date\nP0,2026-01-01\nP1,2026-01-02,9\n").unwrap();
    enter(&["phq9"], "P1", &file)
        .write_stdin(lines(&["0"; 11]))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "visits.csv:3: found 3 fields, expected 2 like the header",
        ));
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        "patient_id,date\nP0,2026-01-01\nP1,2026-01-02,9\n"
    );
}

#[test]
fn a_second_visit_on_the_same_day_is_pointed_out_before_the_questions() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    fs::write(
        &file,
        format!(
            "{PHQ9_HEADER}\nP1,2026-05-04,0,0,0,0,0,0,0,0,0,\nP2,2026-05-04,1,1,1,1,1,1,1,1,1,\n"
        ),
    )
    .unwrap();
    let out = enter(&["phq9"], "P1", &file)
        .write_stdin(lines(&["q"]))
        .assert()
        .code(1);
    let err = stderr(out.get_output());
    let warning = err
        .find("line 2 already records phq9 for this patient on this date")
        .unwrap();
    assert!(warning < err.find("phq9 1 [").unwrap(), "{err}");
    assert!(!err.contains("line 3 already"), "{err}");
}

#[test]
fn scores_are_never_written_over_the_visits_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    enter(&["phq9"], "P1", &file)
        .arg("-o")
        .arg(dir.path().join(".").join("visits.csv"))
        .write_stdin(lines(&["0"; 11]))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is the visits file given to --append",
        ));
    assert!(!file.exists());
}

#[test]
fn without_append_it_scores_and_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = symscore()
        .current_dir(dir.path())
        .args(["enter", "gad7", "--format", "csv", "--date", "2026-05-04"])
        .write_stdin(lines(&["3", "3", "3", "3", "3", "3", "3", "", "y"]))
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert_eq!(
        stdout.lines().nth(1).unwrap(),
        ",2026-05-04,gad7,21,21,21,severe,7,0,false,CASENESS_GAD7;SCREEN_POSITIVE_GAD7,,,1.0.0"
    );
    assert_eq!(dir_listing(dir.path()), Vec::<String>::new());
}

/// Starts `enter` with piped stdin and stderr; a thread collects stderr.
fn spawn_enter(args: &[&str], file: &Path) -> (Child, mpsc::Receiver<Vec<u8>>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_symscore"))
        .env_remove("SYMSCORE_INSTRUMENTS")
        .arg("enter")
        .args(args)
        .arg("--append")
        .arg(file)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        while let Ok(n) = stderr.read(&mut buffer) {
            if n == 0 || sender.send(buffer[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    (child, receiver)
}

/// Waits (up to a generous limit) until stderr shows `needle`.
fn wait_for(receiver: &mpsc::Receiver<Vec<u8>>, seen: &mut Vec<u8>, needle: &str) {
    while !String::from_utf8_lossy(seen).contains(needle) {
        match receiver.recv_timeout(Duration::from_secs(60)) {
            Ok(chunk) => seen.extend(chunk),
            Err(err) => panic!(
                "waiting for {needle:?}: {err}; stderr so far:\n{}",
                String::from_utf8_lossy(seen)
            ),
        }
    }
}

#[test]
fn killing_the_process_mid_entry_leaves_the_file_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    let before = format!("{PHQ9_HEADER}\nP0,2026-01-01,0,0,0,0,0,0,0,0,0,\n");
    fs::write(&file, &before).unwrap();
    let listing = dir_listing(dir.path());

    let (mut child, receiver) = spawn_enter(&["gad7", "--patient", "P1", "--yes"], &file);
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"1\n2\n0\n").unwrap();
    stdin.flush().unwrap();
    let mut seen = Vec::new();
    // The fourth prompt means the first three answers were taken.
    wait_for(&receiver, &mut seen, "gad7 4 [");
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success());
    drop(stdin);

    assert_eq!(fs::read_to_string(&file).unwrap(), before);
    assert_eq!(dir_listing(dir.path()), listing);
}

#[test]
fn racing_appends_both_land() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    fs::write(&file, format!("{PHQ9_HEADER}\n")).unwrap();
    // Start every process before any has its answers, then release them together; half
    // enter GAD-7, so some saves also extend the header while others append.
    let mut children: Vec<Child> = (0..6)
        .map(|n| {
            let patient = format!("R{n}");
            let id = if n % 2 == 0 { "phq9" } else { "gad7" };
            Command::new(env!("CARGO_BIN_EXE_symscore"))
                .args(["enter", id, "--patient", &patient, "--date", "2026-05-04"])
                .arg("--append")
                .arg(&file)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for (n, child) in children.iter_mut().enumerate() {
        let answers = if n % 2 == 0 {
            lines(&["1", "1", "1", "1", "1", "1", "1", "1", "0", "", "y"])
        } else {
            lines(&["2", "2", "2", "2", "2", "2", "2", "", "y"])
        };
        child
            .stdin
            .take()
            .unwrap()
            .write_all(answers.as_bytes())
            .unwrap();
    }
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let text = fs::read_to_string(&file).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(header.len(), 12 + 8, "{text}");
    let mut patients: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
    patients.sort();
    assert_eq!(patients, ["R0", "R1", "R2", "R3", "R4", "R5"], "{text}");
    // And `score` reads every row.
    symscore()
        .args(["score", "--format", "csv"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains("6 rows"));
}

/// The terminal prompter (dialoguer) in a real pseudo-terminal: typed answers, a refused
/// typo, the item 9 notice, the review menu, the saved file.
#[cfg(unix)]
mod terminal {
    use super::*;
    use pretty_assertions::assert_eq;
    use rexpect::process::{Signal, WaitStatus};
    use rexpect::session::{PtySession, spawn_command};

    /// Generous: CI machines are slow and share two cores.
    const TIMEOUT_MS: u64 = 60_000;

    fn spawn(args: &[&str], file: &PathBuf) -> PtySession {
        let mut command = Command::new(env!("CARGO_BIN_EXE_symscore"));
        command
            .env_remove("SYMSCORE_INSTRUMENTS")
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .arg("enter")
            .args(args)
            .arg("--append")
            .arg(file);
        spawn_command(command, Some(TIMEOUT_MS)).unwrap()
    }

    /// rexpect turns each byte of output into one `char`, so non-ASCII text is matched in
    /// that form.
    fn bytes(text: &str) -> String {
        text.bytes().map(char::from).collect()
    }

    fn expect(session: &mut PtySession, text: &str) {
        if let Err(err) = session.exp_string(&bytes(text)) {
            panic!("expected {text:?}: {err}");
        }
    }

    /// Answers one item: waits for its prompt, types, waits for the terminal prompter's
    /// confirmation line.
    fn answer(session: &mut PtySession, short: &str, typed: &str, shown: &str) {
        expect(session, &format!("{short} ["));
        session.send_line(typed).unwrap();
        expect(session, &format!("✔ {short} · {shown}"));
    }

    #[test]
    fn terminal_prompter_enters_reviews_and_saves() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("visits.csv");
        let mut session = spawn(&["phq9", "--patient", "T1", "--date", "2026-05-04"], &file);
        answer(&mut session, "phq9 1", "1", "1  Several days");
        // A typo is refused under the prompt and the same item is asked again.
        expect(&mut session, "phq9 2 [");
        session.send_line("5").unwrap();
        expect(&mut session, "expected an answer from 0 to 3");
        session.send_line("2").unwrap();
        expect(&mut session, "✔ phq9 2 · 2  More than half the days");
        for (n, typed) in [(3, "0"), (4, "3"), (5, "1"), (6, "0"), (7, "0"), (8, "2")] {
            let shown = match typed {
                "0" => "0  Not at all",
                "1" => "1  Several days",
                "2" => "2  More than half the days",
                _ => "3  Nearly every day",
            };
            answer(&mut session, &format!("phq9 {n}"), typed, shown);
        }
        answer(&mut session, "phq9 9", "1", "1  Several days");
        expect(
            &mut session,
            "!! SAFETY · PHQ-9 · ITEM9_POSITIVE (item 9 = 1)",
        );
        answer(&mut session, "phq9_difficulty", "", "left blank");
        expect(&mut session, "Total 10 of 27");
        expect(&mut session, "What next?");
        // The first choice, saving, is selected: Enter.
        session.send_line("").unwrap();
        expect(&mut session, "saved the visit to");
        session.exp_eof().unwrap();
        let status = session.process().wait().unwrap();
        assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            format!("{PHQ9_HEADER}\nT1,2026-05-04,1,2,0,3,1,0,0,2,1,\n")
        );
    }

    #[test]
    fn ctrl_c_on_the_terminal_saves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("visits.csv");
        let before = format!("{PHQ9_HEADER}\n");
        fs::write(&file, &before).unwrap();
        let mut session = spawn(&["phq9", "--patient", "T2"], &file);
        answer(&mut session, "phq9 1", "3", "3  Nearly every day");
        expect(&mut session, "phq9 2 [");
        session.send_control('c').unwrap();
        let status = session.process().wait().unwrap();
        // Killed by SIGINT: the shell reports 130.
        assert!(
            matches!(status, WaitStatus::Signaled(_, Signal::SIGINT, _))
                || matches!(status, WaitStatus::Exited(_, 130)),
            "{status:?}"
        );
        assert_eq!(fs::read_to_string(&file).unwrap(), before);
    }
}
