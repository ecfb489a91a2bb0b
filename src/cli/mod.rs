//! The command line: one module per subcommand, plus rendering and output plumbing.

pub(crate) mod args;
mod instruments;
mod output;
mod render;
pub(crate) mod report;
mod score;
mod trend;

use anyhow::Context as _;
use symscore::Registry;

use args::{Cli, Command};
pub(crate) use report::ExitStatus;

/// Runs one parsed command line.
pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    let registry = load_registry(&cli)?;
    match cli.command {
        Command::Score(args) => score::run(args, &registry),
        Command::Trend(args) => trend::run(args, &registry),
        Command::Instruments(args) => instruments::run(args, &registry),
    }
}

/// The built-in instruments plus `--instruments-dir` (or `SYMSCORE_INSTRUMENTS`).
fn load_registry(cli: &Cli) -> anyhow::Result<Registry> {
    let mut registry = Registry::builtin();
    if let Some(dir) = &cli.instruments_dir {
        registry.load_dir(dir).with_context(|| {
            format!(
                "cannot load instrument definitions from `{}`",
                dir.display()
            )
        })?;
    }
    Ok(registry)
}
