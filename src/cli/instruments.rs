//! `symscore instruments`: list, show and check instrument definitions.

use std::fmt::Write as _;
use std::io::Write as _;

use anyhow::{Context as _, bail};
use comfy_table::Cell;
use serde_json::json;
use symscore::csv_cell::spreadsheet_safe;
use symscore::instrument::{Algorithm, Instrument, load_definition_file};
use symscore::{DefinitionError, Registry};

use super::ExitStatus;
use super::args::{Format, InstrumentsAction, InstrumentsArgs, OutputArgs};
use super::output::{Output, resolve_format, use_color};
use super::render::{new_table, terminal_safe};
use super::report::{message, message_lines};

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
                InstrumentsAction::List { .. } => unreachable!("handled above"),
            }
        }
    }
}

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
            let mut table = new_table(use_color(to_terminal));
            table.set_header(["id", "name", "items", "range", "version", "from", "licence"]);
            for i in registry.iter() {
                table.add_row([
                    i.id.clone(),
                    i.name.clone(),
                    i.item_count().to_string(),
                    format!("{}–{}", i.total_min(), i.total_max()),
                    i.version.clone(),
                    terminal_safe(registry.origin(&i.id).unwrap_or_default()),
                    i.licence.clone(),
                ]);
            }
            writeln!(out, "{table}")?;
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
    let text = describe(instrument, &origin, color);
    out.write_all(text.as_bytes())?;
    out.commit()?;
    Ok(ExitStatus::Success)
}

/// The full human description of an instrument, as `instruments show` prints it.
fn describe(i: &Instrument, origin: &str, color: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} — `{}`, definition version {} ({origin})",
        i.name, i.id, i.version
    );
    let _ = writeln!(s, "Source:   {}", i.source.citation);
    if let Some(reference) = &i.source.reference {
        let _ = writeln!(s, "Rules:    {reference}");
    }
    let _ = writeln!(s, "Licence:  {}", i.licence);
    let _ = writeln!(s, "Recall:   the past {} days", i.recall_days);
    if i.loinc.panel.is_some() || i.loinc.total.is_some() {
        let _ = writeln!(
            s,
            "LOINC:    panel {}, total {}",
            i.loinc.panel.as_deref().unwrap_or("—"),
            i.loinc.total.as_deref().unwrap_or("—")
        );
    }

    let _ = writeln!(
        s,
        "\nItems (answer {}–{}; columns {}…{}):",
        i.scale.min,
        i.scale.max,
        i.item_column(1),
        i.item_column(i.item_count())
    );
    let mut items = new_table(color);
    items.set_header(["#", "item (paraphrase)", "column", "LOINC"]);
    for item in &i.items {
        let label = if item.reverse {
            format!("{} (reverse scored)", item.label)
        } else {
            item.label.clone()
        };
        items.add_row([
            item.number.to_string(),
            label,
            i.item_column(item.number),
            item.loinc.clone().unwrap_or_default(),
        ]);
    }
    let _ = writeln!(s, "{items}");
    let anchors: Vec<String> = i
        .scale
        .anchors
        .iter()
        .map(|a| format!("{} = {}", a.value, a.label))
        .collect();
    if !anchors.is_empty() {
        let _ = writeln!(s, "Answers:  {}", anchors.join(", "));
    }
    for extra in &i.extra_items {
        let _ = writeln!(
            s,
            "Unscored: {} ({}, answer {}–{}, never added to the total)",
            extra.label,
            i.extra_column(extra),
            extra.scale.min,
            extra.scale.max
        );
    }

    let _ = writeln!(
        s,
        "\nMissing items: {}",
        if i.max_missing == 0 {
            "every item must be answered; any blank gives INVALID_TOO_MANY_MISSING and no total (no proration).".to_owned()
        } else {
            format!(
                "up to {} blank items are prorated (total = answered sum × {} / answered, rounded half up); more gives INVALID_TOO_MANY_MISSING and no total.",
                i.max_missing,
                i.item_count()
            )
        }
    );
    if let Some(note) = &i.missing_note {
        let _ = writeln!(s, "  {note}");
    }

    let _ = writeln!(s, "\nSeverity bands ({}–{}):", i.total_min(), i.total_max());
    let mut bands = new_table(color);
    bands.set_header(["severity", "label", "total"]);
    for band in &i.bands {
        bands.add_row([
            band.id.clone(),
            band.label.clone(),
            format!("{}–{}", band.min, band.max),
        ]);
    }
    let _ = writeln!(s, "{bands}");
    if let Some(note) = &i.severity_note {
        let _ = writeln!(s, "  {note}");
    }

    let _ = writeln!(s, "\nFlags:");
    let mut flags = new_table(color);
    flags.set_header(["flag", "raised when"]);
    for safety in &i.safety_items {
        flags.add_row([
            Cell::new(format!("!! {}", safety.positive_flag)),
            Cell::new(format!(
                "item {} ≥ {}, whatever the total (safety: always review)",
                safety.item, safety.min_value
            )),
        ]);
        flags.add_row([
            Cell::new(format!("!! {}", safety.missing_flag)),
            Cell::new(format!(
                "item {} blank or unusable: status unknown, never \"safe\"",
                safety.item
            )),
        ]);
    }
    for threshold in &i.thresholds {
        flags.add_row([
            threshold.flag.clone(),
            format!("total ≥ {}", threshold.min_total),
        ]);
    }
    for algorithm in &i.algorithms {
        flags.add_row([algorithm.flag.clone(), describe_algorithm(algorithm)]);
        flags.add_row([
            algorithm.indeterminate_flag.clone(),
            format!("blank or unusable items leave {} undecided", algorithm.flag),
        ]);
    }
    if i.max_missing > 0 {
        flags.add_row([
            "PRORATED".to_owned(),
            format!("1–{} items blank; total prorated", i.max_missing),
        ]);
    }
    flags.add_row([
        "INVALID_TOO_MANY_MISSING".to_owned(),
        format!("more than {} items blank; no total", i.max_missing),
    ]);
    flags.add_row([
        "INVALID_VALUE".to_owned(),
        format!(
            "an answer outside {}–{} or not a whole number; no total",
            i.scale.min, i.scale.max
        ),
    ]);
    let _ = writeln!(s, "{flags}");
    for note in i
        .safety_items
        .iter()
        .filter_map(|x| x.note.as_ref())
        .chain(i.algorithms.iter().filter_map(|a| a.note.as_ref()))
    {
        let _ = writeln!(s, "  {note}");
    }

    if !i.subscales.is_empty() {
        let _ = writeln!(
            s,
            "\nSubscales (reported only when every item is answered):"
        );
        for sub in &i.subscales {
            let numbers: Vec<String> = sub.items.iter().map(usize::to_string).collect();
            let _ = writeln!(
                s,
                "  {}  {} — items {}",
                sub.id,
                sub.label,
                numbers.join(", ")
            );
        }
    }

    let c = &i.change;
    let _ = writeln!(
        s,
        "\nChange over time: reliable change {} points, MCID {}, target below {}, caseness from {}, response ≥ {}% reduction; plateau: {} points spanning ≥ {} days, latest ≥ {} days after dosing, slope horizon {} days.",
        c.reliable_change,
        c.mcid,
        c.target,
        c.caseness,
        c.response_pct,
        c.plateau.points,
        c.plateau.min_span_days,
        c.plateau.min_days_since_dose,
        c.plateau.horizon_days
    );
    if let Some(rci) = c.rci {
        let _ = writeln!(
            s,
            "  Jacobson–Truax RCI: reference SD {}, reliability {}",
            rci.sd, rci.reliability
        );
    }
    if let Some(note) = &c.note {
        let _ = writeln!(s, "  {note}");
    }
    for note in &i.notes {
        let _ = writeln!(s, "Note: {note}");
    }
    s
}

fn describe_algorithm(algorithm: &Algorithm) -> String {
    let mut thresholds: Vec<(u8, Vec<usize>)> = Vec::new();
    for (index, &at) in algorithm.present_at.iter().enumerate() {
        match thresholds.iter_mut().find(|(value, _)| *value == at) {
            Some((_, items)) => items.push(index + 1),
            None => thresholds.push((at, vec![index + 1])),
        }
    }
    let presence = if thresholds.len() == 1 {
        format!("an item counts when ≥ {}", thresholds[0].0)
    } else {
        let parts: Vec<String> = thresholds
            .iter()
            .map(|(at, items)| format!("items {} when ≥ {at}", compact(items)))
            .collect();
        format!("counts {}", parts.join("; "))
    };
    let criteria: Vec<String> = algorithm
        .criteria
        .iter()
        .map(|c| {
            let numbers: Vec<usize> = c.items.iter().map(|i| i + 1).collect();
            let range = match c.max_present {
                Some(max) if max == c.min_present => format!("exactly {max}"),
                Some(max) => format!("{}–{max}", c.min_present),
                None => format!("≥ {}", c.min_present),
            };
            format!("{range} of items {}", compact(&numbers))
        })
        .collect();
    format!("{} ({presence})", criteria.join(" and "))
}

/// `1, 2, 3, 4, 7` → `1-4, 7`.
fn compact(numbers: &[usize]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < numbers.len() {
        let start = numbers[i];
        let mut end = start;
        while i + 1 < numbers.len() && numbers[i + 1] == end + 1 {
            i += 1;
            end = numbers[i];
        }
        parts.push(match end - start {
            0 => start.to_string(),
            1 => format!("{start}, {end}"),
            _ => format!("{start}-{end}"),
        });
        i += 1;
    }
    parts.join(", ")
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
                    "{}: ok: `{}` {} — {} items, total {}–{}, {} bands, version {}{overrides}",
                    // A name from the command line may come from a glob over a shared folder.
                    terminal_safe(&path.display().to_string()),
                    instrument.id,
                    instrument.name,
                    instrument.item_count(),
                    instrument.total_min(),
                    instrument.total_max(),
                    instrument.bands.len(),
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

#[cfg(test)]
mod tests {
    use super::compact;

    #[test]
    fn compacts_runs_of_item_numbers() {
        assert_eq!(compact(&[1, 2, 3, 4, 7]), "1-4, 7");
        assert_eq!(compact(&[1, 2]), "1, 2");
        assert_eq!(compact(&[9]), "9");
    }
}
