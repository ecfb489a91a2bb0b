//! The rules a definition must meet before anything is scored with it.
//!
//! `validate` collects every broken rule instead of stopping at the first, so a clinic
//! writing its own definition fixes the file in one pass. Each problem names the JSON path;
//! `parse` adds the line and column.

mod checks;
mod plain_text;
mod sections;

use super::raw::RawInstrument;
use super::{Instrument, Source};
use crate::error::DefinitionProblem;
use crate::plural::count;
use checks::{check_bands, check_change, check_scale};
pub(crate) use plain_text::check_plain_text;
use sections::{
    FlagNames, check_algorithms, check_description, check_extra_items, check_items,
    check_reverse_items, check_safety_items, check_subscales, check_thresholds,
};

/// Flags the scorer raises itself; a definition may not reuse them.
const RESERVED_FLAGS: [&str; 3] = ["PRORATED", "INVALID_TOO_MANY_MISSING", "INVALID_VALUE"];
/// Kept small so totals stay far from overflow and enumeration in `score::algorithm` stays cheap.
const MAX_ITEMS: usize = 100;
const MAX_ANSWER: u8 = 100;
const MAX_CRITERIA: usize = 16;

struct Problems(Vec<DefinitionProblem>);

impl Problems {
    fn push(&mut self, json_path: impl Into<String>, message: impl Into<String>) {
        self.0.push(DefinitionProblem {
            json_path: json_path.into(),
            position: None,
            message: message.into(),
        });
    }

    fn check(
        &mut self,
        ok: bool,
        json_path: impl FnOnce() -> String,
        message: impl FnOnce() -> String,
    ) {
        if !ok {
            self.push(json_path(), message());
        }
    }
}

/// Checks `raw` section by section, in file order, and builds the instrument; every broken
/// rule is reported, in that order.
pub(crate) fn validate(raw: RawInstrument) -> Result<Instrument, Vec<DefinitionProblem>> {
    let mut p = Problems(Vec::new());
    let _ = raw.schema; // editor metadata only

    let loinc = check_description(&mut p, &raw);
    let scale = check_scale(&mut p, "scale", &raw.scale);
    let n = raw.items.len();
    let items = check_items(&mut p, raw.items);
    let extra_items = check_extra_items(&mut p, raw.extra_items, &scale);

    let max_missing = raw.missing.max_missing as usize;
    p.check(
        n == 0 || max_missing < n,
        || "missing.max_missing".into(),
        || {
            format!(
                "expected fewer missing items than the {}, found {max_missing}",
                count(n, "item")
            )
        },
    );

    // Capped at MAX_ITEMS above when valid; the cast only matters for a rejected definition.
    let n_u32 = u32::try_from(n).unwrap_or(u32::MAX);
    let total_min = u32::from(scale.min).saturating_mul(n_u32);
    let total_max = u32::from(scale.max).saturating_mul(n_u32);
    let bands = check_bands(&mut p, &raw.severity.bands, total_min, total_max);

    let mut flags = FlagNames::default();
    let thresholds = check_thresholds(
        &mut p,
        &mut flags,
        raw.thresholds,
        &bands,
        (total_min, total_max),
    );
    let safety_items = check_safety_items(&mut p, &mut flags, raw.safety_items, &scale, n);
    let subscales = check_subscales(&mut p, raw.subscales, n);
    let algorithms = check_algorithms(&mut p, &mut flags, raw.algorithms, &scale, &subscales, n);
    check_reverse_items(&mut p, &items, &safety_items, &algorithms);

    let change = check_change(&mut p, &raw.change, total_min, total_max);

    if !p.0.is_empty() {
        return Err(p.0);
    }
    Ok(Instrument {
        id: raw.id,
        name: raw.name,
        version: raw.version,
        source: Source {
            citation: raw.source.citation,
            reference: raw.source.reference,
        },
        licence: raw.licence,
        recall_days: raw.recall_days,
        loinc,
        scale,
        items,
        extra_items,
        max_missing,
        missing_note: raw.missing.note,
        bands,
        severity_note: raw.severity.note,
        thresholds,
        safety_items,
        subscales,
        algorithms,
        change,
        notes: raw.notes,
    })
}
