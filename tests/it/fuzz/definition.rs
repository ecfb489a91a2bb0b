//! Arbitrary text as an instrument definition through `parse_definition`: JSON parsing, every
//! validation rule and the error locator. Bytes that are not UTF-8 are read lossily (the file
//! loader refuses them before this point; the text path must not care).
//!
//! Checked for every input:
//! - nothing panics, and an error always renders as a message;
//! - when the definition loads: `band_for` finds a band for every total in
//!   `total_min()..=total_max()`, bands are ascending and tile that range, and scoring a few
//!   answer vectors built from the input (plus all-lowest, all-highest and all-blank) gives
//!   totals within that range, the right band, and consistent counts and safety flags;
//! - a wrong number of answers is an error, not a panic.

use symscore::instrument::parse_definition;
use symscore::score::Severity;
use symscore::{Answer, Instrument, score};

/// Answer vectors for `instrument`, item `i` of vector `k` taken from byte `k * n + i`.
fn answer_vectors(instrument: &Instrument, data: &[u8]) -> Vec<Vec<Answer>> {
    let n = instrument.item_count();
    let (min, max) = (instrument.scale.min, instrument.scale.max);
    let span = u16::from(max) - u16::from(min) + 1;
    let mut vectors = vec![
        vec![Answer::Value(min); n],
        vec![Answer::Value(max); n],
        vec![Answer::Missing; n],
    ];
    if data.is_empty() {
        return vectors;
    }
    for k in 0..4 {
        let vector = (0..n)
            .map(|i| {
                let byte = u16::from(data[(k * n + i) % data.len()]);
                // Mostly values, some blanks, a few unusable answers.
                match byte % (span + 2) {
                    v if v < span => Answer::Value(min + u8::try_from(v).expect("v < span <= 256")),
                    v if v == span => Answer::Missing,
                    _ => Answer::Invalid,
                }
            })
            .collect();
        vectors.push(vector);
    }
    vectors
}

fn check_bands(instrument: &Instrument) {
    let (lo, hi) = (instrument.total_min(), instrument.total_max());
    let bands = &instrument.bands;
    assert!(!bands.is_empty());
    assert_eq!(bands[0].min, lo, "bands start at the lowest total");
    assert_eq!(
        bands[bands.len() - 1].max,
        hi,
        "bands end at the highest total"
    );
    for pair in bands.windows(2) {
        assert_eq!(pair[0].max + 1, pair[1].min, "bands tile the range");
    }
    // The range is at most 100 items x 100 points; every total must find its band.
    for total in lo..=hi {
        let band = instrument.band_for(total);
        assert!(band.min <= total && total <= band.max);
    }
}

fn check_score(instrument: &Instrument, answers: &[Answer]) {
    let report = score(instrument, answers).expect("one answer per item");
    let count = |kind: fn(&Answer) -> bool| answers.iter().filter(|a| kind(a)).count();
    assert_eq!(report.answered, count(|a| matches!(a, Answer::Value(_))));
    assert_eq!(report.missing, count(|a| *a == Answer::Missing));
    assert_eq!(report.invalid, count(|a| *a == Answer::Invalid));
    assert_eq!(
        report.total.is_some(),
        report.invalid == 0 && report.missing <= instrument.max_missing
    );
    match report.total {
        Some(total) => {
            assert!(instrument.total_min() <= total && total <= instrument.total_max());
            assert_eq!(report.severity, Severity::Band(instrument.band_for(total)));
            assert_eq!(report.is_prorated(), report.missing > 0);
        }
        None => assert_eq!(report.severity, Severity::Invalid),
    }
    for safety in &instrument.safety_items {
        let answer = answers[safety.item - 1];
        let positive = report.has_flag(&safety.positive_flag);
        let unknown = report.has_flag(&safety.missing_flag);
        match answer {
            Answer::Value(v) if v >= safety.min_value => assert!(positive),
            Answer::Value(_) => assert!(!positive && !unknown),
            Answer::Missing | Answer::Invalid => assert!(unknown && !positive),
        }
    }
    let _ = report.subscale_summary(";", "");
    let _ = report.needs_safety_review();
}

/// Runs one input through every check; panics where one fails.
pub(crate) fn check(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let instrument = match parse_definition("fuzz.json", &text) {
        Ok(instrument) => instrument,
        Err(err) => {
            let _ = err.to_string();
            return;
        }
    };
    check_bands(&instrument);
    for answers in answer_vectors(&instrument, data) {
        check_score(&instrument, &answers);
    }
    let n = instrument.item_count();
    assert!(score(&instrument, &vec![Answer::Missing; n + 1]).is_err());
    if n > 0 {
        assert!(score(&instrument, &vec![Answer::Missing; n - 1]).is_err());
    }
}
