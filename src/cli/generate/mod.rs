//! `symscore generate`: the man page and the shell completion scripts, made from the
//! `clap::Command` that parses the arguments, at run time (as ripgrep and just do): they list
//! exactly the commands and options the program accepts, and the build does not pay for them.

mod man;

use std::io::Write as _;

use anyhow::Context as _;
use clap::CommandFactory as _;
use clap_complete::Shell;

use crate::cli::ExitStatus;
use crate::cli::args::{Cli, GenerateAction, GenerateArgs};
use crate::cli::output::Output;

/// The program's name, as the completion scripts register it.
const BIN_NAME: &str = "symscore";

pub(crate) fn run(args: GenerateArgs) -> anyhow::Result<ExitStatus> {
    let (text, what, path) = match args.what {
        GenerateAction::Man { output } => (man::page(Cli::command())?, "man page", output.output),
        GenerateAction::Completions { shell, output } => (
            completions(shell, Cli::command()),
            "completion script",
            output.output,
        ),
    };
    // Nothing generated reads a file, so only the instruments directory is out of bounds.
    let mut out = Output::open(path.as_deref(), &[])?;
    out.write_all(&text)
        .with_context(|| format!("cannot write the {what}"))?;
    out.commit()?;
    Ok(ExitStatus::Success)
}

/// The completion script for `shell`.
fn completions(shell: Shell, mut command: clap::Command) -> Vec<u8> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, BIN_NAME, &mut script);
    script
}

#[cfg(test)]
mod tests;
