//! Counted nouns in the sentences symscore prints: "1 item", "2 items", "1–2 items".
//!
//! Messages are built in the library (error texts, trend reasons) and in the binary (summaries,
//! `instruments show`), so the rule lives here where both can use it: a hand-written
//! `"{n} items"` reads "1 items" as soon as a count can be one. The vocabulary is small and
//! fixed (item, point, day, row, summary, criterion …), so a few lines of English rules with an
//! explicit form for irregular nouns do the job without a general inflection crate and its
//! word lists. Each value is a [`Display`](fmt::Display) that writes straight into the
//! formatter: the trend reasons are written once per summary row, and allocate nothing here.

use std::fmt;

/// A number of things, written with the noun that agrees with it: `count(1, "item")` is
/// "1 item", `count(3, "item")` "3 items".
pub fn count<N: Number>(n: N, noun: &str) -> Counted<'_, N> {
    Counted {
        low: n,
        high: n,
        noun: Noun::regular(noun),
    }
}

/// As [`count`], for a noun whose plural the English rules do not give ("criterion",
/// "criteria").
pub fn count_irregular<'a, N: Number>(n: N, one: &'a str, many: &'a str) -> Counted<'a, N> {
    Counted {
        low: n,
        high: n,
        noun: Noun::Irregular { one, many },
    }
}

/// A range of counts, "1–2 items"; a range of one number reads as that number, "1 item",
/// never "1–1 items".
pub fn count_range<N: Number>(low: N, high: N, noun: &str) -> Counted<'_, N> {
    Counted {
        low,
        high,
        noun: Noun::regular(noun),
    }
}

/// The noun alone, agreeing with `n`, for sentences where the number stands apart from it
/// ("9 of 1 item" would be wrong; "prorated from 8 of 9 items").
pub fn noun<N: Number>(n: N, noun: &str) -> impl fmt::Display + '_ {
    Word {
        plural: !n.is_one(),
        noun: Noun::regular(noun),
    }
}

/// A whole number a message counts with. Implemented for the integer types the library
/// counts in.
pub trait Number: Copy + PartialEq + fmt::Display {
    /// Whether the number is exactly one, the only count English writes in the singular.
    fn is_one(self) -> bool;
}

macro_rules! number {
    ($($t:ty),*) => {$(
        impl Number for $t {
            fn is_one(self) -> bool {
                self == 1
            }
        }
    )*};
}
number!(u8, u16, u32, u64, usize, i32, i64);

/// A count or a range of counts with its noun; see [`count`] and [`count_range`].
#[derive(Debug, Clone, Copy)]
pub struct Counted<'a, N> {
    low: N,
    high: N,
    noun: Noun<'a>,
}

impl<N: Number> fmt::Display for Counted<'_, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.low == self.high {
            write!(f, "{} ", self.low)?;
        } else {
            write!(f, "{}–{} ", self.low, self.high)?;
        }
        // A range is plural ("1–2 items"); a single number is plural unless it is one.
        let plural = self.low != self.high || !self.high.is_one();
        Word {
            plural,
            noun: self.noun,
        }
        .fmt(f)
    }
}

#[derive(Debug, Clone, Copy)]
enum Noun<'a> {
    /// Plural by the English rules for regular nouns.
    Regular(&'a str),
    Irregular {
        one: &'a str,
        many: &'a str,
    },
}

impl<'a> Noun<'a> {
    fn regular(noun: &'a str) -> Self {
        Self::Regular(noun)
    }
}

struct Word<'a> {
    plural: bool,
    noun: Noun<'a>,
}

impl fmt::Display for Word<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.plural, self.noun) {
            (false, Noun::Regular(one) | Noun::Irregular { one, .. }) => f.write_str(one),
            (true, Noun::Irregular { many, .. }) => f.write_str(many),
            (true, Noun::Regular(one)) => {
                let (stem, suffix) = regular_plural(one);
                f.write_str(stem)?;
                f.write_str(suffix)
            }
        }
    }
}

/// The plural of a regular noun as a stem of the singular and a suffix: "summary" →
/// ("summar", "ies"), "day" → ("day", "s"), "box" → ("box", "es").
fn regular_plural(one: &str) -> (&str, &str) {
    let bytes = one.as_bytes();
    let before_last = bytes.len().checked_sub(2).map(|i| bytes[i]);
    match bytes.last() {
        // A consonant and y ("summary"), but not a vowel and y ("day", "survey").
        Some(b'y') if before_last.is_some_and(|b| !b"aeiou".contains(&b)) => {
            (&one[..one.len() - 1], "ies")
        }
        Some(b's' | b'x' | b'z') => (one, "es"),
        Some(b'h') if one.ends_with("ch") || one.ends_with("sh") => (one, "es"),
        _ => (one, "s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1u64, "item").to_string(), "1 item");
        assert_eq!(count(0u64, "item").to_string(), "0 items");
        assert_eq!(count(2usize, "item").to_string(), "2 items");
        assert_eq!(count(11u32, "point").to_string(), "11 points");
        assert_eq!(count(21i64, "day").to_string(), "21 days");
        assert_eq!(count(-1i64, "day").to_string(), "-1 days");
    }

    #[test]
    fn regular_nouns_take_the_english_endings() {
        assert_eq!(count(2u8, "day").to_string(), "2 days");
        assert_eq!(count(2u8, "survey").to_string(), "2 surveys");
        assert_eq!(count(2u8, "summary").to_string(), "2 summaries");
        assert_eq!(count(1u8, "summary").to_string(), "1 summary");
        assert_eq!(count(2u8, "box").to_string(), "2 boxes");
        assert_eq!(count(2u8, "match").to_string(), "2 matches");
        assert_eq!(
            count(2u8, "administration").to_string(),
            "2 administrations"
        );
        assert_eq!(count(2u8, "y").to_string(), "2 ys");
    }

    #[test]
    fn irregular_nouns_use_the_form_given() {
        assert_eq!(
            count_irregular(1u8, "criterion", "criteria").to_string(),
            "1 criterion"
        );
        assert_eq!(
            count_irregular(32usize, "criterion", "criteria").to_string(),
            "32 criteria"
        );
    }

    #[test]
    fn a_range_of_one_number_reads_as_that_number() {
        assert_eq!(count_range(1u8, 1, "item").to_string(), "1 item");
        assert_eq!(count_range(2u8, 2, "item").to_string(), "2 items");
        assert_eq!(count_range(1u8, 2, "item").to_string(), "1–2 items");
        assert_eq!(count_range(0u8, 1, "item").to_string(), "0–1 items");
    }

    #[test]
    fn the_noun_alone_agrees_with_its_number() {
        assert_eq!(noun(1usize, "item").to_string(), "item");
        assert_eq!(noun(9usize, "item").to_string(), "items");
        assert_eq!(noun(0usize, "summary").to_string(), "summaries");
    }
}
