//! `symscore trend`: its arguments, its long help, and the values they take.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{InputArgs, OutputArgs};

pub(super) const TREND_EXAMPLES: &str = "\
Examples:
  symscore trend visits.csv --dosing dosing.csv
  symscore trend visits.csv --dosing-date 2026-03-02 --patient P017
  symscore trend visits.csv --dosing dosing.csv --window 12w --plateau-rule slope --format json
  symscore trend visits.csv --dosing dosing.csv --flagged-only --fail-on plateau,deterioration,safety
  symscore trend visits.csv --dosing dosing.csv --param pcl5.reliable_change=15 --param '*.points=4'
  symscore trend visits.csv --dosing dosing.csv --overview --as-of 2026-12-03
  symscore trend records.csv --redcap-dictionary dictionary.csv --dosing-field dosing_date
  symscore trend --input-format fhir responses.ndjson --dosing dosing.csv

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

#[derive(Debug, Args)]
pub(crate) struct TrendArgs {
    #[command(flatten)]
    pub(crate) inputs: TrendInputs,

    /// Keep only summaries with a flag, deterioration, a plateau or not on track.
    #[arg(long)]
    pub(crate) flagged_only: bool,

    /// One line per patient × instrument for the current course (the latest dosing on or
    /// before --as-of), most urgent first: safety, deterioration, not on track, plateau
    /// without and after improvement, overdue follow-up, insufficient data, no dosing, still
    /// changing, at target. With --flagged-only, only safety down to overdue.
    #[arg(long)]
    pub(crate) overview: bool,

    /// The day the overview is read, `YYYY-MM-DD` (default: today): overdue follow-ups and days
    /// since dosing are measured to it, and a dosing after it is planned, not given.
    #[arg(long, value_name = "DATE", requires = "overview", value_parser = iso_date)]
    pub(crate) as_of: Option<jiff::civil::Date>,

    /// Exit with status 3 when any of these occurs (comma-separated): plateau, deterioration,
    /// safety (alias item9), not-on-track, late-followup, followup-gap, insufficient-data.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub(crate) fail_on: Vec<FailOn>,

    #[command(flatten)]
    pub(crate) input_options: InputArgs,

    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

/// What a trend reads and how it analyses it: shared by `trend` and `report`, so the report
/// draws exactly the trend the same options print.
#[derive(Debug, Args)]
pub(crate) struct TrendInputs {
    /// CSV file of visits (the same format as `score`); `-` or nothing reads standard input.
    #[arg(value_name = "FILE")]
    pub(crate) input: Option<PathBuf>,

    /// CSV of dosing sessions: `patient_id,date` and an optional `label`; several per patient.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present_any = ["dosing_date", "dosing_field", "dosing_events"],
        conflicts_with_all = ["dosing_date", "dosing_field", "dosing_events"]
    )]
    pub(crate) dosing: Option<PathBuf>,

    /// One dosing date for every patient.
    #[arg(long, value_name = "DATE", conflicts_with_all = ["dosing_field", "dosing_events"])]
    pub(crate) dosing_date: Option<String>,

    /// The REDCap date field holding each dosing date (`dosing_date`).
    ///
    /// Every row with a value is one session of its record, labelled with its event. The
    /// export must be a file, read once for the sessions before the analysis.
    #[arg(
        long,
        value_name = "FIELD",
        requires = "redcap_dictionary",
        help_heading = "REDCap exports"
    )]
    pub(crate) dosing_field: Option<String>,

    /// The REDCap events that are dosing sessions (repeatable or comma-separated:
    /// `dosing_1_arm_1,dosing_2_arm_1`).
    ///
    /// Each record's row of such an event is one session, dated by the visit date field and
    /// labelled with the event. The export must be a file, read once for the sessions
    /// before the analysis.
    #[arg(
        long = "dosing-event",
        value_name = "EVENT",
        value_delimiter = ',',
        requires = "redcap_dictionary",
        conflicts_with = "dosing_field",
        help_heading = "REDCap exports"
    )]
    pub(crate) dosing_events: Vec<String>,

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

/// `--as-of`: an ISO 8601 calendar date, as `enter --date` takes.
pub(super) fn iso_date(text: &str) -> Result<jiff::civil::Date, String> {
    text.parse::<jiff::civil::Date>()
        .map_err(|_| format!("expected a date as YYYY-MM-DD (2026-12-03), found `{text}`"))
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
