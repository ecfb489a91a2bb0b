//! An exact non-negative fraction, for prorated totals that must stay reproducible.

use std::fmt;

use serde::Serialize;

/// `numerator / denominator` in lowest terms, denominator ≥ 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fraction {
    numerator: u64,
    denominator: u64,
}

impl Fraction {
    /// `numerator / denominator`, reduced.
    ///
    /// # Panics
    ///
    /// When `denominator` is zero; callers divide by a count of answered items, never zero.
    pub fn new(numerator: u64, denominator: u64) -> Self {
        assert!(denominator > 0, "a fraction needs a non-zero denominator");
        let divisor = gcd(numerator, denominator);
        Fraction {
            numerator: numerator / divisor,
            denominator: denominator / divisor,
        }
    }

    /// A whole number.
    pub fn whole(value: u64) -> Self {
        Fraction {
            numerator: value,
            denominator: 1,
        }
    }

    /// The numerator in lowest terms.
    pub fn numerator(self) -> u64 {
        self.numerator
    }

    /// The denominator in lowest terms.
    pub fn denominator(self) -> u64 {
        self.denominator
    }

    /// The nearest `f64`.
    #[allow(clippy::cast_precision_loss)] // totals are far below 2^52
    pub fn to_f64(self) -> f64 {
        self.numerator as f64 / self.denominator as f64
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// Whole numbers print as integers (`12`); others as their nearest decimal (`16.714285714285715`).
impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.denominator == 1 {
            write!(f, "{}", self.numerator)
        } else {
            write!(f, "{}", self.to_f64())
        }
    }
}

/// A JSON number: an integer when whole, else the nearest `f64`.
impl Serialize for Fraction {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.denominator == 1 {
            serializer.serialize_u64(self.numerator)
        } else {
            serializer.serialize_f64(self.to_f64())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Fraction;

    #[test]
    fn reduces_to_lowest_terms() {
        let f = Fraction::new(117, 7);
        assert_eq!((f.numerator(), f.denominator()), (117, 7));
        let g = Fraction::new(18, 8);
        assert_eq!((g.numerator(), g.denominator()), (9, 4));
        assert_eq!(Fraction::new(0, 5), Fraction::whole(0));
    }

    #[test]
    fn displays_whole_numbers_as_integers() {
        assert_eq!(Fraction::new(18, 2).to_string(), "9");
        assert_eq!(Fraction::new(9, 4).to_string(), "2.25");
    }

    #[test]
    fn serializes_whole_numbers_as_json_integers() {
        // 18/2 is the whole number 9: a JSON integer, not 9.0; 9/4 is 2.25 exactly.
        assert_eq!(serde_json::to_string(&Fraction::new(18, 2)).unwrap(), "9");
        assert_eq!(serde_json::to_string(&Fraction::new(9, 4)).unwrap(), "2.25");
        // 117/7 (a prorated PHQ-9 total) is the nearest f64.
        assert_eq!(
            serde_json::to_string(&Fraction::new(117, 7)).unwrap(),
            "16.714285714285715"
        );
    }
}
