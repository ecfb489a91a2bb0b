//! Reading a REDCap data dictionary: one row per field, in form order.
//!
//! REDCap gives the dictionary two ways with the same content and different headers: the
//! "Data Dictionary" download of the web interface ("Variable / Field Name", "Form Name",
//! "Field Type", …) and the API's metadata export (`field_name`, `form_name`, `field_type`,
//! …). Both are read; columns are found by name, so their order and any other columns
//! (section headers, branching logic) do not matter.

use std::collections::HashMap;
use std::io;

use crate::shown_text::show_cell;

use super::error::{RedcapError, RedcapErrorKind};
pub use super::field::{Choice, Field, FieldType};
use super::table::Table;

/// The header names of one column: the web interface's name first, then the API's.
struct ColumnNames(&'static [&'static str]);

const NAME: ColumnNames = ColumnNames(&["Variable / Field Name", "field_name"]);
const FORM: ColumnNames = ColumnNames(&["Form Name", "form_name"]);
const TYPE: ColumnNames = ColumnNames(&["Field Type", "field_type"]);
const LABEL: ColumnNames = ColumnNames(&["Field Label", "field_label"]);
const CHOICES: ColumnNames = ColumnNames(&[
    "Choices, Calculations, OR Slider Labels",
    "select_choices_or_calculations",
]);
const VALIDATION: ColumnNames = ColumnNames(&[
    "Text Validation Type OR Show Slider Number",
    "text_validation_type_or_show_slider_number",
]);
const MIN: ColumnNames = ColumnNames(&["Text Validation Min", "text_validation_min"]);
const MAX: ColumnNames = ColumnNames(&["Text Validation Max", "text_validation_max"]);
const ANNOTATION: ColumnNames = ColumnNames(&["Field Annotation", "field_annotation"]);

/// What a data dictionary looks like, said when its header does not fit.
const EXPECTED: &str = "expected a REDCap data dictionary (the project's Data Dictionary download, or the API's metadata export)";

/// A project's fields, in dictionary order.
#[derive(Debug, Clone)]
pub struct Dictionary {
    source: String,
    fields: Vec<Field>,
    by_name: HashMap<String, usize>,
    annotation_column: Option<u64>,
}

impl Dictionary {
    /// Reads a data dictionary. `source` names the file in messages.
    ///
    /// Fails, naming the line and column, on: a missing column among the field name, form
    /// name, field type, field label and choices (validation, its limits and the annotation
    /// may be absent, as in hand-made or old dictionaries); a row with more or fewer fields
    /// than the header; a field without a name or form; a field defined twice; a radio,
    /// dropdown or checkbox field whose choices are not `code, label | code, label …` with
    /// distinct codes; a dictionary without fields.
    pub fn read<R: io::Read>(input: R, source: &str) -> Result<Dictionary, RedcapError> {
        let table = Table::read(input, source, "data dictionary")?;
        let columns = Columns::locate(&table)?;
        let mut fields: Vec<Field> = Vec::with_capacity(table.rows.len());
        let mut by_name: HashMap<String, usize> = HashMap::with_capacity(table.rows.len());
        for (line, row) in &table.rows {
            let field = columns.field(&table, *line, row)?;
            if let Some(&first) = by_name.get(&field.name) {
                return Err(RedcapError::new(
                    RedcapErrorKind::DuplicateField,
                    table.at(*line, columns.name),
                    format!(
                        "expected each field once, found field `{}` again (first on line {})",
                        show_cell(&field.name),
                        fields[first].line
                    ),
                ));
            }
            by_name.insert(field.name.clone(), fields.len());
            fields.push(field);
        }
        if fields.is_empty() {
            return Err(RedcapError::new(
                RedcapErrorKind::NoFields,
                crate::error::Location::file(source),
                format!("{EXPECTED}, found a header and no fields"),
            ));
        }
        Ok(Dictionary {
            source: source.to_owned(),
            fields,
            by_name,
            annotation_column: columns.annotation.map(|c| c as u64 + 1),
        })
    }

    /// The record id field: REDCap makes the first field of the first form the record id.
    pub fn record_id(&self) -> &Field {
        &self.fields[0]
    }

    /// The field named `name` (exactly).
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.by_name.get(name).map(|&i| &self.fields[i])
    }

    /// Every field, in dictionary order.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// The file as the user named it.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The forms, each once, in the order of their first field.
    pub fn forms(&self) -> Vec<&str> {
        let mut forms: Vec<&str> = Vec::new();
        for field in &self.fields {
            if !forms.contains(&field.form.as_str()) {
                forms.push(&field.form);
            }
        }
        forms
    }

    /// The position in `self.fields` of the field named `name`.
    pub(crate) fn index_of(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// The 1-based column of the field annotations, when the dictionary has one.
    pub(crate) fn annotation_column(&self) -> Option<u64> {
        self.annotation_column
    }
}

/// Where each column the reader uses is, 0-based.
struct Columns {
    name: usize,
    form: usize,
    field_type: usize,
    label: usize,
    choices: usize,
    validation: Option<usize>,
    min: Option<usize>,
    max: Option<usize>,
    annotation: Option<usize>,
}

impl Columns {
    fn locate(table: &Table) -> Result<Columns, RedcapError> {
        let require = |names: &ColumnNames| table.require(names.0, EXPECTED);
        let find = |names: &ColumnNames| table.find(names.0);
        Ok(Columns {
            name: require(&NAME)?,
            form: require(&FORM)?,
            field_type: require(&TYPE)?,
            label: require(&LABEL)?,
            choices: require(&CHOICES)?,
            validation: find(&VALIDATION)?,
            min: find(&MIN)?,
            max: find(&MAX)?,
            annotation: find(&ANNOTATION)?,
        })
    }

    fn field(
        &self,
        table: &Table,
        line: u64,
        row: &csv::StringRecord,
    ) -> Result<Field, RedcapError> {
        let cell = |column: usize| row[column].trim();
        let optional = |column: Option<usize>| {
            column
                .map(cell)
                .filter(|text| !text.is_empty())
                .map(str::to_owned)
        };
        let required = |column: usize, what: &str| {
            let text = cell(column);
            if text.is_empty() {
                Err(RedcapError::new(
                    RedcapErrorKind::EmptyCell,
                    table.at(line, column),
                    format!("expected the field's {what}, found an empty cell"),
                ))
            } else {
                Ok(text.to_owned())
            }
        };
        let name = required(self.name, "name")?;
        let form = required(self.form, "form name")?;
        let field_type = FieldType::parse(cell(self.field_type));
        let choices_cell = cell(self.choices);
        let choices = match field_type {
            ref t if t.has_coded_choices() => parse_choices(choices_cell).map_err(|problem| {
                RedcapError::new(
                    RedcapErrorKind::Choices,
                    table.at(line, self.choices),
                    format!(
                        "field `{}` ({}): expected choices as `code, label | code, label …` with distinct codes, found {problem}",
                        show_cell(&name),
                        field_type.as_str()
                    ),
                )
            })?,
            FieldType::YesNo => implicit_choices(&[("1", "Yes"), ("0", "No")]),
            FieldType::TrueFalse => implicit_choices(&[("1", "True"), ("0", "False")]),
            _ => Vec::new(),
        };
        let calculation = (field_type == FieldType::Calc && !choices_cell.is_empty())
            .then(|| choices_cell.to_owned());
        Ok(Field {
            name,
            form,
            field_type,
            label: cell(self.label).to_owned(),
            choices,
            calculation,
            validation: optional(self.validation),
            min: optional(self.min),
            max: optional(self.max),
            annotation: optional(self.annotation).unwrap_or_default(),
            line,
        })
    }
}

fn implicit_choices(pairs: &[(&str, &str)]) -> Vec<Choice> {
    pairs
        .iter()
        .map(|(code, label)| Choice {
            code: (*code).to_owned(),
            label: (*label).to_owned(),
        })
        .collect()
}

/// Splits `0, Not at all | 1, Several days` into choices: on `|`, then each on its first
/// comma, since labels may hold commas (`2, More than half the days, or most`). Empty parts
/// (a trailing `|`) are skipped, as REDCap skips them. On failure, says what was found.
pub(crate) fn parse_choices(cell: &str) -> Result<Vec<Choice>, String> {
    let mut choices: Vec<Choice> = Vec::new();
    for part in cell.split('|').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((code, label)) = part.split_once(',') else {
            return Err(format!("`{}` without a comma", show_cell(part)));
        };
        let code = code.trim();
        if code.is_empty() {
            return Err(format!("`{}` without a code", show_cell(part)));
        }
        if choices.iter().any(|c| c.code == code) {
            return Err(format!("code `{}` twice", show_cell(code)));
        }
        choices.push(Choice {
            code: code.to_owned(),
            label: label.trim().to_owned(),
        });
    }
    if choices.is_empty() {
        return Err("no choices".to_owned());
    }
    Ok(choices)
}

#[cfg(test)]
mod tests;
