//! The FHIR R4 `Observation`s of a scored administration (`score --format fhir`): one per
//! total, and one per safety item that needs review, so that an EHR can alert on the item's
//! own LOINC code (PHQ-9 item 9, 44260-8) without reading symscore's flags.
//!
//! Every resource gets a stable id, a UUID v5 of the row it came from (patient, date,
//! instrument, line, carried REDCap columns) and of what it reports, so rerunning the same
//! input writes byte-identical output and a receiving system can update rather than
//! duplicate.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::datatypes::{
    Annotation, CodeableConcept, Coding, Identifier, Quantity, Reference, is_fhir_id,
};
use super::response::QUESTIONNAIRE_RESPONSE_COLUMN;
use crate::ScoreRecord;
use crate::score::{Answer, SafetyCheck, SafetyStatus, Severity, status_flag};

/// The code system of `category`.
pub const OBSERVATION_CATEGORY_SYSTEM: &str =
    "http://terminology.hl7.org/CodeSystem/observation-category";
/// The code system of `dataAbsentReason`.
pub const DATA_ABSENT_REASON_SYSTEM: &str =
    "http://terminology.hl7.org/CodeSystem/data-absent-reason";
/// UCUM, the unit system of `valueQuantity`.
pub const UCUM_SYSTEM: &str = "http://unitsofmeasure.org";
/// The UCUM annotation for a questionnaire score (dimensionless).
pub const SCORE_UNIT: &str = "{score}";

/// The UUID v5 namespace of symscore's Observation ids: the v5 UUID of the URL
/// `urn:symscore:fhir:observation` in the URL namespace (checked by a test). Fixed, so ids
/// stay the same from release to release.
const NAMESPACE: Uuid = Uuid::from_u128(0xdd87_9fe8_f92f_5832_9762_dffd_2910_4542);

/// A FHIR R4 `Observation`, with the elements symscore fills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "resourceType", rename_all = "camelCase")]
pub struct Observation {
    /// Stable logical id (see the module documentation).
    pub id: String,
    /// Always `final`: a score is not revised by symscore once written.
    pub status: String,
    /// Always the `survey` category.
    pub category: Vec<CodeableConcept>,
    /// The total's or the item's LOINC code; text only where the definition has none.
    pub code: CodeableConcept,
    /// The patient, when the row names one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub subject: Option<Reference>,
    /// The visit date, when the row has one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub effective_date_time: Option<String>,
    /// A total's value.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub value_quantity: Option<Quantity>,
    /// A safety item's answer.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub value_integer: Option<u8>,
    /// Why there is no value: an invalid total, or a safety item left blank or unusable.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub data_absent_reason: Option<CodeableConcept>,
    /// The severity band of a total; the raised flag of a safety item.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub interpretation: Vec<CodeableConcept>,
    /// Proration, flags, the safety notice, the REDCap place of the row.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub note: Vec<Annotation>,
    /// The `QuestionnaireResponse` scored, when the input was FHIR. CSV and REDCap rows
    /// have no resource to point to, so this stays empty for them: no reference is made up.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub derived_from: Vec<Reference>,
}

impl Observation {
    /// The Bundle `fullUrl` of this resource: `urn:uuid:` and its id (a UUID).
    pub fn full_url(&self) -> String {
        format!("urn:uuid:{}", self.id)
    }
}

/// One entry of a `collection` Bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleEntry<'a> {
    /// `urn:uuid:` and the resource's id.
    pub full_url: String,
    /// The resource.
    pub resource: &'a Observation,
}

impl<'a> BundleEntry<'a> {
    /// The entry of `resource`.
    pub fn of(resource: &'a Observation) -> Self {
        Self {
            full_url: resource.full_url(),
            resource,
        }
    }
}

/// The Observations of `record`: its total, then one per safety item that needs review
/// (endorsed or unknown). `carried` holds the row's carried REDCap columns (name, value):
/// they distinguish a repeated instrument's instances in the ids and are kept in a note;
/// a [`QUESTIONNAIRE_RESPONSE_COLUMN`] value (`QuestionnaireResponse/<id>`) is the
/// `derivedFrom` of every Observation instead.
pub fn observations(record: &ScoreRecord<'_>, carried: &[(&str, &str)]) -> Vec<Observation> {
    let row = Row::of(record, carried);
    let mut written = vec![total(record, &row)];
    written.extend(
        record
            .report
            .safety
            .iter()
            .filter_map(|check| safety_item(record, check, &row)),
    );
    written
}

/// What every Observation of a row shares.
struct Row {
    subject: Option<Reference>,
    effective: Option<String>,
    place: Option<Annotation>,
    /// The scored `QuestionnaireResponse`, when the input was one.
    derived_from: Vec<Reference>,
    /// The row's identity, from which ids are derived.
    key: String,
}

impl Row {
    fn of(record: &ScoreRecord<'_>, carried: &[(&str, &str)]) -> Self {
        let (responses, columns): (Vec<_>, Vec<_>) = carried
            .iter()
            .filter(|(_, value)| !value.is_empty())
            .partition(|(name, _)| *name == QUESTIONNAIRE_RESPONSE_COLUMN);
        let place = columns
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>();
        // JSON of a tuple: unambiguous whatever the patient id or a carried value holds.
        let key = serde_json::json!([
            record.patient_id,
            record.date.map(|d| d.to_string()),
            record.report.instrument.id,
            record.line,
            carried,
        ])
        .to_string();
        Row {
            subject: record.patient_id.as_deref().map(patient),
            effective: record.date.map(|d| d.to_string()),
            place: (!place.is_empty()).then(|| Annotation {
                text: format!("REDCap row: {}", place.join(", ")),
            }),
            derived_from: responses
                .iter()
                .map(|(_, value)| Reference {
                    reference: Some((*value).to_owned()),
                    kind: None,
                    identifier: None,
                })
                .collect(),
            key,
        }
    }

    /// A stable id for what `part` names in this row.
    fn id(&self, part: &str) -> String {
        Uuid::new_v5(&NAMESPACE, format!("{}#{part}", self.key).as_bytes()).to_string()
    }

    fn observation(&self, id: String, code: CodeableConcept) -> Observation {
        Observation {
            id,
            status: "final".to_owned(),
            category: vec![CodeableConcept::coded(Coding {
                system: Some(OBSERVATION_CATEGORY_SYSTEM.to_owned()),
                code: "survey".to_owned(),
                display: None,
            })],
            code,
            subject: self.subject.clone(),
            effective_date_time: self.effective.clone(),
            value_quantity: None,
            value_integer: None,
            data_absent_reason: None,
            interpretation: Vec::new(),
            note: Vec::new(),
            derived_from: self.derived_from.clone(),
        }
    }
}

/// The subject of a patient id. A valid FHIR id is a literal reference (`Patient/P001`).
/// Any other id (`P 001`, `p_001`, longer than 64) is a logical reference by identifier,
/// kept exactly as found: rewriting it could point at another patient's record, and
/// refusing the row would drop a score (and a safety item) from the output.
fn patient(id: &str) -> Reference {
    if is_fhir_id(id) {
        Reference {
            reference: Some(format!("Patient/{id}")),
            kind: None,
            identifier: None,
        }
    } else {
        Reference {
            reference: None,
            kind: Some("Patient".to_owned()),
            identifier: Some(Identifier {
                value: id.to_owned(),
            }),
        }
    }
}

fn code(loinc: Option<&str>, text: String) -> CodeableConcept {
    match loinc {
        Some(code) => CodeableConcept::coded(Coding::loinc(code)),
        None => CodeableConcept::text(text),
    }
}

fn absent(reason: &str) -> CodeableConcept {
    CodeableConcept::coded(Coding {
        system: Some(DATA_ABSENT_REASON_SYSTEM.to_owned()),
        code: reason.to_owned(),
        display: None,
    })
}

fn note(text: String) -> Annotation {
    Annotation { text }
}

/// The Observation of the total.
fn total(record: &ScoreRecord<'_>, row: &Row) -> Observation {
    let report = &record.report;
    let instrument = report.instrument;
    let mut observation = row.observation(
        row.id("total"),
        code(
            instrument.loinc.total.as_deref(),
            format!("{} total score", instrument.name),
        ),
    );
    if let Some(value) = report.total {
        observation.value_quantity = Some(Quantity {
            value,
            unit: SCORE_UNIT.to_owned(),
            system: UCUM_SYSTEM.to_owned(),
            code: SCORE_UNIT.to_owned(),
        });
    } else {
        // An unusable answer is an error in the source data, to be corrected there; too
        // many blanks leave a total that exists but is not known.
        observation.data_absent_reason =
            Some(absent(if report.has_flag(status_flag::INVALID_VALUE) {
                "error"
            } else {
                "unknown"
            }));
    }
    if let Severity::Band(band) = report.severity {
        observation
            .interpretation
            .push(CodeableConcept::text(band.id.clone()));
    }
    let items = instrument.items.len();
    if report.is_prorated() {
        let exact = report
            .total_exact
            .map(|exact| format!(" from the unrounded {exact}"))
            .unwrap_or_default();
        observation.note.push(note(format!(
            "Prorated total: {} of {items} items answered, {} missing; rounded{exact}.",
            report.answered, report.missing
        )));
    }
    if report.is_invalid() {
        observation.note.push(note(format!(
            "No valid total: {} of {items} items answered, {} missing, {} unusable.",
            report.answered, report.missing, report.invalid
        )));
    }
    if !report.flags.is_empty() {
        let names: Vec<&str> = report.flags.iter().map(|flag| flag.name).collect();
        observation
            .note
            .push(note(format!("symscore flags: {}", names.join(", "))));
    }
    observation.note.extend(row.place.clone());
    observation
}

/// The Observation of a safety item that needs review: its answer, or why there is none;
/// `None` for an item answered below its threshold (no Observation reads as "safe").
fn safety_item(
    record: &ScoreRecord<'_>,
    check: &SafetyCheck<'_>,
    row: &Row,
) -> Option<Observation> {
    let instrument = record.report.instrument;
    let number = check.item.item;
    let item = &instrument.items[number - 1];
    let mut observation = row.observation(
        row.id(&format!("item{number}")),
        code(
            item.loinc.as_deref(),
            format!("{} item {number}: {}", instrument.name, item.label),
        ),
    );
    let (flag, notice) = match check.status {
        SafetyStatus::NotEndorsed(_) => return None,
        SafetyStatus::Endorsed(value) => {
            observation.value_integer = Some(value);
            (&check.item.positive_flag, &check.item.positive_notice)
        }
        SafetyStatus::Unknown => {
            // Blank: asked or not, the answer is not known. Unusable: a data error.
            let answer = record.report.answers.get(number - 1);
            observation.data_absent_reason = Some(absent(if answer == Some(&Answer::Invalid) {
                "error"
            } else {
                "unknown"
            }));
            (&check.item.missing_flag, &check.item.missing_notice)
        }
    };
    observation
        .interpretation
        .push(CodeableConcept::text(flag.clone()));
    observation.note.push(note(format!("{flag}: {notice}")));
    observation.note.extend(row.place.clone());
    Some(observation)
}

#[cfg(test)]
mod tests;
