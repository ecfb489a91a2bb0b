//! Reading HL7 FHIR R4 `QuestionnaireResponse` resources to score them.
//!
//! Only the elements symscore reads are modelled; unknown elements are ignored, as FHIR
//! allows. [`ResponseReader`] tells a single resource, a Bundle and NDJSON apart by content,
//! and yields one [`RowOutcome`](crate::batch::RowOutcome) per resource, as the CSV reader
//! yields one per row, so every output format works unchanged.

mod mapping;
mod reader;
#[cfg(test)]
mod tests;
mod text;
mod walk;

use serde::Deserialize;

pub use mapping::{LA_ANSWER_CODES, RESPONSE_IN_PROGRESS};

/// The column every score from a `QuestionnaireResponse` carries to the output: the
/// resource it was scored from (`QuestionnaireResponse/<id>`), blank when it has no valid id.
/// FHIR output turns it into each Observation's `derivedFrom`.
pub const QUESTIONNAIRE_RESPONSE_COLUMN: &str = "questionnaire_response";
pub use reader::{
    MAX_DOCUMENT_BYTES, MAX_LINE_BYTES, ResponseError, ResponseReader, ResponseSummary,
};

/// A `QuestionnaireResponse`, as far as symscore reads it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionnaireResponse {
    /// `QuestionnaireResponse`; checked, since any resource deserializes into this type.
    pub resource_type: Option<String>,
    /// The logical id, used for `derivedFrom` and in messages.
    pub id: Option<String>,
    /// `completed`, `amended`, `in-progress`, `entered-in-error`, `stopped`.
    pub status: Option<String>,
    /// The patient (`Patient/123`).
    pub subject: Option<SubjectReference>,
    /// When the answers were given (a FHIR dateTime).
    pub authored: Option<String>,
    /// The answered items.
    #[serde(default)]
    pub item: Vec<ResponseItem>,
}

/// A reference, as far as symscore reads it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SubjectReference {
    /// A literal reference (`Patient/123`).
    pub reference: Option<String>,
}

/// One item of a response: a question with its answers, or a group of items.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseItem {
    /// The Questionnaire's item id (`phq9_1`, `/44250-9`).
    pub link_id: Option<String>,
    /// Codes of the question (US Core puts the LOINC item code here).
    #[serde(default)]
    pub code: Vec<ResponseCoding>,
    /// The answers given.
    #[serde(default)]
    pub answer: Vec<ResponseAnswer>,
    /// Items of a group.
    #[serde(default)]
    pub item: Vec<ResponseItem>,
}

/// One answer of an item.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseAnswer {
    /// A coded answer (a LOINC LA code, or symscore's own ordinal codes).
    pub value_coding: Option<ResponseCoding>,
    /// An integer answer.
    pub value_integer: Option<i64>,
    /// A decimal answer.
    pub value_decimal: Option<f64>,
    /// A text answer.
    pub value_string: Option<String>,
    /// Items nested under the answer.
    #[serde(default)]
    pub item: Vec<ResponseItem>,
}

/// A Coding, with the extensions symscore reads (the ordinal value).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResponseCoding {
    /// The code system (`http://loinc.org`).
    pub system: Option<String>,
    /// The code.
    pub code: Option<String>,
    /// The display text.
    pub display: Option<String>,
    /// Extensions; `ordinalValue` gives the answer's score.
    #[serde(default)]
    pub extension: Vec<ResponseExtension>,
}

/// An extension with a decimal value (the `ordinalValue` extension).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseExtension {
    /// The extension's URL.
    pub url: Option<String>,
    /// Its value, when a decimal.
    pub value_decimal: Option<f64>,
}
