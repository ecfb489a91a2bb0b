//! What the overview finds about one patient × instrument's current course, and how urgent
//! each finding is (clinical rules §12): typed, with the numbers and dates that decided, and
//! put into words only when written (`Display`).

use std::fmt;

use jiff::civil::Date;
use serde::Serialize;

use crate::plural::count;
use crate::score::SAFETY_MARK;

/// How urgent an overview row is, most urgent first: the derived order is the rule's order
/// (§12.3), so sorting by it puts the patients to see today at the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Urgency {
    /// A safety item endorsed or unanswered since the latest dosing.
    Safety,
    /// Status deterioration or a reliable deterioration.
    Deterioration,
    /// Definition C: not on track.
    NotOnTrack,
    /// Flat without a reliable improvement.
    PlateauNoReliableImprovement,
    /// Flat after a reliable improvement.
    PlateauAfterImprovement,
    /// A follow-up is overdue: the first later than 72 hours, or a gap over the limit.
    Overdue,
    /// Not enough data for a status.
    InsufficientData,
    /// No dosing on or before the as-of date: no course to judge.
    NoDosing,
    /// Still changing, with nothing above.
    StillChanging,
    /// Below the target, with nothing above.
    AtTarget,
}

impl Urgency {
    /// Every urgency, most urgent first.
    pub const ALL: [Urgency; 10] = [
        Urgency::Safety,
        Urgency::Deterioration,
        Urgency::NotOnTrack,
        Urgency::PlateauNoReliableImprovement,
        Urgency::PlateauAfterImprovement,
        Urgency::Overdue,
        Urgency::InsufficientData,
        Urgency::NoDosing,
        Urgency::StillChanging,
        Urgency::AtTarget,
    ];

    /// The code written in machine-readable output, as serialised.
    pub fn code(self) -> &'static str {
        match self {
            Urgency::Safety => "SAFETY",
            Urgency::Deterioration => "DETERIORATION",
            Urgency::NotOnTrack => "NOT_ON_TRACK",
            Urgency::PlateauNoReliableImprovement => "PLATEAU_NO_RELIABLE_IMPROVEMENT",
            Urgency::PlateauAfterImprovement => "PLATEAU_AFTER_IMPROVEMENT",
            Urgency::Overdue => "OVERDUE",
            Urgency::InsufficientData => "INSUFFICIENT_DATA",
            Urgency::NoDosing => "NO_DOSING",
            Urgency::StillChanging => "STILL_CHANGING",
            Urgency::AtTarget => "AT_TARGET",
        }
    }

    /// Whether a row of this urgency asks for a clinician's action (`--flagged-only` keeps
    /// these): everything down to an overdue follow-up. Safety is always among them.
    pub fn needs_action(self) -> bool {
        self <= Urgency::Overdue
    }
}

/// One finding about a course, with what decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Concern {
    /// Safety answers (endorsed or unknown) on or after the latest dosing day, in a window or
    /// not.
    Safety {
        /// The safety flags raised, in first-seen order.
        flags: Vec<String>,
        /// How many administrations raised one.
        administrations: usize,
        /// The date of the latest of them.
        last: Date,
    },
    /// Latest minus baseline is at least the reliable change (or the status says so).
    Deterioration {
        /// Latest − baseline, when both exist.
        change: Option<i64>,
    },
    /// Definition C: two late administrations improved less than the threshold.
    NotOnTrack,
    /// Plateau without a reliable improvement.
    PlateauNoReliableImprovement,
    /// Plateau after a reliable improvement.
    PlateauAfterImprovement,
    /// The first follow-up came later than day 3, or has not come by a later day.
    LateFirstFollowup {
        /// Day of the first follow-up; `None`: none yet, on day `by`.
        day: Option<i64>,
        /// The day the course was judged on when there is none yet.
        by: i64,
    },
    /// No administration for more than the gap limit, up to the day the course is judged.
    NoAdministrationFor {
        /// Days since the latest administration after dosing (or since dosing).
        days: i64,
    },
    /// Two administrations of the course more than the gap limit apart.
    FollowupGap {
        /// The longest such gap, in days.
        days: i64,
    },
    /// Not enough data for a status.
    InsufficientData,
    /// No dosing on or before the as-of date.
    NoDosing {
        /// The next dosing after the as-of date, when there is one.
        planned: Option<Date>,
    },
    /// Still changing.
    StillChanging,
    /// Below the target.
    AtTarget {
        /// The target.
        target: u32,
    },
}

impl Concern {
    /// Where this finding ranks.
    pub fn urgency(&self) -> Urgency {
        match self {
            Concern::Safety { .. } => Urgency::Safety,
            Concern::Deterioration { .. } => Urgency::Deterioration,
            Concern::NotOnTrack => Urgency::NotOnTrack,
            Concern::PlateauNoReliableImprovement => Urgency::PlateauNoReliableImprovement,
            Concern::PlateauAfterImprovement => Urgency::PlateauAfterImprovement,
            Concern::LateFirstFollowup { .. }
            | Concern::NoAdministrationFor { .. }
            | Concern::FollowupGap { .. } => Urgency::Overdue,
            Concern::InsufficientData => Urgency::InsufficientData,
            Concern::NoDosing { .. } => Urgency::NoDosing,
            Concern::StillChanging => Urgency::StillChanging,
            Concern::AtTarget { .. } => Urgency::AtTarget,
        }
    }
}

impl fmt::Display for Concern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Concern::Safety {
                flags,
                administrations,
                last,
            } => {
                write!(f, "{SAFETY_MARK} {}", flags.join(", "))?;
                if *administrations == 1 {
                    write!(f, " on {last}")
                } else {
                    write!(f, " ×{administrations}, last {last}")
                }
            }
            Concern::Deterioration { change: Some(c) } => {
                write!(f, "worse by {}", count(c.unsigned_abs(), "point"))
            }
            Concern::Deterioration { change: None } => f.write_str("worse"),
            Concern::NotOnTrack => f.write_str("not on track"),
            Concern::PlateauNoReliableImprovement => {
                f.write_str("plateau without reliable improvement")
            }
            Concern::PlateauAfterImprovement => f.write_str("plateau after improvement"),
            Concern::LateFirstFollowup { day: Some(day), .. } => {
                write!(f, "first follow-up on day {day}")
            }
            Concern::LateFirstFollowup { day: None, by } => {
                write!(f, "no follow-up by day {by}")
            }
            Concern::NoAdministrationFor { days } => {
                write!(f, "no administration for {}", count(*days, "day"))
            }
            Concern::FollowupGap { days } => write!(f, "a {days}-day gap"),
            Concern::InsufficientData => f.write_str("not enough data"),
            Concern::NoDosing { planned: None } => f.write_str("no dosing date"),
            Concern::NoDosing {
                planned: Some(date),
            } => write!(f, "no dosing yet (planned {date})"),
            Concern::StillChanging => f.write_str("still changing"),
            Concern::AtTarget { target } => write!(f, "at target (below {target})"),
        }
    }
}

/// A concern in JSON: its urgency code and its words.
impl Serialize for Concern {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Concern", 2)?;
        s.serialize_field("code", &self.urgency())?;
        s.serialize_field("text", &self.to_string())?;
        s.end()
    }
}
