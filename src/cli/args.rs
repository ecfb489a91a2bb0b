//! The command-line interface definition: clap types only, no logic.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit status:
  0  everything was scored (a closed pipe, as in `| head`, also counts as success)
  1  some input was rejected: an unusable answer, too many blanks, an unreadable
     date or patient id; or `instruments check` rejected a definition. The rest
     was still scored
  2  usage error, unreadable file, malformed CSV, a header that does not fit, an
     --instruments-dir whose definitions do not all load, an -o that may not be
     written, or a closed standard output
  129, 130, 143  ended by SIGHUP, SIGINT or SIGTERM (a temporary -o file is removed)
  3  `trend --fail-on`: a listed condition occurred
  130 `enter` was interrupted with Ctrl-C: nothing was saved (an abandoned visit is 1)

symscore flags results for clinician review. It does not diagnose and does not
recommend treatment.";

/// Score symptom questionnaires (PHQ-9, GAD-7, PCL-5, or your own) from the shell or from
/// exported CSV files.
///
/// Instruments are data files: `symscore instruments` lists them, and --instruments-dir adds
/// your own. Results go to stdout; messages, safety notices and the row summary go to stderr.
#[derive(Debug, Parser)]
#[command(name = "symscore", version, about, long_about, help_expected = true, after_help = EXIT_CODES)]
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
    /// List instruments, show one, or check a definition file.
    #[command(after_long_help = INSTRUMENTS_EXAMPLES)]
    Instruments(InstrumentsArgs),
    /// Enter one visit item by item at the keyboard (or from piped lines), score it, and
    /// optionally save it to a visits CSV.
    #[command(after_long_help = ENTER_EXAMPLES)]
    Enter(EnterArgs),
}

const SCORE_EXAMPLES: &str = "\
Examples:
  symscore score -i phq9 --items 1,2,0,3,1,0,0,2,1
  symscore score -i gad7 --items 1,,2,0,1,1,0          # a blank item is missing
  symscore score visits.csv                             # every instrument in the header
  cat visits.csv | symscore score --format jsonl        # `-` or no FILE reads stdin
  symscore score nhanes.csv --patient-column SEQN --na 7,9 \\
      --map DPQ010=phq9_1,DPQ020=phq9_2,DPQ030=phq9_3,DPQ040=phq9_4,DPQ050=phq9_5 \\
      --map DPQ060=phq9_6,DPQ070=phq9_7,DPQ080=phq9_8,DPQ090=phq9_9,DPQ100=phq9_difficulty

Input: one row per visit with a patient column, an optional date column and item columns
named <instrument>_<n> (phq9_1 … phq9_9, gad7_1 … gad7_7, pcl5_1 … pcl5_20), plus
optional unscored columns such as phq9_difficulty. A row whose items for an instrument are
all blank means that instrument was not given at that visit.

Output fields: patient_id, date, instrument, total, total_exact, max, severity, answered,
missing, prorated, flags, subscales, line, instrument_version.

Exit status: 0 all scored; 1 some input rejected (reported on stderr, the rest scored);
2 usage error, unreadable file, malformed CSV.";

const TREND_EXAMPLES: &str = "\
Examples:
  symscore trend visits.csv --dosing dosing.csv
  symscore trend visits.csv --dosing-date 2026-03-02 --patient P017
  symscore trend visits.csv --dosing dosing.csv --window 12w --plateau-rule slope --format json
  symscore trend visits.csv --dosing dosing.csv --flagged-only --fail-on plateau,deterioration,safety
  symscore trend visits.csv --dosing dosing.csv --param pcl5.reliable_change=15 --param '*.points=4'

For each patient, instrument and dosing: the baseline (last valid score on or before the
dosing day, within --baseline-days), every administration in the window (which ends early at
the next dosing), change from baseline, reliable change, response, remission, the plateau
status, the on-track check, and schedule and safety flags. Every parameter used is printed
with the result.

Statuses (--plateau-rule band: the last k eligible totals lie within less than the
reliable change; slope: the least-squares slope projects less than the MCID over the
horizon), checked in this order:
  INSUFFICIENT_DATA   no baseline, fewer than k eligible points, a span under D days, or the
                      latest under E days after dosing
  DETERIORATION       latest is at least the reliable change above baseline
  AT_TARGET           latest is below the target
  PLATEAU_AFTER_IMPROVEMENT / PLATEAU_NO_RELIABLE_IMPROVEMENT   flat, after a reliable
                      improvement or without one
  NO_PLATEAU          still changing
Administrations whose recall period lies mostly before the dose (PHQ-9/GAD-7 under 7 days,
PCL-5 under 15) are shown but not used by the plateau rules.

Exit status: 0 done; 1 some input rows rejected; 2 usage error, unreadable file, malformed
CSV; 3 a --fail-on condition occurred.";

const INSTRUMENTS_EXAMPLES: &str = "\
Examples:
  symscore instruments                        # id, name, items, range, version, licence
  symscore instruments show phq9              # items, answer scale, bands, flags, rules
  symscore instruments check my-scale.json    # validate your own definition

Exit status: 0 valid; 1 a definition was rejected; 2 unreadable file.";

#[derive(Debug, Args)]
pub(crate) struct ScoreArgs {
    /// CSV file of visits; `-` or nothing reads standard input.
    #[arg(value_name = "FILE", conflicts_with = "items")]
    pub(crate) input: Option<PathBuf>,

    /// Instrument to score: required with --items; with a file, score only these
    /// (repeatable or comma-separated).
    #[arg(
        short = 'i',
        long = "instrument",
        value_name = "ID",
        value_delimiter = ','
    )]
    pub(crate) instruments: Vec<String>,

    /// Answers of one administration in item order, comma-separated; leave a blank for a
    /// missing item (`1,2,,3,…`).
    #[arg(
        long,
        value_name = "LIST",
        allow_hyphen_values = true,
        requires = "instruments",
        conflicts_with_all = ["patient_column", "date_column", "date_format", "renames", "delimiter", "strict"]
    )]
    pub(crate) items: Option<String>,

    #[command(flatten)]
    pub(crate) input_options: InputArgs,

    /// Stop at the first rejected row instead of reporting every one.
    #[arg(long)]
    pub(crate) strict: bool,

    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// How to read a visits CSV; shared by every command that reads one.
#[derive(Debug, Args)]
pub(crate) struct InputArgs {
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
        let standard = ["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"];
        if self
            .output
            .as_deref()
            .is_some_and(|path| standard.iter().any(|s| path == std::path::Path::new(s)))
        {
            self.output = None;
        }
    }
}

impl Cli {
    /// Applies the `-` convention to every `-o` of the command line, so each writer sees
    /// standard output as the absence of `-o`.
    pub(crate) fn resolve_standard_output(&mut self) {
        let outputs: Vec<&mut OutputArgs> = match &mut self.command {
            Command::Score(args) => vec![&mut args.output],
            Command::Trend(args) => vec![&mut args.output],
            Command::Enter(args) => vec![&mut args.output],
            Command::Instruments(args) => {
                let mut outputs = vec![&mut args.output];
                if let Some(InstrumentsAction::List { output }) = &mut args.action {
                    outputs.push(output);
                }
                outputs
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
}

#[derive(Debug, Args)]
pub(crate) struct TrendArgs {
    /// CSV file of visits (the same format as `score`); `-` or nothing reads standard input.
    #[arg(value_name = "FILE")]
    pub(crate) input: Option<PathBuf>,

    /// CSV of dosing sessions: `patient_id,date` and an optional `label`; several per patient.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "dosing_date",
        conflicts_with = "dosing_date"
    )]
    pub(crate) dosing: Option<PathBuf>,

    /// One dosing date for every patient.
    #[arg(long, value_name = "DATE")]
    pub(crate) dosing_date: Option<String>,

    /// Only these patients (repeatable or comma-separated).
    #[arg(long = "patient", value_name = "ID", value_delimiter = ',')]
    pub(crate) patients: Vec<String>,

    /// Only these instruments (repeatable or comma-separated).
    #[arg(
        short = 'i',
        long = "instrument",
        value_name = "ID",
        value_delimiter = ','
    )]
    pub(crate) instruments: Vec<String>,

    /// Integration window after each dosing, in days (`42`) or weeks (`6w`), from 1 day to 366
    /// days (`52w`); it ends early at the next dosing.
    #[arg(long, value_name = "LENGTH", default_value = "6w")]
    pub(crate) window: String,

    /// How many days before dosing a baseline may be, from 0 to 366 (a year): a baseline
    /// further back does not describe the patient at the dose.
    #[arg(
        long,
        value_name = "DAYS",
        default_value_t = 30,
        value_parser = baseline_days
    )]
    pub(crate) baseline_days: u32,

    /// Which plateau definition decides the status.
    #[arg(long, value_enum, value_name = "RULE", default_value = "band")]
    pub(crate) plateau_rule: PlateauRuleArg,

    /// Override a change parameter for one instrument or all (`*`): `ID.NAME=VALUE` with NAME
    /// one of `reliable_change`, `mcid`, `target`, `caseness`, `response_pct`, `points`,
    /// `min_span_days`, `min_days_since_dose`, `horizon_days`.
    #[arg(long = "param", value_name = "ID.NAME=VALUE")]
    pub(crate) params: Vec<String>,

    /// Keep only summaries with a flag, deterioration, a plateau or not on track.
    #[arg(long)]
    pub(crate) flagged_only: bool,

    /// Exit with status 3 when any of these occurs (comma-separated): plateau, deterioration,
    /// safety (alias item9), not-on-track, late-followup, followup-gap, insufficient-data.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub(crate) fail_on: Vec<FailOn>,

    #[command(flatten)]
    pub(crate) input_options: InputArgs,

    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PlateauRuleArg {
    /// Definition A: the last k totals lie within less than the reliable change.
    Band,
    /// Definition B: the least-squares slope projects less than the MCID over the horizon.
    Slope,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    /// Either plateau status.
    Plateau,
    /// Status DETERIORATION or reliable deterioration.
    Deterioration,
    /// A safety item of the definition (PHQ-9 item 9) endorsed or unanswered, in a window or
    /// at an administration outside every window.
    #[value(alias = "item9")]
    Safety,
    /// Definition C: not on track.
    NotOnTrack,
    /// First follow-up later than 72 hours.
    LateFollowup,
    /// More than 14 days between administrations.
    FollowupGap,
    /// Not enough data for a status.
    InsufficientData,
}

impl From<FailOn> for symscore::trend::Condition {
    fn from(flag: FailOn) -> Self {
        use symscore::trend::Condition;
        match flag {
            FailOn::Plateau => Condition::Plateau,
            FailOn::Deterioration => Condition::Deterioration,
            FailOn::Safety => Condition::Safety,
            FailOn::NotOnTrack => Condition::NotOnTrack,
            FailOn::LateFollowup => Condition::LateFollowup,
            FailOn::FollowupGap => Condition::FollowupGap,
            FailOn::InsufficientData => Condition::InsufficientData,
        }
    }
}

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
    /// Validate definition files without installing them.
    Check {
        /// Definition files (*.json).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

const ENTER_EXAMPLES: &str = "\
Examples:
  symscore enter phq9 --patient P017 --append visits.csv     # date defaults to today
  symscore enter phq9 gad7 pcl5 --patient P017 --date 2026-05-04 --append visits.csv
  symscore enter gad7                                          # score only, save nothing
  printf '1\\n2\\n0\\n3\\n1\\n0\\n0\\n2\\n1\\n\\ny\\n' | \\
      symscore enter phq9 --patient P017 --append visits.csv  # scripted: one answer a line

At each item type the answer (its number), or: Enter or `s` to leave it blank, `b` to go
back one item, `?` for help, `q` to abandon the visit. Anything else is refused and the
item asked again. An item asked again (after `b`, or from the review) keeps its answer on
Enter (or `k`); `s` blanks it. Lowering or blanking an endorsed answer to a safety item
(such as PHQ-9 item 9) asks first: only `y` changes it. After the last item a review shows every answer
(marking each one changed after it was first given), the totals, severity and flags; on
a terminal you can change an answer before saving. Piped input must then send `y` (or
`yes`) to save; anything else, or the end of input, abandons the visit. Ctrl-C abandons
the visit too and says so (exit 130). One answer line holds at most 4096 bytes.

The terminal prompts are used when standard input and standard error are both terminals;
otherwise one answer is read per line and prompts go to standard error.

Saving appends one row (patient_id, date, then each instrument's item columns) to the
file, adding missing columns to its header; every existing cell is kept byte for byte.
The file is replaced atomically (temporary file, sync, rename) under a lock on a sidecar
file `.FILE.lock`, so two people saving at once both land. Nothing is written before you
confirm: `q`, Ctrl-C or the end of input leave the file exactly as it was.

Exit status: 0 the visit was completed (and saved, with --append); 1 the visit was
abandoned (`q`, declined review, end of input) and nothing was saved; 2 usage error, a
file that cannot be read or written, or an answer line over 4096 bytes (nothing saved);
130 interrupted with Ctrl-C (nothing saved).";

#[derive(Debug, Args)]
pub(crate) struct EnterArgs {
    /// Instruments to give at this visit, asked in this order (`phq9 gad7 pcl5`).
    #[arg(required = true, value_name = "ID")]
    pub(crate) instruments: Vec<String>,

    /// Patient id; required with --append.
    #[arg(long, value_name = "ID")]
    pub(crate) patient: Option<String>,

    /// Visit date as YYYY-MM-DD, or `today`.
    #[arg(long, value_name = "DATE", default_value = "today")]
    pub(crate) date: String,

    /// Accept a visit date after today (refused by default as a likely typo).
    #[arg(long)]
    pub(crate) allow_future: bool,

    /// Save the visit as one row of this visits CSV (created if it does not exist).
    #[arg(long, value_name = "FILE")]
    pub(crate) append: Option<PathBuf>,

    /// Save (or accept) without asking for confirmation after the review.
    #[arg(short = 'y', long)]
    pub(crate) yes: bool,

    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// `--baseline-days`: plain ASCII digits, as answers and `--param` values are (`+3` is
/// refused, where clap's own integer parser would take it), from 0 to 366.
fn baseline_days(text: &str) -> Result<u32, String> {
    text.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| text.parse::<u32>().ok())
        .flatten()
        .filter(|days| *days <= 366)
        .ok_or_else(|| format!("expected a whole number of days from 0 to 366, found `{text}`"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
