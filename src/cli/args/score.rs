//! `symscore score`: its arguments and its long help.

use std::path::PathBuf;

use clap::Args;

use super::{InputArgs, OutputArgs};

pub(super) const SCORE_EXAMPLES: &str = "\
Examples:
  symscore score -i phq9 --items 1,2,0,3,1,0,0,2,1
  symscore score -i gad7 --items 1,,2,0,1,1,0          # a blank item is missing
  symscore score visits.csv                             # every instrument in the header
  cat visits.csv | symscore score --format jsonl        # `-` or no FILE reads stdin
  symscore score --input-format fhir responses.ndjson   # FHIR QuestionnaireResponses
  symscore score records.csv --redcap-dictionary dictionary.csv --na UNK,NASK
  symscore score nhanes.csv --patient-column SEQN --na 7,9 \\
      --map DPQ010=phq9_1,DPQ020=phq9_2,DPQ030=phq9_3,DPQ040=phq9_4,DPQ050=phq9_5 \\
      --map DPQ060=phq9_6,DPQ070=phq9_7,DPQ080=phq9_8,DPQ090=phq9_9,DPQ100=phq9_difficulty

Input: one row per visit with a patient column, an optional date column and item columns
named <instrument>_<n> (phq9_1 … phq9_9, gad7_1 … gad7_7, pcl5_1 … pcl5_20), plus
optional unscored columns such as phq9_difficulty. A row whose items for an instrument are
all blank means that instrument was not given at that visit.

Blank items: a total is prorated up to each instrument's limit (PHQ-9: 2 items; `symscore
instruments show ID` gives the rule); beyond it there is no total (INVALID_TOO_MANY_MISSING).
Safety: an endorsed or unanswered safety item (PHQ-9 item 9) is flagged (ITEM9_POSITIVE,
ITEM9_MISSING) and reported on stderr on a line starting `!!`; a blank is never read as 0.

Output fields: patient_id, date, instrument, total, total_exact, max, severity, answered,
missing, prorated, flags, subscales, line, instrument_version.

Exit status: 0 all scored; 1 some input rejected (reported on stderr, the rest scored);
2 usage error, unreadable file, malformed CSV.";

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
        conflicts_with_all = ["patient_column", "date_column", "date_format", "renames", "delimiter", "strict", "redcap_dictionary", "input_format"]
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
