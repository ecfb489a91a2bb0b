//! Unit tests of appending a visit: new and existing files, header extension, line counting,
//! and the files and visits it refuses.

use super::*;
use crate::{Registry, RepeatedVisit};
use pretty_assertions::assert_eq;

pub(super) fn registry() -> Registry {
    Registry::builtin()
}

pub(super) fn date() -> Date {
    Date::new(2026, 5, 4).unwrap()
}

fn values(values: &[u8]) -> Vec<Answer> {
    values.iter().copied().map(Answer::Value).collect()
}

pub(super) fn phq9_visit<'i>(registry: &'i Registry, patient: &str) -> Visit<'i> {
    let phq9 = registry.get("phq9").unwrap();
    Visit {
        patient_id: patient.to_owned(),
        date: date(),
        forms: vec![Form {
            instrument: phq9,
            items: values(&[1, 2, 0, 3, 1, 0, 0, 2, 1]),
            extras: vec![Answer::Missing],
        }],
    }
}

pub(super) fn gad7_visit<'i>(registry: &'i Registry, patient: &str) -> Visit<'i> {
    let gad7 = registry.get("gad7").unwrap();
    let mut items = values(&[1, 1, 2, 0, 0, 1, 3]);
    items[3] = Answer::Missing;
    Visit {
        patient_id: patient.to_owned(),
        date: date(),
        forms: vec![Form {
            instrument: gad7,
            items,
            extras: vec![Answer::Value(2)],
        }],
    }
}

const PHQ9_HEADER: &str = "patient_id,date,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9,phq9_difficulty";

#[test]
fn new_file_gets_a_header_and_the_row() {
    let registry = registry();
    let plan = plan_append("v.csv", None, &phq9_visit(&registry, "P1")).unwrap();
    assert_eq!(
        String::from_utf8(plan.bytes).unwrap(),
        format!("{PHQ9_HEADER}\nP1,2026-05-04,1,2,0,3,1,0,0,2,1,\n")
    );
    assert_eq!(
        plan.appended,
        Appended {
            line: 2,
            created: true,
            added_columns: Vec::new(),
            warning: None,
        }
    );
}

#[test]
fn appends_to_a_file_that_has_the_columns() {
    let registry = registry();
    let existing = format!("{PHQ9_HEADER}\nP0,2026-01-01,0,0,0,0,0,0,0,0,0,0\n");
    let plan = plan_append(
        "v.csv",
        Some(existing.as_bytes()),
        &phq9_visit(&registry, "P1"),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(plan.bytes).unwrap(),
        format!("{existing}P1,2026-05-04,1,2,0,3,1,0,0,2,1,\n")
    );
    assert_eq!(plan.appended.line, 3);
    assert!(plan.appended.added_columns.is_empty());
}

#[test]
fn columns_in_another_order_are_filled_by_name() {
    let registry = registry();
    let existing = "phq9_9,date,site,phq9_8,phq9_7,phq9_6,phq9_5,phq9_4,phq9_3,phq9_2,phq9_1,patient_id,phq9_difficulty\n";
    let plan = plan_append(
        "v.csv",
        Some(existing.as_bytes()),
        &phq9_visit(&registry, "P1"),
    )
    .unwrap();
    let text = String::from_utf8(plan.bytes).unwrap();
    assert_eq!(
        text.lines().nth(1).unwrap(),
        "1,2026-05-04,,2,0,0,1,3,0,2,1,P1,"
    );
}

#[test]
fn a_missing_final_line_ending_is_added_before_the_row() {
    let registry = registry();
    let existing = format!("{PHQ9_HEADER}\r\nP0,2026-01-01,0,0,0,0,0,0,0,0,0,0");
    let plan = plan_append(
        "v.csv",
        Some(existing.as_bytes()),
        &phq9_visit(&registry, "P1"),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(plan.bytes).unwrap(),
        format!("{existing}\r\nP1,2026-05-04,1,2,0,3,1,0,0,2,1,\r\n")
    );
}

/// Quoted cells with commas, quotes and line breaks inside, CRLF and LF mixed, blank
/// lines, a byte-order mark, spaces and non-UTF-8 bytes in cells: all kept byte for byte
/// when the header is extended.
#[test]
fn header_extension_keeps_every_existing_byte() {
    let registry = registry();
    let mut existing: Vec<u8> = Vec::new();
    existing.extend_from_slice("\u{feff}\"patient_id\",date,notes,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9\r\n".as_bytes());
    existing.extend_from_slice(
        b"P0,2026-01-01,\"said \"\"fine\"\", then\r\nleft\",0,0,0,0,0,0,0,0,1\r\n",
    );
    existing.extend_from_slice(b"\r\n\r\n");
    existing.extend_from_slice(b" P2 ,2026-01-02, caf\xe9 ,1, 2 ,,,,,,,\n");
    existing.extend_from_slice(b"P3,2026-01-03,\"\",\"1\",ab\"c,,,,,,,\r\n");
    let visit = gad7_visit(&registry, "P, \"4\"");
    let plan = plan_append("v.csv", Some(&existing), &visit).unwrap();

    let gad7_header = ",gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7,gad7_difficulty";
    let blanks = ",,,,,,,,";
    let mut expected: Vec<u8> = Vec::new();
    expected.extend_from_slice("\u{feff}\"patient_id\",date,notes,phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9".as_bytes());
    expected.extend_from_slice(gad7_header.as_bytes());
    expected.extend_from_slice(b"\r\n");
    expected
        .extend_from_slice(b"P0,2026-01-01,\"said \"\"fine\"\", then\r\nleft\",0,0,0,0,0,0,0,0,1");
    expected.extend_from_slice(blanks.as_bytes());
    expected.extend_from_slice(b"\r\n\r\n\r\n");
    expected.extend_from_slice(b" P2 ,2026-01-02, caf\xe9 ,1, 2 ,,,,,,,");
    expected.extend_from_slice(blanks.as_bytes());
    expected.extend_from_slice(b"\n");
    expected.extend_from_slice(b"P3,2026-01-03,\"\",\"1\",ab\"c,,,,,,,");
    expected.extend_from_slice(blanks.as_bytes());
    expected.extend_from_slice(b"\r\n");
    // The new row: quoted only because its patient id needs it; CRLF like the header.
    expected.extend_from_slice(b"\"P, \"\"4\"\"\",2026-05-04,,,,,,,,,,,1,1,2,,0,1,3,2\r\n");
    assert_eq!(
        String::from_utf8_lossy(&plan.bytes),
        String::from_utf8_lossy(&expected)
    );
    assert_eq!(plan.bytes, expected);
    assert_eq!(plan.appended.line, 8);
    assert_eq!(plan.appended.added_columns.len(), 8);
}

#[test]
fn extension_without_data_rows_and_lone_cr_endings() {
    let registry = registry();
    let existing = b"patient_id,date\rP0,2026-01-01\r";
    let plan = plan_append("v.csv", Some(existing), &gad7_visit(&registry, "P1")).unwrap();
    assert_eq!(
        String::from_utf8(plan.bytes).unwrap(),
        "patient_id,date,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7,gad7_difficulty\r\
         P0,2026-01-01,,,,,,,,\r\
         P1,2026-05-04,1,1,2,,0,1,3,2\r"
    );
}

#[test]
fn empty_file_and_blank_lines_count_as_new() {
    let registry = registry();
    for existing in [&b""[..], b"\n\n"] {
        let plan = plan_append("v.csv", Some(existing), &phq9_visit(&registry, "P1")).unwrap();
        assert!(plan.appended.created);
        assert!(plan.bytes.starts_with(existing));
        assert_eq!(plan.appended.line, existing.len() as u64 + 2);
    }
}

/// A file holding only a byte-order mark (Excel's "CSV UTF-8" of an empty sheet), maybe
/// with blank lines, is a new file: the mark is kept, as every existing byte is, and it
/// tells Excel the file is UTF-8; `score` skips it.
#[test]
fn a_byte_order_mark_alone_counts_as_a_new_file_and_is_kept() {
    let registry = registry();
    let visit = phq9_visit(&registry, "P1");
    for existing in [
        &b"\xef\xbb\xbf"[..],
        b"\xef\xbb\xbf\n",
        b"\xef\xbb\xbf\r\n\r\n",
        b"\xef\xbb\xbf\r\r",
    ] {
        let check = check_contents("v.csv", Some(existing), &visit).unwrap();
        assert!(!check.exists, "{existing:?}");
        let plan = plan_append("v.csv", Some(existing), &visit).unwrap();
        assert!(plan.appended.created);
        let mut expected = existing.to_vec();
        expected.extend_from_slice(
            format!("{PHQ9_HEADER}\nP1,2026-05-04,1,2,0,3,1,0,0,2,1,\n").as_bytes(),
        );
        assert_eq!(plan.bytes, expected, "{existing:?}");
        assert_eq!(plan.appended.line, line_after(existing) + 1, "{existing:?}");
    }
    // After a byte-order mark the header is found as usual.
    let existing = format!("\u{feff}{PHQ9_HEADER}\r\n");
    let plan = plan_append("v.csv", Some(existing.as_bytes()), &visit).unwrap();
    assert!(!plan.appended.created);
    assert_eq!(plan.appended.line, 2);
}

/// Line numbers as `score` counts them: `\r\n`, `\n` and a lone `\r` each end a line.
#[test]
fn lines_are_counted_as_score_counts_them() {
    assert_eq!(line_after(b""), 1);
    assert_eq!(line_after(b"a\rb\r"), 3);
    assert_eq!(line_after(b"a\r\nb\r\n"), 3);
    assert_eq!(line_after(b"a\n\r\r\n\n\r"), 6);
    let registry = registry();
    let existing = b"patient_id,date\rP0,2026-01-01\r\rP1,2026-05-04\r";
    let plan = plan_append("v.csv", Some(existing), &gad7_visit(&registry, "P2")).unwrap();
    assert_eq!(plan.appended.line, 5);
    let check = check_contents("v.csv", Some(existing), &phq9_visit(&registry, "P1")).unwrap();
    assert!(check.repeats.is_empty());
    let existing = format!("{PHQ9_HEADER}\rP0,2026-01-01,,,,,,,,,,\r\rP1,2026-05-04,1,,,,,,,,,\r");
    let check = check_contents(
        "v.csv",
        Some(existing.as_bytes()),
        &phq9_visit(&registry, "P1"),
    )
    .unwrap();
    assert_eq!(
        check.repeats,
        // Line 4 (after the blank line 3) already has PHQ-9; the new row would be line 5.
        [RepeatedVisit {
            instrument: "phq9",
            date: Some(jiff::civil::date(2026, 5, 4)),
            line: 5,
            earlier_line: 4,
        }]
    );
}

/// `enter` writes ISO dates; a file written another way would end up with two layouts.
#[test]
fn dates_in_another_layout_are_refused_with_their_line() {
    let registry = registry();
    let visit = phq9_visit(&registry, "P1");
    let existing = "patient_id,date\nP0,\nP0,2026-01-01\nP0,04/05/2026\nP0,5 May 2026\n";
    let expected = "v.csv:4:2: found the date '04/05/2026', not written as YYYY-MM-DD, expected every date in the file as YYYY-MM-DD, the only layout `enter` writes: a new row would mix two date layouts in one column, which `score` cannot read with one date layout (convert the file's dates to YYYY-MM-DD first)";
    assert_eq!(
        check_contents("v.csv", Some(existing.as_bytes()), &visit)
            .unwrap_err()
            .to_string(),
        expected
    );
    assert_eq!(file_error(existing, &visit), expected);
    // Blanks, spaces around a date and an impossible ISO date are not another layout.
    let fine = "patient_id,date\nP0,\nP0, 2026-01-01 \nP0,\"2026-02-30\"\n";
    assert!(check_contents("v.csv", Some(fine.as_bytes()), &visit).is_ok());
    assert!(plan_append("v.csv", Some(fine.as_bytes()), &visit).is_ok());
}

fn file_error(existing: &str, visit: &Visit<'_>) -> String {
    plan_append("v.csv", Some(existing.as_bytes()), visit)
        .unwrap_err()
        .to_string()
}

#[test]
fn refuses_files_it_cannot_extend_safely() {
    let registry = registry();
    let visit = phq9_visit(&registry, "P1");
    assert_eq!(
        file_error("patient_id,phq9_1\n", &visit),
        "v.csv:1: found no `date` column (columns `patient_id`, `phq9_1`), expected a `date` column: a saved visit always records its patient and date"
    );
    assert_eq!(
        file_error("patient_id,date,phq9_1,phq9_2\n", &visit),
        "v.csv:1: found 2 of the 9 `phq9` item columns (missing `phq9_3`, `phq9_4`, `phq9_5`, `phq9_6`, `phq9_7`, `phq9_8`, `phq9_9`), expected all of them or none"
    );
    assert_eq!(
        file_error("patient_id,date,date\n", &visit),
        "v.csv:1: found 2 columns named `date` (columns 2, 3), expected one"
    );
    assert_eq!(
        file_error(
            "patient_id,date\nP0,2026-01-01\n\nP1,2026-01-02,x\n",
            &visit
        ),
        "v.csv:4: found 3 fields, expected 2 like the header (a stray comma or an unclosed quote?)"
    );
    assert_eq!(
        file_error("patient_id,date\r\nP0,2026-01-01\r\nP1,\"2026\r\n", &visit),
        "v.csv:3: found a quoted cell that is never closed, expected every `\"` that opens a cell to be closed"
    );
    let not_utf8 = plan_append("v.csv", Some(b"patient_id,d\xe9te\n"), &visit).unwrap_err();
    assert_eq!(
        not_utf8.to_string(),
        "v.csv:1:2: found a header cell that is not UTF-8 (d\\xe9te), expected UTF-8 column names"
    );
}

#[test]
fn refuses_unusable_visits() {
    let registry = registry();
    let mut visit = phq9_visit(&registry, " ");
    assert!(plan_append("v.csv", None, &visit).is_err());
    visit.patient_id = "P1".into();
    visit.forms[0].items[8] = Answer::Invalid;
    assert_eq!(
        plan_append("v.csv", None, &visit).unwrap_err().to_string(),
        "visit for patient `P1`: found an unusable answer in `phq9_9`, expected a value from 0 to 3, or blank"
    );
    visit.forms[0].items[8] = Answer::Value(4);
    assert!(plan_append("v.csv", None, &visit).is_err());
    visit.forms[0].items.pop();
    assert!(plan_append("v.csv", None, &visit).is_err());
    let twice = Visit {
        forms: vec![
            Form::blank(registry.get("gad7").unwrap()),
            Form::blank(registry.get("gad7").unwrap()),
        ],
        ..phq9_visit(&registry, "P1")
    };
    assert!(
        plan_append("v.csv", None, &twice)
            .unwrap_err()
            .to_string()
            .contains("`gad7` twice")
    );
}

mod round_trip;

/// `enter` lists a header's names as `score` does (one lister, `columns::list_names`): a
/// control character in a name is shown escaped, so a crafted header cannot drive the
/// terminal through the refusal, and twelve names are shown before "and N more".
#[test]
fn a_refused_header_lists_its_names_escaped_as_score_does() {
    let registry = registry();
    let names: Vec<String> = std::iter::once("\u{1b}[2Jid".to_owned())
        .chain((2..=13).map(|n| format!("c{n}")))
        .collect();
    let existing = format!("{}\n", names.join(","));
    let err = check_contents(
        "v.csv",
        Some(existing.as_bytes()),
        &phq9_visit(&registry, "P1"),
    )
    .unwrap_err()
    .to_string();
    assert!(!err.contains('\u{1b}'), "{err}");
    assert!(err.contains("`c12`, and 1 more"), "{err}");
}
