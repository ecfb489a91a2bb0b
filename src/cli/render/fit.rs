//! Tables that fit a width: each cell wrapped without splitting a word ([`super::wrap`]),
//! lower-priority columns left out when even that is too wide, and a line saying which.
//!
//! comfy-table's own dynamic arrangement cuts words and dates anywhere (`probabl`/`e_ptsd`,
//! `2026-08-`/`25`), so the widths are decided here and comfy-table only draws cells that
//! already fit: its arrangement is disabled and each column's width is fixed.
//!
//! A column is never narrower than its header or its widest unbreakable piece. When those
//! minimums do not fit, droppable columns go, lowest rank first, until they do; the columns
//! kept always (who, when, what, the score and its safety marker) stay even when the table is
//! then too wide: a line too long wraps on the screen, a missing safety flag is not seen.

use comfy_table::{Attribute, Cell, Color, ColumnConstraint, Table, Width};

use super::table::new_table;
use super::wrap::{display_width, unbreakable_width, wrap};

/// The columns the table borders take besides the cells: `│ ` + ` ┆ ` between cells + ` │`.
pub(crate) fn border_width(columns: usize) -> usize {
    3 * columns + 1
}

/// The narrowest a prose column is drawn: narrower, it is left out if it may be.
const PROSE_FLOOR: usize = 24;

/// A column: its header, and whether it may be left out of a narrow table.
#[derive(Clone, Copy)]
pub(crate) struct Column {
    pub(crate) header: &'static str,
    /// `None`: always shown. Otherwise columns are left out lowest rank first.
    drop_rank: Option<u8>,
    /// Prose is wrapped at this many columns even when there is room: lines of 200
    /// characters are hard to read, on a wide terminal as in a file.
    measure: Option<usize>,
}

impl Column {
    /// A column every table shows.
    pub(crate) const fn kept(header: &'static str) -> Self {
        Column {
            header,
            drop_rank: None,
            measure: None,
        }
    }

    /// A column left out, lowest `rank` first, when the table does not fit.
    pub(crate) const fn droppable(header: &'static str, rank: u8) -> Self {
        Column {
            header,
            drop_rank: Some(rank),
            measure: None,
        }
    }

    /// The column holds prose, wrapped at `measure` columns at most.
    pub(crate) const fn prose(self, measure: usize) -> Self {
        Column {
            measure: Some(measure),
            ..self
        }
    }
}

/// A cell's text, and whether it raises an alarm (drawn red and bold when colour is on).
pub(crate) struct Text {
    pub(crate) text: String,
    pub(crate) alarm: bool,
}

impl Text {
    pub(crate) fn alarm(text: String, alarm: bool) -> Self {
        Text { text, alarm }
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Text { text, alarm: false }
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Text::from(text.to_owned())
    }
}

/// Each column's width, or `None` when it is left out.
pub(crate) struct Layout {
    widths: Vec<Option<usize>>,
}

impl Layout {
    /// The widths for `rows` under `columns` in `width` columns (`None`: no limit). A
    /// column is at least `at_least[i]` wide when there is room: a table drawn in blocks
    /// keeps its columns in place.
    pub(crate) fn fit(
        columns: &[Column],
        rows: &[Vec<Text>],
        width: Option<usize>,
        at_least: &[usize],
    ) -> Layout {
        let widest: Vec<usize> = columns
            .iter()
            .enumerate()
            .map(|(i, column)| {
                rows.iter()
                    .flat_map(|row| row[i].text.lines())
                    .map(display_width)
                    .fold(display_width(column.header), usize::max)
            })
            .collect();
        let least: Vec<usize> = columns
            .iter()
            .enumerate()
            .map(|(i, column)| {
                let unbreakable = rows
                    .iter()
                    .map(|row| unbreakable_width(&row[i].text))
                    .fold(display_width(column.header), usize::max);
                // Prose narrower than this reads a word or two a line: better left out.
                let floor = column
                    .measure
                    .map_or(0, |m| PROSE_FLOOR.min(m).min(widest[i]));
                unbreakable.max(floor)
            })
            .collect();
        let natural: Vec<usize> = columns
            .iter()
            .enumerate()
            .map(|(i, column)| {
                let widest = widest[i].max(at_least.get(i).copied().unwrap_or(0));
                column
                    .measure
                    .map_or(widest, |m| widest.min(m))
                    .max(least[i])
            })
            .collect();
        let Some(width) = width else {
            return Layout {
                widths: natural.into_iter().map(Some).collect(),
            };
        };
        let mut kept: Vec<bool> = vec![true; columns.len()];
        let needed = |kept: &[bool]| {
            let shown = kept.iter().filter(|&&k| k).count();
            border_width(shown)
                + least
                    .iter()
                    .zip(kept)
                    .filter(|(_, k)| **k)
                    .map(|(w, _)| w)
                    .sum::<usize>()
        };
        let mut by_rank: Vec<usize> = (0..columns.len())
            .filter(|&i| columns[i].drop_rank.is_some())
            .collect();
        by_rank.sort_by_key(|&i| columns[i].drop_rank);
        let natural_total: usize =
            border_width(columns.len()) + natural.iter().copied().sum::<usize>();
        if natural_total > width {
            for i in by_rank {
                if needed(&kept) <= width {
                    break;
                }
                kept[i] = false;
            }
        }
        // Room beyond the minimums goes to the columns always shown before the others, and
        // among those first to the ones that need the least of it to show whole (each cell
        // on one line), so that as few columns as possible wrap.
        let mut spare = width.saturating_sub(needed(&kept));
        let mut widths: Vec<usize> = least.clone();
        let mut by_need: Vec<usize> = (0..columns.len()).filter(|&i| kept[i]).collect();
        by_need.sort_by_key(|&i| (columns[i].drop_rank.is_some(), natural[i] - widths[i]));
        for i in by_need {
            let more = (natural[i] - widths[i]).min(spare);
            spare -= more;
            widths[i] += more;
        }
        let widths = widths
            .into_iter()
            .zip(&kept)
            .map(|(width, kept)| kept.then_some(width))
            .collect();
        Layout { widths }
    }

    /// Each column's width, `None` when left out.
    pub(crate) fn widths(&self) -> &[Option<usize>] {
        &self.widths
    }

    /// The headers of the columns left out.
    pub(crate) fn dropped(&self, columns: &[Column]) -> Vec<&'static str> {
        columns
            .iter()
            .zip(&self.widths)
            .filter(|(_, w)| w.is_none())
            .map(|(c, _)| c.header)
            .collect()
    }

    /// The table: the kept columns, each cell wrapped to its column.
    pub(crate) fn draw(&self, columns: &[Column], rows: Vec<Vec<Text>>, color: bool) -> Table {
        let mut table = new_table(color);
        let shown: Vec<(usize, usize)> = self
            .widths
            .iter()
            .enumerate()
            .filter_map(|(i, w)| Some((i, (*w)?)))
            .collect();
        table.set_header(shown.iter().map(|&(i, _)| columns[i].header));
        for row in rows {
            let mut row: Vec<Option<Text>> = row.into_iter().map(Some).collect();
            table.add_row(shown.iter().map(|&(i, width)| {
                let text = row[i].take().expect("each cell is drawn once");
                let mut cell = Cell::new(wrap(&text.text, width).join("\n"));
                if color && text.alarm {
                    cell = cell.fg(Color::Red).add_attribute(Attribute::Bold);
                }
                cell
            }));
        }
        // The padding is part of an absolute width.
        let padding = 2;
        table.set_constraints(shown.iter().map(|&(_, width)| {
            ColumnConstraint::Absolute(Width::Fixed(
                u16::try_from(width + padding).unwrap_or(u16::MAX),
            ))
        }));
        table
    }
}

/// The line under a table that left columns out: which, and where to see them
/// (`elsewhere` names what shows them: "--format csv or a wider terminal").
pub(crate) fn dropped_note(dropped: &[&str], elsewhere: &str) -> Option<String> {
    if dropped.is_empty() {
        return None;
    }
    let (noun, verb, pronoun) = if dropped.len() == 1 {
        ("column", "is", "it")
    } else {
        ("columns", "are", "them")
    };
    Some(format!(
        "The {noun} {} {verb} left out to fit the width: {elsewhere} shows {pronoun}.",
        dropped.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(cells: &[&[&str]]) -> Vec<Vec<Text>> {
        cells
            .iter()
            .map(|row| row.iter().map(|&c| Text::from(c)).collect())
            .collect()
    }

    const COLUMNS: [Column; 3] = [
        Column::kept("date"),
        Column::kept("flags"),
        Column::droppable("line", 0),
    ];

    #[test]
    fn without_a_limit_every_column_is_as_wide_as_its_content() {
        let rows = rows(&[&["2026-08-25", "A, B_C", "12"]]);
        let layout = Layout::fit(&COLUMNS, &rows, None, &[]);
        assert_eq!(layout.widths(), [Some(10), Some(6), Some(4)]);
    }

    #[test]
    fn a_narrow_table_wraps_its_cells_and_keeps_every_column() {
        // At least 10 + 5 + 4, and 10 columns of borders: 29.
        let rows = rows(&[&["2026-08-25", "A, B_C", "12"]]);
        let layout = Layout::fit(&COLUMNS, &rows, Some(29), &[]);
        assert_eq!(layout.widths(), [Some(10), Some(5), Some(4)]);
        assert!(layout.dropped(&COLUMNS).is_empty());
        let drawn = layout.draw(&COLUMNS, rows, false).to_string();
        assert!(drawn.lines().all(|l| display_width(l) <= 29), "{drawn}");
        assert!(drawn.contains("2026-08-25"));
    }

    #[test]
    fn droppable_columns_go_before_a_kept_column_is_cut() {
        let rows = rows(&[&["2026-08-25", "A, B_C", "12"]]);
        let layout = Layout::fit(&COLUMNS, &rows, Some(24), &[]);
        assert_eq!(layout.widths(), [Some(10), Some(6), None]);
        assert_eq!(layout.dropped(&COLUMNS), ["line"]);
    }

    #[test]
    fn kept_columns_stay_when_nothing_fits() {
        let rows = rows(&[&["2026-08-25", "A, B_C", "12"]]);
        let layout = Layout::fit(&COLUMNS, &rows, Some(5), &[]);
        assert_eq!(layout.widths(), [Some(10), Some(5), None]);
    }

    #[test]
    fn a_column_is_left_out_before_a_safety_notice_is_broken() {
        let columns = [Column::kept("flags"), Column::droppable("used", 0)];
        let rows = vec![vec![
            Text::alarm(
                "!! ITEM9_MISSING, MAJOR_DEPRESSIVE_SYNDROME".to_owned(),
                true,
            ),
            Text::from("no (recall)"),
        ]];
        // `!! ITEM9_MISSING,` is 17 wide and `(recall)` 8, with 7 of borders: 32.
        let layout = Layout::fit(&columns, &rows, Some(31), &[]);
        assert_eq!(layout.widths(), [Some(27), None]);
        let layout = Layout::fit(&columns, &rows, Some(32), &[]);
        assert_eq!(layout.widths(), [Some(17), Some(8)]);
    }

    #[test]
    fn the_note_names_each_column_left_out() {
        assert_eq!(dropped_note(&[], "x"), None);
        assert_eq!(
            dropped_note(&["line"], "--format csv").unwrap(),
            "The column line is left out to fit the width: --format csv shows it."
        );
        assert_eq!(
            dropped_note(&["subscales", "line"], "--format csv").unwrap(),
            "The columns subscales, line are left out to fit the width: --format csv shows them."
        );
    }

    #[test]
    fn prose_too_narrow_to_read_is_left_out_first() {
        let columns = [
            Column::kept("id"),
            Column::droppable("from", 0),
            Column::droppable("licence", 1).prose(60),
        ];
        let licence = "free to use and share in print and on screen";
        let rows = rows(&[&["phq9", "built-in", licence]]);
        // 4 + 8 + 24 and 10 of borders: 46; without `from`, 4 + 24 and 7.
        let layout = Layout::fit(&columns, &rows, Some(45), &[]);
        assert_eq!(layout.widths(), [Some(4), None, Some(34)]);
        let layout = Layout::fit(&columns, &rows, Some(34), &[]);
        assert_eq!(layout.widths(), [Some(4), None, None]);
    }

    #[test]
    fn prose_wraps_at_its_measure_even_with_room() {
        let columns = [Column::kept("licence").prose(12)];
        let rows = rows(&[&["free to use and share"]]);
        let layout = Layout::fit(&columns, &rows, None, &[]);
        assert_eq!(layout.widths(), [Some(12)]);
    }
}
