//! `symscore instruments`: its actions, their arguments and the long help.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::OutputArgs;

pub(super) const INSTRUMENTS_EXAMPLES: &str = "\
Examples:
  symscore instruments                               # id, name, items, range, version, licence
  symscore instruments show phq9                     # items, answer scale, bands, flags, rules
  symscore instruments check examples/screen2.json   # validate your own definition
  symscore instruments export --fhir phq9            # FHIR R4 Questionnaire (JSON)

Exit status: 0 valid; 1 a definition was rejected; 2 unreadable file.";

#[derive(Debug, Args)]
pub(crate) struct InstrumentsArgs {
    #[command(subcommand)]
    pub(crate) action: Option<InstrumentsAction>,

    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum InstrumentsAction {
    /// List the instruments (the default).
    List {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Show one instrument: items, answer scale, bands, flags, missing-item rule, source.
    Show {
        /// Instrument id, such as `phq9`.
        id: String,
    },
    /// Write an instrument as a FHIR R4 Questionnaire (JSON).
    ///
    /// Its items with their LOINC codes, each answer with its score (the ordinalValue
    /// extension), the licence and the citation. The link ids are the CSV column names
    /// (`phq9_1`). An unknown id exits with status 2.
    Export {
        /// Instrument id, such as `phq9`.
        #[arg(long, value_name = "ID", required = true)]
        fhir: String,

        /// Write to FILE instead of standard output (`-` is standard output).
        ///
        /// A regular file is replaced atomically; refused as for `score -o`.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Validate definition files without installing them.
    Check {
        /// Definition files (*.json).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}
