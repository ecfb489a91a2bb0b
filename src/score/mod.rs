//! Scoring one administration: total, proration, severity and flags (reference §5).
//!
//! Pure functions of an [`Instrument`] and its answers; no I/O. The batch reader and the
//! interactive entry both come through [`score`], so every path applies the same rules.

mod algorithm;
mod flag;
mod fraction;
mod safety;

pub use algorithm::{Truth, evaluate};
pub use flag::{Flag, FlagKind, status_flag};
pub use fraction::Fraction;
pub use safety::{SAFETY_MARK, SafetyCheck, SafetyNotice, SafetyStatus};

use crate::instrument::{Band, Instrument};
use crate::plural::count;

/// One item's answer as read, before scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer {
    /// A valid answer on the instrument's scale.
    Value(u8),
    /// Left blank, or a configured non-answer code (`NA`, `7` = refused…).
    Missing,
    /// Present but unusable: out of range, fractional, or text. The reader reports why.
    Invalid,
}

impl Answer {
    /// The value, when the answer is valid.
    pub fn value(self) -> Option<u8> {
        match self {
            Answer::Value(v) => Some(v),
            Answer::Missing | Answer::Invalid => None,
        }
    }
}

/// Severity of an administration: a band, or `invalid` when there is no valid total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity<'i> {
    /// The band the total falls in.
    Band(&'i Band),
    /// No valid total.
    Invalid,
}

impl<'i> Severity<'i> {
    /// The `snake_case` id written in output.
    pub fn id(&self) -> &'i str {
        match self {
            Severity::Band(band) => &band.id,
            Severity::Invalid => "invalid",
        }
    }
}

/// A subscale sum; `None` when any of its items is blank or invalid (never prorated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubscaleScore<'i> {
    /// The subscale id (`B`).
    pub id: &'i str,
    /// The sum, when every item is answered.
    pub value: Option<u32>,
}

/// The scored administration.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreReport<'i> {
    /// The instrument it was scored with.
    pub instrument: &'i Instrument,
    /// The answers, in item order.
    pub answers: Vec<Answer>,
    /// Rounded total; `None` when invalid.
    pub total: Option<u32>,
    /// Unrounded total (`S·N/n` when prorated); `None` when invalid.
    pub total_exact: Option<Fraction>,
    /// Severity band of the rounded total.
    pub severity: Severity<'i>,
    /// Items with a valid answer.
    pub answered: usize,
    /// Items left blank.
    pub missing: usize,
    /// Items with an unusable answer.
    pub invalid: usize,
    /// Flags in a stable order: safety, status, thresholds, algorithms.
    pub flags: Vec<Flag<'i>>,
    /// Subscale sums in definition order.
    pub subscales: Vec<SubscaleScore<'i>>,
    /// Each safety item's status.
    pub safety: Vec<SafetyCheck<'i>>,
}

impl<'i> ScoreReport<'i> {
    /// A report with no answers and no total, for [`score_into`] to fill.
    pub(crate) fn unscored(instrument: &'i Instrument) -> Self {
        ScoreReport {
            instrument,
            answers: Vec::new(),
            total: None,
            total_exact: None,
            severity: Severity::Invalid,
            answered: 0,
            missing: 0,
            invalid: 0,
            flags: Vec::new(),
            subscales: Vec::new(),
            safety: Vec::new(),
        }
    }

    /// Whether the total was prorated: there is one, and items were blank (§5.1 step 5; the
    /// same condition raises `PRORATED`).
    pub fn is_prorated(&self) -> bool {
        self.total.is_some() && self.missing > 0
    }

    /// Whether there is no valid total.
    pub fn is_invalid(&self) -> bool {
        self.total.is_none()
    }

    /// Whether `name` was raised.
    pub fn has_flag(&self, name: &str) -> bool {
        self.flags.iter().any(|flag| flag.name == name)
    }

    /// Subscales as `B=11;C=;D=7;E=10`, with `incomplete` standing for a cluster that has
    /// no sum; empty for an instrument without subscales.
    pub fn subscale_summary(&self, separator: &str, incomplete: &str) -> String {
        self.subscales
            .iter()
            .map(|s| {
                format!(
                    "{}={}",
                    s.id,
                    s.value
                        .map_or_else(|| incomplete.to_owned(), |v| v.to_string())
                )
            })
            .collect::<Vec<_>>()
            .join(separator)
    }

    /// Whether any safety item needs the clinician's attention.
    pub fn needs_safety_review(&self) -> bool {
        self.safety.iter().any(SafetyCheck::needs_review)
    }
}

/// The caller passed the wrong number of answers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{instrument}` has {}, found {}", count(*.expected, "item"), count(*.found, "answer"))]
pub struct AnswerCountError {
    /// Instrument id.
    pub instrument: String,
    /// Its item count.
    pub expected: usize,
    /// Answers given.
    pub found: usize,
}

/// Whether a form counts as not administered: every item blank (reference §5, issue rules).
pub fn is_not_administered(answers: &[Answer]) -> bool {
    answers.iter().all(|a| *a == Answer::Missing)
}

/// Scores one administration following reference §5.
///
/// The safety items and algorithms are evaluated whatever the validity of the total:
/// an unusable form still reports an endorsed PHQ-9 item 9.
pub fn score<'i>(
    instrument: &'i Instrument,
    answers: &[Answer],
) -> Result<ScoreReport<'i>, AnswerCountError> {
    let mut report = ScoreReport::unscored(instrument);
    score_into(instrument, answers, &mut report)?;
    Ok(report)
}

/// [`score`] into an existing report, reusing its vectors: a batch run scores millions of
/// administrations, and allocating four small vectors for each was a tenth of its time.
/// On success every field of `report` is overwritten; on an error it is left as it was.
pub(crate) fn score_into<'i>(
    instrument: &'i Instrument,
    answers: &[Answer],
    report: &mut ScoreReport<'i>,
) -> Result<(), AnswerCountError> {
    let item_count = instrument.item_count();
    if answers.len() != item_count {
        return Err(AnswerCountError {
            instrument: instrument.id.clone(),
            expected: item_count,
            found: answers.len(),
        });
    }
    let mut sum = 0u32;
    let (mut answered, mut missing, mut invalid) = (0usize, 0usize, 0usize);
    for (index, answer) in answers.iter().enumerate() {
        match *answer {
            Answer::Value(value) => {
                answered += 1;
                sum += instrument.item_contribution(index, value);
            }
            Answer::Missing => missing += 1,
            Answer::Invalid => invalid += 1,
        }
    }

    let flags = &mut report.flags;
    flags.clear();
    // §2.4: safety first, from the item itself, never prorated or imputed.
    report.safety.clear();
    for item in &instrument.safety_items {
        let status = match answers[item.item - 1] {
            Answer::Value(v) if v >= item.min_value => SafetyStatus::Endorsed(v),
            Answer::Value(v) => SafetyStatus::NotEndorsed(v),
            // An unusable answer tells us nothing about risk: unknown, never safe.
            Answer::Missing | Answer::Invalid => SafetyStatus::Unknown,
        };
        match status {
            SafetyStatus::Endorsed(_) => flags.push(Flag {
                name: &item.positive_flag,
                kind: FlagKind::Safety,
            }),
            SafetyStatus::Unknown => flags.push(Flag {
                name: &item.missing_flag,
                kind: FlagKind::Safety,
            }),
            SafetyStatus::NotEndorsed(_) => {}
        }
        report.safety.push(SafetyCheck { item, status });
    }

    // §5.1 steps 1, 3, 4, 5.
    let too_many_missing = missing > instrument.max_missing;
    if invalid > 0 {
        flags.push(Flag {
            name: status_flag::INVALID_VALUE,
            kind: FlagKind::Status,
        });
    }
    if too_many_missing {
        flags.push(Flag {
            name: status_flag::INVALID_TOO_MANY_MISSING,
            kind: FlagKind::Status,
        });
    }
    let (total, total_exact) = if invalid > 0 || too_many_missing {
        (None, None)
    } else if missing == 0 {
        (Some(sum), Some(Fraction::whole(u64::from(sum))))
    } else {
        flags.push(Flag {
            name: status_flag::PRORATED,
            kind: FlagKind::Status,
        });
        (
            Some(prorate(sum, item_count, answered)),
            Some(Fraction::new(
                u64::from(sum) * item_count as u64,
                answered as u64,
            )),
        )
    };

    let severity = total.map_or(Severity::Invalid, |t| {
        Severity::Band(instrument.band_for(t))
    });
    if let Some(total) = total {
        for threshold in &instrument.thresholds {
            if total >= threshold.min_total {
                flags.push(Flag {
                    name: &threshold.flag,
                    kind: FlagKind::Threshold,
                });
            }
        }
    }

    // §5.2: three-valued logic, evaluated even without a valid total.
    for algorithm in &instrument.algorithms {
        match evaluate(algorithm, answers) {
            Truth::True => flags.push(Flag {
                name: &algorithm.flag,
                kind: FlagKind::Algorithm,
            }),
            Truth::Unknown => flags.push(Flag {
                name: &algorithm.indeterminate_flag,
                kind: FlagKind::Algorithm,
            }),
            Truth::False => {}
        }
    }

    // §4.2, §4.6: cluster sums only for complete clusters.
    report.subscales.clear();
    report
        .subscales
        .extend(instrument.subscales.iter().map(|subscale| {
            let value = subscale.items.iter().try_fold(0u32, |acc, &number| {
                answers[number - 1]
                    .value()
                    .map(|v| acc + instrument.item_contribution(number - 1, v))
            });
            SubscaleScore {
                id: &subscale.id,
                value,
            }
        }));

    report.instrument = instrument;
    report.answers.clear();
    report.answers.extend_from_slice(answers);
    report.total = total;
    report.total_exact = total_exact;
    report.severity = severity;
    report.answered = answered;
    report.missing = missing;
    report.invalid = invalid;
    Ok(())
}

/// Round-half-up of `sum · items / answered`, in integers (reference §5.1 step 5):
/// `(2·S·N + n) div (2·n)`. Half rounds up because it errs toward the higher, safer severity.
pub fn prorate(sum: u32, items: usize, answered: usize) -> u32 {
    let (s, big_n, n) = (u64::from(sum), items as u64, answered as u64);
    let rounded = (2 * s * big_n + n) / (2 * n);
    u32::try_from(rounded).expect("a prorated total never exceeds the maximum total")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proration_rounds_half_up() {
        // 13 over 7 of 9 items: 117/7 = 16.71 → 17 (reference §5.1, worked example).
        assert_eq!(prorate(13, 9, 7), 17);
        // 1 over 2 of 3 items: 1.5 → 2, the half goes up.
        assert_eq!(prorate(1, 3, 2), 2);
        // 4 over 8 of 9: 4.5 → 5.
        assert_eq!(prorate(4, 9, 8), 5);
        // 3 over 8 of 9: 3.375 → 3.
        assert_eq!(prorate(3, 9, 8), 3);
    }

    #[test]
    fn not_administered_means_every_item_blank() {
        assert!(is_not_administered(&[Answer::Missing; 3]));
        assert!(!is_not_administered(&[
            Answer::Missing,
            Answer::Invalid,
            Answer::Missing
        ]));
        assert!(!is_not_administered(&[Answer::Missing, Answer::Value(0)]));
    }
}
