//! `symscore` in a pseudo-terminal (rexpect), where `enter` uses its terminal prompter.

use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

use super::PATIENCE;

/// `command` in a pseudo-terminal, without colour and with the user's instruments directory
/// and `COLUMNS` left out; each expectation waits at most [`PATIENCE`].
pub(crate) fn spawn_in_terminal(mut command: Command) -> PtySession {
    command
        .env_remove("SYMSCORE_INSTRUMENTS")
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .env("TERM", "xterm");
    spawn_command(command, Some(PATIENCE.as_millis().try_into().unwrap())).unwrap()
}

/// rexpect turns each byte of output into one `char`, so non-ASCII text is matched in
/// that form.
pub(crate) fn bytes(text: &str) -> String {
    text.bytes().map(char::from).collect()
}

/// Waits for `text`; returns what came before it.
pub(crate) fn expect(session: &mut PtySession, text: &str) -> String {
    match session.exp_string(&bytes(text)) {
        Ok(before) => before,
        Err(err) => panic!("expected {text:?}: {err}"),
    }
}

/// The exit code, or `None` when a signal ended the program.
pub(crate) fn exit_code(session: &PtySession) -> Option<i32> {
    match session.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => Some(code),
        _ => None,
    }
}
