//! The `symscore` command: parses arguments, runs the library, picks an exit code.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::args::Cli::parse();
    match cli::run(args) {
        Ok(status) => status.into(),
        Err(err) => cli::report::fatal(&err),
    }
}
