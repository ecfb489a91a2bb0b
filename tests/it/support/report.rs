//! What the report tests share: running `symscore report`, and reading the page or a chart
//! as XML.

use roxmltree::{Document, Node};

use super::symscore;

/// The day every report test reads its caseload overview, so that no page depends on the
/// day the tests run.
pub(crate) const AS_OF: &str = "2026-12-01";

/// Runs `symscore report --as-of AS_OF` with `args`; its standard output, its exit status.
pub(crate) fn report(args: &[&str]) -> (String, i32) {
    let output = symscore()
        .arg("report")
        .args(["--as-of", AS_OF])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        String::from_utf8(output.stdout).unwrap(),
        output.status.code().unwrap(),
    )
}

/// The page or chart as XML; the page starts with `<!DOCTYPE html>`.
pub(crate) fn parse(text: &str) -> Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    Document::parse_with_options(text, options).unwrap()
}

pub(crate) fn has_class(node: Node<'_, '_>, class: &str) -> bool {
    node.attribute("class")
        .is_some_and(|c| c.split(' ').any(|w| w == class))
}

/// The marker group of the administration on `date`.
pub(crate) fn point<'a, 'i>(doc: &'a Document<'i>, date: &str) -> Node<'a, 'i> {
    doc.descendants()
        .find(|n| has_class(*n, "point") && n.attribute("data-date") == Some(date))
        .unwrap_or_else(|| panic!("no point on {date}"))
}

pub(crate) fn child<'a, 'i>(node: Node<'a, 'i>, tag: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.tag_name().name() == tag)
}

pub(crate) fn all_text(node: Node<'_, '_>) -> String {
    node.descendants()
        .filter(Node::is_text)
        .filter_map(|n| n.text())
        .collect()
}
