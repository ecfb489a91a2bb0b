//! Text made safe for HTML and SVG: every value from an input file (patient ids, dosing
//! labels, definitions' names) goes through [`text`] before it reaches the markup.

use std::borrow::Cow;
use std::fmt;

use crate::shown_text::{is_hidden, show_cell};

/// `value` as text content or an attribute value: `&`, `<`, `>`, `"` and `'` as entities,
/// and every character a reader could not see (controls, bidirectional overrides) shown
/// escaped as the terminal output shows it, so that a patient id can neither open an element
/// nor hide the `!!` beside it.
pub fn text(value: &str) -> Text<'_> {
    // Borrowed unless something must be shown escaped: a report writes millions of values.
    if value.chars().any(is_hidden) {
        Text(Cow::Owned(show_cell(value)))
    } else {
        Text(Cow::Borrowed(value))
    }
}

/// Escaped text, written with `{}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<'a>(Cow<'a, str>);

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest: &str = &self.0;
        while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..at])?;
            f.write_str(match rest.as_bytes()[at] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[at + 1..];
        }
        f.write_str(rest)
    }
}

/// A coordinate with one decimal, which is finer than a screen pixel and keeps files small.
pub(super) fn num(value: f64) -> Coordinate {
    Coordinate(value)
}

/// A coordinate, written with `{}`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Coordinate(f64);

impl fmt::Display for Coordinate {
    /// In whole tenths, as integers: a float's exact decimal formatting was the report's
    /// largest single cost. Coordinates lie within a few thousand units of the drawing.
    #[allow(clippy::cast_possible_truncation)]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenths = (self.0 * 10.0).round() as i64;
        let sign = if tenths < 0 { "-" } else { "" };
        let (whole, tenth) = (tenths.abs() / 10, tenths.abs() % 10);
        if tenth == 0 {
            write!(f, "{sign}{whole}")
        } else {
            write!(f, "{sign}{whole}.{tenth}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{num, text};

    #[test]
    fn markup_characters_become_entities() {
        assert_eq!(
            text("<script>alert('x')</script> & \"y\"").to_string(),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }

    #[test]
    fn invisible_characters_are_shown() {
        assert_eq!(text("P\u{202e}01\u{1b}").to_string(), "P\\u{202e}01\\u{1b}");
    }

    #[test]
    fn coordinates_have_one_decimal_at_most() {
        assert_eq!(num(12.0).to_string(), "12");
        assert_eq!(num(12.349).to_string(), "12.3");
        assert_eq!(num(7.26).to_string(), "7.3");
        assert_eq!(num(-0.26).to_string(), "-0.3");
        assert_eq!(num(-0.04).to_string(), "0");
    }
}
