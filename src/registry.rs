//! The set of instruments a run can score: the built-in ones plus a user's directory.

use std::path::Path;

use crate::error::DefinitionError;
use crate::instrument::{Instrument, builtin_definitions, load_definition_file, parse_definition};

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

    /// Adds every `*.json` file in `dir`; a definition whose id is built in replaces the
    /// built-in one. Two files in `dir` with the same id are an error, as is any invalid file:
    /// a clinic's definitions must all load before anything is scored with them.
    pub fn load_dir(&mut self, dir: &Path) -> Result<(), DefinitionError> {
        let read_error = |source| DefinitionError::Read {
            path: dir.to_owned(),
            source,
        };
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(read_error)?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(read_error)?;
        paths.retain(|p| p.extension().is_some_and(|e| e == "json") && p.is_file());
        paths.sort();
        let mut added: Vec<Entry> = Vec::new();
        for path in paths {
            let instrument = load_definition_file(&path)?;
            let origin = path.display().to_string();
            if let Some(first) = added.iter().find(|e| e.instrument.id == instrument.id) {
                return Err(DefinitionError::DuplicateId {
                    id: instrument.id,
                    first: first.origin.clone(),
                    second: origin,
                });
            }
            added.push(Entry { instrument, origin });
        }
        for entry in added {
            self.insert(entry);
        }
        Ok(())
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
