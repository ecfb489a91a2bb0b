//! `symscore score`: one administration from --items, or every row of a CSV export.

use std::fs::File;
use std::io::{self, IsTerminal as _, Read};
use std::path::Path;

use anyhow::{Context as _, bail};
use symscore::batch::{BatchOptions, BatchReader, BatchSummary, DateFormat};
use symscore::score::SafetyStatus;
use symscore::{Answer, MissingTokens, Registry, ScoreRecord, parse_answer, score};

use super::ExitStatus;
use super::args::{InputArgs, ScoreArgs};
use super::output::{Output, resolve_format, use_color};
use super::render::RecordWriter;
use super::report::message;

pub(crate) fn run(args: ScoreArgs, registry: &Registry) -> anyhow::Result<ExitStatus> {
    let ScoreArgs {
        input,
        instruments,
        items,
        input_options,
        strict,
        output,
    } = args;
    let mut out = Output::open(output.output.as_deref())?;
    let to_terminal = out.is_terminal();
    let format = resolve_format(output.format, output.output.as_deref(), to_terminal);
    let color = use_color(to_terminal);

    if let Some(items) = items {
        let [id] = instruments.as_slice() else {
            bail!("--items scores one instrument: name it once with -i, such as `-i phq9`");
        };
        let missing = missing_tokens(&input_options.na);
        let status = score_items(
            registry,
            id,
            &items,
            &missing,
            RecordWriter::new(format, &mut out, color)?,
        )?;
        out.commit()?;
        return Ok(status);
    }

    let (reader, source) = open_input(input.as_deref(), output.output.as_deref())?;
    let options = batch_options(input_options, instruments, false)?;
    let mut batch = BatchReader::new(registry, reader, &source, options)?;
    let mut writer = RecordWriter::new(format, &mut out, color)?;
    let mut safety_lines: Vec<u64> = Vec::new();
    while let Some(row) = batch.next_row()? {
        for diagnostic in &row.diagnostics {
            message(&diagnostic.to_string());
        }
        if strict && !row.diagnostics.is_empty() {
            // Nothing partial is left behind: an -o file is not renamed into place.
            message(&format!(
                "symscore: stopped at line {} (--strict); no output file written",
                row.line
            ));
            return Ok(ExitStatus::Rejected);
        }
        for record in &row.records {
            if record.report.needs_safety_review() && safety_lines.last() != Some(&row.line) {
                safety_lines.push(row.line);
            }
            writer.write(record)?;
        }
    }
    writer.finish()?;
    out.commit()?;
    let summary = batch.summary();
    message(&summary_line(&source, &summary));
    if !safety_lines.is_empty() {
        message(&safety_line(&source, &safety_lines));
    }
    Ok(if summary.invalid > 0 {
        ExitStatus::Rejected
    } else {
        ExitStatus::Success
    })
}

/// Scores the answers given on the command line.
fn score_items<W: io::Write>(
    registry: &Registry,
    id: &str,
    items: &str,
    missing: &MissingTokens,
    mut writer: RecordWriter<W>,
) -> anyhow::Result<ExitStatus> {
    let instrument = registry.get(id).with_context(|| {
        format!(
            "unknown instrument `{id}`; expected one of {}",
            registry.ids()
        )
    })?;
    let cells: Vec<&str> = items.split(',').collect();
    if cells.len() != instrument.item_count() {
        bail!(
            "--items: `{id}` has {} items, found {} answers; leave a blank between commas for a missing item (`1,,2`)",
            instrument.item_count(),
            cells.len()
        );
    }
    let mut rejected = false;
    let answers: Vec<Answer> = cells
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            parse_answer(cell, &instrument.scale, missing).unwrap_or_else(|problem| {
                message(&format!(
                    "--items:{}: item {} of `{id}`: {problem}",
                    i + 1,
                    i + 1
                ));
                rejected = true;
                Answer::Invalid
            })
        })
        .collect();
    if answers.iter().all(|a| *a == Answer::Missing) {
        bail!("--items: every answer is blank; there is nothing to score");
    }
    let report = score(instrument, &answers)?;
    for check in &report.safety {
        if let Some(notice) = check.notice() {
            let what = match check.status {
                SafetyStatus::Endorsed(value) => format!(
                    "{} (item {} = {value})",
                    check.item.positive_flag, check.item.item
                ),
                _ => format!(
                    "{} (item {} unanswered)",
                    check.item.missing_flag, check.item.item
                ),
            };
            message(&format!("!! {what}: {notice}"));
        }
    }
    let invalid = report.is_invalid();
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

/// The input stream and the name to use for it in messages.
pub(crate) fn open_input(
    path: Option<&Path>,
    output: Option<&Path>,
) -> anyhow::Result<(Box<dyn Read>, String)> {
    match path {
        None => stdin_input(),
        Some(p) if p == Path::new("-") => stdin_input(),
        Some(p) => {
            if let Some(out) = output {
                refuse_overwrite(p, out)?;
            }
            let file = File::open(p).with_context(|| format!("cannot open `{}`", p.display()))?;
            Ok((Box::new(file), p.display().to_string()))
        }
    }
}

fn stdin_input() -> anyhow::Result<(Box<dyn Read>, String)> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        // Waiting on a keyboard for CSV is never what the user meant.
        bail!("no input: give a CSV file, or pipe one in (`cat visits.csv | symscore score`)");
    }
    Ok((Box::new(stdin.lock()), "<stdin>".to_owned()))
}

/// Input files are never modified: `-o` may not name the input.
fn refuse_overwrite(input: &Path, output: &Path) -> anyhow::Result<()> {
    let same = match (input.canonicalize(), output.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        bail!(
            "-o `{}` is the input file; write the results somewhere else",
            output.display()
        );
    }
    Ok(())
}

pub(crate) fn missing_tokens(extra: &[String]) -> MissingTokens {
    let mut tokens = MissingTokens::default();
    for token in extra {
        tokens.add(token);
    }
    tokens
}

/// Resolves the shared input flags into library options.
pub(crate) fn batch_options(
    args: InputArgs,
    only: Vec<String>,
    date_required: bool,
) -> anyhow::Result<BatchOptions> {
    let InputArgs {
        patient_column,
        date_column,
        date_format,
        renames,
        na,
        delimiter,
    } = args;
    let renames = renames
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((source, target)) if !source.trim().is_empty() && !target.trim().is_empty() => {
                Ok((source.trim().to_owned(), target.trim().to_owned()))
            }
            _ => bail!("--map expects SRC=DEST, such as `DPQ010=phq9_1`; found `{pair}`"),
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut options = BatchOptions::default();
    options.patient_column = patient_column;
    options.date_column = date_column;
    options.date_required = date_required;
    options.date_format = date_format.map_or(DateFormat::Iso, DateFormat::Strftime);
    options.renames = renames;
    options.missing = missing_tokens(&na);
    options.delimiter = parse_delimiter(&delimiter)?;
    options.only = only;
    Ok(options)
}

fn parse_delimiter(text: &str) -> anyhow::Result<u8> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if text.len() == 1 && text.is_ascii() && text != "\"" && text != "\n" => {
            Ok(text.as_bytes()[0])
        }
        _ => bail!("--delimiter expects one ASCII character or `tab`, found `{text}`"),
    }
}

fn summary_line(source: &str, s: &BatchSummary) -> String {
    format!(
        "symscore: {source}: {} rows: {} scored, {} prorated, {} invalid, {} not administered; {} records written",
        s.rows, s.scored, s.prorated, s.invalid, s.not_administered, s.records
    )
}

fn safety_line(source: &str, lines: &[u64]) -> String {
    const SHOWN: usize = 20;
    let mut listed: Vec<String> = lines.iter().take(SHOWN).map(u64::to_string).collect();
    if lines.len() > SHOWN {
        listed.push(format!("and {} more", lines.len() - SHOWN));
    }
    format!(
        "!! symscore: {source}: {} rows have a safety item endorsed or unanswered (PHQ-9 item 9): lines {}. Review each one; follow your local suicide-risk protocol.",
        lines.len(),
        listed.join(", ")
    )
}
