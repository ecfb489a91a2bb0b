//! `trend`'s numeric options: the window length and the `--param` overrides.

use std::collections::BTreeMap;

use anyhow::bail;
use symscore::Registry;
use symscore::instrument::ChangeParams;

/// `42` → 42 days, `6w` → 42 days, `10d` → 10 days.
pub(super) fn parse_window(text: &str) -> anyhow::Result<u32> {
    let text = text.trim();
    let (number, unit) = match text.strip_suffix(['w', 'W']) {
        Some(n) => (n, 7),
        None => (text.strip_suffix(['d', 'D']).unwrap_or(text), 1),
    };
    match plain_number(number).and_then(|n| n.checked_mul(unit)) {
        Some(days) if (1..=366).contains(&days) => Ok(days),
        _ => bail!(
            "--window expects days (`42`) or weeks (`6w`), from 1 day to a year; found `{text}`"
        ),
    }
}

/// A whole number written with ASCII digits only, as answers are read: `+3`, `٣` or `3.5`
/// is not a parameter value, however Rust's integer parser would take it.
fn plain_number(text: &str) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Each instrument's change parameters after `--param ID.NAME=VALUE` overrides.
pub(super) fn resolve_params(
    registry: &Registry,
    overrides: &[String],
) -> anyhow::Result<BTreeMap<String, ChangeParams>> {
    let mut params: BTreeMap<String, ChangeParams> = registry
        .iter()
        .map(|i| (i.id.clone(), i.change.clone()))
        .collect();
    for item in overrides {
        let parsed = item
            .split_once('=')
            .and_then(|(key, value)| Some((key.split_once('.')?, plain_number(value)?)));
        let Some(((id, name), value)) = parsed else {
            bail!(
                "--param expects ID.NAME=VALUE with a whole number, such as `pcl5.reliable_change=15`; found `{item}`"
            );
        };
        let targets: Vec<String> = if id == "*" {
            params.keys().cloned().collect()
        } else if params.contains_key(id) {
            vec![id.to_owned()]
        } else {
            bail!(
                "--param `{item}`: expected an instrument id ({}) or `*`, found `{id}`",
                registry.ids()
            );
        };
        for target in targets {
            let instrument = registry.get(&target).expect("listed above");
            let p = params.get_mut(&target).expect("listed above");
            let (min, max) = (instrument.total_min(), instrument.total_max());
            let (field, lo, hi) = match name {
                "reliable_change" => (&mut p.reliable_change, 1, max - min),
                "mcid" => (&mut p.mcid, 1, max - min),
                "target" => (&mut p.target, min + 1, max),
                "caseness" => (&mut p.caseness, min + 1, max),
                "response_pct" => (&mut p.response_pct, 1, 100),
                "points" => (&mut p.plateau.points, 2, 52),
                "min_span_days" => (&mut p.plateau.min_span_days, 0, 366),
                "min_days_since_dose" => (&mut p.plateau.min_days_since_dose, 0, 366),
                "horizon_days" => (&mut p.plateau.horizon_days, 1, 366),
                other => bail!(
                    "--param `{item}`: expected a parameter name (reliable_change, mcid, target, caseness, response_pct, points, min_span_days, min_days_since_dose, horizon_days), found `{other}`"
                ),
            };
            if !(lo..=hi).contains(&value) {
                bail!(
                    "--param `{item}`: expected a value from {lo} to {hi} for `{target}`, found {value}"
                );
            }
            *field = value;
        }
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::{parse_window, plain_number};

    #[test]
    fn windows_in_days_or_weeks() {
        assert_eq!(parse_window("42").unwrap(), 42);
        assert_eq!(parse_window("6w").unwrap(), 42);
        assert_eq!(parse_window("10d").unwrap(), 10);
        assert!(parse_window("0").is_err());
        assert!(parse_window("six weeks").is_err());
        // A sign is not a digit, and a product past u32 is an error, not an overflow.
        assert!(parse_window("+6w").is_err());
        assert!(parse_window("999999999w").is_err());
        assert!(parse_window("4294967295w").is_err());
    }

    #[test]
    fn parameter_values_are_plain_digits() {
        assert_eq!(plain_number("3"), Some(3));
        assert_eq!(plain_number(" 12 "), Some(12));
        for text in ["+3", "-3", "3.0", "", " ", "\u{663}", "99999999999"] {
            assert_eq!(plain_number(text), None, "{text:?}");
        }
    }
}
