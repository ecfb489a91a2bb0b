//! `symscore trend`: per patient × instrument × dosing change and plateau summaries, and
//! every administration no window covers. The analysis is the library's
//! ([`symscore::trend::PatientStream`]); this parses the arguments, calls it and renders.

use symscore::Registry;
use symscore::trend::{Condition, RunError};

mod input;
mod messages;
mod params;
mod setup;

use messages::write_patient;
pub(crate) use messages::{report_row_event, report_totals, tell_patient};
pub(crate) use setup::{Prepared, open_stream};

use super::ExitStatus;
use super::args::TrendArgs;
use super::output::{Output, resolve_format, use_color};
use super::render::TrendWriter;

pub(crate) fn run(args: TrendArgs, registry: &Registry) -> anyhow::Result<ExitStatus> {
    let TrendArgs {
        inputs,
        flagged_only,
        fail_on,
        input_options,
        output,
    } = args;
    let mut prepared = Prepared::new(inputs, input_options, output.output.as_deref(), registry)?;
    let dosing_plan = prepared.analysis.dosing_plan();
    let source = prepared.source.clone();
    let stream = open_stream(
        registry,
        &mut prepared.visits,
        &source,
        prepared.batch_options.clone(),
        prepared.grouped,
    )?;

    let mut out = Output::open(output.output.as_deref(), &prepared.files.reads())?;
    let to_terminal = out.is_terminal();
    let format = resolve_format(output.format, output.output.as_deref(), to_terminal);
    let mut writer = TrendWriter::new(format, &mut out, use_color(to_terminal));
    let result = stream.run(
        &dosing_plan,
        &prepared.analysis.change_params,
        &prepared.analysis.options,
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
    let conditions: Vec<Condition> = fail_on.into_iter().map(Condition::from).collect();
    Ok(report_totals(
        &source,
        &totals,
        &prepared.patients,
        flagged_only,
        &conditions,
    ))
}
