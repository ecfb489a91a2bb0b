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
mod reply;
mod terminal;
mod text;

use std::io::{self, IsTerminal as _};

use symscore::Answer;
use symscore::instrument::Scale;

pub(crate) use interrupt::Interrupt;
pub(crate) use line::{LinePrompter, Watch};
pub(crate) use reply::{Parsed, is_yes, reply_to};
pub(crate) use terminal::TerminalPrompter;
pub(crate) use text::{answer_text, help_text, keys_hint, scale_line, shorten, wrap};

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
    /// anything else keeps the answer shown as `keep`. Provided, so that no prompter can ask
    /// without showing the notice first.
    fn confirm_change(
        &mut self,
        notice: &[String],
        question: &str,
        keep: &str,
    ) -> Result<bool, Stop> {
        self.alert(notice)?;
        self.ask_to_change(question, keep)
    }
    /// Asks `question` after [`Prompter::confirm_change`] has shown its notice.
    fn ask_to_change(&mut self, question: &str, keep: &str) -> Result<bool, Stop>;
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
