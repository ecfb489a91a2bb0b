//! Invariants that must hold for every input, checked on random inputs (proptest).

use proptest::prelude::*;
use symscore::batch::{BatchOptions, BatchReader};
use symscore::instrument::{Algorithm, parse_definition};
use symscore::score::{Answer, Truth, evaluate};
use symscore::{Registry, score};

fn answer(max: u8) -> impl Strategy<Value = Answer> {
    prop_oneof![
        6 => (0..=max).prop_map(Answer::Value),
        2 => Just(Answer::Missing),
        1 => Just(Answer::Invalid),
    ]
}

/// Brute force over all 2^m completions: the definition of §5.2, written the slow way.
fn brute_force(algorithm: &Algorithm, answers: &[Answer]) -> Truth {
    let unknown: Vec<usize> = (0..answers.len())
        .filter(|&i| answers[i].value().is_none())
        .collect();
    let (mut any_true, mut any_false) = (false, false);
    for mask in 0u32..(1 << unknown.len()) {
        let present: Vec<bool> = (0..answers.len())
            .map(|i| match answers[i].value() {
                Some(v) => v >= algorithm.present_at[i],
                None => mask & (1 << unknown.iter().position(|&u| u == i).unwrap()) != 0,
            })
            .collect();
        let holds = algorithm
            .criteria
            .iter()
            .all(|c| c.accepts(c.items.iter().filter(|&&i| present[i]).count()));
        if holds {
            any_true = true;
        } else {
            any_false = true;
        }
    }
    match (any_true, any_false) {
        (true, false) => Truth::True,
        (false, true) => Truth::False,
        _ => Truth::Unknown,
    }
}

proptest! {
    #[test]
    fn every_total_lies_within_the_range(id in prop::sample::select(vec!["phq9", "gad7", "pcl5"]), seed in prop::collection::vec(answer(4), 20)) {
        let registry = Registry::builtin();
        let instrument = registry.get(id).unwrap();
        let answers: Vec<Answer> = seed.into_iter().take(instrument.item_count())
            .map(|a| match a { Answer::Value(v) if v > instrument.scale.max => Answer::Value(instrument.scale.max), other => other })
            .collect();
        let report = score(instrument, &answers).unwrap();
        if let Some(total) = report.total {
            prop_assert!(instrument.total_min() <= total && total <= instrument.total_max());
            prop_assert_eq!(report.severity.id(), instrument.band_for(total).id.as_str());
        } else {
            prop_assert_eq!(report.severity.id(), "invalid");
        }
        prop_assert_eq!(report.answered + report.missing + report.invalid, instrument.item_count());
        // `is_prorated` reads the counts; it must agree with the flag the scorer raised.
        prop_assert_eq!(report.is_prorated(), report.has_flag("PRORATED"));
    }

    #[test]
    fn raising_one_answer_never_lowers_the_total(id in prop::sample::select(vec!["phq9", "gad7", "pcl5"]), values in prop::collection::vec(0u8..=4, 20), which in 0usize..20) {
        let registry = Registry::builtin();
        let instrument = registry.get(id).unwrap();
        let n = instrument.item_count();
        let mut answers: Vec<Answer> = values.into_iter().take(n).map(|v| Answer::Value(v.min(instrument.scale.max))).collect();
        let before = score(instrument, &answers).unwrap().total.unwrap();
        let i = which % n;
        if let Answer::Value(v) = answers[i]
            && v < instrument.scale.max
        {
            answers[i] = Answer::Value(v + 1);
            let after = score(instrument, &answers).unwrap().total.unwrap();
            prop_assert!(after > before);
        }
    }

    #[test]
    fn algorithms_agree_with_brute_force_enumeration(id in prop::sample::select(vec!["phq9", "pcl5"]), seed in prop::collection::vec(answer(4), 20)) {
        let registry = Registry::builtin();
        let instrument = registry.get(id).unwrap();
        let mut answers: Vec<Answer> = seed.into_iter().take(instrument.item_count())
            .map(|a| match a { Answer::Value(v) if v > instrument.scale.max => Answer::Value(instrument.scale.max), other => other })
            .collect();
        // Keep brute force affordable: at most 12 unknown items.
        let mut unknown = 0;
        for a in &mut answers {
            if a.value().is_none() {
                unknown += 1;
                if unknown > 12 { *a = Answer::Value(0); }
            }
        }
        for algorithm in &instrument.algorithms {
            prop_assert_eq!(evaluate(algorithm, &answers), brute_force(algorithm, &answers), "{} on {:?}", algorithm.flag, answers);
        }
    }

    #[test]
    fn a_damaged_definition_is_rejected_not_panicked_on(cut in 0usize..4000, insert in prop::sample::select(vec!["", "}", "\"", "-1", "[", "9999999999", "null"])) {
        let text = include_str!("../../instruments/pcl5.json");
        // Replace up to 7 bytes at `cut` with `insert`, on character boundaries.
        let boundary = |mut i: usize| {
            i = i.min(text.len());
            while !text.is_char_boundary(i) {
                i += 1;
            }
            i
        };
        let (start, end) = (boundary(cut), boundary(cut + 7));
        let damaged = format!("{}{insert}{}", &text[..start], &text[end..]);
        let _ = parse_definition("damaged.json", &damaged);
    }

    #[test]
    fn any_csv_is_read_without_panicking(body in "[0-9a-z,.;\"\r\n -]{0,400}") {
        let registry = Registry::builtin();
        let input = format!("patient_id,date,gad7_1,gad7_2,gad7_3,gad7_4,gad7_5,gad7_6,gad7_7\n{body}");
        if let Ok(mut batch) = BatchReader::new(&registry, input.as_bytes(), "fuzz.csv", BatchOptions::default()) {
            let mut rows = 0;
            while let Ok(Some(_)) = batch.next_row() {
                rows += 1;
            }
            let s = batch.summary();
            prop_assert_eq!(s.rows, rows);
            prop_assert_eq!(s.scored + s.prorated + s.invalid + s.not_administered, s.rows);
        }
    }
}

#[test]
fn bands_cover_every_total_exactly_once() {
    for instrument in Registry::builtin().iter() {
        for total in instrument.total_min()..=instrument.total_max() {
            let covering = instrument
                .bands
                .iter()
                .filter(|b| b.min <= total && total <= b.max)
                .count();
            assert_eq!(covering, 1, "{} total {total}", instrument.id);
        }
    }
}
