//! Conditions a caller can ask about a run (`trend --fail-on`): each one is met by a window
//! summary or not, and the safety condition also by an administration outside every window,
//! so that where a safety answer's date falls never decides whether it counts.

use super::{OnTrack, ReliableChange, Status, UncoveredPoint, WindowSummary, window_flag};

/// Something a window summary (or an administration in no window) meets or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// Either plateau status.
    Plateau,
    /// Status deterioration, or a reliable deterioration.
    Deterioration,
    /// A safety item endorsed or unanswered ([`crate::score::Flag::needs_safety_review`]).
    Safety,
    /// Definition C: not on track.
    NotOnTrack,
    /// First follow-up later than 72 hours.
    LateFollowup,
    /// More than 14 days between administrations.
    FollowupGap,
    /// Not enough data for a status.
    InsufficientData,
}

impl Condition {
    /// Every condition.
    pub const ALL: [Condition; 7] = [
        Condition::Plateau,
        Condition::Deterioration,
        Condition::Safety,
        Condition::NotOnTrack,
        Condition::LateFollowup,
        Condition::FollowupGap,
        Condition::InsufficientData,
    ];

    /// Whether the summary of one window meets this condition.
    pub fn met_by(self, summary: &WindowSummary<'_>) -> bool {
        match self {
            Condition::Plateau => summary.status.is_plateau(),
            Condition::Deterioration => {
                summary.status == Status::Deterioration
                    || summary.reliable_change == Some(ReliableChange::ReliableDeterioration)
            }
            Condition::Safety => summary.needs_safety_review(),
            Condition::NotOnTrack => summary.on_track == OnTrack::NotOnTrack,
            Condition::LateFollowup => summary.flags.contains(&window_flag::LATE_FIRST_FOLLOWUP),
            Condition::FollowupGap => summary.flags.contains(&window_flag::FOLLOWUP_GAP),
            Condition::InsufficientData => summary.status == Status::InsufficientData,
        }
    }

    /// Whether an administration in no window meets this condition: only a safety flag can,
    /// as it has no window to have a status in.
    pub fn met_by_uncovered(self, point: &UncoveredPoint<'_>) -> bool {
        self == Condition::Safety && point.needs_safety_review()
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::Condition;
    use crate::Registry;
    use crate::score::{Answer, score};
    use crate::trend::{Administration, Dosing, TrendOptions, analyze, uncovered};

    /// One PHQ-9 administration with item 9 as given and every other item 1.
    fn administration(registry: &Registry, item9: Answer, day: i8) -> Administration<'_> {
        let phq9 = registry.get("phq9").unwrap();
        let mut answers = vec![Answer::Value(1); 9];
        answers[8] = item9;
        let report = score(phq9, &answers).unwrap();
        Administration {
            date: date(2026, 3, day),
            total: report.total,
            severity: report.severity.id(),
            flags: report.flags.clone(),
            line: 2,
            place: None,
        }
    }

    #[test]
    fn safety_is_met_in_a_window_and_outside_every_window() {
        let registry = Registry::builtin();
        let phq9 = registry.get("phq9").unwrap();
        let options = TrendOptions::default();
        let doses = [Dosing {
            date: date(2026, 3, 10),
            label: None,
        }];
        for (item9, expected) in [
            (Answer::Value(1), true),
            (Answer::Missing, true),
            (Answer::Value(0), false),
        ] {
            // Day 12 is in the window after the dose on day 10; day 1 is before it.
            let inside = [administration(&registry, item9, 12)];
            let summaries = analyze(phq9, &phq9.change, &options, &doses, &inside);
            assert_eq!(
                Condition::Safety.met_by(&summaries[0]),
                expected,
                "{item9:?}"
            );
            let outside = [administration(&registry, item9, 1)];
            let points = uncovered(&options, &doses, &outside);
            assert_eq!(points.len(), 1);
            assert_eq!(Condition::Safety.met_by_uncovered(&points[0]), expected);
            // No other condition is met by an administration that has no window.
            assert!(!Condition::Deterioration.met_by_uncovered(&points[0]));
        }
    }
}
