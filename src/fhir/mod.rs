//! HL7 FHIR R4 resources that symscore writes, as hand-written serde types.
//!
//! Only the elements symscore fills are modelled. No Rust FHIR crate is mature for R4
//! (fhirbolt has had no release since 2023; fhir-sdk does not cover R4), and the few
//! resources symscore needs are small. What is written is checked in the tests by an
//! independent implementation (the Python package `fhir.resources`, `tests/fhir/`).

mod datatypes;
mod observation;
mod questionnaire;
pub mod response;

pub use datatypes::{
    Annotation, CodeableConcept, Coding, Extension, Identifier, LOINC_SYSTEM, ORDINAL_VALUE_URL,
    Quantity, Reference, is_fhir_id,
};
pub use observation::{
    BundleEntry, DATA_ABSENT_REASON_SYSTEM, OBSERVATION_CATEGORY_SYSTEM, Observation, SCORE_UNIT,
    UCUM_SYSTEM, observations,
};
pub use questionnaire::{
    AnswerOption, Questionnaire, QuestionnaireItem, extra_link_id, item_link_id, questionnaire,
};
