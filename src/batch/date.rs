//! Reading visit dates: ISO 8601 `YYYY-MM-DD` by default, or a strftime layout.

use jiff::civil::Date;

use crate::answer::show_cell;

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
    pub fn parse(&self, text: &str) -> Result<Date, String> {
        let date = self.parse_any_year(text)?;
        if (1900..=2199).contains(&date.year()) {
            Ok(date)
        } else {
            let hint = if date.year() < 100 {
                " (a two-digit year?)"
            } else {
                ""
            };
            Err(format!(
                "expected a visit date from 1900 to 2199, found '{}', read as the year {}{hint}",
                show_cell(text),
                date.year()
            ))
        }
    }

    fn parse_any_year(&self, text: &str) -> Result<Date, String> {
        match self {
            DateFormat::Iso => {
                parse_iso(text).ok_or_else(|| invalid_or_expected(text, "a date as YYYY-MM-DD"))
            }
            DateFormat::Strftime(layout) => jiff::fmt::strtime::parse(layout, text)
                .and_then(|parsed| parsed.to_date())
                .map_err(|err| {
                    format!(
                        "expected a date in the layout '{layout}', found '{}': {err}",
                        show_cell(text)
                    )
                }),
        }
    }
}

fn invalid_or_expected(text: &str, expected: &str) -> String {
    // A well-formed but impossible date (2026-02-30) deserves its own explanation.
    if let Some(reason) = impossible_iso_date(text) {
        return format!(
            "expected a real calendar date, found '{}': {reason}",
            show_cell(text)
        );
    }
    format!(
        "expected {expected}, found '{}' (use --date-format for other layouts)",
        show_cell(text)
    )
}

fn split_iso(text: &str) -> Option<(i16, i8, i8)> {
    let bytes = text.as_bytes();
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
    Some((
        text[0..4].parse().ok()?,
        text[5..7].parse().ok()?,
        text[8..10].parse().ok()?,
    ))
}

fn parse_iso(text: &str) -> Option<Date> {
    let (year, month, day) = split_iso(text)?;
    Date::new(year, month, day).ok()
}

fn impossible_iso_date(text: &str) -> Option<String> {
    let (year, month, day) = split_iso(text)?;
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
        assert!(
            DateFormat::Iso
                .parse("2026-3-2")
                .unwrap_err()
                .contains("YYYY-MM-DD")
        );
        assert!(
            DateFormat::Iso
                .parse("02/03/2026")
                .unwrap_err()
                .contains("--date-format")
        );
        let impossible = DateFormat::Iso.parse("2026-02-30").unwrap_err();
        assert!(impossible.contains("real calendar date"), "{impossible}");
    }

    #[test]
    fn implausible_years_are_refused() {
        let format = DateFormat::Strftime("%d/%m/%Y".into());
        assert!(
            format
                .parse("06/01/26")
                .unwrap_err()
                .contains("two-digit year")
        );
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
        assert!(format.parse("2026-03-02").is_err());
    }
}
