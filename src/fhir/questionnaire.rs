//! The FHIR R4 `Questionnaire` of an instrument definition
//! (`symscore instruments export --fhir ID`).
//!
//! Link ids are symscore's CSV column names (`phq9_1`, `phq9_difficulty`): every item has
//! one whether or not the definition gives it a LOINC code, they are unique within the
//! form, they do not change when a clinic corrects a code, and a form filled from this
//! Questionnaire names its answers as symscore's CSV does. The LOINC code, where known, is
//! in the item's `code`; an importer maps by LOINC first, then by link id.

use serde::{Deserialize, Serialize};

use super::datatypes::{Coding, Extension};
use crate::instrument::{ExtraItem, Instrument, Scale};

/// A FHIR R4 `Questionnaire`, with the elements symscore fills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "resourceType", rename_all = "camelCase")]
pub struct Questionnaire {
    /// Logical id: the instrument id with `_` as `-` (a FHIR id allows neither `_` nor
    /// more than 64 characters; instrument ids are at most 32).
    pub id: String,
    /// The definition's version.
    pub version: String,
    /// Computable name: the instrument id in capitals (`PHQ9`).
    pub name: String,
    /// The instrument's display name.
    pub title: String,
    /// Always `active`: a built-in or installed definition is in use.
    pub status: String,
    /// The LOINC panel code, when the definition has one.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub code: Vec<Coding>,
    /// The citation of the instrument (markdown in FHIR; plain text here).
    pub description: String,
    /// The licence and copyright note of the definition.
    pub copyright: String,
    /// Scored items, in order, then the unscored ones.
    pub item: Vec<QuestionnaireItem>,
}

/// One question (`Questionnaire.item`), always of type `choice`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuestionnaireItem {
    /// Unique within the questionnaire (see the module documentation).
    pub link_id: String,
    /// The item's LOINC code, when the definition has one.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub code: Vec<Coding>,
    /// The item number for scored items (`1`); none for unscored ones.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub prefix: Option<String>,
    /// The verbatim wording when the definition supplies it, else its paraphrase.
    pub text: String,
    /// Always `choice`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `true` for scored items: the form is meant to be answered in full (symscore still
    /// scores a form with blanks under its missing-item rule). Absent (optional) for the
    /// unscored ones.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub required: Option<bool>,
    /// One option per value of the answer scale.
    pub answer_option: Vec<AnswerOption>,
}

/// One allowed answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnswerOption {
    /// Only on scored items: the answer's contribution to the total (reverse scoring
    /// applied). Its absence marks an unscored item's answers.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub extension: Vec<Extension>,
    /// The answer value as a system-less code (`"2"`), with its anchor label when the
    /// definition gives one. The definitions hold no LOINC answer codes (docs/clinical-rules.md
    /// §8.2), so none is written.
    pub value_coding: Coding,
}

/// The link id of scored item `number` (1-based).
pub fn item_link_id(instrument: &Instrument, number: usize) -> String {
    instrument.item_column(number)
}

/// The link id of an unscored item.
pub fn extra_link_id(instrument: &Instrument, extra: &ExtraItem) -> String {
    instrument.extra_column(extra)
}

/// The Questionnaire of an instrument definition.
pub fn questionnaire(instrument: &Instrument) -> Questionnaire {
    let scored = instrument.items.iter().enumerate().map(|(index, item)| {
        let answer_option = answer_options(&instrument.scale, |value| {
            vec![Extension::ordinal_value(
                instrument.item_contribution(index, value),
            )]
        });
        QuestionnaireItem {
            link_id: item_link_id(instrument, item.number),
            code: loinc(item.loinc.as_deref()),
            prefix: Some(item.number.to_string()),
            text: item.text.clone().unwrap_or_else(|| item.label.clone()),
            kind: "choice".to_owned(),
            required: Some(true),
            answer_option,
        }
    });
    let unscored = instrument
        .extra_items
        .iter()
        .map(|extra| QuestionnaireItem {
            link_id: extra_link_id(instrument, extra),
            code: loinc(extra.loinc.as_deref()),
            prefix: None,
            text: extra.text.clone().unwrap_or_else(|| extra.label.clone()),
            kind: "choice".to_owned(),
            required: None,
            answer_option: answer_options(&extra.scale, |_| Vec::new()),
        });
    Questionnaire {
        id: instrument.id.replace('_', "-"),
        version: instrument.version.clone(),
        name: instrument.id.to_ascii_uppercase(),
        title: instrument.name.clone(),
        status: "active".to_owned(),
        code: loinc(instrument.loinc.panel.as_deref()),
        description: instrument.source.citation.clone(),
        copyright: instrument.licence.clone(),
        item: scored.chain(unscored).collect(),
    }
}

fn loinc(code: Option<&str>) -> Vec<Coding> {
    code.map(Coding::loinc).into_iter().collect()
}

/// One option per value of `scale`, ascending, each with the extensions `extension` gives.
fn answer_options(scale: &Scale, extension: impl Fn(u8) -> Vec<Extension>) -> Vec<AnswerOption> {
    (scale.min..=scale.max)
        .map(|value| AnswerOption {
            extension: extension(value),
            value_coding: Coding {
                system: None,
                code: value.to_string(),
                display: scale.label(value).map(str::to_owned),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests;
