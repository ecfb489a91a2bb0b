//! Issue 16: `score --format fhir` (NDJSON of Observations) and `--format fhir-bundle` (one
//! `collection` Bundle), validated by the independent validator of `fhir.rs`
//! (`tests/fhir/validate.py`, skipped outside CI without its virtual environment), and their
//! values checked by hand against the example files.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::fhir::validate;
use crate::support::{json_lines, stderr, symscore, write_file};

const EXAMPLES: [&str; 3] = [
    "examples/visits.csv",
    "examples/clinic-day.csv",
    "examples/errors.csv",
];

/// `score FILE --format FORMAT`'s standard output (the exit status is the file's own: 1 for
/// errors.csv's invalid rows).
fn score(file: &str, format: &str) -> Vec<u8> {
    symscore()
        .args(["score", file, "--format", format])
        .output()
        .unwrap()
        .stdout
}

fn observations(file: &str) -> Vec<Value> {
    json_lines(&score(file, "fhir"))
}

/// The Observations of `patient` with LOINC `code`.
fn of<'a>(all: &'a [Value], patient: &str, code: &str) -> Vec<&'a Value> {
    all.iter()
        .filter(|o| o["subject"]["reference"] == format!("Patient/{patient}"))
        .filter(|o| o["code"]["coding"][0]["code"] == code)
        .collect()
}

fn notes(observation: &Value) -> Vec<&str> {
    observation["note"]
        .as_array()
        .map(|notes| notes.iter().map(|n| n["text"].as_str().unwrap()).collect())
        .unwrap_or_default()
}

fn written(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    write_file(dir, name, bytes)
}

#[test]
fn every_observation_and_bundle_of_the_examples_validates_with_fhir_resources() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let mut expected = 0;
    for (n, example) in EXAMPLES.iter().enumerate() {
        let ndjson = score(example, "fhir");
        let count = json_lines(&ndjson).len();
        assert!(count > 0, "{example}");
        expected += count;
        files.push(written(dir.path(), &format!("{n}.ndjson"), &ndjson));
        files.push(written(
            dir.path(),
            &format!("{n}.json"),
            &score(example, "fhir-bundle"),
        ));
    }
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let Some(output) = validate(&paths) else {
        return;
    };
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.matches("valid Observation/").count(), expected);
    assert_eq!(stdout.matches("valid Bundle/").count(), EXAMPLES.len());
}

#[test]
fn the_validator_rejects_an_observation_with_a_value_and_a_data_absent_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut observation = observations("examples/clinic-day.csv").remove(0);
    observation["dataAbsentReason"] =
        observations("examples/errors.csv")[0]["dataAbsentReason"].clone();
    let mut bogus = observations("examples/clinic-day.csv").remove(0);
    bogus["status"] = "done".into();
    for (name, broken, expected) in [
        ("obs6", observation, "obs-6"),
        ("status", bogus, "Observation.status: `done` is not one of"),
    ] {
        let path = write_file(dir.path(), &format!("{name}.json"), &broken.to_string());
        let Some(output) = validate(&[&path]) else {
            return;
        };
        assert_eq!(output.status.code(), Some(1), "{name}");
        assert!(stderr(&output).contains(expected), "{}", stderr(&output));
    }
}

#[test]
fn clinic_day_totals_bands_item_9_and_proration_are_as_computed_by_hand() {
    let all = observations("examples/clinic-day.csv");
    // 4 rows x (PHQ-9 + GAD-7) totals, and P013's item 9 answered 1.
    assert_eq!(all.len(), 9);
    for o in &all {
        assert_eq!(o["status"], "final");
        assert_eq!(
            o["category"][0]["coding"][0],
            serde_json::json!({
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "survey"
            })
        );
        assert_eq!(o["code"]["coding"][0]["system"], "http://loinc.org");
        assert_eq!(o["effectiveDateTime"], "2026-03-02");
        assert!(o.get("derivedFrom").is_none());
    }
    // P013: 3+2+2+3+1+2+1+1+1 = 16, moderately severe; item 9 = 1.
    let [total] = of(&all, "P013", "44261-6")[..] else {
        panic!("one PHQ-9 total for P013")
    };
    assert_eq!(
        total["valueQuantity"],
        serde_json::json!({
            "value": 16, "unit": "{score}", "system": "http://unitsofmeasure.org", "code": "{score}"
        })
    );
    assert_eq!(total["interpretation"][0]["text"], "moderately_severe");
    let [item9] = of(&all, "P013", "44260-8")[..] else {
        panic!("one item 9 Observation for P013")
    };
    assert_eq!(item9["valueInteger"], 1);
    assert!(item9.get("dataAbsentReason").is_none());
    assert_eq!(item9["interpretation"][0]["text"], "ITEM9_POSITIVE");
    // Item 9 answered 0 gives no item Observation: a zero never reads as "safe".
    for patient in ["P011", "P012", "P014"] {
        assert!(of(&all, patient, "44260-8").is_empty(), "{patient}");
    }
    // P014: 1+2+_+1+1+0+1+0+0 = 6 of 8 answered, 6 x 9 / 8 = 6.75 -> 7.
    let [prorated] = of(&all, "P014", "44261-6")[..] else {
        panic!("one PHQ-9 total for P014")
    };
    assert_eq!(prorated["valueQuantity"]["value"], 7);
    assert_eq!(
        notes(prorated)[0],
        "Prorated total: 8 of 9 items answered, 1 missing; rounded from the unrounded 6.75."
    );
    // GAD-7 of P011: 2+1+2+1+1+1+1 = 9.
    assert_eq!(of(&all, "P011", "70274-6")[0]["valueQuantity"]["value"], 9);
}

#[test]
fn an_invalid_total_has_a_data_absent_reason_and_no_value() {
    let all = observations("examples/errors.csv");
    // E01: PHQ-9 item 3 is 4, outside 0-3: an unusable answer, a data error.
    let e01 = of(&all, "E01", "44261-6")[0];
    assert!(e01.get("valueQuantity").is_none());
    assert!(e01.get("interpretation").is_none());
    assert_eq!(
        e01["dataAbsentReason"]["coding"][0],
        serde_json::json!({
            "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
            "code": "error"
        })
    );
    assert!(notes(e01).contains(&"No valid total: 8 of 9 items answered, 0 missing, 1 unusable."));
    assert!(notes(e01)[1].starts_with("symscore flags: INVALID_VALUE"));
    // E03: three PHQ-9 items blank, more than the one allowed: the total is unknown.
    let e03 = of(&all, "E03", "44261-6")[0];
    assert!(e03.get("valueQuantity").is_none());
    assert_eq!(e03["dataAbsentReason"]["coding"][0]["code"], "unknown");
    // E02's date 2026-02-30 does not exist: no effectiveDateTime, the score is still there.
    let e02 = of(&all, "E02", "44261-6")[0];
    assert!(e02.get("effectiveDateTime").is_none());
    assert_eq!(e02["valueQuantity"]["value"], 6);
}

#[test]
fn an_unknown_item_9_is_an_observation_without_a_value_and_pcl5_uses_its_total_code() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "patient_id,date,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9\n\
               p_1,2026-04-01,1,1,1,1,1,1,1,1,\n";
    let file = write_file(dir.path(), "v.csv", csv);
    let all = observations(file.to_str().unwrap());
    assert_eq!(all.len(), 2);
    // `p_1` is no FHIR id (`_`): referenced by identifier, exactly as found.
    assert_eq!(
        all[0]["subject"],
        serde_json::json!({"type": "Patient", "identifier": {"value": "p_1"}})
    );
    assert_eq!(all[1]["code"]["coding"][0]["code"], "44260-8");
    assert!(all[1].get("valueInteger").is_none());
    assert_eq!(all[1]["dataAbsentReason"]["coding"][0]["code"], "unknown");
    assert_eq!(all[1]["interpretation"][0]["text"], "ITEM9_MISSING");

    let visits = observations("examples/visits.csv");
    let pcl5 = visits
        .iter()
        .find(|o| o["code"]["coding"][0]["code"] == "101698-9")
        .expect("a PCL-5 total in visits.csv");
    assert!(pcl5["valueQuantity"]["value"].is_u64());
}

#[test]
fn the_bundle_holds_the_same_observations_with_urn_uuid_full_urls_and_reruns_are_identical() {
    let ndjson = observations("examples/clinic-day.csv");
    let text = score("examples/clinic-day.csv", "fhir-bundle");
    assert_eq!(text, score("examples/clinic-day.csv", "fhir-bundle"));
    let bundle: Value = serde_json::from_slice(&text).unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    let entries = bundle["entry"].as_array().unwrap();
    assert_eq!(entries.len(), ndjson.len());
    for (entry, observation) in entries.iter().zip(&ndjson) {
        assert_eq!(&entry["resource"], observation);
        assert_eq!(
            entry["fullUrl"],
            format!("urn:uuid:{}", observation["id"].as_str().unwrap())
        );
    }
    // No row, no entry: a Bundle without `entry` (FHIR JSON has no empty arrays).
    let dir = tempfile::tempdir().unwrap();
    let empty = write_file(
        dir.path(),
        "e.csv",
        "patient_id,date,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7\n",
    );
    let text = score(empty.to_str().unwrap(), "fhir-bundle");
    assert_eq!(
        text,
        b"{\"resourceType\":\"Bundle\",\"type\":\"collection\"}\n"
    );
}

#[test]
fn commands_other_than_score_refuse_fhir_formats_naming_score() {
    for args in [
        &[
            "trend",
            "examples/visits.csv",
            "--dosing",
            "examples/dosing.csv",
            "--format",
            "fhir",
        ][..],
        &["instruments", "list", "--format", "fhir-bundle"],
        &["enter", "phq9", "--format", "fhir"],
    ] {
        let output = symscore().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty());
        assert!(
            stderr(&output)
                .contains("FHIR Observations are written by `symscore score --format fhir`"),
            "{}",
            stderr(&output)
        );
    }
}
