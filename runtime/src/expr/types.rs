//! Static typing, so a template author hears about `agee > 18` or `'a' * 2`
//! when the template is loaded rather than seeing a silent `null` at run time.
//!
//! The checker is lenient where the evaluator is: `Any` and `Null` (an
//! unanswered question) fit everywhere. It reports every independent problem
//! and, after one, carries on with the type the operation would have had, so
//! a single mistake does not cascade into many messages.

use std::collections::BTreeMap;
use std::fmt;

use super::functions::{resolve, Func};
use super::{BinaryOp, Expr, ExprError, ExprKind, UnaryOp};
use crate::date::Date;
use crate::pattern::Pattern;

/// The static type of an expression or of an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// Unknown until run time; fits everywhere.
    Any,
    /// The `null` literal; fits everywhere (it stands for "unanswered").
    Null,
    /// `true` / `false`.
    Bool,
    /// A number.
    Number,
    /// A string (also dates and choice values).
    String,
    /// A list whose elements have the given type.
    List(Box<Type>),
    /// An object with exactly these fields (a repeat entry, a file reference).
    Object(BTreeMap<String, Type>),
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Any => f.write_str("any"),
            Type::Null => f.write_str("null"),
            Type::Bool => f.write_str("bool"),
            Type::Number => f.write_str("number"),
            Type::String => f.write_str("string"),
            Type::List(item) => write!(f, "list of {item}"),
            Type::Object(fields) => {
                f.write_str("object {")?;
                for (i, (name, ty)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{name}: {ty}")?;
                }
                f.write_str("}")
            }
        }
    }
}

/// Where the checker looks up the types of names.
pub trait TypeScope {
    /// The type of `name`, or `None` if no such name exists.
    fn type_of(&self, name: &str) -> Option<Type>;
}

/// A map of names to types is a type scope (handy for tests).
impl TypeScope for BTreeMap<String, Type> {
    fn type_of(&self, name: &str) -> Option<Type> {
        self.get(name).cloned()
    }
}

/// Types `expr`, returning its type or every problem found, in source order.
pub fn check(expr: &Expr, scope: &dyn TypeScope) -> Result<Type, Vec<ExprError>> {
    let mut checker = Checker {
        scope,
        errors: Vec::new(),
    };
    let ty = checker.ty(expr);
    if checker.errors.is_empty() {
        Ok(ty)
    } else {
        // Stable: problems at the same column keep the order they were found.
        checker.errors.sort_by_key(|e| e.position);
        Err(checker.errors)
    }
}

/// The concrete kind of a type, `None` for `Any` and `Null` (which fit anything).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Number,
    String,
    List,
    Object,
}

impl Kind {
    fn of(ty: &Type) -> Option<Kind> {
        match ty {
            Type::Any | Type::Null => None,
            Type::Bool => Some(Kind::Bool),
            Type::Number => Some(Kind::Number),
            Type::String => Some(Kind::String),
            Type::List(_) => Some(Kind::List),
            Type::Object(_) => Some(Kind::Object),
        }
    }

    fn with_article(self) -> &'static str {
        match self {
            Kind::Bool => "a bool",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::List => "a list",
            Kind::Object => "an object",
        }
    }
}

/// The type of a value that is either `a` or `b`.
fn join(a: Type, b: Type) -> Type {
    match (a, b) {
        (a, b) if a == b => a,
        (Type::Null, other) | (other, Type::Null) => other,
        (Type::List(x), Type::List(y)) => Type::List(Box::new(join(*x, *y))),
        _ => Type::Any,
    }
}

/// The expression as written, for messages; long ones are shortened.
fn show(expr: &Expr) -> String {
    const MAX: usize = 40;
    let text = expr.to_string();
    if text.chars().count() <= MAX {
        format!("`{text}`")
    } else {
        let short: String = text.chars().take(MAX - 1).collect();
        format!("`{short}…`")
    }
}

struct Checker<'a> {
    scope: &'a dyn TypeScope,
    errors: Vec<ExprError>,
}

impl Checker<'_> {
    fn error(&mut self, offset: usize, message: String) {
        self.errors.push(ExprError::at(offset, message));
    }

    /// Reports `expr` (of type `ty`) if it cannot be of kind `want`.
    fn require(&mut self, expr: &Expr, ty: &Type, want: Kind, what: &str) {
        if let Some(k) = Kind::of(ty).filter(|k| *k != want) {
            let message = format!(
                "{what} needs {}, but {} is {}",
                want.with_article(),
                show(expr),
                k.with_article()
            );
            self.error(expr.span.start, message);
        }
    }

    fn ty(&mut self, expr: &Expr) -> Type {
        match &expr.kind {
            ExprKind::Null => Type::Null,
            ExprKind::Bool(_) => Type::Bool,
            ExprKind::Number(_) => Type::Number,
            ExprKind::String(_) => Type::String,
            ExprKind::List(items) => {
                let mut item_ty: Option<Type> = None;
                for item in items {
                    let t = self.ty(item);
                    item_ty = Some(match item_ty {
                        None => t,
                        Some(prev) => join(prev, t),
                    });
                }
                Type::List(Box::new(item_ty.unwrap_or(Type::Any)))
            }
            ExprKind::Ident(name) => match self.scope.type_of(name) {
                Some(t) => t,
                None => {
                    self.error(expr.span.start, format!("unknown name `{name}`"));
                    Type::Any
                }
            },
            ExprKind::Unary(op, operand) => {
                let t = self.ty(operand);
                match op {
                    UnaryOp::Not => {
                        self.require(operand, &t, Kind::Bool, "`!`");
                        Type::Bool
                    }
                    UnaryOp::Neg => {
                        self.require(operand, &t, Kind::Number, "`-`");
                        Type::Number
                    }
                }
            }
            ExprKind::Binary(op, left, right) => self.binary(expr, *op, left, right),
            ExprKind::Conditional(cond, then, otherwise) => {
                let c = self.ty(cond);
                self.require(cond, &c, Kind::Bool, "the condition of `? :`");
                let a = self.ty(then);
                let b = self.ty(otherwise);
                join(a, b)
            }
            ExprKind::Index(target, index) => self.index(target, index),
            ExprKind::Member(target, name) => {
                let t = self.ty(target);
                // The name is the last token of the member expression.
                let name_at = expr.span.end.saturating_sub(name.chars().count());
                self.field(target, t, name, name_at)
            }
            ExprKind::Call { target, name, args } => self.call(expr, target.as_deref(), name, args),
        }
    }

    fn binary(&mut self, expr: &Expr, op: BinaryOp, left: &Expr, right: &Expr) -> Type {
        let l = self.ty(left);
        let r = self.ty(right);
        let symbol = format!("`{}`", op.symbol());
        match op {
            BinaryOp::And | BinaryOp::Or => {
                self.require(left, &l, Kind::Bool, &symbol);
                self.require(right, &r, Kind::Bool, &symbol);
                Type::Bool
            }
            BinaryOp::Eq | BinaryOp::Ne => {
                if let (Some(a), Some(b)) = (Kind::of(&l), Kind::of(&r)) {
                    if a != b {
                        let message = format!(
                            "{} ({}) and {} ({}) are never equal",
                            show(left),
                            a.with_article(),
                            show(right),
                            b.with_article()
                        );
                        self.error(expr.span.start, message);
                    }
                }
                Type::Bool
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let mut orderable = true;
                for (side, t) in [(left, &l), (right, &r)] {
                    if let Some(k) = Kind::of(t).filter(|k| matches!(k, Kind::List | Kind::Object))
                    {
                        let message = format!(
                            "{symbol} compares numbers, strings or bools, but {} is {}",
                            show(side),
                            k.with_article()
                        );
                        self.error(side.span.start, message);
                        orderable = false;
                    }
                }
                if let (true, Some(a), Some(b)) = (orderable, Kind::of(&l), Kind::of(&r)) {
                    if a != b {
                        let message = format!(
                            "cannot compare {} with {}",
                            a.with_article(),
                            b.with_article()
                        );
                        self.error(expr.span.start, message);
                    }
                }
                Type::Bool
            }
            BinaryOp::In => {
                match &r {
                    Type::List(item) => {
                        if let (Some(a), Some(b)) = (Kind::of(&l), Kind::of(item)) {
                            if a != b {
                                let message = format!(
                                    "{} is {} but {} holds {}",
                                    show(left),
                                    a.with_article(),
                                    show(right),
                                    plural(b)
                                );
                                self.error(expr.span.start, message);
                            }
                        }
                    }
                    Type::Object(_) => self.require(left, &l, Kind::String, "`in` on an object"),
                    Type::Any | Type::Null => {}
                    other => {
                        if let Some(k) = Kind::of(other) {
                            let message = format!(
                                "`in` needs a list or an object on its right, but {} is {}",
                                show(right),
                                k.with_article()
                            );
                            self.error(right.span.start, message);
                        }
                    }
                }
                Type::Bool
            }
            BinaryOp::Add => self.add(expr, left, l, right, r),
            BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => {
                self.require(left, &l, Kind::Number, &symbol);
                self.require(right, &r, Kind::Number, &symbol);
                Type::Number
            }
        }
    }

    fn add(&mut self, expr: &Expr, left: &Expr, l: Type, right: &Expr, r: Type) -> Type {
        let addable = |k: Kind| matches!(k, Kind::Number | Kind::String | Kind::List);
        let mut ok = true;
        for (side, t) in [(left, &l), (right, &r)] {
            if let Some(k) = Kind::of(t).filter(|k| !addable(*k)) {
                let message = format!(
                    "`+` adds numbers, strings or lists, but {} is {}",
                    show(side),
                    k.with_article()
                );
                self.error(side.span.start, message);
                ok = false;
            }
        }
        match (Kind::of(&l), Kind::of(&r)) {
            _ if !ok => Type::Any,
            (Some(a), Some(b)) if a != b => {
                let message = format!("cannot add {} and {}", a.with_article(), b.with_article());
                self.error(expr.span.start, message);
                Type::Any
            }
            (None, None) => Type::Any,
            // One side unknown: the known side says what the sum would be.
            (Some(_), None) => l,
            (None, Some(_)) => r,
            (Some(_), Some(_)) => join(l, r),
        }
    }

    fn index(&mut self, target: &Expr, index: &Expr) -> Type {
        let t = self.ty(target);
        let i = self.ty(index);
        match t {
            Type::List(item) => {
                self.require(index, &i, Kind::Number, "a list index");
                *item
            }
            Type::Object(_) => {
                self.require(index, &i, Kind::String, "an object key");
                match &index.kind {
                    ExprKind::String(key) => self.field(target, t, key, index.span.start),
                    _ => Type::Any,
                }
            }
            Type::Any | Type::Null => Type::Any,
            other => {
                if let Some(k) = Kind::of(&other) {
                    let message = format!(
                        "{} is {} and cannot be indexed",
                        show(target),
                        k.with_article()
                    );
                    self.error(target.span.start, message);
                }
                Type::Any
            }
        }
    }

    /// The type of field `name` of `target` (of type `t`), reporting one that
    /// cannot exist at `name_at`.
    fn field(&mut self, target: &Expr, t: Type, name: &str, name_at: usize) -> Type {
        match t {
            Type::Object(mut fields) => match fields.remove(name) {
                Some(ty) => ty,
                None => {
                    self.error(name_at, format!("{} has no field `{name}`", show(target)));
                    Type::Any
                }
            },
            Type::Any | Type::Null => Type::Any,
            other => {
                if let Some(k) = Kind::of(&other) {
                    let message = format!(
                        "{} is {}, not an object: it has no field `{name}`",
                        show(target),
                        k.with_article()
                    );
                    self.error(name_at, message);
                }
                Type::Any
            }
        }
    }

    fn call(&mut self, expr: &Expr, target: Option<&Expr>, name: &str, args: &[Expr]) -> Type {
        let mut operands: Vec<(&Expr, Type)> = Vec::with_capacity(args.len() + 1);
        if let Some(t) = target {
            let ty = self.ty(t);
            operands.push((t, ty));
        }
        for a in args {
            let ty = self.ty(a);
            operands.push((a, ty));
        }
        let func = match resolve(name, target.is_some(), args.len()) {
            Ok(func) => func,
            Err(e) => {
                // A method's name follows its receiver and a `.`; the span of
                // the call starts at the receiver.
                let at = target.map_or(expr.span.start, |t| t.span.end);
                self.error(at, e.message(name));
                return Type::Any;
            }
        };
        let what = format!("`{name}`");
        match (func, operands.as_slice()) {
            (Func::Size, [(e, t)]) => {
                if let Some(k) = Kind::of(t).filter(|k| matches!(k, Kind::Bool | Kind::Number)) {
                    let message = format!(
                        "`size` needs a string, a list or an object, but {} is {}",
                        show(e),
                        k.with_article()
                    );
                    self.error(e.span.start, message);
                }
                Type::Number
            }
            (Func::Answered, _) => Type::Bool,
            (Func::Today, _) => Type::String,
            (Func::YearsBetween | Func::DaysBetween, ops) => {
                for (e, t) in ops {
                    self.require(e, t, Kind::String, &what);
                    if let ExprKind::String(s) = &e.kind {
                        if Date::parse(s).is_none() {
                            self.error(
                                e.span.start,
                                format!("{} is not a date (YYYY-MM-DD)", show(e)),
                            );
                        }
                    }
                }
                Type::Number
            }
            (Func::Sum | Func::Min | Func::Max, [(e, t)]) => {
                let item = match t {
                    Type::List(item) => (**item).clone(),
                    Type::Any | Type::Null => Type::Any,
                    other => {
                        self.require(e, other, Kind::List, &what);
                        Type::Any
                    }
                };
                let numbers_only = func == Func::Sum;
                match Kind::of(&item) {
                    None => {
                        if numbers_only {
                            Type::Number
                        } else {
                            Type::Any
                        }
                    }
                    Some(Kind::Number) => Type::Number,
                    Some(Kind::String) if !numbers_only => Type::String,
                    Some(k) => {
                        let wanted = if numbers_only {
                            "numbers"
                        } else {
                            "numbers or strings"
                        };
                        let message = format!(
                            "{what} needs a list of {wanted}, but {} holds {}",
                            show(e),
                            plural(k)
                        );
                        self.error(e.span.start, message);
                        Type::Any
                    }
                }
            }
            (Func::Round, ops) => {
                for (e, t) in ops {
                    self.require(e, t, Kind::Number, &what);
                }
                if let Some((e, _)) = ops.get(1) {
                    if let ExprKind::Number(n) = e.kind {
                        if n.fract() != 0.0 {
                            self.error(
                                e.span.start,
                                "`round` needs a whole number of digits".to_owned(),
                            );
                        }
                    }
                }
                Type::Number
            }
            (Func::Lower | Func::Upper | Func::Trim, ops) => {
                for (e, t) in ops {
                    self.require(e, t, Kind::String, &what);
                }
                Type::String
            }
            (Func::Contains | Func::StartsWith | Func::EndsWith | Func::Matches, ops) => {
                for (e, t) in ops {
                    self.require(e, t, Kind::String, &what);
                }
                if func == Func::Matches {
                    if let Some((e, _)) = ops.get(1) {
                        if let ExprKind::String(source) = &e.kind {
                            if let Err(problem) = Pattern::new(source) {
                                self.error(e.span.start, problem);
                            }
                        }
                    }
                }
                Type::Bool
            }
            // `resolve` checked the arity, so the patterns above are exhaustive
            // in practice; stay total anyway.
            _ => Type::Any,
        }
    }
}

fn plural(kind: Kind) -> &'static str {
    match kind {
        Kind::Bool => "bools",
        Kind::Number => "numbers",
        Kind::String => "strings",
        Kind::List => "lists",
        Kind::Object => "objects",
    }
}
