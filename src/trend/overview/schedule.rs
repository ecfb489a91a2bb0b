//! Whether a course's follow-up is overdue (clinical rules §12.4): the schedule of §7.2
//! judged on the day the overview is read, not only on the administrations that came.

use jiff::civil::Date;

use super::Concern;
use crate::trend::analysis::{FIRST_FOLLOWUP_DAYS, MAX_GAP_DAYS};
use crate::trend::days_between;

/// The overdue findings of the course after a dosing on `dosing`, judged up to `until` (the
/// as-of date, or the window's last day when the window is over: no follow-up is expected
/// after the window). `dates` are the course's administration dates in order; those on or
/// before the dosing day (the baseline's side) and after `until` are skipped.
///
/// - The first follow-up is late after day 3 (72 hours): day 3 is on time, day 4 late; with
///   none yet, it is late once `until` is past day 3.
/// - A gap is overdue past the limit (14 days): 14 days between two administrations, or
///   from the latest one to `until`, is on time, 15 overdue. The open gap is measured only
///   from a follow-up; before the first one, the first-follow-up rule speaks.
pub(super) fn overdue(
    dosing: Date,
    until: Date,
    dates: impl IntoIterator<Item = Date>,
) -> Vec<Concern> {
    let mut first = None;
    let mut last: Option<Date> = None;
    let mut longest_gap = 0;
    for date in dates.into_iter().filter(|d| *d > dosing && *d <= until) {
        if first.is_none() {
            first = Some(date);
        }
        if let Some(previous) = last {
            longest_gap = longest_gap.max(days_between(previous, date));
        }
        last = Some(date);
    }
    let mut found = Vec::new();
    match first {
        Some(date) if days_between(dosing, date) > FIRST_FOLLOWUP_DAYS => {
            found.push(Concern::LateFirstFollowup {
                day: Some(days_between(dosing, date)),
                by: days_between(dosing, date),
            });
        }
        None if days_between(dosing, until) > FIRST_FOLLOWUP_DAYS => {
            found.push(Concern::LateFirstFollowup {
                day: None,
                by: days_between(dosing, until),
            });
        }
        _ => {}
    }
    if let Some(last) = last {
        let open = days_between(last, until);
        if open > MAX_GAP_DAYS {
            found.push(Concern::NoAdministrationFor { days: open });
        }
    }
    if longest_gap > MAX_GAP_DAYS {
        found.push(Concern::FollowupGap { days: longest_gap });
    }
    found
}

#[cfg(test)]
mod tests {
    use jiff::civil::{Date, date};

    use super::overdue;
    use crate::trend::overview::Concern;
    use crate::trend::shift_days;

    const DOSING: Date = date(2026, 3, 1);

    fn day(n: i64) -> Date {
        shift_days(DOSING, n)
    }

    #[test]
    fn the_first_follow_up_is_on_time_on_day_3_and_late_on_day_4() {
        // Judged on day 10 with the follow-up on day 2, 3 or 4: 72 hours is day 3 exactly.
        assert_eq!(overdue(DOSING, day(10), [day(2)]), []);
        assert_eq!(overdue(DOSING, day(10), [day(3)]), []);
        assert_eq!(
            overdue(DOSING, day(10), [day(4)]),
            [Concern::LateFirstFollowup {
                day: Some(4),
                by: 4
            }]
        );
    }

    #[test]
    fn no_follow_up_yet_is_late_only_after_day_3() {
        // The baseline on the dosing day is not a follow-up.
        assert_eq!(overdue(DOSING, day(3), [DOSING]), []);
        assert_eq!(
            overdue(DOSING, day(4), [DOSING]),
            [Concern::LateFirstFollowup { day: None, by: 4 }]
        );
        // A follow-up after the day judged is not seen yet.
        assert_eq!(
            overdue(DOSING, day(4), [day(5)]),
            [Concern::LateFirstFollowup { day: None, by: 4 }]
        );
    }

    #[test]
    fn no_administration_for_13_14_and_15_days() {
        // Follow-up on day 2; judged on day 15, 16 or 17: 13, 14 and 15 days since it.
        assert_eq!(overdue(DOSING, day(15), [day(2)]), []);
        assert_eq!(overdue(DOSING, day(16), [day(2)]), []);
        assert_eq!(
            overdue(DOSING, day(17), [day(2)]),
            [Concern::NoAdministrationFor { days: 15 }]
        );
    }

    #[test]
    fn a_gap_between_administrations_of_13_14_and_15_days() {
        // Day 2, then day 15, 16 or 17; judged on the day of the second.
        assert_eq!(overdue(DOSING, day(15), [day(2), day(15)]), []);
        assert_eq!(overdue(DOSING, day(16), [day(2), day(16)]), []);
        assert_eq!(
            overdue(DOSING, day(17), [day(2), day(17)]),
            [Concern::FollowupGap { days: 15 }]
        );
    }
}
