//! Definition loading: every rule a definition must meet, and the messages that say so.

use std::fs;

use symscore::instrument::parse_definition;
use symscore::{DefinitionError, Registry};

const GAD7: &str = include_str!("../../instruments/gad7.json");
const PCL5: &str = include_str!("../../instruments/pcl5.json");

fn problems(text: &str) -> String {
    match parse_definition("t.json", text) {
        Ok(_) => panic!("definition was accepted"),
        Err(err) => err.to_string(),
    }
}

#[test]
fn every_builtin_definition_loads() {
    let registry = Registry::builtin();
    for id in ["phq9", "gad7", "pcl5"] {
        assert!(registry.get(id).is_some(), "{id}");
    }
}

#[test]
fn overlapping_bands_are_rejected() {
    let text = GAD7.replace(r#""min": 10, "max": 14"#, r#""min": 9, "max": 14"#);
    let message = problems(&text);
    assert!(
        message.contains(
            "`severity.bands[2].min`: expected 10 (the previous band ends at 9), found 9 (overlap)"
        ),
        "{message}"
    );
}

#[test]
fn bands_must_reach_the_top_of_the_range() {
    let text = GAD7.replace(r#""min": 15, "max": 21"#, r#""min": 15, "max": 20"#);
    assert!(problems(&text).contains("expected 21 (the highest possible total), found 20"));
}

#[test]
fn items_out_of_order_are_rejected() {
    let text = GAD7.replace(r#""number": 3,"#, r#""number": 4,"#);
    assert!(problems(&text).contains(
        "`items[2].number`: expected item number 3 (items are listed in order from 1), found 4"
    ));
}

#[test]
fn a_cut_off_outside_the_range_is_rejected() {
    let text = GAD7.replace(r#""min_total": 10"#, r#""min_total": 22"#);
    assert!(problems(&text).contains("`thresholds[1].min_total`: expected a cut-off from 1 to 21"));
}

#[test]
fn a_cut_off_must_move_with_its_band() {
    // A clinic lowers the PCL-5 cut-off to 31 but forgets the severity band.
    let text = PCL5.replace(r#""min_total": 33"#, r#""min_total": 31"#);
    assert!(problems(&text).contains("expected 33, where band `probable_ptsd` starts (the cut-off and the band must move together), found 31"));
    // Moving both is accepted, and scores follow the new cut-off.
    let moved = text.replace(r#""max": 32 }"#, r#""max": 30 }"#).replace(
        r#""id": "probable_ptsd", "label": "Probable PTSD", "min": 33"#,
        r#""id": "probable_ptsd", "label": "Probable PTSD", "min": 31"#,
    );
    let pcl5 = parse_definition("pcl5.json", &moved).unwrap();
    let answers = vec![symscore::Answer::Value(1); 20];
    let mut answers = answers;
    answers[0] = symscore::Answer::Value(4);
    answers[1] = symscore::Answer::Value(4);
    answers[2] = symscore::Answer::Value(3);
    // 4 + 4 + 3 + 17·1 = 28 … below 31; raise three more items by one: 31.
    for a in answers.iter_mut().skip(3).take(3) {
        *a = symscore::Answer::Value(2);
    }
    let report = symscore::score(&pcl5, &answers).unwrap();
    assert_eq!(report.total, Some(31));
    assert_eq!(report.severity.id(), "probable_ptsd");
    assert!(report.has_flag("PROBABLE_PTSD"));
}

#[test]
fn flags_must_be_unique_and_not_the_scorers_own() {
    let text = GAD7.replace("SCREEN_POSITIVE_GAD7", "CASENESS_GAD7");
    assert!(
        problems(&text)
            .contains("expected each flag to be defined once, found `CASENESS_GAD7` again")
    );
    let text = GAD7.replace("SCREEN_POSITIVE_GAD7", "PRORATED");
    assert!(problems(&text).contains("which the scorer raises itself"));
}

#[test]
fn algorithm_references_must_exist() {
    let text = PCL5.replace(
        r#"{ "subscale": "E", "min_present": 2 }"#,
        r#"{ "subscale": "F", "min_present": 2 }"#,
    );
    assert!(problems(&text).contains("expected the id of a subscale, found `F`"));
    let text = PCL5.replace(r#""items": [6, 7] }"#, r#""items": [6, 21] }"#);
    assert!(
        problems(&text)
            .contains("`subscales[1].items[1]`: expected an item number from 1 to 20, found 21")
    );
}

#[test]
fn every_problem_is_reported_at_once_with_its_position() {
    let text = GAD7
        .replace(r#""recall_days": 14"#, r#""recall_days": 0"#)
        .replace(r#""max_missing": 1"#, r#""max_missing": 7"#);
    let Err(DefinitionError::Invalid { problems, .. }) = parse_definition("t.json", &text) else {
        panic!("expected rule violations")
    };
    assert_eq!(problems.len(), 2);
    assert_eq!(problems[0].json_path, "recall_days");
    assert_eq!(problems[0].position, Some((11, 18)));
    assert_eq!(problems[1].json_path, "missing.max_missing");
}

#[test]
fn syntax_errors_name_line_and_column() {
    let message = problems("{\n  \"id\": \"x\",\n  \"name\": 5\n}");
    assert!(
        message
            .starts_with("t.json:3:11: invalid type: integer `5`, expected a string (at `name`)"),
        "{message}"
    );
}

#[test]
fn two_files_with_one_id_in_a_directory_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.json"), GAD7).unwrap();
    fs::write(dir.path().join("b.json"), GAD7).unwrap();
    let err = Registry::builtin().load_dir(dir.path()).unwrap_err();
    assert!(
        err.to_string()
            .contains("instrument id `gad7` is already defined by"),
        "{err}"
    );
}

#[test]
fn a_directory_definition_replaces_the_builtin_one() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("gad7.json"),
        GAD7.replace(r#""version": "1.0.0""#, r#""version": "clinic-2""#),
    )
    .unwrap();
    let mut registry = Registry::builtin();
    registry.load_dir(dir.path()).unwrap();
    assert_eq!(registry.get("gad7").unwrap().version, "clinic-2");
    assert_eq!(registry.iter().count(), 3);
}
