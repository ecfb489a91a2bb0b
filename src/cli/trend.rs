//! `symscore trend`: per patient × instrument × dosing change and plateau summaries.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::path::Path;

use anyhow::{Context as _, bail};
use symscore::Registry;
use symscore::batch::{BatchReader, DateFormat, DosingSchedule, RowOutcome, read_dosing};
use symscore::instrument::{ChangeParams, Instrument};
use symscore::trend::{
    Administration, Dosing, OnTrack, PlateauRule, ReliableChange, Status, TrendOptions,
    WindowSummary, analyze, nhs_tt_outcome,
};

use super::ExitStatus;
use super::args::{FailOn, PlateauRuleArg, TrendArgs};
use super::output::{Output, resolve_format, use_color};
use super::render::{TrendRow, TrendWriter};
use super::report::message;
use super::score::{
    batch_options, check_date_layout, count, no_data_rows, open_input, warn_ignored_columns,
};

/// A patient id with, per planned instrument, that patient's administrations.
type PatientVisits<'i> = (String, Vec<Vec<Administration<'i>>>);

/// PHQ-9 and GAD-7 form the NHS Talking Therapies pair for depression, GAD and mixed
/// presentations (reference §6.3, Clark 2018 Table 2).
const NHS_TT_PAIR: (&str, &str) = ("phq9", "gad7");

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
            date_format
                .parse(text.trim())
                .map_err(|m| anyhow::anyhow!("--dosing-date: {m}"))
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
            )?)
        }
        None => None,
    };

    let mut batch_options = batch_options(input_options, instruments, true)?;
    // Repeated visits are reported below, per patient, wherever they are in the file.
    batch_options.report_repeats = false;
    // A file whose rows are grouped by patient is analysed one patient at a time, so memory is
    // bounded by one patient; finding out costs one quick pass over the patient column.
    // Standard input cannot be read twice, and an ungrouped file is collected whole.
    let grouped = match input.as_deref() {
        Some(path) if path != Path::new("-") => {
            let (reader, source) = open_input(Some(path), output.output.as_deref())?;
            let (same_input, _) = open_input(Some(path), output.output.as_deref())?;
            BatchReader::new(registry, reader, &source, batch_options.clone())?
                .patients_are_grouped_scanning(same_input)?
        }
        _ => false,
    };
    let (reader, source) = open_input(input.as_deref(), output.output.as_deref())?;
    let mut batch = BatchReader::new(registry, reader, &source, batch_options)?;
    warn_ignored_columns(&source, batch.ignored_item_like_columns());
    let plan: Vec<&Instrument> = batch.instruments().collect();

    let mut out = Output::open(output.output.as_deref())?;
    let to_terminal = out.is_terminal();
    let format = resolve_format(output.format, output.output.as_deref(), to_terminal);
    let mut writer = TrendWriter::new(format, &mut out, use_color(to_terminal));
    let mut analysis = Analysis {
        source: &source,
        plan: &plan,
        change_params: &change_params,
        options: &options,
        schedule: schedule.as_ref(),
        common_dosing,
        fail_on: &fail_on,
        flagged_only,
        patients: 0,
        summaries: 0,
        flagged: 0,
        failed: false,
        duplicates: 0,
        no_dosing: Vec::new(),
    };
    let mut found: HashSet<String> = HashSet::new();
    let mut unusable_rows = 0u64;

    // Grouped: the patient being read. Otherwise: every patient, indexed, in first-seen order.
    let mut visits: Vec<PatientVisits<'_>> = Vec::new();
    let mut index_of: HashMap<String, usize> = HashMap::new();
    let mut last: Option<usize> = None;
    // Grouped: the flag lists of the previous patients' visits, reused for the next ones.
    let mut spare_flags: Vec<Vec<&str>> = Vec::new();
    let mut row = RowOutcome::default();
    loop {
        match batch.read_row(&mut row) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => {
                // The grouping pass has checked every row's shape, so this is a read error
                // or a file changed between the passes: the patients already analysed (a
                // grouped file) stay on standard output, as `score` keeps its rows.
                let _ = writer.abandon();
                return Err(err.into());
            }
        }
        for diagnostic in &row.diagnostics {
            message(&diagnostic.to_string());
        }
        let mut usable = false;
        for record in &row.records {
            let (Some(patient), Some(date)) = (record.patient_id.as_deref(), record.date) else {
                continue;
            };
            usable = true;
            if !patients.is_empty() {
                if !patients.iter().any(|p| p == patient) {
                    continue; // read and deliberately filtered, not lost
                }
                // Remembered only to name the requested patients who never appear.
                if !found.contains(patient) {
                    found.insert(patient.to_owned());
                }
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
            flags.extend(record.report.flags.iter().map(|f| f.name));
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
    writer.finish()?;
    out.commit()?;

    let read = batch.summary();
    let empty = no_data_rows(&source, read.rows);
    for wanted in &patients {
        if !found.contains(wanted) {
            message(&format!(
                "symscore: {source}: patient `{wanted}` has no scored visits"
            ));
        }
    }
    message(&format!(
        "symscore: {source}: {} read ({} with rejected cells, {} not administered); {}; {}, {} flagged{}",
        count(read.rows, "row"),
        read.invalid,
        read.not_administered,
        count(analysis.patients, "patient"),
        count(analysis.summaries, "summary"),
        analysis.flagged,
        if flagged_only {
            " (only flagged ones written)"
        } else {
            ""
        }
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
    } else if read.invalid > 0 || analysis.duplicates > 0 || empty {
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
    fail_on: &'a [FailOn],
    flagged_only: bool,
    patients: u64,
    summaries: u64,
    flagged: u64,
    failed: bool,
    duplicates: u64,
    no_dosing: Vec<String>,
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
        self.duplicates += report_duplicates(self.source, self.plan, patient, per_instrument);
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
            return Ok(());
        }
        let mut results: Vec<(&Instrument, Vec<WindowSummary<'_>>)> = self
            .plan
            .iter()
            .zip(per_instrument)
            .filter(|(_, administrations)| !administrations.is_empty())
            .map(|(instrument, administrations)| {
                let params = &self.change_params[&instrument.id];
                (
                    *instrument,
                    analyze(instrument, params, self.options, doses, administrations),
                )
            })
            .collect();
        attach_nhs_tt(
            self.plan,
            per_instrument,
            self.change_params,
            self.options,
            &mut results,
        );
        for (instrument, windows) in &results {
            for summary in windows {
                self.summaries += 1;
                let is_flagged = summary.is_flagged();
                self.flagged += u64::from(is_flagged);
                self.failed |= self
                    .fail_on
                    .iter()
                    .any(|condition| fails(*condition, summary));
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
        Ok(())
    }
}

/// Reports every administration that repeats an earlier one of the same patient, date and
/// instrument, wherever it is in the file. Both are kept; the later line counts as the
/// later administration of that day. `per_instrument` is in (date, line) order.
fn report_duplicates(
    source: &str,
    plan: &[&Instrument],
    patient: &str,
    per_instrument: &[Vec<Administration<'_>>],
) -> u64 {
    let mut found = 0;
    for (instrument, administrations) in plan.iter().zip(per_instrument) {
        for pair in administrations.windows(2) {
            if pair[0].date == pair[1].date {
                found += 1;
                message(&format!(
                    "{source}:{}: `{}` for patient `{patient}` on {} repeats line {}; both are kept, and the later line counts as the later administration",
                    pair[1].line, instrument.id, pair[1].date, pair[0].line
                ));
            }
        }
    }
    found
}

/// Fills in the NHS TT paired outcome on the PHQ-9 and GAD-7 summaries of each window.
fn attach_nhs_tt(
    plan: &[&Instrument],
    per_instrument: &[Vec<Administration<'_>>],
    params: &BTreeMap<String, ChangeParams>,
    options: &TrendOptions,
    results: &mut [(&Instrument, Vec<WindowSummary<'_>>)],
) {
    let position = |id: &str| plan.iter().position(|i| i.id == id);
    let (Some(dep), Some(anx)) = (position(NHS_TT_PAIR.0), position(NHS_TT_PAIR.1)) else {
        return;
    };
    let windows: Vec<_> = results
        .iter()
        .find(|(i, _)| i.id == NHS_TT_PAIR.0)
        .map(|(_, w)| w.iter().map(|s| (s.dosing_date, s.window_end)).collect())
        .unwrap_or_default();
    for (index, (dosing, end)) in windows.into_iter().enumerate() {
        let from = dosing.saturating_sub(jiff::Span::new().days(i64::from(options.baseline_days)));
        let outcome = nhs_tt_outcome(
            &params[NHS_TT_PAIR.0],
            &params[NHS_TT_PAIR.1],
            from,
            dosing,
            end,
            &per_instrument[dep],
            &per_instrument[anx],
        );
        for (instrument, summaries) in results.iter_mut() {
            if (instrument.id == NHS_TT_PAIR.0 || instrument.id == NHS_TT_PAIR.1)
                && let Some(summary) = summaries.get_mut(index)
            {
                summary.nhs_tt.clone_from(&outcome);
            }
        }
    }
}

fn fails(condition: FailOn, s: &WindowSummary<'_>) -> bool {
    match condition {
        FailOn::Plateau => s.status.is_plateau(),
        FailOn::Deterioration => {
            s.status == Status::Deterioration
                || s.reliable_change == Some(ReliableChange::ReliableDeterioration)
        }
        FailOn::Item9 => s.flags.iter().any(|f| f.starts_with("ITEM9_")),
        FailOn::NotOnTrack => s.on_track == OnTrack::NotOnTrack,
        FailOn::LateFollowup => s
            .flags
            .contains(&symscore::trend::window_flag::LATE_FIRST_FOLLOWUP),
        FailOn::FollowupGap => s
            .flags
            .contains(&symscore::trend::window_flag::FOLLOWUP_GAP),
        FailOn::InsufficientData => s.status == Status::InsufficientData,
    }
}

/// `42` → 42 days, `6w` → 42 days, `10d` → 10 days.
fn parse_window(text: &str) -> anyhow::Result<u32> {
    let text = text.trim();
    let (number, unit) = match text.strip_suffix(['w', 'W']) {
        Some(n) => (n, 7),
        None => (text.strip_suffix(['d', 'D']).unwrap_or(text), 1),
    };
    match number.parse::<u32>() {
        // Checked: `613566757w` is 2^32 + 3 days, which a wrapping product reads as 3.
        Ok(n) if n > 0 && n.checked_mul(unit).is_some_and(|days| days <= 366) => Ok(n * unit),
        _ => bail!(
            "--window expects days (`42`) or weeks (`6w`), from 1 day to a year; found `{text}`"
        ),
    }
}

/// Each instrument's change parameters after `--param ID.NAME=VALUE` overrides.
fn resolve_params(
    registry: &Registry,
    overrides: &[String],
) -> anyhow::Result<BTreeMap<String, ChangeParams>> {
    let mut params: BTreeMap<String, ChangeParams> = registry
        .iter()
        .map(|i| (i.id.clone(), i.change.clone()))
        .collect();
    for item in overrides {
        let parsed = item.split_once('=').and_then(|(key, value)| {
            Some((key.split_once('.')?, value.trim().parse::<u32>().ok()?))
        });
        let Some(((id, name), value)) = parsed else {
            bail!(
                "--param expects ID.NAME=VALUE with a whole number, such as `pcl5.reliable_change=15`; found `{item}`"
            );
        };
        let targets: Vec<String> = if id == "*" {
            params.keys().cloned().collect()
        } else if params.contains_key(id) {
            vec![id.to_owned()]
        } else {
            bail!(
                "--param `{item}`: expected an instrument id ({}) or `*`, found `{id}`",
                registry.ids()
            );
        };
        for target in targets {
            let instrument = registry.get(&target).expect("listed above");
            let p = params.get_mut(&target).expect("listed above");
            let (min, max) = (instrument.total_min(), instrument.total_max());
            let (field, lo, hi) = match name {
                "reliable_change" => (&mut p.reliable_change, 1, max - min),
                "mcid" => (&mut p.mcid, 1, max - min),
                "target" => (&mut p.target, min + 1, max),
                "caseness" => (&mut p.caseness, min + 1, max),
                "response_pct" => (&mut p.response_pct, 1, 100),
                "points" => (&mut p.plateau.points, 2, 52),
                "min_span_days" => (&mut p.plateau.min_span_days, 0, 366),
                "min_days_since_dose" => (&mut p.plateau.min_days_since_dose, 0, 366),
                "horizon_days" => (&mut p.plateau.horizon_days, 1, 366),
                other => bail!(
                    "--param `{item}`: expected a parameter name (reliable_change, mcid, target, caseness, response_pct, points, min_span_days, min_days_since_dose, horizon_days), found `{other}`"
                ),
            };
            if !(lo..=hi).contains(&value) {
                bail!(
                    "--param `{item}`: expected a value from {lo} to {hi} for `{target}`, found {value}"
                );
            }
            *field = value;
        }
    }
    Ok(params)
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
    }
}
