//! The entry itself: the questions in order, back and skip, the immediate safety notices, and
//! the review loop. Prompting goes through [`Prompter`], so the same session (and the same
//! rules: an item asked again keeps its answer on Enter, an endorsed safety answer is lowered
//! or blanked only after a confirmation) runs on the terminal and over piped lines.

use anyhow::Context as _;
use symscore::instrument::Instrument;
use symscore::score::{SafetyCheck, SafetyStatus, is_not_administered};
use symscore::visits::{FileCheck, Form};
use symscore::{Answer, score};

use super::EnterOptions;
use super::review::{
    display_name, instrument_intro, intro, repeat_warnings, review_text, shown_path, truncate,
};
use crate::cli::prompt::{Decision, Prompter, Question, Reply, Review, Stop, answer_text, wrap};

/// Why a visit was not completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Abandon {
    /// `q`, confirmed.
    Quit,
    /// The review was not confirmed.
    Declined,
    /// The input ended before the visit was complete: at this question (its heading), or
    /// at the confirmation when `None`.
    EndOfInput { at: Option<String> },
    /// Ctrl-C.
    Interrupted,
    /// Piped input held a line longer than the answer line limit: this line (1-based).
    LineTooLong { line: u64 },
    /// Every item was left blank.
    NothingToSave,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Outcome {
    Completed,
    Abandoned(Abandon),
}

/// Which item of which form a question is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Item(usize),
    Extra(usize),
}

/// The visit being entered: the forms, and the questions in the order they are asked.
pub(super) struct Session<'r> {
    pub(super) forms: Vec<Form<'r>>,
    questions: Vec<(usize, Slot)>,
    /// How far the entry has got: questions before this have been answered (or skipped).
    reached: usize,
    /// Headings of the questions, for messages.
    headings: Vec<String>,
    /// The answer first given to each question, so the review can mark later changes.
    first: Vec<Option<Answer>>,
}

impl<'r> Session<'r> {
    pub(super) fn new(instruments: &[&'r Instrument]) -> Self {
        let forms: Vec<Form<'r>> = instruments.iter().map(|i| Form::blank(i)).collect();
        let mut questions = Vec::new();
        let mut headings = Vec::new();
        for (index, instrument) in instruments.iter().enumerate() {
            let name = display_name(instrument);
            for number in 1..=instrument.item_count() {
                questions.push((index, Slot::Item(number - 1)));
                headings.push(format!(
                    "{name} item {number} of {}",
                    instrument.item_count()
                ));
            }
            for extra in 0..instrument.extra_items.len() {
                questions.push((index, Slot::Extra(extra)));
                headings.push(format!("{name} unscored item"));
            }
        }
        Session {
            forms,
            first: vec![None; questions.len()],
            questions,
            reached: 0,
            headings,
        }
    }

    fn answer(&self, index: usize) -> Answer {
        let (form, slot) = self.questions[index];
        match slot {
            Slot::Item(i) => self.forms[form].items[i],
            Slot::Extra(i) => self.forms[form].extras[i],
        }
    }

    fn set(&mut self, index: usize, answer: Answer) {
        let (form, slot) = self.questions[index];
        match slot {
            Slot::Item(i) => self.forms[form].items[i] = answer,
            Slot::Extra(i) => self.forms[form].extras[i] = answer,
        }
    }

    fn question(&self, index: usize) -> Question<'r> {
        let (form, slot) = self.questions[index];
        let instrument = self.forms[form].instrument;
        let current = (index < self.reached).then(|| self.answer(index));
        match slot {
            Slot::Item(i) => Question {
                heading: self.headings[index].clone(),
                short: format!("{} {}", instrument.id, i + 1),
                label: &instrument.items[i].label,
                text: instrument.items[i].text.as_deref(),
                scale: &instrument.scale,
                current,
                scored: true,
            },
            Slot::Extra(i) => {
                let extra = &instrument.extra_items[i];
                Question {
                    heading: self.headings[index].clone(),
                    short: instrument.extra_column(extra),
                    label: &extra.label,
                    text: extra.text.as_deref(),
                    scale: &extra.scale,
                    current,
                    scored: false,
                }
            }
        }
    }

    fn can_save(&self) -> bool {
        self.forms.iter().any(|f| !is_not_administered(&f.items))
    }

    /// Asks every question, then reviews until the visit is confirmed or abandoned.
    pub(super) fn run(
        &mut self,
        prompter: &mut dyn Prompter,
        options: &EnterOptions<'_>,
        check: Option<&FileCheck<'_>>,
    ) -> anyhow::Result<Outcome> {
        match self.ask_all(prompter, options, check) {
            Ok(outcome) => Ok(outcome),
            Err(Stop::Io(err)) => Err(err).context("cannot talk to the terminal"),
            Err(Stop::Interrupted) => Ok(Outcome::Abandoned(Abandon::Interrupted)),
            Err(Stop::LineTooLong { line }) => {
                Ok(Outcome::Abandoned(Abandon::LineTooLong { line }))
            }
            Err(Stop::EndOfInput) => Ok(Outcome::Abandoned(Abandon::EndOfInput {
                at: (self.reached < self.questions.len())
                    .then(|| self.headings[self.reached].clone()),
            })),
        }
    }

    fn ask_all(
        &mut self,
        prompter: &mut dyn Prompter,
        options: &EnterOptions<'_>,
        check: Option<&FileCheck<'_>>,
    ) -> Result<Outcome, Stop> {
        prompter.say(&intro(options, check))?;
        let mut index = 0;
        let mut introduced = None;
        while index < self.questions.len() {
            let form = self.questions[index].0;
            if introduced != Some(form) {
                prompter.say(&instrument_intro(self.forms[form].instrument))?;
                introduced = Some(form);
            }
            match prompter.ask(&self.question(index))? {
                Reply::Value(value) => self.give(prompter, index, Answer::Value(value))?,
                Reply::Skip => self.give(prompter, index, Answer::Missing)?,
                Reply::Back if index == 0 => {
                    prompter.say("(already at the first item)")?;
                    continue;
                }
                Reply::Back => {
                    index -= 1;
                    continue;
                }
                Reply::Quit => {
                    if prompter.confirm_abandon()? {
                        return Ok(Outcome::Abandoned(Abandon::Quit));
                    }
                    continue;
                }
            }
            index += 1;
            self.reached = self.reached.max(index);
        }
        loop {
            let review = self.review(options, &repeat_warnings(options, check));
            let decision = if options.yes {
                prompter.say(&review.text)?;
                if review.can_save {
                    Decision::Save
                } else {
                    Decision::Abandon
                }
            } else {
                prompter.review(&review)?
            };
            match decision {
                Decision::Save => return Ok(Outcome::Completed),
                Decision::Abandon if !review.can_save => {
                    return Ok(Outcome::Abandoned(Abandon::NothingToSave));
                }
                Decision::Abandon => return Ok(Outcome::Abandoned(Abandon::Declined)),
                Decision::Change(index) => match prompter.ask(&self.question(index))? {
                    Reply::Value(value) => self.give(prompter, index, Answer::Value(value))?,
                    Reply::Skip => self.give(prompter, index, Answer::Missing)?,
                    Reply::Back => {}
                    Reply::Quit => {
                        if prompter.confirm_abandon()? {
                            return Ok(Outcome::Abandoned(Abandon::Quit));
                        }
                    }
                },
            }
        }
    }

    /// Takes a reply to question `index`. An answer that would lower or blank an endorsed
    /// safety answer is taken only once confirmed; otherwise the earlier answer stays.
    fn give(
        &mut self,
        prompter: &mut dyn Prompter,
        index: usize,
        answer: Answer,
    ) -> Result<(), Stop> {
        if index < self.reached {
            let before = self.answer(index);
            if let Some(SafetyCheck {
                item: safety,
                status: SafetyStatus::Endorsed(value),
            }) = self.safety_check(index, before)
                && lowers(answer, value)
            {
                let instrument = self.forms[self.questions[index].0].instrument;
                let name = format!("{} item {}", display_name(instrument), safety.item);
                let question = match answer {
                    Answer::Value(lower) => format!("Lower {name} from {value} to {lower}?"),
                    Answer::Missing | Answer::Invalid => {
                        format!("Leave {name} blank instead of {value}?")
                    }
                };
                let notice = [format!(
                    "SAFETY · {name} was answered {value} ({}): an endorsed safety answer is changed only when confirmed",
                    safety.positive_flag
                )];
                if !prompter.confirm_change(&notice, &question, &value.to_string())? {
                    prompter.say(&format!("  kept {name} = {value}"))?;
                    return Ok(());
                }
            }
        }
        if self.first[index].is_none() {
            self.first[index] = Some(answer);
        }
        self.record(prompter, index, answer)
    }

    /// What `answer` means for question `index` when it is a safety item of its instrument
    /// (the definition's `safety_items`); `None` for any other question. The library
    /// decides: the item is scored alone.
    fn safety_check(&self, index: usize, answer: Answer) -> Option<SafetyCheck<'r>> {
        let (form, slot) = self.questions[index];
        let Slot::Item(item) = slot else {
            return None;
        };
        let instrument = self.forms[form].instrument;
        if !instrument.safety_items.iter().any(|s| s.item == item + 1) {
            return None;
        }
        let mut alone = vec![Answer::Missing; instrument.item_count()];
        alone[item] = answer;
        let report = score(instrument, &alone).expect("one answer per item");
        report
            .safety
            .iter()
            .find(|c| c.item.item == item + 1)
            .copied()
    }

    /// Stores an answer and, for a safety item, shows its notice at once (reference §2.4):
    /// endorsed or left blank both need the clinician; a zero is never called "safe".
    fn record(
        &mut self,
        prompter: &mut dyn Prompter,
        index: usize,
        answer: Answer,
    ) -> Result<(), Stop> {
        self.set(index, answer);
        let Some(check) = self.safety_check(index, answer) else {
            return Ok(());
        };
        if let Some(notice) = check.notice() {
            let instrument = self.forms[self.questions[index].0].instrument;
            let mut lines = vec![format!(
                "SAFETY · {} · {}",
                display_name(instrument),
                notice.heading()
            )];
            lines.extend(wrap(notice.words(), 72));
            prompter.alert(&lines)?;
        }
        Ok(())
    }

    /// The answer first given to question `index`, when the answer now differs from it.
    fn changed_from(&self, index: usize) -> Option<Answer> {
        self.first[index].filter(|first| *first != self.answer(index))
    }

    fn review(&self, options: &EnterOptions<'_>, warnings: &[String]) -> Review {
        let can_save = self.can_save();
        // Per form, items then extras in question order: the first answer where it changed.
        let mut changes: Vec<Vec<Option<Answer>>> = vec![Vec::new(); self.forms.len()];
        for (index, (form, _)) in self.questions.iter().enumerate() {
            changes[*form].push(self.changed_from(index));
        }
        let text = review_text(&self.forms, &changes, options, warnings, can_save);
        let answers = (0..self.questions.len())
            .map(|index| {
                let question = self.question(index);
                // The mark goes last, so that the columns stay aligned.
                let mark = self.changed_from(index).map(changed_note);
                format!(
                    "{:<16} {:<27} {}{}",
                    question.short,
                    answer_text(self.answer(index), question.scale),
                    truncate(question.label, 45),
                    mark.unwrap_or_default()
                )
            })
            .collect();
        let action = match &options.append {
            Some(path) => format!("Save this visit to `{}`", shown_path(path)),
            None => "Accept these answers and print the scores".to_owned(),
        };
        Review {
            text,
            answers,
            action,
            can_save,
        }
    }
}

/// Whether `answer` lowers or blanks an answer of `value`.
fn lowers(answer: Answer, value: u8) -> bool {
    match answer {
        Answer::Value(new) => new < value,
        Answer::Missing | Answer::Invalid => true,
    }
}

/// The review's mark on an answer changed after it was first given: ` (changed from 1)`.
pub(super) fn changed_note(first: Answer) -> String {
    match first {
        Answer::Value(value) => format!("  (changed from {value})"),
        Answer::Missing => "  (changed from blank)".to_owned(),
        Answer::Invalid => "  (changed from unusable)".to_owned(),
    }
}

#[cfg(test)]
mod tests;
