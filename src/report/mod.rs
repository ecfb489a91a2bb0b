//! The offline HTML report (`symscore report`): per patient × instrument, a chart of the
//! whole course with every dosing, the status in words, and the data as a table.
//!
//! `chart` places everything (plain coordinates, tested against values worked out by hand),
//! `scale` maps totals and dates to coordinates, `svg` draws a placed chart, `words` says
//! what it shows, `section` puts one patient's charts together, `overview` the caseload
//! overview on top, `page` the page around them, and `markup` escapes every text from input. No script and no address outside the file.

mod chart;
mod markup;
mod overview;
mod page;
mod scale;
mod section;
mod svg;
mod undrawn;
mod words;

pub use chart::{
    BandRect, Chart, ChartPoint, Corridor, DosingMark, FRAME, Frame, PointState, Threshold, layout,
};
pub use markup::{Text, text};
pub use overview::write_overview;
pub use page::{write_end, write_start};
pub use scale::{DateScale, Linear};
pub use section::{ChartLink, Course, courses, standalone_svg, write_section};
pub use svg::{Embedding, write_chart};
pub use undrawn::{UndrawnSafety, write_undrawn_safety};
pub use words::{describe, window_sentence};
