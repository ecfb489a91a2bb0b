//! Issue 16: FHIR R4 resources written by symscore, checked by an independent
//! implementation. `instruments export --fhir ID` writes a Questionnaire; the Python
//! package `fhir.resources` (its R4B models, `tests/fhir/validate.py`, pinned in
//! `tests/fhir/requirements.txt`) validates it, and the values are checked against the
//! definitions in `instruments/`.
//!
//! The validator runs from `tests/fhir/.venv`, which `.ci/run` creates. In CI (`CI` set) a
//! missing one fails every validation. Elsewhere (`cargo test` on a fresh machine, as the
//! README says) a validation without it is skipped with a message giving the commands that
//! create it, as the browser checks of `report_browser.rs` are; the checks of values that need
//! no validator still run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::support::{stderr, symscore, write_file};

const VENV_PYTHON: &str = "tests/fhir/.venv/bin/python";

/// Runs `tests/fhir/validate.py` on `files`; `None` (said on stderr) when the virtual
/// environment is missing outside CI.
pub(crate) fn validate(files: &[&Path]) -> Option<Output> {
    if !Path::new(VENV_PYTHON).is_file() {
        let how = format!(
            "{VENV_PYTHON} is missing, so the FHIR validator cannot run. Create it (as .ci/run \
             does) with:\n  python3 -m venv tests/fhir/.venv\n  tests/fhir/.venv/bin/pip install -r \
             tests/fhir/requirements.txt\n(on Debian, `apt-get install python3-venv` first if \
             `python3 -m venv` fails)"
        );
        assert!(std::env::var_os("CI").is_none(), "CI is set: {how}");
        eprintln!("skipped: {how}");
        return None;
    }
    Some(
        Command::new(VENV_PYTHON)
            .arg("tests/fhir/validate.py")
            .args(files)
            .output()
            .expect("runs the validator"),
    )
}

/// `instruments export --fhir ID -o DIR/ID.json`, and the file's path.
fn export(dir: &Path, id: &str) -> PathBuf {
    let path = dir.join(format!("{id}.json"));
    symscore()
        .args(["instruments", "export", "--fhir", id, "-o"])
        .arg(&path)
        .assert()
        .success();
    path
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn loinc_codes(element: &Value) -> Vec<&str> {
    element["code"]
        .as_array()
        .map(|codes| {
            codes
                .iter()
                .inspect(|c| assert_eq!(c["system"], "http://loinc.org"))
                .map(|c| c["code"].as_str().unwrap())
                .collect()
        })
        .unwrap_or_default()
}

/// Per answer option: its code and its `ordinalValue` score, if any.
fn options(item: &Value) -> Vec<(String, Option<u64>)> {
    item["answerOption"]
        .as_array()
        .unwrap()
        .iter()
        .map(|option| {
            let score = option["extension"].as_array().map(|extensions| {
                assert_eq!(extensions.len(), 1);
                assert_eq!(
                    extensions[0]["url"],
                    "http://hl7.org/fhir/StructureDefinition/ordinalValue"
                );
                extensions[0]["valueDecimal"].as_u64().unwrap()
            });
            (
                option["valueCoding"]["code"].as_str().unwrap().to_owned(),
                score,
            )
        })
        .collect()
}

fn scored(range: std::ops::RangeInclusive<u64>) -> Vec<(String, Option<u64>)> {
    range.map(|v| (v.to_string(), Some(v))).collect()
}

#[test]
fn every_builtin_questionnaire_validates_with_fhir_resources() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = ["phq9", "gad7", "pcl5"]
        .iter()
        .map(|id| export(dir.path(), id))
        .collect();
    // The same three as NDJSON, one compact resource a line.
    let ndjson = files.iter().fold(String::new(), |mut all, f| {
        all.push_str(&read_json(f).to_string());
        all.push('\n');
        all
    });
    let ndjson = write_file(dir.path(), "all.ndjson", &ndjson);
    let mut paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    paths.push(&ndjson);
    let Some(output) = validate(&paths) else {
        return;
    };
    assert!(output.status.success(), "{}", stderr(&output));
    let stdout = String::from_utf8(output.stdout).unwrap();
    for id in ["phq9", "gad7", "pcl5"] {
        assert_eq!(
            stdout
                .matches(&format!("valid Questionnaire/{id}\n"))
                .count(),
            2,
            "{stdout}"
        );
    }
}

#[test]
fn the_validator_rejects_a_broken_questionnaire() {
    let dir = tempfile::tempdir().unwrap();
    let good = read_json(&export(dir.path(), "phq9"));
    let mut bogus_status = good.clone();
    bogus_status["status"] = "bogus".into();
    let mut misspelt_type = good.clone();
    misspelt_type["item"][3]["type"] = "chioce".into();
    let mut no_link_id = good.clone();
    no_link_id["item"][0]
        .as_object_mut()
        .unwrap()
        .remove("linkId");
    let mut text_score = good;
    text_score["item"][8]["answerOption"][1]["extension"][0]["valueDecimal"] = "one".into();
    for (name, broken, expected) in [
        (
            "status",
            bogus_status,
            "Questionnaire.status: `bogus` is not one of",
        ),
        (
            "type",
            misspelt_type,
            "Questionnaire.item[3].type: `chioce`",
        ),
        ("link", no_link_id, "linkId"),
        ("score", text_score, "valueDecimal"),
    ] {
        let path = write_file(dir.path(), &format!("{name}.json"), &broken.to_string());
        let Some(output) = validate(&[&path]) else {
            return;
        };
        assert_eq!(output.status.code(), Some(1), "{name}");
        let message = stderr(&output);
        assert!(
            message.contains(&format!("{name}.json: invalid:")),
            "{message}"
        );
        assert!(message.contains(expected), "{name}: {message}");
    }
}

#[test]
fn the_phq9_questionnaire_carries_the_codes_and_scores_of_its_definition() {
    let dir = tempfile::tempdir().unwrap();
    let q = read_json(&export(dir.path(), "phq9"));
    assert_eq!(q["resourceType"], "Questionnaire");
    assert_eq!(q["id"], "phq9");
    assert_eq!(q["status"], "active");
    assert_eq!(loinc_codes(&q), ["44249-1"]);
    assert!(
        q["copyright"]
            .as_str()
            .unwrap()
            .contains("Copyright Pfizer Inc.")
    );
    assert!(q["description"].as_str().unwrap().starts_with("Kroenke K"));
    let items = q["item"].as_array().unwrap();
    assert_eq!(items.len(), 10);
    // instruments/phq9.json, items 1 to 9 in order.
    let item_codes = [
        "44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3",
        "44260-8",
    ];
    for (n, (item, code)) in items.iter().zip(item_codes).enumerate() {
        assert_eq!(item["linkId"], format!("phq9_{}", n + 1));
        assert_eq!(item["type"], "choice");
        assert_eq!(item["required"], true);
        assert_eq!(loinc_codes(item), [code]);
        assert_eq!(options(item), scored(0..=3));
    }
    assert_eq!(
        items[8]["text"],
        "thoughts of being better off dead or of self-harm"
    );
    assert_eq!(
        items[0]["answerOption"][2]["valueCoding"]["display"],
        "More than half the days"
    );
    let difficulty = &items[9];
    assert_eq!(difficulty["linkId"], "phq9_difficulty");
    assert_eq!(loinc_codes(difficulty), ["69722-7"]);
    assert!(difficulty.get("required").is_none());
    // Not scored: the answers carry no score.
    let unscored: Vec<_> = (0..=3).map(|v| (v.to_string(), None)).collect();
    assert_eq!(options(difficulty), unscored);
}

#[test]
fn gad7_and_pcl5_carry_only_the_codes_their_definitions_have() {
    let dir = tempfile::tempdir().unwrap();
    let gad7 = read_json(&export(dir.path(), "gad7"));
    assert_eq!(loinc_codes(&gad7), ["69737-5"]);
    let items = gad7["item"].as_array().unwrap();
    assert_eq!(items.len(), 8);
    assert_eq!(loinc_codes(&items[5]), ["69689-8"]);
    assert_eq!(options(&items[6]), scored(0..=3));
    // The GAD-7 difficulty question has no code in the definition.
    assert_eq!(items[7]["linkId"], "gad7_difficulty");
    assert!(items[7].get("code").is_none());

    let pcl5 = read_json(&export(dir.path(), "pcl5"));
    assert_eq!(loinc_codes(&pcl5), ["101697-1"]);
    let items = pcl5["item"].as_array().unwrap();
    assert_eq!(items.len(), 20);
    for (n, item) in items.iter().enumerate() {
        assert_eq!(item["linkId"], format!("pcl5_{}", n + 1));
        assert!(item.get("code").is_none());
        assert_eq!(options(item), scored(0..=4));
    }
    assert!(
        pcl5["copyright"]
            .as_str()
            .unwrap()
            .contains("public domain")
    );
}

#[test]
fn the_export_is_pretty_json_with_a_final_newline_on_standard_output_or_dash() {
    for args in [&["--fhir", "gad7"][..], &["--fhir", "gad7", "-o", "-"]] {
        let output = symscore()
            .args(["instruments", "export"])
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success());
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(
            text.starts_with("{\n  \"resourceType\": \"Questionnaire\",\n"),
            "{text}"
        );
        assert!(text.ends_with("}\n") && !text.ends_with("\n\n"));
    }
}

#[test]
fn an_unknown_id_is_refused_with_the_known_ids() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("q.json");
    let output = symscore()
        .args(["instruments", "export", "--fhir", "phq10", "-o"])
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(
        stderr(&output)
            .contains("unknown instrument `phq10`; expected one of `phq9`, `gad7`, `pcl5`"),
        "{}",
        stderr(&output)
    );
    assert!(!target.exists());
}
