//! Issue 16: `score --input-format fhir` reads FHIR R4 `QuestionnaireResponse`s (one resource,
//! a Bundle, or NDJSON) and scores them; the expected values are worked out by hand:
//! PHQ-9 answers 1,2,0,3,1,0,0,2,1 total 10 (moderate, 10-14), item 9 = 1 is endorsed.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::fhir::validate;
use crate::support::{json_lines, stderr, symscore, write_file};

const ANSWERS: [u8; 9] = [1, 2, 0, 3, 1, 0, 0, 2, 1];
/// LOINC answer list LL358-3, by score.
const LA: [&str; 4] = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"];

/// A response to `link_ids` (in item order) with `ANSWERS` as `valueInteger`.
fn response(id: &str, status: &str, link_ids: &[String]) -> Value {
    let items: Vec<Value> = link_ids
        .iter()
        .zip(ANSWERS)
        .map(|(link_id, a)| json!({"linkId": link_id, "answer": [{"valueInteger": a}]}))
        .collect();
    json!({"resourceType": "QuestionnaireResponse", "id": id, "status": status,
        "subject": {"reference": "Patient/P001"}, "authored": "2026-03-01T09:30:00+01:00",
        "item": items})
}

fn own_link_ids() -> Vec<String> {
    (1..=9).map(|n| format!("phq9_{n}")).collect()
}

/// The link ids of `instruments export --fhir phq9`, scored items only.
fn exported_link_ids(dir: &Path) -> Vec<String> {
    let path = dir.join("phq9.json");
    symscore()
        .args(["instruments", "export", "--fhir", "phq9", "-o"])
        .arg(&path)
        .assert()
        .success();
    let questionnaire: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    questionnaire["item"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["linkId"].as_str().unwrap().to_owned())
        .filter(|id| id != "phq9_difficulty")
        .collect()
}

/// US Core shape: link ids `/<LOINC>` in a group, LOINC item codes, LA answer codes.
fn us_core_response(dir: &Path) -> Value {
    let questionnaire: Value =
        serde_json::from_slice(&std::fs::read(dir.join("phq9.json")).unwrap()).unwrap();
    let items: Vec<Value> = questionnaire["item"]
        .as_array()
        .unwrap()
        .iter()
        .take(9)
        .zip(ANSWERS)
        .map(|(item, a)| {
            let code = item["code"][0]["code"].as_str().unwrap();
            json!({"linkId": format!("/{code}"), "code": [{"system": "http://loinc.org", "code": code}],
                "answer": [{"valueCoding": {"system": "http://loinc.org", "code": LA[usize::from(a)]}}]})
        })
        .collect();
    json!({"resourceType": "QuestionnaireResponse", "id": "uscore-1", "status": "completed",
        "subject": {"reference": "Patient/P002"}, "authored": "2026-03-02",
        "item": [{"linkId": "/44249-1", "item": items}]})
}

fn run(file: &Path, format: &str) -> std::process::Output {
    symscore()
        .args(["score", "--input-format", "fhir", "--format", format])
        .arg(file)
        .output()
        .unwrap()
}

fn written(dir: &Path, name: &str, value: &Value) -> PathBuf {
    write_file(dir, name, &serde_json::to_string_pretty(value).unwrap())
}

fn assert_phq9_ten(record: &Value, patient: &str) {
    assert_eq!(record["patient_id"], patient);
    assert_eq!(record["instrument"], "phq9");
    assert_eq!(record["total"], 10);
    assert_eq!(record["severity"], "moderate");
    let flags = record["flags"].as_array().unwrap();
    assert!(flags.contains(&json!("ITEM9_POSITIVE")), "{flags:?}");
}

#[test]
fn a_response_to_the_exported_questionnaire_scores_ten() {
    let dir = tempfile::tempdir().unwrap();
    let link_ids = exported_link_ids(dir.path());
    assert_eq!(link_ids, own_link_ids());
    let file = written(
        dir.path(),
        "r.json",
        &response("r1", "completed", &link_ids),
    );
    let output = run(&file, "jsonl");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let records = json_lines(&output.stdout);
    assert_eq!(records.len(), 1);
    assert_phq9_ten(&records[0], "P001");
    assert_eq!(records[0]["date"], "2026-03-01");
    assert_eq!(
        records[0]["questionnaire_response"],
        "QuestionnaireResponse/r1"
    );
}

#[test]
fn a_us_core_response_with_loinc_answer_codes_scores_ten() {
    let dir = tempfile::tempdir().unwrap();
    exported_link_ids(dir.path());
    let file = written(dir.path(), "r.json", &us_core_response(dir.path()));
    let output = run(&file, "jsonl");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_phq9_ten(&json_lines(&output.stdout)[0], "P002");
}

#[test]
fn ndjson_accounts_for_every_resource() {
    let dir = tempfile::tempdir().unwrap();
    let ids = own_link_ids();
    let text: String = [
        response("a", "completed", &ids),
        response("b", "entered-in-error", &ids),
        response("c", "in-progress", &ids),
        response("d", "amended", &ids),
    ]
    .iter()
    .fold(String::new(), |text, r| text + &r.to_string() + "\n");
    let file = write_file(dir.path(), "r.ndjson", &text);
    let output = run(&file, "jsonl");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let records = json_lines(&output.stdout);
    let ids: Vec<&str> = records
        .iter()
        .map(|r| r["questionnaire_response"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "QuestionnaireResponse/a",
            "QuestionnaireResponse/c",
            "QuestionnaireResponse/d"
        ]
    );
    assert!(
        records[1]["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("RESPONSE_IN_PROGRESS"))
    );
    assert_eq!(records[1]["line"], 3);
    assert!(stderr(&output).contains(&format!(
        "symscore: {}: 4 resources: 3 scored, 0 prorated, 0 invalid, 0 not administered, 1 entered-in-error (skipped); 3 records; 1 response in progress (scored, flagged RESPONSE_IN_PROGRESS)",
        file.display()
    )), "{}", stderr(&output));
}

#[test]
fn bad_resources_are_named_by_place_and_the_rest_scored() {
    let dir = tempfile::tempdir().unwrap();
    let ids = own_link_ids();
    let mut off_scale = response("off", "completed", &ids);
    off_scale["item"][8]["answer"][0] = json!({"valueInteger": 4});
    let mut unknown_code = response("unk", "completed", &ids);
    unknown_code["item"][0]["answer"][0] =
        json!({"valueCoding": {"system": "http://loinc.org", "code": "LA0000-0"}});
    let mut no_subject = response("nosub", "completed", &ids);
    no_subject.as_object_mut().unwrap().remove("subject");
    let bundle = json!({"resourceType": "Bundle", "type": "searchset", "entry": [
        {"resource": response("ok", "completed", &ids)},
        {"resource": {"resourceType": "Patient", "id": "P001"}},
        {"resource": {"resourceType": "Bundle", "type": "collection", "entry": []}},
        {"resource": off_scale},
        {"resource": unknown_code},
        {"resource": no_subject},
    ]});
    let file = written(dir.path(), "b.json", &bundle);
    let output = run(&file, "jsonl");
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    let f = file.display();
    for expected in [
        format!("{f}: entry[1]: expected a QuestionnaireResponse, found 'Patient'"),
        format!(
            "{f}: entry[2]: expected a QuestionnaireResponse, found a Bundle inside the Bundle"
        ),
        format!(
            "{f}: entry[3] (QuestionnaireResponse/off): item[8].answer[0]: expected an answer from 0 to 3, found valueInteger 4"
        ),
        format!(
            "{f}: entry[4] (QuestionnaireResponse/unk): item[0].answer[0]: expected an answer code with an ordinalValue, a LOINC answer of list LL358-3 or a number from 0 to 3, found code 'LA0000-0'"
        ),
        format!(
            "{f}: entry[5] (QuestionnaireResponse/nosub): subject: expected a reference `Patient/<id>`, found no subject; scored without a patient"
        ),
        format!(
            "{f}: 6 resources: 1 scored, 0 prorated, 5 invalid, 0 not administered, 0 entered-in-error (skipped); 4 records"
        ),
    ] {
        assert!(err.contains(&expected), "missing {expected}\nin\n{err}");
    }
    let records = json_lines(&output.stdout);
    assert_eq!(records.len(), 4);
    // An unreadable item 9 is still a safety flag: never read as "no".
    let off = records
        .iter()
        .find(|r| r["questionnaire_response"] == "QuestionnaireResponse/off")
        .unwrap();
    assert!(
        off["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f.as_str().unwrap().starts_with("ITEM9_")),
        "{off}"
    );
}

#[test]
fn fhir_output_of_responses_validates_and_names_each_response() {
    let dir = tempfile::tempdir().unwrap();
    let file = written(
        dir.path(),
        "r.json",
        &response("r1", "completed", &own_link_ids()),
    );
    let output = run(&file, "fhir");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let observations = json_lines(&output.stdout);
    assert_eq!(observations.len(), 2, "the total and item 9");
    for observation in &observations {
        assert_eq!(
            observation["derivedFrom"],
            json!([{"reference": "QuestionnaireResponse/r1"}])
        );
    }
    assert_eq!(observations[0]["valueQuantity"]["value"], 10);
    let ndjson = write_file(dir.path(), "o.ndjson", &output.stdout);
    if let Some(checked) = validate(&[&ndjson]) {
        assert!(
            checked.status.success(),
            "{}",
            String::from_utf8_lossy(&checked.stderr)
        );
    }
}

#[test]
fn fhir_input_refuses_csv_options() {
    for (command, option, value) in [
        ("score", "--patient-column", "id"),
        ("score", "--delimiter", ";"),
        ("trend", "--na", "7"),
        ("trend", "--date-column", "when"),
    ] {
        let dosing: &[&str] = if command == "trend" {
            &["--dosing-date", "2026-03-01"]
        } else {
            &[]
        };
        let output = symscore()
            .args([command, "--input-format", "fhir", option, value])
            .args(dosing)
            .arg("examples/fhir/course.ndjson")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{command} {option}");
        assert!(
            stderr(&output).contains(&format!("'{option} ")),
            "{command} {option}: {}",
            stderr(&output)
        );
    }
    // `score` has no dosing: its own refusal of --date-format, which only CSV dates need.
    let output = symscore()
        .args([
            "score",
            "--input-format",
            "fhir",
            "--date-format",
            "%d/%m/%Y",
        ])
        .arg("examples/fhir/responses.ndjson")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--date-format reads the dates of a CSV"));
}

#[test]
fn a_csv_given_as_fhir_is_refused_with_its_place() {
    let output = symscore()
        .args(["score", "--input-format", "fhir", "examples/visits.csv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("examples/visits.csv:1: expected a FHIR JSON resource, a Bundle or NDJSON, found invalid JSON"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_empty_bundle_is_nothing_to_score() {
    let dir = tempfile::tempdir().unwrap();
    let file = written(
        dir.path(),
        "b.json",
        &json!({"resourceType": "Bundle", "type": "searchset", "total": 0}),
    );
    let output = run(&file, "csv");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output)
            .contains("expected QuestionnaireResponse resources, found none (an empty Bundle?)"),
        "{}",
        stderr(&output)
    );
}
