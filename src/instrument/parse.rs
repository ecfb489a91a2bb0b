//! From definition text to a checked [`Instrument`].

use std::io::Read as _;
use std::path::Path;

use super::Instrument;
use super::locate::locate;
use super::raw::RawInstrument;
use super::validate::{check_plain_text, validate};
use crate::error::{DefinitionError, Location};
use crate::shown_text::show_cell;

/// Parses and validates one definition.
///
/// `source_name` is only used in messages, which keeps this a pure function of the text:
/// syntax errors carry the line, column and field path `serde_json` stopped at; rule
/// violations carry the field path and its line and column, and all of them are reported at
/// once rather than one per attempt.
pub fn parse_definition(source_name: &str, text: &str) -> Result<Instrument, DefinitionError> {
    // Editors on Windows may save with a byte-order mark; it is not JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let syntax = |line: usize, column: usize, json_path: String, message: String| {
        let (line, column) = editor_position(text, line, column);
        DefinitionError::Syntax {
            location: Location::at(source_name, line, Some(column)),
            json_path,
            message,
        }
    };
    // serde would read a JSON array as the struct's fields in order; say what is expected.
    if let Some((offset, found)) = text.char_indices().find(|(_, c)| !c.is_whitespace())
        && found != '{'
    {
        let line = text[..offset].matches('\n').count() + 1;
        let column = text[..offset]
            .rsplit('\n')
            .next()
            .map_or(0, |l| l.chars().count())
            + 1;
        return Err(syntax(
            line,
            column,
            String::new(),
            format!("expected a JSON object starting with `{{`, found `{found}`"),
        ));
    }
    let deserializer = &mut serde_json::Deserializer::from_str(text);
    let raw: RawInstrument =
        serde_path_to_error::deserialize(&mut *deserializer).map_err(|err| {
            let inner = err.inner();
            syntax(
                inner.line(),
                inner.column(),
                err.path().to_string(),
                // serde quotes an unknown field's name as written in the file.
                show_cell(&strip_position(&inner.to_string())),
            )
        })?;
    // One definition per file: anything after it (a second definition pasted in) is an error,
    // not something to ignore.
    deserializer.end().map_err(|err| {
        syntax(
            err.line(),
            err.column(),
            String::new(),
            format!(
                "{}: expected one definition per file",
                strip_position(&err.to_string())
            ),
        )
    })?;
    // Text with terminal-driving characters is refused first, so that no other message
    // quotes such a value.
    let hidden = check_plain_text(text);
    let checked = if hidden.is_empty() {
        validate(raw)
    } else {
        Err(hidden)
    };
    checked.map_err(|mut problems| {
        for problem in &mut problems {
            problem.position = locate(text, &problem.json_path);
        }
        DefinitionError::Invalid {
            source_name: source_name.to_owned(),
            problems,
        }
    })
}

/// The largest definition file read: 1 MiB.
///
/// The built-in PCL-5, the largest definition shipped, is under 10 KB; a hundred-item
/// instrument with long labels stays far below the limit. Without it, `/dev/zero` or a
/// mistyped path to a large file would be read into memory whole before being refused.
pub(crate) const MAX_DEFINITION_BYTES: u64 = 1024 * 1024;

/// Reads and parses a definition file of at most 1 MiB; a larger file is refused.
pub fn load_definition_file(path: &Path) -> Result<Instrument, DefinitionError> {
    let read_error = |source| DefinitionError::Read {
        path: path.to_owned(),
        source,
    };
    let mut bytes = Vec::new();
    // One byte past the limit tells a file of exactly the limit from a longer one.
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_DEFINITION_BYTES + 1).read_to_end(&mut bytes))
        .map_err(read_error)?;
    let source_name = path.display().to_string();
    if bytes.len() as u64 > MAX_DEFINITION_BYTES {
        return Err(DefinitionError::TooLarge {
            source_name,
            limit: MAX_DEFINITION_BYTES,
        });
    }
    let encoding_error = |line: usize, column: usize, message: String| DefinitionError::Syntax {
        location: Location::at(source_name.as_str(), line as u64, Some(column as u64)),
        json_path: String::new(),
        message,
    };
    // UTF-32 first: its little-endian mark begins with UTF-16's.
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err(encoding_error(1, 1, "expected UTF-8 text, found UTF-32; save it as UTF-8, or convert it with `iconv -f utf-32 -t utf-8`".into()));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(encoding_error(1, 1, "expected UTF-8 text, found UTF-16 (saved as \"Unicode\"); save it as UTF-8, or convert it with `iconv -f utf-16 -t utf-8`".into()));
    }
    match std::str::from_utf8(&bytes) {
        Ok(text) => parse_definition(&source_name, text),
        Err(err) => {
            let valid = &bytes[..err.valid_up_to()];
            let line = String::from_utf8_lossy(valid).matches('\n').count() + 1;
            let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&valid[line_start..])
                .chars()
                .count()
                + 1;
            Err(encoding_error(
                line,
                column,
                format!(
                    "expected UTF-8 text, found byte 0x{:02X} (a Latin-1 or Windows-1252 file? convert it with `iconv -f latin1 -t utf-8`)",
                    bytes[err.valid_up_to()]
                ),
            ))
        }
    }
}

/// `serde_json` counts columns from 0 at a line break ("line 4, column 0" is the newline that
/// ends line 3) and reports an empty input at column 0; editors count from 1.
fn editor_position(text: &str, line: usize, column: usize) -> (u64, u64) {
    if column > 0 {
        return (line as u64, column as u64);
    }
    if line <= 1 {
        return (1, 1);
    }
    let previous = text.split('\n').nth(line - 2).unwrap_or("");
    ((line - 1) as u64, previous.chars().count() as u64 + 1)
}

/// `serde_json` ends its messages with " at line L column C"; the location already says that.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => message[..i].to_owned(),
        _ => message.to_owned(),
    }
}
