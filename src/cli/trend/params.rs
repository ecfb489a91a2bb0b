//! `trend`'s numeric options: the window length and the `--param` overrides.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail};
use symscore::Registry;
use symscore::instrument::{CHANGE_FIELDS, ChangeParams};
use symscore::trend::{self, ParamError, plain_number};

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

/// Each instrument's change parameters after the `--param` overrides; a refusal is told in
/// terms of the flag.
pub(super) fn resolve_params(
    registry: &Registry,
    overrides: &[String],
) -> anyhow::Result<BTreeMap<String, ChangeParams>> {
    trend::resolve_params(registry, overrides).map_err(|err| match err {
        ParamError::Syntax { text } => anyhow!(
            "--param expects ID.NAME=VALUE with a whole number, such as `pcl5.reliable_change=15`; found `{text}`"
        ),
        ParamError::UnknownInstrument { text, id } => anyhow!(
            "--param `{text}`: expected an instrument id ({}) or `*`, found `{id}`",
            registry.ids()
        ),
        ParamError::UnknownName { text, name } => {
            let names: Vec<&str> = CHANGE_FIELDS.iter().map(|f| f.name()).collect();
            anyhow!(
                "--param `{text}`: expected a parameter name ({}), found `{name}`",
                names.join(", ")
            )
        }
        out_of_range @ ParamError::OutOfRange { .. } => anyhow!("--param {out_of_range}"),
    })
}

#[cfg(test)]
mod tests {
    use super::parse_window;

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
}
