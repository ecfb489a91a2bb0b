//! Where in an input a problem is, and the library's error types.
//!
//! Every message follows one shape: `<where>: <what was found>, expected <what>`, so that
//! a clinician reading stderr can go straight to the cell or the definition field.

use std::fmt::{self, Write as _};
use std::io;
use std::path::PathBuf;

use crate::shown_text::show_cell;

/// A place in an input file, 1-based as editors count.
///
/// For CSV input `column` is the field number (the first field is column 1), which is what
/// spreadsheet users mean by "column" and what `cut -d, -f` takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file as the user named it (`<stdin>` for standard input).
    pub source: String,
    /// The 1-based line number; `None` when the problem is not tied to one line.
    pub line: Option<u64>,
    /// The 1-based column or field number.
    pub column: Option<u64>,
}

impl Location {
    /// A location naming only the file.
    pub fn file(source: impl Into<String>) -> Self {
        Location {
            source: source.into(),
            line: None,
            column: None,
        }
    }

    /// A location naming a line, and optionally a column, of a file.
    pub fn at(source: impl Into<String>, line: u64, column: Option<u64>) -> Self {
        Location {
            source: source.into(),
            line: Some(line),
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// Why an instrument definition could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DefinitionError {
    /// The file could not be read.
    #[error("{path}: cannot read instrument definition")]
    Read {
        /// The file.
        path: PathBuf,
        /// The underlying failure.
        #[source]
        source: io::Error,
    },
    /// An entry of an instruments directory that looks like a definition (`*.json`) but is
    /// not a file that can be read: a dangling symbolic link, a directory, a FIFO.
    #[error("{}: expected an instrument definition file, found {found}", show_cell(&.path.display().to_string()))]
    NotAFile {
        /// The entry.
        path: PathBuf,
        /// What it is instead.
        found: String,
    },
    /// The file is longer than a definition can be (a wrong path, `/dev/zero`).
    #[error(
        "{source_name}: expected an instrument definition of at most {limit} bytes (1 MiB), found a longer file; is this the right file?"
    )]
    TooLarge {
        /// The file as the user named it.
        source_name: String,
        /// The most bytes a definition may have.
        limit: u64,
    },
    /// The text is not JSON, or a field has the wrong type or name.
    #[error("{location}: {message}{}", json_path_suffix(.json_path))]
    Syntax {
        /// Where `serde_json` stopped.
        location: Location,
        /// The field path (`items[3].label`), when known.
        json_path: String,
        /// What was wrong, without `serde_json`'s own position suffix.
        message: String,
    },
    /// The JSON is well formed but breaks a rule of the definition format.
    #[error("{}", render_invalid(.source_name, .problems))]
    Invalid {
        /// The file as the user named it.
        source_name: String,
        /// Every rule broken, in file order.
        problems: Vec<DefinitionProblem>,
    },
    /// A definition would replace a built-in one but drop or weaken one of its safety items.
    #[error(
        "{source_name}: `{id}` would replace the built-in definition but {problem}; safety items may be added or made more sensitive, never removed"
    )]
    WeakensSafety {
        /// The file.
        source_name: String,
        /// Instrument id.
        id: String,
        /// What it drops or weakens.
        problem: String,
    },
    /// Several files in a directory failed; every one is listed.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Several(Vec<DefinitionError>),
    /// Two instruments would read and write the same CSV column.
    #[error(
        "column `{column}` would be both {first} and {second}; rename an instrument or extra item id so that each column belongs to one instrument"
    )]
    SharedColumn {
        /// The column name.
        column: String,
        /// The item that claims it first, with its instrument and file.
        first: String,
        /// The item that claims it too, with its instrument and file.
        second: String,
    },
    /// Two definitions claim the same id.
    #[error("{second}: instrument id `{id}` is already defined by {first}")]
    DuplicateId {
        /// The id both files use.
        id: String,
        /// The file loaded first.
        first: String,
        /// The file loaded second.
        second: String,
    },
}

fn json_path_suffix(path: &str) -> String {
    if path.is_empty() || path == "." {
        String::new()
    } else {
        format!(" (at `{path}`)")
    }
}

fn render_invalid(source_name: &str, problems: &[DefinitionProblem]) -> String {
    let mut out = String::new();
    for (i, problem) in problems.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(source_name);
        out.push(':');
        if let Some((line, column)) = problem.position {
            let _ = write!(out, "{line}:{column}:");
        }
        let _ = write!(out, " `{}`: {}", problem.json_path, problem.message);
    }
    out
}

/// One broken rule in a definition file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionProblem {
    /// The field path, such as `severity.bands[2].min`.
    pub json_path: String,
    /// Line and column of that field in the file, when it could be found.
    pub position: Option<(u64, u64)>,
    /// What was found and what was expected.
    pub message: String,
}

/// A problem that stops a batch run: the input cannot be read as the expected CSV.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// The CSV is malformed (bad quoting, wrong number of fields) or unreadable.
    #[error("{location}: {message}")]
    Csv {
        /// Where the reader stopped.
        location: Location,
        /// What the CSV reader found.
        message: String,
    },
    /// Reading failed below the CSV layer.
    #[error("{source_name}: read failed")]
    Io {
        /// The file as the user named it.
        source_name: String,
        /// The underlying failure.
        #[source]
        source: io::Error,
    },
    /// The header does not fit: missing columns, duplicates, partial instruments.
    #[error("{location}: {message}")]
    Header {
        /// The header line.
        location: Location,
        /// What is wrong and what would fix it.
        message: String,
    },
    /// The options ask for something this input or registry cannot provide.
    #[error("{0}")]
    Options(String),
    /// A file read twice changed in between: the two reads may disagree on what it holds.
    #[error(
        "{source_name}: the file changed while it was being read ({what}); nothing of this run can be trusted: run it again when nothing is writing to the file"
    )]
    Changed {
        /// The file as the user named it.
        source_name: String,
        /// What changed.
        what: String,
    },
}
