//! What a REDCap field can be mapped to: an item, an extra item, the administration's date,
//! or REDCap's own calculated total of an instrument. The `@SYMSCORE=` action tag and the
//! mapping file name targets the same way, as the columns of a visits file are named.

use std::fmt::Write as _;

use crate::columns::column_owner;
use crate::instrument::Instrument;
use crate::registry::Registry;
use crate::shown_text::show_cell;

use super::error::RedcapErrorKind;

/// The date target's name.
pub(crate) const DATE: &str = "date";
/// The suffix of a total target: `phq9_total`.
const TOTAL_SUFFIX: &str = "_total";

/// A resolved mapping target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// Scored item `index` (0-based) of an instrument.
    Item { instrument: String, index: usize },
    /// Extra item `index` (0-based, in `extra_items`) of an instrument.
    Extra { instrument: String, index: usize },
    /// REDCap's calculated total of an instrument.
    Total { instrument: String },
    /// The administration's date.
    Date,
}

impl Target {
    /// Reads `text` (trimmed; names match exactly, letter case included, as item columns do).
    pub(crate) fn parse(
        text: &str,
        registry: &Registry,
    ) -> Result<Target, (RedcapErrorKind, String)> {
        let text = text.trim();
        if text == DATE {
            return Ok(Target::Date);
        }
        // Items and extra items first: an extra item called `total` is that item.
        if let Some(instrument) = column_owner(registry, text) {
            if let Some(index) =
                (1..=instrument.item_count()).find(|&n| instrument.item_column(n) == text)
            {
                return Ok(Target::Item {
                    instrument: instrument.id.clone(),
                    index: index - 1,
                });
            }
            if let Some(index) = instrument
                .extra_items
                .iter()
                .position(|e| instrument.extra_column(e) == text)
            {
                return Ok(Target::Extra {
                    instrument: instrument.id.clone(),
                    index,
                });
            }
        }
        if let Some(id) = text.strip_suffix(TOTAL_SUFFIX)
            && registry.get(id).is_some()
        {
            return Ok(Target::Total {
                instrument: id.to_owned(),
            });
        }
        let expected = "expected an item (`phq9_3`), an extra item (`phq9_difficulty`), `date` or an instrument's total (`phq9_total`)";
        if text.is_empty() {
            return Err((
                RedcapErrorKind::BadTarget,
                format!("{expected}, found nothing"),
            ));
        }
        // The longest id that prefixes the text: the instrument the user meant.
        let meant = registry
            .iter()
            .filter(|i| {
                text.strip_prefix(i.id.as_str())
                    .is_some_and(|rest| rest.starts_with('_'))
            })
            .max_by_key(|i| i.id.len());
        match meant {
            Some(instrument) => Err((
                RedcapErrorKind::UnknownItem,
                format!(
                    "`{}` is not an item of `{}`: {}",
                    show_cell(text),
                    instrument.id,
                    items_of(instrument)
                ),
            )),
            None => Err((
                RedcapErrorKind::UnknownInstrument,
                format!(
                    "`{}` names no known instrument's item; {expected}, of one of the instruments {}",
                    show_cell(text),
                    registry.ids()
                ),
            )),
        }
    }

    /// The instrument the target belongs to; `None` for the date.
    pub(crate) fn instrument(&self) -> Option<&str> {
        match self {
            Target::Item { instrument, .. }
            | Target::Extra { instrument, .. }
            | Target::Total { instrument } => Some(instrument),
            Target::Date => None,
        }
    }

    /// The target as a mapping names it: `phq9_3`, `phq9_difficulty`, `phq9_total`, `date`.
    pub(crate) fn name(&self, registry: &Registry) -> String {
        let get = |id: &str| registry.get(id).expect("targets name registry instruments");
        match self {
            Target::Item { instrument, index } => get(instrument).item_column(index + 1),
            Target::Extra { instrument, index } => {
                let instrument = get(instrument);
                instrument.extra_column(&instrument.extra_items[*index])
            }
            Target::Total { instrument } => format!("{instrument}{TOTAL_SUFFIX}"),
            Target::Date => DATE.to_owned(),
        }
    }
}

/// An instrument's targets, for messages: "its items are `phq9_1` to `phq9_9`, its extra
/// item `phq9_difficulty` and its total `phq9_total`".
pub(crate) fn items_of(instrument: &Instrument) -> String {
    let mut text = format!(
        "its items are `{}` to `{}`",
        instrument.item_column(1),
        instrument.item_column(instrument.item_count())
    );
    for extra in &instrument.extra_items {
        let _ = write!(text, ", extra item `{}`", instrument.extra_column(extra));
    }
    let _ = write!(text, " and total `{}{TOTAL_SUFFIX}`", instrument.id);
    text
}

/// The `@SYMSCORE=` targets in a field annotation, in order. Other action tags and text
/// around them are left alone (`@HIDDEN @SYMSCORE=phq9_3 @READONLY`). The tag's name is
/// matched in any letter case, as REDCap matches its own tags; the value may be quoted.
/// A tag without a value gives an empty target, which [`Target::parse`] refuses.
pub(crate) fn annotation_targets(annotation: &str) -> Vec<String> {
    const TAG: &str = "@symscore";
    let lower = annotation.to_ascii_lowercase();
    let mut targets = Vec::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find(TAG) {
        let start = from + found;
        let after = start + TAG.len();
        from = after;
        let starts_token = annotation[..start]
            .chars()
            .next_back()
            .is_none_or(char::is_whitespace);
        let ends_name = annotation[after..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'));
        if !starts_token || !ends_name {
            continue;
        }
        let rest = annotation[after..].trim_start();
        let Some(value) = rest.strip_prefix('=') else {
            targets.push(String::new());
            continue;
        };
        let value = value.trim_start();
        let target = match value.chars().next() {
            Some(quote @ ('"' | '\'')) => value[1..].split(quote).next().unwrap_or(""),
            _ => value.split(char::is_whitespace).next().unwrap_or(""),
        };
        targets.push(target.to_owned());
    }
    targets
}

#[cfg(test)]
mod tests {
    use super::annotation_targets;

    #[test]
    fn only_the_symscore_action_tag_itself_gives_targets() {
        // `@SYMSCORE_OLD` and `@SYMSCORE-X` are other tags; `x@SYMSCORE` is not a tag.
        let annotation = "@HIDDEN @SYMSCORE_OLD=phq9_9 @SYMSCORE-X=phq9_7 x@SYMSCORE=phq9_8 @symscore = \"phq9_3\" @SYMSCORE='phq9_1' @READONLY";
        assert_eq!(annotation_targets(annotation), ["phq9_3", "phq9_1"]);
        // A tag without a value gives an empty target, for the caller to refuse.
        assert_eq!(annotation_targets("@SYMSCORE"), [""]);
        assert_eq!(annotation_targets("@SYMSCORE @HIDDEN"), [""]);
    }
}
