//! Issue 16: `trend` and `report` read FHIR `QuestionnaireResponse`s with `--input-format
//! fhir`, and `--map` names a site's own link ids.
//!
//! `examples/fhir/course.ndjson` holds the answers of `examples/visits.csv`, one response per
//! row and instrument given (138): PHQ-9 in the US Core shape (LOINC link ids in a group, LA
//! answer codes), GAD-7 and PCL-5 by symscore's link ids with `valueInteger`. So its trend
//! must be the visits file's, column for column, but for the input line and the response
//! each point came from.

use std::path::Path;

use serde_json::{Value, json};

use crate::fhir::validate;
use crate::support::{json_lines, stderr, symscore, write_file};

const COURSE: &str = "examples/fhir/course.ndjson";

/// `trend --format csv` of `args`, each row as (column, cell) pairs without the columns that
/// name where a point was read (`line`, `questionnaire_response`), in output order.
fn trend_rows(input: &[&str], stdin: Option<Vec<u8>>) -> (Vec<Vec<(String, String)>>, String) {
    let mut command = symscore();
    command
        .arg("trend")
        .args(input)
        .args(["--dosing", "examples/dosing.csv", "--format", "csv"]);
    if let Some(bytes) = stdin {
        command.write_stdin(bytes);
    }
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|record| {
            header
                .iter()
                .zip(record.unwrap().iter())
                .filter(|(name, _)| !matches!(name.as_str(), "line" | "questionnaire_response"))
                .map(|(name, cell)| (name.clone(), cell.to_owned()))
                .collect()
        })
        .collect();
    (rows, stderr(&output))
}

fn cell<'r>(row: &'r [(String, String)], name: &str) -> &'r str {
    &row.iter().find(|(n, _)| n == name).unwrap().1
}

#[test]
fn a_trend_of_responses_is_the_trend_of_the_same_visits() {
    let (from_fhir, messages) = trend_rows(&["--input-format", "fhir", COURSE], None);
    let (from_csv, _) = trend_rows(&["examples/visits.csv"], None);
    assert_eq!(from_fhir.len(), 138);
    assert_eq!(from_fhir, from_csv);
    // Worked out by hand from the visits: P001's PHQ-9 on 2026-02-06 (3,3,3,2,1,3,3,1,0)
    // is 19, the last before the dosing on 2026-02-10; on 2026-03-24 (0,1,1,0,1,0,0,0,0)
    // it is 3: a change of -16 points, -16/19 = -84.2 %.
    let first = &from_fhir[0];
    assert_eq!(cell(first, "patient_id"), "P001");
    assert_eq!(cell(first, "instrument"), "phq9");
    assert_eq!(cell(first, "baseline_total"), "19");
    assert_eq!(cell(first, "latest_total"), "3");
    assert_eq!(cell(first, "change_points"), "-16");
    assert_eq!(cell(first, "change_pct"), "-84.2");
    assert!(
        messages.contains("138 resources read (0 with rejected cells, 0 not administered, 0 entered-in-error (skipped)); 6 patients"),
        "{messages}"
    );
    // P004's endorsed item 9 after its window is on a `!!` line naming the NDJSON line.
    assert!(
        messages.contains(&format!(
            "!! {COURSE}:74: patient `P004`, phq9 on 2026-07-07: ITEM9_POSITIVE outside every window"
        )),
        "{messages}"
    );
}

#[test]
fn ungrouped_and_piped_responses_give_the_same_trend() {
    let (grouped, _) = trend_rows(&["--input-format", "fhir", COURSE], None);
    let text = std::fs::read_to_string(COURSE).unwrap();
    // Every patient's responses interleaved with the others': the trend collects them all.
    let mut lines: Vec<&str> = text.lines().collect();
    lines.reverse();
    let reversed = lines.join("\n") + "\n";
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "reversed.ndjson", &reversed);
    let (mut ungrouped, _) = trend_rows(&["--input-format", "fhir", file.to_str().unwrap()], None);
    let (mut piped, _) = trend_rows(&["--input-format", "fhir", "-"], Some(reversed.into()));
    // An ungrouped input is written in patient-id order; the grouped example is already.
    let mut expected = grouped.clone();
    for rows in [&mut expected, &mut ungrouped, &mut piped] {
        rows.sort();
    }
    assert_eq!(ungrouped, expected);
    assert_eq!(piped, expected);
}

#[test]
fn narrowing_to_a_patient_and_an_instrument_keeps_the_safety_answers() {
    let output = symscore()
        .args(["trend", "--input-format", "fhir", COURSE])
        .args(["--dosing", "examples/dosing.csv", "--format", "csv"])
        .args(["--patient", "P004", "-i", "gad7"])
        .output()
        .unwrap();
    let messages = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{messages}");
    let records: Vec<csv::StringRecord> = csv::Reader::from_reader(output.stdout.as_slice())
        .records()
        .map(Result::unwrap)
        .collect();
    // P004's eight GAD-7 administrations only.
    assert_eq!(records.len(), 8);
    assert!(records.iter().all(|r| &r[0] == "P004" && &r[1] == "gad7"));
    // The four PHQ-9s with item 9 endorsed are left out of the output, never out of review.
    for date in ["2026-06-09", "2026-06-16", "2026-06-23", "2026-07-07"] {
        assert!(
            messages.contains(&format!(
                "patient `P004`, phq9 on {date}: ITEM9_POSITIVE in no trend (`phq9` is left out with -i)"
            )),
            "{date}: {messages}"
        );
    }
    // 138 resources: 17 of P004 (8 GAD-7, 9 PHQ-9 left out), 121 of other patients.
    assert!(
        messages.contains("138 resources read (0 with rejected cells, 9 not administered, 121 of other patients skipped"),
        "{messages}"
    );
}

#[test]
fn entered_in_error_responses_are_counted_in_a_trend() {
    let output = symscore()
        .args([
            "trend",
            "--input-format",
            "fhir",
            "examples/fhir/responses.ndjson",
        ])
        .args(["--dosing-date", "2026-02-20", "--format", "jsonl"])
        .output()
        .unwrap();
    let messages = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{messages}");
    assert!(
        messages.contains("4 resources read (0 with rejected cells, 0 not administered, 1 entered-in-error (skipped)); 3 patients"),
        "{messages}"
    );
    let rows = json_lines(&output.stdout);
    let p001 = rows.iter().find(|r| r["patient_id"] == "P001").unwrap();
    // One administration, 2026-03-01: PHQ-9 1,2,0,3,1,0,0,2,1 = 10, after the dosing.
    assert_eq!(p001["latest"]["total"], 10);
    assert_eq!(
        p001["places"][0]["questionnaire_response"],
        "QuestionnaireResponse/phq9-p001"
    );
}

/// The PHQ-9 Questionnaire of `instruments export --fhir`, filled in by a site that renamed
/// its link ids (`phq-phq9-q01` …): each answer is the `answerOption` coding the Questionnaire
/// offers for it, `ordinalValue` extension included. Answers 1,2,0,3,1,0,0,2,1.
fn site_response(dir: &Path) -> std::path::PathBuf {
    let questionnaire = dir.join("phq9.json");
    symscore()
        .args(["instruments", "export", "--fhir", "phq9", "-o"])
        .arg(&questionnaire)
        .assert()
        .success();
    let questionnaire: Value =
        serde_json::from_slice(&std::fs::read(questionnaire).unwrap()).unwrap();
    let answers = [1, 2, 0, 3, 1, 0, 0, 2, 1];
    let items: Vec<Value> = questionnaire["item"]
        .as_array()
        .unwrap()
        .iter()
        .take(9)
        .zip(answers)
        .enumerate()
        .map(|(n, (item, a))| {
            let option = &item["answerOption"][a];
            json!({"linkId": format!("phq-phq9-q{:02}", n + 1), "text": item["text"],
                "answer": [{"valueCoding": option["valueCoding"]}]})
        })
        .collect();
    let response = json!({"resourceType": "QuestionnaireResponse", "id": "site-1",
        "status": "completed", "subject": {"reference": "Patient/S1"},
        "authored": "2026-03-05T08:00:00Z", "item": items});
    write_file(dir, "site.json", &response.to_string())
}

fn site_map() -> String {
    (1..=9)
        .map(|n| format!("phq-phq9-q{n:02}=phq9_{n}"))
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn a_sites_own_link_ids_are_mapped_with_map() {
    let dir = tempfile::tempdir().unwrap();
    let file = site_response(dir.path());
    // Unmapped, nothing is guessed: the response is reported and counted invalid.
    let output = symscore()
        .args(["score", "--input-format", "fhir", "--format", "jsonl"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("found 9 item(s) that map to none"),
        "{}",
        stderr(&output)
    );
    let output = symscore()
        .args(["score", "--input-format", "fhir", "--format", "fhir"])
        .args(["--map", &site_map()])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // The total, 10 (moderate, 10-14), and item 9 endorsed (1): two Observations, each
    // derived from the response.
    let observations = json_lines(&output.stdout);
    assert_eq!(observations.len(), 2);
    let (total, item9) = (&observations[0], &observations[1]);
    assert_eq!(total["code"]["coding"][0]["code"], "44261-6");
    assert_eq!(total["valueQuantity"]["value"], 10);
    assert_eq!(total["interpretation"][0]["text"], "moderate");
    assert_eq!(total["subject"]["reference"], "Patient/S1");
    assert_eq!(total["effectiveDateTime"], "2026-03-05");
    assert_eq!(item9["code"]["coding"][0]["code"], "44260-8");
    assert_eq!(item9["valueInteger"], 1);
    assert_eq!(item9["interpretation"][0]["text"], "ITEM9_POSITIVE");
    for observation in &observations {
        assert_eq!(
            observation["derivedFrom"],
            json!([{"reference": "QuestionnaireResponse/site-1"}])
        );
    }
    let ndjson = write_file(dir.path(), "o.ndjson", &output.stdout);
    if let Some(checked) = validate(&[&ndjson]) {
        assert!(
            checked.status.success(),
            "{}",
            String::from_utf8_lossy(&checked.stderr)
        );
    }
    // The same mapping in a trend.
    let output = symscore()
        .args(["trend", "--input-format", "fhir", "--format", "jsonl"])
        .args(["--map", &site_map(), "--dosing-date", "2026-03-01"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(json_lines(&output.stdout)[0]["latest"]["total"], 10);
}

#[test]
fn a_link_id_mapped_to_no_item_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = site_response(dir.path());
    let output = symscore()
        .args([
            "score",
            "--input-format",
            "fhir",
            "--map",
            "phq-phq9-q01=phq9_10",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(
            "the link id `phq-phq9-q01` is mapped to `phq9_10`, which is no item of a known instrument"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_report_draws_the_trend_of_responses() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let output = symscore()
        .args(["report", "--input-format", "fhir", COURSE])
        .args(["--dosing", "examples/dosing.csv", "-o"])
        .arg(&page)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let html = std::fs::read_to_string(&page).unwrap();
    for patient in ["P001", "P002", "P003", "P004", "P005", "P006"] {
        assert!(html.contains(patient), "{patient}");
    }
}
