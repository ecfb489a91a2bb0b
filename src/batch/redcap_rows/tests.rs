//! A REDCap export read through the batch reader, each value worked out by hand.

use crate::Registry;
use crate::batch::{BatchOptions, BatchReader, DiagnosticKind, RedcapRows, RowOutcome};

const HEADER: &str = "record_id,redcap_event_name,redcap_repeat_instrument,redcap_repeat_instance,visit_date,visit_complete,phq_1,phq_2,phq_3,phq_4,phq_5,phq_6,phq_7,phq_8,phq_9,phq9_complete,phq_total";

fn options(labels: bool) -> BatchOptions {
    let mut rows = RedcapRows {
        carried: RedcapRows::CARRIED.map(str::to_owned).to_vec(),
        event_column: Some("redcap_event_name".into()),
        status: vec![("phq9".into(), "phq9_complete".into())],
        totals: vec![("phq9".into(), "phq_total".into())],
        ..RedcapRows::default()
    };
    if labels {
        let choices = [
            "Not at all",
            "Several days",
            "More than half the days",
            "Nearly every day",
        ];
        rows.labels = (1..=9)
            .map(|n| {
                let choices = choices
                    .iter()
                    .enumerate()
                    .map(|(code, label)| ((*label).to_owned(), code.to_string()))
                    .collect();
                (format!("phq9_{n}"), choices)
            })
            .collect();
    }
    BatchOptions {
        patient_column: "record_id".into(),
        date_column: Some("visit_date".into()),
        renames: (1..=9)
            .map(|n| (format!("phq_{n}"), format!("phq9_{n}")))
            .collect(),
        redcap: Some(rows),
        ..BatchOptions::default()
    }
}

/// Every row of `csv` (after [`HEADER`]) with its outcome.
fn read(csv: &str, options: BatchOptions) -> Vec<RowOutcome<'static>> {
    let registry: &'static Registry = Box::leak(Box::new(Registry::builtin()));
    let text = format!("{HEADER}\n{csv}");
    let mut reader = BatchReader::new(registry, text.as_bytes(), "r.csv", options).unwrap();
    assert_eq!(
        reader.carried_columns(),
        [
            "redcap_event_name",
            "redcap_repeat_instrument",
            "redcap_repeat_instance"
        ]
    );
    let mut rows = Vec::new();
    while let Some(row) = reader.next_row().unwrap() {
        rows.push(row);
    }
    rows
}

#[test]
fn a_repeating_form_takes_the_date_of_its_event_row_and_carries_its_place() {
    let rows = read(
        "1,week_1_arm_1,,,2025-01-08,2,,,,,,,,,,,\n\
         1,week_1_arm_1,phq9,1,,,1,1,1,1,1,1,1,1,0,2,8\n\
         1,week_1_arm_1,phq9,2,,,2,2,2,2,2,2,2,2,1,0,17\n\
         1,week_2_arm_1,phq9,1,,,0,0,0,0,0,0,0,0,0,2,0\n",
        options(false),
    );
    assert_eq!(rows.len(), 4);
    // The event row: no form, but its date serves the rows below.
    assert!(rows[0].records.is_empty());
    assert_eq!(rows[0].carried, ["week_1_arm_1", "", ""]);
    // 8 × 1 + 0 = 8; complete (2), REDCap's total 8 agrees: no flag beyond the band's.
    let first = &rows[1].records[0];
    assert_eq!(first.report.total, Some(8));
    assert_eq!(first.date, Some(jiff::civil::date(2025, 1, 8)));
    assert_eq!(first.patient_id.as_deref(), Some("1"));
    assert!(!first.report.has_flag("FORM_INCOMPLETE"));
    assert!(!first.report.has_flag("REDCAP_TOTAL_DIFFERS"));
    assert_eq!(rows[1].carried, ["week_1_arm_1", "phq9", "1"]);
    // 8 × 2 + 1 = 17, item 9 endorsed, saved incomplete (0).
    let second = &rows[2].records[0];
    assert_eq!(second.report.total, Some(17));
    assert_eq!(second.date, Some(jiff::civil::date(2025, 1, 8)));
    assert!(second.report.has_flag("ITEM9_POSITIVE"));
    assert!(second.report.has_flag("FORM_INCOMPLETE"));
    assert_eq!(rows[2].carried, ["week_1_arm_1", "phq9", "2"]);
    // Another event with no dated row above it: no date is borrowed from week 1.
    let third = &rows[3];
    assert_eq!(third.records[0].date, None);
    assert_eq!(third.diagnostics[0].kind, DiagnosticKind::NoDate);
}

#[test]
fn a_date_is_never_borrowed_from_another_record() {
    let rows = read(
        "1,week_1_arm_1,,,2025-01-08,2,,,,,,,,,,,\n\
         2,week_1_arm_1,phq9,1,,,0,0,0,0,0,0,0,0,0,2,\n",
        options(false),
    );
    assert_eq!(rows[1].records[0].date, None);
    assert_eq!(rows[1].diagnostics[0].kind, DiagnosticKind::NoDate);
}

#[test]
fn labels_read_as_their_codes_and_statuses_as_labels() {
    let rows = read(
        "1,week_1_arm_1,,,2025-01-08,Complete,,,,,,,,,,,\n\
         1,week_1_arm_1,phq9,1,,,Several days,Several days,Nearly every day,Not at all,Not at all,Not at all,Not at all,Not at all,Not at all,Unverified,5\n",
        options(true),
    );
    // 1 + 1 + 3 = 5; unverified.
    let record = &rows[1].records[0];
    assert_eq!(record.report.total, Some(5));
    assert!(record.report.has_flag("FORM_UNVERIFIED"));
    assert!(!record.report.has_flag("REDCAP_TOTAL_DIFFERS"));
    assert!(rows[1].diagnostics.is_empty());
}

#[test]
fn a_label_that_is_no_choice_is_a_bad_answer_named_as_found() {
    let rows = read(
        "1,e,,,2025-01-08,,Sometimes,0,0,0,0,0,0,0,0,2,\n",
        options(true),
    );
    assert_eq!(rows[0].diagnostics[0].kind, DiagnosticKind::Answer);
    assert!(
        rows[0].diagnostics[0].message.contains("found 'Sometimes'"),
        "{}",
        rows[0].diagnostics[0].message
    );
}

#[test]
fn redcap_total_that_skips_a_blank_differs_from_the_prorated_total() {
    // Items 1-8 answered 2, item 9 blank: REDCap's sum() gives 16; the rule prorates
    // 16 × 9/8 = 18. Item 9 unknown also needs review.
    let rows = read(
        "1,e,,,2025-01-08,,2,2,2,2,2,2,2,2,,2,16\n\
         1,e,,,2025-01-08,,2,2,2,2,2,2,2,2,2,2,18.0\n\
         1,e,,,2025-01-08,,2,2,2,2,2,2,2,2,2,2,17\n",
        options(false),
    );
    let prorated = &rows[0].records[0].report;
    assert_eq!(prorated.total, Some(18));
    assert!(prorated.has_flag("REDCAP_TOTAL_DIFFERS"));
    assert!(prorated.has_flag("ITEM9_MISSING"));
    assert!(!rows[1].records[0].report.has_flag("REDCAP_TOTAL_DIFFERS"));
    assert!(rows[2].records[0].report.has_flag("REDCAP_TOTAL_DIFFERS"));
}

#[test]
fn an_all_blank_form_is_not_administered_whatever_its_status() {
    let rows = read("1,e,,,2025-01-08,,,,,,,,,,,0,\n", options(false));
    assert!(rows[0].records.is_empty());
    assert!(rows[0].diagnostics.is_empty());
}

#[test]
fn an_unknown_status_is_reported_with_its_cell_and_the_form_still_scored() {
    let rows = read("1,e,,,2025-01-08,,0,0,0,0,0,0,0,0,0,3,0\n", options(false));
    let report = &rows[0].records[0].report;
    assert_eq!(report.total, Some(0));
    assert!(report.has_flag("FORM_STATUS_UNKNOWN"));
    let diagnostic = &rows[0].diagnostics[0];
    assert_eq!(diagnostic.kind, DiagnosticKind::FormStatus);
    assert_eq!(diagnostic.column.as_deref(), Some("phq9_complete"));
    assert_eq!(diagnostic.location.to_string(), "r.csv:2:16");
    assert!(
        diagnostic.message.contains("found '3'"),
        "{}",
        diagnostic.message
    );
}

#[test]
fn a_date_with_a_time_is_read_as_its_day() {
    let mut options = options(false);
    options.redcap.as_mut().unwrap().date_has_time = true;
    let rows = read(
        "1,e,,,2025-01-08 14:30,,,,,,,,,,,,\n\
         1,e,phq9,1,,,0,0,0,0,0,0,0,0,0,2,\n",
        options,
    );
    assert_eq!(rows[1].records[0].date, Some(jiff::civil::date(2025, 1, 8)));
}

#[test]
fn a_raw_code_is_never_read_as_another_choice_s_label() {
    // Choices `0, 1 | 1, 2 | 2, 3 | 3, 4`: the raw cell `1` is code 1, not the label of 0.
    let mut options = options(false);
    options.redcap.as_mut().unwrap().labels = (1..=9)
        .map(|n| {
            let choices = (0..4)
                .map(|code| ((code + 1).to_string(), code.to_string()))
                .collect();
            (format!("phq9_{n}"), choices)
        })
        .collect();
    let rows = read("1,e,,,2025-01-08,,1,1,1,1,1,1,1,1,0,2,\n", options);
    assert_eq!(rows[0].records[0].report.total, Some(8));
}

mod choices {
    use proptest::prelude::*;

    use super::super::Choices;

    /// The rule without the shortcut for one-digit codes: a code stays itself, then a label
    /// reads as its code, else the cell is kept.
    fn by_the_rule<'a>(choices: &'a [(String, String)], cell: &'a [u8]) -> &'a [u8] {
        let text = cell.trim_ascii();
        if text.is_empty() || choices.iter().any(|(_, code)| code.as_bytes() == text) {
            return cell;
        }
        choices
            .iter()
            .find(|(label, _)| label.as_bytes() == text)
            .map_or(cell, |(_, code)| code.as_bytes())
    }

    proptest! {
        /// The shortcut for one-digit cells gives what the rule gives, for codes and labels
        /// drawn from digits, numbers and words that overlap each other.
        #[test]
        fn the_digit_shortcut_reads_every_cell_as_the_rule_does(
            choices in prop::collection::vec(("[0-9]{1,2}|[A-Za-z ]{1,6}", "[0-9]{1,2}|-?[0-9]"), 0..6),
            cell in "[0-9]{0,2}| ?[0-9] ?|[A-Za-z ]{0,6}",
        ) {
            let table = Choices::new(choices.clone());
            prop_assert_eq!(table.code(cell.as_bytes()), by_the_rule(&choices, cell.as_bytes()));
        }
    }
}

#[test]
fn a_classic_project_s_repeating_form_takes_the_date_of_its_record_row() {
    // No events (a classic project): the event cell is blank on every row, and the
    // repeating form's row takes the date of the record's row above it.
    let rows = read(
        "1,,,,2025-01-08,2,,,,,,,,,,,\n\
         1,,phq9,1,,,1,1,1,1,1,1,1,1,0,2,8\n",
        options(false),
    );
    let record = &rows[1].records[0];
    assert_eq!(record.report.total, Some(8));
    assert_eq!(record.date, Some(jiff::civil::date(2025, 1, 8)));
    assert!(rows[1].diagnostics.is_empty());
}

#[test]
fn a_redcap_total_with_a_fraction_differs_from_a_whole_total() {
    // 8 × 1 + 0 = 8: REDCap's `8.5` is not 8, while `8.00` is.
    let rows = read(
        "1,e,,,2025-01-08,,1,1,1,1,1,1,1,1,0,2,8.5\n\
         1,e,,,2025-01-08,,1,1,1,1,1,1,1,1,0,2,8.00\n",
        options(false),
    );
    assert_eq!(rows[0].records[0].report.total, Some(8));
    assert!(rows[0].records[0].report.has_flag("REDCAP_TOTAL_DIFFERS"));
    assert!(!rows[1].records[0].report.has_flag("REDCAP_TOTAL_DIFFERS"));
}

#[test]
fn rows_without_a_record_id_share_the_date_of_their_event_row_above() {
    // Both rows lack the record id (reported on each); the blank record and the event are
    // the same as the row above, so the rule still applies and the date is carried.
    let rows = read(
        ",week_1_arm_1,,,2025-01-08,2,,,,,,,,,,,\n\
         ,week_1_arm_1,phq9,1,,,0,0,0,0,0,0,0,0,0,2,\n",
        options(false),
    );
    let record = &rows[1].records[0];
    assert_eq!(record.patient_id, None);
    assert_eq!(record.date, Some(jiff::civil::date(2025, 1, 8)));
    let kinds: Vec<DiagnosticKind> = rows[1].diagnostics.iter().map(|d| d.kind).collect();
    assert_eq!(kinds, [DiagnosticKind::NoPatientId]);
}
