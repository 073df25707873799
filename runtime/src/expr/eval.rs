//! Evaluation. It never fails: an operation that cannot work (wrong kinds, an
//! unanswered question, an index out of range) gives `null`, so a half-filled
//! interview still shows and validates. Only IEEE operations on `f64` and
//! integer date arithmetic are used, so results are the same natively and in
//! wasm32.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::functions::{resolve, Func};
use super::{BinaryOp, Expr, ExprKind, UnaryOp};
use crate::date::Date;
use crate::pattern::Patterns;
use crate::value::Value;

/// Where evaluation looks up names.
pub trait Scope {
    /// The value of `name`; `Value::Null` when unknown or unanswered.
    fn lookup(&self, name: &str) -> Value;
}

/// A map of names to values is a scope (handy for tests and previews).
impl Scope for BTreeMap<String, Value> {
    fn lookup(&self, name: &str) -> Value {
        self.get(name).cloned().unwrap_or(Value::Null)
    }
}

/// Everything evaluation reads besides the expression itself.
pub struct Context<'a> {
    /// The answers.
    pub scope: &'a dyn Scope,
    /// "Today", passed in because the runtime never reads a clock.
    pub today: Date,
    /// The patterns `.matches()` uses: a template's own
    /// ([`Template::patterns`](crate::Template::patterns)), or
    /// [`Patterns::compiling`] to compile each when used.
    pub patterns: &'a Patterns,
}

/// Evaluates `expr`; never fails and never panics.
pub fn eval(expr: &Expr, cx: &Context<'_>) -> Value {
    match &expr.kind {
        ExprKind::Null => Value::Null,
        ExprKind::Bool(b) => Value::Bool(*b),
        ExprKind::Number(n) => Value::Number(*n),
        ExprKind::String(s) => Value::String(s.clone()),
        ExprKind::List(items) => Value::List(items.iter().map(|e| eval(e, cx)).collect()),
        ExprKind::Ident(name) => cx.scope.lookup(name),
        ExprKind::Unary(op, operand) => unary(*op, eval(operand, cx)),
        ExprKind::Binary(BinaryOp::And, left, right) => logic(false, left, right, cx),
        ExprKind::Binary(BinaryOp::Or, left, right) => logic(true, left, right, cx),
        ExprKind::Binary(op, left, right) => binary(*op, eval(left, cx), eval(right, cx)),
        ExprKind::Conditional(cond, then, otherwise) => match eval(cond, cx) {
            Value::Bool(true) => eval(then, cx),
            Value::Bool(false) => eval(otherwise, cx),
            _ => Value::Null,
        },
        ExprKind::Index(target, index) => index_value(eval(target, cx), &eval(index, cx)),
        ExprKind::Member(target, name) => match eval(target, cx) {
            Value::Map(map) => take_field(map, name),
            _ => Value::Null,
        },
        ExprKind::Call { target, name, args } => {
            let Ok(func) = resolve(name, target.is_some(), args.len()) else {
                return Value::Null;
            };
            let mut operands = Vec::with_capacity(args.len() + 1);
            if let Some(t) = target {
                operands.push(eval(t, cx));
            }
            operands.extend(args.iter().map(|a| eval(a, cx)));
            call(func, &operands, cx)
        }
    }
}

fn unary(op: UnaryOp, value: Value) -> Value {
    match (op, value) {
        (UnaryOp::Not, Value::Bool(b)) => Value::Bool(!b),
        (UnaryOp::Neg, Value::Number(n)) => Value::Number(-n),
        _ => Value::Null,
    }
}

/// CEL's commutative `&&` (`absorbing` false) and `||` (`absorbing` true): the
/// absorbing value on either side decides, whatever the other side is.
fn logic(absorbing: bool, left: &Expr, right: &Expr, cx: &Context<'_>) -> Value {
    let l = eval(left, cx);
    if l == Value::Bool(absorbing) {
        return l;
    }
    let r = eval(right, cx);
    match (l, r) {
        (_, Value::Bool(b)) if b == absorbing => Value::Bool(absorbing),
        (Value::Bool(_), Value::Bool(_)) => Value::Bool(!absorbing),
        _ => Value::Null,
    }
}

fn binary(op: BinaryOp, left: Value, right: Value) -> Value {
    use Value::{List, Number, String as Str};
    match op {
        BinaryOp::Eq => Value::Bool(values_equal(&left, &right)),
        BinaryOp::Ne => Value::Bool(!values_equal(&left, &right)),
        BinaryOp::Lt => {
            compare(&left, &right).map_or(Value::Null, |o| Value::Bool(o == Some(Ordering::Less)))
        }
        BinaryOp::Le => compare(&left, &right).map_or(Value::Null, |o| {
            Value::Bool(matches!(o, Some(Ordering::Less | Ordering::Equal)))
        }),
        BinaryOp::Gt => compare(&left, &right)
            .map_or(Value::Null, |o| Value::Bool(o == Some(Ordering::Greater))),
        BinaryOp::Ge => compare(&left, &right).map_or(Value::Null, |o| {
            Value::Bool(matches!(o, Some(Ordering::Greater | Ordering::Equal)))
        }),
        BinaryOp::In => match right {
            List(items) => Value::Bool(items.iter().any(|item| values_equal(&left, item))),
            Value::Map(map) => Value::Bool(matches!(&left, Str(key) if map.contains_key(key))),
            _ => Value::Null,
        },
        BinaryOp::Add => match (left, right) {
            (Number(a), Number(b)) => Number(a + b),
            (Str(a), Str(b)) => Str(a + &b),
            (List(mut a), List(b)) => {
                a.extend(b);
                List(a)
            }
            _ => Value::Null,
        },
        BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => match (left, right) {
            (Number(a), Number(b)) => Number(match op {
                BinaryOp::Sub => a - b,
                BinaryOp::Mul => a * b,
                BinaryOp::Div => a / b,
                // Not `%`: see `number::rem`.
                _ => crate::number::rem(a, b),
            }),
            _ => Value::Null,
        },
        // Evaluated with short-circuiting in `eval`; kept total here.
        BinaryOp::And | BinaryOp::Or => match (left, right) {
            (Value::Bool(a), Value::Bool(b)) => {
                Value::Bool(if op == BinaryOp::And { a && b } else { a || b })
            }
            _ => Value::Null,
        },
    }
}

/// CEL heterogeneous equality: values of different kinds are simply unequal,
/// lists and maps compare element by element, `NaN` equals nothing.
pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| values_equal(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && values_equal(v1, v2))
        }
        _ => false,
    }
}

/// Orders two values of the same orderable kind. The outer `None` means the
/// kinds cannot be ordered (the comparison gives `null`); the inner `None`
/// is an unordered `NaN` (the comparison is false, as in IEEE and CEL).
fn compare(a: &Value, b: &Value) -> Option<Option<Ordering>> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Some(x.partial_cmp(y)),
        // Byte order of UTF-8 is code point order.
        (Value::String(x), Value::String(y)) => Some(Some(x.cmp(y))),
        (Value::Bool(x), Value::Bool(y)) => Some(Some(x.cmp(y))),
        _ => None,
    }
}

fn index_value(target: Value, index: &Value) -> Value {
    match (target, index) {
        (Value::List(mut items), Value::Number(i)) => match whole_index(*i, items.len()) {
            Some(i) => items.swap_remove(i),
            None => Value::Null,
        },
        (Value::Map(map), Value::String(key)) => take_field(map, key),
        _ => Value::Null,
    }
}

/// The field `key` of a map that is no longer needed, moved out (null when absent).
///
/// Found by walking the map rather than by `BTreeMap::remove`, whose
/// rebalancing code costs kilobytes in the browser's wasm; the maps here are
/// small (a repeat entry's fields, a file reference).
fn take_field(map: BTreeMap<String, Value>, key: &str) -> Value {
    map.into_iter().find_map(|(k, v)| (k == key).then_some(v)).unwrap_or(Value::Null)
}

/// `n` as an index into a list of `len`, if it is a whole number in range.
fn whole_index(n: f64, len: usize) -> Option<usize> {
    if n.fract() != 0.0 || n < 0.0 || n >= len as f64 {
        return None;
    }
    Some(n as usize)
}

fn call(func: Func, operands: &[Value], cx: &Context<'_>) -> Value {
    use Value::{Bool, Number, String as Str};
    match (func, operands) {
        (Func::Size, [Str(s)]) => Number(s.chars().count() as f64),
        (Func::Size, [Value::List(items)]) => Number(items.len() as f64),
        (Func::Size, [Value::Map(map)]) => Number(map.len() as f64),
        (Func::Answered, [v]) => Bool(!v.is_empty_answer()),
        (Func::Today, []) => Str(cx.today.to_string()),
        (Func::YearsBetween, [Str(a), Str(b)]) => match (Date::parse(a), Date::parse(b)) {
            (Some(a), Some(b)) => Number(a.whole_years_until(b) as f64),
            _ => Value::Null,
        },
        (Func::DaysBetween, [Str(a), Str(b)]) => match (Date::parse(a), Date::parse(b)) {
            (Some(a), Some(b)) => Number((b.days_since_epoch() - a.days_since_epoch()) as f64),
            _ => Value::Null,
        },
        (Func::Sum, [Value::List(items)]) => sum(items),
        (Func::Min, [Value::List(items)]) => extreme(items, Ordering::Less),
        (Func::Max, [Value::List(items)]) => extreme(items, Ordering::Greater),
        (Func::Round, [Number(x)]) => Number(round_to(*x, 0)),
        (Func::Round, [Number(x), Number(digits)]) => {
            if digits.fract() != 0.0 || !digits.is_finite() {
                return Value::Null;
            }
            // Beyond ±400 digits the answer no longer changes; clamping keeps
            // the arithmetic below in range.
            Number(round_to(*x, digits.clamp(-400.0, 400.0) as i32))
        }
        (Func::Lower, [Str(s)]) => Str(crate::case::to_lower(s)),
        (Func::Upper, [Str(s)]) => Str(crate::case::to_upper(s)),
        (Func::Trim, [Str(s)]) => Str(s.trim().to_owned()),
        (Func::Contains, [Str(s), Str(t)]) => Bool(s.contains(t.as_str())),
        (Func::StartsWith, [Str(s), Str(t)]) => Bool(s.starts_with(t.as_str())),
        (Func::EndsWith, [Str(s), Str(t)]) => Bool(s.ends_with(t.as_str())),
        (Func::Matches, [Str(s), Str(re)]) => match cx.patterns.is_match(re, s) {
            Some(found) => Bool(found),
            None => Value::Null,
        },
        _ => Value::Null,
    }
}

/// Sum of the numbers, skipping unanswered entries; `null` if anything else is there.
fn sum(items: &[Value]) -> Value {
    let mut total = 0.0;
    for item in items {
        match item {
            Value::Number(n) => total += n,
            Value::Null => {}
            _ => return Value::Null,
        }
    }
    Value::Number(total)
}

/// The smallest (`want` Less) or largest (Greater) of all numbers or all
/// strings (dates order as strings), skipping nulls; `null` when empty, mixed
/// or holding a NaN.
fn extreme(items: &[Value], want: Ordering) -> Value {
    let mut best: Option<&Value> = None;
    for item in items {
        if *item == Value::Null {
            continue;
        }
        best = match best {
            None if matches!(item, Value::Number(n) if n.is_nan()) => return Value::Null,
            None if matches!(item, Value::Number(_) | Value::String(_)) => Some(item),
            None => return Value::Null,
            Some(current) => match compare(item, current) {
                Some(Some(order)) if order == want => Some(item),
                Some(Some(_)) => Some(current),
                _ => return Value::Null,
            },
        };
    }
    best.cloned().unwrap_or(Value::Null)
}

/// Rounds half away from zero to `digits` decimals (negative: to tens,
/// hundreds...). Works on the shortest decimal form of `x`, so `round(2.675, 2)`
/// is 2.68 as a person expects, not 2.67 as binary arithmetic on 2.67499999...
/// would give; the text formatting and parsing used are exact and portable.
fn round_to(x: f64, digits: i32) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    // The shortest digits (what `{:e}` writes as `d.ddddde±x`) and where the
    // decimal point goes.
    let (significant, exponent) = crate::value::shortest_digits(x);
    // Number of significant digits to keep: those before the decimal point
    // (exponent + 1) plus `digits` after it.
    let keep = i64::from(exponent) + 1 + i64::from(digits);
    let Ok(keep) = usize::try_from(keep) else {
        return 0.0_f64.copysign(x);
    };
    if keep >= significant.len() {
        return x;
    }
    let mut kept: Vec<u8> = significant
        .get(..keep)
        .map(<[u8]>::to_vec)
        .unwrap_or_default();
    let round_up = significant.get(keep).is_some_and(|d| *d >= b'5');
    let scale = i64::from(exponent) + 1 - keep as i64;
    if round_up {
        // Decimal increment with carry: 1999 -> 2000, 999 -> 1000.
        let mut carry = true;
        for d in kept.iter_mut().rev() {
            if *d == b'9' {
                *d = b'0';
            } else {
                *d += 1;
                carry = false;
                break;
            }
        }
        if carry {
            // 999 became 000: one more digit in front, the last one stays put.
            kept.insert(0, b'1');
        }
    }
    if kept.is_empty() {
        return 0.0_f64.copysign(x);
    }
    let digits_text = crate::value::ascii_text(kept);
    let rounded = crate::number::parse_f64(&format!("{digits_text}e{scale}")).unwrap_or(x.abs());
    rounded.copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero_on_the_decimal_form() {
        assert_eq!(round_to(2.5, 0), 3.0);
        assert_eq!(round_to(-2.5, 0), -3.0);
        assert_eq!(round_to(2.4999, 0), 2.0);
        assert_eq!(round_to(2.675, 2), 2.68);
        assert_eq!(round_to(1.005, 2), 1.01);
        assert_eq!(round_to(9.995, 2), 10.0);
        assert_eq!(round_to(999.5, 0), 1000.0);
        assert_eq!(round_to(1234.0, -2), 1200.0);
        assert_eq!(round_to(1250.0, -2), 1300.0);
        assert_eq!(round_to(0.4, 0), 0.0);
        assert_eq!(round_to(0.5, 0), 1.0);
        assert_eq!(round_to(0.05, 0), 0.0);
        assert_eq!(round_to(0.00123, 4), 0.0012);
        assert_eq!(round_to(5.0, -1), 10.0);
        assert_eq!(round_to(4.0, -1), 0.0);
        assert_eq!(round_to(123.456, 10), 123.456);
        assert_eq!(round_to(1e300, 2), 1e300);
        assert_eq!(round_to(1e300, -400), 0.0);
        assert!(round_to(f64::NAN, 0).is_nan());
    }

    #[test]
    fn extremes_skip_nulls_and_refuse_mixtures() {
        let n = |x| Value::Number(x);
        let s = |x: &str| Value::String(x.into());
        assert_eq!(
            extreme(&[n(3.0), Value::Null, n(1.0), n(2.0)], Ordering::Less),
            n(1.0)
        );
        assert_eq!(extreme(&[n(3.0), n(1.0)], Ordering::Greater), n(3.0));
        assert_eq!(
            extreme(&[s("2026-01-02"), s("2025-12-31")], Ordering::Less),
            s("2025-12-31")
        );
        assert_eq!(extreme(&[], Ordering::Less), Value::Null);
        assert_eq!(extreme(&[n(1.0), s("a")], Ordering::Less), Value::Null);
        assert_eq!(extreme(&[Value::Bool(true)], Ordering::Less), Value::Null);
        assert_eq!(extreme(&[n(1.0), n(f64::NAN)], Ordering::Less), Value::Null);
    }
}
