//! Working out, from a CSV header, which columns hold what.
//!
//! Every decision about column names happens here, once per file: the column renames,
//! the patient and date columns, and which instruments are present. A header naming some
//! but not all of an instrument's items is an error, because scoring it would be a silent
//! partial sum.

use std::collections::BTreeMap;

use crate::columns::{
    AmbiguousColumn, Columns, DATE_COLUMN, instrument_columns, item_number, list_names,
};
use crate::error::{HeaderProblem, RenameProblem};
use crate::instrument::Instrument;
use crate::plural::noun;
use crate::registry::Registry;

/// Where one instrument's columns are.
#[derive(Debug, Clone)]
pub(crate) struct InstrumentColumns<'i> {
    pub(crate) instrument: &'i Instrument,
    /// Field index of each scored item, in item order.
    pub(crate) items: Vec<usize>,
    /// Field index of each extra item found, with its index in `instrument.extra_items`.
    pub(crate) extras: Vec<(usize, usize)>,
}

/// The resolved layout of the input.
#[derive(Debug, Clone)]
pub(crate) struct ColumnPlan<'i> {
    /// Column names after the renames, for messages.
    pub(crate) names: Vec<String>,
    pub(crate) patient: usize,
    pub(crate) date: Option<usize>,
    pub(crate) instruments: Vec<InstrumentColumns<'i>>,
    /// Instruments left out by `only` (`-i`) that have safety items and every item column in
    /// the header: not scored, but their safety items are still looked at on every row, so
    /// that narrowing the output never hides an endorsed or unknown safety answer.
    pub(crate) safety_only: Vec<InstrumentColumns<'i>>,
    /// Columns whose name differs only in letter case from a column symscore reads
    /// (`GAD7_1` for `gad7_1`, `Date` for `date`), each with the name it would have to have:
    /// ignored, as names are matched exactly, and worth telling the user about.
    pub(crate) case_mismatched: Vec<(String, String)>,
    /// Columns named like an item of a planned instrument that it does not have.
    pub(crate) ignored: Vec<String>,
}

/// What the header must provide.
pub(crate) struct HeaderRequest<'a> {
    pub(crate) patient_column: &'a str,
    /// `Some` when the user named a date column: then it must exist.
    pub(crate) date_column: Option<&'a str>,
    pub(crate) date_required: bool,
    pub(crate) renames: &'a [(String, String)],
    /// Restrict to these instrument ids; empty means every instrument in the registry.
    pub(crate) only: &'a [String],
}

/// Why a header does not fit, and the message that says so.
pub(crate) type Problem = (HeaderProblem, String);

pub(crate) fn plan_columns<'i>(
    header: &[String],
    registry: &'i Registry,
    request: &HeaderRequest<'_>,
) -> Result<ColumnPlan<'i>, Problem> {
    let names = apply_renames(header, request.renames)?;
    let columns = Columns::new(&names);
    let find = |name: &str| {
        columns
            .find(name)
            .map_err(|ambiguous| ambiguous_problem(&ambiguous))
    };

    let patient = find(request.patient_column)?.ok_or_else(|| {
        if let [only] = names.as_slice()
            && let Some(delimiter) = [';', '\t', '|'].into_iter().find(|d| only.contains(*d))
        {
            return (
                HeaderProblem::LooksDelimited { delimiter },
                format!(
                    "expected several columns, found one named `{only}`; the file looks {}-delimited",
                    shown_delimiter(delimiter)
                ),
            );
        }
        (
            HeaderProblem::NoPatientColumn,
            format!(
                "expected a patient id column `{}`, found {} {}",
                request.patient_column,
                noun(names.len(), "column"),
                list_names(&names)
            ),
        )
    })?;
    let date = match request.date_column {
        Some(name) => Some(find(name)?.ok_or_else(|| {
            let found = list_names(&names);
            (
                HeaderProblem::NoNamedDateColumn {
                    name: name.to_owned(),
                    found: found.clone(),
                },
                format!(
                    "expected the date column `{name}`, found {} {found}",
                    noun(names.len(), "column")
                ),
            )
        })?),
        None => find(DATE_COLUMN)?,
    };
    if request.date_required && date.is_none() {
        return Err((
            HeaderProblem::NoDateColumn,
            format!(
                "expected a date column `{DATE_COLUMN}`, found {} {}",
                noun(names.len(), "column"),
                list_names(&names)
            ),
        ));
    }

    let mut instruments = Vec::new();
    let mut safety_only = Vec::new();
    for instrument in registry.iter() {
        if !request.only.is_empty() && !request.only.contains(&instrument.id) {
            if let Some(items) = complete_items(instrument, &find)?
                && !instrument.safety_items.is_empty()
            {
                safety_only.push(InstrumentColumns {
                    instrument,
                    items,
                    extras: Vec::new(),
                });
            }
            continue;
        }
        let lookup = columns
            .instrument(instrument)
            .map_err(|ambiguous| ambiguous_problem(&ambiguous))?;
        let items: Vec<usize> = lookup.items.iter().flatten().copied().collect();
        let absent: Vec<String> = (1..=instrument.item_count())
            .zip(&lookup.items)
            .filter(|(_, index)| index.is_none())
            .map(|(number, _)| instrument.item_column(number))
            .collect();
        let extras: Vec<(usize, usize)> = lookup
            .extras
            .iter()
            .enumerate()
            .filter_map(|(extra_index, index)| Some(((*index)?, extra_index)))
            .collect();
        if items.is_empty() && extras.is_empty() {
            if request.only.contains(&instrument.id) {
                return Err((
                    HeaderProblem::IncompleteInstrument,
                    format!(
                        "expected the item columns of `{}` ({}…), found none of them",
                        instrument.id,
                        instrument.item_column(1)
                    ),
                ));
            }
            continue;
        }
        if !absent.is_empty() {
            return Err((
                HeaderProblem::IncompleteInstrument,
                format!(
                    "`{}` needs all {} item columns; missing {} (scoring the others would be a partial sum)",
                    instrument.id,
                    instrument.item_count(),
                    absent
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        instruments.push(InstrumentColumns {
            instrument,
            items,
            extras,
        });
    }
    if instruments.is_empty() {
        return Err((
            HeaderProblem::NoInstrumentColumns,
            format!(
                "expected item columns of an instrument ({}), such as `phq9_1`…`phq9_9`, found columns {}",
                registry.ids(),
                list_names(&names)
            ),
        ));
    }
    let ignored = names
        .iter()
        .filter(|name| {
            instruments.iter().any(|c| {
                item_number(c.instrument, name)
                    .is_some_and(|n| n == 0 || n > c.instrument.item_count())
            })
        })
        .cloned()
        .collect();
    let case_mismatched = case_mismatched(&names, registry);
    Ok(ColumnPlan {
        names,
        patient,
        date,
        instruments,
        safety_only,
        case_mismatched,
        ignored,
    })
}

/// The columns of `names` that match a column symscore reads (an item or extra-item column
/// of any instrument in the registry, or `date`) only when letter case is ignored.
fn case_mismatched(names: &[String], registry: &Registry) -> Vec<(String, String)> {
    let mut known: BTreeMap<String, String> = BTreeMap::new();
    let mut add = |column: String| {
        known.insert(column.to_lowercase(), column);
    };
    add(DATE_COLUMN.to_owned());
    for instrument in registry.iter() {
        instrument_columns(instrument)
            .into_iter()
            .for_each(&mut add);
    }
    names
        .iter()
        .filter_map(|name| {
            let expected = known.get(&name.to_lowercase())?;
            (expected != name && !names.contains(expected))
                .then(|| (name.clone(), expected.clone()))
        })
        .collect()
}

/// The field index of every item column of `instrument`, or `None` when one is missing.
fn complete_items(
    instrument: &Instrument,
    find: &impl Fn(&str) -> Result<Option<usize>, Problem>,
) -> Result<Option<Vec<usize>>, Problem> {
    let mut items = Vec::with_capacity(instrument.item_count());
    for number in 1..=instrument.item_count() {
        match find(&instrument.item_column(number))? {
            Some(index) => items.push(index),
            None => return Ok(None),
        }
    }
    Ok(Some(items))
}

fn apply_renames(header: &[String], renames: &[(String, String)]) -> Result<Vec<String>, Problem> {
    let mut names = header.to_vec();
    let mut targets: BTreeMap<&str, &str> = BTreeMap::new();
    let mut sources: BTreeMap<&str, &str> = BTreeMap::new();
    for (source, target) in renames {
        let problem = if let Some(previous) = sources.insert(source, target) {
            RenameProblem::SourceTwice {
                source: source.clone(),
                first: previous.to_owned(),
                second: target.clone(),
            }
        } else if header.iter().filter(|h| *h == source).count() > 1 {
            RenameProblem::SourceRepeated {
                source: source.clone(),
            }
        } else if let Some(previous) = targets.insert(target, source) {
            RenameProblem::TargetTwice {
                first: previous.to_owned(),
                second: source.clone(),
                target: target.clone(),
            }
        } else if let Some(index) = header.iter().position(|h| h == source) {
            if header.iter().any(|h| h == target) && source != target {
                RenameProblem::TargetExists {
                    source: source.clone(),
                    target: target.clone(),
                }
            } else {
                names[index].clone_from(target);
                continue;
            }
        } else {
            RenameProblem::SourceAbsent {
                source: source.clone(),
                found: list_names(header),
            }
        };
        let message = rename_message(&problem);
        return Err((HeaderProblem::Rename(problem), message));
    }
    Ok(names)
}

/// What is wrong with the renames, in the library's words (which name no flag).
fn rename_message(problem: &RenameProblem) -> String {
    match problem {
        RenameProblem::SourceTwice {
            source,
            first,
            second,
        } => format!(
            "column `{source}` is renamed twice (to `{first}` and to `{second}`); expected each source once"
        ),
        RenameProblem::SourceRepeated { source } => {
            format!("the renamed column `{source}` appears more than once in the header")
        }
        RenameProblem::TargetTwice {
            first,
            second,
            target,
        } => format!(
            "both `{first}` and `{second}` are renamed to `{target}`; expected each target once"
        ),
        RenameProblem::SourceAbsent { source, found } => {
            format!("the renamed column `{source}` is not in the header (columns {found})")
        }
        RenameProblem::TargetExists { source, target } => format!(
            "`{source}` is renamed to `{target}`, but the header already has a `{target}` column"
        ),
    }
}

/// A delimiter as messages show it: `tab`, or the character in quotes.
pub fn shown_delimiter(delimiter: char) -> String {
    if delimiter == '\t' {
        "tab".to_owned()
    } else {
        format!("'{delimiter}'")
    }
}

/// A name more than one column has, in the library's words.
fn ambiguous_problem(ambiguous: &AmbiguousColumn) -> Problem {
    (
        HeaderProblem::AmbiguousColumn,
        format!(
            "expected one column named `{}`, found {} (columns {})",
            ambiguous.name,
            ambiguous.indices.len(),
            ambiguous.numbers()
        ),
    )
}
