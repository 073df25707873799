//! The function table, shared by the checker and the evaluator so that the
//! two always agree on which calls exist.

/// A built-in function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Size,
    Answered,
    Today,
    YearsBetween,
    DaysBetween,
    Sum,
    Min,
    Max,
    Round,
    Lower,
    Upper,
    Trim,
    Contains,
    StartsWith,
    EndsWith,
    Matches,
}

/// How a function may be called.
pub(crate) struct Signature {
    pub name: &'static str,
    pub func: Func,
    /// Callable as `name(x, ...)`.
    pub global: bool,
    /// Callable as `x.name(...)`, `x` being the first operand.
    pub method: bool,
    /// Fewest and most operands, counting a method's receiver.
    pub min: usize,
    pub max: usize,
}

const fn sig(
    name: &'static str,
    func: Func,
    global: bool,
    method: bool,
    min: usize,
    max: usize,
) -> Signature {
    Signature {
        name,
        func,
        global,
        method,
        min,
        max,
    }
}

static SIGNATURES: [Signature; 16] = [
    sig("size", Func::Size, true, true, 1, 1),
    sig("answered", Func::Answered, true, false, 1, 1),
    sig("today", Func::Today, true, false, 0, 0),
    sig("years_between", Func::YearsBetween, true, false, 2, 2),
    sig("days_between", Func::DaysBetween, true, false, 2, 2),
    sig("sum", Func::Sum, true, false, 1, 1),
    sig("min", Func::Min, true, false, 1, 1),
    sig("max", Func::Max, true, false, 1, 1),
    sig("round", Func::Round, true, false, 1, 2),
    sig("lower", Func::Lower, true, true, 1, 1),
    sig("upper", Func::Upper, true, true, 1, 1),
    sig("trim", Func::Trim, true, true, 1, 1),
    sig("contains", Func::Contains, false, true, 2, 2),
    sig("startsWith", Func::StartsWith, false, true, 2, 2),
    sig("endsWith", Func::EndsWith, false, true, 2, 2),
    // CEL has both `s.matches(re)` and `matches(s, re)`.
    sig("matches", Func::Matches, true, true, 2, 2),
];

/// Names of all built-in functions, for documentation and editor completion.
pub const FUNCTION_NAMES: [&str; 16] = [
    "size",
    "answered",
    "today",
    "years_between",
    "days_between",
    "sum",
    "min",
    "max",
    "round",
    "lower",
    "upper",
    "trim",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
];

/// Why a call does not resolve.
pub(crate) enum CallError {
    Unknown,
    NotAMethod,
    OnlyAMethod,
    Arity { expected: String, found: usize },
}

impl CallError {
    /// The message for a template author.
    pub(crate) fn message(&self, name: &str) -> String {
        match self {
            CallError::Unknown => format!("unknown function `{name}`"),
            CallError::NotAMethod => format!("`{name}` is not a method: write `{name}(x)`"),
            CallError::OnlyAMethod => format!("`{name}` is a method: write `x.{name}(...)`"),
            CallError::Arity { expected, found } => {
                let plural = if *found == 1 { "" } else { "s" };
                format!("`{name}` takes {expected}, not {found} argument{plural}")
            }
        }
    }
}

/// Finds the function for a call of `name` with `args` explicit arguments.
pub(crate) fn resolve(name: &str, is_method: bool, args: usize) -> Result<Func, CallError> {
    let sig = SIGNATURES
        .iter()
        .find(|s| s.name == name)
        .ok_or(CallError::Unknown)?;
    if is_method && !sig.method {
        return Err(CallError::NotAMethod);
    }
    if !is_method && !sig.global {
        return Err(CallError::OnlyAMethod);
    }
    let operands = args + usize::from(is_method);
    if operands < sig.min || operands > sig.max {
        // Count as the author wrote them: a method's receiver is not an argument.
        let offset = usize::from(is_method);
        let (min, max) = (
            sig.min.saturating_sub(offset),
            sig.max.saturating_sub(offset),
        );
        let noun = |n: usize| if n == 1 { "argument" } else { "arguments" };
        let expected = if min == max {
            format!("{min} {}", noun(min))
        } else {
            format!("{min} or {max} {}", noun(max))
        };
        return Err(CallError::Arity {
            expected,
            found: args,
        });
    }
    Ok(sig.func)
}
