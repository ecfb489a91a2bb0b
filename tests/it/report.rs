//! Issue 14, `symscore report`: the structure of the page and of a chart, read with an XML
//! parser (the page is well-formed XML), never compared as bytes. Coordinates are worked out
//! by hand: see `src/report/chart/tests.rs` for the same course.
//!
//! The fixture `tests/fixtures/report/` has P1 (PHQ-9, dosing 10 March, `--window 28`) with a
//! baseline, a recall-overlap, an invalid, a prorated and a safety administration, and one
//! after the window; and a patient whose id and dosing label hold markup.

use roxmltree::{Document, Node};

use crate::support::symscore;

const VISITS: &str = "tests/fixtures/report/visits.csv";
const DOSING: &str = "tests/fixtures/report/dosing.csv";
const MARKUP_PATIENT: &str = "P<script>alert(1)</script>&2";

/// Runs `symscore report` with `args`; its standard output, its exit status.
fn report(args: &[&str]) -> (String, i32) {
    let output = symscore().arg("report").args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        String::from_utf8(output.stdout).unwrap(),
        output.status.code().unwrap(),
    )
}

/// The page or chart as XML; the page starts with `<!DOCTYPE html>`.
fn parse(text: &str) -> Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    Document::parse_with_options(text, options).unwrap()
}

fn has_class(node: Node<'_, '_>, class: &str) -> bool {
    node.attribute("class")
        .is_some_and(|c| c.split(' ').any(|w| w == class))
}

/// The marker group of the administration on `date`.
fn point<'a, 'i>(doc: &'a Document<'i>, date: &str) -> Node<'a, 'i> {
    doc.descendants()
        .find(|n| has_class(*n, "point") && n.attribute("data-date") == Some(date))
        .unwrap_or_else(|| panic!("no point on {date}"))
}

fn child<'a, 'i>(node: Node<'a, 'i>, tag: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.tag_name().name() == tag)
}

fn all_text(node: Node<'_, '_>) -> String {
    node.descendants()
        .filter(Node::is_text)
        .filter_map(|n| n.text())
        .collect()
}

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
fn the_page_holds_every_chart_and_table_and_refers_to_nothing_outside() {
    let (html, status) = report(&["examples/visits.csv", "--dosing", "examples/dosing.csv"]);
    assert_eq!(status, 0);
    for outside in [
        "<script",
        "http:",
        "https:",
        "url(",
        "@import",
        "<link",
        "src=",
        "@font-face",
    ] {
        assert!(!html.contains(outside), "the page holds {outside:?}");
    }
    let doc = parse(&html);
    let sections: Vec<Node<'_, '_>> = doc
        .descendants()
        .filter(|n| has_class(*n, "patient"))
        .collect();
    assert_eq!(sections.len(), 6);
    let charts: Vec<Node<'_, '_>> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "svg")
        .collect();
    // P001, P002, P004, P005: PHQ-9 and GAD-7; P003 and P006 also PCL-5.
    assert_eq!(charts.len(), 14);
    for chart in &charts {
        assert_eq!(chart.attribute("role"), Some("img"));
        let labelled = chart.attribute("aria-labelledby").unwrap();
        for id in labelled.split(' ') {
            assert!(
                doc.descendants().any(|n| n.attribute("id") == Some(id)),
                "{id}"
            );
        }
        assert!(!all_text(child(*chart, "desc").unwrap()).is_empty());
    }
    let tables = doc.descendants().filter(|n| has_class(*n, "data")).count();
    assert_eq!(tables, 14);

    // The index: one row per chart, each linking to a chart in the page.
    let index = doc.descendants().find(|n| has_class(*n, "index")).unwrap();
    let links: Vec<&str> = index
        .descendants()
        .filter_map(|n| n.attribute("href"))
        .collect();
    assert_eq!(links.len(), 28);
    for link in links {
        let id = link.strip_prefix('#').unwrap();
        assert!(
            doc.descendants()
                .any(|n| n.attribute("id") == Some(id) && has_class(n, "chart-block"))
        );
    }
    let index_text = all_text(index);
    assert!(
        index_text.contains("P004phq9DETERIORATION (dosing 2026-05-19)!! endorsed or unanswered")
    );

    // P001's PHQ-9 table: the baseline of 6 February is 19, the visit of 24 February 6 (day
    // 14 after the dose of 10 February, 13 below the baseline).
    let p001 = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("p1-0"))
        .unwrap();
    let rows: Vec<Vec<String>> = p001
        .descendants()
        .filter(|n| n.tag_name().name() == "tr")
        .map(|tr| {
            tr.children()
                .filter(Node::is_element)
                .map(all_text)
                .collect()
        })
        .collect();
    assert!(rows.contains(&strings(&[
        "2026-02-06",
        "19",
        "moderately_severe",
        "outside any window",
        "",
        "",
        "baseline",
        "CASENESS_PHQ9 MAJOR_DEPRESSIVE_SYNDROME",
        "3"
    ])));
    assert!(rows.contains(&strings(&[
        "2026-02-24",
        "6",
        "mild",
        "psilocybin 25 mg 2026-02-10",
        "14",
        "-13",
        "",
        "",
        "6"
    ])));
}

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
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

#[test]
fn dash_is_standard_output_and_a_file_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    let (stdout, status) = report(&[
        "examples/visits.csv",
        "--dosing",
        "examples/dosing.csv",
        "--patient",
        "P002",
        "-o",
        "-",
    ]);
    assert_eq!(status, 0);
    assert!(stdout.starts_with("<!DOCTYPE html>") && stdout.ends_with("</html>\n"));
    let (nothing, status) = report(&[
        "examples/visits.csv",
        "--dosing",
        "examples/dosing.csv",
        "--patient",
        "P002",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!((nothing.as_str(), status), ("", 0));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), stdout);
}

#[test]
fn the_report_may_not_replace_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let visits = dir.path().join("visits.csv");
    std::fs::copy("examples/visits.csv", &visits).unwrap();
    let before = std::fs::read(&visits).unwrap();
    let output = symscore()
        .args([
            "report",
            visits.to_str().unwrap(),
            "--dosing",
            "examples/dosing.csv",
            "-o",
        ])
        .arg(&visits)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(std::fs::read(&visits).unwrap(), before);
}

/// A safety answer outside every window is drawn ringed with `!!`, said beside the chart and
/// told on stderr, as `trend` tells it.
#[test]
fn a_safety_answer_outside_every_window_is_drawn_and_told() {
    let output = symscore()
        .args([
            "report",
            "examples/visits.csv",
            "--dosing",
            "examples/dosing.csv",
            "--patient",
            "P004",
            "-i",
            "phq9",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("symscore: !! examples/visits.csv:39: patient `P004`, phq9 on 2026-07-07: ITEM9_POSITIVE outside every window"), "{stderr}");
    let html = String::from_utf8(output.stdout).unwrap();
    let doc = parse(&html);
    let outside = point(&doc, "2026-07-07");
    assert!(has_class(outside, "safety"));
    assert!(outside.children().any(|c| c.text() == Some("!!")));
    let said: Vec<String> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "p" && has_class(*n, "alert"))
        .map(all_text)
        .collect();
    assert!(
        said.contains(
            &"!! 2026-07-07: safety item endorsed or unanswered, outside any window.".to_owned()
        ),
        "{said:?}"
    );
}

/// A selection with no scored visit still gives a whole page, which says so.
#[test]
fn a_page_without_patients_says_so() {
    let (html, status) = report(&[
        "examples/visits.csv",
        "--dosing",
        "examples/dosing.csv",
        "--patient",
        "P999",
    ]);
    // The patient asked for never appears: status 1, as `trend`.
    assert_eq!(status, 1);
    let doc = parse(&html);
    let index = doc.descendants().find(|n| has_class(*n, "index")).unwrap();
    assert_eq!(
        all_text(index),
        "PatientsNo patient has a scored visit in this selection."
    );
    assert!(doc.descendants().all(|n| n.tag_name().name() != "svg"));
}
