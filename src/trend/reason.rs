//! Why a window has its status, why it has no baseline, and why an administration is in no
//! window: typed, with the numbers and dates that decided, and put into words only when a
//! renderer writes them (`Display`, and `Serialize` as the same text).
//!
//! The library owns what a reason means; the words are its one rendering. Keeping the data
//! rather than a formatted `String` also spares a million allocations on a large export,
//! where most administrations before or between windows each carry a reason.

use std::fmt;

use jiff::civil::Date;
use serde::Serialize;

use crate::plural::count;

/// Why [`super::plateau_status`] decided what it did (reference §7.3), with the numbers used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusReason {
    /// No baseline administration before dosing.
    NoBaseline,
    /// Fewer eligible administrations than the rule looks at.
    TooFewEligible {
        /// Eligible administrations after dosing.
        eligible: usize,
        /// The rule's k.
        needed: usize,
    },
    /// The last k administrations span fewer days than D.
    SpanTooShort {
        /// k.
        points: usize,
        /// Days from the first to the last of them.
        span_days: i64,
        /// D.
        needed_days: u32,
    },
    /// The latest administration is earlier than day E.
    TooEarly {
        /// Days since dosing of the latest administration.
        latest_day: i64,
        /// E.
        needed_day: u32,
    },
    /// The latest total is at least one reliable-change unit above baseline.
    Deterioration {
        /// Latest total.
        latest: u32,
        /// Baseline total.
        baseline: u32,
        /// Reliable-change points.
        reliable_change: u32,
    },
    /// The latest total is below the target.
    AtTarget {
        /// Latest total.
        latest: u32,
        /// Target.
        target: u32,
    },
    /// Definition A: the last k totals, and whether their range is below the reliable change
    /// (a plateau) or not (still changing).
    Band {
        /// The last k totals, in date order.
        totals: Vec<u32>,
        /// Largest minus smallest of them.
        range: u32,
        /// Reliable-change points.
        reliable_change: u32,
    },
    /// Definition B cannot fit a slope: every eligible administration is on one day.
    SameDay,
    /// Definition B: the least-squares slope `num / den` points a day, projected over the
    /// horizon and compared with the MCID.
    Slope {
        /// Numerator of the exact slope.
        num: i128,
        /// Denominator of the exact slope (positive).
        den: i128,
        /// H.
        horizon_days: u32,
        /// MCID.
        mcid: u32,
        /// Whether the projected improvement is below the MCID (a plateau).
        below_mcid: bool,
    },
}

impl fmt::Display for StatusReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusReason::NoBaseline => f.write_str("no baseline administration before dosing"),
            StatusReason::TooFewEligible { eligible, needed } => write!(
                f,
                "{} after dosing, {needed} needed",
                count(*eligible, "eligible administration")
            ),
            StatusReason::SpanTooShort {
                points,
                span_days,
                needed_days,
            } => write!(
                f,
                "the last {points} administrations span {}, {needed_days} needed",
                count(*span_days, "day")
            ),
            StatusReason::TooEarly {
                latest_day,
                needed_day,
            } => write!(
                f,
                "latest administration is day {latest_day}, day {needed_day} or later needed"
            ),
            StatusReason::Deterioration {
                latest,
                baseline,
                reliable_change,
            } => write!(
                f,
                "latest {latest} is {} above baseline {baseline} (reliable change {reliable_change})",
                latest - baseline
            ),
            StatusReason::AtTarget { latest, target } => {
                write!(f, "latest {latest} is below the target {target}")
            }
            StatusReason::Band {
                totals,
                range,
                reliable_change,
            } => {
                let k = totals.len();
                if range < reliable_change {
                    write!(
                        f,
                        "last {k} totals {totals:?} lie within {}, less than the reliable change {reliable_change}",
                        count(*range, "point")
                    )
                } else {
                    write!(
                        f,
                        "last {k} totals {totals:?} span {}, at least the reliable change {reliable_change}",
                        count(*range, "point")
                    )
                }
            }
            StatusReason::SameDay => {
                f.write_str("all eligible administrations are on the same day")
            }
            StatusReason::Slope {
                num,
                den,
                horizon_days,
                mcid,
                below_mcid,
            } => {
                #[allow(clippy::cast_precision_loss)] // display only
                let per_day = *num as f64 / *den as f64;
                let projected = -per_day * f64::from(*horizon_days);
                let comparison = if *below_mcid { "less than" } else { "at least" };
                write!(
                    f,
                    "slope {per_day:.3} points/day projects {projected:.1} points of improvement over {}, {comparison} the MCID {mcid}",
                    count(*horizon_days, "day")
                )
            }
        }
    }
}

/// Why a window has no baseline: no valid administration in the look-back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaselineMissing {
    /// The look-back in days.
    pub baseline_days: u32,
    /// The dosing day it ends on.
    pub dosing: Date,
}

impl fmt::Display for BaselineMissing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no valid administration in the {} up to the dosing on {}",
            count(self.baseline_days, "day"),
            self.dosing
        )
    }
}

/// Where an administration in no window falls, with the dosings and window ends around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UncoveredReason {
    /// The patient has no dosing date.
    NoDosing,
    /// On or before the patient's first dosing.
    BeforeFirstDosing {
        /// The first dosing.
        dosing: Date,
    },
    /// After one window's end and up to the next dosing.
    BetweenWindows {
        /// The dosing of the window before.
        dosing: Date,
        /// That window's last day.
        ended: Date,
        /// The next dosing.
        next_dosing: Date,
    },
    /// After the last window's end.
    AfterLastWindow {
        /// The last dosing.
        dosing: Date,
        /// Its window's last day.
        ended: Date,
    },
}

impl fmt::Display for UncoveredReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UncoveredReason::NoDosing => {
                f.write_str("the patient has no dosing date, so no window")
            }
            UncoveredReason::BeforeFirstDosing { dosing } => {
                write!(f, "on or before the first dosing on {dosing}")
            }
            UncoveredReason::BetweenWindows {
                dosing,
                ended,
                next_dosing,
            } => write!(
                f,
                "between the window of the dosing on {dosing} (ended {ended}) and the dosing on {next_dosing}"
            ),
            UncoveredReason::AfterLastWindow { dosing, ended } => {
                write!(
                    f,
                    "after the window of the dosing on {dosing} (ended {ended})"
                )
            }
        }
    }
}

/// Whether `reason` reads exactly as `words`, compared piece by piece as it is written.
fn reads_as(reason: &impl fmt::Display, words: &str) -> bool {
    /// What is left of the words to match.
    struct Rest<'w>(&'w str);
    impl fmt::Write for Rest<'_> {
        fn write_str(&mut self, piece: &str) -> fmt::Result {
            self.0 = self.0.strip_prefix(piece).ok_or(fmt::Error)?;
            Ok(())
        }
    }
    let mut rest = Rest(words);
    fmt::write(&mut rest, format_args!("{reason}")).is_ok() && rest.0.is_empty()
}

/// A reason is written as its words, in JSON as in CSV, and compares equal to them.
macro_rules! written_as_words {
    ($($reason:ty),*) => {$(
        impl Serialize for $reason {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl PartialEq<str> for $reason {
            fn eq(&self, words: &str) -> bool {
                reads_as(self, words)
            }
        }

        impl PartialEq<&str> for $reason {
            fn eq(&self, words: &&str) -> bool {
                reads_as(self, words)
            }
        }
    )*};
}

written_as_words!(StatusReason, BaselineMissing, UncoveredReason);

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    /// The words are the output format: each reason reads exactly as trend has always
    /// written it, numbers and dates in place, with a noun that agrees with its count.
    #[test]
    fn reasons_read_as_written() {
        let cases: [(StatusReason, &str); 15] = [
            (
                StatusReason::NoBaseline,
                "no baseline administration before dosing",
            ),
            (
                StatusReason::TooFewEligible {
                    eligible: 2,
                    needed: 3,
                },
                "2 eligible administrations after dosing, 3 needed",
            ),
            (
                StatusReason::SpanTooShort {
                    points: 3,
                    span_days: 10,
                    needed_days: 14,
                },
                "the last 3 administrations span 10 days, 14 needed",
            ),
            (
                StatusReason::TooEarly {
                    latest_day: 20,
                    needed_day: 28,
                },
                "latest administration is day 20, day 28 or later needed",
            ),
            (
                StatusReason::Deterioration {
                    latest: 16,
                    baseline: 10,
                    reliable_change: 6,
                },
                "latest 16 is 6 above baseline 10 (reliable change 6)",
            ),
            (
                StatusReason::AtTarget {
                    latest: 4,
                    target: 5,
                },
                "latest 4 is below the target 5",
            ),
            (
                StatusReason::Band {
                    totals: vec![12, 11, 12],
                    range: 1,
                    reliable_change: 6,
                },
                "last 3 totals [12, 11, 12] lie within 1 point, less than the reliable change 6",
            ),
            (
                StatusReason::Band {
                    totals: vec![18, 13, 8],
                    range: 10,
                    reliable_change: 6,
                },
                "last 3 totals [18, 13, 8] span 10 points, at least the reliable change 6",
            ),
            // A count of one reads in the singular.
            (
                StatusReason::TooFewEligible {
                    eligible: 1,
                    needed: 3,
                },
                "1 eligible administration after dosing, 3 needed",
            ),
            (
                StatusReason::SpanTooShort {
                    points: 2,
                    span_days: 1,
                    needed_days: 14,
                },
                "the last 2 administrations span 1 day, 14 needed",
            ),
            (
                StatusReason::Band {
                    totals: vec![13, 12],
                    range: 1,
                    reliable_change: 1,
                },
                "last 2 totals [13, 12] span 1 point, at least the reliable change 1",
            ),
            (
                StatusReason::Band {
                    totals: vec![12, 12],
                    range: 0,
                    reliable_change: 6,
                },
                "last 2 totals [12, 12] lie within 0 points, less than the reliable change 6",
            ),
            (
                StatusReason::Slope {
                    num: -1,
                    den: 1,
                    horizon_days: 1,
                    mcid: 5,
                    below_mcid: true,
                },
                "slope -1.000 points/day projects 1.0 points of improvement over 1 day, less than the MCID 5",
            ),
            (
                StatusReason::SameDay,
                "all eligible administrations are on the same day",
            ),
            (
                // −3/8 points a day over 28 days: 10.5 points of improvement.
                StatusReason::Slope {
                    num: -3,
                    den: 8,
                    horizon_days: 28,
                    mcid: 5,
                    below_mcid: false,
                },
                "slope -0.375 points/day projects 10.5 points of improvement over 28 days, at least the MCID 5",
            ),
        ];
        for (reason, words) in cases {
            assert_eq!(reason.to_string(), words);
            assert_eq!(reason, words);
            assert_eq!(
                serde_json::to_string(&reason).unwrap(),
                format!("\"{words}\"")
            );
        }
        let missing = BaselineMissing {
            baseline_days: 30,
            dosing: date(2026, 3, 2),
        };
        assert_eq!(
            missing,
            "no valid administration in the 30 days up to the dosing on 2026-03-02"
        );
        let one_day = BaselineMissing {
            baseline_days: 1,
            dosing: date(2026, 3, 2),
        };
        assert_eq!(
            one_day,
            "no valid administration in the 1 day up to the dosing on 2026-03-02"
        );
        let (dosing, ended, next_dosing) = (date(2026, 3, 1), date(2026, 3, 8), date(2026, 4, 1));
        for (reason, words) in [
            (
                UncoveredReason::NoDosing,
                "the patient has no dosing date, so no window",
            ),
            (
                UncoveredReason::BeforeFirstDosing { dosing },
                "on or before the first dosing on 2026-03-01",
            ),
            (
                UncoveredReason::BetweenWindows {
                    dosing,
                    ended,
                    next_dosing,
                },
                "between the window of the dosing on 2026-03-01 (ended 2026-03-08) and the dosing on 2026-04-01",
            ),
            (
                UncoveredReason::AfterLastWindow { dosing, ended },
                "after the window of the dosing on 2026-03-01 (ended 2026-03-08)",
            ),
        ] {
            assert_eq!(reason, words);
        }
        // Equal only to the whole words: not a prefix, not more.
        let reason = UncoveredReason::BeforeFirstDosing { dosing };
        assert_ne!(reason, "on or before the first dosing on");
        assert_ne!(reason, "on or before the first dosing on 2026-03-01.");
    }
}
