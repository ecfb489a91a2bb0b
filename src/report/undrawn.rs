//! Safety answers the page cannot draw: rows no trend holds (no patient id, no date, or an
//! instrument left out with `-i`). They are listed on top, marked `!!`, so that a page
//! attached to a record never hides one; stderr tells them too.

use std::fmt::{self, Write as _};

use jiff::civil::Date;

use super::markup::text;
use crate::trend::NoTrendReason;

/// One safety answer in no chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndrawnSafety {
    /// Input line of the row.
    pub line: u64,
    /// The row's patient, if it had a usable one.
    pub patient: Option<String>,
    /// Instrument id.
    pub instrument: String,
    /// The row's date, if usable.
    pub date: Option<Date>,
    /// The safety flags that need review, comma-separated.
    pub flags: String,
    /// Why no chart holds it.
    pub reason: NoTrendReason,
}

/// The list of safety answers in no chart; nothing when there is none.
pub fn write_undrawn_safety(out: &mut String, undrawn: &[UndrawnSafety]) -> fmt::Result {
    if undrawn.is_empty() {
        return Ok(());
    }
    out.write_str(
        "<section class=\"undrawn\" aria-labelledby=\"undrawn-h\"><h2 id=\"undrawn-h\">\
         <span class=\"alert\">!!</span> Safety answers in no chart</h2>\n<ul>\n",
    )?;
    for item in undrawn {
        let why = match item.reason {
            NoTrendReason::NoPatientId => "the row has no usable patient id",
            NoTrendReason::NoDate => "the row has no usable date",
            NoTrendReason::InstrumentLeftOut => "the instrument is left out of this report",
        };
        write!(
            out,
            "<li><span class=\"alert\">!! {}</span>: line {}, {}, {}",
            text(&item.flags),
            item.line,
            item.patient.as_deref().map_or_else(
                || "no patient id".to_owned(),
                |p| format!("patient {}", text(p))
            ),
            text(&item.instrument),
        )?;
        if let Some(date) = item.date {
            write!(out, " on {date}")?;
        }
        writeln!(out, " ({why}); follow it up as any safety flag.</li>")?;
    }
    out.write_str("</ul></section>\n")
}
