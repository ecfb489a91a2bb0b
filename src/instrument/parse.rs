//! From definition text to a checked [`Instrument`].

use std::path::Path;

use super::Instrument;
use super::locate::locate;
use super::raw::RawInstrument;
use super::validate::validate;
use crate::error::{DefinitionError, Location};

/// Parses and validates one definition.
///
/// `source_name` is only used in messages, which keeps this a pure function of the text:
/// syntax errors carry the line, column and field path `serde_json` stopped at; rule
/// violations carry the field path and its line and column, and all of them are reported at
/// once rather than one per attempt.
pub fn parse_definition(source_name: &str, text: &str) -> Result<Instrument, DefinitionError> {
    // Editors on Windows may save with a byte-order mark; it is not JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let deserializer = &mut serde_json::Deserializer::from_str(text);
    let raw: RawInstrument = serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let inner = err.inner();
        DefinitionError::Syntax {
            location: Location::at(
                source_name,
                inner.line() as u64,
                Some(inner.column() as u64),
            ),
            json_path: err.path().to_string(),
            message: strip_position(&inner.to_string()),
        }
    })?;
    validate(raw).map_err(|mut problems| {
        for problem in &mut problems {
            problem.position = locate(text, &problem.json_path);
        }
        DefinitionError::Invalid {
            source_name: source_name.to_owned(),
            problems,
        }
    })
}

/// Reads and parses a definition file.
pub fn load_definition_file(path: &Path) -> Result<Instrument, DefinitionError> {
    let text = std::fs::read_to_string(path).map_err(|source| DefinitionError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_definition(&path.display().to_string(), &text)
}

/// `serde_json` ends its messages with " at line L column C"; the location already says that.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => message[..i].to_owned(),
        _ => message.to_owned(),
    }
}
