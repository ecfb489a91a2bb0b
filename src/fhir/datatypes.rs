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
