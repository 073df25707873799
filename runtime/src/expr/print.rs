//! Prints an expression back as source, with only the parentheses that
//! precedence needs, so that `parse(&e.to_string()) == e`.

use std::fmt::{self, Display, Formatter, Write};

use super::{prec, Expr, ExprKind};
use crate::value::{display_f64, lower_exp_f64};

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_expr(f, self, 0)
    }
}

/// How tightly the node binds: a child printed where a tighter one is needed
/// gets parentheses.
fn precedence(expr: &Expr) -> u8 {
    match &expr.kind {
        ExprKind::Conditional(..) => prec::CONDITIONAL,
        ExprKind::Binary(op, ..) => op.precedence(),
        ExprKind::Unary(..) => prec::UNARY,
        ExprKind::Index(..)
        | ExprKind::Member(..)
        | ExprKind::Call {
            target: Some(_), ..
        } => prec::POSTFIX,
        // The parser never makes negative or non-finite literals; when someone
        // builds one by hand it prints as an operation (see `write_number`).
        ExprKind::Number(n) if !n.is_finite() => prec::MULTIPLICATIVE,
        ExprKind::Number(n) if n.is_sign_negative() => prec::UNARY,
        _ => prec::PRIMARY,
    }
}

fn write_expr(f: &mut Formatter<'_>, expr: &Expr, min_prec: u8) -> fmt::Result {
    let needs_parens = precedence(expr) < min_prec;
    if needs_parens {
        f.write_char('(')?;
    }
    match &expr.kind {
        ExprKind::Null => f.write_str("null")?,
        ExprKind::Bool(b) => write!(f, "{b}")?,
        ExprKind::Number(n) => write_number(f, *n)?,
        ExprKind::String(s) => write_string(f, s)?,
        ExprKind::Ident(name) => f.write_str(name)?,
        ExprKind::List(items) => {
            f.write_char('[')?;
            write_list(f, items)?;
            f.write_char(']')?;
        }
        ExprKind::Unary(op, operand) => {
            f.write_str(op.symbol())?;
            write_expr(f, operand, prec::UNARY)?;
        }
        ExprKind::Binary(op, left, right) => {
            let p = op.precedence();
            write_expr(f, left, p)?;
            write!(f, " {} ", op.symbol())?;
            // Left-associative: an equal-precedence right operand needs parentheses.
            write_expr(f, right, p + 1)?;
        }
        ExprKind::Conditional(cond, then, otherwise) => {
            write_expr(f, cond, prec::CONDITIONAL + 1)?;
            f.write_str(" ? ")?;
            write_expr(f, then, prec::CONDITIONAL)?;
            f.write_str(" : ")?;
            write_expr(f, otherwise, prec::CONDITIONAL)?;
        }
        ExprKind::Index(target, index) => {
            write_expr(f, target, prec::POSTFIX)?;
            f.write_char('[')?;
            write_expr(f, index, 0)?;
            f.write_char(']')?;
        }
        ExprKind::Member(target, name) => {
            write_expr(f, target, prec::POSTFIX)?;
            write!(f, ".{name}")?;
        }
        ExprKind::Call { target, name, args } => {
            if let Some(target) = target {
                write_expr(f, target, prec::POSTFIX)?;
                f.write_char('.')?;
            }
            write!(f, "{name}(")?;
            write_list(f, args)?;
            f.write_char(')')?;
        }
    }
    if needs_parens {
        f.write_char(')')?;
    }
    Ok(())
}

fn write_list(f: &mut Formatter<'_>, items: &[Expr]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write_expr(f, item, 0)?;
    }
    Ok(())
}

/// Writes a number so that it reads back to the same bits: Rust's float
/// formatting is the shortest text that round-trips, on every platform.
fn write_number(f: &mut Formatter<'_>, n: f64) -> fmt::Result {
    if n.is_nan() {
        return f.write_str("0 / 0");
    }
    if n.is_infinite() {
        return f.write_str(if n > 0.0 { "1 / 0" } else { "-1 / 0" });
    }
    if n.is_sign_negative() {
        f.write_char('-')?;
    }
    let n = n.abs();
    // Plain digits read best for everyday magnitudes; exponent form keeps
    // 1e300 or 1e-300 short (plain `Display` would print hundreds of digits).
    if n == 0.0 || (1e-5..1e16).contains(&n) {
        f.write_str(&display_f64(n))
    } else {
        let plain = display_f64(n);
        let exp = lower_exp_f64(n);
        f.write_str(if exp.len() < plain.len() {
            &exp
        } else {
            &plain
        })
    }
}

/// Writes a single-quoted string literal with the escapes the lexer reads.
fn write_string(f: &mut Formatter<'_>, s: &str) -> fmt::Result {
    f.write_char('\'')?;
    for c in s.chars() {
        match c {
            '\\' => f.write_str("\\\\")?,
            '\'' => f.write_str("\\'")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if (c as u32) < 0x80 && c.is_control() => write!(f, "\\x{:02x}", c as u32)?,
            c if c.is_control() => write!(f, "\\u{:04x}", c as u32)?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('\'')
}
