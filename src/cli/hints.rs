//! The flags that fix a library error, added to its message.
//!
//! The library's messages say where and what, and name no command-line flag: the library has
//! no flags, and another front end would have other ones. Where a flag is the fix (a file
//! delimited by `;`, a patient column of another name), the command line matches on the
//! error's kind and says which flag, here, in one place.

use symscore::batch::{DateErrorKind, Diagnostic, DiagnosticKind, shown_delimiter};
use symscore::error::{BatchError, BatchErrorKind, HeaderProblem, RenameProblem};

/// The hint for a date that is not `YYYY-MM-DD`, the default layout.
const OTHER_DATE_LAYOUTS: &str = " (use --date-format for other layouts)";

/// `err` with the flag that fixes it, when it is a [`BatchError`] one flag fixes; otherwise
/// `err` unchanged (its causes kept).
pub(crate) fn with_flag_hint(err: anyhow::Error) -> anyhow::Error {
    match err.downcast_ref::<BatchError>().and_then(hinted) {
        Some(text) => anyhow::Error::msg(text),
        None => err,
    }
}

/// A row's diagnostic as the user reads it: the library's text and, for a date in another
/// layout, the flag that reads it.
pub(crate) fn diagnostic_text(diagnostic: &Diagnostic) -> String {
    let text = diagnostic.to_string();
    match diagnostic.kind {
        DiagnosticKind::Date(DateErrorKind::NotIso) => text + OTHER_DATE_LAYOUTS,
        _ => text,
    }
}

/// The hint for a date given on the command line (`--dosing-date`) that is not `YYYY-MM-DD`.
pub(crate) fn date_hint(kind: DateErrorKind) -> &'static str {
    match kind {
        DateErrorKind::NotIso => OTHER_DATE_LAYOUTS,
        _ => "",
    }
}

/// The whole text of an error one flag fixes, or `None`.
fn hinted(err: &BatchError) -> Option<String> {
    let at = err
        .location()
        .map(|location| format!("{location}: "))
        .unwrap_or_default();
    let message = err.message();
    let text = match err.kind() {
        BatchErrorKind::Header(problem) => match problem {
            HeaderProblem::LooksDelimited { delimiter } => {
                format!(
                    "{at}{message}: add --delimiter {}",
                    shown_delimiter(*delimiter)
                )
            }
            HeaderProblem::NoPatientColumn => {
                format!("{at}{message}; name the right one with --patient-column")
            }
            HeaderProblem::NoNamedDateColumn { name, found } => format!(
                "{at}expected the date column `{name}` named by --date-column, found columns {found}"
            ),
            HeaderProblem::NoDateColumn => format!("{at}{message}; name it with --date-column"),
            HeaderProblem::NoInstrumentColumns => {
                format!("{at}{message}; rename columns with --map SRC=DEST")
            }
            HeaderProblem::Rename(rename) => format!("{at}{}", map_message(rename)?),
            _ => return None,
        },
        BatchErrorKind::NonAnswerCodeIsAnAnswer { .. } => format!("{at}--na {message}"),
        BatchErrorKind::Date(DateErrorKind::NotIso) => format!("{at}{message}{OTHER_DATE_LAYOUTS}"),
        _ => return None,
    };
    Some(text)
}

/// What is wrong with the renames, said of `--map`; `None` for a problem this command line
/// does not know, which keeps the library's words.
fn map_message(problem: &RenameProblem) -> Option<String> {
    let text = match problem {
        RenameProblem::SourceTwice {
            source,
            first,
            second,
        } => format!(
            "--map renames `{source}` twice (to `{first}` and to `{second}`); expected each source once"
        ),
        RenameProblem::SourceRepeated { source } => {
            format!("--map names column `{source}`, which appears more than once in the header")
        }
        RenameProblem::TargetTwice {
            first,
            second,
            target,
        } => format!(
            "--map sends both `{first}` and `{second}` to `{target}`; expected each target once"
        ),
        RenameProblem::SourceAbsent { source, found } => format!(
            "--map names column `{source}`, which the header does not have (columns {found})"
        ),
        RenameProblem::TargetExists { source, target } => format!(
            "--map renames `{source}` to `{target}`, but the header already has a `{target}` column"
        ),
        _ => return None,
    };
    Some(text)
}
