//! Which instrument item a response item answers, and what number an answer is.

use std::collections::HashMap;

use super::{ResponseAnswer, ResponseItem};
use crate::fhir::{LOINC_SYSTEM, ORDINAL_VALUE_URL};
use crate::instrument::{Instrument, Scale};

/// The flag on a score from a response whose status is `in-progress`: its answers may still
/// change, but it is scored so that an endorsed safety item is never hidden.
pub const RESPONSE_IN_PROGRESS: &str = "RESPONSE_IN_PROGRESS";

/// LOINC answer list LL358-3 (PHQ-9 and GAD-7 "Not at all" … "Nearly every day"), code
/// and score: see the reference note on scoring, section 8.
pub const LA_ANSWER_CODES: [(&str, u8); 4] = [
    ("LA6568-5", 0),
    ("LA6569-3", 1),
    ("LA6570-1", 2),
    ("LA6571-9", 3),
];

/// LOINC panels whose items answer with list LL358-3: PHQ-9 and GAD-7.
const LL358_3_PANELS: [&str; 2] = ["44249-1", "69737-5"];

/// Where an answer goes: an instrument (its index in the registry) and one of its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Slot {
    pub(super) instrument: usize,
    pub(super) item: ItemSlot,
}

/// A scored item (0-based) or an unscored one (index into `extra_items`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum ItemSlot {
    Scored(usize),
    Extra(usize),
}

/// Every key a response may use for an instrument item. Sorted tables searched by binary
/// search rather than hash maps: a registry has a few hundred keys at most, and a lookup per
/// response item is the hot path of a large NDJSON export.
pub(super) struct ItemMap {
    by_loinc: Vec<(String, Slot)>,
    by_link_id: Vec<(String, Slot)>,
    /// The user's own link ids (`PHQ-9.1` → `phq9_1`), looked at before any link id the
    /// definitions give: a site's link ids are whatever its form builder wrote.
    renamed: Vec<(String, Slot)>,
    /// Where each instrument's items start in a dense numbering of every slot.
    first_dense: Vec<usize>,
    dense_count: usize,
}

/// A key table sorted for [`lookup`], each key kept by the first instrument to claim it.
fn sorted_table(claims: HashMap<String, Slot>) -> Vec<(String, Slot)> {
    let mut table: Vec<(String, Slot)> = claims.into_iter().collect();
    table.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    table
}

fn lookup<'t>(table: &'t [(String, Slot)], key: &str) -> Option<&'t Slot> {
    table
        .binary_search_by(|(k, _)| k.as_str().cmp(key))
        .ok()
        .map(|at| &table[at].1)
}

impl ItemMap {
    /// The keys of `instruments`, and the user's `renames` of link ids to item columns
    /// (`("PHQ-9.1", "phq9_1")`); a rename to a column no instrument has is refused.
    pub(super) fn new(
        instruments: &[&Instrument],
        renames: &[(String, String)],
    ) -> Result<Self, String> {
        let mut by_loinc = HashMap::new();
        let mut by_link_id = HashMap::new();
        let mut first_dense = Vec::with_capacity(instruments.len());
        let mut dense_count = 0;
        for (index, instrument) in instruments.iter().enumerate() {
            first_dense.push(dense_count);
            dense_count += instrument.item_count() + instrument.extra_items.len();
            let scored = instrument.items.iter().map(|item| {
                (
                    item.loinc.as_deref(),
                    instrument.item_column(item.number),
                    ItemSlot::Scored(item.number - 1),
                )
            });
            let extras = instrument.extra_items.iter().enumerate().map(|(e, extra)| {
                (
                    extra.loinc.as_deref(),
                    instrument.extra_column(extra),
                    ItemSlot::Extra(e),
                )
            });
            for (loinc, column, item) in scored.chain(extras) {
                let slot = Slot {
                    instrument: index,
                    item,
                };
                // The first instrument to claim a code keeps it, as in registry order.
                if let Some(code) = loinc {
                    by_loinc.entry(code.to_owned()).or_insert(slot);
                }
                by_link_id.entry(column).or_insert(slot);
            }
        }
        let mut user_link_ids = HashMap::new();
        for (link_id, column) in renames {
            let Some(&slot) = by_link_id.get(column) else {
                return Err(format!(
                    "the link id `{}` is mapped to `{}`, which is no item of a known instrument; expected an item column such as `phq9_1` (`symscore instruments show ID` lists them)",
                    crate::shown_text::show_cell(link_id),
                    crate::shown_text::show_cell(column)
                ));
            };
            if user_link_ids.insert(link_id.clone(), slot).is_some() {
                return Err(format!(
                    "the link id `{}` is mapped twice; expected one item for each link id",
                    crate::shown_text::show_cell(link_id)
                ));
            }
        }
        Ok(ItemMap {
            by_loinc: sorted_table(by_loinc),
            by_link_id: sorted_table(by_link_id),
            renamed: sorted_table(user_link_ids),
            first_dense,
            dense_count,
        })
    }

    /// How many slots there are over every instrument: the size of a table indexed by
    /// [`ItemMap::dense`].
    pub(super) fn dense_count(&self) -> usize {
        self.dense_count
    }

    /// A slot's number in a dense numbering of every instrument's items, scored then extra.
    pub(super) fn dense(&self, slot: Slot, instruments: &[&Instrument]) -> usize {
        let item = match slot.item {
            ItemSlot::Scored(n) => n,
            ItemSlot::Extra(e) => instruments[slot.instrument].item_count() + e,
        };
        self.first_dense[slot.instrument] + item
    }

    /// The item a response item answers: by its LOINC code first, then by its link id (one
    /// the user mapped, a LOINC code with or without a leading `/`, or a symscore column
    /// name).
    pub(super) fn slot(&self, item: &ResponseItem) -> Option<Slot> {
        let by_code = item
            .code
            .iter()
            .filter(|c| c.system.as_deref() == Some(LOINC_SYSTEM))
            .find_map(|c| {
                c.code
                    .as_deref()
                    .and_then(|code| lookup(&self.by_loinc, code))
            });
        if let Some(slot) = by_code {
            return Some(*slot);
        }
        let link_id = item.link_id.as_deref()?;
        if let Some(slot) = lookup(&self.renamed, link_id) {
            return Some(*slot);
        }
        let bare = link_id.strip_prefix('/').unwrap_or(link_id);
        lookup(&self.by_loinc, bare)
            .or_else(|| lookup(&self.by_link_id, link_id))
            .copied()
    }
}

/// The number an answer stands for on `scale`, or what is wrong with it.
pub(super) fn answer_value(
    answer: &ResponseAnswer,
    instrument: &Instrument,
    scale: &Scale,
) -> Result<u8, String> {
    let on_scale = |value: f64, what: &str| -> Result<u8, String> {
        let whole = value.fract() == 0.0;
        if whole && value >= f64::from(scale.min) && value <= f64::from(scale.max) {
            // Whole and within a u8 scale: the cast is exact.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            Ok(value as u8)
        } else {
            Err(format!(
                "expected an answer from {} to {}, found {what} {value}",
                scale.min, scale.max
            ))
        }
    };
    if let Some(coding) = &answer.value_coding {
        let ordinal = coding
            .extension
            .iter()
            .find(|e| e.url.as_deref() == Some(ORDINAL_VALUE_URL))
            .and_then(|e| e.value_decimal);
        if let Some(value) = ordinal {
            return on_scale(value, "ordinalValue");
        }
    }
    if let Some(value) = answer.value_integer {
        #[allow(clippy::cast_precision_loss)]
        return on_scale(value as f64, "valueInteger");
    }
    if let Some(value) = answer.value_decimal {
        return on_scale(value, "valueDecimal");
    }
    if let Some(coding) = &answer.value_coding {
        let code = coding.code.as_deref().unwrap_or_default();
        let answers_ll358_3 = instrument
            .loinc
            .panel
            .as_deref()
            .is_some_and(|panel| LL358_3_PANELS.contains(&panel));
        if answers_ll358_3
            && let Some(&(_, value)) = LA_ANSWER_CODES.iter().find(|(la, _)| *la == code)
        {
            return on_scale(f64::from(value), "LOINC answer");
        }
        if let Ok(value) = code.parse::<u8>() {
            return on_scale(f64::from(value), "code");
        }
        return Err(format!(
            "expected an answer code with an ordinalValue, a LOINC answer of list LL358-3 or a number from {} to {}, found code '{}'",
            scale.min,
            scale.max,
            crate::shown_text::show_cell(code)
        ));
    }
    if let Some(text) = &answer.value_string {
        return match text.trim().parse::<u8>() {
            Ok(value) => on_scale(f64::from(value), "valueString"),
            Err(_) => Err(format!(
                "expected an answer from {} to {}, found valueString '{}'",
                scale.min,
                scale.max,
                crate::shown_text::show_cell(text)
            )),
        };
    }
    Err(format!(
        "expected valueCoding, valueInteger or valueDecimal from {} to {}, found no value",
        scale.min, scale.max
    ))
}
