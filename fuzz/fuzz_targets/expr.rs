//! Parses arbitrary UTF-8; whatever parses must print back to source that
//! parses to an equal tree (and prints identically), and must check and
//! evaluate without panicking.

#![no_main]

use interview_runtime::date::Date;
use interview_runtime::expr::{
    check, eval, parse, Context, Scope, Type, TypeScope, MAX_SOURCE_CHARS,
};
use interview_runtime::pattern::Patterns;
use interview_runtime::value::Value;
use libfuzzer_sys::fuzz_target;

/// Every name is unanswered.
struct Unanswered;

impl Scope for Unanswered {
    fn lookup(&self, _name: &str) -> Value {
        Value::Null
    }
}

/// Every name exists with an unknown type, so checking reaches every node.
struct AnyNames;

impl TypeScope for AnyNames {
    fn type_of(&self, _name: &str) -> Option<Type> {
        Some(Type::Any)
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(expr) = parse(source) else { return };
    let printed = expr.to_string();
    // Printing adds spaces around operators, so a source near the length
    // limit may print longer than the limit; everything else must round-trip.
    if printed.chars().count() <= MAX_SOURCE_CHARS {
        let again = match parse(&printed) {
            Ok(e) => e,
            Err(e) => panic!("{source:?} printed as {printed:?}, which does not parse: {e}"),
        };
        assert_eq!(again, expr, "{source:?} printed as {printed:?}");
        assert_eq!(again.to_string(), printed);
    }
    let today = Date::from_ymd(2026, 11, 24).expect("a real date");
    let _ = eval(
        &expr,
        &Context {
            scope: &Unanswered,
            today,
            patterns: &Patterns::compiling(),
        },
    );
    let _ = check(&expr, &AnyNames);
    let _ = expr.identifiers();
});
