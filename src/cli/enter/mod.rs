//! `symscore enter`: one visit entered item by item, reviewed, scored, and saved with
//! `--append`.
//!
//! The order of events is what keeps data safe:
//!
//! 1. Every argument is checked (instruments, patient, date) and the visits file is read and
//!    checked before the first question, so a problem is reported before anyone types.
//! 2. The items are asked. `q`, Ctrl-C or the end of input abandon the visit; nothing has
//!    been written, so the file is exactly as it was.
//! 3. The review. Only an explicit confirmation (a typed `y`, or `--yes`) goes on; on the
//!    terminal nothing is preselected, so a stray Enter never saves.
//! 4. The row is saved (atomically, under a lock, synced to disk) and only then are the
//!    scores printed and success reported. If saving fails the answers are printed on
//!    standard error, so that they can be entered again. Once the row is in place it is
//!    reported as saved, whatever fails after: a directory that cannot be synced is a
//!    warning, and scores that cannot be written are an error that says the visit was saved.

mod review;
mod session;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use jiff::civil::Date;
use symscore::batch::DateFormat;
use symscore::instrument::Instrument;
use symscore::plural::noun;
use symscore::score::{SAFETY_MARK, SafetyCheck, is_not_administered};
use symscore::visits::{self, AppendOptions, Appended, Form, Visit};
use symscore::{Registry, ScoreRecord, score};

use super::ExitStatus;
use super::args::{EnterArgs, Format};
use super::output::{Output, check_append_target, resolve_format, use_color};
use super::prompt::{ANSWER_LINE_MAX, choose_prompter};
use super::render::RecordWriter;
use super::report::message;
use session::{Abandon, Outcome, Session};

/// The resolved command line.
#[derive(Debug)]
pub(super) struct EnterOptions<'r> {
    pub(super) instruments: Vec<&'r Instrument>,
    pub(super) patient_id: Option<String>,
    pub(super) date: Date,
    pub(super) append: Option<PathBuf>,
    pub(super) yes: bool,
    pub(super) format: Option<Format>,
    pub(super) output: Option<PathBuf>,
}

pub(crate) fn run(args: EnterArgs, registry: &Registry) -> anyhow::Result<ExitStatus> {
    // "Today" is read once, here, in the clinic's time zone (STYLE §6).
    let today = super::today::today();
    let options = resolve(args, registry, today)?;
    let check = match (&options.append, &options.patient_id) {
        (Some(path), Some(patient_id)) => {
            check_append_target(path)?;
            if let Some(output) = &options.output
                && same_file(path, output)
            {
                bail!(
                    "-o `{}` is the visits file given to --append; write the scores somewhere else",
                    output.display()
                );
            }
            let blank = Visit {
                patient_id: patient_id.clone(),
                date: options.date,
                forms: options.instruments.iter().map(|i| Form::blank(i)).collect(),
            };
            Some(
                visits::check_visit_file(path, &blank)
                    .with_context(|| format!("cannot save visits to `{}`", path.display()))?,
            )
        }
        _ => None,
    };
    // Opened before the questions so that a bad -o is reported before anyone types.
    // The answers come from standard input: a script of answers given with `<` is an input.
    let out = Output::open(
        options.output.as_deref(),
        &[options.append.as_deref(), Some(std::path::Path::new("-"))],
    )?;
    let to_terminal = out.is_terminal();
    let format = resolve_format(options.format, options.output.as_deref(), to_terminal);
    let color = use_color(to_terminal);

    let mut prompter = choose_prompter().context("cannot catch Ctrl-C for the entry")?;
    let mut session = Session::new(&options.instruments);
    let outcome = session.run(&mut *prompter, &options, check.as_ref())?;
    drop(prompter);
    if let Outcome::Abandoned(reason) = outcome {
        message(&abandoned_message(&reason, options.append.as_deref()));
        return Ok(match reason {
            Abandon::Interrupted => ExitStatus::Interrupted,
            Abandon::LineTooLong { .. } => ExitStatus::Error,
            _ => ExitStatus::Rejected,
        });
    }

    let appended = match (&options.append, &options.patient_id) {
        (Some(path), Some(patient_id)) => Some(save(path, patient_id, &options, &session)?),
        _ => None,
    };
    let written = write_scores(&options, &session, appended.as_ref(), format, out, color);
    let safety = match (written, &options.append, &appended) {
        (Ok(safety), _, _) => safety,
        // The visit is on disk: an error now must not read as "nothing saved", or the visit
        // would be entered twice.
        (Err(err), Some(path), Some(appended)) => {
            return Err(err.context(format!(
                "the visit WAS saved to `{}` line {}, but its scores could not be written; do not enter it again",
                path.display(),
                appended.line
            )));
        }
        (Err(err), _, _) => return Err(err),
    };
    for line in safety {
        message(&line);
    }
    Ok(ExitStatus::Success)
}

/// Prints the scored records as `score` does; returns the safety lines to show after them.
fn write_scores(
    options: &EnterOptions<'_>,
    session: &Session<'_>,
    appended: Option<&Appended>,
    format: Format,
    mut out: Output,
    color: bool,
) -> anyhow::Result<Vec<String>> {
    let mut writer = RecordWriter::new(format, &mut out, color);
    let mut safety = Vec::new();
    for form in &session.forms {
        if is_not_administered(&form.items) {
            continue;
        }
        let report = score(form.instrument, &form.items)?;
        for notice in report.safety.iter().filter_map(SafetyCheck::notice) {
            safety.push(format!(
                "{SAFETY_MARK} {}: {}",
                notice.heading(),
                notice.words()
            ));
        }
        writer.write(&ScoreRecord {
            patient_id: options.patient_id.clone(),
            date: Some(options.date),
            report,
            line: appended.map(|a| a.line),
        })?;
    }
    writer.finish()?;
    out.commit()?;
    Ok(safety)
}

/// Checks the arguments and turns them into options; every refusal here happens before the
/// first question.
fn resolve(args: EnterArgs, registry: &Registry, today: Date) -> anyhow::Result<EnterOptions<'_>> {
    let EnterArgs {
        instruments: ids,
        patient,
        date,
        allow_future,
        append,
        yes,
        output,
    } = args;
    let mut instruments: Vec<&Instrument> = Vec::new();
    for id in &ids {
        let instrument = registry.get(id).with_context(|| {
            format!(
                "unknown instrument `{id}`; expected one of {}",
                registry.ids()
            )
        })?;
        if instruments.iter().any(|i| i.id == instrument.id) {
            bail!("`{id}` is named twice; expected each instrument once per visit");
        }
        instruments.push(instrument);
    }
    let patient_id = match patient {
        None => None,
        Some(text) => {
            let trimmed = text.trim();
            if trimmed.is_empty() {
                bail!("--patient: expected a patient id, found a blank");
            }
            if trimmed.chars().any(char::is_control) {
                bail!(
                    "--patient: expected a patient id without control characters, found '{}'",
                    symscore::shown_text::show_cell(trimmed)
                );
            }
            Some(trimmed.to_owned())
        }
    };
    if append.is_some() && patient_id.is_none() {
        bail!("--append needs --patient: a saved visit must say whose it is");
    }
    let date = parse_date(&date, today)?;
    if date > today && !allow_future {
        bail!(
            "--date {date} is after today ({today}); expected a visit date on or before today (add --allow-future if it is deliberate)"
        );
    }
    Ok(EnterOptions {
        instruments,
        patient_id,
        date,
        append,
        yes,
        format: output.format,
        output: output.output,
    })
}

fn parse_date(text: &str, today: Date) -> anyhow::Result<Date> {
    let trimmed = text.trim();
    if trimmed.eq_ignore_ascii_case("today") {
        return Ok(today);
    }
    let iso_shape = trimmed.len() == 10
        && trimmed.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !iso_shape {
        bail!(
            "--date: expected YYYY-MM-DD or `today`, found '{}'",
            symscore::shown_text::show_cell(trimmed)
        );
    }
    DateFormat::Iso
        .parse(trimmed)
        .map_err(|problem| anyhow::anyhow!("--date: {problem}"))
}

fn abandoned_message(reason: &Abandon, append: Option<&Path>) -> String {
    let unchanged = match append {
        Some(path) => format!("nothing was saved; `{}` is unchanged", path.display()),
        None => "nothing was saved".to_owned(),
    };
    match reason {
        Abandon::Quit => format!("symscore: visit abandoned (q); {unchanged}"),
        Abandon::Declined => format!("symscore: not confirmed, visit abandoned; {unchanged}"),
        Abandon::EndOfInput { at: Some(at) } => format!(
            "symscore: input ended at {at}, before the last item was answered; visit abandoned, {unchanged}"
        ),
        Abandon::EndOfInput { at: None } => format!(
            "symscore: input ended at the review, before the visit was confirmed (piped input must send `y` after the answers to save); visit abandoned, {unchanged}"
        ),
        Abandon::Interrupted => format!("symscore: interrupted; visit abandoned, {unchanged}"),
        Abandon::LineTooLong { line } => format!(
            "error: <stdin>:{line}: expected an answer line of at most {ANSWER_LINE_MAX} bytes (line end included), found {ANSWER_LINE_MAX} bytes without a line end; visit abandoned, {unchanged}"
        ),
        Abandon::NothingToSave => {
            format!("symscore: every item was left blank; {unchanged}")
        }
    }
}

/// Whether two paths name the same file, existing or not (symbolic links followed).
fn same_file(a: &Path, b: &Path) -> bool {
    fn resolved(path: &Path) -> Option<PathBuf> {
        let absolute = std::path::absolute(path).ok()?;
        absolute.canonicalize().ok().or_else(|| {
            let parent = absolute.parent()?.canonicalize().ok()?;
            Some(parent.join(absolute.file_name()?))
        })
    }
    match (resolved(a), resolved(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}

/// What is said once the row is in place: that it is saved (always, first), then whether its
/// durability could not be confirmed.
fn saved_messages(path: &Path, appended: &Appended) -> Vec<String> {
    let mut text = format!(
        "symscore: saved the visit to `{}` line {}",
        path.display(),
        appended.line
    );
    if appended.created {
        text.push_str(" (new file)");
    } else if !appended.added_columns.is_empty() {
        let _ = write!(
            text,
            "; added {} {} to the header",
            noun(appended.added_columns.len(), "column"),
            appended.added_columns.join(", ")
        );
    }
    let mut lines = vec![text];
    if let Some(warning) = &appended.warning {
        lines.push(format!(
            "symscore: warning: the visit is saved, but {warning}"
        ));
    }
    lines
}

/// Saves the visit; on failure prints its answers so that nothing typed is lost.
fn save(
    path: &Path,
    patient_id: &str,
    options: &EnterOptions<'_>,
    session: &Session<'_>,
) -> anyhow::Result<Appended> {
    let visit = Visit {
        patient_id: patient_id.to_owned(),
        date: options.date,
        forms: session.forms.clone(),
    };
    match visits::append_visit(path, &visit, &AppendOptions::default()) {
        Ok(appended) => {
            for line in saved_messages(path, &appended) {
                message(&line);
            }
            Ok(appended)
        }
        Err(err) => {
            message(&format!(
                "symscore: the visit was NOT saved to `{}`. Its answers, to save by hand or enter again:",
                path.display()
            ));
            if let Ok(plan) = visits::plan_append("<answers>", None, &visit) {
                for line in String::from_utf8_lossy(&plan.bytes).lines() {
                    message(&format!("  {line}"));
                }
            }
            Err(err).with_context(|| format!("cannot save the visit to `{}`", path.display()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row renamed into place is saved: a failed directory sync is a warning after the
    /// "saved" line, never "NOT saved" (which would get the visit entered twice).
    #[test]
    fn a_durability_warning_still_reports_the_visit_saved() {
        let path = Path::new("visits.csv");
        let mut appended = Appended {
            line: 7,
            created: false,
            added_columns: Vec::new(),
            warning: None,
        };
        assert_eq!(
            saved_messages(path, &appended),
            ["symscore: saved the visit to `visits.csv` line 7"]
        );
        appended.warning = Some("the directory `.` could not be synced to disk (EIO)".into());
        let lines = saved_messages(path, &appended);
        assert_eq!(lines[0], "symscore: saved the visit to `visits.csv` line 7");
        assert_eq!(
            lines[1],
            "symscore: warning: the visit is saved, but the directory `.` could not be synced to disk (EIO)"
        );
        assert!(lines.iter().all(|line| !line.contains("NOT saved")));
    }

    #[test]
    fn arguments_are_checked_before_any_question() {
        let registry = Registry::builtin();
        let today = Date::new(2026, 5, 4).unwrap();
        let args = |extra: &[&str]| {
            use clap::Parser as _;
            let mut command_line = vec!["symscore", "enter"];
            command_line.extend_from_slice(extra);
            match crate::cli::args::Cli::parse_from(command_line).command {
                crate::cli::args::Command::Enter(args) => args,
                _ => unreachable!(),
            }
        };
        let error = |extra: &[&str]| {
            resolve(args(extra), &registry, today)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            error(&["phq9", "--date", "2026-05-05"]),
            "--date 2026-05-05 is after today (2026-05-04); expected a visit date on or before today (add --allow-future if it is deliberate)"
        );
        assert!(
            resolve(
                args(&["phq9", "--date", "2026-05-05", "--allow-future"]),
                &registry,
                today
            )
            .is_ok()
        );
        assert_eq!(
            error(&["phq9", "--date", "04/05/2026"]),
            "--date: expected YYYY-MM-DD or `today`, found '04/05/2026'"
        );
        assert!(error(&["phq9", "--date", "2026-02-30"]).contains("real calendar date"));
        assert_eq!(
            error(&["phq9", "--append", "v.csv"]),
            "--append needs --patient: a saved visit must say whose it is"
        );
        assert!(error(&["phq9", "gad7", "phq9"]).contains("named twice"));
        assert!(error(&["phq10"]).contains("unknown instrument `phq10`"));
        assert!(error(&["phq9", "--patient", " "]).contains("found a blank"));
        let resolved = resolve(args(&["phq9", "--patient", " P1 "]), &registry, today).unwrap();
        assert_eq!(resolved.patient_id.as_deref(), Some("P1"));
        assert_eq!(resolved.date, today);
    }
}
