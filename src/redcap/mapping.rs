//! Which REDCap fields hold which instrument items: the mapping resolved from a data
//! dictionary, its `@SYMSCORE=` annotations, a mapping file and the guided default.
//!
//! The sources are read in order of how deliberately they were written. An action tag in the
//! dictionary travels with the project and its field; the mapping file is kept beside the
//! export by one user; the guided default is inferred and therefore applies only to forms
//! nobody mapped, only when a form is both named after an instrument and built exactly like
//! it, and is always said in a notice. Annotation and file may both map a field, but only to
//! the same target.
//!
//! Every mapped field is then checked against the instrument, because a wrong mapping scores
//! silently: a PHQ-9 built with codes 1 to 4 adds nine points, a missing item lowers every
//! total, and item 9 mapped to the wrong field hides a safety answer. So an instrument is read
//! from one form, with all its items, each from a field whose codes are exactly its scale.

use std::collections::HashMap;

use crate::error::Location;
use crate::instrument::Instrument;
use crate::registry::Registry;
use crate::shown_text::show_cell;

use super::dictionary::Dictionary;
use super::error::{RedcapError, RedcapErrorKind};
use super::mapping_file::MappingFile;
use super::target::Target;
use declared::{Declared, declarations};

mod checks;
mod declared;
mod guided;
#[cfg(test)]
mod tests;

/// The resolved mapping of a REDCap project onto instruments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// The record id field (the dictionary's first field).
    pub record_id: String,
    /// Each mapped instrument with its form, in dictionary order of the forms.
    pub forms: Vec<MappedForm>,
    /// The field holding the administration's date, when one is mapped to `date`.
    pub date_field: Option<String>,
    /// What was inferred or left unmapped, as full sentences for the user.
    pub notices: Vec<String>,
    /// (dictionary position, field, item column) of every mapped item and extra item.
    columns: Vec<(usize, String, String)>,
}

/// One instrument read from one form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedForm {
    /// The form (REDCap "instrument") name.
    pub form: String,
    /// The instrument id.
    pub instrument: String,
    /// The field of each scored item, in item order.
    pub items: Vec<String>,
    /// (index in the instrument's `extra_items`, field) of each mapped extra item.
    pub extras: Vec<(usize, String)>,
    /// REDCap's own calculated total of the items, when the project has one.
    pub total: Option<String>,
    /// Which source mapped the form.
    pub by: MappedBy,
    /// The form's completion status column in the records export: `<form>_complete`.
    pub status_field: String,
}

/// Which source mapped a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MappedBy {
    /// `@SYMSCORE=` action tags in the field annotations (at least one item's).
    Annotation,
    /// The mapping file.
    MappingFile,
    /// The guided default: the form's name and the order of its fields.
    Guided,
}

impl Mapping {
    /// Resolves which fields of `dictionary` hold which items of the instruments in
    /// `registry`, from the annotations, then `file`, then the guided default.
    ///
    /// `only` (instrument ids) restricts the instruments resolved; empty means all. Targets of
    /// other instruments are still read (a typo is refused) but not checked or mapped.
    ///
    /// Fails on every mapping that could score wrongly: see [`RedcapErrorKind`].
    pub fn resolve(
        dictionary: &Dictionary,
        registry: &Registry,
        file: Option<&MappingFile>,
        only: &[String],
    ) -> Result<Mapping, RedcapError> {
        for id in only {
            if registry.get(id).is_none() {
                return Err(RedcapError::unplaced(
                    RedcapErrorKind::UnknownInstrument,
                    format!(
                        "unknown instrument `{}`; expected one of {}",
                        show_cell(id),
                        registry.ids()
                    ),
                ));
            }
        }
        let selected = |id: &str| only.is_empty() || only.iter().any(|o| o == id);
        let declared: Vec<Declared> = declarations(dictionary, registry, file)?
            .into_iter()
            .filter(|d| d.target.instrument().is_none_or(selected))
            .collect();
        check_fields(dictionary, registry, &declared)?;
        check_targets_once(dictionary, registry, &declared)?;
        let date_field = declared
            .iter()
            .find(|d| d.target == Target::Date)
            .map(|d| dictionary.fields()[d.field].name.clone());
        let mut forms = explicit_forms(dictionary, registry, &declared)?;
        let mut notices = Vec::new();
        let unmapped: Vec<&Instrument> = registry
            .iter()
            .filter(|i| selected(&i.id) && !forms.iter().any(|f| f.instrument == i.id))
            .collect();
        let explicit_form_names: Vec<String> = declared
            .iter()
            .filter(|d| d.target != Target::Date)
            .map(|d| dictionary.fields()[d.field].form.clone())
            .collect();
        forms.extend(guided::guided_forms(
            dictionary,
            &unmapped,
            &explicit_form_names,
            &mut notices,
        )?);
        for form in &mut forms {
            if form.total.is_none() {
                guided::detect_total(dictionary, form, &mut notices);
            }
        }
        let form_order = dictionary.forms();
        let instrument_order: Vec<&str> = registry.iter().map(|i| i.id.as_str()).collect();
        forms.sort_by_key(|f| {
            (
                form_order.iter().position(|n| *n == f.form),
                instrument_order.iter().position(|i| *i == f.instrument),
            )
        });
        check_something_mapped(dictionary, registry, &forms, only, &notices)?;
        let columns = item_columns(dictionary, registry, &forms);
        Ok(Mapping {
            record_id: dictionary.record_id().name.clone(),
            forms,
            date_field,
            notices,
            columns,
        })
    }

    /// (REDCap field, symscore item column) for every mapped item and extra item, in
    /// dictionary order: `("phq_1", "phq9_1")`.
    pub fn renames(&self) -> Vec<(String, String)> {
        self.columns
            .iter()
            .map(|(_, field, column)| (field.clone(), column.clone()))
            .collect()
    }
}

/// Every declared field can hold its target.
fn check_fields(
    dictionary: &Dictionary,
    registry: &Registry,
    declared: &[Declared],
) -> Result<(), RedcapError> {
    for d in declared {
        let field = &dictionary.fields()[d.field];
        let instrument = d.target.instrument().and_then(|id| registry.get(id));
        let what = format!("`{}`", d.target.name(registry));
        let checked = match (&d.target, instrument) {
            (Target::Item { .. }, Some(instrument)) => {
                checks::check_answer(field, &instrument.scale, &format!("item {what}"))
            }
            (Target::Extra { index, .. }, Some(instrument)) => checks::check_answer(
                field,
                &instrument.extra_items[*index].scale,
                &format!("extra item {what}"),
            ),
            (Target::Total { .. }, _) => checks::check_total(field, &format!("the total {what}")),
            _ => checks::check_date(field),
        };
        checked.map_err(|(kind, message)| RedcapError::new(kind, d.location.clone(), message))?;
    }
    Ok(())
}

/// No two fields share a target (an item, an extra item, a total, the date).
fn check_targets_once(
    dictionary: &Dictionary,
    registry: &Registry,
    declared: &[Declared],
) -> Result<(), RedcapError> {
    for (i, second) in declared.iter().enumerate() {
        if let Some(first) = declared[..i].iter().find(|d| d.target == second.target) {
            let [first_field, second_field] =
                [first, second].map(|d| checks::describe(&dictionary.fields()[d.field]));
            return Err(RedcapError::new(
                RedcapErrorKind::ItemTwice,
                second.location.clone(),
                format!(
                    "{second_field} and {first_field} are both mapped to `{}`; expected one field per target",
                    second.target.name(registry)
                ),
            ));
        }
    }
    Ok(())
}

/// The forms mapped by annotations and the file: each instrument on one form, with every item.
fn explicit_forms(
    dictionary: &Dictionary,
    registry: &Registry,
    declared: &[Declared],
) -> Result<Vec<MappedForm>, RedcapError> {
    let mut by_instrument: HashMap<&str, Vec<&Declared>> = HashMap::new();
    for d in declared {
        if let Some(id) = d.target.instrument() {
            by_instrument.entry(id).or_default().push(d);
        }
    }
    let mut forms = Vec::new();
    for instrument in registry.iter() {
        let Some(mine) = by_instrument.get(instrument.id.as_str()) else {
            continue;
        };
        let field = |d: &Declared| &dictionary.fields()[d.field];
        let first = mine[0];
        if let Some(other) = mine.iter().find(|d| field(d).form != field(first).form) {
            return Err(RedcapError::new(
                RedcapErrorKind::InstrumentOnTwoForms,
                other.location.clone(),
                format!(
                    "`{}` is mapped on form `{}` ({}) and on form `{}` ({}); expected one form per instrument: map the fields of one form only",
                    instrument.id,
                    show_cell(&field(first).form),
                    show_cell(&field(first).name),
                    show_cell(&field(other).form),
                    show_cell(&field(other).name)
                ),
            ));
        }
        let form = field(first).form.clone();
        let mut items: Vec<Option<String>> = vec![None; instrument.item_count()];
        let mut extras = Vec::new();
        let mut total = None;
        for d in mine {
            match &d.target {
                Target::Item { index, .. } => items[*index] = Some(field(d).name.clone()),
                Target::Extra { index, .. } => extras.push((*index, field(d).name.clone())),
                Target::Total { .. } => total = Some(field(d).name.clone()),
                Target::Date => {}
            }
        }
        let missing: Vec<String> = items
            .iter()
            .enumerate()
            .filter(|(_, f)| f.is_none())
            .map(|(i, _)| format!("`{}`", instrument.item_column(i + 1)))
            .collect();
        if !missing.is_empty() {
            return Err(RedcapError::new(
                RedcapErrorKind::IncompleteInstrument,
                first.location.clone(),
                format!(
                    "`{}` is mapped on form `{}` without {} of its {} items: {}; expected every item mapped to a field, since a total of some items is not the instrument's score",
                    instrument.id,
                    show_cell(&form),
                    missing.len(),
                    instrument.item_count(),
                    missing.join(", ")
                ),
            ));
        }
        extras.sort_unstable();
        let by = if mine.iter().any(|d| d.by == MappedBy::Annotation) {
            MappedBy::Annotation
        } else {
            MappedBy::MappingFile
        };
        forms.push(MappedForm {
            status_field: format!("{form}_complete"),
            form,
            instrument: instrument.id.clone(),
            items: items.into_iter().flatten().collect(),
            extras,
            total,
            by,
        });
    }
    Ok(forms)
}

/// Something is mapped, and every instrument asked for is.
fn check_something_mapped(
    dictionary: &Dictionary,
    registry: &Registry,
    forms: &[MappedForm],
    only: &[String],
    notices: &[String],
) -> Result<(), RedcapError> {
    let form_list = dictionary
        .forms()
        .iter()
        .map(|f| format!("`{}`", show_cell(f)))
        .collect::<Vec<_>>()
        .join(", ");
    let how = "map items with `@SYMSCORE=phq9_1` action tags in the field annotations, or with a mapping file of two columns `field,item`";
    let why = if notices.is_empty() {
        String::new()
    } else {
        format!(" ({})", notices.join("; "))
    };
    if let Some(id) = only
        .iter()
        .find(|id| !forms.iter().any(|f| &f.instrument == *id))
    {
        return Err(RedcapError::new(
            RedcapErrorKind::InstrumentNotMapped,
            Location::file(dictionary.source()),
            format!(
                "`{}` is mapped on none of the forms {form_list}{why}; {how}",
                show_cell(id)
            ),
        ));
    }
    if forms.is_empty() {
        return Err(RedcapError::new(
            RedcapErrorKind::NothingMapped,
            Location::file(dictionary.source()),
            format!(
                "no form is mapped to an instrument ({}); the forms are {form_list}{why}; {how}",
                registry.ids()
            ),
        ));
    }
    Ok(())
}

/// (dictionary position, field, item column) of every mapped item and extra, in dictionary order.
fn item_columns(
    dictionary: &Dictionary,
    registry: &Registry,
    forms: &[MappedForm],
) -> Vec<(usize, String, String)> {
    let mut columns = Vec::new();
    for form in forms {
        let instrument = registry
            .get(&form.instrument)
            .expect("mapped instruments are in the registry");
        let position = |f: &str| {
            dictionary
                .index_of(f)
                .expect("mapped fields are in the dictionary")
        };
        for (i, field) in form.items.iter().enumerate() {
            columns.push((
                position(field),
                field.clone(),
                instrument.item_column(i + 1),
            ));
        }
        for (i, field) in &form.extras {
            let column = instrument.extra_column(&instrument.extra_items[*i]);
            columns.push((position(field), field.clone(), column));
        }
    }
    columns.sort_unstable();
    columns
}
