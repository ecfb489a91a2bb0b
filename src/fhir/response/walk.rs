//! The walk over a response's items, nested groups and items under answers included, that
//! puts each answer in its instrument's answer list.

use std::collections::HashMap;
use std::io::BufRead;

use super::ResponseItem;
use super::mapping::{ItemSlot, Slot, answer_value};
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
    /// The items answered so far, with the path of the first answer to each.
    pub(super) seen: HashMap<Slot, String>,
    pub(super) diagnostics: &'a mut Vec<Diagnostic>,
}

impl<R: BufRead> Walk<'_, '_, R> {
    pub(super) fn items(&mut self, items: &[ResponseItem], prefix: &str) {
        for (i, item) in items.iter().enumerate() {
            let path = format!("{prefix}item[{i}]");
            self.item(item, &path);
            self.items(&item.item, &format!("{path}."));
            for (a, answer) in item.answer.iter().enumerate() {
                self.items(&answer.item, &format!("{path}.answer[{a}]."));
            }
        }
    }

    fn item(&mut self, item: &ResponseItem, path: &str) {
        let Some(slot) = self.reader.map.slot(item) else {
            if !item.answer.is_empty() {
                *self.unmapped += 1;
            }
            return;
        };
        let instrument = self.reader.instruments[slot.instrument];
        if let Some(first) = self.seen.get(&slot) {
            // Two answers to one question: neither can be trusted over the other.
            let d = self.reader.diagnostic(
                self.place,
                DiagnosticKind::Answer,
                format!(
                    "{}: {path}: expected each question once, found it again after {first}",
                    self.at
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
        self.seen.insert(slot, path.to_owned());
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
                        format!("{}: {path}.answer[0]: {problem}", self.at),
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
                        "{}: {path}: expected one answer, found {}",
                        self.at,
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
