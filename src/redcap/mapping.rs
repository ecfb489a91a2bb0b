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
use super::target::{Target, annotation_targets};

mod checks;
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

/// A target declared for a field by an annotation or the mapping file.
struct Declared {
    /// The field's position in the dictionary.
    field: usize,
    target: Target,
    by: MappedBy,
    /// Where it was declared: the annotation cell or the mapping file's row.
    location: Location,
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
        forms.extend(guided_forms(
            dictionary,
            &unmapped,
            &explicit_form_names,
            &mut notices,
        )?);
        for form in &mut forms {
            if form.total.is_none() {
                detect_total(dictionary, form, &mut notices);
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

/// The targets declared by annotations and the mapping file, one per field, in dictionary
/// order then file order. A field declared by both must be declared the same.
fn declarations(
    dictionary: &Dictionary,
    registry: &Registry,
    file: Option<&MappingFile>,
) -> Result<Vec<Declared>, RedcapError> {
    let mut declared: Vec<Declared> = Vec::new();
    for (index, field) in dictionary.fields().iter().enumerate() {
        let location = Location {
            source: dictionary.source().to_owned(),
            line: Some(field.line),
            column: dictionary.annotation_column(),
        };
        for text in annotation_targets(&field.annotation) {
            let target = Target::parse(&text, registry).map_err(|(kind, message)| {
                RedcapError::new(
                    kind,
                    location.clone(),
                    format!(
                        "field `{}` on form `{}`: annotation `@SYMSCORE={}`: {message}",
                        show_cell(&field.name),
                        show_cell(&field.form),
                        show_cell(&text)
                    ),
                )
            })?;
            match declared.iter().find(|d| d.field == index) {
                Some(first) if first.target == target => {}
                Some(first) => {
                    return Err(RedcapError::new(
                        RedcapErrorKind::FieldTwice,
                        location,
                        format!(
                            "field `{}` on form `{}` has two `@SYMSCORE` targets, `{}` and `{}`; expected one",
                            show_cell(&field.name),
                            show_cell(&field.form),
                            first.target.name(registry),
                            target.name(registry)
                        ),
                    ));
                }
                None => declared.push(Declared {
                    field: index,
                    target,
                    by: MappedBy::Annotation,
                    location: location.clone(),
                }),
            }
        }
    }
    let Some(file) = file else {
        return Ok(declared);
    };
    let (field_column, item_column) = file.columns();
    for entry in file.entries() {
        let at = |column| Location::at(file.source(), entry.line, Some(column));
        let Some(index) = dictionary.index_of(&entry.field) else {
            return Err(RedcapError::new(
                RedcapErrorKind::UnknownField,
                at(field_column),
                format!(
                    "field `{}` is not in the data dictionary {}; expected a field name from its first column (\"Variable / Field Name\")",
                    show_cell(&entry.field),
                    dictionary.source()
                ),
            ));
        };
        let field = &dictionary.fields()[index];
        let target = Target::parse(&entry.target, registry).map_err(|(kind, message)| {
            RedcapError::new(
                kind,
                at(item_column),
                format!(
                    "field `{}` on form `{}`: {message}",
                    show_cell(&field.name),
                    show_cell(&field.form)
                ),
            )
        })?;
        match declared.iter().find(|d| d.field == index) {
            Some(first) if first.target == target => {}
            Some(first) => {
                return Err(RedcapError::new(
                    RedcapErrorKind::FieldTwice,
                    at(item_column),
                    format!(
                        "field `{}` on form `{}` is mapped to `{}` here and to `{}` by its annotation ({}); expected one target per field",
                        show_cell(&field.name),
                        show_cell(&field.form),
                        target.name(registry),
                        first.target.name(registry),
                        first.location
                    ),
                ));
            }
            None => declared.push(Declared {
                field: index,
                target,
                by: MappedBy::MappingFile,
                location: at(item_column),
            }),
        }
    }
    Ok(declared)
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

/// The guided default for `unmapped` instruments on forms no annotation or file row maps.
fn guided_forms(
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
        let named: Vec<&&Instrument> = unmapped
            .iter()
            .filter(|i| guided::named_after(form, i))
            .collect();
        let (fits, misfits): (Vec<_>, Vec<_>) = named
            .iter()
            .map(|i| (i, guided::fit(dictionary, form, i)))
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
    let items = guided::describe_pairs(&pairs);
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
fn detect_total(dictionary: &Dictionary, form: &mut MappedForm, notices: &mut Vec<String>) {
    let sums = guided::sum_totals(dictionary, &form.form, &form.items);
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
