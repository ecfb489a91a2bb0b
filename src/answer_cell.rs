//! Reading one answer cell: the rules for what counts as an answer, a blank or an error.
//!
//! Exports from statistics packages write `2.0` for 2 and use codes such as `7` (refused)
//! or `9` (don't know) for non-answers; these are handled here once, for every input path.

use crate::shown_text::show_cell;

use crate::instrument::Scale;
use crate::score::Answer;

/// Cell texts that mean "no answer". Blank always does.
#[derive(Debug, Clone, PartialEq)]
///
/// Two kinds are kept apart. Blank and the default tokens (`NA`, `N/A`, `.`) mean "no data":
/// statistics packages write them for a questionnaire that was never given. Tokens the user
/// adds (`7` = refused, `9` = don't know) are *non-responses*: the questionnaire was given
/// and the item not answered, so a form made only of them is administered, not absent.
pub struct MissingTokens {
    no_data: Vec<String>,
    texts: Vec<String>,
    numbers: Vec<u64>,
}

impl Default for MissingTokens {
    /// Blank, `NA`, `N/A` and `.` (case-insensitive).
    fn default() -> Self {
        MissingTokens {
            no_data: vec!["na".into(), "n/a".into(), ".".into()],
            texts: Vec::new(),
            numbers: Vec::new(),
        }
    }
}

impl MissingTokens {
    /// Adds a token. A whole-number token also matches its decimal spellings, so `7`
    /// matches a `7.0` written by a statistics package.
    ///
    /// An empty token (or only spaces) is refused: blank already means "no data", and as a
    /// non-response code it would make every instrument left blank count as administered
    /// and unanswered, so invalid.
    pub fn add(&mut self, token: &str) -> Result<(), EmptyToken> {
        let token = token.trim();
        if token.is_empty() {
            return Err(EmptyToken);
        }
        match parse_whole_number(token) {
            Some(number) => self.numbers.push(number),
            None => self.texts.push(token.to_ascii_lowercase()),
        }
        Ok(())
    }

    /// The first whole-number token that is also an allowed answer on `scale`: such a token
    /// would silently turn real answers into blanks, so callers refuse it.
    pub fn conflict_with(&self, scale: &Scale) -> Option<u64> {
        self.numbers
            .iter()
            .copied()
            .find(|&n| u8::try_from(n).is_ok_and(|v| scale.contains(v)))
    }

    /// Whether a (trimmed) cell is a non-answer of either kind.
    pub fn matches(&self, cell: &str) -> bool {
        cell.is_empty()
            || self.no_data.iter().any(|t| t.eq_ignore_ascii_case(cell))
            || self.is_non_response(cell)
    }

    /// Whether any whole-number non-response codes were declared (`--na 7,9`): then a digit
    /// may mean "no answer".
    pub fn has_numeric_codes(&self) -> bool {
        !self.numbers.is_empty()
    }

    /// Whether any non-response codes were declared (`--na`).
    pub fn has_non_response_codes(&self) -> bool {
        !self.texts.is_empty() || !self.numbers.is_empty()
    }

    /// Whether a cell holds a user-declared non-response code (refused, don't know).
    pub fn is_non_response(&self, cell: &str) -> bool {
        let cell = cell.trim();
        self.texts.iter().any(|t| t.eq_ignore_ascii_case(cell))
            || (!self.numbers.is_empty()
                && parse_whole_number(cell).is_some_and(|n| self.numbers.contains(&n)))
    }
}

/// A non-answer token that is empty: see [`MissingTokens::add`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "expected a non-answer code such as `7` or `refused`, found an empty token; a blank cell always means no answer"
)]
pub struct EmptyToken;

/// Why a cell is not a usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerProblem {
    /// The cell as found.
    pub found: String,
    /// The allowed range.
    pub min: u8,
    /// The allowed range.
    pub max: u8,
}

use std::fmt::Write as _;

impl std::fmt::Display for AnswerProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A cell can be megabytes long; show enough to find it, not all of it.
        const SHOWN: usize = 40;
        let mut shown = show_cell(&self.found.chars().take(SHOWN).collect::<String>());
        if self.found.chars().nth(SHOWN).is_some() {
            let _ = write!(shown, "… ({} characters)", self.found.chars().count());
        }
        write!(
            f,
            "expected an answer from {} to {}, found '{shown}'",
            self.min, self.max
        )?;
        if has_decimal_comma(&self.found) {
            // An export from a locale that writes `1,5` (REDCap can): say why it is refused,
            // so nobody reads it as a delimiter problem or "fixes" it into 1.5.
            f.write_str(
                ", a number with a decimal comma; answers are whole numbers, never decimals",
            )?;
        }
        Ok(())
    }
}

/// Whether `cell` is digits, a comma and digits (`1,0`, `2,5`).
fn has_decimal_comma(cell: &str) -> bool {
    cell.trim()
        .split_once(',')
        .is_some_and(|(whole, fraction)| {
            [whole, fraction]
                .iter()
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
        })
}

/// Reads a cell against a scale. Surrounding spaces are ignored; `2`, `2.0` and `2.00` are 2;
/// anything else that is not a missing token is a problem (never silently a number).
pub fn parse_answer(
    cell: &str,
    scale: &Scale,
    missing: &MissingTokens,
) -> Result<Answer, AnswerProblem> {
    if let Some(answer) = common_answer(cell.as_bytes(), scale, missing) {
        return Ok(answer);
    }
    general_answer(cell, scale, missing)
}

/// Every cell by the rules, without the shortcut for common cells ([`common_answer`], which
/// the tests compare with this).
fn general_answer(
    cell: &str,
    scale: &Scale,
    missing: &MissingTokens,
) -> Result<Answer, AnswerProblem> {
    let trimmed = cell.trim();
    if missing.matches(trimmed) {
        return Ok(Answer::Missing);
    }
    match parse_whole_number(trimmed).and_then(|n| u8::try_from(n).ok()) {
        Some(value) if scale.contains(value) => Ok(Answer::Value(value)),
        _ => Err(AnswerProblem {
            found: cell.to_owned(),
            min: scale.min,
            max: scale.max,
        }),
    }
}

/// The common cells, blank or one digit on the scale, read from their bytes: most of a batch
/// run's cells, which then skip the UTF-8 check and the general path (a quarter of `score`'s
/// instructions). `None` sends anything else, an out-of-range digit included, the general way
/// through [`parse_answer`], which gives the same answer for these.
pub(crate) fn common_answer(cell: &[u8], scale: &Scale, missing: &MissingTokens) -> Option<Answer> {
    match *cell {
        [] => Some(Answer::Missing),
        // A declared numeric code (`--na 7`) may make a digit mean "no answer".
        [digit @ b'0'..=b'9'] if missing.numbers.is_empty() && scale.contains(digit - b'0') => {
            Some(Answer::Value(digit - b'0'))
        }
        _ => None,
    }
}

/// `12`, `12.0`, `12.000` → 12. No sign, no exponent, no other fraction: `2.5`, `-1`,
/// `1e0` and `+2` are not whole-number answers.
fn parse_whole_number(text: &str) -> Option<u64> {
    let whole = match text.split_once('.') {
        Some((whole, fraction)) if !fraction.is_empty() && fraction.bytes().all(|b| b == b'0') => {
            whole
        }
        Some(_) => return None,
        None => text,
    };
    if whole.is_empty() || whole.len() > 18 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    whole.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Where the shortcut for common cells answers, the general path gives the same
        /// answer, with and without numeric non-answer codes.
        #[test]
        fn common_cells_read_as_the_general_path_reads_them(
            cell in prop_oneof![Just(String::new()), "[0-9]", "[ 0-9.,aN/A]{0,4}", any::<String>()],
            max in 0u8..10,
            code in prop::option::of(0u64..10),
        ) {
            let scale = Scale { min: 0, max, anchors: Vec::new() };
            let mut missing = MissingTokens::default();
            if let Some(code) = code {
                missing.add(&code.to_string()).unwrap();
            }
            let general = general_answer(&cell, &scale, &missing);
            if let Some(common) = common_answer(cell.as_bytes(), &scale, &missing) {
                prop_assert_eq!(Ok(common), general.clone());
            }
            prop_assert_eq!(parse_answer(&cell, &scale, &missing), general);
        }
    }

    fn scale() -> Scale {
        Scale {
            min: 0,
            max: 3,
            anchors: Vec::new(),
        }
    }

    #[test]
    fn accepts_integers_and_integral_decimals() {
        let na = MissingTokens::default();
        for (cell, value) in [
            ("0", 0),
            ("3", 3),
            ("2.0", 2),
            ("2.00", 2),
            (" 1 ", 1),
            ("03", 3),
        ] {
            assert_eq!(
                parse_answer(cell, &scale(), &na),
                Ok(Answer::Value(value)),
                "{cell:?}"
            );
        }
    }

    #[test]
    fn rejects_everything_else() {
        let na = MissingTokens::default();
        for cell in [
            "4",
            "2.5",
            "-1",
            "+1",
            "1e0",
            "x",
            "2.",
            ".5",
            "one",
            "1,0",
            "99999999999999999999",
        ] {
            let problem = parse_answer(cell, &scale(), &na).unwrap_err();
            assert_eq!(problem.found, cell);
        }
    }

    #[test]
    fn blank_and_tokens_are_missing() {
        let mut na = MissingTokens::default();
        na.add("7").unwrap();
        na.add("Refused").unwrap();
        for cell in ["", "  ", "NA", "na", "N/A", ".", "7", "7.0", "refused"] {
            assert_eq!(
                parse_answer(cell, &scale(), &na),
                Ok(Answer::Missing),
                "{cell:?}"
            );
        }
        assert!(parse_answer("9.0", &scale(), &na).is_err());
    }

    #[test]
    fn an_empty_token_is_refused_and_blank_stays_no_data() {
        let mut na = MissingTokens::default();
        assert_eq!(na.add(""), Err(EmptyToken));
        assert_eq!(na.add("  "), Err(EmptyToken));
        assert!(!na.has_non_response_codes());
        assert!(!na.is_non_response(""));
    }

    #[test]
    fn a_decimal_comma_is_refused_and_named() {
        let problem = parse_answer("1,0", &scale(), &MissingTokens::default()).unwrap_err();
        assert!(
            problem.to_string().ends_with(
                "found '1,0', a number with a decimal comma; answers are whole numbers, never decimals"
            ),
            "{problem}"
        );
        for not_a_decimal_comma in ["1,", ",5", "1,a", "x"] {
            assert!(
                !has_decimal_comma(not_a_decimal_comma),
                "{not_a_decimal_comma}"
            );
        }
        assert!(has_decimal_comma(" 2,50 "));
    }

    #[test]
    fn message_names_range_and_cell() {
        let problem = parse_answer("4", &scale(), &MissingTokens::default()).unwrap_err();
        assert_eq!(
            problem.to_string(),
            "expected an answer from 0 to 3, found '4'"
        );
    }
}
