//! The template expression language: a small, side-effect-free subset of CEL.
//!
//! - [`parse`] turns source text into an [`Expr`] (a hand-written Pratt parser,
//!   bounded against hostile input: see [`MAX_SOURCE_CHARS`], [`MAX_NESTING`],
//!   [`MAX_TREE_DEPTH`], [`MAX_LIST_ITEMS`]).
//! - `Display` on [`Expr`] prints source that parses back to an equal tree.
//! - [`check`] types an expression against a [`TypeScope`] and reports every
//!   problem it can find, with columns.
//! - [`eval`] computes a [`Value`](crate::value::Value) against a [`Scope`]; it
//!   never fails: anything that cannot work gives `null`.
//!
//! The grammar, precedence, null rules and function list are documented in
//! `docs/expressions.md`.

mod eval;
mod functions;
mod lexer;
mod parser;
mod print;
mod types;

pub use eval::{eval, values_equal, Context, Scope};
pub use functions::FUNCTION_NAMES;
pub use parser::parse;
pub use types::{check, Type, TypeScope};

/// Longest accepted source, in chars: expressions are short rules, not programs.
pub const MAX_SOURCE_CHARS: usize = 4096;
/// Deepest accepted syntactic nesting (parentheses, brackets, calls, unary
/// operators, `?:` branches), so the recursive parser cannot exhaust the stack.
pub const MAX_NESTING: usize = 64;
/// Deepest accepted tree (long `a + b + c ...` or `a.b.c ...` chains nest the
/// tree without nesting the syntax), so the recursive checker, evaluator and
/// printer stay within a small stack, including in the browser.
pub const MAX_TREE_DEPTH: usize = 256;
/// Most elements accepted in one list literal.
pub const MAX_LIST_ITEMS: usize = 1000;

/// A range of the source, in chars (not bytes), `start` inclusive, `end` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Offset of the first char, from 0.
    pub start: usize,
    /// Offset just past the last char.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The 1-based column of the first char, as errors report it.
    pub fn column(self) -> usize {
        self.start.saturating_add(1)
    }
}

/// A parsed expression: what it is and where it came from.
#[derive(Debug, Clone)]
pub struct Expr {
    /// The node.
    pub kind: ExprKind,
    /// Where the node is in the source.
    pub span: Span,
}

impl Expr {
    /// A node with its span.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    /// Free identifier references (answers the expression reads), in source
    /// order, with their spans; member and function names are not included.
    pub fn identifiers(&self) -> Vec<(&str, Span)> {
        let mut out = Vec::new();
        self.collect_identifiers(&mut out);
        out
    }

    /// Calls `f` with the pattern argument of every `matches` call in the
    /// tree (`s.matches(re)` and `matches(s, re)`: the last argument).
    pub(crate) fn pattern_args(&self, f: &mut impl FnMut(&Expr)) {
        match &self.kind {
            ExprKind::Null
            | ExprKind::Bool(_)
            | ExprKind::Number(_)
            | ExprKind::String(_)
            | ExprKind::Ident(_) => {}
            ExprKind::List(items) => items.iter().for_each(|e| e.pattern_args(f)),
            ExprKind::Unary(_, e) | ExprKind::Member(e, _) => e.pattern_args(f),
            ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) => {
                a.pattern_args(f);
                b.pattern_args(f);
            }
            ExprKind::Conditional(c, a, b) => {
                c.pattern_args(f);
                a.pattern_args(f);
                b.pattern_args(f);
            }
            ExprKind::Call { target, name, args } => {
                if let Some(t) = target {
                    t.pattern_args(f);
                }
                args.iter().for_each(|e| e.pattern_args(f));
                let arity = if target.is_some() { 1 } else { 2 };
                if name == "matches" && args.len() == arity {
                    if let Some(pattern) = args.last() {
                        f(pattern);
                    }
                }
            }
        }
    }

    fn collect_identifiers<'a>(&'a self, out: &mut Vec<(&'a str, Span)>) {
        match &self.kind {
            ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::String(_) => {}
            ExprKind::Ident(name) => out.push((name.as_str(), self.span)),
            ExprKind::List(items) => items.iter().for_each(|e| e.collect_identifiers(out)),
            ExprKind::Unary(_, e) | ExprKind::Member(e, _) => e.collect_identifiers(out),
            ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) => {
                a.collect_identifiers(out);
                b.collect_identifiers(out);
            }
            ExprKind::Conditional(c, a, b) => {
                c.collect_identifiers(out);
                a.collect_identifiers(out);
                b.collect_identifiers(out);
            }
            ExprKind::Call { target, args, .. } => {
                if let Some(t) = target {
                    t.collect_identifiers(out);
                }
                args.iter().for_each(|e| e.collect_identifiers(out));
            }
        }
    }
}

/// Equality of the trees, ignoring spans: two sources that mean the same
/// thing compare equal. Numbers compare by bits, so the printer's round trip
/// is checked exactly.
impl PartialEq for Expr {
    fn eq(&self, other: &Expr) -> bool {
        self.kind == other.kind
    }
}

/// The kinds of expression node.
#[derive(Debug, Clone)]
pub enum ExprKind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number literal; never negative (`-1` is `Neg` applied to `1`).
    Number(f64),
    /// A string literal, escapes resolved.
    String(String),
    /// A list literal `[a, b]`.
    List(Vec<Expr>),
    /// A name: an answer, or a sibling inside a repeat.
    Ident(String),
    /// `!x` or `-x`.
    Unary(UnaryOp, Box<Expr>),
    /// `a op b`.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `cond ? then : else`.
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `target[index]`.
    Index(Box<Expr>, Box<Expr>),
    /// `target.name`.
    Member(Box<Expr>, String),
    /// `name(args)` (no target) or `target.name(args)`.
    Call {
        /// The receiver of a method call, `None` for a global call.
        target: Option<Box<Expr>>,
        /// The function name.
        name: String,
        /// The arguments, not counting the receiver.
        args: Vec<Expr>,
    },
}

impl PartialEq for ExprKind {
    fn eq(&self, other: &ExprKind) -> bool {
        use ExprKind as K;
        match (self, other) {
            (K::Null, K::Null) => true,
            (K::Bool(a), K::Bool(b)) => a == b,
            (K::Number(a), K::Number(b)) => a.to_bits() == b.to_bits(),
            (K::String(a), K::String(b)) | (K::Ident(a), K::Ident(b)) => a == b,
            (K::List(a), K::List(b)) => a == b,
            (K::Unary(o1, a), K::Unary(o2, b)) => o1 == o2 && a == b,
            (K::Binary(o1, a1, b1), K::Binary(o2, a2, b2)) => o1 == o2 && a1 == a2 && b1 == b2,
            (K::Conditional(c1, a1, b1), K::Conditional(c2, a2, b2)) => {
                c1 == c2 && a1 == a2 && b1 == b2
            }
            (K::Index(a1, b1), K::Index(a2, b2)) => a1 == a2 && b1 == b2,
            (K::Member(a1, n1), K::Member(a2, n2)) => n1 == n2 && a1 == a2,
            (
                K::Call {
                    target: t1,
                    name: n1,
                    args: a1,
                },
                K::Call {
                    target: t2,
                    name: n2,
                    args: a2,
                },
            ) => n1 == n2 && t1 == t2 && a1 == a2,
            _ => false,
        }
    }
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `!`: logical not.
    Not,
    /// `-`: numeric negation.
    Neg,
}

impl UnaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Not => "!",
            UnaryOp::Neg => "-",
        }
    }
}

/// Infix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `in`
    In,
    /// `&&`
    And,
    /// `||`
    Or,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::In => "in",
            BinaryOp::And => "&&",
            BinaryOp::Or => "||",
        }
    }

    /// Binding strength, higher binds tighter; all infix operators are left-associative.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => prec::OR,
            BinaryOp::And => prec::AND,
            BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge
            | BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::In => prec::RELATION,
            BinaryOp::Add | BinaryOp::Sub => prec::ADDITIVE,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => prec::MULTIPLICATIVE,
        }
    }
}

/// Precedence levels shared by the parser and the printer, low to high.
pub(crate) mod prec {
    pub const CONDITIONAL: u8 = 1;
    pub const OR: u8 = 2;
    pub const AND: u8 = 3;
    pub const RELATION: u8 = 4;
    pub const ADDITIVE: u8 = 5;
    pub const MULTIPLICATIVE: u8 = 6;
    pub const UNARY: u8 = 7;
    pub const POSTFIX: u8 = 8;
    pub const PRIMARY: u8 = 9;
}

/// A problem with an expression, at a 1-based column (in chars).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column {position}: {message}")]
pub struct ExprError {
    /// 1-based column of the offending text, counted in chars.
    pub position: usize,
    /// What is wrong, for the template author.
    pub message: String,
}

impl ExprError {
    /// An error at a 0-based char offset.
    pub(crate) fn at(offset: usize, message: impl Into<String>) -> ExprError {
        ExprError {
            position: offset.saturating_add(1),
            message: message.into(),
        }
    }
}

/// Words that cannot be identifiers.
pub const RESERVED_WORDS: [&str; 4] = ["true", "false", "null", "in"];

/// True if `name` can be written as an identifier: `[A-Za-z_][A-Za-z0-9_]*`
/// and not a reserved word.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_') && !RESERVED_WORDS.contains(&name)
}
