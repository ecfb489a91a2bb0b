//! `symscore instruments show`: an instrument described for a person: items, answer
//! scale, bands, flags and the rules behind them.

use std::fmt::Write as _;

use symscore::instrument::{Algorithm, Instrument};
use symscore::plural::{count, count_range, noun};
use symscore::score::{SAFETY_MARK, status_flag};

use crate::cli::render::{Column, Layout, Text, dropped_note, fit_lines};

/// Prose in a table wraps at this many columns even with room to spare.
const PROSE_MEASURE: usize = 60;

/// The items: number, paraphrase and input column always; their LOINC codes go first on a
/// narrow terminal.
const ITEM_COLUMNS: [Column; 4] = [
    Column::kept("#"),
    Column::kept("item (paraphrase)").prose(PROSE_MEASURE),
    Column::kept("column"),
    Column::droppable("LOINC", 0),
];

const BAND_COLUMNS: [Column; 3] = [
    Column::kept("severity"),
    Column::kept("label").prose(PROSE_MEASURE),
    Column::kept("total"),
];

const FLAG_COLUMNS: [Column; 2] = [
    Column::kept("flag"),
    Column::kept("raised when").prose(PROSE_MEASURE),
];

/// A table fitted to `width`, with a line under it naming any column left out.
fn fitted(columns: &[Column], rows: Vec<Vec<Text>>, color: bool, width: Option<usize>) -> String {
    let layout = Layout::fit(columns, &rows, width, &[]);
    let dropped = layout.dropped(columns);
    let mut text = layout.draw(columns, rows, color).to_string();
    if let Some(note) = dropped_note(&dropped, "a wider terminal (COLUMNS=120)") {
        text.push('\n');
        text.push_str(&width.map_or(note.clone(), |w| fit_lines(&note, w)));
    }
    text
}

/// The full human description of an instrument, as `instruments show` prints it, fitted to
/// `width` (`None`: no limit).
pub(super) fn describe(i: &Instrument, origin: &str, color: bool, width: Option<usize>) -> String {
    let text = description(i, origin, color, width);
    match width {
        Some(width) => fit_lines(&text, width),
        None => text,
    }
}

fn description(i: &Instrument, origin: &str, color: bool, width: Option<usize>) -> String {
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
    let _ = writeln!(s, "Recall:   the past {}", count(i.recall_days, "day"));
    if i.loinc.panel.is_some() || i.loinc.total.is_some() {
        let _ = writeln!(
            s,
            "LOINC:    panel {}, total {}",
            i.loinc.panel.as_deref().unwrap_or("—"),
            i.loinc.total.as_deref().unwrap_or("—")
        );
    }

    // A range of one column reads as that column.
    let columns = match i.item_count() {
        1 => format!("column {}", i.item_column(1)),
        n => format!("columns {}…{}", i.item_column(1), i.item_column(n)),
    };
    let _ = writeln!(
        s,
        "\nItems (answer {}–{}; {columns}):",
        i.scale.min, i.scale.max
    );
    let mut items = Vec::with_capacity(i.items.len());
    for item in &i.items {
        let label = if item.reverse {
            format!("{} (reverse scored)", item.label)
        } else {
            item.label.clone()
        };
        items.push(vec![
            Text::from(item.number.to_string()),
            Text::from(label),
            Text::from(i.item_column(item.number)),
            Text::from(item.loinc.clone().unwrap_or_default()),
        ]);
    }
    let _ = writeln!(s, "{}", fitted(&ITEM_COLUMNS, items, color, width));
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
                "up to {} {} prorated (total = answered sum × {} / answered, rounded half up); more gives INVALID_TOO_MANY_MISSING and no total.",
                count(i.max_missing, "blank item"),
                if i.max_missing == 1 { "is" } else { "are" },
                i.item_count()
            )
        }
    );
    if let Some(note) = &i.missing_note {
        let _ = writeln!(s, "  {note}");
    }

    let _ = writeln!(s, "\nSeverity bands ({}–{}):", i.total_min(), i.total_max());
    let bands = i
        .bands
        .iter()
        .map(|band| {
            vec![
                Text::from(band.id.as_str()),
                Text::from(band.label.as_str()),
                Text::from(format!("{}–{}", band.min, band.max)),
            ]
        })
        .collect();
    let _ = writeln!(s, "{}", fitted(&BAND_COLUMNS, bands, color, width));
    if let Some(note) = &i.severity_note {
        let _ = writeln!(s, "  {note}");
    }

    let _ = writeln!(s, "\nFlags:");
    let mut flags: Vec<Vec<String>> = Vec::new();
    for safety in &i.safety_items {
        flags.push(vec![
            (format!("{SAFETY_MARK} {}", safety.positive_flag)),
            (format!(
                "item {} ≥ {}, whatever the total (safety: always review)",
                safety.item, safety.min_value
            )),
        ]);
        flags.push(vec![
            (format!("{SAFETY_MARK} {}", safety.missing_flag)),
            (format!(
                "item {} blank or unusable: status unknown, never \"safe\"",
                safety.item
            )),
        ]);
    }
    for threshold in &i.thresholds {
        flags.push(vec![
            threshold.flag.clone(),
            format!("total ≥ {}", threshold.min_total),
        ]);
    }
    for algorithm in &i.algorithms {
        flags.push(vec![algorithm.flag.clone(), describe_algorithm(algorithm)]);
        flags.push(vec![
            algorithm.indeterminate_flag.clone(),
            format!("blank or unusable items leave {} undecided", algorithm.flag),
        ]);
    }
    if i.max_missing > 0 {
        flags.push(vec![
            status_flag::PRORATED.to_owned(),
            format!(
                "{} blank; total prorated",
                count_range(1, i.max_missing, "item")
            ),
        ]);
    }
    flags.push(vec![
        status_flag::INVALID_TOO_MANY_MISSING.to_owned(),
        format!("more than {} blank; no total", count(i.max_missing, "item")),
    ]);
    flags.push(vec![
        status_flag::INVALID_VALUE.to_owned(),
        format!(
            "an answer outside {}–{} or not a whole number; no total",
            i.scale.min, i.scale.max
        ),
    ]);
    let _ = writeln!(
        s,
        "{}",
        fitted(
            &FLAG_COLUMNS,
            flags
                .into_iter()
                .map(|row| row.into_iter().map(Text::from).collect())
                .collect(),
            color,
            width
        )
    );
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
                "  {}  {} — {} {}",
                sub.id,
                sub.label,
                noun(numbers.len(), "item"),
                numbers.join(", ")
            );
        }
    }

    let c = &i.change;
    let _ = writeln!(
        s,
        "\nChange over time: reliable change {}, MCID {}, target below {}, caseness from {}, response ≥ {}% reduction; plateau: {} spanning ≥ {}, latest ≥ {} after dosing, slope horizon {}.",
        count(c.reliable_change, "point"),
        c.mcid,
        c.target,
        c.caseness,
        c.response_pct,
        count(c.plateau.points, "point"),
        count(c.plateau.min_span_days, "day"),
        count(c.plateau.min_days_since_dose, "day"),
        count(c.plateau.horizon_days, "day")
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
            format!(
                "{range} of {} {}",
                noun(numbers.len(), "item"),
                compact(&numbers)
            )
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
