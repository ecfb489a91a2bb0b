//! Text from files made safe to show on a terminal.
//!
//! Patient ids, column names, labels and cells come from files symscore does not control.
//! Printed as they are, an escape sequence in one (`ESC[8m` conceals everything after it, a
//! carriage return overwrites the line, a right-to-left override reverses it) could hide the
//! `!!` safety line that follows it on the same terminal. Every character that drives a
//! terminal or that the eye cannot see is therefore shown escaped (`\u{1b}`), here, once:
//! table cells, messages and diagnostics all go through these functions.

use std::borrow::Cow;

/// Whether `c` would drive a terminal or is invisible: C0 and C1 control characters and DEL
/// (including tab and line breaks), the bidirectional controls (Unicode `Bidi_Control`:
/// U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069), zero-width and other invisible
/// formatting characters, the line and paragraph separators, the byte-order mark and the
/// soft hyphen.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00ad}'
                | '\u{061c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}'
        )
}

/// A value (a cell, an id, a name) as it should appear on a terminal: every [`is_hidden`]
/// character escaped, line breaks included, so that one value is always one line and a
/// difference the eye cannot see shows up. Everything else, quotes included, is shown as it
/// is in the file.
pub fn show_cell(text: &str) -> String {
    escape(text, |_| false).into_owned()
}

/// A whole message as it should reach a terminal: as [`show_cell`], but line breaks are
/// kept, for messages that list several problems one per line. Values inside such a message
/// must have been shown with [`show_cell`], so that a line break in a value cannot start a
/// line of its own.
pub fn show_lines(text: &str) -> Cow<'_, str> {
    escape(text, |c| c == '\n')
}

fn escape(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let escaped = |c: char| is_hidden(c) && !keep(c);
    // Printable ASCII is never hidden. Most messages are nothing else, and this byte test
    // (which the compiler vectorises) is far cheaper than the char-by-char one: `trend` on
    // the 1M benchmark writes tens of thousands of safety messages.
    if text.bytes().all(|b| (b' '..=b'~').contains(&b)) || !text.chars().any(escaped) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escaped(c) {
            shown.extend(c.escape_unicode());
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The printable-ASCII shortcut of `escape` holds: no such character is hidden, and
    /// every other ASCII character is (so a message holding one is still escaped).
    #[test]
    fn printable_ascii_is_never_hidden_and_other_ascii_is() {
        for b in 0u8..=127 {
            let printable = (b' '..=b'~').contains(&b);
            assert_eq!(is_hidden(char::from(b)), !printable, "byte {b:#04x}");
            let text = format!("a{}b", char::from(b));
            assert_eq!(show_cell(&text) == text, printable, "byte {b:#04x}");
        }
    }

    #[test]
    fn terminal_driving_characters_are_escaped() {
        assert_eq!(show_cell("P1\u{1b}[8m"), "P1\\u{1b}[8m");
        assert_eq!(show_cell("a\rb\nc\td"), "a\\u{d}b\\u{a}c\\u{9}d");
        assert_eq!(show_cell("x\u{7f}\u{9b}2J"), "x\\u{7f}\\u{9b}2J");
        assert_eq!(show_cell("\u{202e}gnp.exe"), "\\u{202e}gnp.exe");
        assert_eq!(show_cell("a\u{2066}b\u{2069}"), "a\\u{2066}b\\u{2069}");
        assert_eq!(show_cell("a\u{200b}b"), "a\\u{200b}b");
    }

    #[test]
    fn plain_text_is_shown_as_it_is() {
        for text in ["P017", "Zoë \"Z\" O'Brien", "日本語", "—", ""] {
            assert_eq!(show_cell(text), text);
            assert!(matches!(show_lines(text), Cow::Borrowed(t) if t == text));
        }
    }

    #[test]
    fn show_lines_keeps_only_line_breaks() {
        assert_eq!(
            show_lines("one\ntwo\u{1b}[8m\r"),
            "one\ntwo\\u{1b}[8m\\u{d}"
        );
    }
}
