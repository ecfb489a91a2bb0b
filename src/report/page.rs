//! The HTML page around the patients' sections: head with the stylesheet, and the end (the
//! caseload overview on top is `overview`'s). One file with everything inline: no script, no font, no address
//! outside the page, so patient data never leaves it and it opens offline. The markup is
//! also well-formed XML (empty elements closed), so tests read it with an XML parser.

use std::fmt::{self, Write as _};

use super::markup::text;

/// Screen and print styles. Print: each patient starts a page, charts are not split, and
/// colours are kept (`print-color-adjust`) so the band shading shows; every mark also has a
/// shape, so a black-and-white print loses nothing.
const STYLE: &str = "\
body{font-family:system-ui,sans-serif;color:#111;background:#fff;margin:1.5rem;line-height:1.4}
h1{font-size:1.4rem}h2{font-size:1.2rem;border-bottom:2px solid #111;padding-bottom:.2rem}
h3{font-size:1.05rem;margin-bottom:.3rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.85rem}
th,td{border:1px solid #666;padding:.15rem .4rem;text-align:left;vertical-align:top}
th{background:#eee}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.course{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
.course svg{max-width:100%;height:auto;border:1px solid #ccc}
.words{flex:1 1 16rem;max-width:30rem;font-size:.9rem}
table.data td:first-child{white-space:nowrap}
.date{white-space:nowrap}
.alert{color:#b00020;font-weight:bold}
.note{font-size:.85rem;color:#333}
@media print{
@page{margin:12mm}
body{margin:0;font-size:9pt}
table{font-size:7.5pt;margin:.2rem 0 .4rem}
h2{margin:.2rem 0}h3{margin:.4rem 0 .1rem}
.course{flex-wrap:nowrap;gap:.5rem}
.course svg{width:62%;flex:none}
.words{font-size:8pt}
*{print-color-adjust:exact;-webkit-print-color-adjust:exact}
nav.index{break-after:page}
section.patient{break-after:page}
section.patient:last-of-type{break-after:auto}
.course{break-inside:avoid}
h3{break-after:avoid}
.course svg{border:none}
a{color:#111;text-decoration:none}
}
@media (forced-colors:active){.course svg{forced-color-adjust:none;background:#fff}}
";

/// The start of the page, up to the index; the index and the sections are in `<main>`.
pub fn write_start(out: &mut String, source: &str) -> fmt::Result {
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <title>symscore report: {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n\
         <header><h1>symscore report</h1><p class=\"note\">Visits: {}. symscore flags results \
         for clinician review; it does not diagnose and does not recommend treatment. \
         <span class=\"alert\">!!</span> marks a safety item endorsed or unanswered.</p></header>\n<main>\n",
        text(source),
        text(source),
    )
}

/// The end of the page.
pub fn write_end(out: &mut String) -> fmt::Result {
    out.write_str("</main>\n</body>\n</html>\n")
}
