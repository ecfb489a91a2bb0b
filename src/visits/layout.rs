//! Where a visit's columns are in an existing header, and which must be added.

use super::AppendError;
use super::csv_bytes::ParsedFile;
use crate::columns::{
    AmbiguousColumn, Columns, DATE_COLUMN, PATIENT_COLUMN, instrument_columns, list_names,
};
use crate::error::Location;
use crate::instrument::Instrument;
use crate::plural::noun;

/// Where the visit's columns are in an existing header, and which must be added.
#[derive(Debug)]
pub(super) struct Layout {
    /// Header indices the new row fills (patient, date, the instruments' present columns).
    pub(super) used: Vec<usize>,
    /// Columns to add at the end, in order.
    pub(super) added: Vec<String>,
}

impl Layout {
    pub(super) fn plan(
        source: &str,
        parsed: &ParsedFile<'_>,
        instruments: &[&Instrument],
    ) -> Result<Self, AppendError> {
        let header = &parsed.header;
        let header_line = parsed.rows.first().map_or(1, |row| parsed.line(row));
        let location = || Location::at(source, header_line, None);
        let columns = Columns::new(header);
        let ambiguous = |ambiguous: AmbiguousColumn| AppendError::File {
            location: location(),
            found: format!(
                "{} columns named `{}` (columns {})",
                ambiguous.indices.len(),
                ambiguous.name,
                ambiguous.numbers()
            ),
            expected: "one".into(),
        };
        let mut used = Vec::new();
        for name in [PATIENT_COLUMN, DATE_COLUMN] {
            match columns.find(name).map_err(ambiguous)? {
                Some(index) => used.push(index),
                None => {
                    return Err(AppendError::File {
                        location: location(),
                        found: format!(
                            "no `{name}` column ({} {})",
                            noun(header.len(), "column"),
                            list_names(header)
                        ),
                        expected: format!(
                            "a `{name}` column: a saved visit always records its patient and date"
                        ),
                    });
                }
            }
        }
        parsed.check_dates(source, used[1])?;
        let mut added = Vec::new();
        for instrument in instruments {
            let lookup = columns.instrument(instrument).map_err(ambiguous)?;
            let present = lookup.items.iter().flatten().count();
            if present != 0 && present != lookup.items.len() {
                let absent: Vec<String> = (1..=instrument.item_count())
                    .zip(&lookup.items)
                    .filter(|(_, index)| index.is_none())
                    .map(|(number, _)| format!("`{}`", instrument.item_column(number)))
                    .collect();
                return Err(AppendError::File {
                    location: location(),
                    found: format!(
                        "{present} of the {} `{}` item columns (missing {})",
                        lookup.items.len(),
                        instrument.id,
                        absent.join(", ")
                    ),
                    expected: "all of them or none".into(),
                });
            }
            // The instrument's columns in `instrument_columns` order, as the lookup has them.
            let found = lookup.items.iter().chain(&lookup.extras);
            for (name, index) in instrument_columns(instrument).into_iter().zip(found) {
                match index {
                    Some(index) => used.push(*index),
                    None => added.push(name),
                }
            }
        }
        Ok(Layout { used, added })
    }
}
