//! Change parameters for one run: each instrument's own, with overrides (`ID.NAME=VALUE`)
//! checked against the same bounds table as definition files.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use crate::instrument::{ChangeField, ChangeParams};
use crate::registry::Registry;

/// Why an override was refused; each kind carries the override's text as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// Not `ID.NAME=VALUE` with a whole number of ASCII digits.
    #[error(
        "expected ID.NAME=VALUE with a whole number, such as `pcl5.reliable_change=15`; found `{text}`"
    )]
    Syntax {
        /// The override.
        text: String,
    },
    /// The id is neither an instrument nor `*`.
    #[error("`{text}`: expected an instrument id or `*`, found `{id}`")]
    UnknownInstrument {
        /// The override.
        text: String,
        /// The id found.
        id: String,
    },
    /// The name is not a change parameter.
    #[error("`{text}`: expected a parameter name, found `{name}`")]
    UnknownName {
        /// The override.
        text: String,
        /// The name found.
        name: String,
    },
    /// The value is outside the parameter's range for this instrument.
    #[error("`{text}`: expected a value from {} to {} for `{instrument}`, found {value}", .range.start(), .range.end())]
    OutOfRange {
        /// The override.
        text: String,
        /// The instrument whose range it missed (one of all, for `*`).
        instrument: String,
        /// The values allowed.
        range: RangeInclusive<u32>,
        /// The value found.
        value: u32,
    },
}

/// Each instrument of `registry`, by id, with its change parameters after `overrides`
/// (`ID.NAME=VALUE`, `*` for every instrument), applied in order.
pub fn resolve_params(
    registry: &Registry,
    overrides: &[String],
) -> Result<BTreeMap<String, ChangeParams>, ParamError> {
    let mut params: BTreeMap<String, ChangeParams> = registry
        .iter()
        .map(|i| (i.id.clone(), i.change.clone()))
        .collect();
    for text in overrides {
        let parsed = text
            .split_once('=')
            .and_then(|(key, value)| Some((key.split_once('.')?, plain_number(value)?)));
        let Some(((id, name), value)) = parsed else {
            return Err(ParamError::Syntax { text: text.clone() });
        };
        let targets: Vec<String> = if id == "*" {
            params.keys().cloned().collect()
        } else if params.contains_key(id) {
            vec![id.to_owned()]
        } else {
            return Err(ParamError::UnknownInstrument {
                text: text.clone(),
                id: id.to_owned(),
            });
        };
        let Some(field) = ChangeField::from_name(name) else {
            return Err(ParamError::UnknownName {
                text: text.clone(),
                name: name.to_owned(),
            });
        };
        for target in targets {
            let instrument = registry.get(&target).expect("listed above");
            let range = field.range(instrument.total_min(), instrument.total_max());
            if !range.contains(&value) {
                return Err(ParamError::OutOfRange {
                    text: text.clone(),
                    instrument: target,
                    range,
                    value,
                });
            }
            field.set(params.get_mut(&target).expect("listed above"), value);
        }
    }
    Ok(params)
}

/// A whole number written with ASCII digits only, as answers are read: `+3`, `٣` or `3.5`
/// is not a parameter value, however Rust's integer parser would take it.
pub fn plain_number(text: &str) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::{ParamError, plain_number, resolve_params};
    use crate::Registry;

    fn resolve(overrides: &[&str]) -> Result<u32, ParamError> {
        let registry = Registry::builtin();
        let overrides: Vec<String> = overrides.iter().map(|s| (*s).to_owned()).collect();
        resolve_params(&registry, &overrides).map(|p| p["phq9"].plateau.horizon_days)
    }

    #[test]
    fn parameter_values_are_plain_digits() {
        assert_eq!(plain_number("3"), Some(3));
        assert_eq!(plain_number(" 12 "), Some(12));
        for text in ["+3", "-3", "3.0", "", " ", "\u{663}", "99999999999"] {
            assert_eq!(plain_number(text), None, "{text:?}");
        }
    }

    #[test]
    fn overrides_apply_in_order_within_the_table_bounds() {
        assert_eq!(resolve(&["*.horizon_days=366"]), Ok(366));
        assert_eq!(resolve(&["*.horizon_days=1", "phq9.horizon_days=9"]), Ok(9));
        // The table's lower bound: a projection over no days is refused, as in a definition.
        assert_eq!(
            resolve(&["phq9.horizon_days=0"]),
            Err(ParamError::OutOfRange {
                text: "phq9.horizon_days=0".into(),
                instrument: "phq9".into(),
                range: 1..=366,
                value: 0,
            })
        );
        // PHQ-9 totals span 27 points: an MCID of 27 is allowed, 28 is not.
        let registry = Registry::builtin();
        let ok = resolve_params(&registry, &["phq9.mcid=27".to_owned()]).unwrap();
        assert_eq!(ok["phq9"].mcid, 27);
        assert!(matches!(
            resolve(&["phq9.mcid=28"]),
            Err(ParamError::OutOfRange { value: 28, .. })
        ));
    }

    #[test]
    fn each_refusal_has_its_kind() {
        assert!(matches!(
            resolve(&["phq9.mcid"]),
            Err(ParamError::Syntax { .. })
        ));
        assert!(matches!(
            resolve(&["mcid=3"]),
            Err(ParamError::Syntax { .. })
        ));
        assert!(matches!(
            resolve(&["nosuch.mcid=3"]),
            Err(ParamError::UnknownInstrument { id, .. }) if id == "nosuch"
        ));
        assert!(matches!(
            resolve(&["*.k=3"]),
            Err(ParamError::UnknownName { name, .. }) if name == "k"
        ));
        // A library message names no command-line flag.
        let message = resolve(&["x"]).unwrap_err().to_string();
        assert!(!message.contains("--"), "{message}");
    }
}
