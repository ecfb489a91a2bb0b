//! `symscore trend`: per patient × instrument × dosing change and plateau summaries, and
//! every administration no window covers. The analysis is the library's
//! ([`symscore::trend::PatientStream`]); this parses the arguments, calls it and renders.

use symscore::Registry;
use symscore::trend::{Condition, Overview, RowEvent, RunError, TrendOptions};

mod input;
mod messages;
mod params;
mod setup;

use messages::{report_earlier_safety, report_repeats, write_patient};
pub(crate) use messages::{report_row_event, report_totals, safety_flag_names, tell_patient};
pub(crate) use setup::{Prepared, open_stream};

use super::ExitStatus;
use super::args::TrendArgs;
use super::output::{Output, resolve_format, use_color};
use super::render::{TrendWriter, write_overview};
use super::today::today;

pub(crate) fn run(args: TrendArgs, registry: &Registry) -> anyhow::Result<ExitStatus> {
    let TrendArgs {
        inputs,
        flagged_only,
        overview,
        as_of,
        fail_on,
        input_options,
        output,
    } = args;
    let mut prepared = Prepared::new(inputs, input_options, output.output.as_deref(), registry)?;
    let dosing_plan = prepared.analysis.dosing_plan();
    let source = prepared.source.clone();
    let stream = open_stream(
        registry,
        prepared.format,
        &mut prepared.visits,
        &source,
        prepared.batch_options.clone(),
        prepared.grouped,
    )?;

    let mut out = Output::open(output.output.as_deref(), &prepared.files.reads())?;
    let to_terminal = out.is_terminal();
    let format = resolve_format(output.format, output.output.as_deref(), to_terminal);
    let conditions: Vec<Condition> = fail_on.into_iter().map(Condition::from).collect();
    let change_params = &prepared.analysis.change_params;
    let options: &TrendOptions = &prepared.analysis.options;
    if overview {
        let as_of = as_of.unwrap_or_else(today);
        let mut overview = Overview::new(as_of);
        // A safety answer no trend holds (no patient id or date, instrument left out) has
        // no row; it still meets --fail-on safety, as in the full trend.
        let mut safety_in_no_trend = false;
        let result = stream.run(
            &dosing_plan,
            change_params,
            options,
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
        let status = report_totals(&source, &totals, &prepared.patients, false, fail_on_met);
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
    let carried = stream.reader().carried_columns();
    let mut writer = TrendWriter::new(format, &mut out, use_color(to_terminal), &carried);
    let result = stream.run(
        &dosing_plan,
        change_params,
        options,
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
    let status = report_totals(
        &source,
        &totals,
        &prepared.patients,
        flagged_only,
        fail_on_met,
    );
    // The process ends next and returns all its memory at once; freeing the dosing schedule
    // entry by entry first (a map node, an id and a label each, 100k patients on the 1M
    // benchmark) was 3 % of a trend run's instructions on its first 100k visits.
    std::mem::forget(prepared.analysis);
    Ok(status)
}
