//! Asking for answers: the [`Prompter`] trait, what both prompters share, and the choice
//! between them.
//!
//! Two implementations (STYLE §5): [`TerminalPrompter`] (dialoguer's theme and terminal
//! layer, with a line reader of its own so that Ctrl-D ends the input) when standard input and
//! standard error are both terminals, otherwise [`LinePrompter`], which reads one answer per
//! line and writes prompts to standard error, so entry is scriptable and testable. Both turn
//! typed text into a [`Reply`] with [`reply_to`], so a typo is refused the same way in both.
//! At the keyboard only the scale's numbers themselves are answers: not the `2.0` or `02`
//! that `score` accepts from an export, which typed by hand are more likely slips.

mod line;
mod terminal;

use std::io::{self, IsTerminal as _};

use symscore::Answer;
use symscore::instrument::Scale;

pub(crate) use line::LinePrompter;
pub(crate) use terminal::TerminalPrompter;

/// One item to ask.
#[derive(Debug, Clone)]
pub(crate) struct Question<'a> {
    /// Where it is: `PHQ-9 item 3 of 9`.
    pub(crate) heading: String,
    /// A short name for the prompt line: `phq9 3`.
    pub(crate) short: String,
    /// The item's short label.
    pub(crate) label: &'a str,
    /// Verbatim wording, when the definition supplies it (shown by `?`).
    pub(crate) text: Option<&'a str>,
    /// The answer scale.
    pub(crate) scale: &'a Scale,
    /// The answer given before, when it is asked again from the review.
    pub(crate) current: Option<Answer>,
    /// Whether the item counts toward the total (unscored items never do).
    pub(crate) scored: bool,
}

/// What the person answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reply {
    /// A value on the scale.
    Value(u8),
    /// Left blank: the item is missing.
    Skip,
    /// Go back one item.
    Back,
    /// Abandon the visit.
    Quit,
}

/// What to do after the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Save (or accept) the visit.
    Save,
    /// Ask question `n` (index into the visit's questions) again.
    Change(usize),
    /// Abandon the visit.
    Abandon,
}

/// Why prompting stopped before the visit was complete.
#[derive(Debug)]
pub(crate) enum Stop {
    /// The input ended (a closed pipe, Ctrl-D).
    EndOfInput,
    /// Ctrl-C on the terminal.
    Interrupted,
    /// Reading or writing the terminal failed.
    Io(io::Error),
}

impl From<io::Error> for Stop {
    fn from(err: io::Error) -> Self {
        match err.kind() {
            io::ErrorKind::Interrupted => Stop::Interrupted,
            io::ErrorKind::UnexpectedEof => Stop::EndOfInput,
            _ => Stop::Io(err),
        }
    }
}

/// The review after the last item.
#[derive(Debug, Clone)]
pub(crate) struct Review {
    /// Every answer, totals, severity, flags and proration, ready to print.
    pub(crate) text: String,
    /// One line per question, for choosing which answer to change.
    pub(crate) answers: Vec<String>,
    /// What saving means here: "Save this visit to `visits.csv`".
    pub(crate) action: String,
    /// Whether there is anything to save (not every item blank).
    pub(crate) can_save: bool,
}

/// The ways of asking. Every method writes to the prompt stream (standard error), never to
/// standard output, which carries only the scored records.
pub(crate) trait Prompter {
    /// Asks one item until the reply is usable; `?` and refused input are handled inside.
    fn ask(&mut self, question: &Question<'_>) -> Result<Reply, Stop>;
    /// Shows a line of information.
    fn say(&mut self, text: &str) -> Result<(), Stop>;
    /// Shows a safety notice so that it cannot be missed: marked with `!!` on every line,
    /// set apart by blank lines, and in colour where colour is available.
    fn alert(&mut self, lines: &[String]) -> Result<(), Stop>;
    /// Shows the review and asks what to do.
    fn review(&mut self, review: &Review) -> Result<Decision, Stop>;
    /// Asks whether to abandon the visit after `q`; `false` goes on with the same item.
    fn confirm_abandon(&mut self) -> Result<bool, Stop>;
}

/// The terminal prompter when standard input and standard error are both terminals, the
/// line prompter otherwise. Both rich prompt crates read the keyboard even when input is
/// piped, so without this check `symscore enter phq9 < answers.txt` would wait for keys.
pub(crate) fn choose_prompter() -> Box<dyn Prompter> {
    let stdin = io::stdin();
    if stdin.is_terminal() && io::stderr().is_terminal() {
        Box::new(TerminalPrompter::new())
    } else {
        let echo = !stdin.is_terminal();
        Box::new(LinePrompter::new(stdin.lock(), io::stderr(), echo))
    }
}

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
            symscore::answer::show_cell(&shorten(trimmed))
        )),
    }
}

/// The scale value `text` is exactly the decimal form of, if any.
fn scale_value(text: &str, scale: &Scale) -> Option<u8> {
    (scale.min..=scale.max).find(|value| value.to_string() == text)
}

pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 20;
    if text.chars().count() > MAX {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    } else {
        text.to_owned()
    }
}

/// The scale with its anchors: `0 Not at all · 1 Several days · …`.
pub(crate) fn scale_line(scale: &Scale) -> String {
    let span = usize::from(scale.max - scale.min) + 1;
    let entry = |value: u8| match scale.label(value) {
        Some(label) => format!("{value} {label}"),
        None => value.to_string(),
    };
    if span <= 11 {
        (scale.min..=scale.max)
            .map(entry)
            .collect::<Vec<_>>()
            .join(" · ")
    } else {
        format!("{} … {}", entry(scale.min), entry(scale.max))
    }
}

/// Reads one typed answer to `question`: as [`parse_reply`], and when the item is asked
/// again (after `b`, or from the review) `k` keeps the earlier answer. Enter always leaves
/// the item blank, as the first time: one key never means two things.
pub(crate) fn reply_to(text: &str, question: &Question<'_>) -> Result<Parsed, String> {
    match question.current {
        Some(current) if text.trim().eq_ignore_ascii_case("k") => {
            Ok(Parsed::Reply(match current {
                Answer::Value(value) => Reply::Value(value),
                Answer::Missing | Answer::Invalid => Reply::Skip,
            }))
        }
        _ => parse_reply(text, question.scale),
    }
}

/// An answer for people: `2  More than half the days`, or `—  blank`.
pub(crate) fn answer_text(answer: Answer, scale: &Scale) -> String {
    match answer {
        Answer::Value(value) => match scale.label(value) {
            Some(label) => format!("{value}  {label}"),
            None => value.to_string(),
        },
        Answer::Missing => "—  blank".to_owned(),
        Answer::Invalid => "?  unusable".to_owned(),
    }
}

/// The reminder on the prompt line: `0-3, Enter skips, b back, ? help, q quit`, or with an
/// earlier answer, `0-3, Enter skips, k keeps 2, b back, …`.
pub(crate) fn keys_hint(question: &Question<'_>) -> String {
    let scale = question.scale;
    let keep = match question.current {
        Some(Answer::Value(value)) => format!(", k keeps {value}"),
        Some(Answer::Missing | Answer::Invalid) => ", k keeps it blank".to_owned(),
        None => String::new(),
    };
    format!(
        "{}-{}, Enter skips{keep}, b back, ? help, q quit",
        scale.min, scale.max
    )
}

/// The text `?` shows.
pub(crate) fn help_text(question: &Question<'_>) -> String {
    let scale = question.scale;
    let mut lines = vec![format!("  {}: {}", question.heading, question.label)];
    if let Some(text) = question.text {
        lines.push(format!("  \"{text}\""));
    }
    lines.push(format!(
        "  Type the answer as a number from {} to {}:",
        scale.min, scale.max
    ));
    for value in scale.min..=scale.max {
        match scale.label(value) {
            Some(label) => lines.push(format!("    {value}  {label}")),
            None => lines.push(format!("    {value}")),
        }
    }
    match question.current {
        Some(Answer::Value(value)) => {
            lines.push(format!("  k           keep the earlier answer, {value}"));
        }
        Some(Answer::Missing | Answer::Invalid) => {
            lines.push("  k           keep it blank, as before".to_owned());
        }
        None => {}
    }
    lines.extend([
        if question.scored {
            "  Enter or s  leave this item blank (missing; the total may be prorated)"
        } else {
            "  Enter or s  leave this item blank (it is not scored)"
        }
        .to_owned(),
        "  b           go back one item".to_owned(),
        "  q           abandon this visit; nothing is saved".to_owned(),
        "  ?           show this help".to_owned(),
    ]);
    lines.join("\n")
}

/// Wraps `text` at `width` columns, breaking at spaces.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn enter_blanks_an_earlier_answer_and_k_keeps_it() {
        let scale = phq9_scale();
        let mut question = Question {
            heading: "PHQ-9 item 3 of 9".into(),
            short: "phq9 3".into(),
            label: "sleep",
            text: None,
            scale: &scale,
            current: Some(Answer::Value(2)),
            scored: true,
        };
        assert_eq!(reply_to("", &question), Ok(Parsed::Reply(Reply::Skip)));
        assert_eq!(reply_to("s", &question), Ok(Parsed::Reply(Reply::Skip)));
        assert_eq!(reply_to("k", &question), Ok(Parsed::Reply(Reply::Value(2))));
        assert_eq!(
            reply_to(" K ", &question),
            Ok(Parsed::Reply(Reply::Value(2)))
        );
        assert_eq!(reply_to("0", &question), Ok(Parsed::Reply(Reply::Value(0))));
        assert_eq!(
            keys_hint(&question),
            "0-3, Enter skips, k keeps 2, b back, ? help, q quit"
        );
        assert!(help_text(&question).contains("k           keep the earlier answer, 2"));
        question.current = Some(Answer::Missing);
        assert_eq!(reply_to("", &question), Ok(Parsed::Reply(Reply::Skip)));
        assert_eq!(reply_to("k", &question), Ok(Parsed::Reply(Reply::Skip)));
        // Asked for the first time, `k` has nothing to keep: refused like any typo.
        question.current = None;
        assert!(reply_to("k", &question).is_err());
        assert_eq!(
            keys_hint(&question),
            "0-3, Enter skips, b back, ? help, q quit"
        );
    }

    #[test]
    fn scale_lines_show_every_anchor() {
        assert_eq!(
            scale_line(&phq9_scale()),
            "0 Not at all · 1 Several days · 2 More than half the days · 3 Nearly every day"
        );
        let wide = Scale {
            min: 0,
            max: 20,
            anchors: Vec::new(),
        };
        assert_eq!(scale_line(&wide), "0 … 20");
    }

    #[test]
    fn wrapping_breaks_at_spaces() {
        assert_eq!(wrap("one two three four", 9), ["one two", "three", "four"]);
        assert_eq!(wrap("", 9), Vec::<String>::new());
    }
}
