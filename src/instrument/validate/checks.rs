//! The checks of single fields and sections of a definition, each adding what is wrong to
//! [`Problems`](super::Problems) and returning what it could build.

use std::collections::BTreeSet;

use super::{MAX_ANSWER, Problems};
use crate::instrument::change_bounds::CHANGE_FIELDS;
use crate::instrument::raw::{RawBand, RawChange, RawCriterion, RawScale};
use crate::instrument::{
    Anchor, Band, ChangeParams, Criterion, PlateauParams, RciParams, Scale, Subscale,
};

pub(super) fn check_identifier(p: &mut Problems, path: &str, value: &str, expected: &str) {
    let ok = value.len() <= 32
        && value.starts_with(|c: char| c.is_ascii_lowercase())
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    p.check(
        ok,
        || path.into(),
        || format!("expected {expected}, found `{value}`"),
    );
}

pub(super) fn is_flag_name(flag: &str) -> bool {
    flag.starts_with(|c: char| c.is_ascii_uppercase())
        && flag
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

pub(super) fn check_loinc(p: &mut Problems, path: &str, code: Option<&str>) {
    let Some(code) = code else { return };
    let ok = code.split_once('-').is_some_and(|(body, check)| {
        (1..=7).contains(&body.len())
            && body.bytes().all(|b| b.is_ascii_digit())
            && check.len() == 1
            && check.bytes().all(|b| b.is_ascii_digit())
    });
    p.check(
        ok,
        || path.into(),
        || format!("expected a LOINC code such as `44261-6`, found `{code}`"),
    );
}

pub(super) fn check_scale(p: &mut Problems, path: &str, raw: &RawScale) -> Scale {
    p.check(
        raw.min < raw.max && raw.max <= MAX_ANSWER,
        || format!("{path}.max"),
        || {
            format!(
                "expected a maximum above the minimum {} and at most {MAX_ANSWER}, found {}",
                raw.min, raw.max
            )
        },
    );
    let mut previous: Option<u8> = None;
    for (i, anchor) in raw.anchors.iter().enumerate() {
        p.check(
            raw.min <= anchor.value && anchor.value <= raw.max,
            || format!("{path}.anchors[{i}].value"),
            || {
                format!(
                    "expected an answer from {} to {}, found {}",
                    raw.min, raw.max, anchor.value
                )
            },
        );
        p.check(
            previous.is_none_or(|prev| anchor.value > prev),
            || format!("{path}.anchors[{i}].value"),
            || {
                format!(
                    "expected anchors in ascending order of value, found {} after {}",
                    anchor.value,
                    previous.unwrap_or_default()
                )
            },
        );
        p.check(
            !anchor.label.trim().is_empty(),
            || format!("{path}.anchors[{i}].label"),
            || "expected a label, found an empty string".into(),
        );
        previous = Some(anchor.value);
    }
    Scale {
        min: raw.min,
        max: raw.max,
        anchors: raw
            .anchors
            .iter()
            .map(|a| Anchor {
                value: a.value,
                label: a.label.clone(),
            })
            .collect(),
    }
}

pub(super) fn check_bands(
    p: &mut Problems,
    raw: &[RawBand],
    total_min: u32,
    total_max: u32,
) -> Vec<Band> {
    if raw.is_empty() {
        p.push(
            "severity.bands",
            format!(
                "expected severity bands covering the totals {total_min}-{total_max}, found none"
            ),
        );
        return Vec::new();
    }
    let mut ids = BTreeSet::new();
    let mut next_min = total_min;
    for (i, band) in raw.iter().enumerate() {
        let path = format!("severity.bands[{i}]");
        check_identifier(
            p,
            &format!("{path}.id"),
            &band.id,
            "a snake_case severity id such as `moderately_severe`",
        );
        p.check(
            band.id != "invalid",
            || format!("{path}.id"),
            || "expected a severity id other than `invalid`, which means no valid total".into(),
        );
        p.check(
            ids.insert(band.id.clone()),
            || format!("{path}.id"),
            || format!("expected a unique id, found `{}` twice", band.id),
        );
        if band.min != next_min {
            let why = if i == 0 {
                format!("the lowest possible total is {total_min}")
            } else {
                format!("the previous band ends at {}", raw[i - 1].max)
            };
            let what = if band.min < next_min {
                "overlap"
            } else {
                "gap"
            };
            p.push(
                format!("{path}.min"),
                format!("expected {next_min} ({why}), found {} ({what})", band.min),
            );
        }
        p.check(
            band.min <= band.max,
            || format!("{path}.max"),
            || {
                format!(
                    "expected a maximum of at least {}, found {}",
                    band.min, band.max
                )
            },
        );
        next_min = band.max.saturating_add(1);
    }
    let last = raw.len() - 1;
    p.check(
        raw[last].max == total_max,
        || format!("severity.bands[{last}].max"),
        || {
            format!(
                "expected {total_max} (the highest possible total), found {}",
                raw[last].max
            )
        },
    );
    raw.iter()
        .map(|b| Band {
            id: b.id.clone(),
            label: b.label.clone(),
            min: b.min,
            max: b.max,
        })
        .collect()
}

pub(super) fn check_item_number(p: &mut Problems, path: &str, number: u32, n: usize) -> bool {
    let ok = number >= 1 && number as usize <= n;
    p.check(
        ok,
        || path.into(),
        || format!("expected an item number from 1 to {n}, found {number}"),
    );
    ok
}

/// Checks a list of 1-based item numbers and returns the valid ones as 0-based indices.
pub(super) fn check_item_list(
    p: &mut Problems,
    path: &str,
    numbers: &[u32],
    n: usize,
) -> Vec<usize> {
    p.check(
        !numbers.is_empty(),
        || path.into(),
        || "expected at least one item number, found none".into(),
    );
    let mut seen = BTreeSet::new();
    let mut indices = Vec::new();
    for (i, &number) in numbers.iter().enumerate() {
        let item_path = format!("{path}[{i}]");
        if check_item_number(p, &item_path, number, n) {
            if seen.insert(number) {
                indices.push(number as usize - 1);
            } else {
                p.push(
                    item_path,
                    format!("expected each item once, found item {number} again"),
                );
            }
        }
    }
    indices
}

pub(super) fn check_presence(p: &mut Problems, path: &str, present_at: u8, scale: &Scale) {
    p.check(
        scale.min < present_at && present_at <= scale.max,
        || path.into(),
        || {
            format!(
                "expected an answer from {} to {}, found {present_at}",
                scale.min + 1,
                scale.max
            )
        },
    );
}

pub(super) fn check_criterion(
    p: &mut Problems,
    path: &str,
    raw: &RawCriterion,
    subscales: &[Subscale],
    n: usize,
) -> Criterion {
    let items = match (&raw.items, &raw.subscale) {
        (Some(numbers), None) => check_item_list(p, &format!("{path}.items"), numbers, n),
        (None, Some(id)) => {
            if let Some(s) = subscales.iter().find(|s| &s.id == id) {
                s.items.iter().map(|number| number - 1).collect()
            } else {
                p.push(
                    format!("{path}.subscale"),
                    format!("expected the id of a subscale, found `{id}`"),
                );
                Vec::new()
            }
        }
        _ => {
            p.push(path, "expected exactly one of `items` or `subscale`");
            Vec::new()
        }
    };
    let min_present = raw.min_present as usize;
    let max_present = raw.max_present.map(|m| m as usize);
    if !items.is_empty() {
        p.check(
            (1..=items.len()).contains(&min_present),
            || format!("{path}.min_present"),
            || {
                format!(
                    "expected 1 to {} (the criterion's item count), found {min_present}",
                    items.len()
                )
            },
        );
    }
    if let Some(max) = max_present {
        p.check(
            max >= min_present && max <= items.len(),
            || format!("{path}.max_present"),
            || format!("expected {min_present} to {}, found {max}", items.len()),
        );
    }
    Criterion {
        items,
        min_present,
        max_present,
    }
}

pub(super) fn check_change(
    p: &mut Problems,
    raw: &RawChange,
    total_min: u32,
    total_max: u32,
) -> ChangeParams {
    let plateau = &raw.plateau;
    let mut change = ChangeParams {
        reliable_change: raw.reliable_change,
        mcid: raw.mcid,
        target: raw.target,
        caseness: raw.caseness,
        response_pct: raw.response_pct,
        plateau: PlateauParams {
            points: plateau.points,
            min_span_days: plateau.min_span_days,
            min_days_since_dose: plateau.min_days_since_dose,
            horizon_days: plateau.horizon_days,
        },
        rci: None,
        note: raw.note.clone(),
    };
    // The same table bounds `trend`'s overrides: a definition holds no value a run could not.
    for field in CHANGE_FIELDS {
        let (range, value) = (field.range(total_min, total_max), field.get(&change));
        p.check(
            range.contains(&value),
            || field.json_path(),
            || format!("expected {}, found {value}", field.describe(&range)),
        );
    }
    let rci = raw.rci.as_ref().map(|r| {
        p.check(
            r.sd.is_finite() && r.sd > 0.0,
            || "change.rci.sd".into(),
            || format!("expected a positive standard deviation, found {}", r.sd),
        );
        p.check(
            r.reliability > 0.0 && r.reliability < 1.0,
            || "change.rci.reliability".into(),
            || {
                format!(
                    "expected a reliability strictly between 0 and 1, found {}",
                    r.reliability
                )
            },
        );
        RciParams {
            sd: r.sd,
            reliability: r.reliability,
        }
    });
    change.rci = rci;
    change
}

#[cfg(test)]
mod tests;
