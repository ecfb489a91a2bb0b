//! Reading visit dates: ISO 8601 `YYYY-MM-DD` by default, or a strftime layout.

use jiff::civil::Date;

use crate::shown_text::show_cell;

/// Visit years accepted (see [`DateFormat::parse`]).
const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i16> = 1900..=2199;

/// Why a date cell could not be read: what kind of problem, and the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DateError {
    kind: DateErrorKind,
    message: String,
}

impl DateError {
    /// What kind of problem it is.
    pub fn kind(&self) -> DateErrorKind {
        self.kind
    }
}

/// What kind of problem a [`DateError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateErrorKind {
    /// Not written as `YYYY-MM-DD`, the default: the file may use another layout, which
    /// must then be given.
    NotIso,
    /// Not written in the layout given.
    Layout,
    /// In the layout, but no calendar date (`2026-02-30`).
    Impossible,
    /// A year outside the plausible range (1900–2199).
    Implausible,
}

/// How dates are written in the input.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum DateFormat {
    /// `YYYY-MM-DD`, and nothing else.
    #[default]
    Iso,
    /// A strftime layout such as `%d/%m/%Y`.
    Strftime(String),
}

impl DateFormat {
    /// Parses a (trimmed) date cell; the error says what was expected.
    ///
    /// Years outside 1900–2199 are refused: `%Y` reads `26` as the year 26, so a two-digit
    /// year would otherwise move a visit two thousand years without a word.
    pub fn parse(&self, text: &str) -> Result<Date, DateError> {
        let date = self.parse_any_year(text)?;
        if PLAUSIBLE_YEARS.contains(&date.year()) {
            Ok(date)
        } else {
            let hint = if date.year() < 100 {
                " (a two-digit year?)"
            } else {
                ""
            };
            Err(DateError {
                kind: DateErrorKind::Implausible,
                message: format!(
                    "expected a visit date from 1900 to 2199, found '{}', read as the year {}{hint}",
                    show_cell(text),
                    date.year()
                ),
            })
        }
    }

    fn parse_any_year(&self, text: &str) -> Result<Date, DateError> {
        match self {
            DateFormat::Iso => parse_iso(text.as_bytes())
                .ok_or_else(|| invalid_or_expected(text, "a date as YYYY-MM-DD")),
            DateFormat::Strftime(layout) => jiff::fmt::strtime::parse(layout, text)
                .and_then(|parsed| parsed.to_date())
                .map_err(|err| DateError {
                    kind: DateErrorKind::Layout,
                    message: format!(
                        "expected a date in the layout '{layout}', found '{}': {err}",
                        show_cell(text)
                    ),
                }),
        }
    }
}

fn invalid_or_expected(text: &str, expected: &str) -> DateError {
    // A well-formed but impossible date (2026-02-30) deserves its own explanation.
    if let Some(reason) = impossible_iso_date(text) {
        return DateError {
            kind: DateErrorKind::Impossible,
            message: format!(
                "expected a real calendar date, found '{}': {reason}",
                show_cell(text)
            ),
        };
    }
    DateError {
        kind: DateErrorKind::NotIso,
        message: format!("expected {expected}, found '{}'", show_cell(text)),
    }
}

/// Whether a cell is `YYYY-MM-DD` in shape (four digits, a dash, two digits, a dash, two
/// digits), a real date or not: what `enter` needs to know of a file's dates before it adds
/// one, and where [`DateFormat::Iso`] starts.
pub(crate) fn is_iso_shaped(cell: &[u8]) -> bool {
    split_iso(cell).is_some()
}

fn split_iso(bytes: &[u8]) -> Option<(i16, i8, i8)> {
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    // Every byte read here is a checked ASCII digit, so plain arithmetic is exact (and a
    // fifth of the cost of three `parse` calls, once per row of a batch).
    let number = |digits: &[u8]| {
        digits
            .iter()
            .fold(0i16, |n, &d| n * 10 + i16::from(d - b'0'))
    };
    Some((
        number(&bytes[0..4]),
        i8::try_from(number(&bytes[5..7])).ok()?,
        i8::try_from(number(&bytes[8..10])).ok()?,
    ))
}

fn parse_iso(bytes: &[u8]) -> Option<Date> {
    let (year, month, day) = split_iso(bytes)?;
    Date::new(year, month, day).ok()
}

fn impossible_iso_date(text: &str) -> Option<String> {
    let (year, month, day) = split_iso(text.as_bytes())?;
    Date::new(year, month, day).err().map(|err| err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(
            DateFormat::Iso.parse("2026-03-02").unwrap().to_string(),
            "2026-03-02"
        );
        let wrong_shape = DateFormat::Iso.parse("2026-3-2").unwrap_err();
        assert_eq!(wrong_shape.kind(), DateErrorKind::NotIso);
        assert!(wrong_shape.to_string().contains("YYYY-MM-DD"));
        // Another layout may read it: the kind says so, and the message names no flag (the
        // command line adds its own hint).
        let other_layout = DateFormat::Iso.parse("02/03/2026").unwrap_err();
        assert_eq!(other_layout.kind(), DateErrorKind::NotIso);
        assert_eq!(
            other_layout.to_string(),
            "expected a date as YYYY-MM-DD, found '02/03/2026'"
        );
        let impossible = DateFormat::Iso.parse("2026-02-30").unwrap_err();
        assert_eq!(impossible.kind(), DateErrorKind::Impossible);
        assert!(
            impossible.to_string().contains("real calendar date"),
            "{impossible}"
        );
    }

    #[test]
    fn iso_parts_are_read_as_written() {
        for year in ["0000", "0026", "1900", "2026", "9999"] {
            for month in 0..=99 {
                for day in [0, 1, 9, 10, 28, 29, 30, 31, 32, 99] {
                    let text = format!("{year}-{month:02}-{day:02}");
                    assert_eq!(
                        split_iso(text.as_bytes()),
                        Some((year.parse().unwrap(), month, day)),
                        "{text}"
                    );
                }
            }
        }
        for shape in [
            "2026-1-02",
            "2026-01-2",
            "2026/01/02",
            "2026-0a-02",
            "+026-01-02",
        ] {
            assert_eq!(split_iso(shape.as_bytes()), None, "{shape}");
        }
    }

    #[test]
    fn implausible_years_are_refused() {
        let format = DateFormat::Strftime("%d/%m/%Y".into());
        let two_digits = format.parse("06/01/26").unwrap_err();
        assert_eq!(two_digits.kind(), DateErrorKind::Implausible);
        assert!(two_digits.to_string().contains("two-digit year"));
        assert!(DateFormat::Iso.parse("0026-01-06").is_err());
        assert!(DateFormat::Iso.parse("2199-12-31").is_ok());
    }

    #[test]
    fn strftime_dates() {
        let format = DateFormat::Strftime("%d/%m/%Y".into());
        assert_eq!(
            format.parse("02/03/2026").unwrap().to_string(),
            "2026-03-02"
        );
        assert_eq!(
            format.parse("2026-03-02").unwrap_err().kind(),
            DateErrorKind::Layout
        );
    }
}
