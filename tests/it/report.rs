//! Issue 14, `symscore report`: one chart, read with an XML parser, never compared as bytes.
//! Coordinates are worked out by hand: see `src/report/chart/tests.rs` for the same course.
//!
//! The fixture `tests/fixtures/report/` has P1 (PHQ-9, dosing 10 March, `--window 28`) with a
//! baseline, a recall-overlap, an invalid, a prorated and a safety administration, and one
//! after the window; and a patient whose id and dosing label hold markup.

use crate::support::report::{all_text, child, has_class, parse, point, report};
use crate::support::symscore;

const VISITS: &str = "tests/fixtures/report/visits.csv";
const DOSING: &str = "tests/fixtures/report/dosing.csv";
const MARKUP_PATIENT: &str = "P<script>alert(1)</script>&2";

#[test]
fn one_chart_as_svg_places_each_state_where_worked_out_by_hand() {
    let (svg, status) = report(&[
        VISITS,
        "--dosing",
        DOSING,
        "--window",
        "28",
        "--format",
        "svg",
        "--patient",
        "P1",
        "-i",
        "phq9",
    ]);
    // The invalid administration's row has rejected cells: status 1, as `trend`.
    assert_eq!(status, 1);
    let doc = parse(&svg);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    assert_eq!(root.attribute("role"), Some("img"));
    let title = all_text(child(root, "title").unwrap());
    assert_eq!(
        title,
        "Patient P1: Patient Health Questionnaire-9 (PHQ-9) over the whole course"
    );
    let desc = all_text(child(root, "desc").unwrap());
    for words in [
        "from 2026-03-01 to 2026-05-02",
        "7 administrations (1 invalid, 1 prorated)",
        "Dosing psilocybin 25 mg on 2026-03-10: baseline 9 → latest 9, status PLATEAU_NO_RELIABLE_IMPROVEMENT",
        "!! Safety item endorsed or unanswered on 2026-04-07",
    ] {
        assert!(desc.contains(words), "{words:?} not in {desc:?}");
    }

    // 8 units a day from 26 February at x 48; y = 250 − total × 210 / 27.
    let mild = point(&doc, "2026-03-17");
    let circle = child(mild, "circle").unwrap();
    assert_eq!(
        (circle.attribute("cx"), circle.attribute("cy")),
        (Some("200"), Some("180"))
    );
    assert_eq!(circle.attribute("fill"), Some("#1a1a1a"));

    let baseline = point(&doc, "2026-03-01");
    assert!(has_class(baseline, "baseline"));
    let square = child(baseline, "rect").unwrap();
    assert_eq!(
        (square.attribute("x"), square.attribute("y")),
        (Some("67.5"), Some("175.5"))
    );

    let overlap = point(&doc, "2026-03-12");
    assert!(has_class(overlap, "recall-overlap"));
    let grey = child(overlap, "circle").unwrap();
    assert_eq!(
        (grey.attribute("cy"), grey.attribute("fill")),
        (Some("110"), Some("#8a8a8a"))
    );

    // Invalid: a cross in the lane under the axis (y 266), not a point at 0 (y 250).
    let invalid = point(&doc, "2026-03-24");
    assert!(has_class(invalid, "invalid"));
    assert_eq!(invalid.attribute("data-total"), Some("invalid"));
    assert!(child(invalid, "circle").is_none());
    assert_eq!(
        child(invalid, "path").unwrap().attribute("d"),
        Some("M252 262l8 8m0 -8l-8 8")
    );

    let prorated = point(&doc, "2026-03-31");
    assert!(has_class(prorated, "prorated"));
    assert_eq!(
        child(prorated, "circle").unwrap().attribute("fill"),
        Some("#ffffff")
    );

    let safety = point(&doc, "2026-04-07");
    assert!(has_class(safety, "safety"));
    assert!(safety.children().any(|c| has_class(c, "ring")));
    assert!(safety.children().any(|c| c.text() == Some("!!")));
    assert!(
        all_text(child(safety, "title").unwrap()).contains("!! safety item endorsed or unanswered")
    );

    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "text")
        .map(all_text)
        .collect();
    for label in [
        "Minimal 0–4",
        "Severe 20–27",
        "caseness ≥ 10",
        "target < 5",
        "psilocybin 25 mg",
        "2026-03-10",
        "±6 of baseline 9",
        "invalid",
        "!! safety review",
    ] {
        assert!(
            texts.iter().any(|t| t == label),
            "no label {label:?} in {texts:?}"
        );
    }
    let window = doc.descendants().find(|n| has_class(*n, "window")).unwrap();
    assert_eq!(
        (window.attribute("x"), window.attribute("width")),
        (Some("144"), Some("232"))
    );
}

#[test]
fn markup_in_a_patient_id_or_a_label_is_shown_as_text() {
    let (html, _) = report(&[VISITS, "--dosing", DOSING, "--window", "28"]);
    assert!(!html.contains("<script"));
    assert!(!html.contains("<b>1</b>"));
    let doc = parse(&html);
    let headings: Vec<String> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "h2")
        .map(all_text)
        .collect();
    assert!(
        headings.contains(&format!("Patient {MARKUP_PATIENT}")),
        "{headings:?}"
    );
    assert!(
        doc.descendants()
            .all(|n| n.tag_name().name() != "script" && n.tag_name().name() != "b")
    );
    let labels: Vec<String> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "text")
        .map(all_text)
        .collect();
    assert!(labels.iter().any(|t| t == "MDMA <b>1</b> & co"));
}

#[test]
fn svg_refuses_anything_but_one_patient_and_one_instrument() {
    let output = symscore()
        .args([
            "report",
            VISITS,
            "--dosing",
            DOSING,
            "--format",
            "svg",
            "--patient",
            "P1",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--format svg draws one chart: give exactly one --patient and one --instrument (given: 1 patient and 0 instruments)"), "{stderr}");

    let output = symscore()
        .args([
            "report",
            "examples/visits.csv",
            "--dosing",
            "examples/dosing.csv",
            "--format",
            "svg",
            "--patient",
            "P001",
            "-i",
            "pcl5",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("patient `P001` has no administration of `pcl5`: no chart to draw")
    );
}
