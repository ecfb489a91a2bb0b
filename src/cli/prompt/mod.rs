//! Asking for answers: the [`Prompter`] trait, what both prompters share, and the choice
//! between them.
//!
//! Two implementations (STYLE §5): [`TerminalPrompter`] (dialoguer's theme and terminal
//! layer, with a line reader of its own so that Ctrl-D ends the input) when standard input and
//! standard error are both terminals, otherwise [`LinePrompter`], which reads one answer per
//! line and writes prompts to standard error, so entry is scriptable and testable. Both turn
//! typed text into a [`Reply`] with [`reply_to`], so a typo is refused the same way in both,
//! and an item asked again keeps its answer on Enter in both.
//! At the keyboard only the scale's numbers themselves are answers: not the `2.0` or `02`
//! that `score` accepts from an export, which typed by hand are more likely slips.

mod interrupt;
mod line;
mod terminal;

use std::io::{self, IsTerminal as _};

use symscore::Answer;
use symscore::instrument::Scale;

pub(crate) use interrupt::Interrupt;
pub(crate) use line::{LinePrompter, Watch};
pub(crate) use terminal::TerminalPrompter;

/// The longest answer line read from piped input, line end included. An answer is a few
/// bytes; the bound keeps endless input (`/dev/zero`) from filling memory.
pub(crate) const ANSWER_LINE_MAX: usize = 4096;

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
    /// Ctrl-C (the key on the terminal, or SIGINT).
    Interrupted,
    /// Piped input held a line longer than [`ANSWER_LINE_MAX`] bytes: this line (1-based).
    LineTooLong { line: u64 },
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
    /// Shows `notice` as an alert and asks `question`; only a typed `y` (or `yes`) confirms,
    /// anything else keeps the answer shown as `keep`.
    fn confirm_change(
        &mut self,
        notice: &[String],
        question: &str,
        keep: &str,
    ) -> Result<bool, Stop>;
}

/// The terminal prompter when standard input and standard error are both terminals, the
/// line prompter otherwise. Both rich prompt crates read the keyboard even when input is
/// piped, so without this check `symscore enter phq9 < answers.txt` would wait for keys.
/// From here until the prompter is dropped, Ctrl-C stops the prompting ([`Interrupt`]).
pub(crate) fn choose_prompter() -> io::Result<Box<dyn Prompter>> {
    let interrupt = Interrupt::catch()?;
    let stdin = io::stdin();
    if stdin.is_terminal() && io::stderr().is_terminal() {
        return Ok(Box::new(TerminalPrompter::new(interrupt)));
    }
    let echo = !stdin.is_terminal();
    #[cfg(unix)]
    {
        use std::os::fd::AsFd as _;
        // Standard input read through a descriptor of its own, unbuffered, so that the
        // prompter knows when a read would block and can wait for Ctrl-C too. A closed
        // standard input is read as empty, as std reads it.
        let prompter: Box<dyn Prompter> = match stdin.as_fd().try_clone_to_owned() {
            Ok(fd) => {
                let watch = Watch {
                    interrupt,
                    fd: fd.try_clone()?,
                };
                Box::new(
                    LinePrompter::new(std::fs::File::from(fd), io::stderr(), echo).watching(watch),
                )
            }
            Err(_) => Box::new(LinePrompter::new(io::empty(), io::stderr(), echo)),
        };
        Ok(prompter)
    }
    #[cfg(not(unix))]
    {
        Ok(Box::new(
            LinePrompter::new(stdin, io::stderr(), echo).watching(Watch { interrupt }),
        ))
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
/// earlier answer, `0-3, Enter keeps 2, s blanks, b back, …`.
pub(crate) fn keys_hint(question: &Question<'_>) -> String {
    let scale = question.scale;
    let enter = match question.current {
        Some(Answer::Value(value)) => format!("Enter keeps {value}, s blanks"),
        Some(Answer::Missing | Answer::Invalid) => "Enter keeps it blank".to_owned(),
        None => "Enter skips".to_owned(),
    };
    format!(
        "{}-{}, {enter}, b back, ? help, q quit",
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
    let blank = if question.scored {
        "leave this item blank (missing; the total may be prorated)"
    } else {
        "leave this item blank (it is not scored)"
    };
    match question.current {
        Some(Answer::Value(value)) => lines.extend([
            format!("  Enter or k  keep the answer given before, {value}"),
            format!("  s           {blank}"),
        ]),
        Some(Answer::Missing | Answer::Invalid) => {
            lines.push("  Enter or k  keep it blank, as before".to_owned());
        }
        None => lines.push(format!("  Enter or s  {blank}")),
    }
    lines.extend([
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
