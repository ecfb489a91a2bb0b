//! `symscore enter` end to end: the real binary, answers on piped stdin (the line prompter),
//! the visits file on disk. One test drives the terminal prompter through a pseudo-terminal.
//!
//! Scores are checked against values computed by hand from the scoring reference.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

use predicates::prelude::*;
use pretty_assertions::assert_eq;
use serde_json::Value;

use crate::support::process::{spawn_reading_stderr, wait_for};
use crate::support::{
    BINARY, PATIENCE, PHQ9_ENTER_HEADER, dir_listing, json_lines, lines, stderr, symscore,
};

const GAD7_COLUMNS: &str = "gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7,gad7_difficulty";

/// The PHQ-9 item 9 notices, from `instruments/phq9.json`.
const POSITIVE_NOTICE: &str = "suicide-risk protocol now";
const MISSING_NOTICE: &str = "suicide-risk status is unknown";

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
        format!("{PHQ9_ENTER_HEADER}\nP017,2026-05-04,1,2,0,3,1,0,0,2,1,\n")
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
    let before = format!("{PHQ9_ENTER_HEADER}\r\nP0,2026-01-01,0,0,0,0,0,0,0,0,0,\r\n");
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
        format!("{PHQ9_ENTER_HEADER},{GAD7_COLUMNS},{}", pcl5.join(","))
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
            "{PHQ9_ENTER_HEADER}\nP1,2026-05-04,0,0,0,0,0,0,0,0,0,\nP2,2026-05-04,1,1,1,1,1,1,1,1,1,\n"
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

/// Runs `enter` on a visits file that must be refused before the first question: exit 2,
/// the message, no prompt, nothing written. Returns stderr.
fn refused_before_any_question(cmd: &mut assert_cmd::Command, message: &str) -> String {
    let out = cmd
        .timeout(PATIENCE)
        .write_stdin(lines(&["1"; 12]))
        .assert()
        .code(2);
    let err = stderr(out.get_output());
    assert!(err.contains(message), "expected {message:?} in:\n{err}");
    assert!(!err.contains(" 1 ["), "a question was asked:\n{err}");
    assert!(out.get_output().stdout.is_empty());
    err
}

/// A file holding only a UTF-8 byte-order mark (an empty sheet saved as "CSV UTF-8") is a new
/// file: no panic, the mark kept, `score` reads the row at line 2.
#[test]
fn a_file_with_only_a_byte_order_mark_is_a_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    for before in [&b"\xef\xbb\xbf"[..], b"\xef\xbb\xbf\r\n\r\n"] {
        fs::write(&file, before).unwrap();
        let out = enter(&["phq9"], "P1", &file)
            .write_stdin(lines(&[
                "1", "2", "0", "3", "1", "0", "0", "2", "1", "", "y",
            ]))
            .assert()
            .success();
        let line = json_lines(&out.get_output().stdout)[0]["line"].clone();
        let mut expected = before.to_vec();
        expected.extend_from_slice(
            format!("{PHQ9_ENTER_HEADER}\nP1,2026-05-04,1,2,0,3,1,0,0,2,1,\n").as_bytes(),
        );
        assert_eq!(fs::read(&file).unwrap(), expected);
        let scored = symscore()
            .args(["score", "--format", "jsonl"])
            .arg(&file)
            .assert()
            .success();
        assert_eq!(json_lines(&scored.get_output().stdout)[0]["line"], line);
    }
}

/// `score` counts a lone `\r` (old Mac exports) as a line break, so `enter` does too.
#[test]
fn line_numbers_with_bare_cr_endings_match_score() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    fs::write(
        &file,
        format!(
            "{PHQ9_ENTER_HEADER}\rP0,2026-01-01,0,0,0,0,0,0,0,0,0,\r\rP1,2026-01-02,1,1,1,1,1,1,1,1,1,\r"
        ),
    )
    .unwrap();
    let out = enter(&["phq9"], "P2", &file)
        .write_stdin(lines(&[
            "0", "0", "0", "0", "0", "0", "0", "0", "0", "", "y",
        ]))
        .assert()
        .success();
    assert!(
        stderr(out.get_output()).contains("saved the visit to"),
        "{}",
        stderr(out.get_output())
    );
    assert!(
        stderr(out.get_output()).contains("line 5"),
        "{}",
        stderr(out.get_output())
    );
    assert_eq!(json_lines(&out.get_output().stdout)[0]["line"], 5);
    let scored = symscore()
        .args(["score", "--format", "jsonl"])
        .arg(&file)
        .assert()
        .success();
    let lines: Vec<Value> = json_lines(&scored.get_output().stdout)
        .iter()
        .map(|r| r["line"].clone())
        .collect();
    assert_eq!(lines, [2, 4, 5]);
}

/// At the keyboard a value is the scale's number itself: the `2.0` and `02` that `score`
/// reads in an exported cell are refused as slips and the item is asked again.
#[test]
fn typed_values_must_be_the_scale_numbers_themselves() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    let out = enter(&["gad7"], "P1", &file)
        .write_stdin(lines(&[
            "01",
            "00",
            "000000000000000003",
            "1.0",
            "2.00",
            "2",
            "1",
            "1",
            "1",
            "1",
            "1",
            "1",
            "",
            "y",
        ]))
        .assert()
        .success();
    let err = stderr(out.get_output());
    for (line, typed) in [
        (1, "01"),
        (2, "00"),
        (3, "00000000000000000003"),
        (4, "1.0"),
        (5, "2.00"),
    ] {
        let typed = &typed[..typed.len().min(20)];
        assert!(
            err.contains(&format!("<stdin>:{line}: expected an answer from 0 to 3")),
            "{typed}: {err}"
        );
    }
    let text = fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().nth(1).unwrap(), "P1,2026-05-04,2,1,1,1,1,1,1,");
}

/// After `b`, Enter (or `k`) keeps the earlier answer; `s` blanks it (issue 11, point 1).
#[test]
fn after_back_s_blanks_and_enter_or_k_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    // Item 2 answered 3, then `b` from item 3: `s` blanks it. Then `b` back to item 2 and
    // again to item 1, which keeps its 1 with Enter; item 2 stays blank with `k`.
    let out = enter(&["gad7"], "P1", &file)
        .write_stdin(lines(&[
            "1", "3", "b", "s", "b", "b", "", "k", "2", "2", "2", "2", "2", "", "y",
        ]))
        .assert()
        .success();
    assert!(
        stderr(out.get_output()).contains("gad7 2 [0-3, Enter keeps 3, s blanks, b back"),
        "{}",
        stderr(out.get_output())
    );
    let text = fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().nth(1).unwrap(), "P1,2026-05-04,1,,2,2,2,2,2,");
}

#[test]
fn an_all_blank_visit_exits_1_and_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    enter(&["gad7"], "P1", &file)
        .write_stdin(lines(&["", "", "", "", "", "", "", "", "y"]))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Every item is blank"))
        .stderr(predicate::str::contains(
            "every item was left blank; nothing was saved",
        ));
    assert!(!file.exists());
}

/// A file whose dates are written another way would get an ISO row beside them.
#[test]
fn a_file_with_dates_in_another_layout_is_refused_before_any_question() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    let before = format!("{PHQ9_ENTER_HEADER}\nP0,04/05/2026,0,0,0,0,0,0,0,0,0,\n");
    fs::write(&file, &before).unwrap();
    refused_before_any_question(
        &mut enter(&["phq9"], "P1", &file),
        "visits.csv:2:2: found the date '04/05/2026', not written as YYYY-MM-DD",
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), before);
}

/// A new visits file holds item-level answers (item 9 among them): owner only, like `-o`.
#[cfg(unix)]
#[test]
fn a_new_visits_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    enter(&["gad7"], "P1", &file)
        .write_stdin(lines(&["1", "1", "1", "1", "1", "1", "1", "", "y"]))
        .assert()
        .success();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode(&file), 0o600);
    assert_eq!(mode(&dir.path().join(".visits.csv.lock")), 0o600);
    // Extending a file keeps its permissions.
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
    enter(&["phq9"], "P1", &file)
        .write_stdin(lines(&[
            "0", "0", "0", "0", "0", "0", "0", "0", "0", "", "y",
        ]))
        .assert()
        .success();
    assert_eq!(mode(&file), 0o640);
}

/// Devices, pipes and directories are not visits files: refused before any question (a save
/// would replace them with a regular file, and reading a pipe would block).
#[cfg(unix)]
#[test]
fn only_a_regular_file_can_be_appended_to() {
    let dir = tempfile::tempdir().unwrap();
    refused_before_any_question(
        &mut enter(&["gad7"], "P1", Path::new("/dev/null")),
        "/dev/null: found a character device (such as /dev/null), not a regular file",
    );
    refused_before_any_question(
        &mut enter(&["gad7"], "P1", dir.path()),
        "found a directory, not a regular file",
    );
    let fifo = dir.path().join("visits.csv");
    crate::support::mkfifo(&fifo);
    refused_before_any_question(
        &mut enter(&["gad7"], "P1", &fifo),
        "found a named pipe (FIFO), not a regular file",
    );
    assert_eq!(dir_listing(dir.path()), ["visits.csv"]);
}

/// Two names for one file: a save would replace only one of them, under its own lock.
#[test]
fn a_visits_file_with_another_hard_link_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    let before = format!("{PHQ9_ENTER_HEADER}\n");
    fs::write(&file, &before).unwrap();
    fs::hard_link(&file, dir.path().join("backup.csv")).unwrap();
    refused_before_any_question(
        &mut enter(&["phq9"], "P1", &file),
        "found a file with 2 hard links",
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), before);
}

/// The temporary file a save writes beside the visits file is 12 bytes longer than its name:
/// a 250-byte name is refused before any question rather than after the last.
#[test]
fn a_file_name_too_long_for_the_save_is_refused_before_any_question() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{}.csv", "v".repeat(246)));
    refused_before_any_question(
        &mut enter(&["gad7"], "P1", &file),
        "found a file name of 250 bytes, too long for the files a save writes beside it",
    );
    assert_eq!(dir_listing(dir.path()), Vec::<String>::new());
}

/// The permission cases need a user that may not write everything. Root may, so when the
/// tests run as root the binary runs as `nobody` through `setpriv`.
#[cfg(unix)]
mod other_user {
    use super::*;
    use pretty_assertions::assert_eq;
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};

    const NOBODY: u32 = 65534;

    /// How the binary is run for these tests.
    pub(super) struct Runner {
        /// Running as root, so the binary runs as `nobody`.
        root: bool,
    }

    impl Runner {
        /// `None` when running as root without `setpriv`: these tests cannot run here.
        pub(super) fn new(dir: &Path) -> Option<Self> {
            let probe = dir.join("probe");
            fs::write(&probe, "").unwrap();
            let root = fs::metadata(&probe).unwrap().uid() == 0;
            fs::remove_file(probe).unwrap();
            if root
                && !Command::new("setpriv")
                    .arg("--version")
                    .output()
                    .is_ok_and(|o| o.status.success())
            {
                eprintln!("skipped: running as root without setpriv");
                return None;
            }
            Some(Runner { root })
        }

        pub(super) fn enter(&self, id: &str, file: &Path) -> assert_cmd::Command {
            let binary = BINARY;
            let mut cmd = if self.root {
                let mut cmd = assert_cmd::Command::new("setpriv");
                cmd.args([
                    &format!("--reuid={NOBODY}"),
                    &format!("--regid={NOBODY}"),
                    "--clear-groups",
                    binary,
                ]);
                cmd
            } else {
                assert_cmd::Command::new(binary)
            };
            cmd.env_remove("SYMSCORE_INSTRUMENTS")
                .args(["enter", id, "--patient", "P1", "--date", "2026-05-04"])
                .arg("--append")
                .arg(file);
            cmd
        }

        /// Makes `path` belong to whoever runs the binary.
        pub(super) fn give(&self, path: &Path) {
            if self.root {
                std::os::unix::fs::chown(path, Some(NOBODY), Some(NOBODY)).unwrap();
            }
        }
    }

    /// A directory the binary's user may create files in.
    fn shared_dir(mode: u32) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(mode)).unwrap();
        dir
    }

    fn owner(path: &Path) -> u32 {
        fs::metadata(path).unwrap().uid()
    }

    /// Appending must not get round the file's permissions: a file this user cannot write
    /// is refused before any question, and keeps its owner and contents.
    #[test]
    fn a_file_the_user_cannot_write_is_refused_before_any_question() {
        let probe = tempfile::tempdir().unwrap();
        let Some(runner) = Runner::new(probe.path()) else {
            return;
        };
        let dir = shared_dir(0o777);
        let file = dir.path().join("visits.csv");
        let before = format!("{PHQ9_ENTER_HEADER}\n");
        // Read-only to everyone; and, when another user runs the binary, someone else's
        // 0644 file: both in a directory where anyone could rename over them.
        let mut modes = vec![0o444];
        if runner.root {
            modes.push(0o644);
        }
        for mode in modes {
            fs::write(&file, &before).unwrap();
            fs::set_permissions(&file, fs::Permissions::from_mode(mode)).unwrap();
            let uid = owner(&file);
            refused_before_any_question(
                &mut runner.enter("phq9", &file),
                &format!("found a file you cannot write (mode {mode:04o}"),
            );
            assert_eq!(fs::read_to_string(&file).unwrap(), before);
            assert_eq!(owner(&file), uid);
            fs::remove_file(&file).unwrap();
        }
    }

    /// A lock file this user cannot open (created owner-only by someone else) is found
    /// before any question, not at the save.
    #[test]
    fn a_lock_file_the_user_cannot_open_is_refused_before_any_question() {
        let probe = tempfile::tempdir().unwrap();
        let Some(runner) = Runner::new(probe.path()) else {
            return;
        };
        let dir = shared_dir(0o777);
        let file = dir.path().join("visits.csv");
        fs::write(&file, format!("{PHQ9_ENTER_HEADER}\n")).unwrap();
        runner.give(&file);
        let lock = dir.path().join(".visits.csv.lock");
        fs::write(&lock, "").unwrap();
        // Root's own 0600 file when the binary runs as nobody; otherwise our own file with
        // no permissions at all.
        let mode = if runner.root { 0o600 } else { 0o000 };
        fs::set_permissions(&lock, fs::Permissions::from_mode(mode)).unwrap();
        refused_before_any_question(
            &mut runner.enter("phq9", &file),
            "found a lock file you cannot open",
        );
        // Readable is enough: the lock needs only an open file.
        fs::set_permissions(&lock, fs::Permissions::from_mode(0o644)).unwrap();
        runner
            .enter("gad7", &file)
            .write_stdin(lines(&["1", "1", "1", "1", "1", "1", "1", "", "y"]))
            .assert()
            .success();
    }

    /// In a sticky directory (like /tmp) only a file's owner may rename over it: a visits
    /// file owned by someone else is refused before any question. Needs root to make a file
    /// owned by someone else.
    #[test]
    fn someone_elses_file_in_a_sticky_directory_is_refused_before_any_question() {
        let probe = tempfile::tempdir().unwrap();
        let Some(runner) = Runner::new(probe.path()) else {
            return;
        };
        if !runner.root {
            eprintln!("skipped: needs root to create a file owned by another user");
            return;
        }
        let dir = shared_dir(0o1777);
        let file = dir.path().join("visits.csv");
        let before = format!("{PHQ9_ENTER_HEADER}\n");
        fs::write(&file, &before).unwrap();
        // Writable by everyone: only the sticky bit stands in the way.
        fs::set_permissions(&file, fs::Permissions::from_mode(0o666)).unwrap();
        refused_before_any_question(
            &mut runner.enter("phq9", &file),
            "in a directory with the sticky bit (like /tmp), where only the file's owner may replace it",
        );
        assert_eq!(fs::read_to_string(&file).unwrap(), before);
        // The owner of the file may.
        runner.give(&file);
        runner
            .enter("gad7", &file)
            .write_stdin(lines(&["1", "1", "1", "1", "1", "1", "1", "", "y"]))
            .assert()
            .success();
    }
}

/// Starts `enter` with piped stdin and stderr; a thread collects stderr.
fn spawn_enter(args: &[&str], file: &Path) -> (Child, mpsc::Receiver<Vec<u8>>) {
    spawn_reading_stderr(
        Command::new(BINARY)
            .env_remove("SYMSCORE_INSTRUMENTS")
            .arg("enter")
            .args(args)
            .arg("--append")
            .arg(file),
    )
}

#[test]
fn killing_the_process_mid_entry_leaves_the_file_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("visits.csv");
    let before = format!("{PHQ9_ENTER_HEADER}\nP0,2026-01-01,0,0,0,0,0,0,0,0,0,\n");
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
    fs::write(&file, format!("{PHQ9_ENTER_HEADER}\n")).unwrap();
    // Start every process before any has its answers, then release them together; half
    // enter GAD-7, so some saves also extend the header while others append.
    let mut children: Vec<Child> = (0..6)
        .map(|n| {
            let patient = format!("R{n}");
            let id = if n % 2 == 0 { "phq9" } else { "gad7" };
            Command::new(BINARY)
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

/// The terminal prompter in a real pseudo-terminal: typed answers, a refused typo, the item 9
/// notice, the review menu (where Enter alone chooses nothing), Ctrl-D, the saved file.
#[cfg(unix)]
mod terminal {
    use super::*;
    use crate::support::terminal::{expect, spawn_in_terminal};
    use pretty_assertions::assert_eq;
    use rexpect::process::{Signal, WaitStatus};
    use rexpect::session::PtySession;

    fn spawn(args: &[&str], file: &Path) -> PtySession {
        let mut command = Command::new(BINARY);
        command.arg("enter").args(args).arg("--append").arg(file);
        spawn_in_terminal(command)
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
        expect(&mut session, "What next? [y, c or q]");
        // Nothing is preselected: a stray Enter (or two) does not save.
        session.send_line("").unwrap();
        expect(
            &mut session,
            "Enter alone chooses nothing here; type y, c or q",
        );
        session.send_line("").unwrap();
        expect(
            &mut session,
            "Enter alone chooses nothing here; type y, c or q",
        );
        expect(&mut session, "What next? [y, c or q]");
        assert!(!file.exists());
        // Change an answer: the list, then Enter goes back to the menu.
        session.send_line("c").unwrap();
        expect(&mut session, "Which answer? [1-10, Enter goes back]");
        session.send_line("").unwrap();
        expect(&mut session, "What next? [y, c or q]");
        assert!(!file.exists());
        session.send_line("y").unwrap();
        expect(&mut session, "saved the visit to");
        session.exp_eof().unwrap();
        let status = session.process().wait().unwrap();
        assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            format!("{PHQ9_ENTER_HEADER}\nT1,2026-05-04,1,2,0,3,1,0,0,2,1,\n")
        );
    }

    /// Ctrl-D on an empty line ends the input, as in a shell: the visit is abandoned as with
    /// a closed pipe (exit 1), at an item and at the review alike.
    #[test]
    fn ctrl_d_on_the_terminal_abandons_the_visit() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("visits.csv");
        let before = format!("{PHQ9_ENTER_HEADER}\n");
        fs::write(&file, &before).unwrap();
        let mut session = spawn(&["gad7", "--patient", "T3", "--date", "2026-05-04"], &file);
        answer(&mut session, "gad7 1", "2", "2  More than half the days");
        expect(&mut session, "gad7 2 [");
        session.send_control('d').unwrap();
        expect(&mut session, "input ended at GAD-7 item 2 of 7");
        session.exp_eof().unwrap();
        let status = session.process().wait().unwrap();
        assert!(matches!(status, WaitStatus::Exited(_, 1)), "{status:?}");
        assert_eq!(fs::read_to_string(&file).unwrap(), before);

        let mut session = spawn(&["gad7", "--patient", "T3", "--date", "2026-05-04"], &file);
        for n in 1..=7 {
            answer(&mut session, &format!("gad7 {n}"), "1", "1  Several days");
        }
        answer(&mut session, "gad7_difficulty", "", "left blank");
        expect(&mut session, "What next? [y, c or q]");
        session.send_control('d').unwrap();
        expect(&mut session, "input ended at the review");
        session.exp_eof().unwrap();
        let status = session.process().wait().unwrap();
        assert!(matches!(status, WaitStatus::Exited(_, 1)), "{status:?}");
        assert_eq!(fs::read_to_string(&file).unwrap(), before);
    }

    #[test]
    fn ctrl_c_on_the_terminal_saves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("visits.csv");
        let before = format!("{PHQ9_ENTER_HEADER}\n");
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
