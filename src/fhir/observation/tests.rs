use jiff::civil::date;

use super::*;
use crate::Registry;
use crate::score::{Answer, score};

fn values(answers: &[Option<u8>]) -> Vec<Answer> {
    answers
        .iter()
        .map(|a| a.map_or(Answer::Missing, Answer::Value))
        .collect()
}

fn scored<'i>(
    registry: &'i Registry,
    id: &str,
    patient: Option<&str>,
    answers: &[Answer],
) -> ScoreRecord<'i> {
    ScoreRecord {
        patient_id: patient.map(str::to_owned),
        date: Some(date(2026, 3, 2)),
        report: score(registry.get(id).unwrap(), answers).unwrap(),
        line: Some(4),
    }
}

fn notes(observation: &Observation) -> Vec<&str> {
    observation.note.iter().map(|n| n.text.as_str()).collect()
}

#[test]
fn the_namespace_is_the_v5_uuid_of_its_documented_name() {
    assert_eq!(
        NAMESPACE,
        Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:symscore:fhir:observation")
    );
}

#[test]
fn an_endorsed_item_9_gets_its_own_observation_with_the_answer() {
    // clinic-day.csv P013: 3,2,2,3,1,2,1,1,1 = 16.
    let registry = Registry::builtin();
    let answers = values(&[3, 2, 2, 3, 1, 2, 1, 1, 1].map(Some));
    let record = scored(&registry, "phq9", Some("P013"), &answers);
    let written = observations(&record, &[]);
    assert_eq!(written.len(), 2);
    let total = &written[0];
    assert_eq!(total.code, CodeableConcept::coded(Coding::loinc("44261-6")));
    assert_eq!(total.value_quantity.as_ref().unwrap().value, 16);
    assert_eq!(total.value_quantity.as_ref().unwrap().code, "{score}");
    assert_eq!(
        total.interpretation,
        [CodeableConcept::text("moderately_severe")]
    );
    assert_eq!(total.effective_date_time.as_deref(), Some("2026-03-02"));
    assert_eq!(
        total.subject.as_ref().unwrap().reference.as_deref(),
        Some("Patient/P013")
    );
    assert!(total.data_absent_reason.is_none());
    let item9 = &written[1];
    assert_eq!(item9.code, CodeableConcept::coded(Coding::loinc("44260-8")));
    assert_eq!(item9.value_integer, Some(1));
    assert!(item9.value_quantity.is_none() && item9.data_absent_reason.is_none());
    assert_eq!(
        item9.interpretation,
        [CodeableConcept::text("ITEM9_POSITIVE")]
    );
    assert!(notes(item9)[0].starts_with("ITEM9_POSITIVE: PHQ-9 item 9"));
    assert_ne!(total.id, item9.id);
}

#[test]
fn item_9_answered_zero_gets_no_observation_and_blank_gets_one_without_a_value() {
    let registry = Registry::builtin();
    let zero = values(&[1, 1, 0, 1, 0, 0, 1, 0, 0].map(Some));
    let written = observations(&scored(&registry, "phq9", Some("P012"), &zero), &[]);
    assert_eq!(written.len(), 1);
    let mut blank = values(&[1, 1, 0, 1, 0, 0, 1, 0, 0].map(Some));
    blank[8] = Answer::Missing;
    let written = observations(&scored(&registry, "phq9", Some("P012"), &blank), &[]);
    assert_eq!(written.len(), 2);
    let item9 = &written[1];
    assert_eq!(item9.value_integer, None);
    assert_eq!(
        item9.data_absent_reason.as_ref().unwrap().coding[0].code,
        "unknown"
    );
    assert_eq!(
        item9.interpretation,
        [CodeableConcept::text("ITEM9_MISSING")]
    );
    blank[8] = Answer::Invalid;
    let written = observations(&scored(&registry, "phq9", Some("P012"), &blank), &[]);
    assert_eq!(
        written[1].data_absent_reason.as_ref().unwrap().coding[0].code,
        "error"
    );
}

#[test]
fn a_prorated_total_says_so_and_an_invalid_one_has_a_reason_and_no_value() {
    // clinic-day.csv P014: 1,2,,1,1,0,1,0,0 = 6 of 8 answered, 6 * 9 / 8 = 6.75 -> 7.
    let registry = Registry::builtin();
    let answers = values(&[
        Some(1),
        Some(2),
        None,
        Some(1),
        Some(1),
        Some(0),
        Some(1),
        Some(0),
        Some(0),
    ]);
    let total = &observations(&scored(&registry, "phq9", Some("P014"), &answers), &[])[0];
    assert_eq!(total.value_quantity.as_ref().unwrap().value, 7);
    assert_eq!(
        notes(total)[0],
        "Prorated total: 8 of 9 items answered, 1 missing; rounded from the unrounded 6.75."
    );
    assert_eq!(
        notes(total)[1],
        "symscore flags: PRORATED, ODS_INDETERMINATE"
    );

    let mut answers = values(&[Some(1); 9]);
    answers[2] = Answer::Invalid;
    let written = observations(&scored(&registry, "phq9", Some("E01"), &answers), &[]);
    // No total, but the endorsed item 9 is still there to alert on.
    assert_eq!(written[1].value_integer, Some(1));
    let total = &written[0];
    assert!(total.value_quantity.is_none());
    assert!(total.interpretation.is_empty());
    let reason = &total.data_absent_reason.as_ref().unwrap().coding[0];
    assert_eq!(
        reason.system.as_deref(),
        Some("http://terminology.hl7.org/CodeSystem/data-absent-reason")
    );
    assert_eq!(reason.code, "error");
    assert_eq!(
        notes(total),
        [
            "No valid total: 8 of 9 items answered, 0 missing, 1 unusable.",
            "symscore flags: ITEM9_POSITIVE, INVALID_VALUE"
        ]
    );

    let too_few = values(&[
        Some(1),
        None,
        None,
        None,
        Some(1),
        Some(1),
        Some(1),
        None,
        Some(0),
    ]);
    let total = &observations(&scored(&registry, "phq9", Some("E03"), &too_few), &[])[0];
    assert_eq!(
        total.data_absent_reason.as_ref().unwrap().coding[0].code,
        "unknown"
    );
    assert_eq!(
        notes(total)[0],
        "No valid total: 5 of 9 items answered, 4 missing, 0 unusable."
    );
}

#[test]
fn a_patient_id_that_is_no_fhir_id_is_a_logical_reference_kept_exactly() {
    let registry = Registry::builtin();
    let answers = values(&[Some(0); 7]);
    for id in ["p_001", "P 001", "Pé", &"x".repeat(65)] {
        let total = &observations(&scored(&registry, "gad7", Some(id), &answers), &[])[0];
        let subject = total.subject.as_ref().unwrap();
        assert_eq!(subject.reference, None, "{id}");
        assert_eq!(subject.kind.as_deref(), Some("Patient"));
        assert_eq!(subject.identifier.as_ref().unwrap().value, id);
    }
    let total = &observations(&scored(&registry, "gad7", None, &answers), &[])[0];
    assert!(total.subject.is_none());
    assert_eq!(total.code, CodeableConcept::coded(Coding::loinc("70274-6")));
}

#[test]
fn ids_are_stable_and_differ_by_row_and_by_carried_place() {
    let registry = Registry::builtin();
    let answers = values(&[Some(1); 9]);
    let record = scored(&registry, "phq9", Some("P1"), &answers);
    let first = observations(&record, &[("redcap_repeat_instance", "1")]);
    let again = observations(&record, &[("redcap_repeat_instance", "1")]);
    let other = observations(&record, &[("redcap_repeat_instance", "2")]);
    assert_eq!(first, again);
    assert!(Uuid::parse_str(&first[0].id).is_ok());
    assert_eq!(first[0].full_url(), format!("urn:uuid:{}", first[0].id));
    assert_ne!(first[0].id, other[0].id);
    assert_eq!(
        notes(&first[0]).last().copied(),
        Some("REDCap row: redcap_repeat_instance=1")
    );
    let mut later = record.clone();
    later.line = Some(5);
    assert_ne!(
        observations(&later, &[])[0].id,
        observations(&record, &[])[0].id
    );
}
