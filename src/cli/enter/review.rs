//! What the person entering sees besides the questions: the opening lines, each
//! instrument's heading and licence, and the review with every answer, total, severity,
//! flags, proration and safety notice.

use std::fmt::Write as _;

use symscore::instrument::Instrument;
use symscore::plural::count;
use symscore::score::{SAFETY_MARK, SafetyStatus, is_not_administered};
use symscore::visits::{FileCheck, Form};
use symscore::{Answer, ScoreReport, score};

use super::EnterOptions;
use super::session::changed_note;
use crate::cli::prompt::{answer_text, wrap};

pub(super) fn display_name(instrument: &Instrument) -> String {
    // `Patient Health Questionnaire-9 (PHQ-9)` → `PHQ-9`; otherwise the id.
    instrument
        .name
        .rsplit_once('(')
        .and_then(|(_, short)| short.strip_suffix(')'))
        .map_or_else(|| instrument.id.clone(), str::to_owned)
}

pub(super) fn intro(options: &EnterOptions<'_>, check: Option<&FileCheck<'_>>) -> String {
    let names: Vec<String> = options
        .instruments
        .iter()
        .map(|i| display_name(i))
        .collect();
    let mut text = format!(
        "Entering {} for patient {}, visit {}.",
        names.join(", "),
        options.patient_id.as_deref().unwrap_or("(none)"),
        options.date
    );
    match (&options.append, check) {
        (Some(path), Some(check)) if !check.exists => {
            let _ = write!(text, " Saving to `{}` (a new file).", shown_path(path));
        }
        (Some(path), Some(check)) if !check.added_columns.is_empty() => {
            let _ = write!(
                text,
                " Saving to `{}`; its header will gain {} ({}…).",
                shown_path(path),
                count(check.added_columns.len(), "column"),
                check.added_columns[0]
            );
        }
        (Some(path), _) => {
            let _ = write!(text, " Saving to `{}`.", shown_path(path));
        }
        (None, _) => text.push_str(" Nothing will be saved (no --append)."),
    }
    for warning in repeat_warnings(options, check) {
        text.push('\n');
        text.push_str(&warning);
    }
    text.push_str(
        "\nType each answer's number; Enter or s leaves an item blank, b goes back, ? helps, q abandons.\nAn item asked again keeps its answer on Enter; s blanks it.",
    );
    text
}

/// A file name as the prompts show it: its control and bidirectional characters escaped, as
/// every message shows them, so that a name cannot conceal the instructions that follow.
pub(super) fn shown_path(path: &std::path::Path) -> String {
    symscore::shown_text::show_cell(&path.display().to_string())
}

/// Warnings about earlier rows for the same patient, date and instrument.
pub(super) fn repeat_warnings(
    options: &EnterOptions<'_>,
    check: Option<&FileCheck<'_>>,
) -> Vec<String> {
    let (Some(path), Some(check)) = (&options.append, check) else {
        return Vec::new();
    };
    check
        .repeats
        .iter()
        .map(|repeat| {
            format!(
                "!! `{}` line {} already records {} for this patient on this date; saving adds a second administration, which `score` reports as repeated.",
                shown_path(path),
                repeat.earlier_line,
                repeat.instrument
            )
        })
        .collect()
}

/// The widest a licence line is written, for a wide terminal or none.
const LICENCE_WIDTH: usize = 88;

pub(super) fn instrument_intro(instrument: &Instrument) -> String {
    let mut text = format!(
        "\n== {}: {} about the last {} ==",
        instrument.name,
        count(instrument.item_count(), "item"),
        count(instrument.recall_days, "day")
    );
    // At most 88 columns, and within the terminal (or `COLUMNS`) with the indent.
    let width = crate::cli::render::table_width().map_or(LICENCE_WIDTH, |w| {
        w.saturating_sub(3).clamp(20, LICENCE_WIDTH)
    });
    for line in wrap(&instrument.licence, width) {
        let _ = write!(text, "\n   {line}");
    }
    text
}

pub(super) fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() > width {
        let mut cut: String = text.chars().take(width - 1).collect();
        cut.push('…');
        cut
    } else {
        text.to_owned()
    }
}

/// The review: every form, then warnings, then whether there is anything to save.
/// `changes` holds, per form and per question (items, then extras), the answer first given
/// where the answer now differs from it.
pub(super) fn review_text(
    forms: &[Form<'_>],
    changes: &[Vec<Option<Answer>>],
    options: &EnterOptions<'_>,
    warnings: &[String],
    can_save: bool,
) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "Review: patient {}, visit {}",
        options.patient_id.as_deref().unwrap_or("(none)"),
        options.date
    );
    for (form, changed) in forms.iter().zip(changes) {
        text.push('\n');
        review_form(&mut text, form, changed);
    }
    for warning in warnings {
        let _ = write!(text, "\n{warning}");
    }
    if !can_save {
        let _ = writeln!(
            text,
            "\nEvery item is blank: there is nothing to {}.",
            if options.append.is_some() {
                "save"
            } else {
                "score"
            }
        );
    }
    text.trim_end().to_owned()
}

/// One instrument's part of the review: every answer, total, severity, flags, proration.
fn review_form(text: &mut String, form: &Form<'_>, changed: &[Option<Answer>]) {
    let instrument = form.instrument;
    let _ = writeln!(
        text,
        "{} ({} {})",
        display_name(instrument),
        instrument.id,
        instrument.version
    );
    // The answer first, in a column, then the whole label: labels vary in length.
    let answers: Vec<String> = form
        .items
        .iter()
        .map(|a| answer_text(*a, &instrument.scale))
        .chain(
            form.extras
                .iter()
                .zip(&instrument.extra_items)
                .map(|(a, extra)| answer_text(*a, &extra.scale)),
        )
        .zip(changed.iter().chain(std::iter::repeat(&None)))
        .map(|(answer, first)| match first {
            Some(first) => answer + &changed_note(*first),
            None => answer,
        })
        .collect();
    let width = answers.iter().map(|a| a.chars().count()).max().unwrap_or(0);
    let labels = instrument
        .items
        .iter()
        .map(|item| (item.number.to_string(), item.label.as_str()))
        .chain(
            instrument
                .extra_items
                .iter()
                .map(|extra| ("+".to_owned(), extra.label.as_str())),
        );
    // A label wraps within the terminal (or `COLUMNS`) under its own column, so that no
    // word is cut at the screen's edge; with no width, or too little room, it stays whole.
    let label_column = width + 9;
    let label_width = crate::cli::render::table_width()
        .and_then(|w| w.checked_sub(label_column))
        .filter(|&w| w >= 20);
    for ((number, label), answer) in labels.zip(&answers) {
        let lines = label_width.map_or_else(|| vec![label.to_owned()], |w| wrap(label, w));
        let mut lines = lines.iter();
        let first = lines.next().map_or("", String::as_str);
        let _ = writeln!(text, "  {number:>3}  {answer:<width$}  {first}");
        for line in lines {
            let _ = writeln!(text, "{:label_column$}{line}", "");
        }
    }
    if is_not_administered(&form.items) {
        let _ = writeln!(
            text,
            "  Every item blank: recorded as not given at this visit."
        );
        return;
    }
    let report = score(instrument, &form.items).expect("one answer per item");
    let _ = writeln!(text, "  {}", total_line(&report));
    let flags: Vec<&str> = report.flags.iter().map(|f| f.name).collect();
    let _ = writeln!(
        text,
        "  Flags: {}",
        if flags.is_empty() {
            "none".to_owned()
        } else {
            flags.join(", ")
        }
    );
    if !report.subscales.is_empty() {
        let _ = writeln!(
            text,
            "  Subscales: {} (— = a blank item; never prorated)",
            report.subscale_summary(" ", "—")
        );
    }
    for check in &report.safety {
        if let Some(notice) = check.notice() {
            let _ = writeln!(text, "  {SAFETY_MARK} {}", notice.heading());
            for line in wrap(notice.words(), 72) {
                let _ = writeln!(text, "  {SAFETY_MARK} {line}");
            }
        } else if let SafetyStatus::NotEndorsed(value) = check.status {
            // Reference §2.4: a zero is "not endorsed on this form", never "safe".
            let label = instrument
                .scale
                .label(value)
                .map_or_else(String::new, |l| format!(" ({l})"));
            let _ = writeln!(
                text,
                "  Item {} answered {value}{label}: not endorsed on this form. A questionnaire is not a risk assessment.",
                check.item.item,
            );
        }
    }
}

fn total_line(report: &ScoreReport<'_>) -> String {
    let instrument = report.instrument;
    match (report.total, report.total_exact) {
        (Some(total), Some(exact)) if report.is_prorated() => format!(
            "Total {total} of {} (prorated from {} of {}: {:.1}, rounded half up) · severity {}",
            instrument.total_max(),
            report.answered,
            count(instrument.item_count(), "item"),
            exact.to_f64(),
            report.severity.id()
        ),
        (Some(total), _) => format!(
            "Total {total} of {} · severity {}",
            instrument.total_max(),
            report.severity.id()
        ),
        (None, _) => format!(
            "Total: none. {} blank; at most {} can be prorated · severity invalid",
            count(report.missing, "item"),
            instrument.max_missing
        ),
    }
}
