//! The values expressions compute with: JSON's values, numbers as `f64`.

use std::collections::BTreeMap;

/// A value seen by expressions: an answer, a literal, or a computed result.
///
/// Dates are strings in ISO form (`"2026-11-24"`), which order correctly as
/// strings; the date functions parse them.
#[derive(Debug, Clone, Default)]
pub enum Value {
    /// An unanswered question, or the result of an operation on one.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// Every number: JSON numbers are doubles (`7 / 2` is `3.5`).
    Number(f64),
    /// Text, including dates and option values.
    String(String),
    /// A list (multi-choice answers, repeats, files, list literals).
    List(Vec<Value>),
    /// An object (a repeat entry, a file reference).
    Map(BTreeMap<String, Value>),
}

/// Equality is the expression language's (`expr::values_equal`), which is
/// what a derived `PartialEq` would do anyway; one copy of the code rather
/// than two in the browser's wasm.
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        crate::expr::values_equal(self, other)
    }
}

impl Value {
    /// Converts a JSON value into an expression value.
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => n.as_f64().map(Value::Number).unwrap_or(Value::Null),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(items) => Value::List(items.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(map) => {
                // Inserted one by one rather than collected: `BTreeMap::from_iter`
                // sorts first, and that sort instantiation costs kilobytes in the
                // browser's wasm. The keys come sorted and unique anyway.
                let mut out = BTreeMap::new();
                for (k, v) in map {
                    out.insert(k.clone(), Value::from_json(v));
                }
                Value::Map(out)
            }
        }
    }

    /// Converts back to JSON; numbers that are whole are written without a fraction,
    /// and non-finite numbers (which JSON cannot hold) become `null`.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => number_to_json(*n),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::List(items) => serde_json::Value::Array(items.iter().map(Value::to_json).collect()),
            Value::Map(map) => {
                // Inserted one by one, not collected, for the same reason as in `from_json`.
                let mut out = serde_json::Map::new();
                for (k, v) in map {
                    out.insert(k.clone(), v.to_json());
                }
                serde_json::Value::Object(out)
            }
        }
    }

    /// True for `null`, an empty string (also one of only spaces) and an empty list:
    /// what `required` treats as missing.
    pub fn is_empty_answer(&self) -> bool {
        match self {
            Value::Null => true,
            Value::String(s) => s.trim().is_empty(),
            Value::List(items) => items.is_empty(),
            _ => false,
        }
    }

    /// The value as text, as shown in a note: numbers without a needless `.0`,
    /// lists joined with ", ", `null` as nothing.
    pub fn display_text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(true) => "yes".to_owned(),
            Value::Bool(false) => "no".to_owned(),
            Value::Number(n) => format_number(*n),
            Value::String(s) => s.clone(),
            Value::List(items) => join(&items.iter().map(Value::display_text).collect::<Vec<_>>(), ", "),
            Value::Map(map) => join(&map.values().map(Value::display_text).collect::<Vec<_>>(), ", "),
        }
    }
}

/// `parts.join(separator)`, as a plain loop: std's `join` is a general
/// routine (any separator, exact pre-sizing) that costs more code in the
/// browser's wasm.
pub(crate) fn join(parts: &[String], separator: &str) -> String {
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(part);
    }
    out
}

/// Writes a number as JSON: integers (within 2^53) as integers, others as floats.
pub fn number_to_json(n: f64) -> serde_json::Value {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        // `-0.0` is written as `0`: JSON readers would not keep the sign anyway.
        serde_json::Value::Number(serde_json::Number::from(n as i64))
    } else {
        serde_json::Number::from_f64(n).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null)
    }
}

/// Formats a number for people: `3` rather than `3.0`, `3.5` as is.
pub fn format_number(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        format!("{}", n as i64)
    } else {
        display_f64(n)
    }
}

// Float to text. Rust's own `Display` and `LowerExp` for `f64` link a second
// shortest-digits algorithm (Grisu with a Dragon4 fallback, plus the exact
// modes a precision would ask for) next to the one serde_json already uses to
// write JSON numbers (zmij). The functions below take the digits from zmij and
// lay them out exactly as `format!("{n}")` and `format!("{n:e}")` do: both
// algorithms give the shortest digits that read back to the same `f64`, the
// closest such when there are several (a test compares them on random bit
// patterns). This keeps one algorithm in the browser bundle.

/// The shortest decimal digits that read back to `x` (finite and not zero; the
/// sign is ignored) without leading or trailing zeros, and the power of ten of
/// the first digit: `x = d.ddd × 10^exp`.
pub(crate) fn shortest_digits(x: f64) -> (Vec<u8>, i32) {
    let mut buffer = zmij::Buffer::new();
    // zmij writes `123.45`, `0.001234`, `12340000000.0` or `1.234e+33`.
    let text = buffer.format_finite(x.abs());
    let (mantissa, exp) = match text.split_once('e') {
        Some((mantissa, exp)) => (mantissa, exp.parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let point = mantissa.find('.').unwrap_or(mantissa.len());
    let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let leading = digits.iter().take_while(|d| **d == b'0').count();
    digits.drain(..leading);
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    let exp = exp + point as i32 - 1 - leading as i32;
    // When `x` lies exactly halfway between the two closest shortest forms
    // (`1149636667324797.25`: `…797.2` or `…797.3`), zmij takes the even last
    // digit and std the one above; follow std.
    let last_place = exp + 1 - digits.len() as i32;
    let value = digits.iter().try_fold(0u64, |n, d| n.checked_mul(10)?.checked_add(u64::from(d - b'0')));
    if let Some(value) = value {
        if value % 2 == 0 && is_halfway(x.abs(), value, last_place) {
            return shortest_digits_of(value + 1, last_place);
        }
    }
    (digits, exp)
}

/// Whether `x` (finite, positive) is exactly `(d + 1/2) × 10^k`.
fn is_halfway(x: f64, d: u64, k: i32) -> bool {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mut m, mut e) = if biased == 0 { (fraction, -1074) } else { (fraction | 1 << 52, biased - 1075) };
    if m == 0 {
        return false;
    }
    let zeros = m.trailing_zeros();
    m >>= zeros;
    e += zeros as i32;
    // x = m × 2^e with m odd; the halfway point is (2d + 1) × 5^k × 2^(k - 1).
    let Some(odd) = d.checked_mul(2).and_then(|n| n.checked_add(1)) else {
        return false;
    };
    if e != k - 1 {
        return false;
    }
    let lhs = 5u128.checked_pow((-k).max(0).unsigned_abs()).and_then(|p| p.checked_mul(u128::from(m)));
    let rhs = 5u128.checked_pow(k.max(0).unsigned_abs()).and_then(|p| p.checked_mul(u128::from(odd)));
    matches!((lhs, rhs), (Some(a), Some(b)) if a == b)
}

/// The digits of `value × 10^k` as [`shortest_digits`] gives them.
fn shortest_digits_of(value: u64, k: i32) -> (Vec<u8>, i32) {
    let mut digits = value.to_string().into_bytes();
    let exp = k + digits.len() as i32 - 1;
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    (digits, exp)
}

/// `format!("{x}")` for an `f64`: plain digits, never an exponent.
pub(crate) fn display_f64(x: f64) -> String {
    let mut out = match special(x, "0") {
        Ok(sign) => sign,
        Err(done) => return done,
    };
    let (digits, exp) = shortest_digits(x);
    let digits = ascii_text(digits);
    if exp < 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', exp.unsigned_abs() as usize - 1));
        out.push_str(&digits);
    } else {
        let whole = exp as usize + 1;
        match (digits.get(..whole), digits.get(whole..)) {
            (Some(head), Some(tail)) => {
                out.push_str(head);
                if !tail.is_empty() {
                    out.push('.');
                    out.push_str(tail);
                }
            }
            _ => {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', whole.saturating_sub(digits.len())));
            }
        }
    }
    out
}

/// Digits (ASCII bytes) as text. Not `String::from_utf8`, whose UTF-8
/// validation costs more code in the browser's wasm than this copy.
pub(crate) fn ascii_text(digits: Vec<u8>) -> String {
    digits.into_iter().map(char::from).collect()
}

/// `format!("{x:e}")` for an `f64`: `d.ddde±x`, as in `1.5e-7` or `1e300`.
pub(crate) fn lower_exp_f64(x: f64) -> String {
    let mut out = match special(x, "0e0") {
        Ok(sign) => sign,
        Err(done) => return done,
    };
    let (digits, exp) = shortest_digits(x);
    let digits = ascii_text(digits);
    let (first, rest) = digits.split_at(digits.len().min(1));
    out.push_str(first);
    if !rest.is_empty() {
        out.push('.');
        out.push_str(rest);
    }
    out.push('e');
    out.push_str(&exp.to_string());
    out
}

/// NaN, the infinities and zeros as std writes them (`Err`: the whole text),
/// or else the sign to start with (`Ok`: `""` or `"-"`).
fn special(x: f64, zero: &str) -> Result<String, String> {
    let sign = if x.is_sign_negative() && !x.is_nan() { "-" } else { "" };
    if x.is_nan() {
        Err("NaN".to_owned())
    } else if x.is_infinite() {
        Err(format!("{sign}inf"))
    } else if x == 0.0 {
        Err(format!("{sign}{zero}"))
    } else {
        Ok(sign.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_round_trip_keeps_integers_integral() {
        let json = json!({"a": 3, "b": 3.5, "c": [true, null, "x"], "d": {"e": -0.0}});
        let back = Value::from_json(&json).to_json();
        assert_eq!(back, json!({"a": 3, "b": 3.5, "c": [true, null, "x"], "d": {"e": 0}}));
    }

    #[test]
    fn empty_answers_are_null_blank_strings_and_empty_lists() {
        assert!(Value::Null.is_empty_answer());
        assert!(Value::String("  ".into()).is_empty_answer());
        assert!(Value::List(vec![]).is_empty_answer());
        assert!(!Value::Bool(false).is_empty_answer());
        assert!(!Value::Number(0.0).is_empty_answer());
    }

    #[test]
    fn display_text_formats_for_people() {
        assert_eq!(Value::Number(3.0).display_text(), "3");
        assert_eq!(Value::Number(3.25).display_text(), "3.25");
        assert_eq!(Value::List(vec![Value::String("a".into()), Value::Number(2.0)]).display_text(), "a, 2");
        assert_eq!(Value::Null.display_text(), "");
    }

    #[test]
    fn float_text_is_std_float_text() {
        let check = |x: f64| {
            assert_eq!(display_f64(x), format!("{x}"), "{x:?}");
            assert_eq!(lower_exp_f64(x), format!("{x:e}"), "{x:?}");
        };
        for x in [
            0.0, -0.0, 1.0, -1.0, 0.1, 0.3, 2.5, 100.0, 1e15, 1e16, 1e17, 1e21, 1e22, 1e23, 1e300, 1e-5, 1e-7,
            1.5e-7, 123.456, 9_007_199_254_740_993.0, f64::MAX, f64::MIN_POSITIVE, 5e-324, f64::EPSILON,
            f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.1 + 0.2, 1.0 / 3.0, 2.0f64.powi(60), 2.0f64.powi(-60),
        ] {
            check(x);
            check(-x);
        }
        // Random bit patterns (xorshift, fixed seed), and random small decimals.
        const ROUNDS: usize = 200_000;
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..ROUNDS {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            check(f64::from_bits(state));
            check((state % 2_000_000) as f64 / 1000.0);
            // Exact halfway cases: quarters between 2^50 and 2^51 need 18 digits,
            // so their shortest forms (17 digits) are two equally close ones.
            check((1u64 << 50) as f64 + (state % (1 << 50)) as f64 + 0.25);
            check((1u64 << 50) as f64 + (state % (1 << 50)) as f64 + 0.75);
        }
    }
}
