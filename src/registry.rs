//! The set of instruments a run can score: the built-in ones plus a user's directory.

use std::collections::HashMap;
use std::path::Path;

use crate::error::DefinitionError;
use crate::instrument::{
    Instrument, builtin_definitions, definition_files, load_definition_file, parse_definition,
};

/// Instruments by id, in a stable order: built-ins first, then added ones by file name.
#[derive(Debug, Clone)]
pub struct Registry {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    instrument: Instrument,
    /// Where the definition came from, for messages and `instruments` listings.
    origin: String,
}

impl Registry {
    /// The instruments compiled into the binary.
    ///
    /// # Panics
    ///
    /// If a built-in definition is invalid; a test checks they all load.
    pub fn builtin() -> Self {
        let entries = builtin_definitions()
            .into_iter()
            .map(|(name, text)| Entry {
                instrument: parse_definition(name, text)
                    .unwrap_or_else(|err| panic!("built-in definition is invalid: {err}")),
                origin: "built-in".to_owned(),
            })
            .collect();
        Registry { entries }
    }

    /// Adds every definition file in `dir` (`*.json` in any case, not hidden); a definition
    /// whose id is built in replaces the built-in one, provided it keeps every built-in
    /// safety item at least as sensitive. Two files in `dir`
    /// with the same id are an error, as is any invalid file, an entry named like a
    /// definition that is not a readable file (a dangling link), and two instruments that
    /// claim one CSV column: a clinic's definitions must all load before anything is scored
    /// with them. Every failing file is reported. On error the registry is unchanged.
    /// Returns the ids of the instruments that were replaced.
    pub fn load_dir(&mut self, dir: &Path) -> Result<Vec<String>, DefinitionError> {
        let paths = definition_files(dir)?;
        let mut added: Vec<Entry> = Vec::new();
        let mut errors = Vec::new();
        for path in paths {
            let loaded = path.and_then(|path| Ok((load_definition_file(&path)?, path)));
            let (instrument, path) = match loaded {
                Ok(loaded) => loaded,
                Err(err) => {
                    errors.push(err);
                    continue;
                }
            };
            let origin = path.display().to_string();
            if let Some(first) = added.iter().find(|e| e.instrument.id == instrument.id) {
                errors.push(DefinitionError::DuplicateId {
                    id: instrument.id,
                    first: first.origin.clone(),
                    second: origin,
                });
                continue;
            }
            if let Err(problem) = self.check_replacement(&instrument) {
                errors.push(DefinitionError::WeakensSafety {
                    source_name: origin,
                    id: instrument.id,
                    problem,
                });
                continue;
            }
            added.push(Entry { instrument, origin });
        }
        if errors.is_empty() {
            let kept = self
                .entries
                .iter()
                .filter(|e| !added.iter().any(|a| a.instrument.id == e.instrument.id));
            errors = shared_columns(kept.chain(&added));
        }
        match errors.len() {
            0 => {}
            1 => return Err(errors.remove(0)),
            _ => return Err(DefinitionError::Several(errors)),
        }
        let mut replaced = Vec::new();
        for entry in added {
            if self.get(&entry.instrument.id).is_some() {
                replaced.push(entry.instrument.id.clone());
            }
            self.insert(entry);
        }
        Ok(replaced)
    }

    /// Whether `replacement` could replace the instrument of the same id here: it must keep
    /// every safety item at least as sensitive. `Ok` when no instrument has that id.
    pub fn check_replacement(&self, replacement: &Instrument) -> Result<(), String> {
        self.get(&replacement.id)
            .map_or(Ok(()), |existing| keeps_safety(existing, replacement))
    }

    /// Adds one instrument, replacing any with the same id, under the rules of
    /// [`load_dir`](Self::load_dir): a replacement keeps every safety item, and no column
    /// belongs to two instruments. On error the registry is unchanged. Only the tests add
    /// one instrument at a time; a run loads a whole directory.
    #[cfg(test)]
    fn add(
        &mut self,
        instrument: Instrument,
        origin: impl Into<String>,
    ) -> Result<(), DefinitionError> {
        let entry = Entry {
            instrument,
            origin: origin.into(),
        };
        if let Err(problem) = self.check_replacement(&entry.instrument) {
            return Err(DefinitionError::WeakensSafety {
                source_name: entry.origin,
                id: entry.instrument.id,
                problem,
            });
        }
        let kept = self
            .entries
            .iter()
            .filter(|e| e.instrument.id != entry.instrument.id);
        let mut errors = shared_columns(kept.chain(std::iter::once(&entry)));
        if let Some(error) = errors.pop() {
            return Err(error);
        }
        self.insert(entry);
        Ok(())
    }

    fn insert(&mut self, entry: Entry) {
        match self
            .entries
            .iter_mut()
            .find(|e| e.instrument.id == entry.instrument.id)
        {
            Some(existing) => *existing = entry,
            None => self.entries.push(entry),
        }
    }

    /// The instrument with this id.
    pub fn get(&self, id: &str) -> Option<&Instrument> {
        self.entries
            .iter()
            .map(|e| &e.instrument)
            .find(|i| i.id == id)
    }

    /// Where the instrument with this id was loaded from (`built-in` or a path).
    pub fn origin(&self, id: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.instrument.id == id)
            .map(|e| e.origin.as_str())
    }

    /// All instruments in listing order.
    pub fn iter(&self) -> impl Iterator<Item = &Instrument> {
        self.entries.iter().map(|e| &e.instrument)
    }

    /// The ids, comma-separated, for messages.
    pub fn ids(&self) -> String {
        self.iter()
            .map(|i| format!("`{}`", i.id))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Every CSV column claimed by two instruments, one error each. Columns are named
/// `<instrument id>_<item number>` and `<instrument id>_<extra item id>`, so instrument `a`
/// with extra item `b_1` and instrument `a_b` both claim `a_b_1`: a header holding it would
/// be read for both, and `enter a a_b` would write it twice and lose one answer. Only the
/// registry sees both definitions, so it refuses them.
fn shared_columns<'a>(entries: impl Iterator<Item = &'a Entry>) -> Vec<DefinitionError> {
    let mut owners: HashMap<String, (&'a Entry, String)> = HashMap::new();
    let mut errors = Vec::new();
    for entry in entries {
        let instrument = &entry.instrument;
        let items =
            (1..=instrument.item_count()).map(|n| (instrument.item_column(n), format!("item {n}")));
        let extras = instrument
            .extra_items
            .iter()
            .map(|e| (instrument.extra_column(e), format!("extra item `{}`", e.id)));
        for (column, role) in items.chain(extras) {
            match owners.get(&column) {
                // Within one definition, validation has made the columns distinct.
                Some((first, _)) if first.instrument.id == instrument.id => {}
                Some((first, first_role)) => errors.push(DefinitionError::SharedColumn {
                    first: format!(
                        "{first_role} of `{}` ({})",
                        first.instrument.id, first.origin
                    ),
                    second: format!("{role} of `{}` ({})", instrument.id, entry.origin),
                    column,
                }),
                None => {
                    owners.insert(column, (entry, role));
                }
            }
        }
    }
    errors
}

/// A replacement must keep each safety item of the definition it replaces: the same item,
/// the same flags, and a threshold no higher (reference §2.4: item 9 is never optional).
fn keeps_safety(existing: &Instrument, replacement: &Instrument) -> Result<(), String> {
    for safety in &existing.safety_items {
        let kept = replacement
            .safety_items
            .iter()
            .find(|s| s.item == safety.item);
        match kept {
            None => {
                return Err(format!(
                    "drops safety item {} (`{}`)",
                    safety.item, safety.positive_flag
                ));
            }
            Some(s)
                if s.positive_flag != safety.positive_flag
                    || s.missing_flag != safety.missing_flag =>
            {
                return Err(format!(
                    "renames the flags of safety item {} (`{}`, `{}`)",
                    safety.item, safety.positive_flag, safety.missing_flag
                ));
            }
            Some(s) if s.min_value > safety.min_value => {
                return Err(format!(
                    "raises the threshold of safety item {} from {} to {}",
                    safety.item, safety.min_value, s.min_value
                ));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Registry;
    use crate::instrument::{Instrument, parse_definition};

    #[test]
    fn builtin_instruments_load() {
        let registry = Registry::builtin();
        let ids: Vec<_> = registry.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["phq9", "gad7", "pcl5"]);
    }

    fn definition(id: &str, extra_item: Option<&str>) -> Instrument {
        let text =
            include_str!("../examples/screen2.json").replace("\"phq2\"", &format!("\"{id}\""));
        let text = match extra_item {
            Some(extra) => text.replace(
                "\"missing\": {",
                &format!(
                    "\"extra_items\": [{{\"id\": \"{extra}\", \"label\": \"x\"}}], \"missing\": {{"
                ),
            ),
            None => text,
        };
        parse_definition(id, &text).unwrap()
    }

    #[test]
    fn add_refuses_a_column_another_instrument_owns_and_changes_nothing() {
        let mut registry = Registry::builtin();
        registry
            .add(definition("a", Some("b_1")), "a.json")
            .unwrap();
        let err = registry
            .add(definition("a_b", None), "a_b.json")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "column `a_b_1` would be both extra item `b_1` of `a` (a.json) and item 1 of `a_b` (a_b.json); rename an instrument or extra item id so that each column belongs to one instrument"
        );
        assert!(registry.get("a_b").is_none());
        // Replacing `a` by a definition without the extra item frees the column.
        registry.add(definition("a", None), "a2.json").unwrap();
        registry.add(definition("a_b", None), "a_b.json").unwrap();
    }

    #[test]
    fn add_refuses_a_replacement_that_drops_a_safety_item() {
        let mut registry = Registry::builtin();
        let err = registry
            .add(definition("phq9", None), "phq9.json")
            .unwrap_err();
        assert!(err.to_string().contains("drops safety item 9"), "{err}");
        assert_eq!(registry.origin("phq9"), Some("built-in"));
    }
}
