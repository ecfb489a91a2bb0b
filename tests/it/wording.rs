//! Issue 13, plurals: every sentence symscore prints with a count reads correctly when the
//! count is one ("1 blank item", not "1 blank items"), and a range of one number reads as that
//! number ("1 item blank", not "1–1 items blank"). Each test drives the real binary into the
//! singular case; the expected sentences are written by hand.

use std::path::Path;

use serde_json::Value;

use crate::support::{PHQ9_HEADER, json_lines, lines, stderr, symscore, write_file};

/// A one-item instrument with a one-day recall, one band and change parameters of one point
/// and one day: every count `instruments` and `enter` print about it is one.
const MOOD1: &str = r#"{
  "id": "mood1",
  "name": "One-item mood rating",
  "version": "1.0.0",
  "source": { "citation": "A one-item test definition" },
  "licence": "Test definition",
  "recall_days": 1,
  "scale": { "min": 0, "max": 3 },
  "items": [ { "number": 1, "label": "low mood" } ],
  "missing": { "max_missing": 0 },
  "severity": { "bands": [ { "id": "any", "label": "Any", "min": 0, "max": 3 } ] },
  "change": {
    "reliable_change": 1, "mcid": 1, "target": 1, "caseness": 1, "response_pct": 50,
    "plateau": { "points": 2, "min_span_days": 1, "min_days_since_dose": 1, "horizon_days": 1 }
  }
}"#;

/// A directory holding `mood1.json`.
fn mood1_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "mood1.json", MOOD1);
    dir
}

fn path_arg(path: &Path) -> String {
    path.display().to_string()
}

/// GAD-7 prorates at most one blank item; a row with two is refused with the limit in the
/// singular.
#[test]
fn score_says_at_most_1_blank_item() {
    let dir = tempfile::tempdir().unwrap();
    let visits = write_file(
        dir.path(),
        "g.csv",
        "patient_id,date,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7\nP1,2026-03-01,1,1,1,1,1,,\n",
    );
    let out = symscore()
        .arg("score")
        .arg(&visits)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = stderr(&out);
    let source = path_arg(&visits);
    assert!(
        err.contains(&format!(
            "{source}:2: `gad7`: expected at most 1 blank item to prorate, found 2 (gad7_6, gad7_7); no total (INVALID_TOO_MANY_MISSING)\n"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "symscore: {source}: 1 row: 0 scored, 0 prorated, 1 invalid, 0 not administered; 1 record\n"
        )),
        "{err}"
    );
}

/// `instruments show gad7`: the proration limit of one is "1 item", never "1–1 items".
#[test]
fn instruments_show_reads_a_limit_of_one_in_the_singular() {
    let out = symscore()
        .args(["instruments", "show", "gad7"])
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "Missing items: up to 1 blank item is prorated (total = answered sum × 7 / answered, rounded half up); more gives INVALID_TOO_MANY_MISSING and no total.\n"
        ),
        "{text}"
    );
    assert!(text.contains("┆ 1 item blank; total prorated "), "{text}");
    assert!(
        text.contains("┆ more than 1 item blank; no total "),
        "{text}"
    );
    assert!(!text.contains("1–1"), "{text}");
    assert!(!text.contains("1 items"), "{text}");
    // PHQ-9 prorates up to two: a real range, in the plural.
    let out = symscore()
        .args(["instruments", "show", "phq9"])
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("┆ 1–2 items blank; total prorated "),
        "{text}"
    );
    assert!(
        text.contains("Missing items: up to 2 blank items are prorated"),
        "{text}"
    );
}

/// A one-item definition: `instruments check` and `instruments show` count its item, band,
/// recall day, column and change parameters in the singular.
#[test]
fn instruments_check_and_show_count_one_item_band_and_day() {
    let dir = mood1_dir();
    let file = dir.path().join("mood1.json");
    let out = symscore()
        .args(["instruments", "check"])
        .arg(&file)
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "{}: ok: `mood1` One-item mood rating — 1 item, total 0–3, 1 band, version 1.0.0\n",
            file.display()
        )
    );

    let out = symscore()
        .args(["instruments", "show", "mood1", "--instruments-dir"])
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\nRecall:   the past 1 day\n"), "{text}");
    assert!(
        text.contains("\nItems (answer 0–3; column mood1_1):\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "\nChange over time: reliable change 1 point, MCID 1, target below 1, caseness from 1, response ≥ 50% reduction; plateau: 2 points spanning ≥ 1 day, latest ≥ 1 day after dosing, slope horizon 1 day.\n"
        ),
        "{text}"
    );
}

/// Validation messages count one item, and a range of one allowed value reads as that value.
#[test]
fn definition_errors_count_one_item_and_one_point() {
    let dir = tempfile::tempdir().unwrap();
    let too_many_missing = write_file(
        dir.path(),
        "missing.json",
        &MOOD1.replace(r#""max_missing": 0"#, r#""max_missing": 1"#),
    );
    let out = symscore()
        .args(["instruments", "check"])
        .arg(&too_many_missing)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = stderr(&out);
    assert!(
        err.contains(
            "`missing.max_missing`: expected fewer missing items than the 1 item, found 1"
        ),
        "{err}"
    );

    // Answers 0-1 on one item: totals 0 to 1, so the only possible change is one point.
    let binary = MOOD1
        .replace(
            r#""scale": { "min": 0, "max": 3 }"#,
            r#""scale": { "min": 0, "max": 1 }"#,
        )
        .replace(r#""max": 3 } ] }"#, r#""max": 1 } ] }"#)
        .replace(r#""reliable_change": 1"#, r#""reliable_change": 2"#);
    let wide_change = write_file(dir.path(), "binary.json", &binary);
    let out = symscore()
        .args(["instruments", "check"])
        .arg(&wide_change)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = stderr(&out);
    assert!(
        err.contains("`change.reliable_change`: expected a change of 1 point, found 2"),
        "{err}"
    );
}

/// `score --items` with the wrong number of answers for a one-item instrument.
#[test]
fn score_items_counts_one_item() {
    let dir = mood1_dir();
    let out = symscore()
        .args([
            "score",
            "--instrument",
            "mood1",
            "--items",
            "1,2",
            "--instruments-dir",
        ])
        .arg(dir.path())
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert_eq!(
        stderr(&out),
        "error: --items: `mood1` has 1 item, found 2 answers; leave a blank between commas for a missing item (`1,,2`)\n"
    );
}

/// `enter` on a one-item instrument, saved to a file that gains its one column.
#[test]
fn enter_counts_one_item_one_day_and_one_added_column() {
    let dir = mood1_dir();
    let data = tempfile::tempdir().unwrap();
    let file = write_file(
        data.path(),
        "visits.csv",
        "patient_id,date,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9,phq9_difficulty\n",
    );
    let out = symscore()
        .args([
            "enter",
            "mood1",
            "--patient",
            "P1",
            "--date",
            "2026-05-04",
            "--instruments-dir",
        ])
        .arg(dir.path())
        .arg("--append")
        .arg(&file)
        .write_stdin(lines(&["2", "y"]))
        .assert()
        .success()
        .get_output()
        .clone();
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "Saving to `{}`; its header will gain 1 column (mood1_1…).",
            path_arg(&file)
        )),
        "{err}"
    );
    assert!(
        err.contains("\n== One-item mood rating: 1 item about the last 1 day ==\n"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "symscore: saved the visit to `{}` line 2; added column mood1_1 to the header\n",
            path_arg(&file)
        )),
        "{err}"
    );
}

/// A visits file whose row has a single field is refused with "1 field".
#[test]
fn enter_refuses_a_row_of_1_field() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "visits.csv", &format!("{PHQ9_HEADER}\nP1\n"));
    let out = symscore()
        .args([
            "enter",
            "phq9",
            "--patient",
            "P2",
            "--date",
            "2026-05-04",
            "--append",
        ])
        .arg(&file)
        .write_stdin("")
        .assert()
        .failure()
        .get_output()
        .clone();
    let err = stderr(&out);
    assert!(
        err.contains("found 1 field, expected 11 like the header"),
        "{err}"
    );
}

/// `trend`: one eligible administration, totals within one point, a one-day look-back and a
/// one-day horizon, and the run summary of one row, patient and summary.
#[test]
fn trend_reasons_count_one_administration_point_and_day() {
    let dir = tempfile::tempdir().unwrap();
    // P1: baseline 1 March (8×2 = 16), one visit after the dose. P2: baseline 16, then 15,
    // 16, 15 on days 18, 28 and 39: the last three lie within one point.
    let visits = write_file(
        dir.path(),
        "v.csv",
        &format!(
            "{PHQ9_HEADER}\n\
             P1,2026-03-01,2,2,2,2,2,2,2,2,0\n\
             P1,2026-03-10,2,2,2,2,2,2,2,1,0\n\
             P2,2026-03-01,2,2,2,2,2,2,2,2,0\n\
             P2,2026-03-20,2,2,2,2,2,2,2,1,0\n\
             P2,2026-03-30,2,2,2,2,2,2,2,2,0\n\
             P2,2026-04-10,2,2,2,2,2,2,2,1,0\n"
        ),
    );
    let dosing = write_file(
        dir.path(),
        "d.csv",
        "patient_id,date\nP1,2026-03-02\nP2,2026-03-02\n",
    );
    let reasons = |extra: &[&str]| -> Vec<(String, Value)> {
        let out = symscore()
            .arg("trend")
            .arg(&visits)
            .arg("--dosing")
            .arg(&dosing)
            .args(["--format", "jsonl"])
            .args(extra)
            .assert()
            .success()
            .get_output()
            .clone();
        json_lines(&out.stdout)
            .into_iter()
            .filter(|r| r["status"] != "OUTSIDE_WINDOW")
            .map(|r| (r["patient_id"].as_str().unwrap().to_owned(), r))
            .collect()
    };

    let band = reasons(&[]);
    assert_eq!(band.len(), 2, "{band:?}");
    assert_eq!(
        band[0].1["status_reason"],
        "1 eligible administration after dosing, 3 needed"
    );
    assert_eq!(
        band[1].1["status_reason"],
        "last 3 totals [15, 16, 15] lie within 1 point, less than the reliable change 6"
    );

    // Slope over P2's days 18, 28, 39 and totals 15, 16, 15: Sxy = -1/3, Sxx = 662/3, so
    // -1/662 = -0.0015 a day, 0.0015 points over a one-day horizon.
    let slope = reasons(&["--plateau-rule", "slope", "--param", "phq9.horizon_days=1"]);
    assert_eq!(
        slope[1].1["status_reason"],
        "slope -0.002 points/day projects 0.0 points of improvement over 1 day, less than the MCID 5"
    );

    // Only P1: the run summary counts one patient and one summary.
    let out = symscore()
        .arg("trend")
        .arg(&visits)
        .arg("--dosing")
        .arg(&dosing)
        .args(["--patient", "P1", "--format", "jsonl"])
        .assert()
        .success()
        .get_output()
        .clone();
    let err = stderr(&out);
    assert!(
        err.contains(
            "v.csv: 6 rows read (0 with rejected cells, 0 not administered, 4 of other patients skipped); 1 patient; 1 summary, 1 flagged\n"
        ),
        "{err}"
    );
}

/// A look-back of one day that holds no administration.
#[test]
fn trend_baseline_missing_in_the_1_day() {
    let dir = tempfile::tempdir().unwrap();
    let visits = write_file(
        dir.path(),
        "v.csv",
        &format!(
            "{PHQ9_HEADER}\nP1,2026-02-20,2,2,2,2,2,2,2,2,0\nP1,2026-03-10,2,2,2,2,2,2,2,1,0\n"
        ),
    );
    let dosing = write_file(dir.path(), "d.csv", "patient_id,date\nP1,2026-03-02\n");
    let out = symscore()
        .arg("trend")
        .arg(&visits)
        .arg("--dosing")
        .arg(&dosing)
        .args(["--baseline-days", "1", "--format", "jsonl"])
        .assert()
        .success()
        .get_output()
        .clone();
    let records = json_lines(&out.stdout);
    let window = records
        .iter()
        .find(|r| r["dosing_date"] == "2026-03-02")
        .unwrap();
    assert_eq!(
        window["baseline_missing_reason"],
        "no valid administration in the 1 day up to the dosing on 2026-03-02"
    );
}

/// A file with only a patient column: the date column is missing from "column `patient_id`".
#[test]
fn trend_names_the_one_column_found() {
    let dir = tempfile::tempdir().unwrap();
    let visits = write_file(dir.path(), "v.csv", "patient_id\nP1\n");
    let dosing = write_file(dir.path(), "d.csv", "patient_id,date\nP1,2026-03-02\n");
    let out = symscore()
        .arg("trend")
        .arg(&visits)
        .arg("--dosing")
        .arg(&dosing)
        .assert()
        .failure()
        .get_output()
        .clone();
    let err = stderr(&out);
    assert!(
        err.contains("expected a date column `date`, found column `patient_id`"),
        "{err}"
    );
}

/// `enter` on the example PHQ-2 (no proration) with one item left blank: the review counts
/// "1 item blank".
#[test]
fn enter_review_counts_1_item_blank() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let out = symscore()
        .args([
            "enter",
            "phq2",
            "--patient",
            "P1",
            "--date",
            "2026-05-04",
            "--instruments-dir",
        ])
        .arg(&examples)
        .write_stdin(lines(&["1", "", "y"]))
        .assert()
        .success()
        .get_output()
        .clone();
    let err = stderr(&out);
    assert!(
        err.contains("  Total: none. 1 item blank; at most 0 can be prorated · severity invalid\n"),
        "{err}"
    );
}
