//! Reading HL7 FHIR R4 `QuestionnaireResponse` resources to score them.
//!
//! Only the elements symscore reads are modelled; unknown elements are ignored, as FHIR
//! allows. [`ResponseReader`] tells a single resource, a Bundle and NDJSON apart by content,
//! and yields one [`RowOutcome`](crate::batch::RowOutcome) per resource, as the CSV reader
//! yields one per row, so every output format works unchanged.

mod mapping;
mod reader;
mod select;
#[cfg(test)]
mod tests;
mod text;
mod walk;

use std::borrow::Cow;

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
pub struct QuestionnaireResponse<'a> {
    /// `QuestionnaireResponse`; checked, since any resource deserializes into this type.
    #[serde(borrow)]
    pub resource_type: Option<Cow<'a, str>>,
    /// The logical id, used for `derivedFrom` and in messages.
    #[serde(borrow)]
    pub id: Option<Cow<'a, str>>,
    /// `completed`, `amended`, `in-progress`, `entered-in-error`, `stopped`.
    #[serde(borrow)]
    pub status: Option<Cow<'a, str>>,
    /// The patient (`Patient/123`).
    #[serde(borrow)]
    pub subject: Option<SubjectReference<'a>>,
    /// When the answers were given (a FHIR dateTime).
    #[serde(borrow)]
    pub authored: Option<Cow<'a, str>>,
    /// The answered items.
    #[serde(default, borrow)]
    pub item: Vec<ResponseItem<'a>>,
}

/// A reference, as far as symscore reads it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SubjectReference<'a> {
    /// A literal reference (`Patient/123`).
    #[serde(borrow)]
    pub reference: Option<Cow<'a, str>>,
}

/// One item of a response: a question with its answers, or a group of items.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseItem<'a> {
    /// The Questionnaire's item id (`phq9_1`, `/44250-9`).
    #[serde(borrow)]
    pub link_id: Option<Cow<'a, str>>,
    /// Codes of the question (US Core puts the LOINC item code here).
    #[serde(default, borrow)]
    pub code: Vec<ResponseCoding<'a>>,
    /// The answers given.
    #[serde(default, borrow)]
    pub answer: Vec<ResponseAnswer<'a>>,
    /// Items of a group.
    #[serde(default, borrow)]
    pub item: Vec<ResponseItem<'a>>,
}

/// One answer of an item.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseAnswer<'a> {
    /// A coded answer (a LOINC LA code, or symscore's own ordinal codes).
    #[serde(borrow)]
    pub value_coding: Option<ResponseCoding<'a>>,
    /// An integer answer.
    pub value_integer: Option<i64>,
    /// A decimal answer.
    pub value_decimal: Option<f64>,
    /// A text answer.
    #[serde(borrow)]
    pub value_string: Option<Cow<'a, str>>,
    /// Items nested under the answer.
    #[serde(default, borrow)]
    pub item: Vec<ResponseItem<'a>>,
}

/// A Coding, with the extensions symscore reads (the ordinal value).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResponseCoding<'a> {
    /// The code system (`http://loinc.org`).
    #[serde(borrow)]
    pub system: Option<Cow<'a, str>>,
    /// The code.
    #[serde(borrow)]
    pub code: Option<Cow<'a, str>>,
    /// The display text.
    #[serde(borrow)]
    pub display: Option<Cow<'a, str>>,
    /// Extensions; `ordinalValue` gives the answer's score.
    #[serde(default, borrow)]
    pub extension: Vec<ResponseExtension<'a>>,
}

/// An extension with a decimal value (the `ordinalValue` extension).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseExtension<'a> {
    /// The extension's URL.
    #[serde(borrow)]
    pub url: Option<Cow<'a, str>>,
    /// Its value, when a decimal.
    pub value_decimal: Option<f64>,
}
