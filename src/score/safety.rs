//! Safety items (reference §2.4): their state on one form, and the one notice every
//! renderer shows the clinician for an item that needs review.
//!
//! The notice's wording lives here, and only here: the score table's cell, the lines on
//! standard error, and the entry screen's alert and review come from [`SafetyNotice`], and
//! a trend window's lines take the flag and the definition's words from
//! [`SafetyNotice::for_flag`]. Worded in several places, the notices drifted apart; a
//! clinician reading two outputs about the same form should not have to wonder which is
//! right.

use std::fmt;

use crate::instrument::{Instrument, SafetyItem};

use super::Flag;

/// The marker every safety line and cell starts with, so that it stands out without colour
/// (`NO_COLOR`, printed pages, screen readers).
pub const SAFETY_MARK: &str = "!!";

/// The state of one safety item. There is deliberately no "safe" state: a zero is only
/// "not endorsed on this form" (reference §2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SafetyStatus {
    /// Answered at or above the item's threshold.
    Endorsed(u8),
    /// Answered below the threshold.
    NotEndorsed(u8),
    /// Blank or unusable: status unknown.
    Unknown,
}

/// A safety item with its status on this form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SafetyCheck<'i> {
    /// The rule from the definition.
    pub item: &'i SafetyItem,
    /// What the form says.
    pub status: SafetyStatus,
}

impl<'i> SafetyCheck<'i> {
    /// Whether the clinician must be told: endorsed or unknown.
    pub fn needs_review(&self) -> bool {
        !matches!(self.status, SafetyStatus::NotEndorsed(_))
    }

    /// The notice for the clinician, when review is needed.
    pub fn notice(&self) -> Option<SafetyNotice<'i>> {
        let finding = match self.status {
            SafetyStatus::Endorsed(value) => Finding::Endorsed(Some(value)),
            SafetyStatus::Unknown => Finding::Unknown,
            SafetyStatus::NotEndorsed(_) => return None,
        };
        Some(SafetyNotice {
            item: self.item,
            finding,
        })
    }
}

/// What needs review: an endorsed answer (its value, when the caller has it) or an unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finding {
    Endorsed(Option<u8>),
    Unknown,
}

/// What the clinician is told about a safety item that needs review: the flag, the item,
/// its answer or "unknown", and the definition's own words.
///
/// Built from a [`SafetyCheck`] (one form, answer known) or from a raised safety [`Flag`]
/// (a trend window, which keeps the flag but not the answer). A not-endorsed item has no
/// notice, so no renderer can show a zero as if it were reassuring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SafetyNotice<'i> {
    item: &'i SafetyItem,
    finding: Finding,
}

impl<'i> SafetyNotice<'i> {
    /// The notice of a raised flag of `instrument`; `None` when the flag does not need
    /// safety review, or is not one of the instrument's safety flags.
    pub fn for_flag(instrument: &'i Instrument, flag: &Flag<'_>) -> Option<Self> {
        if !flag.needs_safety_review() {
            return None;
        }
        // Flag names are unique within a definition (validation refuses a repeat), so the
        // name identifies the item and which of its two flags was raised.
        instrument.safety_items.iter().find_map(|item| {
            let finding = if item.positive_flag == flag.name {
                Finding::Endorsed(None)
            } else if item.missing_flag == flag.name {
                Finding::Unknown
            } else {
                return None;
            };
            Some(SafetyNotice { item, finding })
        })
    }

    /// The safety item's rule from the definition.
    pub fn item(&self) -> &'i SafetyItem {
        self.item
    }

    /// The flag raised: the item's positive flag when endorsed, its missing flag when unknown.
    pub fn flag(&self) -> &'i str {
        match self.finding {
            Finding::Endorsed(_) => &self.item.positive_flag,
            Finding::Unknown => &self.item.missing_flag,
        }
    }

    /// What the definition says to tell the clinician.
    pub fn words(&self) -> &'i str {
        match self.finding {
            Finding::Endorsed(_) => &self.item.positive_notice,
            Finding::Unknown => &self.item.missing_notice,
        }
    }

    /// The short form for a table cell: `!! ITEM9_POSITIVE (item 9 = 2)`,
    /// `!! ITEM9_MISSING (item 9: unknown)`.
    pub fn cell(&self) -> impl fmt::Display + use<'i> {
        let what = self.described(": unknown");
        Shown(move |f: &mut fmt::Formatter<'_>| write!(f, "{SAFETY_MARK} {what}"))
    }

    /// The heading of the notice on the entry screen and in its review:
    /// `ITEM9_POSITIVE (item 9 = 2)`, `ITEM9_MISSING (item 9 blank or unusable: safety unknown)`.
    pub fn heading(&self) -> impl fmt::Display + use<'i> {
        self.described(" blank or unusable: safety unknown")
    }

    /// The whole notice on one line, as `score --items` prints it on standard error:
    /// `!! ITEM9_POSITIVE (item 9 = 2): <the definition's words>`, with
    /// `(item 9 unanswered or unusable)` when unknown.
    pub fn sentence(&self) -> impl fmt::Display + use<'i> {
        let what = self.described(" unanswered or unusable");
        let words = self.words();
        Shown(move |f: &mut fmt::Formatter<'_>| write!(f, "{SAFETY_MARK} {what}: {words}"))
    }

    /// `FLAG (item N = v)`, or `FLAG (item N<unknown>)` when the answer is unknown.
    fn described(&self, unknown: &'static str) -> impl fmt::Display + use<'i> {
        let notice = *self;
        Shown(move |f: &mut fmt::Formatter<'_>| {
            write!(f, "{} (item {}", notice.flag(), notice.item.item)?;
            match notice.finding {
                Finding::Endorsed(Some(value)) => write!(f, " = {value})"),
                Finding::Endorsed(None) => f.write_str(" endorsed)"),
                Finding::Unknown => write!(f, "{unknown})"),
            }
        })
    }
}

/// A closure shown through `Display`, so each form is written straight into its output.
struct Shown<F>(F);

impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> fmt::Display for Shown<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0)(f)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use super::*;
    use crate::score::{Answer, FlagKind, score};
    use crate::{Registry, score::status_flag};

    static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::builtin);

    fn phq9() -> &'static Instrument {
        REGISTRY.get("phq9").expect("phq9 is built in")
    }

    fn notice_for_item9(answer: Answer) -> Option<SafetyNotice<'static>> {
        let mut answers = [Answer::Value(0); 9];
        answers[8] = answer;
        let report = score(phq9(), &answers).expect("nine answers");
        report.safety[0].notice()
    }

    const POSITIVE: &str = "PHQ-9 item 9 (thoughts of death or self-harm) was endorsed. Follow your local suicide-risk protocol now. Item 9 is not a risk assessment.";
    const MISSING: &str = "PHQ-9 item 9 was not answered: suicide-risk status is unknown. Ask the question before the patient leaves.";

    #[test]
    fn endorsed_item_reads_the_same_in_every_form() {
        let notice = notice_for_item9(Answer::Value(2)).expect("endorsed needs review");
        assert_eq!(notice.flag(), "ITEM9_POSITIVE");
        assert_eq!(notice.words(), POSITIVE);
        assert_eq!(notice.cell().to_string(), "!! ITEM9_POSITIVE (item 9 = 2)");
        assert_eq!(notice.heading().to_string(), "ITEM9_POSITIVE (item 9 = 2)");
        assert_eq!(
            notice.sentence().to_string(),
            format!("!! ITEM9_POSITIVE (item 9 = 2): {POSITIVE}")
        );
    }

    #[test]
    fn blank_and_unusable_items_are_unknown_never_safe() {
        for answer in [Answer::Missing, Answer::Invalid] {
            let notice = notice_for_item9(answer).expect("unknown needs review");
            assert_eq!(notice.flag(), "ITEM9_MISSING");
            assert_eq!(notice.words(), MISSING);
            assert_eq!(
                notice.cell().to_string(),
                "!! ITEM9_MISSING (item 9: unknown)"
            );
            assert_eq!(
                notice.heading().to_string(),
                "ITEM9_MISSING (item 9 blank or unusable: safety unknown)"
            );
            assert_eq!(
                notice.sentence().to_string(),
                format!("!! ITEM9_MISSING (item 9 unanswered or unusable): {MISSING}")
            );
        }
    }

    #[test]
    fn a_zero_has_no_notice() {
        assert_eq!(notice_for_item9(Answer::Value(0)), None);
    }

    #[test]
    fn a_raised_flag_finds_its_item_and_words() {
        let instrument = phq9();
        let endorsed = Flag {
            name: "ITEM9_POSITIVE",
            kind: FlagKind::Safety,
        };
        let notice = SafetyNotice::for_flag(instrument, &endorsed).expect("a safety flag");
        assert_eq!(notice.words(), POSITIVE);
        assert_eq!(
            notice.cell().to_string(),
            "!! ITEM9_POSITIVE (item 9 endorsed)"
        );
        let unknown = Flag {
            name: "ITEM9_MISSING",
            kind: FlagKind::Safety,
        };
        let notice = SafetyNotice::for_flag(instrument, &unknown).expect("a safety flag");
        assert_eq!(notice.words(), MISSING);
        assert_eq!(notice.item().item, 9);
    }

    #[test]
    fn only_safety_flags_have_a_notice() {
        let instrument = phq9();
        // The kind decides, not the name: a status flag is never a safety notice.
        let status = Flag {
            name: status_flag::PRORATED,
            kind: FlagKind::Status,
        };
        assert_eq!(SafetyNotice::for_flag(instrument, &status), None);
        let same_name_other_kind = Flag {
            name: "ITEM9_POSITIVE",
            kind: FlagKind::Threshold,
        };
        assert_eq!(
            SafetyNotice::for_flag(instrument, &same_name_other_kind),
            None
        );
        let other_instrument = Flag {
            name: "SOME_OTHER_FLAG",
            kind: FlagKind::Safety,
        };
        assert_eq!(SafetyNotice::for_flag(instrument, &other_instrument), None);
    }
}
