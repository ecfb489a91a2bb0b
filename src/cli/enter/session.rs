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
        check: Option<&FileCheck>,
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
        check: Option<&FileCheck>,
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
mod tests {
    use super::*;
    use crate::cli::prompt::LinePrompter;
    use jiff::civil::Date;
    use symscore::Registry;

    fn options<'r>(registry: &'r Registry, ids: &[&str], yes: bool) -> EnterOptions<'r> {
        EnterOptions {
            instruments: ids.iter().map(|id| registry.get(id).unwrap()).collect(),
            patient_id: Some("P1".into()),
            date: Date::new(2026, 5, 4).unwrap(),
            append: None,
            yes,
            format: None,
            output: None,
        }
    }

    /// Runs a session over scripted lines; returns the outcome, the answers and the prompts.
    fn run_lines(ids: &[&str], input: &str, yes: bool) -> (Outcome, Vec<Vec<Answer>>, String) {
        let registry = Registry::builtin();
        let options = options(&registry, ids, yes);
        let mut out = Vec::new();
        let mut session = Session::new(&options.instruments);
        let outcome = {
            let mut prompter = LinePrompter::new(input.as_bytes(), &mut out, true);
            session.run(&mut prompter, &options, None).unwrap()
        };
        let answers = session
            .forms
            .iter()
            .map(|f| f.items.iter().chain(&f.extras).copied().collect())
            .collect();
        (outcome, answers, String::from_utf8(out).unwrap())
    }

    fn values(values: &[Option<u8>]) -> Vec<Answer> {
        values
            .iter()
            .map(|v| v.map_or(Answer::Missing, Answer::Value))
            .collect()
    }

    #[test]
    fn back_goes_to_the_previous_item_and_keeps_later_ones_in_order() {
        let (outcome, answers, out) =
            run_lines(&["gad7"], "b\n1\n3\nb\n2\n0\n\n1\n1\n1\ns\ny\n", false);
        assert_eq!(outcome, Outcome::Completed);
        assert_eq!(
            answers[0],
            values(&[
                Some(1),
                Some(2),
                Some(0),
                None,
                Some(1),
                Some(1),
                Some(1),
                None
            ])
        );
        assert!(out.contains("(already at the first item)"), "{out}");
        // Going back shows the answer given before.
        assert!(out.contains("answered before: 3"), "{out}");
    }

    /// Asked again, Enter keeps the answer and `s` blanks it (issue 11, point 1).
    #[test]
    fn after_back_enter_keeps_and_s_blanks() {
        // Items 1 and 2 answered; `b` from item 3 and `s` blanks item 2 (was 3); `b` twice
        // from item 3 again, and Enter keeps item 1's 2 and `k` item 2's blank.
        let (outcome, answers, out) = run_lines(
            &["gad7"],
            "2\n3\nb\ns\nb\nb\n\nk\n1\n1\n1\n1\n1\n\ny\n",
            false,
        );
        assert_eq!(outcome, Outcome::Completed);
        assert_eq!(
            answers[0],
            values(&[
                Some(2),
                None,
                Some(1),
                Some(1),
                Some(1),
                Some(1),
                Some(1),
                None
            ])
        );
        assert!(
            out.contains("gad7 2 [0-3, Enter keeps 3, s blanks, b back, ? help, q quit]: s\n"),
            "{out}"
        );
        assert!(
            out.contains("gad7 1 [0-3, Enter keeps 2, s blanks, b back, ? help, q quit]: \n"),
            "{out}"
        );
        // Item 2 was blanked, so asked again Enter keeps it blank.
        assert!(out.contains("Enter keeps it blank"), "{out}");
        // The review marks the answer changed after it was first given.
        assert!(out.contains("—  blank  (changed from 3)"), "{out}");
    }

    /// The reproduction of issue 11, point 1, through the shared session: eight items 1,
    /// item 9 answered 2, `b` from the difficulty question, then Enter.
    #[test]
    fn back_then_enter_keeps_an_endorsed_item9() {
        let (outcome, answers, out) =
            run_lines(&["phq9"], "1\n1\n1\n1\n1\n1\n1\n1\n2\nb\n\n\ny\n", false);
        assert_eq!(outcome, Outcome::Completed);
        let mut expected = vec![Some(1); 8];
        expected.extend([Some(2), None]);
        assert_eq!(answers[0], values(&expected));
        assert!(out.contains("Total 10 of 27 · severity moderate"), "{out}");
        assert!(
            out.contains("Flags: ITEM9_POSITIVE, CASENESS_PHQ9"),
            "{out}"
        );
        assert!(!out.contains("changed from"), "{out}");
    }

    /// Lowering or blanking an endorsed safety answer needs a `y`; anything else keeps it.
    #[test]
    fn lowering_an_endorsed_safety_answer_needs_confirmation() {
        let eight = "1\n".repeat(8);
        // `s` declined with `n`, then `0` declined with Enter: item 9 stays 2.
        let (_, answers, out) = run_lines(
            &["phq9"],
            &format!("{eight}2\nb\ns\nn\nb\n0\n\n\ny\n"),
            false,
        );
        assert_eq!(answers[0][8], Answer::Value(2), "{out}");
        assert!(
            out.contains("Leave PHQ-9 item 9 blank instead of 2? Type y to confirm"),
            "{out}"
        );
        assert!(out.contains("Lower PHQ-9 item 9 from 2 to 0?"), "{out}");
        assert!(out.contains("kept PHQ-9 item 9 = 2"), "{out}");
        assert!(!out.contains("changed from"), "{out}");
        // Confirmed with `y`: lowered, and the review says from what.
        let (_, answers, out) = run_lines(&["phq9"], &format!("{eight}2\nb\n1\ny\n\ny\n"), false);
        assert_eq!(answers[0][8], Answer::Value(1), "{out}");
        assert!(out.contains("1  Several days  (changed from 2)"), "{out}");
        // Raising it, or changing an answer that is not endorsed, asks nothing.
        let (_, answers, out) = run_lines(&["phq9"], &format!("{eight}1\nb\n3\n\ny\n"), false);
        assert_eq!(answers[0][8], Answer::Value(3), "{out}");
        assert!(
            !out.contains("Type y to confirm; anything else keeps"),
            "{out}"
        );
        let (_, answers, out) = run_lines(&["phq9"], &format!("{eight}0\nb\ns\n\ny\n"), false);
        assert_eq!(answers[0][8], Answer::Missing, "{out}");
        assert!(
            !out.contains("Type y to confirm; anything else keeps"),
            "{out}"
        );
        assert!(out.contains("—  blank  (changed from 0)"), "{out}");
    }

    #[test]
    fn item9_notices_appear_at_once() {
        let (_, _, out) = run_lines(&["phq9"], "0\n0\n0\n0\n0\n0\n0\n0\n2\n", false);
        let notice_at = out
            .find("!! SAFETY · PHQ-9 · ITEM9_POSITIVE (item 9 = 2)")
            .unwrap();
        let next_item = out.find("PHQ-9 unscored item").unwrap();
        assert!(notice_at < next_item, "{out}");
        assert!(out.contains("suicide-risk protocol now"), "{out}");

        let (_, _, out) = run_lines(&["phq9"], "0\n0\n0\n0\n0\n0\n0\n0\n\n", false);
        assert!(out.contains("!! SAFETY · PHQ-9 · ITEM9_MISSING"), "{out}");
        assert!(out.contains("!! PHQ-9 item 9 was not answered"), "{out}");

        let (_, _, out) = run_lines(&["phq9"], "0\n0\n0\n0\n0\n0\n0\n0\n0\n\ny\n", false);
        assert!(!out.contains("!! SAFETY"), "{out}");
        assert!(!out.to_lowercase().contains("safe "), "{out}");
        assert!(
            out.contains("Item 9 answered 0 (Not at all): not endorsed on this form"),
            "{out}"
        );
    }

    #[test]
    fn review_shows_proration_and_flags() {
        // 1+2+0+3+1+0+0+2 with item 9 blank: 9 of 8 answered → 9·9/8 = 10.125 → 10.
        let (outcome, _, out) = run_lines(&["phq9"], "1\n2\n0\n3\n1\n0\n0\n2\n\n\ny\n", false);
        assert_eq!(outcome, Outcome::Completed);
        assert!(
            out.contains("Total 10 of 27 (prorated from 8 of 9 items: 10.1, rounded half up) · severity moderate"),
            "{out}"
        );
        assert!(
            out.contains("Flags: ITEM9_MISSING, PRORATED, CASENESS_PHQ9"),
            "{out}"
        );
    }

    #[test]
    fn every_item_blank_has_nothing_to_save() {
        let (outcome, _, out) = run_lines(&["gad7"], &"\n".repeat(8), false);
        assert_eq!(outcome, Outcome::Abandoned(Abandon::NothingToSave));
        assert!(out.contains("Every item is blank"), "{out}");
    }

    #[test]
    fn yes_skips_the_confirmation_but_not_the_review() {
        let (outcome, _, out) = run_lines(&["gad7"], "1\n1\n1\n1\n1\n1\n1\n\n", true);
        assert_eq!(outcome, Outcome::Completed);
        assert!(out.contains("Total 7 of 21"), "{out}");
        assert!(!out.contains("Type y to confirm"), "{out}");
    }

    #[test]
    fn end_of_input_says_where() {
        let (outcome, _, _) = run_lines(&["gad7"], "1\n1\n", false);
        assert_eq!(
            outcome,
            Outcome::Abandoned(Abandon::EndOfInput {
                at: Some("GAD-7 item 3 of 7".into())
            })
        );
        let (outcome, _, _) = run_lines(&["gad7"], "1\n1\n1\n1\n1\n1\n1\n\n", false);
        assert_eq!(
            outcome,
            Outcome::Abandoned(Abandon::EndOfInput { at: None })
        );
    }
}
