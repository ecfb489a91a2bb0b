//! The change parameters a definition may hold, at the edges of each range (one bounds table
//! for definitions and `trend --param`, `instrument::change_bounds`). For the PHQ-9, totals
//! run from 0 to 27, so a change is 1 to 27 points, a target or caseness a total from 1 to 27;
//! a response 1 to 100 %; k 2 to 52; D and E 0 to 366 days; H 1 to 366 days.

use symscore::instrument::{CHANGE_FIELDS, parse_definition};

const PHQ9: &str = include_str!("../../instruments/phq9.json");

/// The built-in PHQ-9 with `from` replaced by `to` (which must occur once).
fn phq9_with(from: &str, to: &str) -> String {
    assert_eq!(PHQ9.matches(from).count(), 1, "{from}");
    PHQ9.replace(from, to)
}

/// `None` when the definition loads; the message when it is refused.
fn refusal(text: &str) -> Option<String> {
    parse_definition("phq9.json", text)
        .err()
        .map(|e| e.to_string())
}

/// Each `(value, accepted)` for the field written `"key": default` in the PHQ-9; a refusal
/// must name the field's path and the range in words.
fn check(key: &str, default: u32, path: &str, expected: &str, cases: &[(u32, bool)]) {
    for &(value, accepted) in cases {
        let text = phq9_with(
            &format!("\"{key}\": {default}"),
            &format!("\"{key}\": {value}"),
        );
        match (refusal(&text), accepted) {
            (None, true) => {}
            (Some(message), false) => {
                let wanted = format!("`{path}`: expected {expected}, found {value}");
                assert!(message.contains(&wanted), "{wanted} not in {message}");
            }
            (outcome, _) => panic!("{key} = {value}: {outcome:?}"),
        }
    }
}

#[test]
fn reliable_change_and_mcid_are_one_point_up_to_the_span_of_totals() {
    let cases = [(0, false), (1, true), (27, true), (28, false)];
    check(
        "reliable_change",
        6,
        "change.reliable_change",
        "a change from 1 to 27 points",
        &cases,
    );
    check(
        "mcid",
        5,
        "change.mcid",
        "a change from 1 to 27 points",
        &cases,
    );
}

#[test]
fn target_and_caseness_are_totals_above_the_lowest() {
    let cases = [(0, false), (1, true), (27, true), (28, false)];
    check("target", 5, "change.target", "a total from 1 to 27", &cases);
    check(
        "caseness",
        10,
        "change.caseness",
        "a total from 1 to 27",
        &cases,
    );
}

#[test]
fn response_is_a_percentage() {
    check(
        "response_pct",
        50,
        "change.response_pct",
        "a percentage from 1 to 100",
        &[(0, false), (1, true), (100, true), (101, false)],
    );
}

#[test]
fn plateau_parameters_at_their_limits() {
    check(
        "points",
        3,
        "change.plateau.points",
        "2 to 52 administrations",
        &[(1, false), (2, true), (52, true), (53, false)],
    );
    let days = [(0, true), (366, true), (367, false)];
    check(
        "min_span_days",
        14,
        "change.plateau.min_span_days",
        "0 to 366 days",
        &days,
    );
    check(
        "min_days_since_dose",
        21,
        "change.plateau.min_days_since_dose",
        "0 to 366 days",
        &days,
    );
    check(
        "horizon_days",
        28,
        "change.plateau.horizon_days",
        "1 to 366 days",
        &[(0, false), (1, true), (366, true), (367, false)],
    );
}

#[test]
fn each_field_is_read_and_written_by_its_own_name() {
    // Set each field to a distinct value and read every field back: a field that read or
    // wrote another's slot would show here.
    let registry = symscore::Registry::builtin();
    let mut params = registry.get("phq9").unwrap().change.clone();
    for (value, field) in (11..).zip(CHANGE_FIELDS) {
        field.set(&mut params, value);
    }
    let read: Vec<u32> = CHANGE_FIELDS.iter().map(|f| f.get(&params)).collect();
    assert_eq!(read, [11, 12, 13, 14, 15, 16, 17, 18, 19]);
    assert_eq!(
        (
            params.reliable_change,
            params.caseness,
            params.plateau.points,
            params.plateau.horizon_days
        ),
        (11, 14, 16, 19)
    );
}

#[test]
fn the_reference_sample_needs_a_positive_sd_and_a_reliability_strictly_between_0_and_1() {
    let with_rci = |sd: &str, r: &str| {
        phq9_with(
            "\"response_pct\": 50,",
            &format!("\"response_pct\": 50, \"rci\": {{ \"sd\": {sd}, \"reliability\": {r} }},"),
        )
    };
    assert_eq!(refusal(&with_rci("6.0", "0.84")), None);
    for (sd, r, path) in [
        ("0", "0.84", "change.rci.sd"),
        ("-1", "0.84", "change.rci.sd"),
        ("6.0", "0", "change.rci.reliability"),
        ("6.0", "1", "change.rci.reliability"),
    ] {
        let message = refusal(&with_rci(sd, r)).unwrap_or_else(|| panic!("{sd} {r} accepted"));
        assert!(message.contains(&format!("`{path}`")), "{message}");
    }
}
