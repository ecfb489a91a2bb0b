//! The human-readable table of scores.
//!
//! Safety flags must stand out without colour (`NO_COLOR`, printed pages, screen readers), so
//! they carry a `!!` marker, the item's answer or "unknown", and are listed first; colour
//! only reinforces that.
//!
//! A table is drawn in blocks of [`BLOCK_ROWS`] rows, each with its header, as the rows
//! arrive: aligning columns needs the rows, and holding a whole file's (1M visits took 6.3 GB
//! and 30 s in comfy-table) is not an option. Later blocks keep at least the column widths of
//! the earlier ones, so the columns stay in place down the screen. Text from the input (the
//! patient id) is cut to [`MAX_CELL_CHARS`] characters with `…`: one 200 KB id made every row
//! of its table 200 KB wide. CSV and JSON carry every value whole.
//!
//! The table fits the width of the terminal ([`super::width`]): cells wrap without
//! splitting a word, and the line and subscale columns are left out, with a note saying so,
//! when the rest would not fit otherwise ([`super::fit`]).

use std::collections::HashMap;

use comfy_table::{ContentArrangement, Table, presets};
use symscore::ScoreRecord;

use super::fit::{Column, Layout, Text, dropped_note};
use super::wrap::fit_lines;

/// A table with the project's style; `color` decides whether cells may be styled. Its
/// arrangement is disabled: [`Layout`] decides the widths and wraps the cells.
pub(crate) fn new_table(color: bool) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled);
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table
}

/// Text from the input, made safe to print on a terminal: control characters (which could
/// move the cursor or recolour the screen) are shown escaped.
pub(crate) fn terminal_safe(text: &str) -> String {
    symscore::shown_text::show_cell(text)
}

/// Rows per block of a table: a few hundred KB of cells at a time, and a header every
/// screenful or so of a long listing.
pub(crate) const BLOCK_ROWS: usize = 1000;

/// The most characters of input text a table cell shows. Patient ids are far shorter; a
/// longer value (a whole record pasted into the id column) is cut in the middle, so that both
/// its start and its end stay visible.
pub(crate) const MAX_CELL_CHARS: usize = 40;

/// [`terminal_safe`], cut to [`MAX_CELL_CHARS`] characters with `…` in the middle.
pub(crate) fn table_text(text: &str) -> String {
    let shown = terminal_safe(text);
    let count = shown.chars().count();
    if count <= MAX_CELL_CHARS {
        return shown;
    }
    let head = (MAX_CELL_CHARS - 1) * 2 / 3;
    let tail = MAX_CELL_CHARS - 1 - head;
    let mut cut: String = shown.chars().take(head).collect();
    cut.push('…');
    cut.extend(shown.chars().skip(count - tail));
    cut
}

/// The score table's columns, in order of importance. Who, when, what, the score and its
/// flags (where the safety marker is) are always shown. The input line (for finding the row
/// to correct, not for reading the clinical picture) is left out first on a narrow terminal,
/// then the subscales (PCL-5's cluster scores: detail behind the total and severity).
const COLUMNS: [Column; 8] = [
    Column::kept("patient"),
    Column::kept("date"),
    Column::kept("instrument"),
    Column::kept("total"),
    Column::kept("severity"),
    Column::kept("flags"),
    Column::droppable("subscales", 1),
    Column::droppable("line", 0),
];

/// The patient cell: the id, and under it the row's place in a REDCap project if any.
fn patient_cell(patient_id: Option<&str>, place: &str) -> String {
    let id = table_text(patient_id.unwrap_or("—"));
    if place.is_empty() {
        id
    } else {
        format!("{id}\n{}", table_text(place))
    }
}

/// Where a column left out of the score table can be seen.
const ELSEWHERE: &str = "--format csv or a wider terminal (COLUMNS=120)";

/// The score table, drawn a block at a time.
pub(crate) struct ScoreTable {
    color: bool,
    /// The width to fit; `None` for no limit.
    width: Option<usize>,
    /// The rows of the block being collected.
    rows: Vec<ScoreRow>,
    /// Each column's width so far, by header name: later blocks are at least as wide.
    widths: HashMap<&'static str, usize>,
    /// The columns a note under a block has already said were left out.
    noted: Vec<&'static str>,
    /// Whether a block has been drawn.
    drawn: bool,
}

/// One row's cells, and whether its subscale cell has anything.
struct ScoreRow {
    cells: Vec<Text>,
    has_subscales: bool,
}

impl ScoreTable {
    pub(crate) fn new(color: bool, width: Option<usize>) -> Self {
        ScoreTable {
            color,
            width,
            rows: Vec::with_capacity(BLOCK_ROWS),
            widths: HashMap::new(),
            noted: Vec::new(),
            drawn: false,
        }
    }

    /// Adds a record's row; returns the block to write when this row completes one.
    /// `place` is the row's place in a REDCap project (event, repeating form and instance),
    /// shown under the patient id; empty for a visits file.
    pub(crate) fn add(&mut self, record: &ScoreRecord<'_>, place: &str) -> Option<String> {
        let report = &record.report;
        let total = match (report.total, report.total_exact) {
            (Some(total), Some(exact)) if report.is_prorated() => {
                format!("{total} ({:.1})", exact.to_f64())
            }
            (Some(total), _) => total.to_string(),
            (None, _) => "—".to_owned(),
        };
        let safety: Vec<String> = report
            .safety
            .iter()
            .filter_map(|check| Some(check.notice()?.cell().to_string()))
            .collect();
        let others: Vec<&str> = report
            .flags
            .iter()
            .filter(|f| !f.needs_safety_review())
            .map(|f| f.name)
            .collect();
        let mut flags = safety.join("\n");
        if !others.is_empty() {
            if !flags.is_empty() {
                flags.push('\n');
            }
            flags.push_str(&others.join(", "));
        }
        let subscales = report.subscale_summary(" ", "—");
        let has_subscales = !subscales.is_empty();
        let cells = vec![
            Text::from(patient_cell(record.patient_id.as_deref(), place)),
            Text::from(
                record
                    .date
                    .map_or_else(|| "—".to_owned(), |d| d.to_string()),
            ),
            Text::from(report.instrument.id.as_str()),
            Text::from(total),
            Text::from(report.severity.id()),
            Text::alarm(flags, report.needs_safety_review()),
            Text::from(subscales),
            Text::from(
                record
                    .line
                    .map_or_else(|| "—".to_owned(), |l| l.to_string()),
            ),
        ];
        self.rows.push(ScoreRow {
            cells,
            has_subscales,
        });
        (self.rows.len() == BLOCK_ROWS).then(|| self.draw_block())
    }

    /// The rows not drawn yet; the header alone when the table has no rows at all.
    pub(crate) fn finish(mut self) -> Option<String> {
        (!self.rows.is_empty() || !self.drawn).then(|| self.draw_block())
    }

    /// Draws the rows collected and starts a new block; under it, once, a note naming the
    /// columns left out to fit the width.
    fn draw_block(&mut self) -> String {
        const SUBSCALES: usize = 6;
        // The subscales column only when a row of this block has one.
        let keep_subscales = self.rows.iter().any(|r| r.has_subscales);
        let columns: Vec<Column> = COLUMNS
            .iter()
            .enumerate()
            .filter(|&(i, _)| keep_subscales || i != SUBSCALES)
            .map(|(_, column)| *column)
            .collect();
        let rows: Vec<Vec<Text>> = self
            .rows
            .drain(..)
            .map(|mut row| {
                if !keep_subscales {
                    row.cells.remove(SUBSCALES);
                }
                row.cells
            })
            .collect();
        let at_least: Vec<usize> = columns
            .iter()
            .map(|c| self.widths.get(c.header).copied().unwrap_or(0))
            .collect();
        let layout = Layout::fit(&columns, &rows, self.width, &at_least);
        for (column, width) in columns.iter().zip(layout.widths()) {
            if let Some(width) = *width {
                let widest = self.widths.entry(column.header).or_default();
                *widest = (*widest).max(width);
            }
        }
        let mut block = layout.draw(&columns, rows, self.color).to_string();
        let unnoted: Vec<&'static str> = layout
            .dropped(&columns)
            .into_iter()
            .filter(|name| !self.noted.contains(name))
            .collect();
        if let Some(note) = dropped_note(&unnoted, ELSEWHERE) {
            block.push('\n');
            block.push_str(&self.width.map_or(note.clone(), |w| fit_lines(&note, w)));
            self.noted.extend(unnoted);
        }
        self.drawn = true;
        block
    }
}
