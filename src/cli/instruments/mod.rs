//! `symscore instruments`: list, show and check instrument definitions.

mod describe;

use std::io::Write as _;

use anyhow::{Context as _, bail};
use serde_json::json;
use symscore::csv_cell::spreadsheet_safe;
use symscore::instrument::load_definition_file;
use symscore::plural::count;
use symscore::{DefinitionError, Registry};

use describe::describe;

use crate::cli::ExitStatus;
use crate::cli::args::{Format, InstrumentsAction, InstrumentsArgs, OutputArgs};
use crate::cli::output::{Output, resolve_format, use_color};
use crate::cli::render::{
    Column, Layout, Text, dropped_note, fit_lines, table_width, terminal_safe,
};
use crate::cli::report::{message, message_lines};

pub(crate) fn run(args: InstrumentsArgs, registry: &Registry) -> anyhow::Result<ExitStatus> {
    let InstrumentsArgs { action, output } = args;
    match action {
        None => list(registry, &output),
        Some(InstrumentsAction::List {
            output: list_output,
        }) => {
            // `instruments --format json list` and `instruments list --format json` both work.
            let merged = OutputArgs {
                format: list_output.format.or(output.format),
                output: list_output.output.or(output.output),
            };
            list(registry, &merged)
        }
        Some(action) => {
            if output.format.is_some() || output.output.is_some() {
                bail!(
                    "--format and -o apply to the instrument list (`symscore instruments list --format json`)"
                );
            }
            match action {
                InstrumentsAction::Show { id } => show(registry, &id),
                InstrumentsAction::Check { files } => Ok(check(registry, &files)),
                InstrumentsAction::Export { fhir, output } => {
                    export_fhir(registry, &fhir, output.as_deref())
                }
                InstrumentsAction::List { .. } => unreachable!("handled above"),
            }
        }
    }
}

/// The list's columns: what to type, what it is and how its total reads are always shown;
/// on a narrow terminal where a definition came from goes first, then its version, its
/// licence (each also in `instruments show`) and its number of items.
const LIST_COLUMNS: [Column; 7] = [
    Column::kept("id"),
    Column::kept("name"),
    Column::droppable("items", 3),
    Column::kept("range"),
    Column::droppable("version", 1),
    Column::droppable("from", 0),
    Column::droppable("licence", 2).prose(PROSE_MEASURE),
];

/// Prose in a table wraps at this many columns even with room to spare.
const PROSE_MEASURE: usize = 60;

fn list(registry: &Registry, output: &OutputArgs) -> anyhow::Result<ExitStatus> {
    let mut out = Output::open(output.output.as_deref(), &[])?;
    let to_terminal = out.is_terminal();
    let rows: Vec<_> = registry
        .iter()
        .map(|i| {
            json!({
                "id": i.id,
                "name": i.name,
                "items": i.item_count(),
                "min": i.total_min(),
                "max": i.total_max(),
                "version": i.version,
                "licence": i.licence,
                "origin": registry.origin(&i.id).unwrap_or_default(),
            })
        })
        .collect();
    match resolve_format(output.format, output.output.as_deref(), to_terminal) {
        Format::Table => {
            let rows: Vec<Vec<Text>> = registry
                .iter()
                .map(|i| {
                    vec![
                        Text::from(i.id.as_str()),
                        Text::from(i.name.as_str()),
                        Text::from(i.item_count().to_string()),
                        Text::from(format!("{}–{}", i.total_min(), i.total_max())),
                        Text::from(i.version.as_str()),
                        Text::from(terminal_safe(registry.origin(&i.id).unwrap_or_default())),
                        Text::from(i.licence.as_str()),
                    ]
                })
                .collect();
            let width = table_width();
            let layout = Layout::fit(&LIST_COLUMNS, &rows, width, &[]);
            let dropped = layout.dropped(&LIST_COLUMNS);
            let table = layout.draw(&LIST_COLUMNS, rows, use_color(to_terminal));
            writeln!(out, "{table}")?;
            if let Some(note) = dropped_note(
                &dropped,
                "`symscore instruments show ID`, --format csv or a wider terminal (COLUMNS=120)",
            ) {
                let note = width.map_or(note.clone(), |w| fit_lines(&note, w));
                writeln!(out, "{note}")?;
            }
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(&mut out);
            writer.write_record([
                "id", "name", "items", "min", "max", "version", "origin", "licence",
            ])?;
            // Definition text and paths are free text: a spreadsheet must not read one as
            // a formula (ids are validated identifiers and need nothing).
            for i in registry.iter() {
                writer.write_record([
                    i.id.as_str(),
                    &spreadsheet_safe(&i.name),
                    &i.item_count().to_string(),
                    &i.total_min().to_string(),
                    &i.total_max().to_string(),
                    &spreadsheet_safe(&i.version),
                    &spreadsheet_safe(registry.origin(&i.id).unwrap_or_default()),
                    &spreadsheet_safe(&i.licence),
                ])?;
            }
            writer.flush()?;
        }
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?,
        Format::Jsonl => {
            for row in &rows {
                writeln!(out, "{row}")?;
            }
        }
        Format::Fhir | Format::FhirBundle => unreachable!(
            "`instruments` refuses FHIR formats first (Cli::refuse_fhir_outside_score)"
        ),
    }
    out.commit()?;
    Ok(ExitStatus::Success)
}

fn show(registry: &Registry, id: &str) -> anyhow::Result<ExitStatus> {
    let instrument = registry.get(id).with_context(|| {
        format!(
            "unknown instrument `{id}`; expected one of {}",
            registry.ids()
        )
    })?;
    let mut out = Output::open(None, &[])?;
    let color = use_color(out.is_terminal());
    // The origin is a path, which may hold anything a file name can.
    let origin = terminal_safe(registry.origin(id).unwrap_or_default());
    let text = describe(instrument, &origin, color, table_width());
    out.write_all(text.as_bytes())?;
    out.commit()?;
    Ok(ExitStatus::Success)
}

/// `instruments export --fhir ID`: the definition as a FHIR R4 Questionnaire.
fn export_fhir(
    registry: &Registry,
    id: &str,
    path: Option<&std::path::Path>,
) -> anyhow::Result<ExitStatus> {
    let instrument = registry.get(id).with_context(|| {
        format!(
            "unknown instrument `{id}`; expected one of {}",
            registry.ids()
        )
    })?;
    let mut out = Output::open(path, &[])?;
    let json = serde_json::to_string_pretty(&symscore::fhir::questionnaire(instrument))?;
    writeln!(out, "{json}")?;
    out.commit()?;
    Ok(ExitStatus::Success)
}

fn check(registry: &Registry, files: &[std::path::PathBuf]) -> ExitStatus {
    let mut status = ExitStatus::Success;
    let mut stdout = std::io::stdout().lock();
    for path in files {
        match load_definition_file(path) {
            Ok(instrument) if registry.check_replacement(&instrument).is_err() => {
                let problem = registry
                    .check_replacement(&instrument)
                    .err()
                    .unwrap_or_default();
                message(
                    &DefinitionError::WeakensSafety {
                        source_name: path.display().to_string(),
                        id: instrument.id.clone(),
                        problem,
                    }
                    .to_string(),
                );
                if status == ExitStatus::Success {
                    status = ExitStatus::Rejected;
                }
            }
            Ok(instrument) => {
                let overrides = if registry.origin(&instrument.id) == Some("built-in") {
                    format!(
                        "; replaces the built-in `{}` when loaded with --instruments-dir",
                        instrument.id
                    )
                } else {
                    String::new()
                };
                let _ = writeln!(
                    stdout,
                    "{}: ok: `{}` {} — {}, total {}–{}, {}, version {}{overrides}",
                    // A name from the command line may come from a glob over a shared folder.
                    terminal_safe(&path.display().to_string()),
                    instrument.id,
                    instrument.name,
                    count(instrument.item_count(), "item"),
                    instrument.total_min(),
                    instrument.total_max(),
                    count(instrument.bands.len(), "band"),
                    instrument.version
                );
            }
            // Too long to be a definition: not read, as an unreadable file.
            Err(err @ DefinitionError::TooLarge { .. }) => {
                message(&format!("error: {err}"));
                status = ExitStatus::Error;
            }
            Err(err @ DefinitionError::Read { .. }) => {
                message(&format!(
                    "error: {err}: {}",
                    std::error::Error::source(&err)
                        .map(ToString::to_string)
                        .unwrap_or_default()
                ));
                status = ExitStatus::Error;
            }
            Err(err) => {
                message_lines(&err.to_string());
                if status == ExitStatus::Success {
                    status = ExitStatus::Rejected;
                }
            }
        }
    }
    let _ = stdout.flush();
    status
}
