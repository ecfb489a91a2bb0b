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
///
/// Its [`kind`](Self::kind) says what went wrong, for a caller to match on (as the csv
/// crate's `ErrorKind`); its text says where and what, in the library's words. Messages never
/// name a command-line flag: a command line that wants to point at one (`add --delimiter ';'`)
/// matches on the kind and adds it.
///
/// Boxed, as the csv crate boxes its error: a `Result` of it stays one word wide.
#[derive(Debug)]
pub struct BatchError(Box<Inner>);

#[derive(Debug)]
struct Inner {
    kind: BatchErrorKind,
    location: Option<Location>,
    message: String,
    source: Option<io::Error>,
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = &self.0.location {
            write!(f, "{location}: ")?;
        }
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for BatchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_ref()
            .map(|err| err as &(dyn std::error::Error + 'static))
    }
}

/// What kind of problem a [`BatchError`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BatchErrorKind {
    /// The input is not CSV text: a workbook, or UTF-16 or UTF-32 text.
    NotCsv,
    /// A header cell, or a cell of a file read whole (dosing), is not UTF-8.
    NotUtf8,
    /// The header does not fit what the run reads.
    Header(HeaderProblem),
    /// A row has more or fewer fields than the header.
    UnequalFields,
    /// A quoted field opens and the input ends inside it.
    UnclosedQuote,
    /// A record runs past the size or field limit of the reader.
    TooLarge,
    /// A cell of a file read whole (a dosing schedule) is unusable.
    Cell,
    /// A date cell of a file read whole cannot be read; the kind says why.
    Date(crate::batch::DateErrorKind),
    /// Reading failed below the CSV layer; the [`source`](std::error::Error::source) says why.
    Io,
    /// A file read twice changed in between: the two reads may disagree on what it holds.
    Changed,
    /// A FHIR input is not JSON resources, or a line or document of it is too large
    /// ([`ResponseError`](crate::fhir::response::ResponseError)).
    Resource,
    /// The options name an instrument the registry does not have.
    UnknownInstrument,
    /// A declared non-answer code is a real answer on an instrument of the file.
    NonAnswerCodeIsAnAnswer {
        /// The code.
        code: u64,
    },
}

/// Why a header does not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderProblem {
    /// No header row: an empty file, or only blank lines.
    Missing,
    /// A single column whose name holds another common delimiter: the file looks delimited
    /// by `delimiter`.
    LooksDelimited {
        /// The delimiter the name holds.
        delimiter: char,
    },
    /// No patient id column of the name the options give.
    NoPatientColumn,
    /// No column of a name the file format fixes (a dosing schedule's `patient_id`).
    MissingColumn,
    /// No date column of the name the options give.
    NoNamedDateColumn {
        /// The name asked for.
        name: String,
        /// The header's columns, as listed in the message.
        found: String,
    },
    /// No date column, and the run needs dates.
    NoDateColumn,
    /// A column the run reads appears more than once.
    AmbiguousColumn,
    /// No instrument has its item columns in the header.
    NoInstrumentColumns,
    /// A REDCap export holds none of the fields its data dictionary maps to items.
    NoMappedFields,
    /// Some instrument lacks some of its item columns, or an instrument asked for has none.
    IncompleteInstrument,
    /// The column renames do not fit the header.
    Rename(RenameProblem),
    /// Not the header of the file expected (a visits file given as the dosing schedule).
    WrongFile,
}

/// Why the column renames do not fit a header.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RenameProblem {
    /// One source column renamed twice.
    SourceTwice {
        /// The column.
        source: String,
        /// The first new name.
        first: String,
        /// The second new name.
        second: String,
    },
    /// A source column that appears more than once in the header.
    SourceRepeated {
        /// The column.
        source: String,
    },
    /// Two columns renamed to one name.
    TargetTwice {
        /// The first column renamed to it.
        first: String,
        /// The second column renamed to it.
        second: String,
        /// The new name.
        target: String,
    },
    /// A source column the header does not have.
    SourceAbsent {
        /// The column.
        source: String,
        /// The header's columns, as listed in the message.
        found: String,
    },
    /// A new name the header already has.
    TargetExists {
        /// The column renamed.
        source: String,
        /// The new name.
        target: String,
    },
}

impl BatchError {
    /// An error of `kind` at `location`, described by `message`.
    pub(crate) fn new(kind: BatchErrorKind, location: Location, message: String) -> Self {
        BatchError(Box::new(Inner {
            kind,
            location: Some(location),
            message,
            source: None,
        }))
    }

    /// An error of the options, tied to no place in a file.
    pub(crate) fn options(kind: BatchErrorKind, message: String) -> Self {
        BatchError(Box::new(Inner {
            kind,
            location: None,
            message,
            source: None,
        }))
    }

    /// A failure to read `source_name` below the CSV layer.
    pub(crate) fn io(source_name: &str, source: io::Error) -> Self {
        BatchError(Box::new(Inner {
            kind: BatchErrorKind::Io,
            location: Some(Location::file(source_name)),
            message: "read failed".to_owned(),
            source: Some(source),
        }))
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> &BatchErrorKind {
        &self.0.kind
    }

    /// Where it is: the file, and the line and field when the problem has one; `None` for
    /// a problem of the options.
    pub fn location(&self) -> Option<&Location> {
        self.0.location.as_ref()
    }

    /// What was found and what was expected, without the location.
    pub fn message(&self) -> &str {
        &self.0.message
    }
}
