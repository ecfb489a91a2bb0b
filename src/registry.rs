//! The set of instruments a run can score: the built-in ones plus a user's directory.

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

    /// Adds every definition file in `dir` (`*.json` in any case, not hidden; see
    /// [`definition_files`]); a definition whose id is built in replaces the
    /// built-in one, provided it keeps every built-in safety item at least as sensitive.
    /// Two files in `dir` with the same id are an error, as is any invalid file: a clinic's
    /// definitions must all load before anything is scored with them. An entry named like a
    /// definition that is not a readable file (a dangling link) is an error too, never
    /// skipped. Every failing file is reported. Returns the ids of the instruments that were replaced.
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
            if let Some(existing) = self.get(&instrument.id)
                && let Err(problem) = keeps_safety(existing, &instrument)
            {
                errors.push(DefinitionError::WeakensSafety {
                    source_name: origin,
                    id: instrument.id,
                    problem,
                });
                continue;
            }
            added.push(Entry { instrument, origin });
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

    /// Adds one instrument, replacing any with the same id.
    pub fn add(&mut self, instrument: Instrument, origin: impl Into<String>) {
        self.insert(Entry {
            instrument,
            origin: origin.into(),
        });
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

    #[test]
    fn builtin_instruments_load() {
        let registry = Registry::builtin();
        let ids: Vec<_> = registry.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["phq9", "gad7", "pcl5"]);
    }
}
