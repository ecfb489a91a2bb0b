//! `symscore score`: one administration from --items, or every row of a CSV export.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context as _, bail};
use symscore::batch::{InputFormat, InputReader, RowOutcome};
use symscore::plural::count;
use symscore::score::{SAFETY_MARK, SafetyCheck};
use symscore::shown_text::show_cell;
use symscore::{Answer, MissingTokens, Registry, ScoreRecord, parse_answer, score};

use super::ExitStatus;
use super::args::{Format, ScoreArgs};
use super::input::{
    batch_options, missing_tokens, open_input, warn_case_mismatched_columns, warn_ignored_columns,
};
use super::output::{Output, resolve_format, use_color};
use super::render::RecordWriter;
use super::report::{is_broken_pipe, message};
use super::score_rows::ScoreRows;

pub(crate) fn run(args: ScoreArgs, registry: &Registry) -> anyhow::Result<ExitStatus> {
    let ScoreArgs {
        input,
        instruments,
        items,
        input_options,
        strict,
        output,
    } = args;
    // No input argument is standard input, as `-` is: both are inputs the output may not be.
    let visits = input.as_deref().unwrap_or(Path::new("-"));
    let mut out = Output::open(
        output.output.as_deref(),
        &[
            Some(visits),
            input_options.redcap_dictionary.as_deref(),
            input_options.redcap_mapping.as_deref(),
        ],
    )?;
    let to_terminal = out.is_terminal();
    let format = resolve_format(output.format, output.output.as_deref(), to_terminal);
    let color = use_color(to_terminal);

    if let Some(items) = items {
        let [id] = instruments.as_slice() else {
            bail!("--items scores one instrument: name it once with -i, such as `-i phq9`");
        };
        let missing = missing_tokens(&input_options.na)?;
        let status = score_items(registry, id, &items, &missing, format, &mut out, color)?;
        out.commit()?;
        return Ok(status);
    }

    let (reader, source) = open_input(input.as_deref(), output.output.as_deref())?;
    let input_format = input_options.input_format.into();
    if input_format == InputFormat::Fhir && input_options.date_format.is_some() {
        bail!(
            "--date-format reads the dates of a CSV; a FHIR response's `authored` is always an ISO 8601 dateTime"
        );
    }
    let options = batch_options(input_options, instruments, false, registry)?;
    let batch = InputReader::open(input_format, registry, reader, &source, options)?;
    warn_ignored_columns(&source, batch.ignored_item_like_columns());
    warn_case_mismatched_columns(&source, batch.case_mismatched_columns());
    let mut batch = ScoreRows(batch);
    let mut writer = RecordWriter::carrying(format, &mut out, color, &batch.carried_columns());
    let mut safety = SafetyTally::default();
    let mut output_closed = false;
    let mut row = RowOutcome::default();
    loop {
        match batch.read_row(&mut row) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => {
                // Malformed CSV stops the run: still say what was read, and which rows
                // need safety review, before the error.
                report_counts(&source, &batch, &safety, Some("stopped by the error below"));
                if !output_closed {
                    // The rows before the error stay on standard output, as they were read.
                    let _ = writer.abandon();
                }
                return Err(err);
            }
        }
        for diagnostic in &row.diagnostics {
            message(&super::hints::diagnostic_text(diagnostic));
        }
        report_repeats(&source, &row);
        // Safety is recorded before --strict can stop the run, so it is never hidden.
        safety.add(row.line, &row.records, &row.unselected_safety);
        if strict && !row.diagnostics.is_empty() {
            let output_note = if output.output.is_some() {
                "no output file written"
            } else {
                "standard output ends before this row"
            };
            let note = format!("stopped at line {} by --strict; {output_note}", row.line);
            report_counts(&source, &batch, &safety, Some(&note));
            if !output_closed {
                // Standard output keeps the rows before this one; an `-o` file is not kept.
                match writer.abandon() {
                    Err(err) if !is_broken_pipe(&err) => return Err(err),
                    _ => {}
                }
            }
            return Ok(ExitStatus::Rejected);
        }
        if !output_closed {
            for record in &row.records {
                if let Err(err) = writer.write_carrying(record, &row.carried) {
                    output_closed = is_broken_pipe(&err);
                    if !output_closed {
                        return Err(err);
                    }
                    break;
                }
            }
        }
    }
    if !output_closed {
        match writer.finish().and_then(|()| out.commit()) {
            Err(err) if is_broken_pipe(&err) => output_closed = true,
            other => other?,
        }
    }
    let summary = batch.summary();
    // `| head` closing the pipe is not an error, but the rows after it are still read so
    // that the counts and the safety list below cover the whole file.
    let note = output_closed
        .then_some("the reader closed standard output early; every row was still read and checked");
    report_counts(&source, &batch, &safety, note);
    let empty = batch.no_data(&source);
    Ok(if summary.invalid > 0 || summary.repeats > 0 || empty {
        ExitStatus::Rejected
    } else {
        ExitStatus::Success
    })
}

/// Scores the answers given on the command line.
///
/// Everything is checked before the writer is created, so a usage error prints nothing on
/// standard output.
fn score_items(
    registry: &Registry,
    id: &str,
    items: &str,
    missing: &MissingTokens,
    format: Format,
    out: &mut Output,
    color: bool,
) -> anyhow::Result<ExitStatus> {
    let instrument = registry.get(id).with_context(|| {
        format!(
            "unknown instrument `{id}`; expected one of {}",
            registry.ids()
        )
    })?;
    if let Some(token) = missing.conflict_with(&instrument.scale) {
        bail!(
            "--na `{token}` is a real answer on `{id}` ({}-{}); a non-answer code must lie outside the answer scale",
            instrument.scale.min,
            instrument.scale.max
        );
    }
    let cells: Vec<&str> = items.split(',').collect();
    if cells.len() != instrument.item_count() {
        bail!(
            "--items: `{id}` has {}, found {}; leave a blank between commas for a missing item (`1,,2`)",
            count(instrument.item_count(), "item"),
            count(cells.len(), "answer")
        );
    }
    let mut rejected = false;
    let answers: Vec<Answer> = cells
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            parse_answer(cell, &instrument.scale, missing).unwrap_or_else(|problem| {
                message(&format!("--items: item {} of `{id}`: {problem}", i + 1));
                rejected = true;
                Answer::Invalid
            })
        })
        .collect();
    if answers.iter().all(|a| *a == Answer::Missing) {
        bail!("--items: every answer is blank; there is nothing to score");
    }
    let report = score(instrument, &answers)?;
    for notice in report.safety.iter().filter_map(SafetyCheck::notice) {
        message(&notice.sentence().to_string());
    }
    let invalid = report.is_invalid();
    let mut writer = RecordWriter::new(format, out, color);
    writer.write(&ScoreRecord {
        patient_id: None,
        date: None,
        report,
        line: None,
    })?;
    writer.finish()?;
    Ok(if rejected || invalid {
        ExitStatus::Rejected
    } else {
        ExitStatus::Success
    })
}

/// Prints the row summary and, when any, the rows that need safety review.
fn report_counts(source: &str, rows: &ScoreRows<'_>, safety: &SafetyTally, stopped: Option<&str>) {
    let mut line = rows.summary_line(source);
    if let Some(note) = stopped {
        line = format!("{line} ({note})");
    }
    message(&line);
    if safety.rows > 0 {
        message(&safety_line(source, safety, rows.unit()));
    }
}

/// Rows whose administrations need safety review, and which safety flags they raised.
#[derive(Default)]
struct SafetyTally {
    /// The first `SAFETY_LINES_SHOWN` lines: all the summary names, so memory stays flat.
    lines: Vec<u64>,
    /// Every row that needs review.
    rows: u64,
    flags: BTreeSet<String>,
    /// Instruments left out with `-i` whose safety items needed review somewhere.
    unselected: BTreeSet<String>,
}

/// How many line numbers the safety summary lists before "and N more".
const SAFETY_LINES_SHOWN: usize = 20;

impl SafetyTally {
    fn add(&mut self, line: u64, records: &[ScoreRecord<'_>], unselected: &[ScoreRecord<'_>]) {
        let mut needs_review = false;
        self.unselected
            .extend(unselected.iter().map(|r| r.report.instrument.id.clone()));
        for notice in records
            .iter()
            .chain(unselected)
            .flat_map(|r| &r.report.safety)
            .filter_map(SafetyCheck::notice)
        {
            needs_review = true;
            // Most flagged rows repeat a flag already listed: no allocation for those.
            if !self.flags.contains(notice.flag()) {
                self.flags.insert(notice.flag().to_owned());
            }
        }
        if needs_review {
            self.rows += 1;
            if self.lines.len() < SAFETY_LINES_SHOWN {
                self.lines.push(line);
            }
        }
    }
}

fn safety_line(source: &str, safety: &SafetyTally, unit: &str) -> String {
    let mut listed: Vec<String> = safety.lines.iter().map(u64::to_string).collect();
    if safety.rows > safety.lines.len() as u64 {
        listed.push(format!(
            "and {} more",
            safety.rows - safety.lines.len() as u64
        ));
    }
    let flags: Vec<&str> = safety.flags.iter().map(String::as_str).collect();
    let unselected = if safety.unselected.is_empty() {
        String::new()
    } else {
        format!(
            ", counting {} (left out with -i, and not scored)",
            safety
                .unselected
                .iter()
                .map(|id| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    format!(
        "{SAFETY_MARK} symscore: {source}: {} a safety item endorsed or unanswered ({}{unselected}): {} {}. Review each one; follow your local suicide-risk protocol.",
        if safety.rows == 1 {
            format!("1 {unit} has")
        } else {
            format!("{} {unit}s have", safety.rows)
        },
        flags.join(", "),
        if safety.rows == 1 { "line" } else { "lines" },
        listed.join(", ")
    )
}

/// Tells each administration of `row` that repeats an earlier row of its patient.
fn report_repeats(source: &str, row: &RowOutcome<'_>) {
    let Some(patient) = row.records.first().and_then(|r| r.patient_id.as_deref()) else {
        return;
    };
    for repeat in &row.repeats {
        let on_date = repeat
            .date
            .map(|date| format!(" on {date}"))
            .unwrap_or_default();
        message(&format!(
            "{source}:{}: `{}` for patient `{}`{on_date} repeats line {}; both are kept, check which one is right",
            repeat.line,
            repeat.instrument,
            show_cell(patient),
            repeat.earlier_line
        ));
    }
}
