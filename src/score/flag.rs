//! Flags: what a rule raised, typed by the kind of rule, so that a renderer asks the flag
//! whether it needs safety review instead of reading its name.

use serde::Serialize;

/// The scorer's own status flags (reference §5.3).
pub mod status_flag {
    /// The total was prorated from the answered items.
    pub const PRORATED: &str = "PRORATED";
    /// More items were blank than the instrument allows: no total.
    pub const INVALID_TOO_MANY_MISSING: &str = "INVALID_TOO_MANY_MISSING";
    /// At least one answer was unusable: no total.
    pub const INVALID_VALUE: &str = "INVALID_VALUE";
}

/// What kind of rule raised a flag; renderers use it to make safety flags stand out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlagKind {
    /// A safety item endorsed or unknown: always needs clinician review.
    Safety,
    /// The scorer's status: prorated or invalid.
    Status,
    /// A cut-off on the total.
    Threshold,
    /// A symptom-count algorithm, definite or indeterminate.
    Algorithm,
    /// The follow-up schedule of a trend window: late or with a gap.
    Schedule,
    /// What the source says about its own data: a REDCap form saved as incomplete or
    /// unverified, or a calculated total that disagrees with the rules.
    DataQuality,
}

/// A raised flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Flag<'i> {
    /// The flag's name, as in the reference vocabulary.
    pub name: &'i str,
    /// The kind of rule that raised it.
    pub kind: FlagKind,
}

impl Flag<'_> {
    /// Whether a clinician must review this flag before anything else: a safety item
    /// (the definition's `safety_items`) endorsed or unanswered.
    pub fn needs_safety_review(&self) -> bool {
        self.kind == FlagKind::Safety
    }
}

/// A flag reads as its name, so `flags == ["ITEM9_POSITIVE"]` says what a test means.
impl PartialEq<&str> for Flag<'_> {
    fn eq(&self, name: &&str) -> bool {
        self.name == *name
    }
}

impl Serialize for Flag<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name)
    }
}
