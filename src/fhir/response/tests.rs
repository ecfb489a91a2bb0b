use std::io::Cursor;

use super::*;
use crate::batch::{RowOutcome, RowStatus};
use crate::registry::Registry;

const ANSWERS: [u8; 9] = [1, 2, 0, 3, 1, 0, 0, 2, 1];
const LA: [&str; 4] = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"];
const PHQ9_LOINC: [&str; 9] = [
    "44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3",
    "44260-8",
];

fn symscore_response(id: &str, status: &str) -> serde_json::Value {
    let items: Vec<_> = ANSWERS
        .iter()
        .enumerate()
        .map(|(i, a)| serde_json::json!({"linkId": format!("phq9_{}", i + 1), "answer": [{"valueInteger": a}]}))
        .collect();
    serde_json::json!({"resourceType": "QuestionnaireResponse", "id": id, "status": status,
        "subject": {"reference": "Patient/P001"}, "authored": "2026-03-01T10:00:00Z", "item": items})
}

fn us_core_response() -> serde_json::Value {
    let items: Vec<_> = ANSWERS
        .iter()
        .zip(PHQ9_LOINC)
        .map(|(a, code)| serde_json::json!({"linkId": format!("/{code}"),
            "code": [{"system": "http://loinc.org", "code": code}],
            "answer": [{"valueCoding": {"system": "http://loinc.org", "code": LA[usize::from(*a)]}}]}))
        .collect();
    serde_json::json!({"resourceType": "QuestionnaireResponse", "id": "us1", "status": "completed",
        "subject": {"reference": "Patient/P002"}, "authored": "2026-03-02",
        "item": [{"linkId": "/44249-1", "item": items}]})
}

fn read_all(text: &str) -> (Vec<RowOutcome<'static>>, ResponseSummary) {
    let registry: &'static Registry = Box::leak(Box::new(Registry::builtin()));
    let mut reader =
        ResponseReader::new(registry, Cursor::new(text.to_owned()), "in.json").unwrap();
    let mut rows = Vec::new();
    let mut row = RowOutcome::default();
    while reader.read_row(&mut row).unwrap() {
        rows.push(row.clone());
    }
    (rows, reader.summary())
}

fn assert_phq9_ten(row: &RowOutcome<'_>, patient: &str) {
    assert_eq!(row.records.len(), 1, "{:?}", row.diagnostics);
    let report = &row.records[0].report;
    assert_eq!(report.instrument.id, "phq9");
    assert_eq!(report.total, Some(10));
    assert_eq!(report.severity.id(), "moderate");
    assert!(report.flags.iter().any(|f| f.name == "ITEM9_POSITIVE"));
    assert_eq!(row.records[0].patient_id.as_deref(), Some(patient));
}

#[test]
fn symscore_link_ids_with_integer_answers_score_ten() {
    let (rows, summary) =
        read_all(&serde_json::to_string_pretty(&symscore_response("r1", "completed")).unwrap());
    assert_phq9_ten(&rows[0], "P001");
    assert_eq!(rows[0].records[0].date.unwrap().to_string(), "2026-03-01");
    assert_eq!(summary.batch.scored, 1);
}

#[test]
fn us_core_loinc_codes_and_la_answers_score_ten() {
    let (rows, _) = read_all(&serde_json::to_string(&us_core_response()).unwrap());
    assert!(rows[0].diagnostics.is_empty(), "{:?}", rows[0].diagnostics);
    assert_phq9_ten(&rows[0], "P002");
}

#[test]
fn ndjson_counts_every_resource_and_flags_in_progress() {
    let lines = [
        symscore_response("a", "completed"),
        symscore_response("b", "entered-in-error"),
        symscore_response("c", "in-progress"),
        us_core_response(),
    ];
    let text: String = lines
        .iter()
        .fold(String::new(), |text, l| text + &l.to_string() + "\n");
    let (rows, summary) = read_all(&text);
    assert_eq!(rows.len(), 4);
    assert_eq!(summary.batch.rows, 4);
    assert_eq!(summary.entered_in_error, 1);
    assert_eq!(summary.in_progress, 1);
    assert_eq!(summary.batch.records, 3);
    assert!(rows[1].records.is_empty());
    assert!(
        rows[2].records[0]
            .report
            .flags
            .iter()
            .any(|f| f.name == RESPONSE_IN_PROGRESS)
    );
    assert_eq!(rows[3].line, 4);
    assert_eq!(summary.batch.not_administered, 0);
    assert_eq!(rows[0].carried, ["QuestionnaireResponse/a"]);
}

#[test]
fn bundle_entries_are_read_and_bad_ones_named() {
    let bundle = serde_json::json!({"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": symscore_response("a", "completed")},
        {"resource": {"resourceType": "Patient", "id": "x"}},
        {"resource": {"resourceType": "Bundle", "type": "collection"}},
    ]});
    let (rows, summary) = read_all(&serde_json::to_string_pretty(&bundle).unwrap());
    let (compact, _) = read_all(&serde_json::to_string(&bundle).unwrap());
    assert_eq!(compact.len(), 3);
    assert_phq9_ten(&compact[0], "P001");
    assert_phq9_ten(&rows[0], "P001");
    assert_eq!(summary.batch.invalid, 2);
    assert_eq!(
        rows[1].diagnostics[0].kind,
        crate::batch::DiagnosticKind::Resource
    );
    assert_eq!(
        rows[1].diagnostics[0].to_string(),
        "in.json: entry[1]: expected a QuestionnaireResponse, found 'Patient'"
    );
    assert_eq!(
        rows[2].diagnostics[0].to_string(),
        "in.json: entry[2]: expected a QuestionnaireResponse, found a Bundle inside the Bundle"
    );
}

#[test]
fn off_scale_and_unknown_codes_are_named_by_path() {
    let mut response = symscore_response("r1", "completed");
    response["item"][8]["answer"][0] = serde_json::json!({"valueInteger": 4});
    response["item"][2]["answer"][0] = serde_json::json!({"valueCoding": {"code": "LA9999-9"}});
    let (rows, summary) = read_all(&format!("{response}\n"));
    let messages: Vec<String> = rows[0]
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        messages[0],
        "in.json:1: resource (QuestionnaireResponse/r1): item[2].answer[0]: expected an answer code with an ordinalValue, a LOINC answer of list LL358-3 or a number from 0 to 3, found code 'LA9999-9'"
    );
    assert_eq!(
        messages[1],
        "in.json:1: resource (QuestionnaireResponse/r1): item[8].answer[0]: expected an answer from 0 to 3, found valueInteger 4"
    );
    assert_eq!(summary.batch.invalid, 1);
    // The unknown item-9 answer is still a safety flag.
    assert!(
        rows[0].records[0]
            .report
            .flags
            .iter()
            .any(|f| f.name.starts_with("ITEM9"))
    );
}

#[test]
fn missing_subject_is_reported_and_still_scored() {
    let mut response = symscore_response("r1", "completed");
    response.as_object_mut().unwrap().remove("subject");
    let (rows, summary) = read_all(&format!("{response}\n"));
    assert!(
        rows[0].diagnostics[0]
            .to_string()
            .contains("subject: expected a reference `Patient/<id>`, found no subject")
    );
    assert_eq!(rows[0].records[0].patient_id, None);
    assert_eq!(summary.batch.invalid, 1);
}

#[test]
fn items_of_no_instrument_are_reported() {
    let response = serde_json::json!({"resourceType": "QuestionnaireResponse", "status": "completed",
        "subject": {"reference": "Patient/1"}, "item": [{"linkId": "q1", "answer": [{"valueInteger": 1}]}]});
    let (rows, _) = read_all(&format!("{response}\n"));
    assert!(
        rows[0].diagnostics[0]
            .to_string()
            .contains("found 1 item(s) that map to none")
    );
    assert_eq!(rows[0].status, RowStatus::Invalid);
}

#[test]
fn a_question_answered_twice_is_reported_and_unusable() {
    let mut response = symscore_response("r1", "completed");
    let first = response["item"][0].clone();
    response["item"].as_array_mut().unwrap().push(first);
    let (rows, summary) = read_all(&format!("{response}\n"));
    assert_eq!(
        rows[0].diagnostics[0].to_string(),
        "in.json:1: resource (QuestionnaireResponse/r1): item[9]: expected each question once, found it again after item[0]"
    );
    assert_eq!(rows[0].records[0].report.answers[0], crate::Answer::Invalid);
    assert_eq!(summary.batch.invalid, 1);
}

/// The paths in messages are written out from the steps walked, nested groups and items
/// under answers included, and escaped strings in a line still match their items.
#[test]
fn nested_repeats_are_named_by_full_path_and_escaped_keys_still_match() {
    let line = r#"{"resourceType":"QuestionnaireResponse","id":"r\u0032","status":"completed","subject":{"reference":"Patient\/P1"},"item":[{"linkId":"g","item":[{"linkId":"phq9_\u0031","answer":[{"valueInteger":1,"item":[{"linkId":"phq9_1","answer":[{"valueInteger":2}]}]}]}]}]}"#;
    let (rows, _) = read_all(&format!("{line}\n{line}\n"));
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert_eq!(
            row.diagnostics[0].to_string(),
            format!(
                "in.json:{}: resource (QuestionnaireResponse/r2): item[0].item[0].answer[0].item[0]: expected each question once, found it again after item[0].item[0]",
                row.line
            )
        );
        assert_eq!(row.records[0].patient_id.as_deref(), Some("P1"));
    }
}
