//! The library's visits-file errors: each has a kind a caller can match on, and no message
//! names a command-line flag (the binary adds those, by kind; `bad_inputs` pins its text).

use symscore::Registry;
use symscore::batch::{BatchOptions, BatchReader, DateErrorKind, DiagnosticKind, RowOutcome};
use symscore::error::{BatchError, BatchErrorKind, HeaderProblem, RenameProblem};

const PHQ9: &str = "phq9_1,phq9_2,phq9_3,phq9_4,phq9_5,phq9_6,phq9_7,phq9_8,phq9_9";

/// The error that stops reading `input` with `options`, from the header or any row.
fn error_of(input: &str, options: BatchOptions) -> BatchError {
    let registry = Registry::builtin();
    let mut reader = match BatchReader::new(&registry, input.as_bytes(), "v.csv", options) {
        Ok(reader) => reader,
        Err(err) => return err,
    };
    let mut row = RowOutcome::default();
    loop {
        match reader.read_row(&mut row) {
            Ok(true) => {}
            Ok(false) => panic!("no error in {input:?}"),
            Err(err) => return err,
        }
    }
}

fn renamed(pairs: &[(&str, &str)]) -> BatchOptions {
    let mut options = BatchOptions::default();
    options.renames = pairs
        .iter()
        .map(|&(s, t)| (s.to_owned(), t.to_owned()))
        .collect();
    options
}

#[test]
fn every_visits_file_error_has_a_kind_and_names_no_flag() {
    let plain = BatchOptions::default();
    let header = format!("patient_id,date,{PHQ9}");
    let row = "P1,2026-03-01,0,0,0,0,0,0,0,0,0";
    let mut dated = BatchOptions::default();
    dated.date_required = true;
    let mut named_date = BatchOptions::default();
    named_date.date_column = Some("visit".to_owned());
    let mut refused = BatchOptions::default();
    refused.missing.add("2").unwrap();
    let cases: Vec<(String, BatchOptions, BatchErrorKind)> = vec![
        (
            format!("patient_id;date;{}\n", PHQ9.replace(',', ";")),
            plain.clone(),
            BatchErrorKind::Header(HeaderProblem::LooksDelimited { delimiter: ';' }),
        ),
        (
            format!("id,date,{PHQ9}\n"),
            plain.clone(),
            BatchErrorKind::Header(HeaderProblem::NoPatientColumn),
        ),
        (
            format!("patient_id,{PHQ9}\n"),
            dated,
            BatchErrorKind::Header(HeaderProblem::NoDateColumn),
        ),
        (
            format!("{header}\n"),
            named_date,
            BatchErrorKind::Header(HeaderProblem::NoNamedDateColumn {
                name: "visit".to_owned(),
                found: "`patient_id`, `date`, `phq9_1`, `phq9_2`, `phq9_3`, `phq9_4`, `phq9_5`, `phq9_6`, `phq9_7`, `phq9_8`, `phq9_9`".to_owned(),
            }),
        ),
        (
            "patient_id,date,q1\n".to_owned(),
            plain.clone(),
            BatchErrorKind::Header(HeaderProblem::NoInstrumentColumns),
        ),
        (
            format!("{header},Q\n"),
            renamed(&[("Q", "a"), ("Q", "b")]),
            BatchErrorKind::Header(HeaderProblem::Rename(RenameProblem::SourceTwice {
                source: "Q".to_owned(),
                first: "a".to_owned(),
                second: "b".to_owned(),
            })),
        ),
        (
            format!("{header}\n"),
            renamed(&[("nosuch", "x")]),
            BatchErrorKind::Header(HeaderProblem::Rename(RenameProblem::SourceAbsent {
                source: "nosuch".to_owned(),
                found: "`patient_id`, `date`, `phq9_1`, `phq9_2`, `phq9_3`, `phq9_4`, `phq9_5`, `phq9_6`, `phq9_7`, `phq9_8`, `phq9_9`".to_owned(),
            })),
        ),
        (
            format!("{header}\n{row}\n"),
            refused,
            BatchErrorKind::NonAnswerCodeIsAnAnswer { code: 2 },
        ),
        (
            format!("{header}\n{row},9\n"),
            plain.clone(),
            BatchErrorKind::UnequalFields,
        ),
        (
            format!("{header}\n{row}\nP2,\"2026-03-01,0\n"),
            plain.clone(),
            BatchErrorKind::UnclosedQuote,
        ),
        (
            format!("{header}\n{}\n", ",".repeat(70_000)),
            plain.clone(),
            BatchErrorKind::TooLarge,
        ),
        (
            "PK\u{3}\u{4}rest".to_owned(),
            plain.clone(),
            BatchErrorKind::NotCsv,
        ),
        (String::new(), plain, BatchErrorKind::Header(HeaderProblem::Missing)),
    ];
    for (input, options, kind) in cases {
        let err = error_of(&input, options);
        assert_eq!(err.kind(), &kind, "{err}");
        let text = err.to_string();
        assert!(!text.contains("--"), "names a flag: {text}");
        // Every problem of the file says where; a problem of the options has no place.
        let of_options = matches!(kind, BatchErrorKind::NonAnswerCodeIsAnAnswer { .. });
        assert_eq!(text.starts_with("v.csv:"), !of_options, "{text}");
    }
}

#[test]
fn a_date_in_another_layout_is_a_diagnostic_of_its_kind_without_a_flag() {
    let registry = Registry::builtin();
    let input = format!("patient_id,date,{PHQ9}\nP1,01/03/2026,0,0,0,0,0,0,0,0,0\n");
    let mut reader = BatchReader::new(
        &registry,
        input.as_bytes(),
        "v.csv",
        BatchOptions::default(),
    )
    .unwrap();
    let row = reader.next_row().unwrap().unwrap();
    let [diagnostic] = row.diagnostics.as_slice() else {
        panic!("{:?}", row.diagnostics)
    };
    assert_eq!(diagnostic.kind, DiagnosticKind::Date(DateErrorKind::NotIso));
    assert_eq!(
        diagnostic.to_string(),
        "v.csv:2:2: column 'date': expected a date as YYYY-MM-DD, found '01/03/2026'"
    );
}
