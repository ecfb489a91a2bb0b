//! The terminal prompter: dialoguer prompts on standard error.
//!
//! Used only when standard input and standard error are both terminals. Answers are typed
//! (faster than arrow keys for someone copying a paper form) and checked as they are
//! entered: a refused answer is shown under the prompt and the item is asked again. The
//! review uses a menu so that an answer can be changed before saving.
//!
//! Ctrl-C: dialoguer reads keys in raw mode and, on Ctrl-C, restores the terminal and raises
//! SIGINT, which ends the process with the shell status 130 before anything is written. If
//! SIGINT is ignored (a `nohup` parent), the read fails as interrupted instead, which
//! becomes [`Stop::Interrupted`] and exit status 130 all the same.

use dialoguer::console::{Term, style};
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Input, Select};

use super::{
    Decision, Parsed, Prompter, Question, Reply, Review, Stop, answer_text, help_text, keys_hint,
    reply_to, scale_line,
};

pub(crate) struct TerminalPrompter {
    term: Term,
    theme: ColorfulTheme,
}

impl TerminalPrompter {
    pub(crate) fn new() -> Self {
        TerminalPrompter {
            term: Term::stderr(),
            theme: ColorfulTheme::default(),
        }
    }

    fn line(&self, text: &str) -> Result<(), Stop> {
        self.term.write_line(text)?;
        Ok(())
    }

    /// The review line by line, with safety lines in bold red as well as marked `!!`.
    fn show_review(&self, text: &str) -> Result<(), Stop> {
        for line in text.lines() {
            if line.trim_start().starts_with("!!") {
                self.line(&style(line).red().bold().for_stderr().to_string())?;
            } else {
                self.line(line)?;
            }
        }
        Ok(())
    }
}

fn stop(err: dialoguer::Error) -> Stop {
    match err {
        dialoguer::Error::IO(io) => Stop::from(io),
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
            let scale = question.scale;
            let text = Input::<String>::with_theme(&self.theme)
                .with_prompt(format!("{} [{}]", question.short, keys_hint(question)))
                .allow_empty(true)
                .report(false)
                .validate_with(|text: &String| reply_to(text, question).map(|_| ()))
                .interact_text_on(&self.term)
                .map_err(stop)?;
            match reply_to(&text, question) {
                Ok(Parsed::Help) => self.line(&help_text(question))?,
                Ok(Parsed::Reply(reply)) => {
                    // dialoguer's own report cannot say "blank", so write the answered line.
                    let shown = match reply {
                        Reply::Value(value) => {
                            Some(answer_text(symscore::Answer::Value(value), scale))
                        }
                        Reply::Skip => Some("left blank".to_owned()),
                        Reply::Back | Reply::Quit => None,
                    };
                    if let Some(shown) = shown {
                        self.line(&format!(
                            "{} {} · {shown}",
                            style("✔").green().for_stderr(),
                            question.short
                        ))?;
                    }
                    return Ok(reply);
                }
                // The validator has already refused it; not reached.
                Err(problem) => self.line(&problem)?,
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
                &style(format!("!! {line}"))
                    .red()
                    .bold()
                    .for_stderr()
                    .to_string(),
            )?;
        }
        self.line("")
    }

    fn review(&mut self, review: &Review) -> Result<Decision, Stop> {
        self.line("")?;
        self.show_review(&review.text)?;
        loop {
            let mut items = Vec::new();
            if review.can_save {
                items.push(review.action.clone());
            }
            items.push("Change an answer".to_owned());
            items.push("Abandon this visit (nothing is saved)".to_owned());
            let choice = Select::with_theme(&self.theme)
                .with_prompt("What next?")
                .items(&items)
                .default(0)
                .interact_on_opt(&self.term)
                .map_err(stop)?;
            let Some(choice) = choice else {
                continue; // Esc: ask again rather than guess
            };
            let choice = if review.can_save { choice } else { choice + 1 };
            match choice {
                0 => return Ok(Decision::Save),
                1 => {
                    let which = Select::with_theme(&self.theme)
                        .with_prompt("Which answer? (Esc to go back)")
                        .items(&review.answers)
                        .default(0)
                        .max_length(12)
                        .interact_on_opt(&self.term)
                        .map_err(stop)?;
                    if let Some(index) = which {
                        return Ok(Decision::Change(index));
                    }
                }
                _ => {
                    if self.confirm_abandon()? {
                        return Ok(Decision::Abandon);
                    }
                }
            }
        }
    }

    fn confirm_abandon(&mut self) -> Result<bool, Stop> {
        Confirm::with_theme(&self.theme)
            .with_prompt("Abandon this visit? Nothing will be saved")
            .default(false)
            .interact_on(&self.term)
            .map_err(stop)
    }
}
