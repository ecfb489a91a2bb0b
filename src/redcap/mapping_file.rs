//! The mapping file a user writes once per project: which REDCap field holds which item.
//!
//! ```text
//! field,item
//! phq_interest,phq9_1
//! phq_mood,phq9_2
//! visit_date,date
//! phq_score,phq9_total
//! ```
//!
//! `item` names an item column as symscore names them (`phq9_3`; `phq9_difficulty` for an
//! unscored item), `date` for the field holding the administration's date, or `<id>_total`
//! for REDCap's own calculated total. Targets are checked against the dictionary and the
//! instruments when the mapping is resolved, with this file's line in every message.

use std::io;

use crate::shown_text::show_cell;

use super::error::{RedcapError, RedcapErrorKind};
use super::table::Table;

/// What a mapping file looks like, said when its header does not fit.
const EXPECTED: &str =
    "expected a mapping file with the header `field,item`, one row per REDCap field";

/// A mapping file, read but not yet checked against a dictionary.
#[derive(Debug, Clone)]
pub struct MappingFile {
    source: String,
    entries: Vec<MappingEntry>,
    field_column: u64,
    item_column: u64,
}

/// One row of a mapping file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingEntry {
    /// The REDCap field (trimmed).
    pub field: String,
    /// The target as written (trimmed): an item column, `date` or `<id>_total`.
    pub target: String,
    /// The line the row is on.
    pub line: u64,
}

impl MappingFile {
    /// Reads a mapping file. Columns `field` and `item` are found by name (any letter case;
    /// other columns, such as a note, are allowed and not read). Fails, naming the line and
    /// column, on a missing column, a row with more or fewer fields than the header, an empty
    /// cell, and a field listed twice with two different targets (the same row twice is
    /// harmless and read once).
    pub fn read<R: io::Read>(input: R, source: &str) -> Result<MappingFile, RedcapError> {
        let table = Table::read(input, source, "mapping file")?;
        let field_column = table.require(&["field"], EXPECTED)?;
        let item_column = table.require(&["item"], EXPECTED)?;
        let mut entries: Vec<MappingEntry> = Vec::with_capacity(table.rows.len());
        for (line, row) in &table.rows {
            let cell = |column: usize, what: &str| {
                let text = row[column].trim();
                if text.is_empty() {
                    Err(RedcapError::new(
                        RedcapErrorKind::EmptyCell,
                        table.at(*line, column),
                        format!("expected {what}, found an empty cell; {EXPECTED}"),
                    ))
                } else {
                    Ok(text.to_owned())
                }
            };
            let entry = MappingEntry {
                field: cell(field_column, "a REDCap field name")?,
                target: cell(
                    item_column,
                    "an item (`phq9_3`), `date` or a total (`phq9_total`)",
                )?,
                line: *line,
            };
            match entries.iter().find(|e| e.field == entry.field) {
                Some(first) if first.target == entry.target => {}
                Some(first) => {
                    return Err(RedcapError::new(
                        RedcapErrorKind::FieldTwice,
                        table.at(*line, item_column),
                        format!(
                            "field `{}` is mapped to `{}` here and to `{}` on line {}; expected one target per field",
                            show_cell(&entry.field),
                            show_cell(&entry.target),
                            show_cell(&first.target),
                            first.line
                        ),
                    ));
                }
                None => entries.push(entry),
            }
        }
        Ok(MappingFile {
            source: source.to_owned(),
            entries,
            field_column: field_column as u64 + 1,
            item_column: item_column as u64 + 1,
        })
    }

    /// The rows, in file order, each field once.
    pub fn entries(&self) -> &[MappingEntry] {
        &self.entries
    }

    /// The file as the user named it.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The 1-based columns of `field` and `item`, for messages.
    pub(crate) fn columns(&self) -> (u64, u64) {
        (self.field_column, self.item_column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redcap::RedcapErrorKind;

    fn read(text: &str) -> Result<MappingFile, RedcapError> {
        MappingFile::read(text.as_bytes(), "map.csv")
    }

    #[test]
    fn reads_rows_with_their_lines_and_ignores_other_columns() {
        let file =
            read("\u{feff}Item, Field ,note\nphq9_1,phq_a,first\n phq9_2 ,phq_b,\n").unwrap();
        assert_eq!(
            file.entries(),
            [
                MappingEntry {
                    field: "phq_a".into(),
                    target: "phq9_1".into(),
                    line: 2
                },
                MappingEntry {
                    field: "phq_b".into(),
                    target: "phq9_2".into(),
                    line: 3
                },
            ]
        );
        assert_eq!(file.columns(), (2, 1));
    }

    #[test]
    fn refuses_a_missing_column_naming_the_header() {
        let err = read("field,items\na,phq9_1\n").unwrap_err();
        assert_eq!(err.kind, RedcapErrorKind::MissingColumn);
        assert_eq!(
            err.to_string(),
            "map.csv:1: expected a column named `item`, found the columns `field`, `items`; expected a mapping file with the header `field,item`, one row per REDCap field"
        );
    }

    #[test]
    fn refuses_an_empty_cell_with_line_and_column() {
        let err = read("field,item\na,phq9_1\nb,\n").unwrap_err();
        assert_eq!(err.kind, RedcapErrorKind::EmptyCell);
        assert_eq!(err.location.unwrap().to_string(), "map.csv:3:2");
    }

    #[test]
    fn refuses_a_row_of_the_wrong_width() {
        let err = read("field,item\na,phq9_1,x\n").unwrap_err();
        assert_eq!(err.kind, RedcapErrorKind::UnequalFields);
        assert_eq!(
            err.to_string(),
            "map.csv:2: expected 2 fields as in the header (line 1), found 3"
        );
    }

    #[test]
    fn refuses_one_field_to_two_targets_and_reads_a_repeated_row_once() {
        let err = read("field,item\na,phq9_1\nb,phq9_2\na,phq9_3\n").unwrap_err();
        assert_eq!(err.kind, RedcapErrorKind::FieldTwice);
        assert_eq!(
            err.to_string(),
            "map.csv:4:2: field `a` is mapped to `phq9_3` here and to `phq9_1` on line 2; expected one target per field"
        );
        let file = read("field,item\na,phq9_1\na,phq9_1\n").unwrap();
        assert_eq!(file.entries().len(), 1);
    }

    #[test]
    fn refuses_an_empty_file() {
        let err = read("").unwrap_err();
        assert_eq!(err.kind, RedcapErrorKind::MissingColumn);
    }
}
