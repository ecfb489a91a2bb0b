//! The man page: one page, `symscore.1`, with every command and every option.
//!
//! `clap_mangen` renders one command per page and lists subcommands by name only. With five
//! commands, one page that `/` searches whole (`man symscore`, then `/--dosing`) serves better
//! than a page per command as git and cargo have for their dozens, and installs as one file.
//! So each command (and each `instruments` and `generate` action) gets a subsection of
//! COMMANDS with its synopsis, description, options and the text after its `--help`,
//! assembled from `clap_mangen`'s own section renderers.

use std::io::{self, Write};

use clap::Command;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, roman};

use crate::cli::args::{EXAMPLES, EXIT_CODES};

/// What roff's writer puts before every piece it renders, so that `'` prints as an
/// apostrophe. The page needs it once, at its start.
const APOSTROPHE_PREAMBLE: &str = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";

/// The whole page, roff source.
pub(super) fn page(mut command: Command) -> io::Result<Vec<u8>> {
    // Built, the subcommands carry their full names (`symscore instruments list`) and the
    // global options.
    command.build();
    let top = Man::new(command.clone());
    let mut page = Vec::new();
    top.render_title(&mut page)?;
    for render in [
        Man::render_name_section,
        Man::render_synopsis_section,
        Man::render_description_section,
        Man::render_options_section,
    ] {
        page.write_all(piece(|w| render(&top, w))?.as_bytes())?;
    }
    section(&mut page, "COMMANDS", &[])?;
    for sub in commands(&command) {
        command_section(&mut page, sub)?;
    }
    section(&mut page, "EXAMPLES", &preformatted(EXAMPLES))?;
    section(&mut page, "EXIT STATUS", &preformatted(EXIT_CODES))?;
    section(&mut page, "ENVIRONMENT", &environment())?;
    page.write_all(piece(|w| top.render_version_section(w))?.as_bytes())?;
    let page = String::from_utf8(page).map_err(io::Error::other)?;
    Ok(ascii_only(&page).into_bytes())
}

/// The page with every character outside ASCII (`…`, `·`, `≥` in the help texts) written as
/// a roff named character, `\[u2026]`: man-db, groff and mandoc all read it, where raw UTF-8
/// depends on the renderer's input encoding and groff without preconv warns and drops it.
fn ascii_only(page: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(page.len());
    for c in page.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let _ = write!(out, "\\[u{:04X}]", u32::from(c));
        }
    }
    out
}

/// Every command below the top, depth first (`instruments`, then `instruments list` …),
/// without clap's `help` command, which has no options of its own to document.
fn commands(command: &Command) -> Vec<&Command> {
    let mut found = Vec::new();
    for sub in command.get_subcommands() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        found.push(sub);
        found.extend(commands(sub));
    }
    found
}

/// One command's subsection: `.SS symscore trend`, its synopsis, description, options and
/// the text after its long help (examples, statuses, exit status).
fn command_section(page: &mut Vec<u8>, command: &Command) -> io::Result<()> {
    let name = command.get_bin_name().unwrap_or_else(|| command.get_name());
    let mut heading = Roff::new();
    heading.control("SS", [name]);
    page.write_all(without_preamble(&heading.render()).as_bytes())?;
    // The global options are documented once, under OPTIONS, not in every command.
    let mut local = command.clone();
    let globals: Vec<_> = local
        .get_arguments()
        .filter(|arg| arg.is_global_set())
        .map(|arg| arg.get_id().clone())
        .collect();
    for id in globals {
        local = local.mut_arg(id, |arg| arg.hide(true));
    }
    let man = Man::new(local);
    for render in [
        Man::render_synopsis_section,
        Man::render_description_section,
        Man::render_options_section,
    ] {
        let text = piece(|w| render(&man, w))?;
        // Each renderer opens a section (`.SH OPTIONS`); here it is a part of the subsection.
        page.write_all(b".PP\n")?;
        for line in text.lines().filter(|line| !line.starts_with(".SH ")) {
            page.write_all(line.as_bytes())?;
            page.write_all(b"\n")?;
        }
    }
    if let Some(after) = command.get_after_long_help() {
        page.write_all(without_preamble(&help_text_roff(&after.to_string())).as_bytes())?;
    }
    Ok(())
}

/// A `.SH` section holding `body` (roff source).
fn section(page: &mut Vec<u8>, title: &str, body: &[u8]) -> io::Result<()> {
    let mut heading = Roff::new();
    heading.control("SH", [title]);
    page.write_all(without_preamble(&heading.render()).as_bytes())?;
    page.write_all(body)
}

/// The text after a `--help` (examples, tables of statuses, notes) for the page. The first
/// line, the `Examples:` or `Exit status:` heading of `--help`, is the section title here.
fn preformatted(text: &str) -> Vec<u8> {
    let body = text.split_once('\n').map_or("", |(_, rest)| rest);
    without_preamble(&help_text_roff(body)).as_bytes().to_vec()
}

/// Help text as roff: indented lines (commands, the rows of a table) kept line for line, as
/// roff would otherwise run them together; the prose between them left to roff to fill to
/// the reader's width; a blank line starts a paragraph.
fn help_text_roff(text: &str) -> String {
    let mut roff = Roff::new();
    roff.control("PP", []);
    let mut kept = false;
    for line in text.lines() {
        let indented = line.starts_with(' ');
        if indented != kept {
            roff.control(if indented { "nf" } else { "fi" }, []);
            kept = indented;
        }
        if line.trim().is_empty() {
            roff.control("PP", []);
        } else {
            roff.text([roman(line)]);
        }
    }
    if kept {
        roff.control("fi", []);
    }
    roff.render()
}

fn environment() -> Vec<u8> {
    let mut roff = Roff::new();
    roff.control("TP", [])
        .text([bold("SYMSCORE_INSTRUMENTS")])
        .text([roman(
            "Directory of extra instrument definitions, as --instruments-dir (which wins).",
        )])
        .control("TP", [])
        .text([bold("NO_COLOR")])
        .text([roman(
            "Set and not empty: results shown on a terminal are not coloured.",
        )]);
    without_preamble(&roff.render()).as_bytes().to_vec()
}

/// What `render` writes, without roff's preamble.
fn piece(render: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<String> {
    let mut out = Vec::new();
    render(&mut out)?;
    let text = String::from_utf8(out).map_err(io::Error::other)?;
    Ok(without_preamble(&text).to_owned())
}

fn without_preamble(text: &str) -> &str {
    text.strip_prefix(APOSTROPHE_PREAMBLE).unwrap_or(text)
}
