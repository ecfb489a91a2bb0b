//! Breaking text into lines of a given display width without splitting a word.
//!
//! Text breaks at spaces. A word still wider than the line (a flag name such as
//! `MAJOR_DEPRESSIVE_SYNDROME`, a severity such as `moderately_severe`) breaks after one of its
//! underscores, which join whole words in those identifiers: `moderately_` / `severe`, never
//! `moderat` / `ely_severe`. The safety marker `!!` and the name it marks are one piece,
//! never broken.
//! Nothing else breaks: a date or a number is one piece, and a piece wider than the line is
//! left whole (the line is then too wide, never wrong).

use symscore::score::SAFETY_MARK;
use unicode_width::UnicodeWidthStr as _;

/// Columns `text` takes on a terminal, as comfy-table measures a cell.
pub(crate) fn display_width(text: &str) -> usize {
    text.width()
}

/// The widest piece of `text` that [`wrap`] never breaks: the narrowest a column holding it
/// can be.
pub(crate) fn unbreakable_width(text: &str) -> usize {
    text.lines()
        .flat_map(words)
        .flat_map(pieces)
        .map(display_width)
        .max()
        .unwrap_or(0)
}

/// `text` in lines at most `width` wide; each line of `text` is wrapped on its own, and one
/// that fits is kept as it is (spacing included).
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    text.split('\n')
        .flat_map(|line| wrap_line(line, width, width))
        .collect()
}

/// One line of prose in lines at most `width` wide: continuation lines are indented two
/// columns more than the line, so that each paragraph stays visible as one.
pub(crate) fn wrap_indented(line: &str, width: usize) -> Vec<String> {
    let body = line.trim_start_matches(' ');
    let indent = line.len() - body.len();
    let first = width.saturating_sub(indent);
    let rest = first.saturating_sub(2);
    wrap_line(body, first, rest)
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let pad = if i == 0 { indent } else { indent + 2 };
            format!("{:pad$}{text}", "")
        })
        .collect()
}

/// Each line of `text` wrapped to `width` by [`wrap_indented`]; a line that fits is kept.
pub(crate) fn fit_lines(text: &str, width: usize) -> String {
    let mut fitted = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = line
            .strip_suffix('\n')
            .map_or((line, ""), |body| (body, "\n"));
        fitted.push_str(&wrap_indented(body, width).join("\n"));
        fitted.push_str(end);
    }
    fitted
}

/// Greedy filling: as many words as fit on each line; the first line is `first` wide, the
/// others `rest`.
fn wrap_line(line: &str, first: usize, rest: usize) -> Vec<String> {
    if display_width(line) <= first {
        return vec![line.to_owned()];
    }
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in words(line) {
        let budget = if lines.is_empty() { first } else { rest };
        let parts = if display_width(word) > budget {
            pieces(word).collect()
        } else {
            vec![word]
        };
        for (i, part) in parts.into_iter().enumerate() {
            let budget = if lines.is_empty() { first } else { rest };
            let separator = if i == 0 { " " } else { "" };
            if current.is_empty() {
                current.push_str(part);
            } else if display_width(&current) + separator.len() + display_width(part) <= budget {
                current.push_str(separator);
                current.push_str(part);
            } else {
                lines.push(std::mem::take(&mut current));
                current.push_str(part);
            }
        }
    }
    lines.push(current);
    lines
}

/// The words of a line, split at spaces, with the safety marker joined to the word after it.
fn words(line: &str) -> impl Iterator<Item = &str> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (at, c) in line.char_indices().chain([(line.len(), ' ')]) {
        match (c == ' ', start) {
            (true, Some(from)) => {
                spans.push((from, at));
                start = None;
            }
            (false, None) => start = Some(at),
            _ => {}
        }
    }
    let mut joined: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for span in spans {
        match joined.last_mut() {
            Some(last) if &line[last.0..last.1] == SAFETY_MARK => last.1 = span.1,
            _ => joined.push(span),
        }
    }
    joined.into_iter().map(move |(from, to)| &line[from..to])
}

/// A word cut after each underscore: the places an identifier may break. A safety notice's
/// name (`!! ITEM9_POSITIVE`) never breaks: a column is widened, or another left out, first.
fn pieces(word: &str) -> Box<dyn Iterator<Item = &str> + '_> {
    if word.starts_with(SAFETY_MARK) {
        Box::new(std::iter::once(word))
    } else {
        Box::new(word.split_inclusive('_'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_fits_is_kept_as_it_is() {
        assert_eq!(wrap("a   b", 5), ["a   b"]);
        assert_eq!(wrap("one\ntwo", 3), ["one", "two"]);
        assert_eq!(wrap("", 3), [""]);
    }

    #[test]
    fn text_breaks_at_spaces() {
        assert_eq!(
            wrap("CASENESS_PHQ9, MAJOR_DEPRESSIVE_SYNDROME", 26),
            ["CASENESS_PHQ9,", "MAJOR_DEPRESSIVE_SYNDROME"]
        );
        assert_eq!(wrap("B=7 C=5 D=10 E=11", 9), ["B=7 C=5", "D=10 E=11"]);
    }

    #[test]
    fn an_identifier_wider_than_the_line_breaks_after_an_underscore_only() {
        assert_eq!(wrap("moderately_severe", 12), ["moderately_", "severe"]);
        assert_eq!(wrap("probable_ptsd", 10), ["probable_", "ptsd"]);
        assert_eq!(
            wrap("MAJOR_DEPRESSIVE_SYNDROME", 12),
            ["MAJOR_", "DEPRESSIVE_", "SYNDROME"]
        );
        assert_eq!(unbreakable_width("moderately_severe"), 11);
    }

    #[test]
    fn a_date_or_word_is_never_split_even_when_too_wide() {
        assert_eq!(wrap("2026-08-25", 8), ["2026-08-25"]);
        assert_eq!(wrap("on 2026-08-25", 8), ["on", "2026-08-25"]);
        assert_eq!(unbreakable_width("on 2026-08-25"), 10);
    }

    #[test]
    fn the_safety_marker_stays_with_its_flag() {
        assert_eq!(
            wrap("!! ITEM9_POSITIVE (item 9 = 2)", 18),
            ["!! ITEM9_POSITIVE", "(item 9 = 2)"]
        );
        assert_eq!(wrap("!! ITEM9_MISSING", 10), ["!! ITEM9_MISSING"]);
        assert_eq!(unbreakable_width("!! ITEM9_MISSING (item 9: unknown)"), 16);
    }

    #[test]
    fn prose_continues_indented_under_its_line() {
        assert_eq!(
            wrap_indented("  Status: still changing (fewer than three)", 24),
            ["  Status: still changing", "    (fewer than three)"]
        );
    }

    #[test]
    fn width_counts_terminal_columns_not_bytes() {
        assert_eq!(display_width("2026-08-25 ▁▂▃"), 14);
        assert_eq!(wrap("▁▂▃ ▄▅▆", 3), ["▁▂▃", "▄▅▆"]);
    }
}
