//! The human-readable table of scores.
//!
//! Safety flags must stand out without colour (`NO_COLOR`, printed pages, screen readers), so
//! they carry a `!!` marker, the item's answer or "unknown", and are listed first; colour
//! only reinforces that.

use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};
use symscore::ScoreRecord;
use symscore::score::{FlagKind, SafetyStatus};

/// A table with the project's style; `color` decides whether cells may be styled.
pub(crate) fn new_table(color: bool) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
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
    symscore::answer::show_cell(text)
}

pub(crate) struct ScoreTable {
    table: Table,
    color: bool,
    has_subscales: bool,
    rows: Vec<Vec<Cell>>,
}

impl ScoreTable {
    pub(crate) fn new(color: bool) -> Self {
        ScoreTable {
            table: new_table(color),
            color,
            has_subscales: false,
            rows: Vec::new(),
        }
    }

    pub(crate) fn add(&mut self, record: &ScoreRecord<'_>) {
        let report = &record.report;
        let total = match (report.total, report.total_exact) {
            (Some(total), Some(exact)) if report.is_prorated() => {
                format!("{total} ({:.1})", exact.to_f64())
            }
            (Some(total), _) => total.to_string(),
            (None, _) => "—".to_owned(),
        };
        let mut safety = Vec::new();
        for check in &report.safety {
            match check.status {
                SafetyStatus::Endorsed(value) => safety.push(format!(
                    "!! {} (item {} = {value})",
                    check.item.positive_flag, check.item.item
                )),
                SafetyStatus::Unknown => safety.push(format!(
                    "!! {} (item {}: unknown)",
                    check.item.missing_flag, check.item.item
                )),
                SafetyStatus::NotEndorsed(_) => {}
            }
        }
        let others: Vec<&str> = report
            .flags
            .iter()
            .filter(|f| f.kind != FlagKind::Safety)
            .map(|f| f.name)
            .collect();
        let mut flags = safety.join("\n");
        if !others.is_empty() {
            if !flags.is_empty() {
                flags.push('\n');
            }
            flags.push_str(&others.join(", "));
        }
        let mut flags_cell = Cell::new(flags);
        if self.color && report.needs_safety_review() {
            flags_cell = flags_cell.fg(Color::Red).add_attribute(Attribute::Bold);
        }
        let subscales = report.subscale_summary(" ", "—");
        self.has_subscales |= !subscales.is_empty();
        self.rows.push(vec![
            Cell::new(terminal_safe(record.patient_id.as_deref().unwrap_or("—"))),
            Cell::new(
                record
                    .date
                    .map_or_else(|| "—".to_owned(), |d| d.to_string()),
            ),
            Cell::new(&report.instrument.id),
            Cell::new(total),
            Cell::new(report.severity.id()),
            flags_cell,
            Cell::new(subscales),
            Cell::new(
                record
                    .line
                    .map_or_else(|| "—".to_owned(), |l| l.to_string()),
            ),
        ]);
    }

    pub(crate) fn render(mut self) -> String {
        let mut header = vec![
            "patient",
            "date",
            "instrument",
            "total",
            "severity",
            "flags",
            "subscales",
            "line",
        ];
        if !self.has_subscales {
            header.remove(6);
            for row in &mut self.rows {
                row.remove(6);
            }
        }
        self.table.set_header(header);
        for row in self.rows {
            self.table.add_row(row);
        }
        self.table.to_string()
    }
}
