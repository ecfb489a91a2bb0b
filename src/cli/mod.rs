//! The command line: one module per subcommand, plus rendering and output plumbing.

pub(crate) mod args;
mod enter;
mod generate;
mod hints;
mod input;
mod instruments;
mod output;
mod prompt;
mod render;
pub(crate) mod report;
mod report_command;
mod score;
mod score_rows;
mod signals;
mod today;
mod trend;

use std::path::Path;

use anyhow::Context as _;
use symscore::Registry;

use args::{Cli, Command};
pub(crate) use report::ExitStatus;

/// Runs one parsed command line.
pub(crate) fn run(mut cli: Cli) -> anyhow::Result<ExitStatus> {
    cli.resolve_standard_output();
    cli.refuse_fhir_outside_score()?;
    let checking = matches!(
        &cli.command,
        Command::Instruments(args::InstrumentsArgs {
            action: Some(args::InstrumentsAction::Check { .. }),
            ..
        })
    );
    signals::remove_temporary_files_on_signals();
    if let Some(dir) = &cli.instruments_dir {
        output::protect_instruments_dir(dir);
    }
    // The man page and completions describe the options, not the instruments: a broken
    // --instruments-dir must not stop them.
    let command = match cli.command {
        Command::Generate(args) => return generate::run(args),
        command => command,
    };
    let registry = match load_registry(cli.instruments_dir.as_deref()) {
        Ok(registry) => registry,
        // `instruments check` is how a user finds what is wrong with a definition, so a
        // directory that does not load must not stop it.
        Err(err) if checking => {
            report::message_lines(&format!("warning: {err:#}"));
            report::message("warning: checking against the built-in instruments only");
            Registry::builtin()
        }
        Err(err) => return Err(err),
    };
    let result = match command {
        Command::Score(args) => score::run(args, &registry),
        Command::Trend(args) => trend::run(args, &registry),
        Command::Report(args) => report_command::run(args, &registry),
        Command::Instruments(args) => instruments::run(args, &registry),
        Command::Enter(args) => enter::run(args, &registry),
        Command::Generate(_) => unreachable!("generated above, without the registry"),
    };
    result.map_err(hints::with_flag_hint)
}

/// The built-in instruments plus `--instruments-dir` (or `SYMSCORE_INSTRUMENTS`).
fn load_registry(instruments_dir: Option<&Path>) -> anyhow::Result<Registry> {
    let mut registry = Registry::builtin();
    if let Some(dir) = instruments_dir {
        let replaced = registry.load_dir(dir).with_context(|| {
            format!(
                "cannot load instrument definitions from `{}`",
                dir.display()
            )
        })?;
        // Output cannot tell a replaced definition from the built-in one, so say it every run.
        for id in replaced {
            report::message(&format!(
                "symscore: using `{id}` from {} instead of the built-in definition",
                registry.origin(&id).unwrap_or_default()
            ));
        }
    }
    Ok(registry)
}
