//! `symscore report`: its arguments and long help.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{InputArgs, TrendInputs};

pub(super) const REPORT_EXAMPLES: &str = "\
Examples:
  symscore report examples/visits.csv --dosing examples/dosing.csv -o report.html
  symscore report examples/visits.csv --dosing examples/dosing.csv --patient P001,P006 -o two.html
  symscore report examples/visits.csv --dosing examples/dosing.csv --format svg --patient P001 -i phq9 -o p001-phq9.svg

One HTML file with everything inline (no script, no font, no address outside it): an index
of patients × instruments on top, then per patient and instrument a chart of the whole
course (severity bands, caseness and target lines, each dosing and its window, the baseline
with a corridor of ± the reliable change, every administration: prorated hollow, invalid as
a cross under the axis, recall mostly before the dose grey, a safety item endorsed or
unanswered ringed and marked !!), the status and change of each window in words beside it,
and the data as a table under it. Printing gives one patient per page. The analysis is
`symscore trend`'s, with the same options.

Exit status: 0 done; 1 some input rows rejected; 2 usage error, unreadable file, malformed
CSV, or --format svg without exactly one patient and one instrument to draw.";

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    #[command(flatten)]
    pub(crate) inputs: TrendInputs,

    /// What to write: one HTML page, or one chart as SVG (give exactly one --patient and one
    /// --instrument).
    #[arg(long, value_enum, value_name = "FORMAT", default_value = "html")]
    pub(crate) format: ReportFormat,

    /// The day the caseload overview on top is read, `YYYY-MM-DD` (default: today), as
    /// `trend --overview --as-of`: overdue follow-ups and days since dosing are measured to it.
    #[arg(long, value_name = "DATE", value_parser = super::trend::iso_date)]
    pub(crate) as_of: Option<jiff::civil::Date>,

    #[command(flatten)]
    pub(crate) input_options: InputArgs,

    /// Write the report to FILE instead of standard output (`-` is standard output).
    ///
    /// A regular file is replaced atomically (a temporary file renamed into place when done);
    /// a device or named pipe is written in place. Refused: an input file, a file in
    /// --instruments-dir, a file you cannot write or marked read-only, a hard-linked file.
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    /// One self-contained HTML page: every patient and instrument selected.
    Html,
    /// One standalone SVG chart: one patient × one instrument.
    Svg,
}
