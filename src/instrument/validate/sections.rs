//! The sections of a definition checked one by one, in file order, each adding what is
//! wrong to [`Problems`] and returning what it could build.

use std::collections::BTreeSet;

use super::checks::{
    check_criterion, check_identifier, check_item_list, check_item_number, check_loinc,
    check_presence, check_scale, is_flag_name,
};
use super::{MAX_CRITERIA, MAX_ITEMS, Problems, RESERVED_FLAGS};
use crate::instrument::raw::{
    RawAlgorithm, RawExtraItem, RawInstrument, RawItem, RawSafetyItem, RawSubscale, RawThreshold,
};
use crate::instrument::{
    Algorithm, Band, ExtraItem, Item, Loinc, SafetyItem, Scale, Subscale, Threshold,
};

/// The id, the descriptive texts, the recall period and the LOINC codes.
pub(super) fn check_description(p: &mut Problems, raw: &RawInstrument) -> Loinc {
    check_identifier(
        p,
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
    let loinc = raw.loinc.as_ref().map_or_else(Loinc::default, |l| Loinc {
        panel: l.panel.clone(),
        total: l.total.clone(),
    });
    for (path, code) in [("loinc.panel", &loinc.panel), ("loinc.total", &loinc.total)] {
        check_loinc(p, path, code.as_deref());
    }
    loinc
}

/// The scored items: how many, numbered in order, each with a label.
pub(super) fn check_items(p: &mut Problems, raw_items: Vec<RawItem>) -> Vec<Item> {
    let n = raw_items.len();
    p.check(
        (1..=MAX_ITEMS).contains(&n),
        || "items".into(),
        || format!("expected 1 to {MAX_ITEMS} items, found {n}"),
    );
    raw_items
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
            check_loinc(p, &format!("items[{i}].loinc"), item.loinc.as_deref());
            Item {
                number: i + 1,
                label: item.label,
                text: item.text,
                loinc: item.loinc,
                reverse: item.reverse,
            }
        })
        .collect()
}

/// The unscored extra items (`phq9_difficulty`), each on the instrument's scale unless it
/// has its own.
pub(super) fn check_extra_items(
    p: &mut Problems,
    raw_extra: Vec<RawExtraItem>,
    scale: &Scale,
) -> Vec<ExtraItem> {
    let mut extra_ids = BTreeSet::new();
    raw_extra
        .into_iter()
        .enumerate()
        .map(|(i, extra)| {
            let path = format!("extra_items[{i}]");
            check_identifier(
                p,
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
                |s| check_scale(p, &format!("{path}.scale"), s),
            );
            check_loinc(p, &format!("{path}.loinc"), extra.loinc.as_deref());
            ExtraItem {
                id: extra.id,
                label: extra.label,
                text: extra.text,
                loinc: extra.loinc,
                scale: extra_scale,
                note: extra.note,
            }
        })
        .collect()
}

/// The flag names defined so far: each must be `SCREAMING_SNAKE_CASE`, not one the scorer
/// raises itself, and defined once across thresholds, safety items and algorithms.
#[derive(Default)]
pub(super) struct FlagNames(BTreeSet<String>);

impl FlagNames {
    fn check(&mut self, p: &mut Problems, path: String, flag: &str) {
        if !is_flag_name(flag) {
            p.push(
                path,
                format!("expected a flag name in SCREAMING_SNAKE_CASE, found `{flag}`"),
            );
        } else if RESERVED_FLAGS.contains(&flag) {
            p.push(path, format!("expected a flag name of this instrument's own, found `{flag}`, which the scorer raises itself"));
        } else if !self.0.insert(flag.to_owned()) {
            p.push(
                path,
                format!("expected each flag to be defined once, found `{flag}` again"),
            );
        }
    }
}

/// The cut-offs on the total, each inside the total range, and at the start of the band it
/// names, if any.
pub(super) fn check_thresholds(
    p: &mut Problems,
    flags: &mut FlagNames,
    raw_thresholds: Vec<RawThreshold>,
    bands: &[Band],
    (total_min, total_max): (u32, u32),
) -> Vec<Threshold> {
    raw_thresholds
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            flags.check(p, format!("thresholds[{i}].flag"), &t.flag);
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
        .collect()
}

/// The safety items (§2.4): each item once, an endorsement threshold on the scale, its two
/// flags and the notices shown to the clinician.
pub(super) fn check_safety_items(
    p: &mut Problems,
    flags: &mut FlagNames,
    raw_safety: Vec<RawSafetyItem>,
    scale: &Scale,
    n: usize,
) -> Vec<SafetyItem> {
    let mut safety_seen = BTreeSet::new();
    raw_safety
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let path = format!("safety_items[{i}]");
            check_item_number(p, &format!("{path}.item"), s.item, n);
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
            flags.check(p, format!("{path}.positive_flag"), &s.positive_flag);
            flags.check(p, format!("{path}.missing_flag"), &s.missing_flag);
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
        .collect()
}

/// The subscales (PCL-5 clusters): unique ids and valid item lists.
pub(super) fn check_subscales(
    p: &mut Problems,
    raw_subscales: Vec<RawSubscale>,
    n: usize,
) -> Vec<Subscale> {
    let mut subscale_ids = BTreeSet::new();
    raw_subscales
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
            let items = check_item_list(p, &format!("{path}.items"), &s.items, n);
            Subscale {
                id: s.id,
                label: s.label,
                items: items.into_iter().map(|i| i + 1).collect(),
            }
        })
        .collect()
}

/// The symptom-count algorithms (§5.2): flags, presence thresholds and criteria.
pub(super) fn check_algorithms(
    p: &mut Problems,
    flags: &mut FlagNames,
    raw_algorithms: Vec<RawAlgorithm>,
    scale: &Scale,
    subscales: &[Subscale],
    n: usize,
) -> Vec<Algorithm> {
    p.check(
        raw_algorithms.len() <= MAX_CRITERIA,
        || "algorithms".into(),
        || {
            format!(
                "expected at most {MAX_CRITERIA} algorithms, found {}",
                raw_algorithms.len()
            )
        },
    );
    raw_algorithms
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            let path = format!("algorithms[{i}]");
            flags.check(p, format!("{path}.flag"), &a.flag);
            flags.check(
                p,
                format!("{path}.indeterminate_flag"),
                &a.indeterminate_flag,
            );
            check_presence(p, &format!("{path}.present_at"), a.present_at, scale);
            let mut present_at = vec![a.present_at; n];
            let mut overridden = BTreeSet::new();
            for (j, o) in a.present_at_items.iter().enumerate() {
                let opath = format!("{path}.present_at_items[{j}]");
                if check_item_number(p, &format!("{opath}.item"), o.item, n) {
                    present_at[o.item as usize - 1] = o.present_at;
                }
                p.check(
                    overridden.insert(o.item),
                    || format!("{opath}.item"),
                    || format!("expected each item once, found item {} again", o.item),
                );
                check_presence(p, &format!("{opath}.present_at"), o.present_at, scale);
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
                .map(|(j, c)| check_criterion(p, &format!("{path}.criteria[{j}]"), c, subscales, n))
                .collect();
            Algorithm {
                flag: a.flag,
                indeterminate_flag: a.indeterminate_flag,
                present_at,
                criteria,
                note: a.note,
            }
        })
        .collect()
}

/// A reverse-scored item may not feed a safety rule or an algorithm.
pub(super) fn check_reverse_items(
    p: &mut Problems,
    items: &[Item],
    safety_items: &[SafetyItem],
    algorithms: &[Algorithm],
) {
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
}

#[cfg(test)]
mod tests;
