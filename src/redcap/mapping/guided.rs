//! The guided default: a form named after an instrument whose answer fields are, in order,
//! exactly that instrument's items, and REDCap's own `sum()` total of them.
//!
//! Both conditions are needed. The name alone would map a form whose fields are in a
//! different order; the structure alone would take any seven 0-3 questions for a GAD-7.

use crate::error::Location;
use crate::instrument::Instrument;
use crate::shown_text::show_cell;

use super::super::dictionary::Dictionary;
use super::super::error::{RedcapError, RedcapErrorKind};
use super::super::field::{Field, FieldType};
use super::checks::{choices_fit, scale_codes};
use super::{MappedBy, MappedForm};

/// `text` in lower case with only its letters and digits: `PHQ-9 (week 2)` → `phq9week2`.
pub(super) fn normalise(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether `form`'s name names `instrument`: it contains the instrument's id or name,
/// normalised.
pub(super) fn named_after(form: &str, instrument: &Instrument) -> bool {
    let form = normalise(form);
    let id = normalise(&instrument.id);
    let name = normalise(&instrument.name);
    (!id.is_empty() && form.contains(&id)) || (!name.is_empty() && form.contains(&name))
}

/// The form mapped to `instrument` by the order of its radio and dropdown fields, or why it
/// does not fit: there must be one per item, with the item scale's codes, optionally followed
/// by the instrument's extra items in order, with theirs.
pub(super) fn fit(
    dictionary: &Dictionary,
    form: &str,
    instrument: &Instrument,
) -> Result<MappedForm, String> {
    let answers: Vec<&Field> = dictionary
        .fields()
        .iter()
        .filter(|f| f.form == form)
        .filter(|f| matches!(f.field_type, FieldType::Radio | FieldType::Dropdown))
        .collect();
    let items = instrument.item_count();
    let extras = instrument.extra_items.len();
    if answers.len() < items || answers.len() > items + extras {
        let expected = if extras == 0 {
            format!("{items}, one per item")
        } else {
            format!("{items}, one per item, then up to {extras} for its extra items")
        };
        return Err(format!(
            "it has {} radio or dropdown fields, expected {expected}",
            answers.len()
        ));
    }
    for (number, field) in answers.iter().take(items).enumerate() {
        choices_fit(field, &instrument.scale).map_err(|found| {
            format!(
                "its radio or dropdown field number {} (`{}`) has {found}, expected the scale's codes {}",
                number + 1,
                show_cell(&field.name),
                scale_codes(&instrument.scale)
            )
        })?;
    }
    for (index, field) in answers.iter().skip(items).enumerate() {
        let extra = &instrument.extra_items[index];
        choices_fit(field, &extra.scale).map_err(|found| {
            format!(
                "its field `{}` after the items, read as extra item `{}`, has {found}, expected {}",
                show_cell(&field.name),
                instrument.extra_column(extra),
                scale_codes(&extra.scale)
            )
        })?;
    }
    Ok(MappedForm {
        form: form.to_owned(),
        instrument: instrument.id.clone(),
        items: answers[..items].iter().map(|f| f.name.clone()).collect(),
        extras: answers[items..]
            .iter()
            .enumerate()
            .map(|(i, f)| (i, f.name.clone()))
            .collect(),
        total: None,
        by: MappedBy::Guided,
        status_field: format!("{form}_complete"),
    })
}

/// The calculated fields on `form` whose formula is `sum()` of exactly `items`, each once.
pub(super) fn sum_totals<'d>(
    dictionary: &'d Dictionary,
    form: &str,
    items: &[String],
) -> Vec<&'d Field> {
    let mut wanted: Vec<&str> = items.iter().map(String::as_str).collect();
    wanted.sort_unstable();
    dictionary
        .fields()
        .iter()
        .filter(|f| f.form == form && f.field_type == FieldType::Calc)
        .filter(|f| {
            f.calculation
                .as_deref()
                .and_then(summed_fields)
                .is_some_and(|mut summed| {
                    summed.sort_unstable();
                    summed == wanted
                })
        })
        .collect()
}

/// The fields of a formula `sum([a],[b],…)` (spaces and letter case of `sum` free); `None`
/// for any other formula, including sums of expressions.
fn summed_fields(formula: &str) -> Option<Vec<&str>> {
    let formula = formula.trim();
    let open = formula.find('(')?;
    if !formula[..open].trim().eq_ignore_ascii_case("sum") {
        return None;
    }
    let inner = formula[open + 1..].strip_suffix(')')?;
    inner
        .split(',')
        .map(|part| {
            let name = part.trim().strip_prefix('[')?.strip_suffix(']')?;
            let plain =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            plain.then_some(name)
        })
        .collect()
}

/// `phq_1..phq_9 -> phq9_1..phq9_9` when the fields are numbered like the items, otherwise
/// every pair: `a -> phq9_1, b -> phq9_2`.
pub(super) fn describe_pairs(pairs: &[(String, String)]) -> String {
    if let Some(compact) = numbered_run(pairs) {
        return compact;
    }
    pairs
        .iter()
        .map(|(field, column)| format!("{} -> {column}", show_cell(field)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Pairs whose fields share a prefix followed by 1, 2, … and whose columns do too.
fn numbered_run(pairs: &[(String, String)]) -> Option<String> {
    if pairs.len() < 3 {
        return None;
    }
    let prefix_of =
        |text: &str, number: usize| text.strip_suffix(&number.to_string()).map(str::to_owned);
    let field_prefix = prefix_of(&pairs[0].0, 1)?;
    let column_prefix = prefix_of(&pairs[0].1, 1)?;
    let numbered = pairs.iter().enumerate().all(|(i, (field, column))| {
        prefix_of(field, i + 1).as_deref() == Some(field_prefix.as_str())
            && prefix_of(column, i + 1).as_deref() == Some(column_prefix.as_str())
    });
    let n = pairs.len();
    numbered.then(|| {
        format!(
            "{}..{} -> {column_prefix}1..{column_prefix}{n}",
            show_cell(&pairs[0].0),
            show_cell(&pairs[n - 1].0)
        )
    })
}

/// The guided default for `unmapped` instruments on forms no annotation or file row maps.
pub(super) fn guided_forms(
    dictionary: &Dictionary,
    unmapped: &[&Instrument],
    explicit_forms: &[String],
    notices: &mut Vec<String>,
) -> Result<Vec<MappedForm>, RedcapError> {
    let mut found: Vec<MappedForm> = Vec::new();
    for form in dictionary.forms() {
        if explicit_forms.iter().any(|f| f == form) {
            continue;
        }
        let named: Vec<&&Instrument> = unmapped.iter().filter(|i| named_after(form, i)).collect();
        let (fits, misfits): (Vec<_>, Vec<_>) = named
            .iter()
            .map(|i| (i, fit(dictionary, form, i)))
            .partition(|(_, fit)| fit.is_ok());
        match fits.len() {
            0 => {
                for (instrument, why) in misfits {
                    let why = why.expect_err("partitioned");
                    notices.push(format!(
                        "form `{}` is named like `{}` but was not mapped: {why}; to score it, map its fields with `@SYMSCORE={}` action tags in the data dictionary or with a mapping file",
                        show_cell(form),
                        instrument.id,
                        instrument.item_column(1)
                    ));
                }
            }
            1 => {
                let mapped = fits.into_iter().next().expect("one").1.expect("fits");
                if let Some(earlier) = found.iter().find(|f| f.instrument == mapped.instrument) {
                    let first_field = dictionary
                        .field(&mapped.items[0])
                        .expect("mapped fields are in the dictionary");
                    return Err(RedcapError::new(
                        RedcapErrorKind::InstrumentOnTwoForms,
                        Location::at(dictionary.source(), first_field.line, None),
                        format!(
                            "forms `{}` and `{}` are both built like `{}`; expected one form per instrument: map the fields of the one to score with `@SYMSCORE=` action tags or a mapping file",
                            show_cell(&earlier.form),
                            show_cell(form),
                            mapped.instrument
                        ),
                    ));
                }
                notices.push(guided_notice(&mapped, unmapped));
                found.push(mapped);
            }
            _ => notices.push(format!(
                "form `{}` fits {} alike and was not mapped; map its fields with `@SYMSCORE=` action tags or a mapping file",
                show_cell(form),
                fits.iter()
                    .map(|(i, _)| format!("`{}`", i.id))
                    .collect::<Vec<_>>()
                    .join(" and ")
            )),
        }
    }
    Ok(found)
}

/// Says how a form was mapped by the guided default, pair by pair.
fn guided_notice(form: &MappedForm, instruments: &[&Instrument]) -> String {
    let instrument = instruments
        .iter()
        .find(|i| i.id == form.instrument)
        .expect("guided forms are of these instruments");
    let pairs: Vec<(String, String)> = form
        .items
        .iter()
        .enumerate()
        .map(|(i, f)| (f.clone(), instrument.item_column(i + 1)))
        .collect();
    let items = describe_pairs(&pairs);
    let extras: Vec<String> = form
        .extras
        .iter()
        .map(|(i, f)| {
            format!(
                ", {} -> {}",
                show_cell(f),
                instrument.extra_column(&instrument.extra_items[*i])
            )
        })
        .collect();
    format!(
        "form `{}` was mapped to `{}` by its name and the order of its fields: {items}{}; if that is wrong, map the form with `@SYMSCORE=` action tags or a mapping file",
        show_cell(&form.form),
        form.instrument,
        extras.concat()
    )
}

/// REDCap's own total on the form: a calculated field summing exactly the mapped items.
pub(super) fn detect_total(
    dictionary: &Dictionary,
    form: &mut MappedForm,
    notices: &mut Vec<String>,
) {
    let sums = sum_totals(dictionary, &form.form, &form.items);
    match sums.as_slice() {
        [] => {}
        [one] => {
            notices.push(format!(
                "field `{}` on form `{}` sums the `{}` items and is read as REDCap's total",
                show_cell(&one.name),
                show_cell(&form.form),
                form.instrument
            ));
            form.total = Some(one.name.clone());
        }
        several => notices.push(format!(
            "fields {} on form `{}` all sum the `{}` items; none is read as REDCap's total: map one to `{}_total`",
            several
                .iter()
                .map(|f| format!("`{}`", show_cell(&f.name)))
                .collect::<Vec<_>>()
                .join(", "),
            show_cell(&form.form),
            form.instrument,
            form.instrument
        )),
    }
}
