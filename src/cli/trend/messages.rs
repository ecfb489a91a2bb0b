//! What `trend` tells on standard error, and each patient's results written: the library's
//! events and totals ([`symscore::trend::RunTotals`]) in the words and order users read.

use std::io::Write;

use symscore::Instrument;
use symscore::plural::count;
use symscore::score::{Flag, SAFETY_MARK};
use symscore::trend::{
    NoTrendReason, OverviewRow, PatientResults, RowEvent, RunTotals, UncoveredPoint, WindowSummary,
};

use crate::cli::ExitStatus;
use crate::cli::input::no_data_rows;
use crate::cli::render::{TrendRow, TrendWriter, UncoveredRow, terminal_safe};
use crate::cli::report::message;

/// Tells a rejected cell, or a safety answer no trend holds (marked `!!`).
pub(crate) fn report_row_event(source: &str, event: &RowEvent<'_, '_>) {
    let (line, record, reason) = match event {
        RowEvent::Diagnostic(diagnostic) => {
            return message(&crate::cli::hints::diagnostic_text(diagnostic));
        }
        RowEvent::SafetyInNoTrend {
            line,
            record,
            reason,
        } => (line, record, reason),
    };
    let flags = safety_flag_names(&record.report.flags);
    let id = &record.report.instrument.id;
    let who = record
        .patient_id
        .as_deref()
        .map_or_else(|| "a row".to_owned(), |p| format!("patient `{p}`"));
    match reason {
        NoTrendReason::InstrumentLeftOut => {
            let when = record.date.map(|d| format!(" on {d}")).unwrap_or_default();
            message(&format!(
                "symscore: {SAFETY_MARK} {source}:{line}: {who}, {id}{when}: {flags} in no trend (`{id}` is left out with -i); follow it up as any safety flag",
            ));
        }
        NoTrendReason::NoPatientId | NoTrendReason::NoDate => {
            let missing = if *reason == NoTrendReason::NoDate {
                "no usable date"
            } else {
                "no patient id"
            };
            message(&format!(
                "symscore: {SAFETY_MARK} {source}:{line}: {who}, {id}: {flags} in no trend (the row has {missing}); follow it up as any safety flag",
            ));
        }
    }
}

/// Tells each same-day repeat of one patient's administrations.
pub(super) fn report_repeats(source: &str, results: &PatientResults<'_>) {
    let patient = results.patient_id;
    for repeat in results.trend.repeats() {
        let on_date = repeat
            .date
            .map(|date| format!(" on {date}"))
            .unwrap_or_default();
        message(&format!(
            "{source}:{}: `{}` for patient `{patient}`{on_date} repeats line {}; both are kept, and the later line counts as the later administration",
            repeat.line, repeat.instrument, repeat.earlier_line
        ));
    }
}

/// Tells, before an overview table, each row with safety answers before its current
/// course: they do not rank the row, and must not go unseen (`!!`, as any safety flag).
pub(super) fn report_earlier_safety(rows: &[OverviewRow]) {
    for row in rows {
        if let Some(earlier) = &row.earlier_safety {
            message(&format!(
                "symscore: {SAFETY_MARK} patient `{}`, {}: safety answers before the current course ({}); the full trend (without --overview) shows them",
                terminal_safe(&row.patient_id),
                row.instrument,
                terminal_safe(
                    earlier
                        .to_string()
                        .trim_start_matches(SAFETY_MARK)
                        .trim_start()
                ),
            ));
        }
    }
}

/// Writes one patient's summaries (only the flagged ones with `flagged_only`) and every
/// administration in no window (each with a safety flag also told with `!!`), after the
/// patient's repeated visits.
pub(super) fn write_patient<W: Write>(
    source: &str,
    results: &PatientResults<'_>,
    flagged_only: bool,
    writer: &mut TrendWriter<W>,
) -> anyhow::Result<()> {
    let patient = results.patient_id;
    let trend = &results.trend;
    report_repeats(source, results);
    for (instrument, windows) in &trend.windows {
        for summary in windows
            .iter()
            .filter(|s: &&WindowSummary<'_>| !flagged_only || s.is_flagged())
        {
            writer.write(&TrendRow {
                patient_id: patient,
                instrument,
                summary,
                places: results.places,
            })?;
        }
    }
    // Safety flags outside every window are never filtered out.
    for (instrument, points) in trend.uncovered() {
        for point in points {
            let safety = point.needs_safety_review();
            if safety {
                tell_safety_outside(source, patient, instrument, &point);
            }
            if flagged_only && !safety {
                continue;
            }
            writer.write_uncovered(&UncoveredRow {
                patient_id: patient,
                instrument,
                point: &point,
                places: results.places,
            })?;
        }
    }
    Ok(())
}

/// Tells, with `!!`, an administration in no window whose safety item needs review.
fn tell_safety_outside(
    source: &str,
    patient: &str,
    instrument: &Instrument,
    point: &UncoveredPoint<'_>,
) {
    message(&format!(
        "symscore: {SAFETY_MARK} {source}:{}: patient `{}`, {} on {}: {} outside every window ({}); follow it up as any safety flag",
        point.line,
        terminal_safe(patient),
        instrument.id,
        point.date,
        safety_flag_names(point.flags),
        point.status_reason
    ));
}

/// What `report` tells on stderr about one patient, as `trend` does: the same-day repeats,
/// and every administration in no window whose safety item needs review (the report draws
/// them too; the message is what a script or a terminal sees).
pub(crate) fn tell_patient(source: &str, results: &PatientResults<'_>) {
    report_repeats(source, results);
    for (instrument, points) in results.trend.uncovered() {
        for point in points.filter(UncoveredPoint::needs_safety_review) {
            tell_safety_outside(source, results.patient_id, instrument, &point);
        }
    }
}

/// Tells the run's totals and the patients asked for and never seen, and picks the exit
/// status: a `--fail-on` condition met (`fail_on_met`), else anything rejected, else success.
pub(crate) fn report_totals(
    source: &str,
    totals: &RunTotals,
    requested: &[String],
    flagged_only: bool,
    fail_on_met: bool,
) -> ExitStatus {
    let read = &totals.read;
    let empty = no_data_rows(source, read.rows);
    // A requested patient who never appears (a typo, the wrong file) is not success, as a
    // file without visit rows is not: a pipeline must not read it as nothing to review.
    let mut not_found = 0u64;
    for wanted in requested.iter().filter(|p| !totals.found(p)) {
        not_found += 1;
        message(&format!(
            "symscore: {source}: patient `{wanted}` has no scored visits"
        ));
    }
    // A FHIR input is counted in resources, and says how many were entered in error.
    let (unit, skipped_in_error) = match &totals.responses {
        None => ("row", String::new()),
        Some(responses) => (
            "resource",
            format!(
                ", {} entered-in-error (skipped)",
                responses.entered_in_error
            ),
        ),
    };
    message(&format!(
        "symscore: {source}: {} read ({} with rejected cells, {} not administered{}{skipped_in_error}); {}; {}, {} flagged{}",
        count(read.rows, unit),
        read.invalid,
        read.not_administered,
        if read.not_selected > 0 {
            format!(", {} of other patients skipped", read.not_selected)
        } else {
            String::new()
        },
        count(totals.patients, "patient"),
        count(totals.summaries, "summary"),
        totals.flagged,
        if flagged_only {
            " (only flagged ones written)"
        } else {
            ""
        }
    ));
    let c = totals.coverage;
    message(&format!(
        "symscore: {source}: {}: {} in a window, {} outside every window, {} of patients without a dosing date",
        count(c.in_window + c.outside + c.no_dosing, "administration"),
        c.in_window,
        c.outside,
        c.no_dosing
    ));
    if totals.unusable_rows > 0 {
        message(&format!(
            "symscore: {source}: {} no usable patient id or date and left out of every trend",
            if totals.unusable_rows == 1 {
                "1 row had".to_owned()
            } else {
                format!("{} rows had", totals.unusable_rows)
            }
        ));
    }
    let without = &totals.without_dosing;
    if !without.is_empty() {
        let shown: Vec<&str> = without.iter().take(20).map(String::as_str).collect();
        message(&format!(
            "symscore: {} visits but no dosing date, so no window: {}{}",
            if without.len() == 1 {
                "1 patient has".to_owned()
            } else {
                format!("{} patients have", without.len())
            },
            shown.join(", "),
            if without.len() > shown.len() {
                ", …"
            } else {
                ""
            }
        ));
    }
    if fail_on_met {
        ExitStatus::Condition
    } else if read.invalid > 0 || totals.repeats > 0 || empty || not_found > 0 {
        ExitStatus::Rejected
    } else {
        ExitStatus::Success
    }
}

/// The safety flags among `flags`, as listed after `!!` (`ITEM9_POSITIVE, …`); empty when
/// none needs review.
pub(crate) fn safety_flag_names(flags: &[Flag<'_>]) -> String {
    flags
        .iter()
        .filter(|f| f.needs_safety_review())
        .map(|f| f.name)
        .collect::<Vec<_>>()
        .join(", ")
}
