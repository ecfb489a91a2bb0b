//! Known-answer tests: every expectation in `fixtures/known_answers.csv` was computed by hand
//! from the scoring reference (the `why` column shows the arithmetic), independently of the
//! code. One test walks every row and reports every mismatch at once.

use std::collections::BTreeSet;

use symscore::score::Answer;
use symscore::{MissingTokens, Registry, parse_answer, score};

#[derive(Debug, serde::Deserialize)]
struct Case {
    #[serde(rename = "case")]
    name: String,
    instrument: String,
    answers: String,
    total: Option<u32>,
    total_exact: String,
    severity: String,
    flags: String,
    subscales: String,
    why: String,
}

#[test]
fn every_hand_computed_case_matches() {
    let registry = Registry::builtin();
    let missing = MissingTokens::default();
    let mut reader = csv::Reader::from_path("tests/fixtures/known_answers.csv").unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    for row in reader.deserialize::<Case>() {
        let case = row.unwrap();
        count += 1;
        let instrument = registry.get(&case.instrument).unwrap();
        let answers: Vec<Answer> = case
            .answers
            .split(' ')
            .map(|token| {
                let cell = if token == "_" { "" } else { token };
                parse_answer(cell, &instrument.scale, &missing).unwrap_or(Answer::Invalid)
            })
            .collect();
        let report = score(instrument, &answers).unwrap();

        let exact = report.total_exact.map(|f| {
            if f.denominator() == 1 {
                f.numerator().to_string()
            } else {
                format!("{}/{}", f.numerator(), f.denominator())
            }
        });
        let flags: BTreeSet<&str> = report.flags.iter().map(|f| f.name).collect();
        let expected_flags: BTreeSet<&str> =
            case.flags.split(';').filter(|f| !f.is_empty()).collect();
        let subscales = report
            .subscales
            .iter()
            .map(|s| {
                format!(
                    "{}={}",
                    s.id,
                    s.value.map(|v| v.to_string()).unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join(";");

        let mut wrong = Vec::new();
        if report.total != case.total {
            wrong.push(format!(
                "total {:?}, expected {:?}",
                report.total, case.total
            ));
        }
        if exact.as_deref().unwrap_or("") != case.total_exact {
            wrong.push(format!(
                "total_exact {exact:?}, expected {:?}",
                case.total_exact
            ));
        }
        if report.severity.id() != case.severity {
            wrong.push(format!(
                "severity {}, expected {}",
                report.severity.id(),
                case.severity
            ));
        }
        if flags != expected_flags {
            wrong.push(format!("flags {flags:?}, expected {expected_flags:?}"));
        }
        if subscales != case.subscales {
            wrong.push(format!(
                "subscales {subscales:?}, expected {:?}",
                case.subscales
            ));
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{} [{}] ({}): {}",
                case.name,
                case.answers,
                case.why,
                wrong.join("; ")
            ));
        }
    }
    assert!(
        count >= 100,
        "the fixture should hold at least 100 cases, found {count}"
    );
    assert!(
        failures.is_empty(),
        "{} of {count} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
