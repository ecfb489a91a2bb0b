//! `score` on a built-in instrument with arbitrary answers.
//!
//! Byte 0 picks the instrument (PHQ-9, GAD-7, PCL-5, by value modulo 3); each following byte is
//! one item's answer: a value on the instrument's scale, blank (`Missing`) or unusable
//! (`Invalid`). Items past the end of the input are blank.
//!
//! Checked, against a plain recomputation from the answers:
//! - `answered + missing + invalid` is the item count, and each count is right;
//! - a total exists exactly when no answer is invalid and `missing <= max_missing`;
//!   it lies within `total_min()..=total_max()`, equals the sum (or the half-up prorated sum
//!   `S*N/n`) of the item contributions, with `total_exact` the unrounded `S*N/n`, and its
//!   severity is the band holding it; `PRORATED` is raised exactly when a total is prorated;
//! - PHQ-9 item 9 (and every safety item): answered >= 1 gives `ITEM9_POSITIVE`, answered 0
//!   gives neither flag, blank or unusable gives `ITEM9_MISSING`, whatever the total;
//! - a threshold flag is raised exactly when a total reaches its cut-off;
//! - a subscale has a sum exactly when all its items are answered, and the sum is right;
//! - a complete form raises no indeterminate algorithm flag.

use std::sync::LazyLock;
use symscore::score::{Severity, prorate, status_flag};
use symscore::{Answer, Registry, score};

static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::builtin);

/// Runs one input through every check; panics where one fails.
pub(crate) fn check(data: &[u8]) {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let instruments: Vec<_> = REGISTRY.iter().collect();
    let instrument = instruments[usize::from(choice) % instruments.len()];
    let n = instrument.item_count();
    let (min, max) = (instrument.scale.min, instrument.scale.max);
    let span = u16::from(max) - u16::from(min) + 1;
    let answers: Vec<Answer> = (0..n)
        .map(|i| match rest.get(i).map(|&b| u16::from(b) % (span + 2)) {
            Some(v) if v < span => Answer::Value(min + u8::try_from(v).expect("v < span")),
            Some(v) if v == span => Answer::Invalid,
            _ => Answer::Missing,
        })
        .collect();

    let report = score(instrument, &answers).expect("one answer per item");

    let answered = answers
        .iter()
        .filter(|a| matches!(a, Answer::Value(_)))
        .count();
    let missing = answers.iter().filter(|a| **a == Answer::Missing).count();
    let invalid = answers.iter().filter(|a| **a == Answer::Invalid).count();
    assert_eq!(report.answered + report.missing + report.invalid, n);
    assert_eq!(
        (report.answered, report.missing, report.invalid),
        (answered, missing, invalid)
    );
    assert_eq!(report.answers, answers);

    let has_total = invalid == 0 && missing <= instrument.max_missing;
    assert_eq!(report.total.is_some(), has_total, "{answers:?}");
    assert_eq!(report.total_exact.is_some(), has_total);
    assert_eq!(report.has_flag(status_flag::INVALID_VALUE), invalid > 0);
    assert_eq!(
        report.has_flag(status_flag::INVALID_TOO_MANY_MISSING),
        missing > instrument.max_missing
    );
    assert_eq!(report.is_prorated(), has_total && missing > 0);

    let sum: u32 = answers
        .iter()
        .enumerate()
        .filter_map(|(i, a)| a.value().map(|v| instrument.item_contribution(i, v)))
        .sum();
    if let Some(total) = report.total {
        assert!(instrument.total_min() <= total && total <= instrument.total_max());
        let expected = if missing == 0 {
            sum
        } else {
            prorate(sum, n, answered)
        };
        assert_eq!(total, expected, "{answers:?}");
        let exact = report.total_exact.expect("with the total");
        // total_exact == S*N/n, compared by cross-multiplication.
        let (numerator, denominator) = (u64::from(sum) * n as u64, answered as u64);
        assert_eq!(
            u128::from(exact.numerator()) * u128::from(denominator),
            u128::from(numerator) * u128::from(exact.denominator())
        );
        let band = instrument.band_for(total);
        assert_eq!(report.severity, Severity::Band(band));
        for threshold in &instrument.thresholds {
            assert_eq!(
                report.has_flag(&threshold.flag),
                total >= threshold.min_total
            );
        }
    } else {
        assert_eq!(report.severity, Severity::Invalid);
        for threshold in &instrument.thresholds {
            assert!(!report.has_flag(&threshold.flag));
        }
    }

    for safety in &instrument.safety_items {
        let positive = report.has_flag(&safety.positive_flag);
        let unknown = report.has_flag(&safety.missing_flag);
        match answers[safety.item - 1] {
            Answer::Value(v) if v >= safety.min_value => assert!(positive && !unknown),
            Answer::Value(_) => assert!(!positive && !unknown),
            Answer::Missing | Answer::Invalid => assert!(unknown && !positive),
        }
    }
    if instrument.id == "phq9" {
        // The clinical rule itself, independent of how the definition spells it.
        match answers[8] {
            Answer::Value(v) if v >= 1 => assert!(report.has_flag("ITEM9_POSITIVE")),
            Answer::Value(_) => {
                assert!(!report.has_flag("ITEM9_POSITIVE") && !report.has_flag("ITEM9_MISSING"));
            }
            Answer::Missing | Answer::Invalid => assert!(report.has_flag("ITEM9_MISSING")),
        }
        assert_eq!(
            report.needs_safety_review(),
            !matches!(answers[8], Answer::Value(0))
        );
    }

    for (subscale, scored) in instrument.subscales.iter().zip(&report.subscales) {
        assert_eq!(scored.id, subscale.id);
        let expected = subscale
            .items
            .iter()
            .map(|&number| {
                answers[number - 1]
                    .value()
                    .map(|v| instrument.item_contribution(number - 1, v))
            })
            .sum::<Option<u32>>();
        assert_eq!(scored.value, expected);
    }
    assert_eq!(report.subscales.len(), instrument.subscales.len());

    if answered == n {
        for algorithm in &instrument.algorithms {
            assert!(!report.has_flag(&algorithm.indeterminate_flag));
        }
    }
}
