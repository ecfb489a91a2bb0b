//! Reading a typed reply: an answer on the scale, a skip, or a command, the same way in both
//! prompters, so a typo is refused the same way in both and an item asked again keeps its
//! answer on Enter in both.

use symscore::Answer;
use symscore::instrument::Scale;

use super::{Question, Reply, shorten};

/// What typed text means, before it becomes a [`Reply`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Parsed {
    /// A usable reply.
    Reply(Reply),
    /// `?`: show the help and ask again.
    Help,
}

/// Reads one typed answer. A value must be one of the scale's numbers written as itself:
/// `2`, never `02`, `2.0` or `+2` (which `score` accepts in an exported cell, but which typed
/// by hand are more likely a slip than a decision). Blank or `s` skips; `b`, `q` and `?` are
/// commands. Everything else, including the `NA` and `.` that a CSV cell may use for blank,
/// is refused with the allowed range.
pub(crate) fn parse_reply(text: &str, scale: &Scale) -> Result<Parsed, String> {
    let trimmed = text.trim();
    match trimmed.to_ascii_lowercase().as_str() {
        "" | "s" | "skip" => return Ok(Parsed::Reply(Reply::Skip)),
        "b" | "back" => return Ok(Parsed::Reply(Reply::Back)),
        "q" | "quit" => return Ok(Parsed::Reply(Reply::Quit)),
        "?" | "h" | "help" => return Ok(Parsed::Help),
        _ => {}
    }
    match scale_value(trimmed, scale) {
        Some(value) => Ok(Parsed::Reply(Reply::Value(value))),
        None => Err(format!(
            "expected an answer from {} to {} (or s to skip, b back, ? help, q quit), found '{}'",
            scale.min,
            scale.max,
            symscore::shown_text::show_cell(&shorten(trimmed))
        )),
    }
}

/// The scale value `text` is exactly the decimal form of, if any.
fn scale_value(text: &str, scale: &Scale) -> Option<u8> {
    (scale.min..=scale.max).find(|value| value.to_string() == text)
}

/// Reads one typed answer to `question`, the same way in both prompters: as [`parse_reply`]
/// the first time an item is asked. When it is asked again (after `b`, or from the review),
/// Enter (or `k`) keeps the answer shown: going back to look must never erase an answer.
/// Blanking it takes `s`, the key that leaves an item blank the first time too.
pub(crate) fn reply_to(text: &str, question: &Question<'_>) -> Result<Parsed, String> {
    let trimmed = text.trim();
    match question.current {
        Some(current) if trimmed.is_empty() || trimmed.eq_ignore_ascii_case("k") => {
            Ok(Parsed::Reply(match current {
                Answer::Value(value) => Reply::Value(value),
                Answer::Missing | Answer::Invalid => Reply::Skip,
            }))
        }
        _ => parse_reply(text, question.scale),
    }
}

/// Whether a typed confirmation says yes: `y` or `yes`, in any case. Anything else, Enter
/// included, is not consent.
pub(crate) fn is_yes(text: &str) -> bool {
    matches!(text.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::prompt::{help_text, keys_hint};
    use symscore::Registry;

    fn phq9_scale() -> Scale {
        Registry::builtin().get("phq9").unwrap().scale.clone()
    }

    #[test]
    fn values_commands_and_blanks() {
        let scale = phq9_scale();
        let reply = |text| parse_reply(text, &scale);
        assert_eq!(reply("2"), Ok(Parsed::Reply(Reply::Value(2))));
        assert_eq!(reply(" 0 \r"), Ok(Parsed::Reply(Reply::Value(0))));
        assert_eq!(reply("3"), Ok(Parsed::Reply(Reply::Value(3))));
        for skip in ["", "  ", "s", "S", "skip"] {
            assert_eq!(reply(skip), Ok(Parsed::Reply(Reply::Skip)), "{skip:?}");
        }
        assert_eq!(reply("b"), Ok(Parsed::Reply(Reply::Back)));
        assert_eq!(reply("Q"), Ok(Parsed::Reply(Reply::Quit)));
        assert_eq!(reply("?"), Ok(Parsed::Help));
    }

    #[test]
    fn typos_are_refused_with_the_range() {
        let scale = phq9_scale();
        for typo in [
            "4", "22", "-1", "2.5", "w", "NA", ".", "1 2", "y", "0x1", "k",
        ] {
            let err = parse_reply(typo, &scale).unwrap_err();
            assert!(
                err.starts_with("expected an answer from 0 to 3"),
                "{typo:?}: {err}"
            );
        }
        assert_eq!(
            parse_reply("7", &scale).unwrap_err(),
            "expected an answer from 0 to 3 (or s to skip, b back, ? help, q quit), found '7'"
        );
    }

    /// `score` reads `2.0` and `02` in an exported cell; at the keyboard they are slips.
    #[test]
    fn only_the_scale_numbers_themselves_are_answers() {
        let scale = phq9_scale();
        for slip in [
            "01",
            "00",
            "000000000000000003",
            "1.0",
            "2.00",
            "3.",
            "+1",
            "1e0",
            "\u{663}",
            "１",
            "0 0",
        ] {
            let err = parse_reply(slip, &scale).unwrap_err();
            assert!(
                err.starts_with("expected an answer from 0 to 3"),
                "{slip:?}: {err}"
            );
        }
        for value in 0..=3u8 {
            assert_eq!(
                parse_reply(&value.to_string(), &scale),
                Ok(Parsed::Reply(Reply::Value(value)))
            );
        }
    }

    /// Issue 11 point 1: asked again, Enter keeps the answer shown; only `s` blanks it.
    #[test]
    fn asked_again_enter_keeps_the_answer_and_s_blanks_it() {
        let scale = phq9_scale();
        let mut question = Question {
            heading: "PHQ-9 item 9 of 9".into(),
            short: "phq9 9".into(),
            label: "self-harm",
            text: None,
            scale: &scale,
            current: Some(Answer::Value(2)),
            scored: true,
        };
        for keep in ["", "  ", "\r", "k", " K "] {
            assert_eq!(
                reply_to(keep, &question),
                Ok(Parsed::Reply(Reply::Value(2))),
                "{keep:?}"
            );
        }
        for blank in ["s", "S", "skip"] {
            assert_eq!(reply_to(blank, &question), Ok(Parsed::Reply(Reply::Skip)));
        }
        assert_eq!(reply_to("0", &question), Ok(Parsed::Reply(Reply::Value(0))));
        assert_eq!(
            keys_hint(&question),
            "0-3, Enter keeps 2, s blanks, b back, ? help, q quit"
        );
        let help = help_text(&question);
        assert!(
            help.contains("Enter or k  keep the answer given before, 2"),
            "{help}"
        );
        assert!(help.contains("s           leave this item blank"), "{help}");
        // A blank asked again stays blank on Enter.
        question.current = Some(Answer::Missing);
        assert_eq!(reply_to("", &question), Ok(Parsed::Reply(Reply::Skip)));
        assert_eq!(reply_to("1", &question), Ok(Parsed::Reply(Reply::Value(1))));
        assert_eq!(
            keys_hint(&question),
            "0-3, Enter keeps it blank, b back, ? help, q quit"
        );
        // Asked for the first time, Enter leaves the item blank and `k` has nothing to keep.
        question.current = None;
        assert_eq!(reply_to("", &question), Ok(Parsed::Reply(Reply::Skip)));
        assert!(reply_to("k", &question).is_err());
        assert_eq!(
            keys_hint(&question),
            "0-3, Enter skips, b back, ? help, q quit"
        );
        assert!(help_text(&question).contains("Enter or s  leave this item blank"));
    }

    #[test]
    fn only_y_or_yes_confirms() {
        for yes in ["y", "Y", "yes", " YES \r"] {
            assert!(is_yes(yes), "{yes:?}");
        }
        for no in ["", "n", "no", "yy", "ye", "yes please", "1"] {
            assert!(!is_yes(no), "{no:?}");
        }
    }
}
