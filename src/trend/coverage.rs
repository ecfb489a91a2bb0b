//! The administrations no window covers, so that every administration read is accounted for.
//!
//! A window holds the administrations after its dosing day up to its end. The others (before
//! the first dosing, baselines included; between one window's end and the next dosing; after
//! the last window) and every administration of a patient without a dosing date appear in no
//! summary's points. They are returned here, each with the reason, for the caller to report:
//! a safety flag among them must never vanish because of where its date falls.

use jiff::civil::Date;
use serde::Serialize;

use super::by_date::ByDate;
use super::{
    Administration, Dosing, Place, TrendOptions, UncoveredReason, serialize_date, windows,
};
use crate::score::Flag;

/// Why an administration is in no window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Uncovered {
    /// The patient has dosing dates, and this date falls in none of their windows.
    OutsideWindow,
    /// The patient has no dosing date, so no window at all.
    NoDosing,
}

impl Uncovered {
    /// The name written in output, as serialised.
    pub fn name(self) -> &'static str {
        match self {
            Uncovered::OutsideWindow => "OUTSIDE_WINDOW",
            Uncovered::NoDosing => "NO_DOSING",
        }
    }
}

/// One administration in no window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UncoveredPoint<'i> {
    /// Why it is in no window.
    pub status: Uncovered,
    /// Where its date falls, with the dosings around it (in words: `after the window of the
    /// dosing on … (ended …)`).
    pub status_reason: UncoveredReason,
    /// Visit date.
    #[serde(serialize_with = "serialize_date")]
    pub date: Date,
    /// Valid total, if any.
    pub total: Option<u32>,
    /// Severity id.
    pub severity: &'i str,
    /// Scoring flags, borrowed from the administration.
    pub flags: &'i [Flag<'i>],
    /// Input line.
    pub line: u64,
    /// Its place in a REDCap export: see [`Places`](super::Places). Output carries its
    /// values, not the index.
    #[serde(skip)]
    pub place: Option<Place>,
}

impl UncoveredPoint<'_> {
    /// Whether a safety item was endorsed or unanswered at this administration.
    pub fn needs_safety_review(&self) -> bool {
        self.flags.iter().any(Flag::needs_safety_review)
    }
}

/// The administrations of one patient and one instrument that fall in no window of
/// `dosings` (all of them when `dosings` is empty), in (date, line) order. Both lists may
/// be in any order; one sort and one merge, so n·log n however many dosings there are.
pub fn uncovered<'i>(
    options: &TrendOptions,
    dosings: &[Dosing],
    administrations: &'i [Administration<'i>],
) -> Vec<UncoveredPoint<'i>> {
    UncoveredPoints::new(&windows(options, dosings), ByDate::new(administrations)).collect()
}

/// The administrations in no window, found one at a time as the caller asks for them.
///
/// A patient with a million visits and one dosing has almost all of them outside the window;
/// walking the administrations again costs far less than holding a copy of each one.
#[derive(Debug)]
pub struct UncoveredPoints<'w, 'i> {
    windows: &'w [(&'w Dosing, Date)],
    sorted: ByDate<'i>,
    next: usize,
    /// The window of the latest dosing strictly before the last administration looked at.
    current: Option<usize>,
}

impl<'w, 'i> UncoveredPoints<'w, 'i> {
    /// Over windows and ordered visits worked out once per patient by the caller.
    pub(super) fn new(windows: &'w [(&'w Dosing, Date)], sorted: ByDate<'i>) -> Self {
        UncoveredPoints {
            windows,
            sorted,
            next: 0,
            current: None,
        }
    }

    /// Why `date` is in no window, or `None` when a window holds it. The dates come in
    /// order, so the current window only ever moves forward: one merge over the dosings.
    fn reason(&mut self, date: Date) -> Option<(Uncovered, UncoveredReason)> {
        let windows = self.windows;
        loop {
            let next = self.current.map_or(0, |w| w + 1);
            match windows.get(next) {
                Some((dose, _)) if dose.date < date => self.current = Some(next),
                _ => break,
            }
        }
        Some(match self.current {
            _ if windows.is_empty() => (Uncovered::NoDosing, UncoveredReason::NoDosing),
            None => (
                Uncovered::OutsideWindow,
                UncoveredReason::BeforeFirstDosing {
                    dosing: windows[0].0.date,
                },
            ),
            Some(w) if date <= windows[w].1 => return None,
            Some(w) if w + 1 < windows.len() => (
                Uncovered::OutsideWindow,
                UncoveredReason::BetweenWindows {
                    dosing: windows[w].0.date,
                    ended: windows[w].1,
                    next_dosing: windows[w + 1].0.date,
                },
            ),
            Some(w) => (
                Uncovered::OutsideWindow,
                UncoveredReason::AfterLastWindow {
                    dosing: windows[w].0.date,
                    ended: windows[w].1,
                },
            ),
        })
    }
}

impl<'i> Iterator for UncoveredPoints<'_, 'i> {
    type Item = UncoveredPoint<'i>;

    fn next(&mut self) -> Option<UncoveredPoint<'i>> {
        while self.next < self.sorted.len() {
            let a = self.sorted.get(self.next);
            self.next += 1;
            if let Some((status, status_reason)) = self.reason(a.date) {
                return Some(UncoveredPoint {
                    status,
                    status_reason,
                    date: a.date,
                    total: a.total,
                    severity: a.severity,
                    flags: &a.flags,
                    line: a.line,
                    place: a.place,
                });
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn visit(month: i8, day: i8, line: u64) -> Administration<'static> {
        Administration {
            date: date(2026, month, day),
            total: Some(10),
            severity: "moderate",
            flags: Vec::new(),
            line,
            place: None,
        }
    }

    fn dosing(month: i8, day: i8) -> Dosing {
        Dosing {
            date: date(2026, month, day),
            label: None,
        }
    }

    #[test]
    fn before_between_and_after_windows() {
        let options = TrendOptions {
            window_days: 7,
            ..TrendOptions::default()
        };
        // Dosings on 1 March and 1 April (given out of order): windows 2–8 March and
        // 2–8 April.
        let doses = [dosing(4, 1), dosing(3, 1)];
        let visits = [
            visit(4, 9, 8),
            visit(3, 1, 2),
            visit(2, 20, 1),
            visit(3, 2, 3),
            visit(3, 8, 4),
            visit(3, 9, 5),
            visit(4, 1, 6),
            visit(4, 8, 7),
        ];
        let found = uncovered(&options, &doses, &visits);
        let lines: Vec<(u64, String)> = found
            .iter()
            .map(|p| (p.line, p.status_reason.to_string()))
            .collect();
        assert_eq!(
            lines,
            [
                (1, "on or before the first dosing on 2026-03-01"),
                (2, "on or before the first dosing on 2026-03-01"),
                (
                    5,
                    "between the window of the dosing on 2026-03-01 (ended 2026-03-08) and the dosing on 2026-04-01"
                ),
                (
                    6,
                    "between the window of the dosing on 2026-03-01 (ended 2026-03-08) and the dosing on 2026-04-01"
                ),
                (
                    8,
                    "after the window of the dosing on 2026-04-01 (ended 2026-04-08)"
                ),
            ]
            .map(|(line, words)| (line, words.to_owned()))
        );
        assert!(found.iter().all(|p| p.status == Uncovered::OutsideWindow));
    }

    #[test]
    fn without_dosing_every_administration_is_uncovered() {
        let visits = [visit(3, 1, 2), visit(3, 2, 3)];
        let found = uncovered(&TrendOptions::default(), &[], &visits);
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|p| p.status == Uncovered::NoDosing));
    }

    #[test]
    fn the_dosing_day_is_outside_and_the_last_day_of_the_window_inside() {
        // One dosing on 1 March, a 7-day window (2–8 March). The dosing day is the
        // baseline's side (§7.1): uncovered. 2 March and 8 March are the window's first and
        // last days: covered. 9 March: after the window.
        let options = TrendOptions {
            window_days: 7,
            ..TrendOptions::default()
        };
        let visits = [
            visit(3, 1, 2),
            visit(3, 2, 3),
            visit(3, 8, 4),
            visit(3, 9, 5),
        ];
        let found = uncovered(&options, &[dosing(3, 1)], &visits);
        let lines: Vec<u64> = found.iter().map(|p| p.line).collect();
        assert_eq!(lines, [2, 5]);
        assert_eq!(
            found[1].status_reason,
            "after the window of the dosing on 2026-03-01 (ended 2026-03-08)"
        );
        // The point keeps the administration's values.
        assert_eq!(
            (found[0].date, found[0].total, found[0].severity),
            (date(2026, 3, 1), Some(10), "moderate")
        );
    }

    #[test]
    fn names_match_their_serialised_form() {
        for (status, name) in [
            (Uncovered::OutsideWindow, "OUTSIDE_WINDOW"),
            (Uncovered::NoDosing, "NO_DOSING"),
        ] {
            assert_eq!(status.name(), name);
            assert_eq!(serde_json::to_value(status).unwrap(), name);
        }
    }
}
