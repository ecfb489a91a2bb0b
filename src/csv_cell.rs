//! Writing CSV cells straight into a byte buffer the caller reuses.
//!
//! Batch runs write millions of rows; building each cell as a `String` and handing it to a
//! CSV writer was most of their output time. These functions append bytes exactly as the
//! csv crate (and `Display`) would write the same values, which the tests check.

use std::borrow::Cow;

use jiff::civil::Date;

/// Text from the input made safe to open in a spreadsheet (OWASP CSV injection guidance):
/// a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be read by
/// Excel as a formula, so it gets a leading `'`, which spreadsheets show as plain text.
/// Only free text from the input passes through here; numbers symscore computes never do.
pub fn spreadsheet_safe(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Appends a CSV cell, quoted only when it holds a delimiter, a quote or a line break (as the
/// csv crate does by default). For writers that build rows in a reused buffer.
pub fn push_csv_field(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    let special = |b: &u8| matches!(b, b',' | b'"' | b'\n' | b'\r');
    // Most cells (ids, versions) are short and a plain loop is quickest; some (a status
    // reason) are sentences, where a word-at-a-time search wins.
    let needs_quotes = if bytes.len() < 32 {
        bytes.iter().any(special)
    } else {
        memchr::memchr3(b',', b'"', b'\n', bytes).is_some()
            || memchr::memchr(b'\r', bytes).is_some()
    };
    if needs_quotes {
        out.push(b'"');
        for &b in bytes {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(bytes);
    }
}

/// Appends a value's `Display` text as one CSV cell, quoted as [`push_csv_field`] quotes.
/// The text is written straight into `out`, so a typed value (a status reason) reaches the
/// file without a `String` of its own.
pub fn push_csv_display(out: &mut Vec<u8>, value: &impl std::fmt::Display) {
    use std::io::Write as _;
    let start = out.len();
    // Writing into a `Vec` cannot fail; a `Display` that fails leaves what it wrote.
    let _ = write!(out, "{value}");
    let cell = &out[start..];
    if cell.contains(&b'"') {
        // Quotes inside are doubled: rare, so the text is moved once.
        let text = out.split_off(start);
        push_csv_field(out, &String::from_utf8_lossy(&text));
    } else if cell.iter().any(|b| matches!(b, b',' | b'\n' | b'\r')) {
        // A sentence with a comma: only the cell's own bytes move to make room.
        out.insert(start, b'"');
        out.push(b'"');
    }
}

/// Appends `n` in decimal. Most cells are counts and totals below 1000; those are written as
/// fixed-size pieces, which compile to a store instead of a copy loop.
pub fn push_int(out: &mut Vec<u8>, n: u64) {
    let digit = |d: u64| b'0' + (d % 10) as u8;
    match n {
        0..=9 => out.push(digit(n)),
        10..=99 => out.extend_from_slice(&[digit(n / 10), digit(n)]),
        100..=999 => out.extend_from_slice(&[digit(n / 100), digit(n / 10), digit(n)]),
        _ => out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes()),
    }
}

/// Appends a non-whole prorated total exactly as `f64`'s `Display` writes it: the shortest
/// decimal that reads back as the same number. Ryu finds the same digits several times
/// faster, and for non-whole numbers from 1e-5 to 1e16 writes them without an exponent, as
/// `Display` does (whole numbers would gain a `.0`); a prorated total that reaches here is
/// never outside that range.
pub fn push_decimal(out: &mut Vec<u8>, value: f64) {
    if (1e-5..1e16).contains(&value) && value.fract() != 0.0 {
        out.extend_from_slice(ryu::Buffer::new().format_finite(value).as_bytes());
    } else {
        out.extend_from_slice(value.to_string().as_bytes());
    }
}

/// Appends `value` with `decimals` digits after the point (at most 3), exactly as
/// `format!("{value:.decimals$}")` writes it: the exact binary value rounded half to even,
/// with a `-` whenever the sign bit is set. Trend writes a per-cent with one decimal on every
/// row of its CSV, and the formatter's exact mode (big-number arithmetic) was 8 % of the
/// run's instructions; for the values that occur (|value| < 2^40) the rounding is done here
/// in integers, anything else goes to the formatter.
pub fn push_fixed(out: &mut Vec<u8>, value: f64, decimals: u32) {
    const LIMIT: f64 = 1_099_511_627_776.0; // 2^40
    if decimals > 3 || value.is_nan() || value.abs() >= LIMIT {
        use std::io::Write as _;
        let _ = write!(out, "{value:.0$}", decimals as usize);
        return;
    }
    let scale = 10u64.pow(decimals);
    // value = mantissa · 2^exponent exactly, and mantissa · scale < 2^53 · 2^10 fits a u64.
    let bits = value.to_bits();
    let biased = (bits >> 52) & 0x7ff;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (
            fraction | 1 << 52,
            i64::try_from(biased).unwrap_or(0) - 1075,
        )
    };
    let product = mantissa * scale;
    // scaled = value · scale rounded to a whole number, half to even. Below 2^40 the
    // exponent is at most 40 - 52, so there is always a shift.
    let shift = exponent.unsigned_abs();
    let scaled = if shift >= 64 {
        // value · scale = product / 2^shift < 2^63 / 2^64: below one half, rounds to 0.
        0
    } else {
        let quotient = product >> shift;
        let rest = product & ((1 << shift) - 1);
        let half = 1 << (shift - 1);
        quotient + u64::from(rest > half || (rest == half && quotient % 2 == 1))
    };
    if bits >> 63 == 1 {
        out.push(b'-');
    }
    push_int(out, scaled / scale);
    if decimals > 0 {
        out.push(b'.');
        let part = scaled % scale;
        for digit in (0..decimals).rev() {
            out.push(b'0' + (part / 10u64.pow(digit) % 10) as u8);
        }
    }
}

/// `YYYY-MM-DD`, as jiff writes it, without going through the formatter.
pub fn push_date(out: &mut Vec<u8>, date: Date) {
    let year = date.year();
    if (1000..=9999).contains(&year) {
        // Ten fixed bytes: one store instead of a digit loop and three small copies.
        let digit = |n: u16| b'0' + (n % 10) as u8;
        let year = year.unsigned_abs();
        let (month, day) = (date.month().unsigned_abs(), date.day().unsigned_abs());
        out.extend_from_slice(&[
            digit(year / 1000),
            digit(year / 100),
            digit(year / 10),
            digit(year),
            b'-',
            b'0' + month / 10,
            b'0' + month % 10,
            b'-',
            b'0' + day / 10,
            b'0' + day % 10,
        ]);
    } else {
        out.extend_from_slice(date.to_string().as_bytes());
    }
}

/// Appends flag names joined by `;`, written as they are: definitions are validated to use
/// only A-Z, 0-9 and `_` in flag names, so they never need quoting.
pub fn push_flags<'a>(out: &mut Vec<u8>, flags: impl IntoIterator<Item = &'a str>) {
    for (i, flag) in flags.into_iter().enumerate() {
        if i > 0 {
            out.push(b';');
        }
        out.extend_from_slice(flag.as_bytes());
    }
}

/// Appends a signed integer in decimal (a change in points can be negative).
pub fn push_signed(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    push_int(out, n.unsigned_abs());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_written_in_decimal() {
        for n in (0..2_000).chain([9_999, 10_000, 123_456_789, u64::MAX]) {
            let mut out = Vec::new();
            push_int(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
        }
    }

    /// The fast float writer must print every prorated total as `Display` would: every
    /// fraction S·N/n for forms of up to 40 items on scales up to 0-6, and values outside
    /// the fast path's range.
    #[test]
    fn prorated_totals_are_written_as_display_writes_them() {
        let mut checked = 0;
        for items in 1..=40u64 {
            for answered in 1..items {
                for sum in 0..=6 * answered {
                    let value = crate::score::Fraction::new(sum * items, answered).to_f64();
                    let mut out = Vec::new();
                    push_decimal(&mut out, value);
                    assert_eq!(
                        out,
                        value.to_string().as_bytes(),
                        "{sum}·{items}/{answered}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 60_000);
        for value in [1e-7, 0.5, 2.0, 123.456, 1e16, 3.5e20] {
            let mut out = Vec::new();
            push_decimal(&mut out, value);
            assert_eq!(out, value.to_string().as_bytes());
        }
    }

    /// A displayed value is the same cell as its text written by `push_csv_field`.
    #[test]
    fn displayed_values_are_quoted_as_text_is() {
        for text in [
            "plain",
            "a, b",
            "say \"hi\"",
            "two\nlines",
            "cr\r",
            "",
            "x,\"y\"",
        ] {
            let (mut shown, mut written) = (b"before,".to_vec(), b"before,".to_vec());
            push_csv_display(&mut shown, &text);
            push_csv_field(&mut written, text);
            assert_eq!(
                String::from_utf8(shown).unwrap(),
                String::from_utf8(written).unwrap()
            );
        }
    }

    #[test]
    fn formula_like_text_is_neutralised() {
        for cell in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(spreadsheet_safe(cell), format!("'{cell}"));
        }
        for cell in ["P017", "93705.0", "", "a=b"] {
            assert_eq!(spreadsheet_safe(cell), cell);
        }
    }

    /// Quoted exactly as the csv crate quotes, short cells and long ones alike.
    #[test]
    fn cells_are_quoted_as_the_csv_crate_quotes_them() {
        let long = "the last 3 administrations span 13 days, 14 needed";
        let mut cells = vec![
            String::new(),
            "P017".to_owned(),
            "a,b".to_owned(),
            "say \"hi\"".to_owned(),
            "two\nlines".to_owned(),
            "cr\r".to_owned(),
            long.to_owned(),
            long.replace(',', ";"),
        ];
        for special in [',', '"', '\n', '\r'] {
            for at in [0, 31, 32, 40] {
                let mut text = "x".repeat(48);
                text.replace_range(at..=at, &special.to_string());
                cells.push(text);
            }
        }
        for cell in cells {
            let mut ours = Vec::new();
            push_csv_field(&mut ours, &cell);
            ours.extend_from_slice(b",end\n");
            // Two cells: the csv crate quotes a lone empty cell to keep the line.
            let mut theirs = csv::Writer::from_writer(Vec::new());
            theirs.write_record([cell.as_str(), "end"]).unwrap();
            assert_eq!(ours, theirs.into_inner().unwrap(), "{cell:?}");
        }
    }

    /// Every per-cent trend computes (a change of -300..=300 points from a baseline of
    /// 1..=300, as `change_from` divides), ties on the binary value (6.25, 0.125 …), tiny,
    /// negative, zero, subnormal and out-of-range values: all as `{:.N}` writes them.
    #[test]
    fn fixed_decimals_are_written_as_the_formatter_writes_them() {
        let check = |value: f64, decimals: u32| {
            let mut out = b"x".to_vec();
            push_fixed(&mut out, value, decimals);
            let expected = format!("x{value:.0$}", decimals as usize);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                expected,
                "{value:e} to {decimals}"
            );
        };
        let mut checked = 0;
        for delta in -300i64..=300 {
            for baseline in 1u32..=300 {
                #[allow(clippy::cast_precision_loss)]
                let pct = delta as f64 * 100.0 / f64::from(baseline);
                for decimals in 0..=3 {
                    check(pct, decimals);
                }
                checked += 1;
            }
        }
        assert!(checked > 180_000);
        // 6.25 and 0.125 are ties on the exact value: half to even, as the formatter does.
        for value in [
            0.0,
            -0.0,
            0.05,
            0.15,
            0.25,
            0.35,
            0.45,
            0.75,
            1.25,
            2.5,
            6.25,
            -6.25,
            0.125,
            0.375,
            -0.625,
            12.345,
            0.005,
            1e-300,
            -1e-300,
            5e-324,
            f64::MIN_POSITIVE,
            1e-19,
            -1e-20,
            1_099_511_627_775.75,
            1_099_511_627_776.0,
            1e300,
            -1e300,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
        ] {
            for decimals in 0..=4 {
                check(value, decimals);
            }
        }
        // Values spread over every exponent the fast path takes, from an even walk of bits.
        let mut bits: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200_000 {
            bits ^= bits << 13;
            bits ^= bits >> 7;
            bits ^= bits << 17;
            // A random sign and mantissa, with a binary exponent from -70 to 40.
            let exponent = 1023 - 70 + (bits >> 52) % 111;
            let value = f64::from_bits(bits & 0x800f_ffff_ffff_ffff | exponent << 52);
            for decimals in 1..=2 {
                check(value, decimals);
            }
        }
    }

    #[test]
    fn signed_integers_and_dates_match_display() {
        for n in [-1_000_001, -80, -10, -9, -1, 0, 1, 9, 10, 99, 100, 12_345] {
            let mut out = Vec::new();
            push_signed(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
        }
        for date in [
            jiff::civil::date(2026, 2, 28),
            jiff::civil::date(1999, 12, 1),
            jiff::civil::date(999, 1, 9),
            jiff::civil::date(-5, 3, 4),
        ] {
            let mut out = Vec::new();
            push_date(&mut out, date);
            assert_eq!(out, date.to_string().as_bytes());
        }
    }
}
