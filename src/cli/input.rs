//! The visits input every subcommand that reads a CSV shares: opening a file or standard
//! input, refusing an output that names the input, and turning the shared input flags into
//! the library's [`BatchOptions`]; plus the counts and warnings said about it.

use std::fs::File;
use std::io::{self, IsTerminal as _, Read};
use std::path::Path;

use anyhow::{Context as _, bail};
use symscore::batch::{BatchOptions, DateFormat};
use symscore::output_file::{Inputs, check_not_input};
use symscore::redcap::{Dictionary, Mapping, MappingFile};
use symscore::{MissingTokens, Registry};

use super::args::InputArgs;
use super::report::message;

/// An export with a header and no visits is almost always a wrong query or a failed export;
/// it must not look like success.
pub(crate) fn no_data_rows(source: &str, rows: u64) -> bool {
    if rows == 0 {
        message(&format!(
            "{source}:1: expected visit rows after the header, found none (an empty export?)"
        ));
    }
    rows == 0
}

/// The input stream and the name to use for it in messages.
pub(crate) fn open_input(
    path: Option<&Path>,
    output: Option<&Path>,
) -> anyhow::Result<(Box<dyn Read>, String)> {
    match path {
        None => stdin_input(),
        Some(p) if p == Path::new("-") => stdin_input(),
        Some(p) => {
            if let Some(out) = output {
                refuse_overwrite(p, out)?;
            }
            let file = File::open(p).with_context(|| format!("cannot open `{}`", p.display()))?;
            Ok((Box::new(file), p.display().to_string()))
        }
    }
}

fn stdin_input() -> anyhow::Result<(Box<dyn Read>, String)> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        // Waiting on a keyboard for CSV is never what the user meant.
        bail!("no input: give a CSV file, or pipe one in (`cat visits.csv | symscore score`)");
    }
    Ok((Box::new(stdin.lock()), "<stdin>".to_owned()))
}

/// Input files are never modified: `-o` may not name the input (by file identity, as every
/// `-o` is checked when it is opened; see [`Output::open`]).
pub(crate) fn refuse_overwrite(input: &Path, output: &Path) -> anyhow::Result<()> {
    let mut inputs = Inputs::default();
    inputs.file(input);
    Ok(check_not_input(output, &inputs)?)
}

pub(crate) fn missing_tokens(extra: &[String]) -> anyhow::Result<MissingTokens> {
    let mut tokens = MissingTokens::default();
    for token in extra {
        tokens.add(token).context("--na")?;
    }
    Ok(tokens)
}

/// Resolves the shared input flags into library options.
pub(crate) fn batch_options(
    args: InputArgs,
    only: Vec<String>,
    date_required: bool,
    registry: &Registry,
) -> anyhow::Result<BatchOptions> {
    let InputArgs {
        // Read by the caller, which opens the reader for it.
        input_format: _,
        patient_column,
        date_column,
        date_format,
        renames,
        na,
        delimiter,
        redcap_dictionary,
        redcap_mapping,
    } = args;
    let renames = renames
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((source, target))
                if !source.trim().is_empty()
                    && !target.trim().is_empty()
                    && !target.contains('=') =>
            {
                Ok((source.trim().to_owned(), target.trim().to_owned()))
            }
            _ => bail!("--map expects SRC=DEST, such as `DPQ010=phq9_1`; found `{pair}`"),
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut options = BatchOptions::default();
    options.patient_column = patient_column;
    options.date_column = date_column;
    options.date_required = date_required;
    options.date_format = match date_format {
        Some(layout) => check_date_layout(layout)?,
        None => DateFormat::Iso,
    };
    options.renames = renames;
    options.missing = missing_tokens(&na)?;
    options.delimiter = parse_delimiter(&delimiter)?;
    options.only = only;
    if let Some(dictionary) = redcap_dictionary {
        read_redcap_mapping(
            &dictionary,
            redcap_mapping.as_deref(),
            registry,
            &mut options,
        )?;
    }
    Ok(options)
}

/// Reads a REDCap data dictionary (and the user's mapping file), says on stderr what was
/// mapped by guess, and sets `options` to read the records export with that mapping.
fn read_redcap_mapping(
    dictionary: &Path,
    mapping: Option<&Path>,
    registry: &Registry,
    options: &mut BatchOptions,
) -> anyhow::Result<()> {
    let open =
        |path: &Path| File::open(path).with_context(|| format!("cannot open `{}`", path.display()));
    let dictionary_source = dictionary.display().to_string();
    let dictionary = Dictionary::read(open(dictionary)?, &dictionary_source)?;
    let mapping_file = match mapping {
        Some(path) => Some(MappingFile::read(open(path)?, &path.display().to_string())?),
        None => None,
    };
    // Every instrument is mapped, whatever -i says: one left out is still looked at for
    // its safety items.
    let mapping = Mapping::resolve(&dictionary, registry, mapping_file.as_ref(), &[])?;
    for notice in &mapping.notices {
        message(&format!("symscore: {dictionary_source}: {notice}"));
    }
    mapping.apply_to(&dictionary, options);
    Ok(())
}

/// A layout is checked once, up front: a broken one would otherwise reject every row.
pub(crate) fn check_date_layout(layout: String) -> anyhow::Result<DateFormat> {
    let probe = jiff::civil::date(2026, 11, 23);
    let written = jiff::fmt::strtime::format(layout.as_str(), probe)
        .map_err(|err| anyhow::anyhow!("--date-format `{layout}`: {err}"))?;
    let format = DateFormat::Strftime(layout);
    if format.parse(&written).ok() != Some(probe) {
        bail!(
            "--date-format `{}`: expected a layout with year, month and day such as `%d/%m/%Y`",
            match &format {
                DateFormat::Strftime(l) => l.as_str(),
                DateFormat::Iso => "",
            }
        );
    }
    Ok(format)
}

fn parse_delimiter(text: &str) -> anyhow::Result<u8> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if text.len() == 1 && text.is_ascii() && text != "\"" && text != "\n" => {
            Ok(text.as_bytes()[0])
        }
        _ => bail!("--delimiter expects one ASCII character or `tab`, found `{text}`"),
    }
}

/// Columns that look like items the instrument does not have (`gad7_8`) are ignored; say so.
pub(crate) fn warn_ignored_columns(source: &str, columns: &[String]) {
    for column in columns {
        message(&format!(
            "symscore: warning: {source}: column `{column}` looks like an item column, but its instrument has no such item; it is ignored"
        ));
    }
}

/// Names the columns that would be read if their letter case matched (`GAD7_1`), with the
/// `--map` that reads them.
pub(crate) fn warn_case_mismatched_columns(source: &str, columns: &[(String, String)]) {
    for (found, expected) in columns {
        message(&format!(
            "symscore: warning: {source}: column `{found}` is ignored: column names are matched exactly, and symscore reads `{expected}`; add --map '{found}={expected}' to read it"
        ));
    }
}
