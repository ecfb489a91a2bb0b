//! Instrument definitions: the checked, ready-to-score form of a definition file.
//!
//! A definition moves through three stages: text (`parse`), the raw serde mirror of the file
//! (`raw`), and the checked [`Instrument`] (`validate`). Every rule about what a definition
//! may say lives in `validate`; code that holds an `Instrument` never re-checks it.

mod builtin;
mod change_bounds;
mod directory;
mod locate;
mod parse;
mod raw;
mod validate;

pub(crate) use builtin::builtin_definitions;
pub use change_bounds::{CHANGE_FIELDS, ChangeField};
pub(crate) use directory::definition_files;
pub use parse::{load_definition_file, parse_definition};

/// One questionnaire: items, answer scale, scoring rules and change parameters.
///
/// Built only by [`parse_definition`], which guarantees the invariants documented on each
/// field (bands tile the total range exactly once, every referenced item exists, and so on).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Instrument {
    /// Short lowercase id, also the prefix of its CSV columns (`phq9` → `phq9_1`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Version of this definition, reported with every score.
    pub version: String,
    /// Where the instrument and its scoring rules come from.
    pub source: Source,
    /// Licence and copyright note to show whenever the instrument is rendered.
    pub licence: String,
    /// How many days the questions ask about (14 for "the last two weeks").
    pub recall_days: u32,
    /// LOINC codes, where known.
    pub loinc: Loinc,
    /// The answer scale shared by every scored item.
    pub scale: Scale,
    /// Scored items, numbered 1..=N in order.
    pub items: Vec<Item>,
    /// Unscored items recorded with the form (PHQ-9 difficulty question).
    pub extra_items: Vec<ExtraItem>,
    /// How many items may be blank before the total is invalid; up to this many are prorated.
    pub max_missing: usize,
    /// Why that limit was chosen.
    pub missing_note: Option<String>,
    /// Severity bands, ascending, covering every possible total exactly once.
    pub bands: Vec<Band>,
    /// Where the bands come from.
    pub severity_note: Option<String>,
    /// Flags raised when a valid total reaches a cut-off.
    pub thresholds: Vec<Threshold>,
    /// Items whose answer must always be surfaced (PHQ-9 item 9).
    pub safety_items: Vec<SafetyItem>,
    /// Sums of item groups (PCL-5 clusters B to E).
    pub subscales: Vec<Subscale>,
    /// Symptom-count rules (PHQ-9 major depressive syndrome, PCL-5 DSM-5 rule).
    pub algorithms: Vec<Algorithm>,
    /// Parameters for change over time.
    pub change: ChangeParams,
    /// Free-text notes from the definition.
    pub notes: Vec<String>,
}

impl Instrument {
    /// Number of scored items.
    pub fn item_count(&self) -> usize {
        self.items.len()
    }

    /// Lowest possible total.
    pub fn total_min(&self) -> u32 {
        u32::from(self.scale.min) * self.item_count_u32()
    }

    /// Highest possible total.
    pub fn total_max(&self) -> u32 {
        u32::from(self.scale.max) * self.item_count_u32()
    }

    fn item_count_u32(&self) -> u32 {
        u32::try_from(self.items.len()).expect("validation caps the item count at 100")
    }

    /// The band a valid total falls in.
    ///
    /// # Panics
    ///
    /// Never for a total within `total_min()..=total_max()`: validation guarantees the bands
    /// tile that range. A total outside it is a caller bug.
    pub fn band_for(&self, total: u32) -> &Band {
        self.bands
            .iter()
            .find(|band| band.min <= total && total <= band.max)
            .expect("validated bands cover every possible total")
    }

    /// The CSV column name of scored item `number` (1-based): `phq9_3`.
    pub fn item_column(&self, number: usize) -> String {
        format!("{}_{number}", self.id)
    }

    /// The CSV column name of an extra item: `phq9_difficulty`.
    pub fn extra_column(&self, extra: &ExtraItem) -> String {
        format!("{}_{}", self.id, extra.id)
    }

    /// The value an answer adds to the total, after reverse scoring.
    pub fn item_contribution(&self, index: usize, value: u8) -> u32 {
        if self.items[index].reverse {
            u32::from(self.scale.min) + u32::from(self.scale.max) - u32::from(value)
        } else {
            u32::from(value)
        }
    }
}

/// Bibliographic source of an instrument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Full citation.
    pub citation: String,
    /// Where in the clinical reference the scoring rules are documented.
    pub reference: Option<String>,
}

/// LOINC codes for the panel and its total score.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Loinc {
    /// Panel code.
    pub panel: Option<String>,
    /// Total score code.
    pub total: Option<String>,
}

/// An ordinal answer scale, `min..=max`, with optional anchor labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scale {
    /// Lowest answer.
    pub min: u8,
    /// Highest answer.
    pub max: u8,
    /// Labels for some or all values, ascending by value.
    pub anchors: Vec<Anchor>,
}

impl Scale {
    /// Whether `value` is an allowed answer.
    pub fn contains(&self, value: u8) -> bool {
        self.min <= value && value <= self.max
    }

    /// The anchor label of `value`, if the definition gives one.
    pub fn label(&self, value: u8) -> Option<&str> {
        self.anchors
            .iter()
            .find(|a| a.value == value)
            .map(|a| a.label.as_str())
    }
}

/// A labelled point on an answer scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The answer value.
    pub value: u8,
    /// What the respondent sees.
    pub label: String,
}

/// A scored item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// 1-based position.
    pub number: usize,
    /// A short paraphrase (not the published wording).
    pub label: String,
    /// Verbatim wording a clinic may supply under its own licence.
    pub text: Option<String>,
    /// LOINC code of the item.
    pub loinc: Option<String>,
    /// Whether the item is reverse scored (`min + max - answer`).
    pub reverse: bool,
}

/// An unscored item kept with the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraItem {
    /// Column suffix (`difficulty` → `phq9_difficulty`).
    pub id: String,
    /// Short paraphrase.
    pub label: String,
    /// Verbatim wording, if supplied.
    pub text: Option<String>,
    /// LOINC code.
    pub loinc: Option<String>,
    /// Its answer scale.
    pub scale: Scale,
    /// Why it is there.
    pub note: Option<String>,
}

/// A severity band `min..=max` of the total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    /// `snake_case` id used in output (`moderately_severe`).
    pub id: String,
    /// Display label.
    pub label: String,
    /// Lowest total in the band.
    pub min: u32,
    /// Highest total in the band.
    pub max: u32,
}

/// A flag raised when a valid total is at or above `min_total`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Threshold {
    /// Flag name (`CASENESS_PHQ9`).
    pub flag: String,
    /// The cut-off.
    pub min_total: u32,
    /// Source of the cut-off.
    pub note: Option<String>,
}

/// An item that must be surfaced whatever the total: answered at or above `min_value`,
/// or not usably answered at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafetyItem {
    /// 1-based item number.
    pub item: usize,
    /// The answer from which the item counts as endorsed.
    pub min_value: u8,
    /// Flag when endorsed.
    pub positive_flag: String,
    /// Flag when blank or unusable: status unknown, never "safe".
    pub missing_flag: String,
    /// What to tell the clinician when endorsed.
    pub positive_notice: String,
    /// What to tell the clinician when unknown.
    pub missing_notice: String,
    /// Source of the rule.
    pub note: Option<String>,
}

/// A sum over a group of items, reported only when every item of the group is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscale {
    /// Short id (`B`).
    pub id: String,
    /// Display label.
    pub label: String,
    /// 1-based item numbers.
    pub items: Vec<usize>,
}

/// A symptom-count rule: an item is a present symptom when its answer reaches its presence
/// threshold, and the rule holds when every criterion's count of present symptoms is in range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Algorithm {
    /// Flag when the rule holds for every completion of unknown items.
    pub flag: String,
    /// Flag when completions disagree.
    pub indeterminate_flag: String,
    /// Per item (0-based index), the answer from which it counts as present.
    pub present_at: Vec<u8>,
    /// All must hold.
    pub criteria: Vec<Criterion>,
    /// Source of the rule.
    pub note: Option<String>,
}

/// "Between `min_present` and `max_present` of these items are present."
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    /// 0-based item indices.
    pub items: Vec<usize>,
    /// Fewest present symptoms required.
    pub min_present: usize,
    /// Most present symptoms allowed, if bounded.
    pub max_present: Option<usize>,
}

impl Criterion {
    /// Whether a count of present symptoms satisfies this criterion.
    pub fn accepts(&self, present: usize) -> bool {
        present >= self.min_present && self.max_present.is_none_or(|max| present <= max)
    }
}

/// Per-instrument parameters for change over time (reference §6, §7.3).
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeParams {
    /// Points of change that count as reliable.
    pub reliable_change: u32,
    /// Minimal clinically important difference, in points.
    pub mcid: u32,
    /// A total below this is at target (remission).
    pub target: u32,
    /// A baseline at or above this is a clinical case.
    pub caseness: u32,
    /// Percentage reduction from baseline that counts as response.
    pub response_pct: u32,
    /// Plateau-rule parameters.
    pub plateau: PlateauParams,
    /// Reference-sample SD and reliability for the Jacobson–Truax RCI, when supplied.
    pub rci: Option<RciParams>,
    /// Sources.
    pub note: Option<String>,
}

/// Parameters of the plateau definitions (reference §7.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlateauParams {
    /// k: how many recent eligible administrations are examined.
    pub points: u32,
    /// D: fewest days those administrations must span.
    pub min_span_days: u32,
    /// E: fewest days since dosing at the latest administration.
    pub min_days_since_dose: u32,
    /// H: projection horizon of the slope rule.
    pub horizon_days: u32,
}

/// Reference-sample values for the Jacobson–Truax reliable change index (reference §6.1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RciParams {
    /// Baseline standard deviation of the reference sample.
    pub sd: f64,
    /// Test–retest reliability, strictly between 0 and 1.
    pub reliability: f64,
}
