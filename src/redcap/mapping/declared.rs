//! The targets declared for fields by `@SYMSCORE=` annotations and by the mapping file.

use crate::error::Location;
use crate::registry::Registry;
use crate::shown_text::show_cell;

use super::super::dictionary::Dictionary;
use super::super::error::{RedcapError, RedcapErrorKind};
use super::super::mapping_file::MappingFile;
use super::super::target::{Target, annotation_targets};
use super::MappedBy;

/// A target declared for a field by an annotation or the mapping file.
pub(super) struct Declared {
    /// The field's position in the dictionary.
    pub(super) field: usize,
    pub(super) target: Target,
    pub(super) by: MappedBy,
    /// Where it was declared: the annotation cell or the mapping file's row.
    pub(super) location: Location,
}

/// The targets declared by annotations and the mapping file, one per field, in dictionary
/// order then file order. A field declared by both must be declared the same.
pub(super) fn declarations(
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
