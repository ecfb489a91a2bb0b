//! What `trend` and `report` both do before the first patient: parse the analysis options,
//! read the dosing schedule, open the visits and find whether they are grouped by patient.
//! One place, so that a report draws exactly the trend the same options print.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use jiff::civil::Date;
use symscore::Registry;
use symscore::batch::{
    BatchOptions, DateFormat, DosingField, DosingSchedule, InputFormat, read_dosing,
};
use symscore::instrument::ChangeParams;
use symscore::trend::{DosingPlan, PatientStream, PlateauRule, TrendOptions, VisitsInput};

use super::input::{between_passes_hook, open_visits};
use super::params::{parse_window, resolve_params};
use crate::cli::args::{InputArgs, PlateauRuleArg, TrendInputs};
use crate::cli::input::{
    batch_options, check_date_layout, warn_case_mismatched_columns, warn_ignored_columns,
};

/// How every window is analysed, and the dosing sessions.
pub(crate) struct Analysis {
    pub(crate) options: TrendOptions,
    pub(crate) change_params: BTreeMap<String, ChangeParams>,
    schedule: Option<DosingSchedule>,
    common_dosing: Option<Date>,
}

impl Analysis {
    /// Every patient's dosing sessions: the schedule read, or the one common date.
    pub(crate) fn dosing_plan(&self) -> DosingPlan<'_> {
        match (&self.schedule, self.common_dosing) {
            (Some(schedule), _) => DosingPlan::Schedule(schedule),
            (None, Some(date)) => DosingPlan::common(date),
            (None, None) => unreachable!("clap requires --dosing or --dosing-date"),
        }
    }
}

/// A trend ready to run: the analysis, and the visits opened once.
pub(crate) struct Prepared {
    pub(crate) analysis: Analysis,
    pub(crate) visits: VisitsInput,
    /// How the visits are written: a CSV, or FHIR responses.
    pub(crate) format: InputFormat,
    /// The visits' name in messages.
    pub(crate) source: String,
    pub(crate) batch_options: BatchOptions,
    /// Whether the visits are grouped by patient (one patient in memory at a time).
    pub(crate) grouped: bool,
    /// `--patient`, as given.
    pub(crate) patients: Vec<String>,
    pub(crate) files: InputFiles,
}

/// The files a trend reads, which its output may not be.
pub(crate) struct InputFiles {
    input: Option<PathBuf>,
    dosing: Option<PathBuf>,
    /// A REDCap data dictionary and mapping file.
    redcap: [Option<PathBuf>; 2],
}

impl Prepared {
    /// Parses the options, reads the dosing file and opens the visits; `output` is the `-o`
    /// (never one of the inputs).
    pub(crate) fn new(
        inputs: TrendInputs,
        input_options: InputArgs,
        output: Option<&Path>,
        registry: &Registry,
    ) -> anyhow::Result<Self> {
        let TrendInputs {
            input,
            dosing,
            dosing_date,
            dosing_field,
            dosing_events,
            patients,
            instruments,
            window,
            baseline_days,
            plateau_rule,
            params,
        } = inputs;
        let date_format = match input_options.date_format.clone() {
            Some(layout) => check_date_layout(layout)?,
            None => DateFormat::Iso,
        };
        let mut options = TrendOptions::default();
        options.rule = match plateau_rule {
            PlateauRuleArg::Band => PlateauRule::Band,
            PlateauRuleArg::Slope => PlateauRule::Slope,
        };
        options.window_days = parse_window(&window)?;
        options.baseline_days = baseline_days;
        let change_params = resolve_params(registry, &params)?;
        let common_dosing = dosing_date
            .map(|text| {
                date_format.parse(text.trim()).map_err(|m| {
                    anyhow::anyhow!(
                        "--dosing-date: {m}{}",
                        crate::cli::hints::date_hint(m.kind())
                    )
                })
            })
            .transpose()?;
        let mut schedule = match &dosing {
            Some(path) => {
                let file = File::open(path)
                    .with_context(|| format!("cannot open `{}`", path.display()))?;
                Some(read_dosing(
                    file,
                    &path.display().to_string(),
                    &date_format,
                    registry,
                )?)
            }
            None => None,
        };

        let format: InputFormat = input_options.input_format.into();
        let redcap_files = [
            input_options.redcap_dictionary.clone(),
            input_options.redcap_mapping.clone(),
        ];
        let mut batch_options = batch_options(input_options, instruments, true, registry)?;
        // Repeated visits are reported per patient, wherever they are in the file.
        batch_options.report_repeats = false;
        // Other patients' rows are skipped before they are scored: none of their cells is
        // reported, and none of them changes the exit status.
        if !patients.is_empty() {
            batch_options.patients = Some(patients.iter().cloned().collect());
        }
        let (mut visits, source) = open_visits(input.as_deref(), output)?;
        if dosing_field.is_some() || !dosing_events.is_empty() {
            schedule = Some(read_dosing_field(
                &mut visits,
                &source,
                &batch_options,
                dosing_field.as_deref(),
                &dosing_events,
            )?);
        }
        let grouped = visits.patients_are_grouped(format, registry, &source, &batch_options)?;
        between_passes_hook()?;
        Ok(Prepared {
            analysis: Analysis {
                options,
                change_params,
                schedule,
                common_dosing,
            },
            visits,
            format,
            source,
            batch_options,
            grouped,
            patients,
            files: InputFiles {
                input,
                dosing,
                redcap: redcap_files,
            },
        })
    }
}

impl InputFiles {
    /// The files read, for the output policy: no input argument is standard input, as `-` is.
    pub(crate) fn reads(&self) -> [Option<&Path>; 4] {
        [
            Some(self.input.as_deref().unwrap_or(Path::new("-"))),
            self.dosing.as_deref(),
            self.redcap[0].as_deref(),
            self.redcap[1].as_deref(),
        ]
    }
}

/// The dosing sessions of `--dosing-field` or `--dosing-event`, read from the REDCap export
/// before its analysis.
fn read_dosing_field(
    visits: &mut VisitsInput,
    source: &str,
    options: &BatchOptions,
    field: Option<&str>,
    events: &[String],
) -> anyhow::Result<DosingSchedule> {
    let flag = if field.is_some() {
        "--dosing-field"
    } else {
        "--dosing-event"
    };
    let redcap = options
        .redcap
        .as_ref()
        .with_context(|| format!("{flag} needs --redcap-dictionary"))?;
    // A dosing event is dated by the visit date field, as its visits are.
    let Some(field) = field.or(options.date_column.as_deref()) else {
        bail!(
            "--dosing-event dates each session by the visit date field: map one with `@SYMSCORE=date` or a mapping file, or name it with --date-column"
        );
    };
    let dosing_field = DosingField {
        record_column: &options.patient_column,
        field,
        event_column: redcap.event_column.as_deref(),
        // REDCap writes a date field as `2025-02-03` and a datetime field as
        // `2025-02-03 09:30`: either way the day is the dosing date.
        date_has_time: true,
        events,
    };
    match visits.dosing_field(source, &options.date_format, &dosing_field) {
        Some(schedule) => Ok(schedule?),
        None => bail!(
            "{flag} reads the dosing dates before the visits, so the export must be a file, not standard input: give its path"
        ),
    }
}

/// Reads the header of the visits and warns about columns it ignores.
pub(crate) fn open_stream<'i, 'v>(
    registry: &'i Registry,
    format: InputFormat,
    visits: &'v mut VisitsInput,
    source: &str,
    batch_options: BatchOptions,
    grouped: bool,
) -> anyhow::Result<PatientStream<'i, 'v>> {
    let stream = PatientStream::open(format, registry, visits, source, batch_options, grouped)?;
    warn_ignored_columns(source, stream.reader().ignored_item_like_columns());
    warn_case_mismatched_columns(source, stream.reader().case_mismatched_columns());
    Ok(stream)
}
