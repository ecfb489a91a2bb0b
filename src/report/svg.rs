//! One [`Chart`] drawn as SVG. Every state of a point has its own shape or mark (hollow,
//! square, cross, ring and `!!`), so nothing is told by colour alone, and the colours are
//! dark enough on light shading to print in black and white.

use std::fmt::{self, Write as _};

use super::chart::{Chart, ChartPoint, FRAME};
use super::markup::{num, text};

/// The SVG namespace, which a standalone file must declare; a namespace name, never fetched.
const SVG_NAMESPACE: &str = "http://www.w3.org/2000/svg";
/// Shades of the severity bands, alternating, lowest band first.
const BAND_FILLS: [&str; 2] = ["#f2f2f2", "#e2e2e2"];
/// The points and lines: near black, so a black-and-white print keeps them.
const INK: &str = "#1a1a1a";
/// Recall-overlap points: grey, and said in the table and the point's title.
const GREY: &str = "#8a8a8a";
/// The safety ring and `!!`.
const ALERT: &str = "#b00020";

/// Whether the SVG is a file of its own (it declares its namespace) or inside a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Embedding {
    /// Inside an HTML page.
    Inline,
    /// A standalone `.svg` file.
    Standalone,
}

/// Writes `chart` as one `<svg role="img">` element, titled `title` and described by
/// `description` (which the caller words); `id` names its title and description for
/// `aria-labelledby`, unique in the page.
pub fn write_chart(
    out: &mut String,
    chart: &Chart,
    id: &str,
    title: &str,
    description: &str,
    embedding: Embedding,
) -> fmt::Result {
    let (w, h) = (FRAME.width, FRAME.height);
    let namespace = match embedding {
        Embedding::Standalone => format!(" xmlns=\"{SVG_NAMESPACE}\""),
        Embedding::Inline => String::new(),
    };
    let id = text(id);
    write!(
        out,
        "<svg{namespace} class=\"chart\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" \
         role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"sans-serif\" \
         font-size=\"11\">\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>\n",
        num(w),
        num(h),
        num(w),
        num(h),
        text(title),
        text(description),
    )?;
    write_background(out, chart)?;
    write_axes(out, chart)?;
    write_dosings(out, chart)?;
    write_points(out, chart)?;
    write_legend(out)?;
    out.write_str("</svg>\n")
}

/// Bands, windows, corridors and threshold lines, behind everything else.
fn write_background(out: &mut String, chart: &Chart) -> fmt::Result {
    let (left, right, plot_w) = (FRAME.left, FRAME.right, FRAME.right - FRAME.left);
    out.write_str("<g class=\"bands\">\n")?;
    for (i, band) in chart.bands.iter().enumerate() {
        writeln!(
            out,
            "<rect class=\"band\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>\
             <text class=\"band-label\" x=\"{}\" y=\"{}\" dominant-baseline=\"middle\">{} {}–{}</text>",
            num(left),
            num(band.y_top),
            num(plot_w),
            num(band.y_bottom - band.y_top),
            BAND_FILLS[i % 2],
            num(right + 6.0),
            num(f64::midpoint(band.y_top, band.y_bottom)),
            text(&band.label),
            band.min,
            band.max,
        )?;
    }
    out.write_str("</g>\n<g class=\"windows\">\n")?;
    for dosing in &chart.dosings {
        writeln!(
            out,
            "<rect class=\"window\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#9ec3e6\" \
             fill-opacity=\"0.35\"/>",
            num(dosing.x),
            num(FRAME.top),
            num(dosing.window_end_x - dosing.x),
            num(FRAME.bottom - FRAME.top),
        )?;
    }
    out.write_str("</g>\n<g class=\"corridors\">\n")?;
    for c in &chart.corridors {
        writeln!(
            out,
            "<rect class=\"corridor\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" \
             stroke=\"{INK}\" stroke-dasharray=\"2 3\"/><text x=\"{}\" y=\"{}\">±{} of baseline {}</text>",
            num(c.x_start),
            num(c.y_top),
            num(c.x_end - c.x_start),
            num(c.y_bottom - c.y_top),
            num(c.x_start + 3.0),
            num(c.y_top - 3.0),
            c.reliable_change,
            c.baseline,
        )?;
    }
    out.write_str("</g>\n<g class=\"thresholds\">\n")?;
    for (i, t) in chart.thresholds.iter().enumerate() {
        let dash = if i == 0 { "6 3" } else { "1 2" };
        writeln!(
            out,
            "<line class=\"threshold\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{INK}\" \
             stroke-width=\"1.5\" stroke-dasharray=\"{dash}\"/><text x=\"{}\" y=\"{}\" \
             text-anchor=\"end\">{}</text>",
            num(left),
            num(t.y),
            num(right),
            num(t.y),
            num(right - 3.0),
            num(t.y - 3.0),
            text(&t.label),
        )?;
    }
    out.write_str("</g>\n")
}

/// The axes, their ticks, and the lane for invalid administrations.
fn write_axes(out: &mut String, chart: &Chart) -> fmt::Result {
    let (left, right, top, bottom) = (FRAME.left, FRAME.right, FRAME.top, FRAME.bottom);
    writeln!(
        out,
        "<g class=\"axes\" stroke=\"{INK}\"><line x1=\"{l}\" y1=\"{t}\" x2=\"{l}\" y2=\"{b}\"/>\
         <line x1=\"{l}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\"/></g>",
        l = num(left),
        t = num(top),
        b = num(bottom),
        r = num(right),
    )?;
    out.write_str("<g class=\"y-ticks\" text-anchor=\"end\">\n")?;
    for (y, total) in &chart.y_ticks {
        writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" dominant-baseline=\"middle\">{total}</text>",
            num(left - 5.0),
            num(*y),
        )?;
    }
    out.write_str("</g>\n<g class=\"x-ticks\" text-anchor=\"middle\">\n")?;
    for (x, date) in &chart.x_ticks {
        writeln!(
            out,
            "<text x=\"{}\" y=\"{}\">{date}</text>",
            num(*x),
            num(FRAME.invalid_lane + 18.0),
        )?;
    }
    writeln!(
        out,
        "</g>\n<text class=\"invalid-lane\" x=\"{}\" y=\"{}\" text-anchor=\"end\" \
         dominant-baseline=\"middle\">invalid</text>",
        num(left - 5.0),
        num(FRAME.invalid_lane),
    )
}

/// Each dosing session: a labelled vertical marker.
fn write_dosings(out: &mut String, chart: &Chart) -> fmt::Result {
    out.write_str("<g class=\"dosings\">\n")?;
    for dosing in &chart.dosings {
        let label = dosing.label.as_deref().unwrap_or("dosing");
        writeln!(
            out,
            "<line class=\"dosing\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{INK}\" \
             stroke-width=\"2\"/><text x=\"{x}\" y=\"{}\" font-weight=\"bold\">{}</text>\
             <text x=\"{x}\" y=\"{}\">{}</text>",
            num(FRAME.top - 4.0),
            num(FRAME.bottom),
            num(FRAME.top - 22.0),
            text(label),
            num(FRAME.top - 9.0),
            dosing.date,
            x = num(dosing.x),
        )?;
    }
    out.write_str("</g>\n")
}

/// The course as a line through the valid totals, then every administration's marker.
fn write_points(out: &mut String, chart: &Chart) -> fmt::Result {
    out.write_str("<polyline class=\"course\" fill=\"none\" stroke=\"#555\" points=\"")?;
    for (i, p) in chart
        .points
        .iter()
        .filter(|p| p.total.is_some())
        .enumerate()
    {
        let sep = if i == 0 { "" } else { " " };
        write!(out, "{sep}{},{}", num(p.x), num(p.y))?;
    }
    out.write_str("\"/>\n<g class=\"points\">\n")?;
    for point in &chart.points {
        write_point(out, point)?;
    }
    out.write_str("</g>\n")
}

/// One administration: its shape, its ring and `!!` when a safety item needs review, and a
/// `<title>` saying all of it in words.
fn write_point(out: &mut String, p: &ChartPoint) -> fmt::Result {
    let s = p.state;
    let mut classes = vec!["point"];
    for (on, class) in [
        (s.invalid, "invalid"),
        (s.prorated, "prorated"),
        (s.recall_overlap, "recall-overlap"),
        (s.baseline, "baseline"),
        (s.safety, "safety"),
    ] {
        if on {
            classes.push(class);
        }
    }
    let total = p
        .total
        .map_or_else(|| "invalid".to_owned(), |t| t.to_string());
    write!(
        out,
        "<g class=\"{}\" data-date=\"{}\" data-total=\"{total}\" data-line=\"{}\"><title>{}</title>",
        classes.join(" "),
        p.date,
        p.line,
        text(&point_words(p)),
    )?;
    let (x, y) = (num(p.x), num(p.y));
    let colour = if s.recall_overlap { GREY } else { INK };
    let fill = if s.prorated { "#ffffff" } else { colour };
    if s.invalid {
        write!(
            out,
            "<path d=\"M{} {}l8 8m0 -8l-8 8\" stroke=\"{INK}\" stroke-width=\"2\"/>",
            num(p.x - 4.0),
            num(p.y - 4.0),
        )?;
    } else if s.baseline {
        write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"9\" height=\"9\" fill=\"{fill}\" stroke=\"{colour}\" \
             stroke-width=\"2\"/>",
            num(p.x - 4.5),
            num(p.y - 4.5),
        )?;
    } else {
        write!(
            out,
            "<circle cx=\"{x}\" cy=\"{y}\" r=\"4\" fill=\"{fill}\" stroke=\"{colour}\" \
             stroke-width=\"2\"/>"
        )?;
    }
    if s.safety {
        write!(
            out,
            "<circle class=\"ring\" cx=\"{x}\" cy=\"{y}\" r=\"8.5\" fill=\"none\" stroke=\"{ALERT}\" \
             stroke-width=\"2\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" \
             font-weight=\"bold\" fill=\"{ALERT}\">!!</text>",
            num(p.y - 12.0),
        )?;
    }
    out.write_str("</g>\n")
}

/// A point in words, for its tooltip and for screen readers.
fn point_words(p: &ChartPoint) -> String {
    let total = p
        .total
        .map_or_else(|| "invalid (no total)".to_owned(), |t| format!("total {t}"));
    let mut words = format!("{}: {total}", p.date);
    for (on, what) in [
        (p.state.prorated, "prorated"),
        (p.state.baseline, "baseline"),
        (
            p.state.recall_overlap,
            "recall mostly before the dose, not used for plateau",
        ),
        (p.state.safety, "!! safety item endorsed or unanswered"),
    ] {
        if on {
            words.push_str("; ");
            words.push_str(what);
        }
    }
    words
}

/// The key to every mark, under the plot.
fn write_legend(out: &mut String) -> fmt::Result {
    let y = FRAME.height - 8.0;
    let items: [(&str, String); 6] = [
        (
            "valid",
            format!("<circle cx=\"4\" cy=\"-4\" r=\"4\" fill=\"{INK}\"/>"),
        ),
        (
            "prorated",
            format!(
                "<circle cx=\"4\" cy=\"-4\" r=\"4\" fill=\"#fff\" stroke=\"{INK}\" stroke-width=\"2\"/>"
            ),
        ),
        (
            "baseline",
            format!("<rect x=\"0\" y=\"-8.5\" width=\"9\" height=\"9\" fill=\"{INK}\"/>"),
        ),
        (
            "recall before dose",
            format!("<circle cx=\"4\" cy=\"-4\" r=\"4\" fill=\"{GREY}\"/>"),
        ),
        (
            "invalid",
            format!("<path d=\"M0 -8l8 8m0 -8l-8 8\" stroke=\"{INK}\" stroke-width=\"2\"/>"),
        ),
        (
            "!! safety review",
            format!(
                "<circle cx=\"4\" cy=\"-4\" r=\"6\" fill=\"none\" stroke=\"{ALERT}\" stroke-width=\"2\"/>"
            ),
        ),
    ];
    out.write_str("<g class=\"legend\">\n")?;
    // Each item's width: its mark, a gap, and about 6 units a character of its label.
    let widths = [50.0, 74.0, 74.0, 132.0, 66.0, 110.0];
    let mut x = FRAME.left;
    for ((label, mark), width) in items.into_iter().zip(widths) {
        writeln!(
            out,
            "<g transform=\"translate({} {})\">{mark}<text x=\"14\" y=\"0\">{label}</text></g>",
            num(x),
            num(y),
        )?;
        x += width;
    }
    out.write_str("</g>\n")
}
