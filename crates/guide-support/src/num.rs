//! Deterministic number formatting.
//!
//! Rules every example follows (they are why the book's outputs are stable):
//! - computed floats are printed with a fixed number of decimals, never with
//!   `{}` or `{:?}` (which print the shortest round-trip form and so expose
//!   last-bit differences);
//! - a value that rounds to zero never prints as `-0.0000`;
//! - NaN and infinities print as `NaN`, `inf` and `-inf`.
//!
//! Also integers with separators ([`int`], [`human`]), vectors and matrices
//! ([`vector`], [`matrix`]) and bytes in hex ([`hex`]).

use std::fmt::Write as _;

/// Formats `x` with exactly `decimals` digits after the point.
///
/// A result that would read `-0.00…` is printed without the sign, so that a
/// tiny negative rounding error on one machine and a tiny positive one on
/// another print the same text.
///
/// ```
/// use guide_support::fixed;
/// assert_eq!(fixed(3.14159, 2), "3.14");
/// assert_eq!(fixed(-0.00001, 4), "0.0000");
/// assert_eq!(fixed(f64::NAN, 4), "NaN");
/// ```
pub fn fixed(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    let s = format!("{x:.decimals$}");
    strip_negative_zero(s)
}

/// Four decimals: the default for values of order one.
pub fn f4(x: f64) -> String {
    fixed(x, 4)
}

/// Six decimals: the default for probabilities.
pub fn f6(x: f64) -> String {
    fixed(x, 6)
}

/// Scientific notation with `decimals` digits in the mantissa, e.g.
/// `1.2346e-6`. The exponent is written as Rust writes it (no leading zero,
/// no `+`), which differs from Python's `1.2346e-06`.
///
/// ```
/// use guide_support::sci;
/// assert_eq!(sci(0.0000012345678, 4), "1.2346e-6");
/// assert_eq!(sci(-0.0, 2), "0.00e0");
/// ```
pub fn sci(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return fixed(x, decimals);
    }
    let s = format!("{x:.decimals$e}");
    strip_negative_zero(s)
}

/// A percentage with `decimals` decimals: `percent(0.1234, 1)` is `12.3%`.
pub fn percent(x: f64, decimals: usize) -> String {
    format!("{}%", fixed(x * 100.0, decimals))
}

/// An integer with thousands separators: `int(1234567)` is `1,234,567`.
pub fn int(n: impl Into<i128>) -> String {
    let n: i128 = n.into();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A parameter or token count in the units papers use: `340M`, `175.0B`,
/// `1.2T`, with `decimals` digits after the point.
pub fn human(n: u128, decimals: usize) -> String {
    const UNITS: [(u128, &str); 4] = [
        (1_000_000_000_000, "T"),
        (1_000_000_000, "B"),
        (1_000_000, "M"),
        (1_000, "K"),
    ];
    for (scale, unit) in UNITS {
        if n >= scale {
            // Integer arithmetic up to the division keeps this exact.
            return format!("{}{unit}", fixed(n as f64 / scale as f64, decimals));
        }
    }
    n.to_string()
}

/// A vector as `[a, b, c]` with fixed decimals.
pub fn vector(xs: &[f64], decimals: usize) -> String {
    let items: Vec<String> = xs.iter().map(|&x| fixed(x, decimals)).collect();
    format!("[{}]", items.join(", "))
}

/// A matrix given as rows, printed with right-aligned columns, one row per
/// line, each line indented by `indent` spaces.
///
/// ```
/// use guide_support::num::matrix;
/// let m = matrix(&[vec![1.0, -0.5], vec![10.25, 0.0]], 2, 0);
/// assert_eq!(m, "[[ 1.00, -0.50],\n [10.25,  0.00]]");
/// ```
pub fn matrix<R: AsRef<[f64]>>(rows: &[R], decimals: usize, indent: usize) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.as_ref().iter().map(|&x| fixed(x, decimals)).collect())
        .collect();
    let width = cells.iter().flatten().map(String::len).max().unwrap_or(0);
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for (i, row) in cells.iter().enumerate() {
        out.push_str(&pad);
        out.push_str(if i == 0 { "[[" } else { " [" });
        for (j, cell) in row.iter().enumerate() {
            if j > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "{cell:>width$}");
        }
        out.push(']');
        if i + 1 == cells.len() {
            out.push(']');
        } else {
            out.push_str(",\n");
        }
    }
    out
}

/// Bytes as two lowercase hex digits each, separated by spaces, as a
/// protocol dump shows them.
///
/// ```
/// use guide_support::num::hex;
/// assert_eq!(hex(&[0x08, 0x96, 0x01]), "08 96 01");
/// assert_eq!(hex(&[]), "");
/// ```
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn strip_negative_zero(s: String) -> String {
    match s.strip_prefix('-') {
        // Only digits, the point and a zero exponent may follow: "-0.000",
        // "-0.00e0".
        Some(rest)
            if rest
                .split('e')
                .next()
                .is_some_and(|m| m.chars().all(|c| c == '0' || c == '.')) =>
        {
            rest.to_owned()
        }
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_zero_is_unsigned() {
        assert_eq!(fixed(-0.0, 2), "0.00");
        assert_eq!(fixed(-0.004, 2), "0.00");
        assert_eq!(fixed(-0.005_000_1, 2), "-0.01");
        assert_eq!(fixed(-1e-300, 0), "0");
        assert_eq!(sci(-0.0, 3), "0.000e0");
        assert_eq!(sci(-1.5e-7, 1), "-1.5e-7");
    }

    #[test]
    fn non_finite() {
        assert_eq!(fixed(f64::INFINITY, 2), "inf");
        assert_eq!(fixed(f64::NEG_INFINITY, 2), "-inf");
        assert_eq!(sci(f64::NAN, 2), "NaN");
    }

    #[test]
    fn integers() {
        assert_eq!(int(0), "0");
        assert_eq!(int(999), "999");
        assert_eq!(int(1000), "1,000");
        assert_eq!(int(-1_234_567), "-1,234,567");
        assert_eq!(int(175_181_291_520_u64), "175,181,291,520");
    }

    #[test]
    fn human_units() {
        assert_eq!(human(335_141_888, 0), "335M");
        assert_eq!(human(175_181_291_520, 1), "175.2B");
        assert_eq!(human(512, 1), "512");
    }

    #[test]
    fn hex_bytes() {
        assert_eq!(hex(&[0, 0x7f, 0x80, 0xff]), "00 7f 80 ff");
        assert_eq!(hex(&[0xac]), "ac");
    }

    #[test]
    fn vectors_and_percent() {
        assert_eq!(vector(&[0.5, -0.0, 2.0], 1), "[0.5, 0.0, 2.0]");
        assert_eq!(percent(0.1234, 1), "12.3%");
    }
}
