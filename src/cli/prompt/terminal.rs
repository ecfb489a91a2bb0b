//! The terminal prompter: typed answers on standard error, read key by key through
//! dialoguer's terminal layer (`console`) and drawn with dialoguer's colourful theme.
//!
//! Used only when standard input and standard error are both terminals. Answers are typed
//! (faster than arrow keys for someone copying a paper form) and checked as they are
//! entered: a refused answer is shown under the prompt and the item is asked again. After
//! the review the next step is typed too (`y` saves, `c` changes an answer, `q` abandons):
//! nothing is preselected, so a stray Enter never saves.
//!
//! The line is read here rather than by dialoguer's `Input` because `Input` ignores Ctrl-D;
//! here Ctrl-D on an empty line is the end of input, as in a shell, and abandons the visit
//! like a closed pipe does.
//!
//! Ctrl-C: keys are read in raw mode (`read_key_raw`), where Ctrl-C is the key
//! `Key::CtrlC`, and `console` restores the terminal after every key. A SIGINT (Ctrl-C
//! between keys, `kill -INT`) is recorded by [`Interrupt`] and cuts the key wait short,
//! which `console` also reports as `Key::CtrlC`. Both become [`Stop::Interrupted`]: the visit
//! is abandoned with the "nothing was saved" message and exit status 130.

use std::io;

use dialoguer::console::{Key, Term, measure_text_width, style};
use dialoguer::theme::{ColorfulTheme, Theme as _};

use super::interrupt::Interrupt;
use super::{
    Decision, Parsed, Prompter, Question, Reply, Review, Stop, answer_text, help_text, is_yes,
    keys_hint, reply_to, scale_line, shorten,
};
use symscore::score::SAFETY_MARK;

/// Ctrl-D: the end of input on an empty line.
const CTRL_D: char = '\u{4}';
/// Ctrl-U: clears the line typed so far.
const CTRL_U: char = '\u{15}';

pub(crate) struct TerminalPrompter {
    term: Term,
    theme: ColorfulTheme,
    interrupt: Interrupt,
}

impl TerminalPrompter {
    pub(crate) fn new(interrupt: Interrupt) -> Self {
        TerminalPrompter {
            term: Term::stderr(),
            theme: ColorfulTheme::default(),
            interrupt,
        }
    }

    /// One key; Ctrl-C, as a key or as SIGINT at any time, is [`Stop::Interrupted`].
    fn read_key(&self) -> Result<Key, Stop> {
        self.interrupt.check()?;
        let key = self.term.read_key_raw()?;
        self.interrupt.check()?;
        if key == Key::CtrlC {
            return Err(Stop::Interrupted);
        }
        Ok(key)
    }

    fn line(&self, text: &str) -> Result<(), Stop> {
        self.term.write_line(text)?;
        Ok(())
    }

    /// A refusal under the prompt, in the theme's error style.
    fn error(&self, text: &str) -> Result<(), Stop> {
        let mut shown = String::new();
        self.theme
            .format_error(&mut shown, text)
            .map_err(|_| io::Error::other("cannot format a message"))?;
        self.line(&shown)
    }

    /// Reads one typed line after `prompt`. Typed characters are echoed, Backspace deletes
    /// one, Ctrl-U clears the line, Enter ends it. Ctrl-D on an empty line is the end of
    /// input. Returns the text and how many screen rows the prompt and text took.
    fn read_line(&self, prompt: &str) -> Result<(String, usize), Stop> {
        let mut rendered = String::new();
        self.theme
            .format_input_prompt(&mut rendered, prompt, None)
            .map_err(|_| io::Error::other("cannot format a prompt"))?;
        self.term.write_str(&rendered)?;
        self.term.flush()?;
        let mut text = String::new();
        loop {
            let key = match self.read_key() {
                Err(Stop::Interrupted) => {
                    // The message that follows starts on a line of its own.
                    self.term.write_line("")?;
                    return Err(Stop::Interrupted);
                }
                key => key?,
            };
            match key {
                Key::Enter => break,
                Key::Char(CTRL_D) if text.is_empty() => {
                    self.term.write_line("")?;
                    return Err(Stop::EndOfInput);
                }
                Key::Char(CTRL_U) => {
                    self.term.clear_chars(measure_text_width(&text))?;
                    text.clear();
                }
                Key::Backspace => {
                    if let Some(c) = text.pop() {
                        self.term.clear_chars(measure_text_width(&c.to_string()))?;
                    }
                }
                Key::Char(c) if !c.is_control() => {
                    text.push(c);
                    self.term.write_str(c.encode_utf8(&mut [0; 4]))?;
                }
                _ => {}
            }
            self.term.flush()?;
        }
        self.term.write_line("")?;
        let width = measure_text_width(&rendered) + measure_text_width(&text);
        let columns = usize::from(self.term.size().1).max(1);
        Ok((text, width.saturating_sub(1) / columns + 1))
    }

    /// Asks `prompt` until the answer is `y` (true) or Enter or `n` (false); anything else is
    /// refused as not the `expected` keys, and asked again.
    fn ask_yes_or_enter(&self, prompt: &str, expected: &str) -> Result<bool, Stop> {
        loop {
            let (text, _) = self.read_line(prompt)?;
            if is_yes(&text) {
                return Ok(true);
            }
            match text.trim().to_ascii_lowercase().as_str() {
                "" | "n" | "no" => return Ok(false),
                other => self.error(&format!(
                    "expected {expected}, found '{}'",
                    symscore::shown_text::show_cell(&shorten(other))
                ))?,
            }
        }
    }

    /// The review line by line, with safety lines in bold red as well as marked `!!`.
    fn show_review(&self, text: &str) -> Result<(), Stop> {
        for line in text.lines() {
            if line.trim_start().starts_with(SAFETY_MARK) {
                self.line(&style(line).red().bold().for_stderr().to_string())?;
            } else {
                self.line(line)?;
            }
        }
        Ok(())
    }

    /// Lists every answer with a number and asks which to change; `None` goes back.
    fn choose_answer(&self, review: &Review) -> Result<Option<usize>, Stop> {
        for (index, answer) in review.answers.iter().enumerate() {
            self.line(&format!("  {:>3}  {answer}", index + 1))?;
        }
        let count = review.answers.len();
        loop {
            let (text, _) =
                self.read_line(&format!("Which answer? [1-{count}, Enter goes back]"))?;
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            match (1..=count).find(|n| n.to_string() == text) {
                Some(number) => return Ok(Some(number - 1)),
                None => self.error(&format!(
                    "expected a number from 1 to {count} (or Enter to go back), found '{}'",
                    symscore::shown_text::show_cell(&shorten(text))
                ))?,
            }
        }
    }
}

impl Prompter for TerminalPrompter {
    fn ask(&mut self, question: &Question<'_>) -> Result<Reply, Stop> {
        self.line("")?;
        self.line(&format!(
            "{}: {}",
            style(&question.heading).bold().for_stderr(),
            question.label
        ))?;
        self.line(&format!("  {}", scale_line(question.scale)))?;
        if let Some(current) = question.current {
            self.line(&format!(
                "  answered before: {}",
                answer_text(current, question.scale)
            ))?;
        }
        loop {
            let (text, rows) =
                self.read_line(&format!("{} [{}]", question.short, keys_hint(question)))?;
            match reply_to(&text, question) {
                Ok(Parsed::Help) => self.line(&help_text(question))?,
                Ok(Parsed::Reply(reply)) => {
                    // The prompt line is replaced by what was recorded, which can say "blank".
                    let shown = match reply {
                        Reply::Value(value) => {
                            Some(answer_text(symscore::Answer::Value(value), question.scale))
                        }
                        Reply::Skip => Some("left blank".to_owned()),
                        Reply::Back | Reply::Quit => None,
                    };
                    if let Some(shown) = shown {
                        self.term.clear_last_lines(rows)?;
                        self.line(&format!(
                            "{} {} · {shown}",
                            style("✔").green().for_stderr(),
                            question.short
                        ))?;
                    }
                    return Ok(reply);
                }
                Err(problem) => self.error(&problem)?,
            }
        }
    }

    fn say(&mut self, text: &str) -> Result<(), Stop> {
        self.line(text)
    }

    fn alert(&mut self, lines: &[String]) -> Result<(), Stop> {
        self.line("")?;
        for line in lines {
            self.line(
                &style(format!("{SAFETY_MARK} {line}"))
                    .red()
                    .bold()
                    .for_stderr()
                    .to_string(),
            )?;
        }
        self.line("")
    }

    /// The next step is typed, and nothing is chosen for the person: Enter alone asks again,
    /// so a stray Enter (or several) can never save.
    fn review(&mut self, review: &Review) -> Result<Decision, Stop> {
        self.line("")?;
        self.show_review(&review.text)?;
        loop {
            self.line("")?;
            if review.can_save {
                self.line(&format!("  y  {}", review.action))?;
            }
            self.line("  c  Change an answer")?;
            self.line("  q  Abandon this visit (nothing is saved)")?;
            let keys = if review.can_save {
                "y, c or q"
            } else {
                "c or q"
            };
            let (text, _) = self.read_line(&format!("What next? [{keys}]"))?;
            match text.trim().to_ascii_lowercase().as_str() {
                _ if review.can_save && is_yes(&text) => return Ok(Decision::Save),
                "c" | "change" => {
                    if let Some(index) = self.choose_answer(review)? {
                        return Ok(Decision::Change(index));
                    }
                }
                "q" | "quit" => {
                    if self.confirm_abandon()? {
                        return Ok(Decision::Abandon);
                    }
                }
                "" => self.error(&format!("Enter alone chooses nothing here; type {keys}"))?,
                _ => self.error(&format!(
                    "expected {keys}, found '{}'",
                    symscore::shown_text::show_cell(&shorten(text.trim()))
                ))?,
            }
        }
    }

    /// Enter (or `n`) keeps the answer; only `y` changes it.
    fn ask_to_change(&mut self, question: &str, keep: &str) -> Result<bool, Stop> {
        self.ask_yes_or_enter(
            &format!("{question} [y changes it, Enter keeps {keep}]"),
            &format!("y to change it, or Enter to keep {keep}"),
        )
    }

    /// Enter (or `n`) goes on with the visit; only `y` abandons.
    fn confirm_abandon(&mut self) -> Result<bool, Stop> {
        self.ask_yes_or_enter(
            "Abandon this visit? Nothing will be saved [y abandons, Enter goes on]",
            "y to abandon, or Enter to go on",
        )
    }
}
