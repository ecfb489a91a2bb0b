//! Whether a REDCap field can hold an item's answer, a date or a total.
//!
//! A field's codes must be exactly the item's scale: a PHQ-9 item coded `1..4` in REDCap
//! (a common build choice) would otherwise score every answer one point too high, and a
//! scale with an extra code (`99, Refused`) would be read as an answer. So a mismatch stops
//! the run rather than being recoded on a guess.

use crate::instrument::Scale;

use super::super::error::RedcapErrorKind;
use super::super::field::{Field, FieldType};

/// The codes of `scale`, for messages: `0, 1, 2, 3`.
pub(super) fn scale_codes(scale: &Scale) -> String {
    (scale.min..=scale.max)
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether `field`'s choices are exactly the codes of `scale`, each once, written as plain
/// numbers (`1`, not `01` or `1.0`), in any order. On a mismatch says what the field has.
pub(super) fn choices_fit(field: &Field, scale: &Scale) -> Result<(), String> {
    let mut codes: Vec<u8> = Vec::with_capacity(field.choices.len());
    for choice in &field.choices {
        match plain_number(&choice.code) {
            Some(code) => codes.push(code),
            None => return Err(format!("the choice codes {}", field.codes())),
        }
    }
    codes.sort_unstable();
    if codes.iter().copied().eq(scale.min..=scale.max) {
        Ok(())
    } else {
        Err(format!("the choice codes {}", field.codes()))
    }
}

/// Whether `field` can hold one answer on `scale`: a radio, dropdown, yes/no or true/false
/// field whose codes are the scale, or a text field validated as an integer from the
/// scale's minimum to its maximum. `what` names the target: ``item `phq9_3` ``.
pub(super) fn check_answer(
    field: &Field,
    scale: &Scale,
    what: &str,
) -> Result<(), (RedcapErrorKind, String)> {
    let expected = format!(
        "expected the codes of {what}'s scale, {} ({} to {})",
        scale_codes(scale),
        scale.min,
        scale.max
    );
    match field.field_type {
        FieldType::Radio | FieldType::Dropdown | FieldType::YesNo | FieldType::TrueFalse => {
            choices_fit(field, scale).map_err(|found| {
                (
                    RedcapErrorKind::ScaleMismatch,
                    format!(
                        "{} has {found}, {expected}; recode the field in REDCap or map another field",
                        describe(field)
                    ),
                )
            })
        }
        FieldType::Text if field.is_integer_text() => {
            let limit = |text: &Option<String>| text.as_deref().and_then(plain_number);
            if limit(&field.min) == Some(scale.min) && limit(&field.max) == Some(scale.max) {
                Ok(())
            } else {
                Err((
                    RedcapErrorKind::ScaleMismatch,
                    format!(
                        "{} is an integer field with the limits {} to {}, expected the limits {} to {} of {what}'s scale",
                        describe(field),
                        field.min.as_deref().unwrap_or("(none)"),
                        field.max.as_deref().unwrap_or("(none)"),
                        scale.min,
                        scale.max
                    ),
                ))
            }
        }
        _ => Err((
            RedcapErrorKind::NotAnAnswerField,
            format!(
                "{} is a {} field, which cannot hold one answer of {what}; expected a radio or dropdown field with the codes {}, or a text field validated as an integer from {} to {}",
                describe(field),
                type_name(field),
                scale_codes(scale),
                scale.min,
                scale.max
            ),
        )),
    }
}

/// Whether `field` can hold the administration's date.
pub(super) fn check_date(field: &Field) -> Result<(), (RedcapErrorKind, String)> {
    if field.is_date_text() {
        Ok(())
    } else {
        Err((
            RedcapErrorKind::NotADateField,
            format!(
                "{} is a {} field, which cannot be the date; expected a text field validated as a date or date-time (`date_ymd`, `datetime_dmy`, …)",
                describe(field),
                type_name(field)
            ),
        ))
    }
}

/// Whether `field` can hold an instrument's total as REDCap records it.
pub(super) fn check_total(field: &Field, what: &str) -> Result<(), (RedcapErrorKind, String)> {
    if field.field_type == FieldType::Calc || field.is_integer_text() {
        Ok(())
    } else {
        Err((
            RedcapErrorKind::NotATotalField,
            format!(
                "{} is a {} field, which cannot hold {what}; expected a calculated field or a text field validated as an integer",
                describe(field),
                type_name(field)
            ),
        ))
    }
}

/// The field for messages: ``field `phq_1` on form `phq9` (dictionary line 3)``.
pub(super) fn describe(field: &Field) -> String {
    format!(
        "field `{}` on form `{}` (dictionary line {})",
        crate::shown_text::show_cell(&field.name),
        crate::shown_text::show_cell(&field.form),
        field.line
    )
}

/// The field's type for messages, with its validation when it has one: `text (email)`.
fn type_name(field: &Field) -> String {
    match &field.validation {
        Some(v) if field.field_type == FieldType::Text => format!("text (`{v}`)"),
        _ => format!("`{}`", field.field_type.as_str()),
    }
}

/// A code written as a plain number: digits only, no leading zero (except `0` itself).
fn plain_number(text: &str) -> Option<u8> {
    let text = text.trim();
    let plain = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if plain { text.parse().ok() } else { None }
}
