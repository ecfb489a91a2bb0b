//! FHIR data types shared by the resources: `Coding` and `Extension`.

use serde::{Deserialize, Serialize};

/// The code system URI of LOINC.
pub const LOINC_SYSTEM: &str = "http://loinc.org";

/// The core extension holding the score of an answer (FHIR R4 `ordinalValue`, on a
/// `Coding` or a `Questionnaire.item.answerOption`).
pub const ORDINAL_VALUE_URL: &str = "http://hl7.org/fhir/StructureDefinition/ordinalValue";

/// A code from a code system (FHIR `Coding`). A code without a system is allowed by FHIR
/// and is what symscore writes for an answer value that has no LOINC answer code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coding {
    /// The code system URI.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub system: Option<String>,
    /// The code.
    pub code: String,
    /// Its display text.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub display: Option<String>,
}

impl Coding {
    /// A LOINC code, without a display: symscore's labels are paraphrases, not LOINC's
    /// names, and a wrong display is worse than none.
    pub fn loinc(code: &str) -> Self {
        Self {
            system: Some(LOINC_SYSTEM.to_owned()),
            code: code.to_owned(),
            display: None,
        }
    }
}

/// An extension holding a decimal (FHIR `Extension` with `valueDecimal`), the only kind
/// symscore writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Extension {
    /// What the extension means.
    pub url: String,
    /// Its value. Scores are whole numbers, so an integer is written (a JSON number, which
    /// is what FHIR's `decimal` is in JSON).
    pub value_decimal: u32,
}

impl Extension {
    /// The `ordinalValue` extension carrying an answer's score.
    pub fn ordinal_value(score: u32) -> Self {
        Self {
            url: ORDINAL_VALUE_URL.to_owned(),
            value_decimal: score,
        }
    }
}

/// A concept as codes and/or text (FHIR `CodeableConcept`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeableConcept {
    /// Codes for the concept.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub coding: Vec<Coding>,
    /// Plain text, for a concept without a code or to say it in words.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub text: Option<String>,
}

impl CodeableConcept {
    /// One coding, no text.
    pub fn coded(coding: Coding) -> Self {
        Self {
            coding: vec![coding],
            text: None,
        }
    }

    /// Text only.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            coding: Vec::new(),
            text: Some(text.into()),
        }
    }
}

/// A business identifier (FHIR `Identifier`): only its value, since symscore knows no
/// identifier system of the clinic's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identifier {
    /// The identifier as found in the input.
    pub value: String,
}

/// A reference to another resource (FHIR `Reference`): literal (`Patient/P001`) or, for an
/// id that is not a valid FHIR id, logical (by `identifier`, with `type`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// `Type/id`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reference: Option<String>,
    /// The type of a logical reference.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none", default)]
    pub kind: Option<String>,
    /// The identifier of a logical reference.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub identifier: Option<Identifier>,
}

/// A measured amount (FHIR `Quantity`) with a UCUM unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quantity {
    /// The amount. Totals are whole numbers (the rounded total; a prorated total's exact
    /// value is in a note).
    pub value: u32,
    /// Human-readable unit.
    pub unit: String,
    /// The unit's code system (UCUM).
    pub system: String,
    /// The UCUM code.
    pub code: String,
}

/// A text note (FHIR `Annotation`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    /// The note.
    pub text: String,
}

/// Whether `id` is a valid FHIR id: 1 to 64 of `A-Z a-z 0-9 - .`.
pub fn is_fhir_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}
