//! The cells of a visit's new row: the visit checked, each answer written as `score` reads it.

use super::{AppendError, DATE_COLUMN, PATIENT_COLUMN, Visit};
use crate::columns::instrument_columns;
use crate::instrument::Scale;
use crate::plural::count;
use crate::score::Answer;

/// Checks the visit and turns it into `(column, cell)` pairs.
pub(super) fn visit_cells(visit: &Visit<'_>) -> Result<Vec<(String, String)>, AppendError> {
    let invalid = |found: String, expected: &str| AppendError::Visit {
        patient_id: visit.patient_id.clone(),
        found,
        expected: expected.to_owned(),
    };
    if visit.patient_id.trim().is_empty() {
        return Err(invalid(
            "a blank patient id".into(),
            "a patient id to save under",
        ));
    }
    if visit.forms.is_empty() {
        return Err(invalid("no instruments".into(), "at least one instrument"));
    }
    let mut cells = vec![
        (PATIENT_COLUMN.to_owned(), visit.patient_id.clone()),
        (DATE_COLUMN.to_owned(), visit.date.to_string()),
    ];
    for (index, form) in visit.forms.iter().enumerate() {
        let instrument = form.instrument;
        if visit.forms[..index]
            .iter()
            .any(|f| f.instrument.id == instrument.id)
        {
            return Err(invalid(
                format!("`{}` twice", instrument.id),
                "each instrument once per visit",
            ));
        }
        if form.items.len() != instrument.item_count()
            || form.extras.len() != instrument.extra_items.len()
        {
            return Err(invalid(
                format!(
                    "{} and {} for `{}`",
                    count(form.items.len(), "item answer"),
                    count(form.extras.len(), "unscored answer"),
                    instrument.id
                ),
                &format!(
                    "{} and {}",
                    instrument.item_count(),
                    instrument.extra_items.len()
                ),
            ));
        }
        let scales = std::iter::repeat_n(&instrument.scale, form.items.len())
            .chain(instrument.extra_items.iter().map(|e| &e.scale));
        let answers = form.items.iter().chain(&form.extras);
        for ((column, answer), scale) in instrument_columns(instrument)
            .into_iter()
            .zip(answers)
            .zip(scales)
        {
            let cell = answer_cell(*answer, scale).ok_or_else(|| {
                invalid(
                    format!("an unusable answer in `{column}`"),
                    &format!("a value from {} to {}, or blank", scale.min, scale.max),
                )
            })?;
            cells.push((column, cell));
        }
    }
    Ok(cells)
}

fn answer_cell(answer: Answer, scale: &Scale) -> Option<String> {
    match answer {
        Answer::Value(value) if scale.contains(value) => Some(value.to_string()),
        Answer::Missing => Some(String::new()),
        Answer::Value(_) | Answer::Invalid => None,
    }
}

pub(super) fn cell_for<'c>(cells: &'c [(String, String)], column: &str) -> &'c str {
    cells
        .iter()
        .find(|(name, _)| name == column)
        .map_or("", |(_, cell)| cell.as_str())
}
