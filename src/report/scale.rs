//! Linear scales: a value of the data (a total, a day) to a coordinate of the drawing.

use jiff::civil::Date;

use crate::trend::days_between;

/// Maps `from.0..=from.1` onto `to.0..=to.1` linearly; `to` may run backwards (a y axis,
/// whose larger totals are higher up, so at smaller coordinates).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Linear {
    from: (f64, f64),
    to: (f64, f64),
}

impl Linear {
    /// A scale; an empty domain (`from.0 == from.1`) maps everything to the middle of `to`.
    pub fn new(from: (f64, f64), to: (f64, f64)) -> Self {
        Linear { from, to }
    }

    /// The coordinate of `value`.
    pub fn map(&self, value: f64) -> f64 {
        let span = self.from.1 - self.from.0;
        if span == 0.0 {
            return f64::midpoint(self.to.0, self.to.1);
        }
        self.to.0 + (value - self.from.0) / span * (self.to.1 - self.to.0)
    }
}

/// Dates to x coordinates: whole days from `origin`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DateScale {
    origin: Date,
    days: Linear,
}

impl DateScale {
    /// Maps `first..=last` onto `left..=right`.
    pub fn new(first: Date, last: Date, left: f64, right: f64) -> Self {
        let span = days_between(first, last.max(first));
        DateScale {
            origin: first,
            days: Linear::new((0.0, day_count(span)), (left, right)),
        }
    }

    /// The x coordinate of `date`.
    pub fn map(&self, date: Date) -> f64 {
        self.days.map(day_count(days_between(self.origin, date)))
    }
}

/// A day count as a coordinate: every span of civil dates is far below 2^52 days.
#[allow(clippy::cast_precision_loss)]
fn day_count(days: i64) -> f64 {
    days as f64
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::{DateScale, Linear};

    #[test]
    fn a_y_scale_runs_upwards() {
        // Totals 0–27 onto y 250 (bottom) … 30 (top): 27 is at the top, 9 a third of the way.
        let y = Linear::new((0.0, 27.0), (250.0, 30.0));
        assert!((y.map(0.0) - 250.0).abs() < 1e-9);
        assert!((y.map(27.0) - 30.0).abs() < 1e-9);
        assert!((y.map(9.0) - (250.0 - 220.0 / 3.0)).abs() < 1e-9);
    }

    #[test]
    fn an_empty_domain_maps_to_the_middle() {
        assert!((Linear::new((3.0, 3.0), (0.0, 10.0)).map(3.0) - 5.0).abs() < 1e-9);
    }

    #[test]
    fn dates_are_placed_by_whole_days() {
        // 10 days over 100 units: the 4th day is at 40 past the left edge.
        let x = DateScale::new(date(2026, 2, 27), date(2026, 3, 9), 50.0, 150.0);
        assert!((x.map(date(2026, 3, 3)) - 90.0).abs() < 1e-9);
        assert!((x.map(date(2026, 3, 9)) - 150.0).abs() < 1e-9);
    }
}
