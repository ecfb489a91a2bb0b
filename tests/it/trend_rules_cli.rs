//! The trend rules through the binary (`trend --format jsonl`): the options and `--param`
//! overrides reach the rules, and the rules' boundaries show in the output fields. The rules
//! themselves are pinned through the library in `trend_rules` and `trend_window_rules`; the
//! expected values here are worked out by hand the same way (docs/clinical-rules.md §6, §7).
//! Every patient doses on 2026-03-02 (day 0); 2026-03-09 is day 7.

use serde_json::Value;

use crate::support::{json_lines, symscore, temp_file};

const HEADER: &str = "patient_id,date,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7";

/// `count` answers of at most 3 that add up to `total`, filled from the first.
fn answers(total: u32, count: u32) -> Vec<String> {
    assert!(total <= 3 * count, "{total} over {count} items");
    let mut left = total;
    (0..count)
        .map(|_| {
            let value = left.min(3);
            left -= value;
            value.to_string()
        })
        .collect()
}

/// A visit row: the PHQ-9 total spread over items 1–8 (item 9 always 0, so that no safety
/// flag appears), the GAD-7 total over its seven items; `None` leaves the form blank (not
/// administered).
fn row(patient: &str, date: &str, phq9: Option<u32>, gad7: Option<u32>) -> String {
    let mut cells = vec![patient.to_owned(), date.to_owned()];
    match phq9 {
        Some(total) => {
            cells.extend(answers(total, 8));
            cells.push("0".into());
        }
        None => cells.extend(std::iter::repeat_n(String::new(), 9)),
    }
    match gad7 {
        Some(total) => cells.extend(answers(total, 7)),
        None => cells.extend(std::iter::repeat_n(String::new(), 7)),
    }
    cells.join(",") + "\n"
}

/// PHQ-9 rows of one patient from `(date, total)`.
fn phq9_rows(patient: &str, visits: &[(&str, u32)]) -> String {
    visits
        .iter()
        .map(|&(date, total)| row(patient, date, Some(total), None))
        .collect()
}

/// Runs `trend` on `rows` with the dosing date 2026-03-02 and `args`; every summary.
fn trend(rows: &str, args: &[&str]) -> Vec<Value> {
    let (_dir, path) = temp_file("visits.csv", &format!("{HEADER}\n{rows}"));
    let output = symscore()
        .arg("trend")
        .arg(&path)
        .args(["--dosing-date", "2026-03-02", "--format", "jsonl"])
        .args(args)
        .assert()
        .success()
        .get_output()
        .clone();
    json_lines(&output.stdout)
}

/// The summary of `patient` and `instrument`.
fn summary<'a>(summaries: &'a [Value], patient: &str, instrument: &str) -> &'a Value {
    summaries
        .iter()
        .find(|s| s["patient_id"] == patient && s["instrument"] == instrument)
        .unwrap_or_else(|| panic!("no {patient} {instrument} in {summaries:?}"))
}

#[test]
fn band_rule_boundary_and_the_reliable_change_parameter() {
    // Baseline 16 on day −1; days 7, 14, 21 (span 14, latest day 21).
    // P1: 10, 15, 12 → range 5 < RC 6 → plateau; 16 − 12 = 4 < 6 → without improvement.
    // P2: 9, 15, 12 → range 6, not < 6 → no plateau.
    let rows = phq9_rows(
        "P1",
        &[
            ("2026-03-01", 16),
            ("2026-03-09", 10),
            ("2026-03-16", 15),
            ("2026-03-23", 12),
        ],
    ) + &phq9_rows(
        "P2",
        &[
            ("2026-03-01", 16),
            ("2026-03-09", 9),
            ("2026-03-16", 15),
            ("2026-03-23", 12),
        ],
    );
    let out = trend(&rows, &[]);
    assert_eq!(
        summary(&out, "P1", "phq9")["status"],
        "PLATEAU_NO_RELIABLE_IMPROVEMENT"
    );
    assert_eq!(summary(&out, "P2", "phq9")["status"], "NO_PLATEAU");
    // With RC 7, P2's range 6 < 7 → plateau; the summary prints the RC it used.
    let out = trend(&rows, &["--param", "phq9.reliable_change=7"]);
    let p2 = summary(&out, "P2", "phq9");
    assert_eq!(p2["status"], "PLATEAU_NO_RELIABLE_IMPROVEMENT");
    assert_eq!(p2["parameters"]["reliable_change"], 7);
}

#[test]
fn slope_rule_at_the_mcid_and_its_parameters() {
    // Baseline 15; 15, 12, 10 on days 7, 21, 35: slope −5/28 per day, projected improvement
    // over 28 days exactly 5 = MCID, not < 5 → no plateau. 15 − 10 = 5 < 6.
    let rows = phq9_rows(
        "P3",
        &[
            ("2026-03-01", 15),
            ("2026-03-09", 15),
            ("2026-03-23", 12),
            ("2026-04-06", 10),
        ],
    );
    let status = |args: &[&str]| {
        let mut all = vec!["--plateau-rule", "slope"];
        all.extend_from_slice(args);
        summary(&trend(&rows, &all), "P3", "phq9")["status"].clone()
    };
    assert_eq!(status(&[]), "NO_PLATEAU");
    // MCID 6: 5 < 6 → plateau.
    assert_eq!(
        status(&["--param", "phq9.mcid=6"]),
        "PLATEAU_NO_RELIABLE_IMPROVEMENT"
    );
    // Horizon 27 days: 5·27/28 ≈ 4.82 < 5 → plateau.
    assert_eq!(
        status(&["--param", "*.horizon_days=27"]),
        "PLATEAU_NO_RELIABLE_IMPROVEMENT"
    );
    // The band rule on the same points: range 5 < 6 → plateau.
    assert_eq!(
        summary(&trend(&rows, &[]), "P3", "phq9")["status"],
        "PLATEAU_NO_RELIABLE_IMPROVEMENT"
    );
}

#[test]
fn recall_overlap_and_schedule_flags_in_the_output() {
    // Days 6, 7 and 22: the first follow-up is on day 6 (> 3: late); 7 → 22 is 15 days
    // (> 14: a gap). Day 6 (6·2 < 14) is not used for the plateau, day 7 is; days 6 and 7
    // overlap the dose (< 14), day 22 does not.
    let rows = phq9_rows(
        "P4",
        &[
            ("2026-03-01", 16),
            ("2026-03-08", 12),
            ("2026-03-09", 12),
            ("2026-03-24", 12),
        ],
    );
    let out = trend(&rows, &[]);
    let p4 = summary(&out, "P4", "phq9");
    assert_eq!(
        p4["flags"],
        serde_json::json!(["LATE_FIRST_FOLLOWUP", "FOLLOWUP_GAP"])
    );
    let points: Vec<(i64, bool, bool)> = p4["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["days_since_dose"].as_i64().unwrap(),
                p["recall_overlaps_dose"].as_bool().unwrap(),
                p["used_for_plateau"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        points,
        [(6, true, false), (7, true, true), (22, false, true)]
    );
    // Two eligible points (days 7 and 22), three needed.
    assert_eq!(p4["status"], "INSUFFICIENT_DATA");
}

#[test]
fn nhs_talking_therapies_with_measures_moving_in_opposite_directions() {
    // Same-day pairs: baseline 2026-03-01 PHQ-9 20, GAD-7 4; latest 2026-03-23 PHQ-9 12,
    // GAD-7 8. PHQ-9 −8 (≥ 6: improved), GAD-7 +4 (≥ 4: deteriorated) → the conservative
    // rule: reliable deterioration, no reliable improvement; 12 ≥ 10 → no recovery.
    let rows =
        row("P5", "2026-03-01", Some(20), Some(4)) + &row("P5", "2026-03-23", Some(12), Some(8));
    let out = trend(&rows, &[]);
    for instrument in ["phq9", "gad7"] {
        let nhs = &summary(&out, "P5", instrument)["nhs_tt"];
        assert_eq!(nhs["rule"], "nhs_tt_conservative");
        assert_eq!(nhs["class"], "RELIABLE_DETERIORATION", "{instrument}");
        assert_eq!(nhs["reliable_improvement"], false);
        assert_eq!(nhs["recovery"], false);
        assert_eq!(nhs["depression"], serde_json::json!([20, 12]));
        assert_eq!(nhs["anxiety"], serde_json::json!([4, 8]));
    }
    // GAD-7 RC 5: +4 is no longer reliable, so the PHQ-9 fall stands: reliable improvement.
    let out = trend(&rows, &["--param", "gad7.reliable_change=5"]);
    assert_eq!(
        summary(&out, "P5", "phq9")["nhs_tt"]["class"],
        "RELIABLE_IMPROVEMENT"
    );
}

#[test]
fn baseline_look_back_and_window_length_options() {
    // --baseline-days 7: P6's baseline on day −7 counts, P7's on day −8 does not.
    let rows = phq9_rows("P6", &[("2026-02-23", 16), ("2026-03-05", 12)])
        + &phq9_rows("P7", &[("2026-02-22", 16), ("2026-03-05", 12)]);
    let out = trend(&rows, &["--baseline-days", "7"]);
    assert_eq!(summary(&out, "P6", "phq9")["baseline"]["total"], 16);
    assert_eq!(summary(&out, "P7", "phq9")["baseline"], Value::Null);
    // --window 3w: the window ends on day 21 (2026-03-23).
    let out = trend(&rows, &["--window", "3w"]);
    assert_eq!(summary(&out, "P6", "phq9")["window_end"], "2026-03-23");
}
