//! Why a REDCap data dictionary, a mapping file or the mapping between them cannot be used.

use std::fmt;
use std::io;

use crate::error::Location;

/// A problem that stops a REDCap export from being scored: the data dictionary or the
/// mapping file cannot be read, or the mapping of fields to instrument items is unsafe.
///
/// Its [`kind`](Self::kind) says what went wrong, for a caller to match on; its text says
/// where (the file, line and column when there is one) and what, naming the field, the form
/// and what was expected. Messages never name a command-line flag: a command line that wants
/// to point at one matches on the kind and adds it.
#[derive(Debug)]
pub struct RedcapError {
    /// What kind of problem this is.
    pub kind: RedcapErrorKind,
    /// Where it is: the dictionary or mapping file, and the line and column when the
    /// problem has one; `None` when the problem is tied to no one place (nothing mapped).
    pub location: Option<Location>,
    message: String,
    source: Option<io::Error>,
}

/// What kind of problem a [`RedcapError`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedcapErrorKind {
    /// Reading failed below the CSV layer; the [`source`](std::error::Error::source) says why.
    Io,
    /// A cell is not UTF-8 text.
    NotUtf8,
    /// The file is longer than a dictionary or mapping file can be (a wrong path).
    TooLarge,
    /// The header lacks a column the file format requires, or the file has no header.
    MissingColumn,
    /// A row has more or fewer fields than the header.
    UnequalFields,
    /// A cell the format requires is empty (a field without a name or form).
    EmptyCell,
    /// The data dictionary has no fields.
    NoFields,
    /// Two rows of the data dictionary define the same field.
    DuplicateField,
    /// A choices cell is not `code, label | code, label …` with distinct codes.
    Choices,
    /// A mapping target is not an item, an extra item, `date` or `<id>_total`, or an
    /// action tag has no target.
    BadTarget,
    /// A mapping names a field the data dictionary does not have.
    UnknownField,
    /// A mapping, or the instruments asked for, name an instrument the registry does not have.
    UnknownInstrument,
    /// A mapping names an item the instrument does not have (`phq9_10`).
    UnknownItem,
    /// Two fields are mapped to one item (or to one total, or both to the date).
    ItemTwice,
    /// One field is mapped to two different targets (by its annotation and the mapping
    /// file, or twice in one of them).
    FieldTwice,
    /// An instrument is mapped on a form with some of its items but not all.
    IncompleteInstrument,
    /// One instrument is mapped on two forms.
    InstrumentOnTwoForms,
    /// A mapped field cannot hold an answer of the item (a checkbox, a calculation, a
    /// free-text field).
    NotAnAnswerField,
    /// A mapped field's choice codes (or integer limits) are not the item's scale.
    ScaleMismatch,
    /// The field mapped to `date` is not a text field with a date or date-time validation.
    NotADateField,
    /// The field mapped to an instrument's total is not a calculated or integer field.
    NotATotalField,
    /// No form of the dictionary is mapped to an instrument.
    NothingMapped,
    /// An instrument asked for is mapped on no form.
    InstrumentNotMapped,
}

impl RedcapError {
    /// An error of `kind` at `location`, described by `message`.
    pub(crate) fn new(kind: RedcapErrorKind, location: Location, message: String) -> Self {
        RedcapError {
            kind,
            location: Some(location),
            message,
            source: None,
        }
    }

    /// An error tied to no one place in a file.
    pub(crate) fn unplaced(kind: RedcapErrorKind, message: String) -> Self {
        RedcapError {
            kind,
            location: None,
            message,
            source: None,
        }
    }

    /// A failure to read `source_name` below the CSV layer.
    pub(crate) fn io(source_name: &str, source: io::Error) -> Self {
        RedcapError {
            kind: RedcapErrorKind::Io,
            location: Some(Location::file(source_name)),
            message: "read failed".to_owned(),
            source: Some(source),
        }
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> &RedcapErrorKind {
        &self.kind
    }

    /// What was found and what was expected, without the location.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for RedcapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = &self.location {
            write!(f, "{location}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for RedcapError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|err| err as &(dyn std::error::Error + 'static))
    }
}
