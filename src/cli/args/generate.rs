//! `symscore generate`: the man page and shell completions, made at run time from the same
//! command-line definition that parses arguments, so they cannot drift from it and the build
//! does not pay for them (no build script).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use clap_complete::Shell;

pub(super) const GENERATE_EXAMPLES: &str = "\
Examples:
  symscore generate man -o symscore.1 && man ./symscore.1
  symscore generate completions bash > ~/.local/share/bash-completion/completions/symscore
  symscore generate completions zsh > ~/.zfunc/_symscore   # with fpath+=~/.zfunc
  symscore generate completions fish > ~/.config/fish/completions/symscore.fish";

#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    #[command(subcommand)]
    pub(crate) what: GenerateAction,
}

#[derive(Debug, Subcommand)]
pub(crate) enum GenerateAction {
    /// The manual page symscore.1 (roff): every command and every option on one page.
    Man {
        #[command(flatten)]
        output: GeneratedOutput,
    },
    /// A completion script for SHELL: commands, options and their values.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum, value_name = "SHELL")]
        shell: Shell,

        #[command(flatten)]
        output: GeneratedOutput,
    },
}

/// Where a generated file goes: the same `-o` as every command, without --format.
#[derive(Debug, Args)]
pub(crate) struct GeneratedOutput {
    /// Write to FILE instead of standard output (`-` is standard output); a regular file is
    /// replaced atomically.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

impl GenerateAction {
    pub(crate) fn output_mut(&mut self) -> &mut Option<PathBuf> {
        match self {
            GenerateAction::Man { output } | GenerateAction::Completions { output, .. } => {
                &mut output.output
            }
        }
    }
}
