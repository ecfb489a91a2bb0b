//! `symscore report`: the trend drawn, as one offline HTML page or one SVG chart. The
//! analysis is `trend`'s ([`symscore::trend::PatientStream`]) and the drawing the library's
//! ([`symscore::report`]); this opens the files, streams the patients and writes.
//!
//! The caseload overview on top of the page can only be written once every patient has been
//! read, so each patient's section is written to an anonymous temporary file as it comes and
//! copied after the overview at the end. Memory holds one patient's visits, and the overview
//! rows (one small row per patient × instrument, as `trend --overview` holds them).

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Seek as _, Write as _};

use anyhow::{Context as _, bail};
use symscore::Registry;
use symscore::report::{
    UndrawnSafety, courses, standalone_svg, write_end, write_overview, write_section, write_start,
    write_undrawn_safety,
};
use symscore::trend::{Overview, RowEvent, RunError};

use super::ExitStatus;
use super::args::{ReportArgs, ReportFormat};
use super::output::Output;
use super::today::today;
use super::trend::{
    Prepared, open_stream, report_row_event, report_totals, safety_flag_names, tell_patient,
};

pub(crate) fn run(args: ReportArgs, registry: &Registry) -> anyhow::Result<ExitStatus> {
    let ReportArgs {
        inputs,
        format,
        as_of,
        input_options,
        output,
    } = args;
    let as_of = as_of.unwrap_or_else(today);
    if format == ReportFormat::Svg && (inputs.patients.len() != 1 || inputs.instruments.len() != 1)
    {
        bail!(
            "--format svg draws one chart: give exactly one --patient and one --instrument \
             (given: {} and {})",
            symscore::plural::count(inputs.patients.len(), "patient"),
            symscore::plural::count(inputs.instruments.len(), "instrument"),
        );
    }
    let wanted_instrument = inputs.instruments.first().cloned().unwrap_or_default();
    let mut prepared = Prepared::new(inputs, input_options, output.as_deref(), registry)?;
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
    let mut out = Output::open(output.as_deref(), &prepared.files.reads())?;
    let params = &prepared.analysis.change_params;

    // The overview and where each chart is; the sections, spooled; the one chart of
    // `--format svg`.
    let mut overview = Overview::new(as_of);
    let mut anchors: HashMap<(String, String), String> = HashMap::new();
    let mut sections = spool()?;
    let mut svg: Option<String> = None;
    let mut number = 0;
    let mut section = String::new();
    // Safety answers no chart holds: listed on the page as well as told on stderr.
    let mut undrawn: Vec<UndrawnSafety> = Vec::new();
    let result = stream.run(
        &dosing_plan,
        params,
        &prepared.analysis.options,
        |event| {
            if let RowEvent::SafetyInNoTrend {
                line,
                record,
                reason,
            } = &event
            {
                undrawn.push(UndrawnSafety {
                    line: *line,
                    patient: record.patient_id.as_deref().map(str::to_owned),
                    instrument: record.report.instrument.id.clone(),
                    date: record.date,
                    flags: safety_flag_names(&record.report.flags),
                    reason: *reason,
                });
            }
            report_row_event(&source, &event);
        },
        |results| -> anyhow::Result<()> {
            tell_patient(&source, &results);
            let courses = courses(&results.trend, params);
            if format == ReportFormat::Svg {
                if let Some(course) = courses.first() {
                    svg = Some(standalone_svg(results.patient_id, course)?);
                }
                return Ok(());
            }
            number += 1;
            section.clear();
            let links = write_section(&mut section, number, results.patient_id, &courses)?;
            for link in links {
                anchors.insert(
                    (results.patient_id.to_owned(), link.instrument),
                    link.anchor,
                );
            }
            overview.add(results.patient_id, &results.trend);
            sections
                .write_all(section.as_bytes())
                .context("cannot write to a temporary file")
        },
    );
    let totals = match result {
        Ok(totals) => totals,
        Err(RunError::Visit(err)) => return Err(err),
        Err(RunError::Read(err)) => return Err(err.into()),
    };
    let write_failed = || "cannot write the report".to_owned();
    if format == ReportFormat::Svg {
        let Some(svg) = svg else {
            report_totals(&source, &totals, &prepared.patients, false, false);
            bail!(
                "{source}: patient `{}` has no administration of `{wanted_instrument}`: no chart to draw",
                prepared.patients[0],
            );
        };
        out.write_all(svg.as_bytes()).with_context(write_failed)?;
    } else {
        let mut head = String::new();
        write_start(&mut head, &source)?;
        write_undrawn_safety(&mut head, &undrawn)?;
        let rows = overview.into_rows();
        write_overview(&mut head, &rows, as_of, |row| {
            anchors
                .get(&(row.patient_id.clone(), row.instrument.clone()))
                .cloned()
        })?;
        out.write_all(head.as_bytes()).with_context(write_failed)?;
        let mut end = String::new();
        copy_spool(sections, &mut out).with_context(write_failed)?;
        end.clear();
        write_end(&mut end)?;
        out.write_all(end.as_bytes()).with_context(write_failed)?;
    }
    out.commit()?;
    Ok(report_totals(
        &source,
        &totals,
        &prepared.patients,
        false,
        false,
    ))
}

/// An anonymous temporary file, removed by the system however the run ends.
fn spool() -> anyhow::Result<BufWriter<File>> {
    Ok(BufWriter::new(
        tempfile::tempfile().context("cannot create a temporary file")?,
    ))
}

/// Copies what was spooled to `out`, from the start.
fn copy_spool(spool: BufWriter<File>, out: &mut impl io::Write) -> io::Result<u64> {
    let mut file = spool.into_inner().map_err(io::IntoInnerError::into_error)?;
    file.rewind()?;
    io::copy(&mut file, out)
}
