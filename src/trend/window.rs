//! Window geometry: where each dosing's integration window and baseline look-back start and
//! end, in whole civil days.

use jiff::civil::Date;

use super::{Dosing, TrendOptions};

/// `date` moved by `days` (back when negative), stopping at the first or last date jiff
/// represents. Window lengths and look-backs are user options of any size; a window that
/// reaches past year 9999 simply has no end within the calendar, and must not panic.
pub fn shift_days(date: Date, days: i64) -> Date {
    match jiff::Span::new().try_days(days) {
        Ok(span) => date.saturating_add(span),
        Err(_) if days < 0 => Date::MIN,
        Err(_) => Date::MAX,
    }
}

/// The first day a baseline may fall on for a dosing on `dosing` (the look-back start).
pub fn baseline_start(dosing: Date, options: &TrendOptions) -> Date {
    shift_days(dosing, -i64::from(options.baseline_days))
}

/// Days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    // Whole days between civil dates: a plain difference of day numbers, without the
    // calendar arithmetic of a `Span`.
    to.duration_since(from).as_secs() / 86_400
}

/// The windows of a dosing schedule, in date order: each dosing (a date given twice counts
/// once) with the last day of its window, cut short on the day before the next dosing.
pub fn windows<'d>(options: &TrendOptions, dosings: &'d [Dosing]) -> Vec<(&'d Dosing, Date)> {
    let mut doses: Vec<&Dosing> = dosings.iter().collect();
    doses.sort_by_key(|d| d.date);
    doses.dedup_by_key(|d| d.date);
    doses
        .iter()
        .enumerate()
        .map(|(i, dose)| {
            let mut end = shift_days(dose.date, i64::from(options.window_days));
            if let Some(next) = doses.get(i + 1) {
                end = end.min(next.date.yesterday().unwrap_or(next.date));
            }
            (*dose, end)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use jiff::civil::{Date, date};

    use super::shift_days;

    #[test]
    fn shifting_days_stops_at_the_ends_of_the_calendar() {
        let day = date(2026, 3, 2);
        assert_eq!(shift_days(day, 1), date(2026, 3, 3));
        assert_eq!(shift_days(day, -30), date(2026, 1, 31));
        assert_eq!(shift_days(day, i64::MAX), Date::MAX);
        assert_eq!(shift_days(day, i64::MIN), Date::MIN);
        assert_eq!(shift_days(day, 7_304_485), Date::MAX);
        assert_eq!(shift_days(day, -7_304_485), Date::MIN);
    }
}
