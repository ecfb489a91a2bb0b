//! The command-line interface definition: clap types only, no logic. The top level and what
//! several subcommands share are here; each subcommand's arguments and long help are in a
//! file of their own.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod enter;
mod generate;
mod instruments;
mod report;
mod score;
mod trend;

use enter::ENTER_EXAMPLES;
pub(crate) use enter::EnterArgs;
use generate::GENERATE_EXAMPLES;
pub(crate) use generate::{GenerateAction, GenerateArgs};
use instruments::INSTRUMENTS_EXAMPLES;
pub(crate) use instruments::{InstrumentsAction, InstrumentsArgs};
use report::REPORT_EXAMPLES;
pub(crate) use report::{ReportArgs, ReportFormat};
use score::SCORE_EXAMPLES;
pub(crate) use score::ScoreArgs;
use trend::TREND_EXAMPLES;
pub(crate) use trend::{PlateauRuleArg, TrendArgs, TrendInputs};

/// The top-level examples: each one runs as shown from the repository's top directory.
pub(crate) const EXAMPLES: &str = "\
Examples:
  symscore score -i phq9 --items 1,2,0,3,1,0,0,2,1          # one form, typed in
  symscore score examples/visits.csv                        # a file of visits
  symscore score examples/nhanes-dpq-first119.csv \\
      --patient-column SEQN --na 7,9 \\
      --map DPQ010=phq9_1,DPQ020=phq9_2,DPQ030=phq9_3,DPQ040=phq9_4,DPQ050=phq9_5 \\
      --map DPQ060=phq9_6,DPQ070=phq9_7,DPQ080=phq9_8,DPQ090=phq9_9 \\
      --map DPQ100=phq9_difficulty -o scored.csv            # a survey export
  symscore enter phq9 --patient P017 --append visits.csv    # one visit, item by item
  symscore trend examples/visits.csv --dosing examples/dosing.csv
  symscore report examples/visits.csv --dosing examples/dosing.csv -o report.html
  symscore instruments list
  source <(symscore generate completions bash)              # Tab completion in bash

Each command has examples of its own: symscore help COMMAND.";

pub(crate) const EXIT_CODES: &str = "\
Exit status:
  0  everything was scored (a closed pipe, as in `| head`, also counts as success)
  1  some input was rejected: an unusable answer, too many blanks, an unreadable
     date or patient id; or `instruments check` rejected a definition. The rest
     was still scored
  2  usage error, unreadable file, malformed CSV, a header that does not fit, an
     --instruments-dir whose definitions do not all load, an -o that may not be
     written, or a closed standard output
  3  `trend --fail-on`: a listed condition occurred
  129, 130, 143  ended by SIGHUP, SIGINT or SIGTERM (a temporary -o file is removed);
     130 also when `enter` is interrupted with Ctrl-C: nothing was saved (an
     abandoned visit is 1)

symscore flags results for clinician review. It does not diagnose and does not
recommend treatment.";

/// Score symptom questionnaires (PHQ-9, GAD-7, PCL-5, or your own) from the shell or from
/// exported CSV files.
///
/// Instruments are data files: `symscore instruments` lists them, and --instruments-dir adds
/// your own. Results go to stdout; messages, safety notices and the row summary go to stderr.
#[derive(Debug, Parser)]
#[command(
    name = "symscore",
    version,
    about,
    long_about,
    help_expected = true,
    after_help = format!("{EXAMPLES}\n\n{EXIT_CODES}")
)]
pub(crate) struct Cli {
    /// Directory of extra instrument definitions (*.json); an id that is built in replaces
    /// the built-in definition.
    #[arg(long, global = true, value_name = "DIR", env = "SYMSCORE_INSTRUMENTS")]
    pub(crate) instruments_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Score administrations from a CSV export, or one administration given with --items.
    #[command(after_long_help = SCORE_EXAMPLES)]
    Score(ScoreArgs),
    /// Follow totals through the integration window after each dosing: change, plateau, safety.
    #[command(after_long_help = TREND_EXAMPLES)]
    Trend(TrendArgs),
    /// Write one offline HTML file with a chart of each patient's course, or one chart as SVG.
    #[command(after_long_help = REPORT_EXAMPLES)]
    Report(ReportArgs),
    /// List instruments, show one, or check a definition file.
    #[command(after_long_help = INSTRUMENTS_EXAMPLES)]
    Instruments(InstrumentsArgs),
    /// Enter one visit item by item at the keyboard (or from piped lines), score it, and
    /// optionally save it to a visits CSV.
    #[command(after_long_help = ENTER_EXAMPLES)]
    Enter(EnterArgs),
    /// Print the man page or a shell completion script, made from the options themselves.
    #[command(after_long_help = GENERATE_EXAMPLES)]
    Generate(GenerateArgs),
}

/// How to read a batch input (a visits CSV, a REDCap export or FHIR responses); shared by
/// every command that reads one.
#[derive(Debug, Args)]
pub(crate) struct InputArgs {
    /// How FILE is written: `csv` (a visits file or a REDCap export) or `fhir` (FHIR R4
    /// `QuestionnaireResponse` resources: one, a Bundle, or NDJSON, told apart by content).
    ///
    /// With `fhir`, --map renames a site's own link ids to items (`--map PHQ-9.1=phq9_1`);
    /// the CSV column options do not apply.
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        default_value_t = InputFormat::Csv,
        conflicts_with_all = ["patient_column", "date_column", "na", "delimiter", "redcap_dictionary", "redcap_mapping"]
    )]
    pub(crate) input_format: InputFormat,

    /// Column with the patient id.
    #[arg(long, value_name = "COLUMN", default_value = "patient_id")]
    pub(crate) patient_column: String,

    /// Column with the visit date [default: `date` when the header has one].
    #[arg(long, value_name = "COLUMN")]
    pub(crate) date_column: Option<String>,

    /// strftime layout of the dates, such as `%d/%m/%Y` [default: ISO 8601 YYYY-MM-DD].
    #[arg(long, value_name = "LAYOUT")]
    pub(crate) date_format: Option<String>,

    /// Rename a column before anything else, as SRC=DEST (repeatable or comma-separated):
    /// `--map DPQ010=phq9_1,DPQ020=phq9_2`.
    #[arg(long = "map", value_name = "SRC=DEST", value_delimiter = ',')]
    pub(crate) renames: Vec<String>,

    /// More cell values that mean "no answer" (comma-separated), such as 7,9 for refused and
    /// don't know. Blank, NA, N/A and `.` always do. A number also matches its decimal form
    /// (7 matches 7.0).
    #[arg(
        long,
        value_name = "TOKENS",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    pub(crate) na: Vec<String>,

    /// Field delimiter: one character, or `tab`.
    #[arg(long, value_name = "CHAR", default_value = ",")]
    pub(crate) delimiter: String,

    /// Read FILE as a REDCap records export, with this data dictionary CSV.
    ///
    /// Fields map to items by an `@SYMSCORE=phq9_3` field annotation, then by
    /// --redcap-mapping, then by the order of the radio fields of a form named after an
    /// instrument (`phq9`); the record id is the patient. Each result carries the row's
    /// event and repeat instance.
    #[arg(
        long,
        value_name = "DICTIONARY",
        help_heading = "REDCap exports",
        conflicts_with_all = ["renames", "patient_column"]
    )]
    pub(crate) redcap_dictionary: Option<PathBuf>,

    /// CSV `field,item` saying which REDCap field holds which item.
    ///
    /// Written once per project: a REDCap field and the item it holds
    /// (`pcl5_memories,pcl5_1`), or `date` for the visit date field, or `phq9_total` for
    /// REDCap's own calculated total (compared with symscore's).
    #[arg(
        long,
        value_name = "FILE",
        requires = "redcap_dictionary",
        help_heading = "REDCap exports"
    )]
    pub(crate) redcap_mapping: Option<PathBuf>,
}

/// How a batch input is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum InputFormat {
    /// A visits CSV or a REDCap records export.
    Csv,
    /// FHIR R4 `QuestionnaireResponse` resources (JSON, a Bundle, or NDJSON).
    Fhir,
}

impl From<InputFormat> for symscore::batch::InputFormat {
    fn from(format: InputFormat) -> Self {
        match format {
            InputFormat::Csv => symscore::batch::InputFormat::Csv,
            InputFormat::Fhir => symscore::batch::InputFormat::Fhir,
        }
    }
}

/// Where and how results are written.
#[derive(Debug, Args)]
pub(crate) struct OutputArgs {
    /// Output format [default: table on a terminal, otherwise from the -o extension, else csv].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) format: Option<Format>,

    /// Write results to FILE instead of standard output (`-` is standard output).
    ///
    /// A regular file is replaced atomically (a temporary file renamed into place when done);
    /// a device or named pipe is written in place. Refused: an input file, a file in
    /// --instruments-dir, a file you cannot write or marked read-only, a hard-linked file.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

impl OutputArgs {
    /// `-o -` means standard output, as `-` means standard input for the visits file: it
    /// must not create a file named `-` holding the results. `./-` names such a file.
    /// `-o /dev/stdout` is standard output too: followed as a link, it would name the file
    /// standard output is open on, which would be replaced where `>>` asked to append.
    fn dash_is_standard_output(&mut self) {
        dash_is_standard_output(&mut self.output);
    }
}

/// See [`OutputArgs::dash_is_standard_output`]: `-` and the names of standard output become
/// no `-o` at all.
fn dash_is_standard_output(output: &mut Option<PathBuf>) {
    let standard = ["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"];
    if output
        .as_deref()
        .is_some_and(|path| standard.iter().any(|s| path == std::path::Path::new(s)))
    {
        *output = None;
    }
}

impl Cli {
    /// Refuses `--format fhir` and `fhir-bundle` for every command but `score`, before any
    /// file is read or created: a trend row or an instrument list is no Observation.
    pub(crate) fn refuse_fhir_outside_score(&self) -> anyhow::Result<()> {
        let formats: Vec<(&str, Option<Format>)> = match &self.command {
            Command::Trend(args) => vec![("trend", args.output.format)],
            Command::Enter(args) => vec![("enter", args.output.format)],
            Command::Instruments(args) => {
                let mut formats = vec![("instruments", args.output.format)];
                if let Some(InstrumentsAction::List { output }) = &args.action {
                    formats.push(("instruments list", output.format));
                }
                formats
            }
            Command::Score(_) | Command::Generate(_) | Command::Report(_) => Vec::new(),
        };
        for (command, format) in formats {
            if let Some(format) = format {
                format.refuse_fhir(command)?;
            }
        }
        Ok(())
    }

    /// Applies the `-` convention to every `-o` of the command line, so each writer sees
    /// standard output as the absence of `-o`.
    pub(crate) fn resolve_standard_output(&mut self) {
        let outputs: Vec<&mut OutputArgs> = match &mut self.command {
            Command::Score(args) => vec![&mut args.output],
            Command::Trend(args) => vec![&mut args.output],
            Command::Enter(args) => vec![&mut args.output],
            Command::Instruments(args) => {
                let mut outputs = vec![&mut args.output];
                match &mut args.action {
                    Some(InstrumentsAction::List { output }) => outputs.push(output),
                    Some(InstrumentsAction::Export { output, .. }) => {
                        dash_is_standard_output(output);
                    }
                    _ => {}
                }
                outputs
            }
            Command::Generate(args) => {
                dash_is_standard_output(args.what.output_mut());
                Vec::new()
            }
            Command::Report(args) => {
                dash_is_standard_output(&mut args.output);
                Vec::new()
            }
        };
        for output in outputs {
            output.dash_is_standard_output();
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Aligned table for reading, drawn in blocks of 1000 rows as they arrive.
    Table,
    /// One row per administration, header first.
    Csv,
    /// One JSON array of records.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// `score` only: FHIR R4 Observations, one JSON resource per line (NDJSON).
    Fhir,
    /// `score` only: one FHIR R4 `collection` Bundle of the Observations.
    FhirBundle,
}

impl Format {
    /// Refuses a FHIR format for `command`, which does not write FHIR: only `score` does.
    fn refuse_fhir(self, command: &str) -> anyhow::Result<Self> {
        if matches!(self, Format::Fhir | Format::FhirBundle) {
            anyhow::bail!(
                "`{command}` cannot write `--format {}`: FHIR Observations are written by \
                 `symscore score --format fhir` or `--format fhir-bundle`; use table, csv, json \
                 or jsonl here",
                if self == Format::Fhir {
                    "fhir"
                } else {
                    "fhir-bundle"
                }
            );
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
