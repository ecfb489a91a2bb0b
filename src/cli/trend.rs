//! `symscore trend`: per patient × instrument × dosing change and plateau summaries, and
//! every administration no window covers. The analysis is the library's
//! ([`symscore::trend::PatientStream`]); this parses the arguments, calls it and renders.

use std::fs::File;

use anyhow::Context as _;
use symscore::Registry;
use symscore::batch::{DateFormat, DosingSchedule, read_dosing};
use symscore::trend::{
    Condition, DosingPlan, Overview, PatientStream, PlateauRule, RowEvent, RunError, TrendOptions,
};

mod input;
mod messages;
mod params;

use input::{between_passes_hook, open_visits};
use messages::{
    report_earlier_safety, report_repeats, report_row_event, report_totals, write_patient,
};
use params::{parse_window, resolve_params};

use super::ExitStatus;
use super::args::{PlateauRuleArg, TrendArgs};
use super::input::{
    batch_options, check_date_layout, warn_case_mismatched_columns, warn_ignored_columns,
};
use super::output::{Output, resolve_format, use_color};
use super::render::{TrendWriter, write_overview};
use super::today::today;

pub(crate) fn run(args: TrendArgs, registry: &Registry) -> anyhow::Result<ExitStatus> {
    let TrendArgs {
        input,
        dosing,
        dosing_date,
        patients,
        instruments,
        window,
        baseline_days,
        plateau_rule,
        params,
        flagged_only,
        overview,
        as_of,
        fail_on,
        input_options,
        output,
    } = args;
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
                anyhow::anyhow!("--dosing-date: {m}{}", super::hints::date_hint(m.kind()))
            })
        })
        .transpose()?;
    let schedule: Option<DosingSchedule> = match &dosing {
        Some(path) => {
            let file =
                File::open(path).with_context(|| format!("cannot open `{}`", path.display()))?;
            Some(read_dosing(
                file,
                &path.display().to_string(),
                &date_format,
                registry,
            )?)
        }
        None => None,
    };
    let dosing_plan = match (&schedule, common_dosing) {
        (Some(schedule), _) => DosingPlan::Schedule(schedule),
        (None, Some(date)) => DosingPlan::common(date),
        (None, None) => unreachable!("clap requires --dosing or --dosing-date"),
    };

    let mut batch_options = batch_options(input_options, instruments, true)?;
    // Repeated visits are reported per patient, wherever they are in the file.
    batch_options.report_repeats = false;
    // Other patients' rows are skipped before they are scored: none of their cells is
    // reported, and none of them changes the exit status.
    if !patients.is_empty() {
        batch_options.patients = Some(patients.iter().cloned().collect());
    }
    let (mut visits, source) = open_visits(input.as_deref(), output.output.as_deref())?;
    let grouped = visits.patients_are_grouped(registry, &source, &batch_options)?;
    between_passes_hook()?;
    let stream = PatientStream::open(registry, &mut visits, &source, batch_options, grouped)?;
    warn_ignored_columns(&source, stream.reader().ignored_item_like_columns());
    warn_case_mismatched_columns(&source, stream.reader().case_mismatched_columns());

    let mut out = Output::open(
        output.output.as_deref(),
        // No input argument is standard input, as `-` is.
        &[
            Some(input.as_deref().unwrap_or(std::path::Path::new("-"))),
            dosing.as_deref(),
        ],
    )?;
    let to_terminal = out.is_terminal();
    let format = resolve_format(output.format, output.output.as_deref(), to_terminal);
    let conditions: Vec<Condition> = fail_on.into_iter().map(Condition::from).collect();
    if overview {
        let as_of = as_of.unwrap_or_else(today);
        let mut overview = Overview::new(as_of);
        // A safety answer no trend holds (no patient id or date, instrument left out) has
        // no row; it still meets --fail-on safety, as in the full trend.
        let mut safety_in_no_trend = false;
        let result = stream.run(
            &dosing_plan,
            &change_params,
            &options,
            |event| {
                safety_in_no_trend |= matches!(event, RowEvent::SafetyInNoTrend { .. });
                report_row_event(&source, &event);
            },
            |results| {
                report_repeats(&source, &results);
                overview.add(results.patient_id, &results.trend);
                Ok::<(), anyhow::Error>(())
            },
        );
        let totals = match result {
            Ok(totals) => totals,
            Err(RunError::Visit(err)) => return Err(err),
            Err(RunError::Read(err)) => return Err(err.into()),
        };
        let mut rows = overview.into_rows();
        let fail_on_met = conditions.iter().any(|c| {
            rows.iter().any(|row| row.meets(*c)) || (*c == Condition::Safety && safety_in_no_trend)
        });
        let all = rows.len();
        if flagged_only {
            rows.retain(|row| row.urgency.needs_action() || row.earlier_safety.is_some());
        }
        report_earlier_safety(&rows);
        write_overview(format, &mut out, &rows, as_of, use_color(to_terminal))?;
        out.commit()?;
        let status = report_totals(&source, &totals, &patients, false, fail_on_met);
        super::report::message(&format!(
            "symscore: {source}: overview as of {as_of}: {}{}",
            symscore::plural::count(all, "row"),
            if flagged_only {
                format!(", {} needing action written", rows.len())
            } else {
                String::new()
            }
        ));
        return Ok(status);
    }
    let mut writer = TrendWriter::new(format, &mut out, use_color(to_terminal));
    let result = stream.run(
        &dosing_plan,
        &change_params,
        &options,
        |event| report_row_event(&source, &event),
        |results| write_patient(&source, &results, flagged_only, &mut writer),
    );
    let totals = match result {
        Ok(totals) => totals,
        Err(RunError::Visit(err)) => return Err(err),
        Err(RunError::Read(err)) => {
            // The grouping pass has checked every row's shape, so this is a read error or a
            // file changed in place between the passes: the patients already analysed (a
            // grouped file) stay on standard output, as `score` keeps its rows.
            let _ = writer.abandon();
            return Err(err.into());
        }
    };
    writer.finish()?;
    out.commit()?;
    let fail_on_met = conditions.iter().any(|c| totals.met(*c));
    Ok(report_totals(
        &source,
        &totals,
        &patients,
        flagged_only,
        fail_on_met,
    ))
}
