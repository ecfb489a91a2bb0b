//! The rules a definition must meet before anything is scored with it.
//!
//! `validate` collects every broken rule instead of stopping at the first, so a clinic
//! writing its own definition fixes the file in one pass. Each problem names the JSON path;
//! `parse` adds the line and column.

mod checks;

use std::collections::BTreeSet;

use super::raw::RawInstrument;
use super::{
    Algorithm, ExtraItem, Instrument, Item, Loinc, SafetyItem, Source, Subscale, Threshold,
};
use crate::error::DefinitionProblem;
use checks::{
    check_bands, check_change, check_criterion, check_identifier, check_item_list,
    check_item_number, check_loinc, check_presence, check_scale, is_flag_name,
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

pub(crate) fn validate(raw: RawInstrument) -> Result<Instrument, Vec<DefinitionProblem>> {
    let mut p = Problems(Vec::new());
    let _ = raw.schema; // editor metadata only

    check_identifier(
        &mut p,
        "id",
        &raw.id,
        "a lowercase id such as `phq9` (letters, digits, `_`)",
    );
    for (path, value) in [
        ("name", &raw.name),
        ("version", &raw.version),
        ("licence", &raw.licence),
        ("source.citation", &raw.source.citation),
    ] {
        p.check(
            !value.trim().is_empty(),
            || path.into(),
            || "expected text, found an empty string".into(),
        );
    }
    p.check(
        (1..=366).contains(&raw.recall_days),
        || "recall_days".into(),
        || {
            format!(
                "expected a recall period from 1 to 366 days, found {}",
                raw.recall_days
            )
        },
    );
    let loinc = raw.loinc.map_or_else(Loinc::default, |l| Loinc {
        panel: l.panel,
        total: l.total,
    });
    for (path, code) in [("loinc.panel", &loinc.panel), ("loinc.total", &loinc.total)] {
        check_loinc(&mut p, path, code.as_deref());
    }

    let scale = check_scale(&mut p, "scale", &raw.scale);
    let n = raw.items.len();
    p.check(
        (1..=MAX_ITEMS).contains(&n),
        || "items".into(),
        || format!("expected 1 to {MAX_ITEMS} items, found {n}"),
    );
    let items: Vec<Item> = raw
        .items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            p.check(
                item.number as usize == i + 1,
                || format!("items[{i}].number"),
                || {
                    format!(
                        "expected item number {} (items are listed in order from 1), found {}",
                        i + 1,
                        item.number
                    )
                },
            );
            p.check(
                !item.label.trim().is_empty(),
                || format!("items[{i}].label"),
                || "expected a short label, found an empty string".into(),
            );
            check_loinc(&mut p, &format!("items[{i}].loinc"), item.loinc.as_deref());
            Item {
                number: i + 1,
                label: item.label,
                text: item.text,
                loinc: item.loinc,
                reverse: item.reverse,
            }
        })
        .collect();

    let mut extra_ids = BTreeSet::new();
    let extra_items: Vec<ExtraItem> = raw
        .extra_items
        .into_iter()
        .enumerate()
        .map(|(i, extra)| {
            let path = format!("extra_items[{i}]");
            check_identifier(
                &mut p,
                &format!("{path}.id"),
                &extra.id,
                "a lowercase id such as `difficulty`",
            );
            p.check(
                extra_ids.insert(extra.id.clone()),
                || format!("{path}.id"),
                || format!("expected a unique id, found `{}` twice", extra.id),
            );
            let extra_scale = extra.scale.as_ref().map_or_else(
                || scale.clone(),
                |s| check_scale(&mut p, &format!("{path}.scale"), s),
            );
            check_loinc(&mut p, &format!("{path}.loinc"), extra.loinc.as_deref());
            ExtraItem {
                id: extra.id,
                label: extra.label,
                text: extra.text,
                loinc: extra.loinc,
                scale: extra_scale,
                note: extra.note,
            }
        })
        .collect();

    let max_missing = raw.missing.max_missing as usize;
    p.check(
        n == 0 || max_missing < n,
        || "missing.max_missing".into(),
        || format!("expected fewer missing items than the {n} items, found {max_missing}"),
    );

    // Capped at MAX_ITEMS above when valid; the cast only matters for a rejected definition.
    let n_u32 = u32::try_from(n).unwrap_or(u32::MAX);
    let total_min = u32::from(scale.min).saturating_mul(n_u32);
    let total_max = u32::from(scale.max).saturating_mul(n_u32);
    let bands = check_bands(&mut p, &raw.severity.bands, total_min, total_max);

    let mut flags = BTreeSet::new();
    let mut check_flag = |p: &mut Problems, path: String, flag: &str| {
        if !is_flag_name(flag) {
            p.push(
                path,
                format!("expected a flag name in SCREAMING_SNAKE_CASE, found `{flag}`"),
            );
        } else if RESERVED_FLAGS.contains(&flag) {
            p.push(path, format!("expected a flag name of this instrument's own, found `{flag}`, which the scorer raises itself"));
        } else if !flags.insert(flag.to_owned()) {
            p.push(
                path,
                format!("expected each flag to be defined once, found `{flag}` again"),
            );
        }
    };

    let thresholds = raw
        .thresholds
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            check_flag(&mut p, format!("thresholds[{i}].flag"), &t.flag);
            p.check(
                total_min < t.min_total && t.min_total <= total_max,
                || format!("thresholds[{i}].min_total"),
                || format!("expected a cut-off from {} to {total_max} (the total range is {total_min}-{total_max}), found {}", total_min.saturating_add(1), t.min_total),
            );
            if let Some(band_id) = &t.band {
                if let Some(band) = bands.iter().find(|b| &b.id == band_id) {
                    p.check(
                        band.min == t.min_total,
                        || format!("thresholds[{i}].min_total"),
                        || format!("expected {}, where band `{band_id}` starts (the cut-off and the band must move together), found {}", band.min, t.min_total),
                    );
                } else {
                    p.push(format!("thresholds[{i}].band"), format!("expected the id of a severity band, found `{band_id}`"));
                }
            }
            Threshold { flag: t.flag, min_total: t.min_total, note: t.note }
        })
        .collect();

    let mut safety_seen = BTreeSet::new();
    let safety_items: Vec<SafetyItem> = raw
        .safety_items
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let path = format!("safety_items[{i}]");
            check_item_number(&mut p, &format!("{path}.item"), s.item, n);
            p.check(
                safety_seen.insert(s.item),
                || format!("{path}.item"),
                || {
                    format!(
                        "expected each safety item once, found item {} again",
                        s.item
                    )
                },
            );
            p.check(
                scale.min < s.min_value && s.min_value <= scale.max,
                || format!("{path}.min_value"),
                || {
                    format!(
                        "expected an answer from {} to {}, found {}",
                        scale.min + 1,
                        scale.max,
                        s.min_value
                    )
                },
            );
            check_flag(&mut p, format!("{path}.positive_flag"), &s.positive_flag);
            check_flag(&mut p, format!("{path}.missing_flag"), &s.missing_flag);
            for (field, text) in [
                ("positive_notice", &s.positive_notice),
                ("missing_notice", &s.missing_notice),
            ] {
                p.check(
                    !text.trim().is_empty(),
                    || format!("{path}.{field}"),
                    || "expected the notice shown to the clinician, found an empty string".into(),
                );
            }
            SafetyItem {
                item: s.item as usize,
                min_value: s.min_value,
                positive_flag: s.positive_flag,
                missing_flag: s.missing_flag,
                positive_notice: s.positive_notice,
                missing_notice: s.missing_notice,
                note: s.note,
            }
        })
        .collect();

    let mut subscale_ids = BTreeSet::new();
    let subscales: Vec<Subscale> = raw
        .subscales
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let path = format!("subscales[{i}]");
            p.check(
                !s.id.is_empty() && s.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                || format!("{path}.id"),
                || {
                    format!(
                        "expected a short id of letters, digits or `_`, found `{}`",
                        s.id
                    )
                },
            );
            p.check(
                subscale_ids.insert(s.id.clone()),
                || format!("{path}.id"),
                || format!("expected a unique id, found `{}` twice", s.id),
            );
            let items = check_item_list(&mut p, &format!("{path}.items"), &s.items, n);
            Subscale {
                id: s.id,
                label: s.label,
                items: items.into_iter().map(|i| i + 1).collect(),
            }
        })
        .collect();

    p.check(
        raw.algorithms.len() <= MAX_CRITERIA,
        || "algorithms".into(),
        || {
            format!(
                "expected at most {MAX_CRITERIA} algorithms, found {}",
                raw.algorithms.len()
            )
        },
    );
    let algorithms: Vec<Algorithm> = raw
        .algorithms
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            let path = format!("algorithms[{i}]");
            check_flag(&mut p, format!("{path}.flag"), &a.flag);
            check_flag(
                &mut p,
                format!("{path}.indeterminate_flag"),
                &a.indeterminate_flag,
            );
            check_presence(&mut p, &format!("{path}.present_at"), a.present_at, &scale);
            let mut present_at = vec![a.present_at; n];
            let mut overridden = BTreeSet::new();
            for (j, o) in a.present_at_items.iter().enumerate() {
                let opath = format!("{path}.present_at_items[{j}]");
                if check_item_number(&mut p, &format!("{opath}.item"), o.item, n) {
                    present_at[o.item as usize - 1] = o.present_at;
                }
                p.check(
                    overridden.insert(o.item),
                    || format!("{opath}.item"),
                    || format!("expected each item once, found item {} again", o.item),
                );
                check_presence(&mut p, &format!("{opath}.present_at"), o.present_at, &scale);
            }
            p.check(
                (1..=MAX_CRITERIA).contains(&a.criteria.len()),
                || format!("{path}.criteria"),
                || {
                    format!(
                        "expected 1 to {MAX_CRITERIA} criteria, found {}",
                        a.criteria.len()
                    )
                },
            );
            let criteria = a
                .criteria
                .iter()
                .enumerate()
                .map(|(j, c)| {
                    check_criterion(&mut p, &format!("{path}.criteria[{j}]"), c, &subscales, n)
                })
                .collect();
            Algorithm {
                flag: a.flag,
                indeterminate_flag: a.indeterminate_flag,
                present_at,
                criteria,
                note: a.note,
            }
        })
        .collect();

    // A reverse-scored safety or symptom item would be read one way for the total and the
    // other way for the flag; no instrument needs that, so it is refused.
    for item in items.iter().filter(|item| item.reverse) {
        let in_safety = safety_items
            .iter()
            .any(|s: &SafetyItem| s.item == item.number);
        let in_algorithm = algorithms.iter().any(|a: &Algorithm| {
            a.criteria
                .iter()
                .any(|c| c.items.contains(&(item.number - 1)))
        });
        p.check(
            !in_safety && !in_algorithm,
            || format!("items[{}].reverse", item.number - 1),
            || {
                "expected `false` for an item used by a safety rule or an algorithm, found `true`"
                    .into()
            },
        );
    }

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
