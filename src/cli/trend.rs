//! `symscore trend`: per patient × instrument × dosing change and plateau summaries, and
//! every administration no window covers.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;

use anyhow::Context as _;
use symscore::Registry;
use symscore::batch::{BatchReader, DateFormat, DosingSchedule, RowOutcome, read_dosing};
use symscore::instrument::{ChangeParams, Instrument};
use symscore::record::ScoreRecord;
use symscore::score::Flag;
use symscore::trend::{
    Administration, Condition, Dosing, PlateauRule, TrendOptions, Uncovered, analyze_patient,
};

mod input;
mod params;

use input::{between_passes_hook, open_visits};
use params::{parse_window, resolve_params};

use super::ExitStatus;
use super::args::{PlateauRuleArg, TrendArgs};
use super::input::{
    batch_options, check_date_layout, count, no_data_rows, warn_case_mismatched_columns,
    warn_ignored_columns,
};
use super::output::{Output, resolve_format, use_color};
use super::render::{TrendRow, TrendWriter, UncoveredRow, terminal_safe};
use super::report::message;

/// A patient id with, per planned instrument, that patient's administrations.
type PatientVisits<'i> = (String, Vec<Vec<Administration<'i>>>);

pub(crate) fn run(args: TrendArgs, registry: &Registry) -> anyhow::Result<ExitStatus> {
    let TrendArgs {
        input,
        dosing,
        dosing_date,
        patients,
        instruments,
        window,
        baseline_days,
        plateau_rule,
        params,
        flagged_only,
        fail_on,
        input_options,
        output,
    } = args;
    let date_format = match input_options.date_format.clone() {
        Some(layout) => check_date_layout(layout)?,
        None => DateFormat::Iso,
    };
    let mut options = TrendOptions::default();
    options.rule = match plateau_rule {
        PlateauRuleArg::Band => PlateauRule::Band,
        PlateauRuleArg::Slope => PlateauRule::Slope,
    };
    options.window_days = parse_window(&window)?;
    options.baseline_days = baseline_days;
    let change_params = resolve_params(registry, &params)?;
    let common_dosing = dosing_date
        .map(|text| {
            date_format.parse(text.trim()).map_err(|m| {
                anyhow::anyhow!("--dosing-date: {m}{}", super::hints::date_hint(m.kind()))
            })
        })
        .transpose()?;
    let schedule: Option<DosingSchedule> = match &dosing {
        Some(path) => {
            let file =
                File::open(path).with_context(|| format!("cannot open `{}`", path.display()))?;
            Some(read_dosing(
                file,
                &path.display().to_string(),
                &date_format,
                registry,
            )?)
        }
        None => None,
    };

    let mut batch_options = batch_options(input_options, instruments, true)?;
    // Repeated visits are reported below, per patient, wherever they are in the file.
    batch_options.report_repeats = false;
    // Other patients' rows are skipped before they are scored: none of their cells is
    // reported, and none of them changes the exit status.
    let selected: HashSet<String> = patients.iter().cloned().collect();
    if !selected.is_empty() {
        batch_options.patients = Some(selected.clone());
    }
    let (mut visits, source) = open_visits(input.as_deref(), output.output.as_deref())?;
    let grouped = visits.patients_are_grouped(registry, &source, &batch_options)?;
    between_passes_hook()?;
    let (reader, unchanged) = visits.analysis_reader();
    let mut batch = BatchReader::new(registry, reader, &source, batch_options)?;
    warn_ignored_columns(&source, batch.ignored_item_like_columns());
    warn_case_mismatched_columns(&source, batch.case_mismatched_columns());
    let plan: Vec<&Instrument> = batch.instruments().collect();

    let mut out = Output::open(
        output.output.as_deref(),
        // No input argument is standard input, as `-` is.
        &[
            Some(input.as_deref().unwrap_or(std::path::Path::new("-"))),
            dosing.as_deref(),
        ],
    )?;
    let to_terminal = out.is_terminal();
    let format = resolve_format(output.format, output.output.as_deref(), to_terminal);
    let mut writer = TrendWriter::new(format, &mut out, use_color(to_terminal));
    let conditions: Vec<Condition> = fail_on.into_iter().map(Condition::from).collect();
    let mut analysis = Analysis {
        source: &source,
        plan: &plan,
        change_params: &change_params,
        options: &options,
        schedule: schedule.as_ref(),
        common_dosing,
        fail_on: &conditions,
        flagged_only,
        patients: 0,
        summaries: 0,
        flagged: 0,
        failed: false,
        duplicates: 0,
        no_dosing: Vec::new(),
        counts: Coverage::default(),
    };
    let mut found: HashSet<String> = HashSet::new();
    let mut unusable_rows = 0u64;

    // Grouped: the patient being read. Otherwise: every patient, indexed, in first-seen order.
    let mut visits: Vec<PatientVisits<'_>> = Vec::new();
    let mut index_of: HashMap<String, usize> = HashMap::new();
    let mut last: Option<usize> = None;
    // Grouped: the flag lists of the previous patients' visits, reused for the next ones.
    let mut spare_flags: Vec<Vec<Flag<'_>>> = Vec::new();
    let mut row = RowOutcome::default();
    loop {
        match batch.read_row(&mut row) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => {
                // The grouping pass has checked every row's shape, so this is a read error
                // or a file changed in place between the passes: the patients already
                // analysed (a grouped file) stay on standard output, as `score` keeps its rows.
                let _ = writer.abandon();
                return Err(err.into());
            }
        }
        for diagnostic in &row.diagnostics {
            message(&super::hints::diagnostic_text(diagnostic));
        }
        // `-i` narrows the trend, never the safety review: a safety answer of an instrument
        // left out is listed and trips `--fail-on safety`, as one outside every window is.
        for record in &row.unselected_safety {
            analysis.left_out_safety(record, row.line);
        }
        let mut usable = false;
        for record in &row.records {
            let (Some(patient), Some(date)) = (record.patient_id.as_deref(), record.date) else {
                // No window can hold it, but an endorsed or unanswered safety item is never
                // hidden: listed as any administration outside every window is.
                analysis.unplaced_safety(record, row.line);
                continue;
            };
            usable = true;
            // The reader skipped unselected patients; remembered only to name the requested
            // patients who never appear.
            if !selected.is_empty() && !found.contains(patient) {
                found.insert(patient.to_owned());
            }
            let index = plan
                .iter()
                .position(|i| std::ptr::eq(*i, record.report.instrument))
                .expect("record from a planned instrument");
            let slot = match last.filter(|&i| visits[i].0 == patient) {
                Some(i) => i,
                None if grouped => {
                    // The previous patient's rows are complete: analyse, write, forget (the
                    // buffers are kept for the next patient).
                    if let Some((done, per_instrument)) = visits.first_mut() {
                        analysis.patient(done, per_instrument, &mut writer)?;
                        done.clear();
                        done.push_str(patient);
                        for administrations in per_instrument.iter_mut() {
                            spare_flags.extend(administrations.drain(..).map(|a| a.flags));
                        }
                    } else {
                        visits.push((patient.to_owned(), vec![Vec::new(); plan.len()]));
                    }
                    0
                }
                None => {
                    if let Some(&index) = index_of.get(patient) {
                        index
                    } else {
                        index_of.insert(patient.to_owned(), visits.len());
                        visits.push((patient.to_owned(), vec![Vec::new(); plan.len()]));
                        visits.len() - 1
                    }
                }
            };
            last = Some(slot);
            let mut flags = spare_flags.pop().unwrap_or_default();
            flags.clear();
            flags.extend_from_slice(&record.report.flags);
            visits[slot].1[index].push(Administration {
                date,
                total: record.report.total,
                severity: record.report.severity.id(),
                flags,
                line: row.line,
            });
        }
        if !usable && !row.diagnostics.is_empty() {
            unusable_rows += 1;
        }
    }
    drop(index_of);
    // Collected patients are written in patient-id order, whatever the input order.
    visits.sort_by(|a, b| a.0.cmp(&b.0));
    for (patient, per_instrument) in &mut visits {
        analysis.patient(patient, per_instrument, &mut writer)?;
    }
    if let Some(unchanged) = unchanged
        && let Err(err) = unchanged.check(&source)
    {
        let _ = writer.abandon();
        return Err(err.into());
    }
    writer.finish()?;
    out.commit()?;

    let read = batch.summary();
    let empty = no_data_rows(&source, read.rows);
    // A requested patient who never appears (a typo, the wrong file) is not success, as a
    // file without visit rows is not: a pipeline must not read it as nothing to review.
    let mut not_found = 0u64;
    for wanted in &patients {
        if !found.contains(wanted) {
            not_found += 1;
            message(&format!(
                "symscore: {source}: patient `{wanted}` has no scored visits"
            ));
        }
    }
    message(&format!(
        "symscore: {source}: {} read ({} with rejected cells, {} not administered{}); {}; {}, {} flagged{}",
        count(read.rows, "row"),
        read.invalid,
        read.not_administered,
        if read.not_selected > 0 {
            format!(", {} of other patients skipped", read.not_selected)
        } else {
            String::new()
        },
        count(analysis.patients, "patient"),
        count(analysis.summaries, "summary"),
        analysis.flagged,
        if flagged_only {
            " (only flagged ones written)"
        } else {
            ""
        }
    ));
    let c = analysis.counts;
    message(&format!(
        "symscore: {source}: {}: {} in a window, {} outside every window, {} of patients without a dosing date",
        count(c.in_window + c.outside + c.no_dosing, "administration"),
        c.in_window,
        c.outside,
        c.no_dosing
    ));
    if unusable_rows > 0 {
        message(&format!(
            "symscore: {source}: {} no usable patient id or date and left out of every trend",
            if unusable_rows == 1 {
                "1 row had".to_owned()
            } else {
                format!("{unusable_rows} rows had")
            }
        ));
    }
    if !analysis.no_dosing.is_empty() {
        let shown: Vec<&str> = analysis
            .no_dosing
            .iter()
            .take(20)
            .map(String::as_str)
            .collect();
        message(&format!(
            "symscore: {} visits but no dosing date, so no window: {}{}",
            if analysis.no_dosing.len() == 1 {
                "1 patient has".to_owned()
            } else {
                format!("{} patients have", analysis.no_dosing.len())
            },
            shown.join(", "),
            if analysis.no_dosing.len() > shown.len() {
                ", …"
            } else {
                ""
            }
        ));
    }
    Ok(if analysis.failed {
        ExitStatus::Condition
    } else if read.invalid > 0 || analysis.duplicates > 0 || empty || not_found > 0 {
        ExitStatus::Rejected
    } else {
        ExitStatus::Success
    })
}

/// Everything needed to analyse one patient, and the counts over all of them.
struct Analysis<'a, 'i> {
    source: &'a str,
    plan: &'a [&'i Instrument],
    change_params: &'a BTreeMap<String, ChangeParams>,
    options: &'a TrendOptions,
    schedule: Option<&'a DosingSchedule>,
    common_dosing: Option<jiff::civil::Date>,
    fail_on: &'a [Condition],
    flagged_only: bool,
    patients: u64,
    summaries: u64,
    flagged: u64,
    failed: bool,
    duplicates: u64,
    no_dosing: Vec<String>,
    counts: Coverage,
}

/// Where the administrations read fell: every one is in exactly one count.
#[derive(Debug, Clone, Copy, Default)]
struct Coverage {
    in_window: u64,
    outside: u64,
    no_dosing: u64,
}

impl<'i> Analysis<'_, 'i> {
    /// Analyses one patient's administrations (every instrument, every dosing) and writes the
    /// summaries. Puts each instrument's administrations in date order first.
    fn patient<W: std::io::Write>(
        &mut self,
        patient: &str,
        per_instrument: &mut [Vec<Administration<'i>>],
        writer: &mut TrendWriter<W>,
    ) -> anyhow::Result<()> {
        // Date order; the input line breaks ties so a same-day re-entry counts as the later
        // one. Exports are usually in this order already, which the sort finds quickly.
        for administrations in per_instrument.iter_mut() {
            administrations.sort_by_key(|a| (a.date, a.line));
        }
        let per_instrument = &*per_instrument;
        self.patients += 1;
        let common;
        let doses: &[Dosing] = match (self.schedule, self.common_dosing) {
            (Some(schedule), _) => schedule.get(patient).map_or(&[], Vec::as_slice),
            (None, Some(date)) => {
                common = [Dosing { date, label: None }];
                &common
            }
            (None, None) => unreachable!("clap requires --dosing or --dosing-date"),
        };
        if doses.is_empty() {
            self.no_dosing.push(patient.to_owned());
        }
        let trend = analyze_patient(
            self.plan,
            per_instrument,
            self.change_params,
            self.options,
            doses,
        );
        for repeat in &trend.repeats {
            message(&format!(
                "{}:{}: `{}` for patient `{patient}` on {} repeats line {}; both are kept, and the later line counts as the later administration",
                self.source, repeat.line, repeat.instrument.id, repeat.date, repeat.earlier_line
            ));
        }
        self.duplicates += trend.repeats.len() as u64;
        for (instrument, windows) in &trend.windows {
            for summary in windows {
                self.summaries += 1;
                self.counts.in_window += summary.points.len() as u64;
                let is_flagged = summary.is_flagged();
                self.flagged += u64::from(is_flagged);
                self.failed |= self.fail_on.iter().any(|c| c.met_by(summary));
                if self.flagged_only && !is_flagged {
                    continue;
                }
                writer.write(&TrendRow {
                    patient_id: patient,
                    instrument,
                    summary,
                })?;
            }
        }
        // Every administration no window holds is reported too, and its safety flags are
        // never filtered out.
        for (instrument, points) in &trend.uncovered {
            for point in points {
                match point.status {
                    Uncovered::NoDosing => self.counts.no_dosing += 1,
                    Uncovered::OutsideWindow => self.counts.outside += 1,
                }
                let safety = point.needs_safety_review();
                if safety {
                    message(&format!(
                        "symscore: !! {}:{}: patient `{}`, {} on {}: {} outside every window ({}); follow it up as any safety flag",
                        self.source,
                        point.line,
                        terminal_safe(patient),
                        instrument.id,
                        point.date,
                        safety_flag_names(point.flags),
                        point.status_reason
                    ));
                }
                self.failed |= self.fail_on.iter().any(|c| c.met_by_uncovered(point));
                if self.flagged_only && !safety {
                    continue;
                }
                writer.write_uncovered(&UncoveredRow {
                    patient_id: patient,
                    instrument,
                    point,
                })?;
            }
        }
        Ok(())
    }
}

impl Analysis<'_, '_> {
    /// Lists the safety flags of an administration that has no usable patient id or date
    /// (so no trend can place it) with `!!`, and lets them trip `--fail-on safety`.
    fn unplaced_safety(&mut self, record: &ScoreRecord<'_>, line: u64) {
        let flags = safety_flag_names(&record.report.flags);
        if flags.is_empty() {
            return;
        }
        let (who, missing) = match record.patient_id.as_deref() {
            Some(patient) => (format!("patient `{patient}`"), "no usable date"),
            None => ("a row".to_owned(), "no patient id"),
        };
        message(&format!(
            "symscore: !! {}:{line}: {who}, {}: {flags} in no trend (the row has {missing}); follow it up as any safety flag",
            self.source, record.report.instrument.id,
        ));
        self.failed |= self.fail_on.contains(&Condition::Safety);
    }

    /// Lists the safety flags of an instrument left out with `-i` (read only for its safety
    /// items) with `!!`, and lets them trip `--fail-on safety`.
    fn left_out_safety(&mut self, record: &ScoreRecord<'_>, line: u64) {
        let flags = safety_flag_names(&record.report.flags);
        let who = record
            .patient_id
            .as_deref()
            .map_or_else(|| "a row".to_owned(), |p| format!("patient `{p}`"));
        let when = record.date.map(|d| format!(" on {d}")).unwrap_or_default();
        let id = &record.report.instrument.id;
        message(&format!(
            "symscore: !! {}:{line}: {who}, {id}{when}: {flags} in no trend (`{id}` is left out with -i); follow it up as any safety flag",
            self.source,
        ));
        self.failed |= self.fail_on.contains(&Condition::Safety);
    }
}

/// The safety flags among `flags`, as listed after `!!` (`ITEM9_POSITIVE, …`); empty when
/// none needs review.
fn safety_flag_names(flags: &[Flag<'_>]) -> String {
    flags
        .iter()
        .filter(|f| f.needs_safety_review())
        .map(|f| f.name)
        .collect::<Vec<_>>()
        .join(", ")
}
