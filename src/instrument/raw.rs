//! The definition file format exactly as written on disk.
//!
//! These structs only mirror the JSON; `validate` turns them into the checked
//! [`Instrument`](super::Instrument). `deny_unknown_fields` everywhere makes a typo such as
//! `"max_mising"` an error instead of a silently ignored field.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawInstrument {
    /// Editors use this to find the JSON Schema; scoring does not need it.
    #[serde(rename = "$schema", default)]
    pub(crate) schema: Option<String>,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) source: RawSource,
    pub(crate) licence: String,
    pub(crate) recall_days: u32,
    #[serde(default)]
    pub(crate) loinc: Option<RawLoinc>,
    pub(crate) scale: RawScale,
    pub(crate) items: Vec<RawItem>,
    #[serde(default)]
    pub(crate) extra_items: Vec<RawExtraItem>,
    pub(crate) missing: RawMissing,
    pub(crate) severity: RawSeverity,
    #[serde(default)]
    pub(crate) thresholds: Vec<RawThreshold>,
    #[serde(default)]
    pub(crate) safety_items: Vec<RawSafetyItem>,
    #[serde(default)]
    pub(crate) subscales: Vec<RawSubscale>,
    #[serde(default)]
    pub(crate) algorithms: Vec<RawAlgorithm>,
    pub(crate) change: RawChange,
    #[serde(default)]
    pub(crate) notes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSource {
    pub(crate) citation: String,
    #[serde(default)]
    pub(crate) reference: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLoinc {
    #[serde(default)]
    pub(crate) panel: Option<String>,
    #[serde(default)]
    pub(crate) total: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScale {
    pub(crate) min: u8,
    pub(crate) max: u8,
    #[serde(default)]
    pub(crate) anchors: Vec<RawAnchor>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAnchor {
    pub(crate) value: u8,
    pub(crate) label: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawItem {
    pub(crate) number: u32,
    pub(crate) label: String,
    #[serde(default)]
    pub(crate) text: Option<String>,
    #[serde(default)]
    pub(crate) loinc: Option<String>,
    #[serde(default)]
    pub(crate) reverse: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExtraItem {
    pub(crate) id: String,
    pub(crate) label: String,
    #[serde(default)]
    pub(crate) text: Option<String>,
    #[serde(default)]
    pub(crate) loinc: Option<String>,
    #[serde(default)]
    pub(crate) scale: Option<RawScale>,
    #[serde(default)]
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMissing {
    pub(crate) max_missing: u32,
    #[serde(default)]
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSeverity {
    pub(crate) bands: Vec<RawBand>,
    #[serde(default)]
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBand {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) min: u32,
    pub(crate) max: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawThreshold {
    pub(crate) flag: String,
    pub(crate) min_total: u32,
    /// A band whose lower edge must equal `min_total`, so a cut-off and the severity band
    /// that names it cannot drift apart when a clinic edits one of them.
    #[serde(default)]
    pub(crate) band: Option<String>,
    #[serde(default)]
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSafetyItem {
    pub(crate) item: u32,
    pub(crate) min_value: u8,
    pub(crate) positive_flag: String,
    pub(crate) missing_flag: String,
    pub(crate) positive_notice: String,
    pub(crate) missing_notice: String,
    #[serde(default)]
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSubscale {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) items: Vec<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAlgorithm {
    pub(crate) flag: String,
    pub(crate) indeterminate_flag: String,
    pub(crate) present_at: u8,
    #[serde(default)]
    pub(crate) present_at_items: Vec<RawPresentAt>,
    pub(crate) criteria: Vec<RawCriterion>,
    #[serde(default)]
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPresentAt {
    pub(crate) item: u32,
    pub(crate) present_at: u8,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCriterion {
    #[serde(default)]
    pub(crate) items: Option<Vec<u32>>,
    #[serde(default)]
    pub(crate) subscale: Option<String>,
    pub(crate) min_present: u32,
    #[serde(default)]
    pub(crate) max_present: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawChange {
    pub(crate) reliable_change: u32,
    pub(crate) mcid: u32,
    pub(crate) target: u32,
    pub(crate) caseness: u32,
    pub(crate) response_pct: u32,
    pub(crate) plateau: RawPlateau,
    #[serde(default)]
    pub(crate) rci: Option<RawRci>,
    #[serde(default)]
    pub(crate) note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPlateau {
    pub(crate) points: u32,
    pub(crate) min_span_days: u32,
    pub(crate) min_days_since_dose: u32,
    pub(crate) horizon_days: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRci {
    pub(crate) sd: f64,
    pub(crate) reliability: f64,
}
