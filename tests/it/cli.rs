//! Runs the real `symscore` binary as users and pipelines do: arguments, files, stdin,
//! exit codes, stdout and stderr. Scores are asserted against values computed by hand.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use predicates::prelude::*;
use serde_json::Value;

use crate::support::{BINARY, PHQ9_HEADER, json_lines, symscore};

const NHANES_MAP: &str = "DPQ010=phq9_1,DPQ020=phq9_2,DPQ030=phq9_3,DPQ040=phq9_4,DPQ050=phq9_5,\
DPQ060=phq9_6,DPQ070=phq9_7,DPQ080=phq9_8,DPQ090=phq9_9,DPQ100=phq9_difficulty";

#[test]
fn scores_one_administration_from_items() {
    // 1+2+0+3+1+0+0+2+1 = 10: moderate (§2.2), caseness (§2.3); item 9 = 1 (§2.4);
    // symptoms 2, 4, 8 (≥2) and 9 (≥1) = 4 with a core item: ODS (§2.5).
    let out = symscore()
        .args([
            "score",
            "-i",
            "phq9",
            "--items",
            "1,2,0,3,1,0,0,2,1",
            "--format",
            "jsonl",
        ])
        .assert()
        .success();
    let out = out.get_output();
    let records = json_lines(&out.stdout);
    assert_eq!(records.len(), 1);
    let r = &records[0];
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
    assert!(String::from_utf8_lossy(&out.stderr).contains("suicide-risk protocol"));
}

#[test]
fn record_fields_come_in_the_documented_order() {
    let out = symscore()
        .args([
            "score",
            "-i",
            "gad7",
            "--items",
            "1,1,1,1,1,1,1",
            "--format",
            "json",
        ])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let keys: Vec<String> = match serde_json::from_str::<Value>(&text).unwrap() {
        Value::Array(items) => items[0].as_object().unwrap().keys().cloned().collect(),
        other => panic!("expected an array, found {other}"),
    };
    // serde_json's map is sorted unless preserve_order is on, so check the raw text instead.
    let positions: Vec<usize> = [
        "patient_id",
        "date",
        "instrument",
        "total",
        "total_exact",
        "max",
        "severity",
        "answered",
        "missing",
        "prorated",
        "flags",
        "subscales",
        "line",
        "instrument_version",
    ]
    .iter()
    .map(|k| {
        text.find(&format!("\"{k}\""))
            .unwrap_or_else(|| panic!("missing field {k}"))
    })
    .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "fields out of order in {text}"
    );
    assert_eq!(keys.len(), 14);
}

#[test]
fn blank_items_are_prorated_and_the_exact_value_kept() {
    // 1+2+3+1+0+0+2 = 9 over 7 of 9 items: 81/7 = 11.571 → 12 (§5.1, round half up).
    let out = symscore()
        .args([
            "score",
            "-i",
            "phq9",
            "--items",
            "1,2,,3,1,0,0,2,",
            "--format",
            "jsonl",
        ])
        .assert()
        .success();
    let r = &json_lines(&out.get_output().stdout)[0];
    assert_eq!(r["total"], 12);
    assert!((r["total_exact"].as_f64().unwrap() - 81.0 / 7.0).abs() < 1e-12);
    assert_eq!(r["prorated"], true);
    assert_eq!(r["missing"], 2);
    assert!(
        r["flags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("ITEM9_MISSING"))
    );
}

#[test]
fn an_out_of_range_answer_is_reported_and_exits_1() {
    symscore()
        .args([
            "score",
            "-i",
            "phq9",
            "--items",
            "1,2,4,3,1,0,0,2,0",
            "--format",
            "csv",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(",phq9,,,27,invalid,"))
        .stderr(predicate::str::contains(
            "--items: item 3 of `phq9`: expected an answer from 0 to 3, found '4'",
        ));
}

#[test]
fn wrong_number_of_items_is_a_usage_error() {
    symscore()
        .args(["score", "-i", "phq9", "--items", "1,2,3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`phq9` has 9 items, found 3 answers",
        ));
}

#[test]
fn items_needs_an_instrument_and_no_file_options() {
    symscore()
        .args(["score", "--items", "1,2"])
        .assert()
        .code(2);
    symscore()
        .args([
            "score",
            "-i",
            "phq9",
            "--items",
            "1,1,1,1,1,1,1,1,1",
            "--strict",
        ])
        .assert()
        .code(2);
}

/// The quick start's example export scores cleanly: a newcomer's first run exits 0.
#[test]
fn scores_the_example_export_and_accounts_for_every_row() {
    let out = symscore()
        .args(["score", "examples/visits.csv", "--format", "jsonl"])
        .assert()
        .code(0);
    let out = out.get_output();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .contains("64 rows: 60 scored, 4 prorated, 0 invalid, 0 not administered; 138 records"),
        "{stderr}"
    );
    let records = json_lines(&out.stdout);
    assert_eq!(records.len(), 138);
    // Line 16: phq9_4 blank, 9 over 8 items = 81/8 = 10.125 → 10.
    let line16 = records
        .iter()
        .find(|r| r["line"] == 16 && r["instrument"] == "phq9")
        .unwrap();
    assert_eq!(
        (line16["total"].clone(), line16["prorated"].clone()),
        (Value::from(10), Value::from(true))
    );
    // Line 48: `2.0` is read as 2.
    let line48 = records
        .iter()
        .find(|r| r["line"] == 48 && r["instrument"] == "phq9")
        .unwrap();
    assert_eq!(line48["total"], 13);
    assert_eq!(
        line48["flags"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f.as_str().unwrap().starts_with("INVALID"))
            .count(),
        0
    );
}

#[test]
fn reads_stdin_with_a_dash_or_no_file() {
    let csv = format!("{PHQ9_HEADER}\nP1,2026-03-02,0,0,0,0,0,0,0,0,0\n");
    for args in [
        vec!["score", "-", "--format", "csv"],
        vec!["score", "--format", "csv"],
    ] {
        symscore()
            .args(&args)
            .write_stdin(csv.clone())
            .assert()
            .success()
            .stdout(predicate::str::contains(
                "P1,2026-03-02,phq9,0,0,27,minimal,9,0,false,,,2,1.0.0",
            ))
            .stderr(predicate::str::contains("<stdin>: 1 row: 1 scored"));
    }
}

#[test]
fn scores_the_nhanes_export_with_mapping_and_non_answer_codes() {
    let out = symscore()
        .args([
            "score",
            "tests/fixtures/nhanes_sample.csv",
            "--patient-column",
            "SEQN",
            "--map",
            NHANES_MAP,
            "--na",
            "7,9",
            "--format",
            "jsonl",
        ])
        .assert()
        .code(1);
    let out = out.get_output();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .contains("40 rows: 25 scored, 6 prorated, 2 invalid, 7 not administered; 33 records"),
        "{stderr}"
    );
    let records = json_lines(&out.stdout);
    // Line 35: 2,3,1,1,2,3,3,3 and item 9 = 9.0 (don't know): S = 18 over 8 of 9 items,
    // (2·18·9 + 8) div 16 = 20 → severe; item 9 unknown; six symptoms with a core item: MDS.
    let r = records.iter().find(|r| r["line"] == 35).unwrap();
    assert_eq!(r["patient_id"], "95853.0");
    assert_eq!(r["date"], Value::Null);
    assert_eq!(r["total"], 20);
    assert_eq!(r["severity"], "severe");
    assert_eq!(
        r["flags"],
        serde_json::json!([
            "ITEM9_MISSING",
            "PRORATED",
            "CASENESS_PHQ9",
            "MAJOR_DEPRESSIVE_SYNDROME"
        ])
    );
    // Line 31: eight "don't know" answers: no total, never a partial sum.
    let r = records.iter().find(|r| r["line"] == 31).unwrap();
    assert_eq!(r["total"], Value::Null);
    assert!(stderr.contains(
        "nhanes_sample.csv:31: `phq9`: expected at most 2 blank items to prorate, found 8"
    ));
}

#[test]
fn without_na_codes_a_refusal_code_is_an_invalid_answer() {
    symscore()
        .args([
            "score",
            "tests/fixtures/nhanes_sample.csv",
            "--patient-column",
            "SEQN",
            "--map",
            NHANES_MAP,
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "nhanes_sample.csv:31:3: column 'phq9_2': expected an answer from 0 to 3, found '9.0'",
        ));
}

#[test]
fn a_header_with_part_of_an_instrument_names_the_missing_columns() {
    let csv =
        "patient_id,phq9_1,phq9_2,phq9_3,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9\nP1,0,0,0,0,0,0,0,0\n";
    symscore()
        .args(["score", "-"])
        .write_stdin(csv)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "<stdin>:1: `phq9` needs all 9 item columns; missing `phq9_4`",
        ));
}

#[test]
fn malformed_csv_stops_with_file_and_line() {
    let csv = format!("{PHQ9_HEADER}\nP1,2026-03-02,0,0,0,0,0,0,0,0,0\nP2,2026-03-02,0,0,0\n");
    symscore()
        .args(["score", "-", "--format", "csv"])
        .write_stdin(csv)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "<stdin>:3: expected 11 fields like the header, found 5",
        ))
        // The row before the error was scored and stays on standard output.
        .stdout(predicate::str::contains("\nP1,2026-03-02,phq9,0,"));
}

#[test]
fn bom_crlf_semicolons_and_other_date_layouts_are_read() {
    let csv = "\u{feff}patient_id;date;gad7_1;gad7_2;gad7_3;gad7_4;gad7_5;gad7_6;gad7_7\r\nP1;02/03/2026;3;3;2;2;0;0;0\r\n";
    symscore()
        .args([
            "score",
            "-",
            "--delimiter",
            ";",
            "--date-format",
            "%d/%m/%Y",
            "--format",
            "csv",
        ])
        .write_stdin(csv)
        .assert()
        .success()
        // 3+3+2+2 = 10: moderate, caseness ≥8 and screen positive ≥10 (§3.2).
        .stdout(predicate::str::contains(
            "P1,2026-03-02,gad7,10,10,21,moderate,7,0,false,CASENESS_GAD7;SCREEN_POSITIVE_GAD7,,2,",
        ));
}

#[test]
fn an_impossible_date_is_reported_with_its_cell() {
    let csv = format!("{PHQ9_HEADER}\nP1,2026-02-30,0,0,0,0,0,0,0,0,0\n");
    symscore()
        .args(["score", "-", "--format", "csv"])
        .write_stdin(csv)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "<stdin>:2:2: column 'date': expected a real calendar date, found '2026-02-30'",
        ));
}

#[test]
fn pcl5_subscales_render_in_csv_with_incomplete_clusters_empty() {
    let header: Vec<String> = (1..=20).map(|i| format!("pcl5_{i}")).collect();
    // B = 2+2+2+2+2 = 10, C: item 6 blank → incomplete, D = 7·1 = 7, E = 6·2 = 12.
    // DSM-5 rule: C is undecided, but no D item reaches 2, so it fails whatever item 6 is.
    let row = "P1,2,2,2,2,2,,1,1,1,1,1,1,1,1,2,2,2,2,2,2";
    let csv = format!("patient_id,{}\n{row}\n", header.join(","));
    // One blank of 20: S = 10+1+7+12 = 30, 30·20/19 = 31.58 → 32: below the cut-off of 33.
    symscore()
        .args(["score", "-", "--format", "csv"])
        .write_stdin(csv)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            ",pcl5,32,31.57894736842105,80,below_cutoff,19,1,true,PRORATED,B=10;C=;D=7;E=12,2,",
        ));
}

#[test]
fn output_file_is_written_atomically_and_never_over_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("scores.json");
    fs::write(&target, "previous contents").unwrap();
    // A fatal error (partial header) leaves the previous file exactly as it was.
    symscore()
        .args(["score", "-", "-o"])
        .arg(&target)
        .write_stdin("patient_id,phq9_1\nP1,0\n")
        .assert()
        .code(2);
    assert_eq!(fs::read_to_string(&target).unwrap(), "previous contents");
    // Success replaces it; the format follows the extension.
    symscore()
        .args(["score", "examples/visits.csv", "-o"])
        .arg(&target)
        .assert()
        .success();
    let written: Value = serde_json::from_str(&fs::read_to_string(&target).unwrap()).unwrap();
    assert_eq!(written.as_array().unwrap().len(), 138);
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left behind"
    );
    // The input is never the output.
    let input = dir.path().join("visits.csv");
    fs::copy("examples/visits.csv", &input).unwrap();
    symscore()
        .arg("score")
        .arg(&input)
        .arg("-o")
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is the input file"));
    assert_eq!(
        fs::read(&input).unwrap(),
        fs::read("examples/visits.csv").unwrap()
    );
}

/// The definitions with deliberate mistakes live in `examples/broken/`, so the examples
/// directory itself loads as an instruments directory (the docs use it that way).
#[test]
fn the_examples_directory_loads_as_an_instruments_directory() {
    symscore()
        .args([
            "--instruments-dir",
            "examples",
            "instruments",
            "list",
            "--format",
            "csv",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("phq2"));
    symscore()
        .args(["instruments", "check", "examples/broken/my-scale.json"])
        .arg("examples/broken/typo.json")
        .assert()
        .code(1);
}

#[test]
fn strict_stops_at_the_first_rejected_row_without_writing_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.csv");
    symscore()
        .args(["score", "examples/errors.csv", "--strict", "-o"])
        .arg(&target)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "stopped at line 2 by --strict; no output file written",
        ));
    assert!(!target.exists());
}

/// The diagnostics example has one mistake on each of its first four rows (examples/README.md),
/// each reported with its line (and column), and the one clean row scored.
#[test]
fn the_errors_example_reports_each_planted_mistake() {
    let out = symscore()
        .args(["score", "examples/errors.csv", "--format", "jsonl"])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr);
    for expected in [
        "examples/errors.csv:2:5: column 'phq9_3': expected an answer from 0 to 3, found '4'",
        "examples/errors.csv:3:2: column 'date': expected a real calendar date, found '2026-02-30'",
        "examples/errors.csv:4: `phq9`: expected at most 2 blank items to prorate, found 3 (phq9_2, phq9_3, phq9_4)",
        "examples/errors.csv:5:15: column 'gad7_3': expected an answer from 0 to 3, found 'two'",
        "5 rows: 1 scored, 0 prorated, 4 invalid, 0 not administered; 10 records",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
}

#[test]
fn table_marks_safety_flags_without_relying_on_colour() {
    symscore()
        .env("NO_COLOR", "1")
        .args([
            "score",
            "-i",
            "phq9",
            "--items",
            "0,0,0,0,0,0,0,0,3",
            "--format",
            "table",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("!! ITEM9_POSITIVE (item 9 = 3)"))
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn a_closed_pipe_is_success() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.csv");
    let mut file = fs::File::create(&input).unwrap();
    writeln!(file, "{PHQ9_HEADER}").unwrap();
    for i in 0..50_000 {
        writeln!(file, "P{i},2026-03-02,1,1,1,1,1,1,1,1,0").unwrap();
    }
    drop(file);
    let mut child = Command::new(BINARY)
        .args(["score", "--format", "csv"])
        .arg(&input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap(); // then drop: the pipe closes
    let out = child.wait_with_output().unwrap();
    assert!(first.starts_with("patient_id,"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn instruments_lists_the_built_ins() {
    symscore()
        .args(["instruments", "--format", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "phq9,Patient Health Questionnaire-9 (PHQ-9),9,0,27,1.0.0,built-in,",
        ))
        .stdout(predicate::str::contains("gad7,"))
        .stdout(predicate::str::contains(
            "pcl5,PTSD Checklist for DSM-5 (PCL-5),20,0,80,",
        ));
}

#[test]
fn instruments_show_explains_items_bands_and_flags() {
    symscore()
        .args(["instruments", "show", "phq9"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "thoughts of being better off dead",
        ))
        .stdout(predicate::str::contains("moderately_severe"))
        .stdout(predicate::str::contains("!! ITEM9_POSITIVE"))
        .stdout(predicate::str::contains("up to 2 blank items are prorated"));
}

#[test]
fn instruments_check_reports_every_broken_rule_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    let phq9 = fs::read_to_string("instruments/phq9.json").unwrap();
    // Make a gap between mild (5-9) and moderate, and push the cut-off out of range.
    let broken = phq9
        .replace(r#""min": 10, "max": 14"#, r#""min": 11, "max": 14"#)
        .replace(r#""min_total": 10"#, r#""min_total": 28"#);
    fs::write(&path, broken).unwrap();
    let out = symscore()
        .args(["instruments", "check"])
        .arg(&path)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains(":61:55: `severity.bands[2].min`: expected 10 (the previous band ends at 9), found 11 (gap)"), "{stderr}");
    assert!(
        stderr.contains("`thresholds[0].min_total`: expected a cut-off from 1 to 27"),
        "{stderr}"
    );
}

#[test]
fn instruments_check_rejects_unknown_fields_with_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo.json");
    let text = fs::read_to_string("instruments/gad7.json")
        .unwrap()
        .replace("\"max_missing\"", "\"max_mising\"");
    fs::write(&path, text).unwrap();
    symscore()
        .args(["instruments", "check"])
        .arg(&path)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unknown field `max_mising`, expected `max_missing` or `note` (at `missing.max_mising`)"));
}

/// A clinic's own instrument works end to end with no code change.
#[test]
fn a_user_defined_instrument_scores_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let definition = r#"{
      "id": "tiny2", "name": "Tiny two-item screener", "version": "0.1",
      "source": { "citation": "test" }, "licence": "test", "recall_days": 7,
      "scale": { "min": 0, "max": 2 },
      "items": [ { "number": 1, "label": "first" }, { "number": 2, "label": "second", "reverse": true } ],
      "missing": { "max_missing": 0 },
      "severity": { "bands": [ { "id": "low", "label": "Low", "min": 0, "max": 2 }, { "id": "high", "label": "High", "min": 3, "max": 4 } ] },
      "thresholds": [ { "flag": "TINY_POSITIVE", "min_total": 3 } ],
      "change": { "reliable_change": 2, "mcid": 1, "target": 1, "caseness": 3, "response_pct": 50,
                  "plateau": { "points": 3, "min_span_days": 14, "min_days_since_dose": 21, "horizon_days": 28 } }
    }"#;
    fs::write(dir.path().join("tiny2.json"), definition).unwrap();
    // Item 2 is reverse scored: 2 + (0 + 2 − 0) = 4 → high, positive.
    symscore()
        .arg("--instruments-dir")
        .arg(dir.path())
        .args(["score", "-", "--format", "csv"])
        .write_stdin("patient_id,tiny2_1,tiny2_2\nP9,2,0\nP8,1,\n")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "P9,,tiny2,4,4,4,high,2,0,false,TINY_POSITIVE,,2,0.1",
        ))
        .stdout(predicate::str::contains(
            "P8,,tiny2,,,4,invalid,1,1,false,INVALID_TOO_MANY_MISSING,,3,0.1",
        ));
    // The environment variable works the same way.
    symscore()
        .env("SYMSCORE_INSTRUMENTS", dir.path())
        .args(["instruments", "--format", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "tiny2,Tiny two-item screener,2,0,4,0.1,",
        ));
}

#[test]
fn help_documents_exit_codes() {
    symscore()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit status:"));
    symscore()
        .args(["score", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--patient-column"));
}

#[test]
fn a_non_answer_code_that_is_a_real_answer_is_refused() {
    symscore()
        .args(["score", "examples/visits.csv", "--na", "3"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "--na `3` is a real answer on `phq9` (0-3)",
        ));
}

#[test]
fn a_form_refused_on_every_item_is_administered_and_flags_item_9() {
    // Nine refusals (7) are not "not administered": the form was given, and item 9 is unknown.
    let csv = format!("{PHQ9_HEADER}\nP1,2026-03-02,7,7,7,7,7,7,7,7,7\nP2,2026-03-02,,,,,,,,,\n");
    let out = symscore()
        .args(["score", "-", "--na", "7,9", "--format", "jsonl"])
        .write_stdin(csv)
        .assert()
        .code(1);
    let out = out.get_output();
    let records = json_lines(&out.stdout);
    assert_eq!(records.len(), 1);
    // Every item unknown: both syndromes are undecided (§5.2).
    assert_eq!(
        records[0]["flags"],
        serde_json::json!([
            "ITEM9_MISSING",
            "INVALID_TOO_MANY_MISSING",
            "MDS_INDETERMINATE",
            "ODS_INDETERMINATE"
        ])
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("2 rows: 0 scored, 0 prorated, 1 invalid, 1 not administered")
    );
}

#[test]
fn strict_still_reports_safety_and_counts() {
    let csv = format!(
        "{PHQ9_HEADER}\nP1,2026-03-02,0,0,0,0,0,0,0,0,3\nP2,2026-03-03,x,0,0,0,0,0,0,0,2\n"
    );
    symscore()
        .args(["score", "-", "--strict", "--format", "csv"])
        .write_stdin(csv)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "stopped at line 3 by --strict; standard output ends before this row",
        ))
        .stderr(predicate::str::contains(
            "2 rows have a safety item endorsed or unanswered (ITEM9_POSITIVE): lines 2, 3",
        ))
        // The rows before the stop are written, and nothing after.
        .stdout(predicate::str::starts_with("patient_id,date,instrument,"))
        .stdout(predicate::str::contains("\nP1,2026-03-02,phq9,3,"))
        .stdout(predicate::str::contains("P2").not());
}

#[test]
fn line_numbers_count_blank_lines_and_every_line_ending() {
    for (ending, blank) in [("\n", "\n\n"), ("\r\n", "\r\n\r\n"), ("\r", "\r\r")] {
        let csv = format!(
            "{PHQ9_HEADER}{ending}P1,2026-03-02,0,0,0,0,0,0,0,0,0{ending}{blank}P2,2026-03-03,x,0,0,0,0,0,0,0,0{ending}"
        );
        // Header 1, P1 2, blank 3 and 4, P2 5.
        symscore()
            .args(["score", "-", "--format", "csv"])
            .write_stdin(csv)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("<stdin>:5:3: column 'phq9_1'"));
    }
}

#[test]
fn a_closed_pipe_still_reports_every_row_and_safety() {
    let mut child = Command::new(BINARY)
        .args(["score", "examples/visits.csv", "--format", "csv"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away before reading anything
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("64 rows: 60 scored"), "{stderr}");
    assert!(stderr.contains("lines 27, 35, 36, 37, 39"), "{stderr}");
}

#[test]
fn a_usage_error_with_items_writes_nothing_to_stdout() {
    symscore()
        .args(["score", "-i", "phq9", "--items", "1,2", "--format", "csv"])
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn a_replacement_definition_is_announced_and_may_not_drop_item_9() {
    let dir = tempfile::tempdir().unwrap();
    let phq9 = fs::read_to_string("instruments/phq9.json").unwrap();
    fs::write(
        dir.path().join("phq9.json"),
        phq9.replace(r#""version": "1.0.0""#, r#""version": "clinic-1""#),
    )
    .unwrap();
    symscore()
        .arg("--instruments-dir")
        .arg(dir.path())
        .args([
            "score",
            "-i",
            "phq9",
            "--items",
            "0,0,0,0,0,0,0,0,0",
            "--format",
            "csv",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(",clinic-1"))
        .stderr(predicate::str::contains("using `phq9` from"));
    // Raising item 9's threshold to 2 would hide "several days": refused.
    let weaker = phq9.replace(r#""min_value": 1"#, r#""min_value": 2"#);
    fs::write(dir.path().join("phq9.json"), weaker).unwrap();
    symscore()
        .arg("--instruments-dir")
        .arg(dir.path())
        .args(["score", "-i", "phq9", "--items", "0,0,0,0,0,0,0,0,1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "raises the threshold of safety item 9 from 1 to 2",
        ));
    // `instruments check` still works with the broken directory.
    symscore()
        .arg("--instruments-dir")
        .arg(dir.path())
        .args(["instruments", "check", "examples/screen2.json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok: `phq2`"));
}

#[test]
fn the_bundled_screener_scores_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy("examples/screen2.json", dir.path().join("screen2.json")).unwrap();
    let out = symscore()
        .arg("--instruments-dir")
        .arg(dir.path())
        .args(["score", "examples/screen2-visits.csv", "--format", "jsonl"])
        .assert()
        .code(1);
    let records = json_lines(&out.get_output().stdout);
    assert!(records.iter().all(|r| r["instrument"] == "phq2"));
    // Every valid total is the plain sum of two 0-3 items, and ≥ 3 screens positive.
    for r in records.iter().filter(|r| !r["total"].is_null()) {
        let positive = r["flags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("SCREEN_POSITIVE_PHQ2"));
        assert_eq!(positive, r["total"].as_u64().unwrap() >= 3, "{r}");
    }
}

#[test]
fn trend_flags_the_example_patients_as_intended() {
    let out = symscore()
        .args([
            "trend",
            "examples/visits.csv",
            "--dosing",
            "examples/dosing.csv",
            "--format",
            "jsonl",
        ])
        .assert()
        .success();
    let summaries = json_lines(&out.get_output().stdout);
    let status = |patient: &str, instrument: &str| {
        summaries
            .iter()
            .find(|s| s["patient_id"] == patient && s["instrument"] == instrument)
            .map(|s| s["status"].as_str().unwrap().to_owned())
            .unwrap()
    };
    // examples/README.md: P001 responds and remits, P002 plateaus around PHQ-9 12 after
    // a reliable improvement, P004 deteriorates with item 9 endorsed.
    assert_eq!(status("P001", "phq9"), "AT_TARGET");
    assert_eq!(status("P002", "phq9"), "PLATEAU_AFTER_IMPROVEMENT");
    assert_eq!(status("P004", "phq9"), "DETERIORATION");
    let p004 = summaries
        .iter()
        .find(|s| s["patient_id"] == "P004" && s["instrument"] == "phq9")
        .unwrap();
    assert!(
        p004["flags"]
            .as_array()
            .unwrap()
            .contains(&Value::from("ITEM9_POSITIVE"))
    );
    // P006 has three dosings: three windows per instrument.
    assert_eq!(
        summaries
            .iter()
            .filter(|s| s["patient_id"] == "P006"
                && s["instrument"] == "pcl5"
                && !s["dosing_date"].is_null())
            .count(),
        3
    );
}

#[test]
fn trend_fail_on_exits_3_and_flagged_only_filters() {
    symscore()
        .args([
            "trend",
            "examples/visits.csv",
            "--dosing",
            "examples/dosing.csv",
            "--fail-on",
            "item9",
            "--format",
            "csv",
        ])
        .assert()
        .code(3);
    let out = symscore()
        .args([
            "trend",
            "examples/visits.csv",
            "--dosing-date",
            "2026-02-10",
            "--patient",
            "P001",
            "--flagged-only",
            "--format",
            "jsonl",
        ])
        .assert()
        .success();
    for s in json_lines(&out.get_output().stdout) {
        assert_eq!(s["patient_id"], "P001");
    }
}

/// A grouped file is analysed and written patient by patient, yet a malformed row near the
/// end still stops the run before anything is written: a shortened patient list must never
/// look like a complete one. With CRLF line endings too (the byte scan reads those).
#[test]
fn trend_refuses_a_malformed_file_before_writing_anything() {
    let dir = tempfile::tempdir().unwrap();
    let visits = dir.path().join("visits.csv");
    let mut text = fs::read_to_string("examples/visits.csv").unwrap();
    text.push_str("P999,2026-01-01,1,2\n");
    let last_line = text.lines().count();
    for ending in ["\n", "\r\n"] {
        fs::write(&visits, text.replace('\n', ending)).unwrap();
        let path = visits.to_str().unwrap();
        let args = [
            "trend",
            path,
            "--dosing",
            "examples/dosing.csv",
            "--format",
            "csv",
        ];
        symscore()
            .args(args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(format!(
                "{path}:{last_line}: expected 39 fields like the header, found 4"
            )));
        let written = dir.path().join("trend.csv");
        symscore()
            .args(args)
            .arg("-o")
            .arg(&written)
            .assert()
            .code(2);
        assert!(!written.exists());
    }
}

#[test]
fn trend_needs_dates_and_dosing() {
    symscore()
        .args(["trend", "examples/visits.csv"])
        .assert()
        .code(2);
    symscore()
        .args(["trend", "-", "--dosing-date", "2026-03-02"])
        .write_stdin(
            "patient_id,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7\nP1,0,0,0,0,0,0,0\n",
        )
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected a date column `date`"));
}

#[test]
fn repeated_visits_are_reported_and_both_kept() {
    let csv = format!(
        "{PHQ9_HEADER}\nP1,2026-03-02,0,0,0,0,0,0,0,0,0\nP1,2026-03-02,1,0,0,0,0,0,0,0,0\nP2,2026-03-02,0,0,0,0,0,0,0,0,0\nP1,2026-03-02,2,0,0,0,0,0,0,0,0\n"
    );
    let out = symscore()
        .args(["score", "-", "--format", "jsonl"])
        .write_stdin(csv.clone())
        .assert()
        .code(1);
    let out = out.get_output();
    assert_eq!(json_lines(&out.stdout).len(), 4, "both rows are kept");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "<stdin>:3: `phq9` for patient `P1` on 2026-03-02 repeats line 2; both are kept"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 administration repeating an earlier row"),
        "{stderr}"
    );
    // `trend` holds every visit, so it also finds the repeat on line 5, after another patient.
    symscore()
        .args([
            "trend",
            "-",
            "--dosing-date",
            "2026-03-01",
            "--format",
            "csv",
        ])
        .write_stdin(csv)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "<stdin>:5: `phq9` for patient `P1` on 2026-03-02 repeats line 3",
        ));
}

#[test]
fn csv_output_neutralises_formulas_in_patient_ids() {
    symscore()
        .args(["score", "-", "--format", "csv"])
        .write_stdin("patient_id,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7\n=HYPERLINK(\"x\"),0,0,0,0,0,0,0\n@SUM(A1),1,0,0,0,0,0,0\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("\"'=HYPERLINK(\"\"x\"\")\",,gad7,0,"))
        .stdout(predicate::str::contains("'@SUM(A1),,gad7,1,"));
}

#[test]
fn the_table_escapes_terminal_control_characters_in_patient_ids() {
    symscore()
        .args(["score", "-", "--format", "table"])
        .write_stdin("patient_id,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7\n\"P1\u{1b}[2J\",0,0,0,0,0,0,0\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("P1\\u{1b}[2J"))
        .stdout(predicate::str::contains("\u{1b}[2J").not());
}

#[test]
fn killing_score_mid_write_leaves_the_previous_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.csv");
    let mut file = fs::File::create(&input).unwrap();
    writeln!(file, "{PHQ9_HEADER}").unwrap();
    for i in 0..400_000 {
        writeln!(file, "P{i},2026-03-02,1,1,1,1,1,1,1,1,0").unwrap();
    }
    drop(file);
    let target = dir.path().join("scores.csv");
    fs::write(&target, "previous results\n").unwrap();
    let mut child = Command::new(BINARY)
        .arg("score")
        .arg(&input)
        .arg("-o")
        .arg(&target)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the temporary file has data in it, then kill: the write is under way.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let writing = || {
        fs::read_dir(dir.path()).unwrap().flatten().any(|e| {
            e.file_name().to_string_lossy().starts_with(".scores.csv.")
                && e.metadata().is_ok_and(|m| m.len() > 0)
        })
    };
    while !writing() {
        assert!(
            std::time::Instant::now() < deadline,
            "the temporary file never appeared"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before it could be interrupted"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(fs::read_to_string(&target).unwrap(), "previous results\n");
}

/// Removes every `line` field: row numbers are the one thing a shuffle may change.
fn without_lines(mut value: Value) -> Value {
    match &mut value {
        Value::Object(map) => {
            map.remove("line");
            for v in map.values_mut() {
                *v = without_lines(v.take());
            }
        }
        Value::Array(items) => {
            for v in items.iter_mut() {
                *v = without_lines(v.take());
            }
        }
        _ => {}
    }
    value
}

#[test]
fn trend_results_do_not_depend_on_row_order_or_on_streaming() {
    let run = |args: &[&str], stdin: Option<String>| {
        let mut cmd = symscore();
        cmd.args(args);
        if let Some(text) = stdin {
            cmd.write_stdin(text);
        }
        let out = cmd.output().unwrap();
        json_lines(&out.stdout)
            .into_iter()
            .map(without_lines)
            .collect::<Vec<_>>()
    };
    let base = ["--dosing", "examples/dosing.csv", "--format", "jsonl"];
    // The example is grouped by patient: from a file it is analysed one patient at a time;
    // from standard input it is collected first. Same results.
    let streamed = run(
        &[&["trend", "examples/visits.csv"][..], &base].concat(),
        None,
    );
    let collected = run(
        &[&["trend", "-"][..], &base].concat(),
        Some(fs::read_to_string("examples/visits.csv").unwrap()),
    );
    // 20 windows, and the 36 administrations outside every window.
    assert_eq!(
        streamed
            .iter()
            .filter(|s| !s["dosing_date"].is_null())
            .count(),
        20
    );
    assert_eq!(streamed.len(), 56);
    assert_eq!(streamed, collected);
    // Rows in another order (a fixed shuffle; no longer grouped by patient): same results.
    let text = fs::read_to_string("examples/visits.csv").unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    let mut shuffled: Vec<&str> = Vec::new();
    for step in [7, 3, 5] {
        let mut i = 0;
        while i < lines.len() {
            shuffled.push(lines[i]);
            i += step;
        }
        lines.retain(|l| !shuffled.contains(l));
    }
    shuffled.extend(lines);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shuffled.csv");
    fs::write(&path, format!("{header}\n{}\n", shuffled.join("\n"))).unwrap();
    let from_shuffled = run(
        &[&["trend", path.to_str().unwrap()][..], &base].concat(),
        None,
    );
    assert_eq!(from_shuffled, streamed);
}
