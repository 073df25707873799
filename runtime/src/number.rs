//! Decimal text to `f64`, correctly rounded: the same bits as std's
//! `<f64 as FromStr>::from_str` for every input it accepts here.
//!
//! Why not std: its parser (Eisel-Lemire with a table of 128-bit powers of
//! five, about 10 KB, plus a decimal fallback) costs about 14 KB in the
//! browser's wasm. This one is small and slow, which is fine for number
//! literals and answers:
//! - fast path: at most 15 significant digits and a power of ten up to 10^22,
//!   both exact as `f64`, so one correctly rounded multiply or divide;
//! - otherwise exact integer arithmetic: with the value `digits × 10^e` as a
//!   fraction `n / m` of big integers (`u32` limbs), scale by a power of two so
//!   that the quotient has the 53 bits of the significand (fewer for
//!   subnormals), divide bit by bit, and round half to even on the remainder.
//!   Values too large round to infinity, too small to (signed) zero, as std.
//!
//! Syntax: `[+-]? (digits | digits '.' digits? | '.' digits) ([eE] [+-]? digits)?`,
//! std's minus `inf`, `infinity` and `nan`, which no caller accepts. As in
//! std, explicit exponent digits stop counting once the exponent reaches
//! 65,536 (the value is then zero or infinite anyway, barring absurd inputs),
//! and only the first 800 significant digits are kept exactly, any further
//! non-zero digit being kept as a trailing `1`: that changes no result, since
//! every value halfway between two doubles has at most 767 significant digits.

use std::cmp::Ordering;

/// Significant digits kept exactly (at least 768, see the module doc).
const MAX_DIGITS: usize = 800;

/// Parses decimal text (syntax in the module doc) to the nearest `f64`, ties
/// to even; `None` when the text is not a number.
pub fn parse_f64(text: &str) -> Option<f64> {
    let (negative, rest) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        bytes => (false, bytes),
    };
    // The value is `digits × 10^exp`, `digits` without leading zeros.
    let mut digits: Vec<u8> = Vec::new();
    let mut exp: i64 = 0;
    let mut sticky = false;
    let mut seen_digit = false;
    let mut in_fraction = false;
    let mut bytes = rest.iter().copied().peekable();
    while let Some(b) = bytes.next_if(|b| b.is_ascii_digit() || (*b == b'.' && !in_fraction)) {
        if b == b'.' {
            in_fraction = true;
            continue;
        }
        seen_digit = true;
        let d = b - b'0';
        if digits.len() < MAX_DIGITS && (d != 0 || !digits.is_empty()) {
            digits.push(d);
            exp -= i64::from(in_fraction);
        } else if digits.is_empty() {
            // A leading zero.
            exp -= i64::from(in_fraction);
        } else {
            // Past the digits kept.
            sticky |= d != 0;
            exp += i64::from(!in_fraction);
        }
    }
    if !seen_digit {
        return None;
    }
    if bytes.next_if(|b| matches!(b, b'e' | b'E')).is_some() {
        let exp_negative = match bytes.next_if(|b| matches!(b, b'+' | b'-')) {
            Some(sign) => sign == b'-',
            None => false,
        };
        let mut explicit: i64 = 0;
        let mut any = false;
        while let Some(b) = bytes.next_if(u8::is_ascii_digit) {
            any = true;
            if explicit < 0x10000 {
                explicit = explicit * 10 + i64::from(b - b'0');
            }
        }
        if !any {
            return None;
        }
        exp += if exp_negative { -explicit } else { explicit };
    }
    if bytes.next().is_some() {
        return None;
    }
    if sticky {
        digits.push(1);
        exp -= 1;
    }
    while digits.last() == Some(&0) {
        digits.pop();
        exp += 1;
    }
    let magnitude = magnitude(&digits, exp);
    Some(if negative { -magnitude } else { magnitude })
}

/// The nearest `f64` to `digits × 10^exp` (`digits` without leading or
/// trailing zeros).
fn magnitude(digits: &[u8], exp: i64) -> f64 {
    if digits.is_empty() {
        return 0.0;
    }
    // Fast path: both operands exact, one rounding.
    if digits.len() <= 15 && (-22..=22).contains(&exp) {
        let mantissa = digits.iter().fold(0u64, |n, &d| n * 10 + u64::from(d)) as f64;
        let power = (0..exp.unsigned_abs()).fold(1.0_f64, |p, _| p * 10.0);
        return if exp < 0 { mantissa / power } else { mantissa * power };
    }
    // The value lies in [10^top, 10^(top + 1)).
    let top = digits.len() as i64 + exp - 1;
    if top > 308 {
        return f64::INFINITY;
    }
    if top < -324 {
        return 0.0;
    }
    // value = n / m
    let mut n: Vec<u32> = Vec::new();
    for &d in digits {
        mul_add(&mut n, 10, u32::from(d));
    }
    let mut m: Vec<u32> = vec![1];
    if exp >= 0 {
        mul_pow10(&mut n, exp.unsigned_abs());
    } else {
        mul_pow10(&mut m, exp.unsigned_abs());
    }
    // e = floor(log2(n / m)): the bit lengths give it or one more.
    let guess = bit_len(&n) as i64 - bit_len(&m) as i64;
    let at_least_guess = if guess >= 0 {
        let mut scaled = m.clone();
        shl(&mut scaled, guess.unsigned_abs());
        compare(&n, &scaled) != Ordering::Less
    } else {
        let mut scaled = n.clone();
        shl(&mut scaled, guess.unsigned_abs());
        compare(&scaled, &m) != Ordering::Less
    };
    let e = if at_least_guess { guess } else { guess - 1 };
    // The weight of the significand's last bit: 53 bits, fewer when subnormal.
    let k = (e - 52).max(-1074);
    if k > 1023 - 52 {
        return f64::INFINITY;
    }
    if k >= 0 {
        shl(&mut m, k.unsigned_abs());
    } else {
        shl(&mut n, k.unsigned_abs());
    }
    // q = floor(n / m) < 2^53, one bit per step against m × 2^52; after the
    // 53 steps `n` is the remainder times 2^53.
    shl(&mut m, 52);
    let mut q: u64 = 0;
    for _ in 0..53 {
        q <<= 1;
        if compare(&n, &m) != Ordering::Less {
            sub(&mut n, &m);
            q |= 1;
        }
        shl(&mut n, 1);
    }
    match compare(&n, &m) {
        Ordering::Greater => q += 1,
        Ordering::Equal => q += q & 1,
        Ordering::Less => {}
    }
    // Exponent field `k + 1074` over the significand: a significand of 2^52
    // or more carries into the exponent field, as it should (subnormal to
    // normal, 2^53 after rounding up to the next binade).
    let bits = ((k + 1074).unsigned_abs() << 52) + q;
    if bits >= f64::INFINITY.to_bits() {
        f64::INFINITY
    } else {
        f64::from_bits(bits)
    }
}

/// `x = x × factor + add` (little-endian limbs, no high zero limbs).
fn mul_add(x: &mut Vec<u32>, factor: u32, add: u32) {
    let mut carry = u64::from(add);
    for limb in x.iter_mut() {
        let v = u64::from(*limb) * u64::from(factor) + carry;
        *limb = v as u32;
        carry = v >> 32;
    }
    if carry != 0 {
        x.push(carry as u32);
    }
}

/// `x = x × 10^power`.
fn mul_pow10(x: &mut Vec<u32>, mut power: u64) {
    while power >= 9 {
        mul_add(x, 1_000_000_000, 0);
        power -= 9;
    }
    mul_add(x, 10u32.pow(power as u32), 0);
}

/// `x = x × 2^bits` (`x` not zero).
fn shl(x: &mut Vec<u32>, bits: u64) {
    let within = (bits % 32) as u32;
    if within != 0 {
        let mut carry = 0;
        for limb in x.iter_mut() {
            let v = (*limb << within) | carry;
            carry = *limb >> (32 - within);
            *limb = v;
        }
        if carry != 0 {
            x.push(carry);
        }
    }
    let limbs = (bits / 32) as usize;
    if limbs > 0 {
        x.splice(0..0, std::iter::repeat_n(0, limbs));
    }
}

/// Number of significant bits of `x`.
fn bit_len(x: &[u32]) -> u64 {
    match x.last() {
        Some(&high) => (x.len() as u64 - 1) * 32 + u64::from(32 - high.leading_zeros()),
        None => 0,
    }
}

fn compare(a: &[u32], b: &[u32]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

/// `a = a - b`, with `a >= b`.
fn sub(a: &mut Vec<u32>, b: &[u32]) {
    let mut borrow = false;
    let mut b = b.iter();
    for limb in a.iter_mut() {
        let (d, o1) = limb.overflowing_sub(b.next().copied().unwrap_or(0));
        let (d, o2) = d.overflowing_sub(u32::from(borrow));
        *limb = d;
        borrow = o1 || o2;
    }
    while a.last() == Some(&0) {
        a.pop();
    }
}

/// `x % y` for doubles, the same bits as Rust's `%` (IEEE `fmod`).
///
/// Why not `%`: on wasm32 it links compiler-builtins' `fmod`, whose long
/// reductions use 128-bit division (about 2.5 KB in the browser's wasm). The
/// remainder of two doubles is always exact, so any correct algorithm gives
/// the same bits; this one is that `fmod`'s short path (shift and subtract,
/// one bit of the exponent difference at a time) for every length, which is
/// slower only for operands very far apart in magnitude.
pub(crate) fn rem(x: f64, y: f64) -> f64 {
    const SIGN: u64 = 1 << 63;
    let sign = x.to_bits() & SIGN;
    let ux = x.to_bits() & !SIGN;
    let uy = y.to_bits() & !SIGN;
    // NaN for NaN or infinite `x`, or NaN or zero `y`, made as `fmod` makes it.
    if ux & EXP_MASK == EXP_MASK || uy.wrapping_sub(1) & EXP_MASK == EXP_MASK {
        // Dividing a value by itself on purpose: the NaN `fmod` returns.
        #[allow(clippy::eq_op)]
        return (x * y) / (x * y);
    }
    if ux < uy {
        return x;
    }
    let (mut num, ex) = significand_and_exponent(ux);
    let (div, ey) = significand_and_exponent(uy);
    // The remainder of `num << (ex - ey)` by `div`, keeping `num < 2 * div`.
    // `div` is not zero; `checked_rem` only says so without a panic path.
    if num >= div << 1 {
        num = num.checked_rem(div).unwrap_or(num);
    }
    for _ in 0..ex - ey {
        num = num.checked_sub(div).unwrap_or(num);
        num <<= 1;
    }
    let rest = num.checked_sub(div).unwrap_or(num);
    if rest == 0 {
        return f64::from_bits(sign);
    }
    // `rest << ey`, with what does not fit below the implicit bit going to the exponent.
    let shift = ey.min(SIG_BITS - rest.checked_ilog2().unwrap_or(0));
    f64::from_bits(sign + (rest << shift) + (u64::from(ey - shift) << SIG_BITS))
}

/// Bits of the significand field of an `f64`.
const SIG_BITS: u32 = 52;
/// The exponent field of an `f64`.
const EXP_MASK: u64 = 0x7FF << SIG_BITS;

/// The significand of finite positive `f64` bits with its implicit bit (none
/// for subnormals), and the exponent past the smallest (0 for subnormals).
fn significand_and_exponent(bits: u64) -> (u64, u32) {
    let past_first = bits.saturating_sub(1 << SIG_BITS);
    (bits - (past_first & EXP_MASK), (past_first >> SIG_BITS) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn same(text: &str) {
        let ours = parse_f64(text);
        let theirs = text.parse::<f64>().ok();
        assert_eq!(ours.map(f64::to_bits), theirs.map(f64::to_bits), "{text:?}: {ours:?} vs {theirs:?}");
    }

    #[test]
    fn hard_cases_like_std() {
        for text in [
            "0", "-0", "+0", "0.0", "-0.0e5", "1", "1.", ".5", "+.5", "-.5e-3", "1.e5", "00012.3400", "9007199254740993",
            "9007199254740992", "9007199254740994", "9007199254740995", "18014398509481985", "2.2250738585072011e-308",
            "2.2250738585072012e-308", "2.2250738585072014e-308", "2.225073858507201136057409796709131975934819546351645648e-308",
            "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "2.4703282292062327208828439643411068618252990130716238221279284125033775363510437593264991818081799618989828234772285886546332835517796989819938739800539093906315035659515570226392290858392449105184435931802849936536152500319370457678249219365623669863658480757001585769269903706311928279558551332927834338409351978015531246597263579574622766465272827220056374006485499977096599470454020828166226237857393450736339007967761930577506740176324673600968951340535537458516661134223766678604162159680461914467291840300530057530849048765391711386591646239524912623653881879636239373280423891018672348497668235089863388587925628302755995657524455507255189313690836254779186948667994968324049705821028513185451396213837722826145437693412532098591327667236328125e-324",
            "1e23", "8.98846567431158e307", "8.988465674311579e307", "1.7976931348623157e308", "1.7976931348623158e308",
            "1.7976931348623159e308", "179769313486231580793728971405301e276", "1e308", "1e309", "-1e309", "1e-324",
            "1e-323", "3e-324", "1e-400", "-1e-400", "1e99999999999999999999", "1e-99999999999999999999", "0e99999",
            "123456789012345678901234567890", "0.1", "0.2", "0.3", "2.5", "1e22", "1e-22", "123456789012345e22",
            "1234567890123456e-22", "7.3177701707893310e15", "5e-324", "1448997445238699", "1e0000000000000000001",
            "9.999999999999999e22", "1e65535", "1e65536", "1e6553600000", "-1e-65536", "1e-6553600000", "0.000000000000000000000000000000000000000000001e45",
        ] {
            same(text);
        }
    }

    #[test]
    fn long_inputs_like_std() {
        // Many digits: halfway between 1 and the next double, then just above.
        let half = format!("1.{}", "0".repeat(15) + "11102230246251565404236316680908203125");
        same(&half);
        same(&(half.clone() + "0000000000000000"));
        same(&(half.clone() + &"0".repeat(2000) + "1"));
        same(&format!("0.{}1e2000", "0".repeat(2000)));
        same(&format!("{}e-1500", "9".repeat(1500)));
        same(&format!("{}.5", "1".repeat(900)));
        same(&format!("0.{}", "3".repeat(3000)));
        same(&format!("{}e-100000", "1".repeat(100)));
        same(&format!("0.{}1e100001", "0".repeat(100000)));
    }

    #[test]
    fn rejects_what_std_rejects() {
        for text in [
            "", "-", "+", ".", "-.", "e5", ".e5", "1e", "1e+", "1e-", "1.5.2", "1..2", "--1", "+-1", "1e5e5", " 1", "1 ",
            "1,5", "0x10", "1_000", "١", "1e5.5",
        ] {
            assert_eq!(parse_f64(text), None, "{text:?}");
            assert!(text.parse::<f64>().is_err(), "{text:?}");
        }
        // std's words, which no caller lets through, are refused here.
        for text in ["inf", "-infinity", "NaN"] {
            assert_eq!(parse_f64(text), None, "{text:?}");
        }
    }

    fn number_text() -> impl Strategy<Value = String> {
        (
            prop::sample::select(vec!["", "-", "+"]),
            "[0-9]{0,25}",
            prop::option::of("[0-9]{0,25}"),
            prop::option::of((prop::sample::select(vec!["e", "E"]), prop::sample::select(vec!["", "-", "+"]), -400i32..400)),
        )
            .prop_map(|(sign, int, frac, exp)| {
                let mut s = format!("{sign}{int}");
                if let Some(frac) = frac {
                    s.push('.');
                    s.push_str(&frac);
                }
                if let Some((e, esign, n)) = exp {
                    s.push_str(&format!("{e}{esign}{}", n.unsigned_abs()));
                }
                s
            })
    }

    /// Same bits as `%`, NaNs compared as NaNs.
    fn same_rem(x: f64, y: f64) -> Result<(), TestCaseError> {
        let (ours, std) = (rem(x, y), x % y);
        prop_assert!(
            ours.to_bits() == std.to_bits() || (ours.is_nan() && std.is_nan()),
            "{x:e} % {y:e}: {ours:e}, std {std:e}"
        );
        Ok(())
    }

    #[test]
    fn remainders_of_special_values_like_std() {
        let special = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            3.0,
            -7.5,
            0.1,
            10.0,
            1e300,
            2.5e-300,
            1e-310,
            -5e-324,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        for x in special {
            for y in special {
                if let Err(e) = same_rem(x, y) {
                    panic!("{e}");
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        #[test]
        fn remainders_of_random_doubles_like_std(x in any::<u64>(), y in any::<u64>()) {
            same_rem(f64::from_bits(x), f64::from_bits(y))?;
        }

        #[test]
        fn remainders_of_nearby_magnitudes_like_std(x in -1e6f64..1e6, y in -1e3f64..1e3) {
            same_rem(x, y)?;
        }

        #[test]
        fn random_numbers_like_std(text in number_text()) {
            same(&text);
        }

        #[test]
        fn random_doubles_round_trip_like_std(bits in any::<u64>(), digits in 1usize..20) {
            let x = f64::from_bits(bits);
            if x.is_finite() {
                same(&format!("{x:e}"));
                same(&format!("{x:.digits$e}"));
                same(&x.to_string());
            }
        }

        #[test]
        fn random_text_accepted_and_rejected_like_std(text in "[-+0-9.eE]{0,12}") {
            same(&text);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3_000))]

        #[test]
        fn halfway_cases_like_std(bits in 0u64..0x7FEF_FFFF_FFFF_FFFF, subnormal: bool, delta in -2i32..=2) {
            // The exact midpoint between a double and the next, nudged.
            let bits = if subnormal { bits & ((1 << 52) - 1) } else { bits };
            let x = f64::from_bits(bits);
            let y = f64::from_bits(bits + 1);
            let text = exact_midpoint(x, y);
            same(&text);
            if delta != 0 {
                let nudged = if delta > 0 { format!("{text}{}", "0".repeat(delta.unsigned_abs() as usize) + "1") } else { text.clone() };
                same(&nudged);
                if text.contains('.') {
                    let mut shorter = text.clone();
                    shorter.pop();
                    same(&shorter);
                }
            }
        }
    }

    /// The exact decimal value of `(x + y) / 2`, from the decimal expansions
    /// std prints for doubles with enough precision.
    fn exact_midpoint(x: f64, y: f64) -> String {
        // x and y are exact in 1100 decimal places; their sum over two needs one more.
        let a = format!("{x:.1100}");
        let b = format!("{y:.1100}");
        let sum = add_decimal(&a, &b);
        halve_decimal(&sum)
    }

    fn add_decimal(a: &str, b: &str) -> String {
        let (ai, af) = a.split_once('.').unwrap();
        let (bi, bf) = b.split_once('.').unwrap();
        let width = ai.len().max(bi.len()) + 1;
        let da: Vec<u8> = format!("{ai:0>width$}{af}").bytes().map(|c| c - b'0').collect();
        let db: Vec<u8> = format!("{bi:0>width$}{bf}").bytes().map(|c| c - b'0').collect();
        let mut out = vec![0u8; da.len()];
        let mut carry = 0;
        for i in (0..da.len()).rev() {
            let s = da[i] + db[i] + carry;
            out[i] = s % 10;
            carry = s / 10;
        }
        let digits: String = out.iter().map(|d| (d + b'0') as char).collect();
        format!("{}.{}", &digits[..width], &digits[width..])
    }

    fn halve_decimal(a: &str) -> String {
        let (int, frac) = a.split_once('.').unwrap();
        let digits: Vec<u8> = format!("{int}{frac}0").bytes().map(|c| c - b'0').collect();
        let mut out = Vec::new();
        let mut rem = 0;
        for d in digits {
            let v = rem * 10 + d;
            out.push(v / 2);
            rem = v % 2;
        }
        let s: String = out.iter().map(|d| (d + b'0') as char).collect();
        let s = format!("{}.{}", &s[..int.len()], &s[int.len()..]);
        s.trim_end_matches('0').to_string()
    }
}
