//! Exit statuses and how messages and a fatal error reach the user.
//!
//! Everything symscore writes to stderr passes through [`message`], [`message_lines`] or
//! [`fatal`], and each of them shows terminal-driving characters escaped
//! (`symscore::shown_text`): messages quote patient ids, column names and cells from files,
//! and one of those must never be able to hide or rewrite the `!!` safety line after it.

use std::io::{self, Write as _};
use std::process::ExitCode;

use symscore::shown_text::{show_cell, show_lines};

/// The documented exit statuses (README, `--help`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExitStatus {
    /// Everything requested was produced.
    Success,
    /// The run completed but some input was rejected.
    Rejected,
    /// Usage error, unreadable input, malformed CSV.
    Error,
    /// A condition named by `trend --fail-on` occurred.
    Condition,
    /// The user interrupted an interactive entry (Ctrl-C): 130, as a shell reports SIGINT.
    Interrupted,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => ExitCode::SUCCESS,
            ExitStatus::Rejected => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(2),
            ExitStatus::Condition => ExitCode::from(3),
            ExitStatus::Interrupted => ExitCode::from(130),
        }
    }
}

/// Prints a fatal error on one line (with its causes) and returns exit status 2.
///
/// A closed pipe is not an error: `symscore score big.csv | head` must exit 0, as Unix
/// filters do.
pub(crate) fn fatal(err: &anyhow::Error) -> ExitCode {
    if is_broken_pipe(err) {
        return ExitCode::SUCCESS;
    }
    // An error may list several problems, one per line (every invalid field of a definition).
    write_line(&show_lines(&format!("error: {err:#}")));
    ExitStatus::Error.into()
}

pub(crate) fn is_broken_pipe(err: &anyhow::Error) -> bool {
    // The CSV and JSON writers wrap the io::Error rather than expose it as a source.
    err.chain().any(|cause| {
        let kind = if let Some(e) = cause.downcast_ref::<io::Error>() {
            Some(e.kind())
        } else if let Some(e) = cause.downcast_ref::<csv::Error>() {
            match e.kind() {
                csv::ErrorKind::Io(io) => Some(io.kind()),
                _ => None,
            }
        } else {
            cause
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
        };
        kind == Some(io::ErrorKind::BrokenPipe)
    })
}

/// Writes one message line to stderr, ignoring a closed stderr. Any terminal-driving
/// character in it is shown escaped, line breaks included: a message is one line, whatever a
/// patient id or cell quoted in it holds.
pub(crate) fn message(text: &str) {
    write_line(&show_cell(text));
}

/// Writes a message that is several lines by construction (a library error listing every
/// problem of a definition, one per line): as [`message`], but its line breaks are kept.
/// The library shows the file values inside such messages escaped, line breaks included.
pub(crate) fn message_lines(text: &str) {
    write_line(&show_lines(text));
}

fn write_line(text: &str) {
    // One write of the whole line: stderr is unbuffered, and `writeln!` would make the text
    // and the line break two system calls (a file with a million repeated visits writes a
    // million messages). A closed stderr is ignored rather than turned into a panic.
    let mut line = String::with_capacity(text.len() + 1);
    line.push_str(text);
    line.push('\n');
    let _ = io::stderr().lock().write_all(line.as_bytes());
}
