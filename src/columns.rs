//! The header of a visits file: what its column names are and which column holds what.
//!
//! One layer for every reader of the file: `score` and `trend` (`batch::header`, which adds
//! the column renames, the choice of date column and the rule that an instrument's items are
//! all present or none) and `enter --append` (`visits::layout`, which adds the columns a
//! visit needs). Both name a column the same way (`column_names`: a byte-order mark off the
//! first cell, whitespace trimmed), find it the same way (`Columns::find`: by exact name,
//! and a name used twice is an error only when it is looked up) and agree on which
//! instrument owns which column (`Columns::instrument`: `<id>_<n>` for item `n`,
//! `<id>_<extra id>` for an unscored item).
//!
//! Where the two differ, on purpose: `enter` reads only the default `PATIENT_COLUMN` and
//! `DATE_COLUMN` names (it writes the file, so the file must read with `score`'s defaults),
//! refuses a file whose dates are not all `YYYY-MM-DD` (`score` reads other layouts with
//! `--date-format` and reports a bad date per row), and accepts a header with none of an
//! instrument's columns (it adds them), where `score` needs at least one instrument.

use std::collections::BTreeMap;

use crate::instrument::Instrument;
use crate::registry::Registry;
use crate::shown_text::show_cell;

/// The patient id column that `enter` writes and `score` reads by default.
pub const PATIENT_COLUMN: &str = "patient_id";
/// The visit date column that `enter` writes and `score` reads by default.
pub const DATE_COLUMN: &str = "date";

/// The names of a header's cells: the UTF-8 byte-order mark that spreadsheet exports put
/// first is not part of the first name, and spaces around a name are not part of it either.
/// Fails at the first cell that is not UTF-8, with its 0-based index.
pub(crate) fn column_names<'c>(
    cells: impl IntoIterator<Item = &'c [u8]>,
) -> Result<Vec<String>, NotUtf8Name<'c>> {
    cells
        .into_iter()
        .enumerate()
        .map(|(index, cell)| {
            let text =
                std::str::from_utf8(cell).map_err(|error| NotUtf8Name { index, cell, error })?;
            let text = if index == 0 {
                text.trim_start_matches('\u{feff}')
            } else {
                text
            };
            Ok(text.trim().to_owned())
        })
        .collect()
}

/// A header cell that is not UTF-8.
#[derive(Debug)]
pub(crate) struct NotUtf8Name<'c> {
    /// 0-based column index.
    pub(crate) index: usize,
    pub(crate) cell: &'c [u8],
    pub(crate) error: std::str::Utf8Error,
}

/// The columns of a header, looked up by name.
#[derive(Debug)]
pub(crate) struct Columns<'h> {
    positions: BTreeMap<&'h str, Vec<usize>>,
}

/// A name looked up that more than one column has: which of two columns to read is a guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AmbiguousColumn {
    pub(crate) name: String,
    /// 0-based indices of the columns with the name, in order.
    pub(crate) indices: Vec<usize>,
}

impl AmbiguousColumn {
    /// The columns as a person counts them: `2, 5`.
    pub(crate) fn numbers(&self) -> String {
        self.indices
            .iter()
            .map(|i| (i + 1).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Where one instrument's columns are in a header, each `None` when absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InstrumentLookup {
    /// One per scored item, in item order.
    pub(crate) items: Vec<Option<usize>>,
    /// One per unscored item (`instrument.extra_items`), in order.
    pub(crate) extras: Vec<Option<usize>>,
}

impl<'h> Columns<'h> {
    pub(crate) fn new(names: &'h [String]) -> Self {
        let mut positions: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (index, name) in names.iter().enumerate() {
            positions.entry(name.as_str()).or_default().push(index);
        }
        Columns { positions }
    }

    /// The one column named `name`. Names match exactly (letter case included). Two columns
    /// with a name nobody looks up (two `notes` columns) are harmless, so a duplicate is an
    /// error here, when it is used, rather than when the header is read.
    pub(crate) fn find(&self, name: &str) -> Result<Option<usize>, AmbiguousColumn> {
        match self.positions.get(name).map(Vec::as_slice) {
            None | Some([]) => Ok(None),
            Some([one]) => Ok(Some(*one)),
            Some(many) => Err(AmbiguousColumn {
                name: name.to_owned(),
                indices: many.to_vec(),
            }),
        }
    }

    /// Where `instrument`'s item and unscored-item columns are, looked up in that order.
    pub(crate) fn instrument(
        &self,
        instrument: &Instrument,
    ) -> Result<InstrumentLookup, AmbiguousColumn> {
        let items = (1..=instrument.item_count())
            .map(|number| self.find(&instrument.item_column(number)))
            .collect::<Result<_, _>>()?;
        let extras = instrument
            .extra_items
            .iter()
            .map(|extra| self.find(&instrument.extra_column(extra)))
            .collect::<Result<_, _>>()?;
        Ok(InstrumentLookup { items, extras })
    }
}

/// The columns an instrument owns in a visits file: its items, then its unscored items.
pub(crate) fn instrument_columns(instrument: &Instrument) -> Vec<String> {
    (1..=instrument.item_count())
        .map(|number| instrument.item_column(number))
        .chain(
            instrument
                .extra_items
                .iter()
                .map(|extra| instrument.extra_column(extra)),
        )
        .collect()
}

/// The instrument in `registry` that owns the column `name`, as an item (`phq9_1`, not
/// `phq9_01`) or an unscored item (`phq9_difficulty`).
pub(crate) fn column_owner<'r>(registry: &'r Registry, name: &str) -> Option<&'r Instrument> {
    registry
        .iter()
        .find(|instrument| instrument_columns(instrument).iter().any(|c| c == name))
}

/// The item number in a column named like one of `instrument`'s items (`gad7_8` → 8),
/// whether or not the instrument has that item.
pub(crate) fn item_number(instrument: &Instrument, name: &str) -> Option<usize> {
    name.strip_prefix(&instrument.id)?
        .strip_prefix('_')?
        .parse()
        .ok()
}

/// Column names for a message: the first twelve, control characters shown escaped.
pub(crate) fn list_names(names: &[String]) -> String {
    const SHOWN: usize = 12;
    let mut listed: Vec<String> = names
        .iter()
        .take(SHOWN)
        .map(|n| format!("`{}`", show_cell(n)))
        .collect();
    if names.len() > SHOWN {
        listed.push(format!("and {} more", names.len() - SHOWN));
    }
    listed.join(", ")
}

#[cfg(test)]
mod tests;
