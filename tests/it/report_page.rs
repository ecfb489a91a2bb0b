//! Issue 14, `symscore report`: the whole page of `examples/`, read with an XML parser (the
//! page is well-formed XML): every chart, table and index row, nothing outside the file, and
//! where the page goes.

use roxmltree::Node;

use crate::support::report::{all_text, child, has_class, parse, point, report};
use crate::support::symscore;

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

    // The caseload overview (as of 1 December 2026): one row per chart, patient and
    // instrument each linking to that chart, most urgent first.
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
    let rows: Vec<String> = index
        .descendants()
        .filter(|n| n.tag_name().name() == "tr")
        .skip(1)
        .map(all_text)
        .collect();
    assert_eq!(rows.len(), 14);
    // P003's PHQ-9 item 9 was unknown on 28 April (after its dosing of 7 April), P004's
    // endorsed four times after 19 May: both rank first, by patient id. P004: baseline 11,
    // latest 18, +7; 19 May to 1 December is 12 + 30 + 31 + 31 + 30 + 31 + 30 + 1 = 196 days.
    assert!(rows[0].starts_with("P003phq9SAFETY"), "{}", rows[0]);
    assert!(
        rows[1].starts_with("P004phq9SAFETYpsilocybin 25 mg, 2026-05-19, day 19611 → 18 (+7)"),
        "{}",
        rows[1]
    );
    // P001 reached its targets (PHQ-9 3 and GAD-7 2, under 5): last.
    assert!(rows[13].starts_with("P001gad7AT_TARGET"), "{}", rows[13]);

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
    assert!(
        all_text(index).ends_with("No patient has a scored visit in this selection."),
        "{}",
        all_text(index)
    );
    assert!(doc.descendants().all(|n| n.tag_name().name() != "svg"));
}

/// The overview on top of the page keeps a safety answer from before the current course in
/// sight, marked as an alert, though it does not rank the row (clinical rules §12.2): C14's
/// item 9 was endorsed on 7 January, before its second session of 2 March, whose course
/// ends at target (12 → 2).
#[test]
fn the_overview_on_top_keeps_an_earlier_safety_answer_in_sight() {
    let (html, _) = report(&[
        "tests/fixtures/caseload/visits.csv",
        "--dosing",
        "tests/fixtures/caseload/dosing.csv",
        "--patient",
        "C14",
    ]);
    let doc = parse(&html);
    let index = doc.descendants().find(|n| has_class(*n, "index")).unwrap();
    let row = index
        .descendants()
        .find(|n| n.tag_name().name() == "tr" && has_class(*n, "safety"))
        .expect("C14's row is marked as a safety row");
    let text = all_text(row);
    assert!(text.starts_with("C14phq9AT_TARGET"), "{text}");
    assert!(text.contains("12 → 2 (-10)"), "{text}");
    let alert = row
        .descendants()
        .find(|n| has_class(*n, "alert"))
        .expect("an alert");
    assert_eq!(
        all_text(alert),
        "before this course: !! ITEM9_POSITIVE on 2026-01-07"
    );
}

/// A filter may not take a safety answer off the page: with `-i gad7`, P004's PHQ-9 item 9,
/// endorsed on lines 35, 36, 37 and 39 of `examples/visits.csv`, is in no chart, so the page
/// lists each one on top with `!!` (as stderr tells it).
#[test]
fn a_safety_answer_left_out_by_a_filter_is_listed_on_the_page() {
    let (html, _) = report(&[
        "examples/visits.csv",
        "--dosing",
        "examples/dosing.csv",
        "--patient",
        "P004",
        "-i",
        "gad7",
    ]);
    let doc = parse(&html);
    let undrawn = doc
        .descendants()
        .find(|n| has_class(*n, "undrawn"))
        .expect("a list of safety answers in no chart");
    let items: Vec<String> = undrawn
        .descendants()
        .filter(|n| n.tag_name().name() == "li")
        .map(all_text)
        .collect();
    assert_eq!(
        items,
        [35, 36, 37, 39].map(|line| {
            let date = match line {
                35 => "2026-06-09",
                36 => "2026-06-16",
                37 => "2026-06-23",
                _ => "2026-07-07",
            };
            format!(
                "!! ITEM9_POSITIVE: line {line}, patient P004, phq9 on {date} (the instrument \
                 is left out of this report); follow it up as any safety flag."
            )
        })
    );
    // Without the filter every answer has its chart, and there is no such list.
    let (html, _) = report(&[
        "examples/visits.csv",
        "--dosing",
        "examples/dosing.csv",
        "--patient",
        "P004",
    ]);
    let doc = parse(&html);
    assert!(doc.descendants().all(|n| !has_class(n, "undrawn")));
}
