//! Tests of the entry session through a scripted line prompter: going back, changing an
//! answer from the review, and the safety notices and confirmations.

use super::*;
use crate::cli::prompt::LinePrompter;
use jiff::civil::Date;
use symscore::Registry;

fn options<'r>(registry: &'r Registry, ids: &[&str], yes: bool) -> EnterOptions<'r> {
    EnterOptions {
        instruments: ids.iter().map(|id| registry.get(id).unwrap()).collect(),
        patient_id: Some("P1".into()),
        date: Date::new(2026, 5, 4).unwrap(),
        append: None,
        yes,
        format: None,
        output: None,
    }
}

/// Runs a session over scripted lines; returns the outcome, the answers and the prompts.
fn run_lines(ids: &[&str], input: &str, yes: bool) -> (Outcome, Vec<Vec<Answer>>, String) {
    let registry = Registry::builtin();
    let options = options(&registry, ids, yes);
    let mut out = Vec::new();
    let mut session = Session::new(&options.instruments);
    let outcome = {
        let mut prompter = LinePrompter::new(input.as_bytes(), &mut out, true);
        session.run(&mut prompter, &options, None).unwrap()
    };
    let answers = session
        .forms
        .iter()
        .map(|f| f.items.iter().chain(&f.extras).copied().collect())
        .collect();
    (outcome, answers, String::from_utf8(out).unwrap())
}

fn values(values: &[Option<u8>]) -> Vec<Answer> {
    values
        .iter()
        .map(|v| v.map_or(Answer::Missing, Answer::Value))
        .collect()
}

#[test]
fn back_goes_to_the_previous_item_and_keeps_later_ones_in_order() {
    let (outcome, answers, out) =
        run_lines(&["gad7"], "b\n1\n3\nb\n2\n0\n\n1\n1\n1\ns\ny\n", false);
    assert_eq!(outcome, Outcome::Completed);
    assert_eq!(
        answers[0],
        values(&[
            Some(1),
            Some(2),
            Some(0),
            None,
            Some(1),
            Some(1),
            Some(1),
            None
        ])
    );
    assert!(out.contains("(already at the first item)"), "{out}");
    // Going back shows the answer given before.
    assert!(out.contains("answered before: 3"), "{out}");
}

/// Asked again, Enter keeps the answer and `s` blanks it (issue 11, point 1).
#[test]
fn after_back_enter_keeps_and_s_blanks() {
    // Items 1 and 2 answered; `b` from item 3 and `s` blanks item 2 (was 3); `b` twice
    // from item 3 again, and Enter keeps item 1's 2 and `k` item 2's blank.
    let (outcome, answers, out) = run_lines(
        &["gad7"],
        "2\n3\nb\ns\nb\nb\n\nk\n1\n1\n1\n1\n1\n\ny\n",
        false,
    );
    assert_eq!(outcome, Outcome::Completed);
    assert_eq!(
        answers[0],
        values(&[
            Some(2),
            None,
            Some(1),
            Some(1),
            Some(1),
            Some(1),
            Some(1),
            None
        ])
    );
    assert!(
        out.contains("gad7 2 [0-3, Enter keeps 3, s blanks, b back, ? help, q quit]: s\n"),
        "{out}"
    );
    assert!(
        out.contains("gad7 1 [0-3, Enter keeps 2, s blanks, b back, ? help, q quit]: \n"),
        "{out}"
    );
    // Item 2 was blanked, so asked again Enter keeps it blank.
    assert!(out.contains("Enter keeps it blank"), "{out}");
    // The review marks the answer changed after it was first given.
    assert!(out.contains("—  blank  (changed from 3)"), "{out}");
}

/// The reproduction of issue 11, point 1, through the shared session: eight items 1,
/// item 9 answered 2, `b` from the difficulty question, then Enter.
#[test]
fn back_then_enter_keeps_an_endorsed_item9() {
    let (outcome, answers, out) =
        run_lines(&["phq9"], "1\n1\n1\n1\n1\n1\n1\n1\n2\nb\n\n\ny\n", false);
    assert_eq!(outcome, Outcome::Completed);
    let mut expected = vec![Some(1); 8];
    expected.extend([Some(2), None]);
    assert_eq!(answers[0], values(&expected));
    assert!(out.contains("Total 10 of 27 · severity moderate"), "{out}");
    assert!(
        out.contains("Flags: ITEM9_POSITIVE, CASENESS_PHQ9"),
        "{out}"
    );
    assert!(!out.contains("changed from"), "{out}");
}

/// Lowering or blanking an endorsed safety answer needs a `y`; anything else keeps it.
#[test]
fn lowering_an_endorsed_safety_answer_needs_confirmation() {
    let eight = "1\n".repeat(8);
    // `s` declined with `n`, then `0` declined with Enter: item 9 stays 2.
    let (_, answers, out) = run_lines(
        &["phq9"],
        &format!("{eight}2\nb\ns\nn\nb\n0\n\n\ny\n"),
        false,
    );
    assert_eq!(answers[0][8], Answer::Value(2), "{out}");
    assert!(
        out.contains("Leave PHQ-9 item 9 blank instead of 2? Type y to confirm"),
        "{out}"
    );
    assert!(out.contains("Lower PHQ-9 item 9 from 2 to 0?"), "{out}");
    assert!(out.contains("kept PHQ-9 item 9 = 2"), "{out}");
    assert!(!out.contains("changed from"), "{out}");
    // Confirmed with `y`: lowered, and the review says from what.
    let (_, answers, out) = run_lines(&["phq9"], &format!("{eight}2\nb\n1\ny\n\ny\n"), false);
    assert_eq!(answers[0][8], Answer::Value(1), "{out}");
    assert!(out.contains("1  Several days  (changed from 2)"), "{out}");
    // Raising it, or changing an answer that is not endorsed, asks nothing.
    let (_, answers, out) = run_lines(&["phq9"], &format!("{eight}1\nb\n3\n\ny\n"), false);
    assert_eq!(answers[0][8], Answer::Value(3), "{out}");
    assert!(
        !out.contains("Type y to confirm; anything else keeps"),
        "{out}"
    );
    let (_, answers, out) = run_lines(&["phq9"], &format!("{eight}0\nb\ns\n\ny\n"), false);
    assert_eq!(answers[0][8], Answer::Missing, "{out}");
    assert!(
        !out.contains("Type y to confirm; anything else keeps"),
        "{out}"
    );
    assert!(out.contains("—  blank  (changed from 0)"), "{out}");
}

#[test]
fn item9_notices_appear_at_once() {
    let (_, _, out) = run_lines(&["phq9"], "0\n0\n0\n0\n0\n0\n0\n0\n2\n", false);
    let notice_at = out
        .find("!! SAFETY · PHQ-9 · ITEM9_POSITIVE (item 9 = 2)")
        .unwrap();
    let next_item = out.find("PHQ-9 unscored item").unwrap();
    assert!(notice_at < next_item, "{out}");
    assert!(out.contains("suicide-risk protocol now"), "{out}");

    let (_, _, out) = run_lines(&["phq9"], "0\n0\n0\n0\n0\n0\n0\n0\n\n", false);
    assert!(out.contains("!! SAFETY · PHQ-9 · ITEM9_MISSING"), "{out}");
    assert!(out.contains("!! PHQ-9 item 9 was not answered"), "{out}");

    let (_, _, out) = run_lines(&["phq9"], "0\n0\n0\n0\n0\n0\n0\n0\n0\n\ny\n", false);
    assert!(!out.contains("!! SAFETY"), "{out}");
    assert!(!out.to_lowercase().contains("safe "), "{out}");
    assert!(
        out.contains("Item 9 answered 0 (Not at all): not endorsed on this form"),
        "{out}"
    );
}

#[test]
fn review_shows_proration_and_flags() {
    // 1+2+0+3+1+0+0+2 with item 9 blank: 9 of 8 answered → 9·9/8 = 10.125 → 10.
    let (outcome, _, out) = run_lines(&["phq9"], "1\n2\n0\n3\n1\n0\n0\n2\n\n\ny\n", false);
    assert_eq!(outcome, Outcome::Completed);
    assert!(
        out.contains(
            "Total 10 of 27 (prorated from 8 of 9 items: 10.1, rounded half up) · severity moderate"
        ),
        "{out}"
    );
    assert!(
        out.contains("Flags: ITEM9_MISSING, PRORATED, CASENESS_PHQ9"),
        "{out}"
    );
}

#[test]
fn every_item_blank_has_nothing_to_save() {
    let (outcome, _, out) = run_lines(&["gad7"], &"\n".repeat(8), false);
    assert_eq!(outcome, Outcome::Abandoned(Abandon::NothingToSave));
    assert!(out.contains("Every item is blank"), "{out}");
}

#[test]
fn yes_skips_the_confirmation_but_not_the_review() {
    let (outcome, _, out) = run_lines(&["gad7"], "1\n1\n1\n1\n1\n1\n1\n\n", true);
    assert_eq!(outcome, Outcome::Completed);
    assert!(out.contains("Total 7 of 21"), "{out}");
    assert!(!out.contains("Type y to confirm"), "{out}");
}

#[test]
fn end_of_input_says_where() {
    let (outcome, _, _) = run_lines(&["gad7"], "1\n1\n", false);
    assert_eq!(
        outcome,
        Outcome::Abandoned(Abandon::EndOfInput {
            at: Some("GAD-7 item 3 of 7".into())
        })
    );
    let (outcome, _, _) = run_lines(&["gad7"], "1\n1\n1\n1\n1\n1\n1\n\n", false);
    assert_eq!(
        outcome,
        Outcome::Abandoned(Abandon::EndOfInput { at: None })
    );
}
