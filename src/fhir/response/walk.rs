//! The walk over a response's items, nested groups and items under answers included, that
//! puts each answer in its instrument's answer list.

use std::fmt::Write as _;
use std::io::BufRead;
use std::ops::Range;

use super::ResponseItem;
use super::mapping::{ItemSlot, answer_value};
use super::reader::{Place, ResponseReader};
use crate::batch::{Diagnostic, DiagnosticKind};
use crate::score::Answer;

/// A walk over a response's items, nested groups included.
pub(super) struct Walk<'a, 'i, R> {
    pub(super) reader: &'a ResponseReader<'i, R>,
    pub(super) place: &'a Place,
    pub(super) at: &'a str,
    pub(super) answers: &'a mut Vec<Option<Vec<Answer>>>,
    pub(super) unmapped: &'a mut usize,
    pub(super) invalid: &'a mut bool,
    /// The steps from the response to the item being looked at. The path is written out
    /// only when a message needs it: formatting it for every item was most of the time
    /// spent on a large export.
    pub(super) steps: Vec<Step>,
    /// Per slot ([`ItemMap::dense`](super::mapping::ItemMap::dense)): where in
    /// `first_steps` the path of its first answer is, once it has been answered.
    pub(super) seen: Vec<Option<Range<usize>>>,
    pub(super) first_steps: Vec<Step>,
    pub(super) diagnostics: &'a mut Vec<Diagnostic>,
}

/// One step of a path into a response: `item[i]` or `answer[a]`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Step {
    Item(usize),
    Answer(usize),
}

/// The path the steps lead to, as FHIRPath-like text: `item[0].answer[1].item[2]`.
fn path_text(steps: &[Step]) -> String {
    let mut text = String::new();
    for (n, step) in steps.iter().enumerate() {
        if n > 0 {
            text.push('.');
        }
        let _ = match step {
            Step::Item(i) => write!(text, "item[{i}]"),
            Step::Answer(a) => write!(text, "answer[{a}]"),
        };
    }
    text
}

impl<R: BufRead> Walk<'_, '_, R> {
    pub(super) fn items(&mut self, items: &[ResponseItem]) {
        for (i, item) in items.iter().enumerate() {
            self.steps.push(Step::Item(i));
            self.item(item);
            self.items(&item.item);
            for (a, answer) in item.answer.iter().enumerate() {
                self.steps.push(Step::Answer(a));
                self.items(&answer.item);
                self.steps.pop();
            }
            self.steps.pop();
        }
    }

    fn item(&mut self, item: &ResponseItem) {
        let Some(slot) = self.reader.map.slot(item) else {
            if !item.answer.is_empty() {
                *self.unmapped += 1;
            }
            return;
        };
        let instrument = self.reader.instruments[slot.instrument];
        let dense = self.reader.map.dense(slot, &self.reader.instruments);
        if let Some(first) = self.seen[dense].clone() {
            // Two answers to one question: neither can be trusted over the other.
            let d = self.reader.diagnostic(
                self.place,
                DiagnosticKind::Answer,
                format!(
                    "{}: {}: expected each question once, found it again after {}",
                    self.at,
                    path_text(&self.steps),
                    path_text(&self.first_steps[first])
                ),
            );
            self.diagnostics.push(d);
            *self.invalid = true;
            if let ItemSlot::Scored(n) = slot.item
                && let Some(answers) = &mut self.answers[slot.instrument]
            {
                answers[n] = Answer::Invalid;
            }
            return;
        }
        let start = self.first_steps.len();
        self.first_steps.extend_from_slice(&self.steps);
        self.seen[dense] = Some(start..self.first_steps.len());
        let scale = match slot.item {
            ItemSlot::Scored(_) => &instrument.scale,
            ItemSlot::Extra(e) => &instrument.extra_items[e].scale,
        };
        let answers = self.answers[slot.instrument]
            .get_or_insert_with(|| vec![Answer::Missing; instrument.item_count()]);
        let value = match item.answer.as_slice() {
            [] => Answer::Missing,
            [answer] => match answer_value(answer, instrument, scale) {
                Ok(value) => Answer::Value(value),
                Err(problem) => {
                    let d = self.reader.diagnostic(
                        self.place,
                        DiagnosticKind::Answer,
                        format!(
                            "{}: {}.answer[0]: {problem}",
                            self.at,
                            path_text(&self.steps)
                        ),
                    );
                    self.diagnostics.push(d);
                    *self.invalid = true;
                    Answer::Invalid
                }
            },
            many => {
                let d = self.reader.diagnostic(
                    self.place,
                    DiagnosticKind::Answer,
                    format!(
                        "{}: {}: expected one answer, found {}",
                        self.at,
                        path_text(&self.steps),
                        many.len()
                    ),
                );
                self.diagnostics.push(d);
                *self.invalid = true;
                Answer::Invalid
            }
        };
        if let ItemSlot::Scored(n) = slot.item {
            answers[n] = value;
        }
    }
}
