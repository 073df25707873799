//! The expression language, through its public API: the CEL conformance
//! cases, every operator and null rule, functions, error messages with
//! columns, hostile-input limits, the type checker, and property tests for
//! the printer's round trip and for never panicking.

use std::collections::BTreeMap;

use interview_runtime::date::Date;
use interview_runtime::expr::{
    check, eval, parse, BinaryOp, Context, Expr, ExprError, ExprKind, Scope, Span, Type, UnaryOp,
    MAX_LIST_ITEMS, MAX_NESTING, MAX_SOURCE_CHARS, MAX_TREE_DEPTH,
};
use interview_runtime::pattern::Patterns;
use interview_runtime::value::Value;
use proptest::prelude::*;

// ---------------------------------------------------------------- helpers

fn today() -> Date {
    Date::from_ymd(2026, 11, 24).unwrap()
}

fn n(x: f64) -> Value {
    Value::Number(x)
}

fn s(x: &str) -> Value {
    Value::String(x.to_owned())
}

fn b(x: bool) -> Value {
    Value::Bool(x)
}

fn list(items: Vec<Value>) -> Value {
    Value::List(items)
}

fn map(pairs: &[(&str, Value)]) -> Value {
    Value::Map(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    )
}

/// Answers used by the evaluation tests.
fn answers() -> BTreeMap<String, Value> {
    let mut a = BTreeMap::new();
    a.insert("age".to_owned(), n(42.0));
    a.insert("full_name".to_owned(), s("Åsa Öberg"));
    a.insert("has_partner".to_owned(), b(true));
    a.insert("born".to_owned(), s("1984-02-29"));
    a.insert("unanswered".to_owned(), Value::Null);
    a.insert("scores".to_owned(), list(vec![n(3.0), Value::Null, n(4.5)]));
    a.insert("tags".to_owned(), list(vec![s("b"), s("a")]));
    a.insert(
        "children".to_owned(),
        list(vec![
            map(&[("name", s("Ann")), ("born", s("2010-05-01"))]),
            map(&[("name", s("Bo")), ("born", s("2014-12-24"))]),
        ]),
    );
    a.insert(
        "file".to_owned(),
        map(&[("name", s("a.pdf")), ("size", n(1024.0))]),
    );
    a
}

fn ev(src: &str) -> Value {
    let expr = parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    let scope = answers();
    eval(
        &expr,
        &Context {
            scope: &scope,
            today: today(),
            patterns: &Patterns::compiling(),
        },
    )
}

fn is_null(src: &str) -> bool {
    ev(src) == Value::Null
}

fn perr(src: &str) -> ExprError {
    match parse(src) {
        Ok(e) => panic!("{src:?} parsed as {e:?}"),
        Err(e) => e,
    }
}

fn types() -> BTreeMap<String, Type> {
    let child: BTreeMap<String, Type> = [
        ("name".to_owned(), Type::String),
        ("born".to_owned(), Type::String),
    ]
    .into_iter()
    .collect();
    let mut t = BTreeMap::new();
    t.insert("age".to_owned(), Type::Number);
    t.insert("full_name".to_owned(), Type::String);
    t.insert("has_partner".to_owned(), Type::Bool);
    t.insert("born".to_owned(), Type::String);
    t.insert(
        "children".to_owned(),
        Type::List(Box::new(Type::Object(child))),
    );
    t.insert("tags".to_owned(), Type::List(Box::new(Type::String)));
    t.insert("scores".to_owned(), Type::List(Box::new(Type::Number)));
    t.insert("anything".to_owned(), Type::Any);
    t.insert("maybe".to_owned(), Type::Null);
    t
}

fn ty(src: &str) -> Type {
    let expr = parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    check(&expr, &types()).unwrap_or_else(|e| panic!("{src}: {e:?}"))
}

fn check_errors(src: &str) -> Vec<ExprError> {
    let expr = parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    match check(&expr, &types()) {
        Ok(t) => panic!("{src:?} checked as {t:?}"),
        Err(errors) => errors,
    }
}

/// The single check error of `src`, as (column, message).
fn check_error(src: &str) -> (usize, String) {
    let errors = check_errors(src);
    assert_eq!(errors.len(), 1, "{src}: {errors:?}");
    (errors[0].position, errors[0].message.clone())
}

struct Empty;

impl Scope for Empty {
    fn lookup(&self, _name: &str) -> Value {
        Value::Null
    }
}

// ---------------------------------------------------------------- conformance

/// Numbers compare as numbers (`29` and `29.0` are equal); JSON has no NaN.
fn same_value(got: &Value, want: &Value) -> bool {
    match (got, want) {
        (Value::Number(a), Value::Number(b)) => a == b,
        (Value::List(a), Value::List(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_value(x, y))
        }
        (Value::Map(a), Value::Map(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && same_value(v1, v2))
        }
        _ => got == want,
    }
}

#[test]
fn cel_conformance_cases_all_pass() {
    let data: serde_json::Value =
        serde_json::from_str(include_str!("../data/cel-subset.json")).unwrap();
    let cases = data["cases"].as_array().unwrap();
    let mut passed = 0;
    let mut failures = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let src = case["expr"].as_str().unwrap();
        let want = Value::from_json(&case["expected"]);
        let expr = match parse(src) {
            Ok(e) => e,
            Err(e) => {
                failures.push(format!("{id}: {src:?} does not parse: {e}"));
                continue;
            }
        };
        let got = eval(
            &expr,
            &Context {
                scope: &Empty,
                today: today(),
                patterns: &Patterns::compiling(),
            },
        );
        if !same_value(&got, &want) {
            failures.push(format!("{id}: {src:?} gave {got:?}, expected {want:?}"));
            continue;
        }
        // Every case is well typed, and printing keeps its meaning.
        if let Err(e) = check(&expr, &BTreeMap::<String, Type>::new()) {
            failures.push(format!("{id}: {src:?} fails the checker: {e:?}"));
            continue;
        }
        let printed = expr.to_string();
        if parse(&printed).ok() != Some(expr.clone()) {
            failures.push(format!(
                "{id}: {src:?} printed as {printed:?} does not parse back"
            ));
            continue;
        }
        passed += 1;
    }
    println!("CEL conformance: {passed} of {} cases passed", cases.len());
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(cases.len(), 211);
    assert_eq!(passed, 211);
}

// ---------------------------------------------------------------- parsing

#[test]
fn number_literals() {
    assert_eq!(ev("42"), n(42.0));
    assert_eq!(ev("4.25"), n(4.25));
    assert_eq!(ev(".99"), n(0.99));
    assert_eq!(ev("2e3"), n(2000.0));
    assert_eq!(ev("2E-3"), n(0.002));
    assert_eq!(ev("2.5e+1"), n(25.0));
    assert_eq!(ev("0x1F"), n(31.0));
    assert_eq!(ev("0XfF"), n(255.0));
    assert_eq!(ev("1e-400"), n(0.0));
    // The parser never makes negative literals.
    let e = parse("-2.3e+1").unwrap();
    assert!(
        matches!(&e.kind, ExprKind::Unary(UnaryOp::Neg, inner) if matches!(inner.kind, ExprKind::Number(x) if x == 23.0))
    );
    assert_eq!(perr("1e999").message, "number is out of range");
    assert_eq!(
        perr("0x1FFFFFFFFFFFFFFFFF").message,
        "number is out of range"
    );
    assert_eq!(perr("1e").position, 1);
    assert_eq!(perr("1e+").message, "number has an exponent without digits");
    assert_eq!(perr("0x").message, "hex number needs digits after `0x`");
    assert_eq!(
        perr("12abc").message,
        "invalid number: letters directly after digits"
    );
    assert_eq!(perr("1.2.3").position, 4);
}

#[test]
fn string_literals_and_escapes() {
    assert_eq!(ev("'single'"), s("single"));
    assert_eq!(ev("\"double\""), s("double"));
    assert_eq!(ev(r#"'it\'s'"#), s("it's"));
    assert_eq!(ev(r#""say \"hi\"""#), s("say \"hi\""));
    assert_eq!(ev(r#"'"' + "'""#), s("\"'"));
    assert_eq!(ev(r"'a\\b'"), s("a\\b"));
    assert_eq!(ev(r"'\n\r\t'"), s("\n\r\t"));
    assert_eq!(ev(r"'\u00e9\x41'"), s("éA"));
    assert_eq!(ev("'ίσος'"), s("ίσος"));
    let e = perr("'abc");
    assert_eq!((e.position, e.message.as_str()), (1, "unterminated string"));
    let e = perr(r"'a\qb'");
    assert_eq!(
        (e.position, e.message.as_str()),
        (3, r"invalid escape `\q` in string")
    );
    assert_eq!(
        perr(r"'\u12'").message,
        r"invalid escape: expected \uXXXX with hex digits"
    );
    assert_eq!(
        perr(r"'\xZZ'").message,
        r"invalid escape: expected \xHH with hex digits"
    );
    assert_eq!(
        perr(r"'\ud800'").message,
        "invalid escape: U+D800 is not a character"
    );
    assert_eq!(perr("'a\nb'").position, 3);
    assert_eq!(perr("'abc\\").message, "unterminated string");
}

#[test]
fn identifiers_and_reserved_words() {
    assert_eq!(ev("age"), n(42.0));
    assert_eq!(ev("_x1"), Value::Null);
    assert_eq!(ev("nobody"), Value::Null);
    assert_eq!(perr("in").message, "unexpected `in`");
    assert_eq!(
        perr("x.in").message,
        "expected a field or function name after `.`, found `in`"
    );
    assert_eq!(ev("null.x"), Value::Null);
    assert!(interview_runtime::expr::is_identifier("age_2"));
    assert!(!interview_runtime::expr::is_identifier("true"));
    assert!(!interview_runtime::expr::is_identifier("2x"));
    assert!(!interview_runtime::expr::is_identifier("é"));
}

#[test]
fn syntax_errors_name_the_problem_and_the_column() {
    let cases: &[(&str, usize, &str)] = &[
        ("", 1, "empty expression"),
        ("   ", 1, "empty expression"),
        ("1 +", 4, "unexpected end of expression"),
        ("(1 + 2", 7, "expected `)` to close `(` at column 1, found the end of the expression"),
        ("[1, 2", 6, "expected `,` or `]` to close the list opened at column 1, found the end of the expression"),
        ("f(1, 2", 7, "expected `,` or `)` to close the argument list opened at column 2, found the end of the expression"),
        ("f(1,,2)", 5, "unexpected `,`"),
        ("[,]", 2, "unexpected `,`"),
        ("1 2", 3, "expected an operator or the end of the expression, found a number"),
        ("a b", 3, "expected an operator or the end of the expression, found `b`"),
        ("(1))", 4, "unmatched `)`"),
        (")", 1, "unexpected `)`"),
        ("a = 1", 3, "unexpected `=`: write `==` to compare"),
        ("a & b", 3, "unexpected `&`: write `&&` for \"and\""),
        ("a | b", 3, "unexpected `|`: write `||` for \"or\""),
        ("a # b", 3, "unexpected character `#`"),
        ("(f)(x)", 4, "only a function name can be called"),
        ("a ? b", 6, "expected `:` in `? :`, found the end of the expression"),
        ("a[1", 4, "expected `]` to close `[`, found the end of the expression"),
        ("a.", 3, "expected a field or function name after `.`, found the end of the expression"),
        ("a.1", 2, "expected an operator or the end of the expression, found a number"),
        // Columns count chars, not bytes.
        ("'é' + é", 7, "unexpected character `é`"),
        ("'日本' == 日", 9, "unexpected character `日`"),
        ("1 +\u{7}", 4, "unexpected character U+0007"),
    ];
    for (src, column, message) in cases {
        let e = perr(src);
        assert_eq!(
            (e.position, e.message.as_str()),
            (*column, *message),
            "{src:?}"
        );
        assert_eq!(e.to_string(), format!("column {column}: {message}"));
    }
    let err: Box<dyn std::error::Error> = Box::new(perr("1 +"));
    assert_eq!(err.to_string(), "column 4: unexpected end of expression");
}

#[test]
fn whitespace_and_trailing_commas() {
    assert_eq!(ev(" \t1\n+\r\n2 "), n(3.0));
    assert_eq!(ev("[1, 2,]"), list(vec![n(1.0), n(2.0)]));
    assert_eq!(ev("size([1,],)"), n(1.0));
    assert_eq!(ev("[]"), list(vec![]));
}

#[test]
fn precedence_and_associativity() {
    assert_eq!(ev("1 + 2 * 3"), n(7.0));
    assert_eq!(ev("(1 + 2) * 3"), n(9.0));
    assert_eq!(ev("10 - 4 - 3"), n(3.0));
    assert_eq!(ev("2 * 6 / 3 % 3"), n(1.0));
    assert_eq!(ev("1 < 2 == true"), b(true));
    assert_eq!(ev("true || false && false"), b(true));
    assert_eq!(ev("false && true || true"), b(true));
    assert_eq!(ev("true ? 1 : false ? 2 : 3"), n(1.0));
    assert_eq!(ev("false ? 1 : false ? 2 : 3"), n(3.0));
    assert_eq!(ev("false ? 1 : true ? 2 : 3"), n(2.0));
    assert_eq!(ev("true ? false ? 1 : 2 : 3"), n(2.0));
    assert_eq!(ev("1 + 1 == 2 && 'a' in ['a'] ? 'y' : 'n'"), s("y"));
    assert_eq!(ev("-2 * 3"), n(-6.0));
    assert_eq!(ev("--2"), n(2.0));
    assert_eq!(ev("!!true"), b(true));
    assert_eq!(ev("!(1 < 2)"), b(false));
    assert_eq!(ev("-children.size()"), n(-2.0));
    assert_eq!(ev("-size(children)"), n(-2.0));
    assert_eq!(ev("children[1].name.size() * 2"), n(4.0));
    // Spot-check the tree shape, not only values.
    let e = parse("a - b - c").unwrap();
    assert!(
        matches!(&e.kind, ExprKind::Binary(BinaryOp::Sub, l, _) if matches!(l.kind, ExprKind::Binary(BinaryOp::Sub, ..)))
    );
    let e = parse("a ? b : c ? d : e").unwrap();
    assert!(
        matches!(&e.kind, ExprKind::Conditional(_, _, r) if matches!(r.kind, ExprKind::Conditional(..)))
    );
    let e = parse("-a.b").unwrap();
    assert!(
        matches!(&e.kind, ExprKind::Unary(UnaryOp::Neg, inner) if matches!(inner.kind, ExprKind::Member(..)))
    );
}

#[test]
fn spans_are_char_offsets_of_the_whole_node() {
    let e = parse("'é' + (a * b)").unwrap();
    assert_eq!(e.span, Span::new(0, 13));
    let ExprKind::Binary(_, l, r) = &e.kind else {
        panic!()
    };
    assert_eq!(l.span, Span::new(0, 3));
    // Parentheses group; the node's own span is inside them.
    assert_eq!(r.span, Span::new(7, 12));
    let e = parse("children[0].name").unwrap();
    assert_eq!(e.span, Span::new(0, 16));
    let e = parse("(a).size()").unwrap();
    assert_eq!(e.span, Span::new(0, 10));
    assert_eq!(Span::new(4, 5).column(), 5);
}

#[test]
fn identifiers_lists_free_names_in_source_order() {
    let e = parse("a + b.c + f(d) + e.g(h)[i] + (j ? k : [l])").unwrap();
    let names: Vec<&str> = e.identifiers().into_iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["a", "b", "d", "e", "h", "i", "j", "k", "l"]);
    let e = parse("'é' + xy").unwrap();
    assert_eq!(e.identifiers(), vec![("xy", Span::new(6, 8))]);
    let e = parse("children[0].name == size(x)").unwrap();
    assert_eq!(
        e.identifiers(),
        vec![("children", Span::new(0, 8)), ("x", Span::new(25, 26))]
    );
    assert!(parse("1 + today().size()")
        .unwrap()
        .identifiers()
        .is_empty());
}

// ---------------------------------------------------------------- printing

#[test]
fn printing_uses_minimal_parentheses_and_parses_back() {
    let cases = [
        ("(1 + 2) * 3", "(1 + 2) * 3"),
        ("1 + (2 * 3)", "1 + 2 * 3"),
        ("a - (b - c)", "a - (b - c)"),
        ("(a - b) - c", "a - b - c"),
        ("-(1)", "-1"),
        ("-(-1)", "--1"),
        ("!(a && b)", "!(a && b)"),
        ("(a ? b : c) ? d : e", "(a ? b : c) ? d : e"),
        ("a ? b : (c ? d : e)", "a ? b : c ? d : e"),
        ("a ? (b ? c : d) : e", "a ? b ? c : d : e"),
        ("(a || b) && c", "(a || b) && c"),
        ("(-a).b", "(-a).b"),
        ("(a + b)[0]", "(a + b)[0]"),
        ("x.f(1,2,)", "x.f(1, 2)"),
        ("[1,2,]", "[1, 2]"),
        ("(1 < 2) == (3 < 4)", "1 < 2 == (3 < 4)"),
        ("a in [1] in [true]", "a in [1] in [true]"),
        ("0x1F", "31"),
        (".5", "0.5"),
        ("1e300", "1e300"),
        ("1.5e-7", "1.5e-7"),
        ("12345.678", "12345.678"),
        ("\"it's\"", r"'it\'s'"),
        (r"'tab\there'", r"'tab\there'"),
        (r"'\x01\u0085'", r"'\x01\u0085'"),
        ("'ñ\"'", "'ñ\"'"),
        ("null == true", "null == true"),
    ];
    for (src, want) in cases {
        let e = parse(src).unwrap();
        let printed = e.to_string();
        assert_eq!(printed, want, "{src}");
        assert_eq!(parse(&printed).unwrap(), e, "{src}");
    }
}

#[test]
fn equality_of_trees_ignores_spans_but_not_content() {
    assert_eq!(parse("a+b").unwrap(), parse(" ( a ) + ( b ) ").unwrap());
    assert_ne!(parse("a + b").unwrap(), parse("a - b").unwrap());
    assert_ne!(parse("1").unwrap(), parse("1.0000000000000002").unwrap());
    assert_ne!(parse("x.f()").unwrap(), parse("f(x)").unwrap());
}

// ---------------------------------------------------------------- evaluation

#[test]
fn arithmetic_is_f64() {
    assert_eq!(ev("7 / 2"), n(3.5));
    assert_eq!(ev("7 % 3"), n(1.0));
    assert_eq!(ev("-7 % 3"), n(-1.0));
    assert_eq!(ev("5.5 % 2"), n(1.5));
    assert_eq!(ev("1 / 0"), n(f64::INFINITY));
    assert_eq!(ev("-1 / 0"), n(f64::NEG_INFINITY));
    assert!(matches!(ev("0 / 0"), Value::Number(x) if x.is_nan()));
    assert!(matches!(ev("1 % 0"), Value::Number(x) if x.is_nan()));
    assert_eq!(ev("0.1 + 0.2"), n(0.1 + 0.2));
    assert_eq!(ev("age * 2 - 4"), n(80.0));
}

#[test]
fn plus_adds_numbers_joins_strings_and_lists() {
    assert_eq!(ev("1 + 2"), n(3.0));
    assert_eq!(ev("'a' + 'b'"), s("ab"));
    assert_eq!(ev("[1] + ['x']"), list(vec![n(1.0), s("x")]));
    assert_eq!(ev("full_name + '!'"), s("Åsa Öberg!"));
    assert!(is_null("1 + 'a'"));
    assert!(is_null("'a' + 1"));
    assert!(is_null("[1] + 1"));
    assert!(is_null("true + true"));
    assert!(is_null("file + file"));
}

#[test]
fn null_and_wrong_kinds_give_null() {
    for src in [
        "unanswered + 1",
        "1 - unanswered",
        "unanswered * 2",
        "'a' * 2",
        "'6' / 2",
        "true % 2",
        "-unanswered",
        "-'a'",
        "!unanswered",
        "!1",
        "!'true'",
        "unanswered < 1",
        "1 <= unanswered",
        "1 < 'a'",
        "'a' > 1",
        "true >= 1",
        "[1] < [2]",
        "file > file",
        "unanswered ? 1 : 2",
        "1 ? 1 : 2",
        "'true' ? 1 : 2",
        "1 in unanswered",
        "1 in 'abc'",
        "unanswered.name",
        "age.name",
        "tags.name",
        "unanswered[0]",
    ] {
        assert!(is_null(src), "{src} gave {:?}", ev(src));
    }
}

#[test]
fn equality_is_heterogeneous() {
    assert_eq!(ev("1 == 1.0"), b(true));
    assert_eq!(ev("1 == 'a'"), b(false));
    assert_eq!(ev("1 != 'a'"), b(true));
    assert_eq!(ev("'1' == 1"), b(false));
    assert_eq!(ev("true == 1"), b(false));
    assert_eq!(ev("null == null"), b(true));
    assert_eq!(ev("unanswered == null"), b(true));
    assert_eq!(ev("nobody == null"), b(true));
    assert_eq!(ev("age == null"), b(false));
    assert_eq!(ev("age != null"), b(true));
    assert_eq!(ev("null == false"), b(false));
    assert_eq!(ev("null == 0"), b(false));
    assert_eq!(ev("null == ''"), b(false));
    assert_eq!(ev("null == []"), b(false));
    assert_eq!(ev("[1, [2, 'x']] == [1, [2, 'x']]"), b(true));
    assert_eq!(ev("[1, 2] == [1, 2, 3]"), b(false));
    assert_eq!(ev("[0.0 / 0.0] == [0.0 / 0.0]"), b(false));
    assert_eq!(ev("children[0] == children[0]"), b(true));
    assert_eq!(ev("children[0] == children[1]"), b(false));
    assert_eq!(ev("file == children[0]"), b(false));
    assert_eq!(ev("-0.0 == 0.0"), b(true));
}

#[test]
fn ordering_numbers_strings_and_bools() {
    assert_eq!(ev("1 < 2"), b(true));
    assert_eq!(ev("2 <= 2"), b(true));
    assert_eq!(ev("3 > 2"), b(true));
    assert_eq!(ev("2 >= 3"), b(false));
    assert_eq!(ev("'Z' < 'a'"), b(true));
    assert_eq!(ev("'é' > 'z'"), b(true));
    // Code point order, also beyond the BMP.
    assert_eq!(ev("'\u{ffff}' < '\u{10000}'"), b(true));
    assert_eq!(ev("false < true"), b(true));
    assert_eq!(ev("born < '2000-01-01'"), b(true));
    assert_eq!(ev("0.0 / 0.0 < 1"), b(false));
    assert_eq!(ev("0.0 / 0.0 >= 1"), b(false));
}

#[test]
fn and_or_are_commutative_like_cel() {
    let cases = [
        ("false && unanswered", Value::Bool(false)),
        ("unanswered && false", b(false)),
        ("1 && false", b(false)),
        ("false && 'x'", b(false)),
        ("true && unanswered", Value::Null),
        ("unanswered && true", Value::Null),
        ("true && 1", Value::Null),
        ("true && true", b(true)),
        ("true || unanswered", b(true)),
        ("unanswered || true", b(true)),
        ("'x' || true", b(true)),
        ("false || unanswered", Value::Null),
        ("unanswered || false", Value::Null),
        ("1 || false", Value::Null),
        ("false || false", b(false)),
        ("unanswered || unanswered", Value::Null),
    ];
    for (src, want) in cases {
        assert_eq!(ev(src), want, "{src}");
    }
}

#[test]
fn conditional_picks_a_branch() {
    assert_eq!(ev("has_partner ? 'yes' : 'no'"), s("yes"));
    assert_eq!(ev("!has_partner ? 'yes' : 'no'"), s("no"));
    assert_eq!(ev("age > 18 ? age : null"), n(42.0));
}

#[test]
fn in_looks_through_lists_and_map_keys() {
    assert_eq!(ev("'a' in tags"), b(true));
    assert_eq!(ev("'c' in tags"), b(false));
    assert_eq!(ev("1 in [1.0]"), b(true));
    assert_eq!(ev("'1' in [1]"), b(false));
    assert_eq!(ev("null in [null]"), b(true));
    assert_eq!(ev("[1] in [[1], [2]]"), b(true));
    assert_eq!(ev("'name' in file"), b(true));
    assert_eq!(ev("'nope' in file"), b(false));
    assert_eq!(ev("1 in file"), b(false));
    assert!(is_null("'a' in unanswered"));
}

#[test]
fn indexing_lists_and_maps() {
    assert_eq!(ev("[7, 8, 9][2]"), n(9.0));
    assert_eq!(ev("children[1].name"), s("Bo"));
    assert_eq!(ev("children[0]['born']"), s("2010-05-01"));
    assert_eq!(ev("file['size']"), n(1024.0));
    assert_eq!(ev("[[1, 2], [3]][0][1]"), n(2.0));
    for src in [
        "[1][1]",
        "[1][-1]",
        "[1, 2][0.5]",
        "[1]['0']",
        "[1][null]",
        "'abc'[0]",
        "file['nope']",
        "file[0]",
        "children[5].name",
        "[1][1e300]",
        "[1][0.0 / 0.0]",
    ] {
        assert!(is_null(src), "{src}");
    }
}

#[test]
fn members_of_maps() {
    assert_eq!(ev("file.name"), s("a.pdf"));
    assert!(is_null("file.nope"));
    assert!(is_null("[1].size"));
}

#[test]
fn size_counts_code_points_items_and_fields() {
    assert_eq!(ev("size('')"), n(0.0));
    assert_eq!(ev("size('πέντε')"), n(5.0));
    assert_eq!(ev("'😀x'.size()"), n(2.0));
    assert_eq!(ev("size(children)"), n(2.0));
    assert_eq!(ev("tags.size()"), n(2.0));
    assert_eq!(ev("size(file)"), n(2.0));
    assert!(is_null("size(1)"));
    assert!(is_null("size(unanswered)"));
}

#[test]
fn answered_treats_blank_and_empty_as_unanswered() {
    assert_eq!(ev("answered(unanswered)"), b(false));
    assert_eq!(ev("answered(nobody)"), b(false));
    assert_eq!(ev("answered('')"), b(false));
    assert_eq!(ev("answered('  ')"), b(false));
    assert_eq!(ev("answered([])"), b(false));
    assert_eq!(ev("answered('x')"), b(true));
    assert_eq!(ev("answered(0)"), b(true));
    assert_eq!(ev("answered(false)"), b(true));
    assert_eq!(ev("answered(children)"), b(true));
}

#[test]
fn dates_come_from_the_context() {
    assert_eq!(ev("today()"), s("2026-11-24"));
    assert_eq!(ev("years_between(born, today())"), n(42.0));
    assert_eq!(ev("years_between('2000-02-29', '2001-02-28')"), n(0.0));
    assert_eq!(ev("years_between('2000-02-29', '2001-03-01')"), n(1.0));
    assert_eq!(ev("years_between('2001-03-01', '2000-02-29')"), n(-1.0));
    assert_eq!(ev("days_between('2024-02-28', '2024-03-01')"), n(2.0));
    assert_eq!(ev("days_between('2024-03-01', '2024-02-28')"), n(-2.0));
    assert_eq!(
        ev("days_between(children[0].born, children[1].born)"),
        n(1698.0)
    );
    for src in [
        "years_between(unanswered, today())",
        "years_between('2023-02-29', today())",
        "years_between('24.11.2026', today())",
        "days_between(1, 2)",
        "days_between(today(), '2026-13-01')",
    ] {
        assert!(is_null(src), "{src}");
    }
}

#[test]
fn sum_min_max() {
    assert_eq!(ev("sum(scores)"), n(7.5));
    assert_eq!(ev("sum([])"), n(0.0));
    assert_eq!(ev("sum([null, null])"), n(0.0));
    assert!(is_null("sum([1, 'a'])"));
    assert!(is_null("sum(tags)"));
    assert!(is_null("sum(1)"));
    assert_eq!(ev("min(scores)"), n(3.0));
    assert_eq!(ev("max(scores)"), n(4.5));
    assert_eq!(ev("min([3, -1, 2])"), n(-1.0));
    assert_eq!(ev("min(tags)"), s("a"));
    assert_eq!(ev("max(['2025-12-31', '2026-01-01'])"), s("2026-01-01"));
    assert!(is_null("min([])"));
    assert!(is_null("max([null])"));
    assert!(is_null("max([1, 'a'])"));
    assert!(is_null("max([true])"));
}

#[test]
fn round_goes_half_away_from_zero() {
    assert_eq!(ev("round(2.5)"), n(3.0));
    assert_eq!(ev("round(-2.5)"), n(-3.0));
    assert_eq!(ev("round(2.4)"), n(2.0));
    assert_eq!(ev("round(2.675, 2)"), n(2.68));
    assert_eq!(ev("round(-2.675, 2)"), n(-2.68));
    assert_eq!(ev("round(1234.5, -2)"), n(1200.0));
    assert_eq!(ev("round(7 / 3, 3)"), n(2.333));
    assert_eq!(ev("round(1e300, 5)"), n(1e300));
    assert_eq!(ev("round(1 / 0)"), n(f64::INFINITY));
    assert!(is_null("round(2.5, 0.5)"));
    assert!(is_null("round('2.5')"));
    assert!(is_null("round(unanswered)"));
}

#[test]
fn string_functions() {
    assert_eq!(ev("lower(full_name)"), s("åsa öberg"));
    assert_eq!(ev("upper('straße')"), s("STRASSE"));
    assert_eq!(ev("full_name.upper()"), s("ÅSA ÖBERG"));
    assert_eq!(ev("trim('  a b \t')"), s("a b"));
    assert_eq!(ev("'  x '.trim()"), s("x"));
    assert_eq!(ev("full_name.contains('Ö')"), b(true));
    assert_eq!(ev("full_name.startsWith('Åsa')"), b(true));
    assert_eq!(ev("full_name.endsWith('berg')"), b(true));
    assert_eq!(ev("full_name.endsWith('Berg')"), b(false));
    assert_eq!(ev("'mañana'.matches('a+ñ+a+')"), b(true));
    assert_eq!(ev("'abc'.matches('^b')"), b(false));
    assert_eq!(ev("matches('abc', 'b')"), b(true));
    assert!(is_null("'abc'.matches('(')"));
    assert!(is_null("lower(1)"));
    assert!(is_null("unanswered.contains('a')"));
    assert!(is_null("'abc'.contains(1)"));
}

#[test]
fn unknown_functions_and_wrong_arity_give_null() {
    for src in [
        "nope(1)",
        "size()",
        "size(1, 2)",
        "today(1)",
        "x.today()",
        "contains('a', 'a')",
        "'a'.answered()",
        "round(1, 2, 3)",
    ] {
        assert!(is_null(src), "{src}");
    }
}

#[test]
fn evaluation_reads_the_scope_given() {
    let expr = parse("age + 1").unwrap();
    let mut scope = BTreeMap::new();
    scope.insert("age".to_owned(), n(9.0));
    assert_eq!(
        eval(
            &expr,
            &Context {
                scope: &scope,
                today: today(),
                patterns: &Patterns::compiling()
            }
        ),
        n(10.0)
    );
    assert_eq!(
        eval(
            &expr,
            &Context {
                scope: &Empty,
                today: today(),
                patterns: &Patterns::compiling()
            }
        ),
        Value::Null
    );
}

// ---------------------------------------------------------------- limits

#[test]
fn hostile_nesting_is_an_error_not_a_stack_overflow() {
    let e = perr(&"(".repeat(10_000));
    assert!(e.message.contains("too long"), "{e}");
    assert_eq!(e.position, MAX_SOURCE_CHARS + 1);
    let nested = |open: &str, close: &str, depth: usize| {
        format!("{}1{}", open.repeat(depth), close.repeat(depth))
    };
    // Within the length limit, the depth check is what stops them.
    for (open, close) in [
        ("(", ")"),
        ("[", "]"),
        ("!", ""),
        ("-", ""),
        ("f(", ")"),
        ("x[", "]"),
        ("1 ? 1 : ", ""),
    ] {
        let e = perr(&nested(open, close, 4000 / (open.len() + close.len())));
        assert_eq!(
            e.message,
            format!("expression is nested too deeply (more than {MAX_NESTING} levels)"),
            "{open}"
        );
        assert!(parse(&nested(open, close, MAX_NESTING)).is_ok(), "{open}");
        assert!(
            parse(&nested(open, close, MAX_NESTING + 1)).is_err(),
            "{open}"
        );
    }
    let e = perr(&format!("{}1", "(".repeat(MAX_NESTING + 1)));
    assert_eq!(e.position, MAX_NESTING + 1);
}

#[test]
fn long_chains_are_bounded_by_tree_depth() {
    let chain = |n: usize| vec!["1"; n].join("+");
    assert_eq!(ev(&chain(MAX_TREE_DEPTH)), n(MAX_TREE_DEPTH as f64));
    let e = perr(&chain(MAX_TREE_DEPTH + 2));
    assert!(e.message.contains("too deeply nested"), "{e}");
    assert!(perr(&format!("x{}", ".a".repeat(1000)))
        .message
        .contains("too deeply nested"));
    assert!(perr(&format!("x{}", "[0]".repeat(1000)))
        .message
        .contains("too deeply nested"));
}

#[test]
fn length_and_list_limits() {
    let long = format!("'{}'", "a".repeat(MAX_SOURCE_CHARS - 2));
    assert!(parse(&long).is_ok());
    let too_long = format!("'{}'", "a".repeat(MAX_SOURCE_CHARS - 1));
    assert!(perr(&too_long).message.contains("too long"));
    // Counted in chars: 4096 two-byte chars are fine.
    assert!(parse(&format!("'{}'", "é".repeat(MAX_SOURCE_CHARS - 2))).is_ok());
    let items = |n: usize| format!("[{}]", vec!["1"; n].join(","));
    assert!(parse(&items(MAX_LIST_ITEMS)).is_ok());
    assert_eq!(
        perr(&items(MAX_LIST_ITEMS + 1)).message,
        format!("too many items (more than {MAX_LIST_ITEMS})")
    );
}

#[test]
fn worst_accepted_expressions_run_in_a_small_stack() {
    // wasm32's default stack is 1 MiB: the deepest trees the parser accepts
    // must parse, check, print, evaluate and drop within it.
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            let deep = [
                format!("{}1{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING)),
                format!("{}1", "-".repeat(MAX_NESTING)),
                vec!["age"; MAX_TREE_DEPTH].join(" + "),
                format!("{}1{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING)),
                format!("{}{}", "size(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING))
                    .replacen(")", "'x')", 1),
                format!("{}1", "true ? 1 : ".repeat(MAX_NESTING - 1)),
            ];
            for src in deep {
                let e = parse(&src).unwrap_or_else(|err| panic!("{src}: {err}"));
                let _ = check(&e, &types());
                let scope = answers();
                let _ = eval(
                    &e,
                    &Context {
                        scope: &scope,
                        today: today(),
                        patterns: &Patterns::compiling(),
                    },
                );
                assert_eq!(parse(&e.to_string()).unwrap(), e);
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

// ---------------------------------------------------------------- type checking

#[test]
fn checker_infers_result_types() {
    let obj = |pairs: &[(&str, Type)]| {
        Type::Object(
            pairs
                .iter()
                .map(|(k, t)| ((*k).to_owned(), t.clone()))
                .collect(),
        )
    };
    let cases = [
        ("age + 1", Type::Number),
        ("full_name + '!'", Type::String),
        ("[1, 2] + [3]", Type::List(Box::new(Type::Number))),
        ("age > 1 && has_partner", Type::Bool),
        ("has_partner ? 1 : null", Type::Number),
        ("has_partner ? 1 : 'a'", Type::Any),
        ("children[0].born", Type::String),
        (
            "children[0]",
            obj(&[("born", Type::String), ("name", Type::String)]),
        ),
        ("children[0]['name']", Type::String),
        ("size(children)", Type::Number),
        ("min(tags)", Type::String),
        ("max(scores)", Type::Number),
        ("min(anything)", Type::Any),
        ("sum(anything)", Type::Number),
        ("anything + 1", Type::Number),
        ("age + anything", Type::Number),
        ("full_name + maybe", Type::String),
        ("anything + anything", Type::Any),
        ("anything", Type::Any),
        ("anything.x.y[3]", Type::Any),
        ("maybe", Type::Null),
        ("maybe + 1", Type::Number),
        ("null", Type::Null),
        ("[]", Type::List(Box::new(Type::Any))),
        ("[null, 1]", Type::List(Box::new(Type::Number))),
        ("[1, 'a']", Type::List(Box::new(Type::Any))),
        ("age == null", Type::Bool),
        ("'a' in tags", Type::Bool),
        ("'name' in children[0]", Type::Bool),
        ("today()", Type::String),
        ("years_between(born, today())", Type::Number),
        ("round(age / 3, 2)", Type::Number),
        ("full_name.lower().contains('å')", Type::Bool),
        ("full_name.matches('^[A-Z]')", Type::Bool),
        ("answered(children)", Type::Bool),
        ("!has_partner", Type::Bool),
        ("-age", Type::Number),
    ];
    for (src, want) in cases {
        assert_eq!(ty(src), want, "{src}");
    }
}

#[test]
fn checker_errors_name_the_problem_and_its_column() {
    let cases: &[(&str, usize, &str)] = &[
        ("agee > 18", 1, "unknown name `agee`"),
        ("'a' * 2", 1, "`*` needs a number, but `'a'` is a string"),
        ("2 - 'a'", 5, "`-` needs a number, but `'a'` is a string"),
        ("!5", 2, "`!` needs a bool, but `5` is a number"),
        ("-full_name", 2, "`-` needs a number, but `full_name` is a string"),
        ("size(true)", 6, "`size` needs a string, a list or an object, but `true` is a bool"),
        ("1 < 'x'", 1, "cannot compare a number with a string"),
        ("tags < 'x'", 1, "`<` compares numbers, strings or bools, but `tags` is a list"),
        ("children[0].nme", 13, "`children[0]` has no field `nme`"),
        ("children[0]['nme']", 13, "`children[0]` has no field `nme`"),
        ("age.years", 5, "`age` is a number, not an object: it has no field `years`"),
        ("age[0]", 1, "`age` is a number and cannot be indexed"),
        ("tags['a']", 6, "a list index needs a number, but `'a'` is a string"),
        ("children[0][1]", 13, "an object key needs a string, but `1` is a number"),
        ("full_name.matches('(')", 19, "invalid pattern: found open group without closing ')'"),
        ("matches(full_name, 'a{99999}')", 20, "pattern is too large (it would compile to too big a program; use smaller repetition counts)"),
        ("nope(1)", 1, "unknown function `nope`"),
        ("age.nope()", 4, "unknown function `nope`"),
        ("size(1, 2)", 1, "`size` takes 1 argument, not 2 arguments"),
        ("today(1)", 1, "`today` takes 0 arguments, not 1 argument"),
        ("round()", 1, "`round` takes 1 or 2 arguments, not 0 arguments"),
        ("full_name.contains()", 10, "`contains` takes 1 argument, not 0 arguments"),
        ("full_name.answered()", 10, "`answered` is not a method: write `answered(x)`"),
        ("contains(full_name, 'a')", 1, "`contains` is a method: write `x.contains(...)`"),
        ("age == '18'", 1, "`age` (a number) and `'18'` (a string) are never equal"),
        ("has_partner != 'yes'", 1, "`has_partner` (a bool) and `'yes'` (a string) are never equal"),
        ("'x' in scores", 1, "`'x'` is a string but `scores` holds numbers"),
        ("1 in full_name", 6, "`in` needs a list or an object on its right, but `full_name` is a string"),
        ("1 in children[0]", 1, "`in` on an object needs a string, but `1` is a number"),
        ("age && true", 1, "`&&` needs a bool, but `age` is a number"),
        ("true || 'x'", 9, "`||` needs a bool, but `'x'` is a string"),
        ("age ? 1 : 2", 1, "the condition of `? :` needs a bool, but `age` is a number"),
        ("has_partner + 1", 1, "`+` adds numbers, strings or lists, but `has_partner` is a bool"),
        ("age + full_name", 1, "cannot add a number and a string"),
        ("sum(tags)", 5, "`sum` needs a list of numbers, but `tags` holds strings"),
        ("max(children)", 5, "`max` needs a list of numbers or strings, but `children` holds objects"),
        ("sum(age)", 5, "`sum` needs a list, but `age` is a number"),
        ("years_between('2020-13-01', today())", 15, "`'2020-13-01'` is not a date (YYYY-MM-DD)"),
        ("days_between(age, today())", 14, "`days_between` needs a string, but `age` is a number"),
        ("round(age, 0.5)", 12, "`round` needs a whole number of digits"),
        ("lower(age)", 7, "`lower` needs a string, but `age` is a number"),
        ("'é' + agee", 7, "unknown name `agee`"),
    ];
    for (src, column, message) in cases {
        let (c, m) = check_error(src);
        assert_eq!((c, m.as_str()), (*column, *message), "{src}");
    }
}

#[test]
fn checker_reports_every_independent_problem_in_order() {
    let errors = check_errors("agee + 'a' * 2 && foo(1) || children[0].nme == size(true)");
    let got: Vec<(usize, &str)> = errors
        .iter()
        .map(|e| (e.position, e.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (1, "unknown name `agee`"),
            (1, "`&&` needs a bool, but `agee + 'a' * 2` is a number"),
            (8, "`*` needs a number, but `'a'` is a string"),
            (19, "unknown function `foo`"),
            (41, "`children[0]` has no field `nme`"),
            (
                53,
                "`size` needs a string, a list or an object, but `true` is a bool"
            ),
        ]
    );
}

#[test]
fn checker_shortens_long_expressions_in_messages() {
    let (_, message) = check_error("(full_name + full_name + full_name + full_name) * 2");
    assert_eq!(
        message,
        "`*` needs a number, but `full_name + full_name + full_name + ful…` is a string"
    );
}

#[test]
fn null_and_any_fit_everywhere() {
    for src in [
        "maybe * 2",
        "!maybe",
        "maybe < 1",
        "maybe.x",
        "maybe[0]",
        "size(maybe)",
        "anything && true",
        "anything.field[0].x",
        "1 in anything",
        "anything == 'x'",
        "null == 1",
        "null in tags",
        "'a' + null",
        "lower(null)",
        "maybe.contains('x')",
        "sum(null)",
    ] {
        let e = parse(src).unwrap();
        assert!(
            check(&e, &types()).is_ok(),
            "{src}: {:?}",
            check(&e, &types())
        );
    }
}

// ---------------------------------------------------------------- properties

fn ident() -> impl Strategy<Value = String> {
    "[A-Za-z_][A-Za-z0-9_]{0,6}".prop_filter("not reserved", |s| {
        interview_runtime::expr::is_identifier(s)
    })
}

fn leaf() -> impl Strategy<Value = Expr> {
    let number = prop_oneof![
        (0u32..1000).prop_map(f64::from),
        (0.0f64..1e6),
        any::<f64>()
            .prop_map(f64::abs)
            .prop_filter("finite", |x| x.is_finite()),
        Just(0.5),
        Just(1e300),
        Just(5e-324),
    ];
    let string = prop_oneof![
        "[a-z '\"\\\\]{0,8}",
        "[\\PC]{0,6}",
        any::<String>().prop_map(|s| s.chars().take(8).collect::<String>()),
    ];
    let kind = prop_oneof![
        Just(ExprKind::Null),
        any::<bool>().prop_map(ExprKind::Bool),
        number.prop_map(ExprKind::Number),
        string.prop_map(ExprKind::String),
        ident().prop_map(ExprKind::Ident),
    ];
    kind.prop_map(|k| Expr::new(k, Span::default()))
}

fn binary_op() -> impl Strategy<Value = BinaryOp> {
    use BinaryOp::*;
    prop::sample::select(vec![
        Mul, Div, Rem, Add, Sub, Lt, Le, Gt, Ge, Eq, Ne, In, And, Or,
    ])
}

fn expr_tree() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(5, 48, 4, |inner| {
        let node = |k| Expr::new(k, Span::default());
        let bx = |e: Expr| Box::new(e);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(move |v| node(ExprKind::List(v))),
            (
                prop::sample::select(vec![UnaryOp::Not, UnaryOp::Neg]),
                inner.clone()
            )
                .prop_map(move |(op, e)| node(ExprKind::Unary(op, bx(e)))),
            (binary_op(), inner.clone(), inner.clone())
                .prop_map(move |(op, l, r)| node(ExprKind::Binary(op, bx(l), bx(r)))),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(move |(c, a, e)| node(ExprKind::Conditional(bx(c), bx(a), bx(e)))),
            (inner.clone(), inner.clone())
                .prop_map(move |(t, i)| node(ExprKind::Index(bx(t), bx(i)))),
            (inner.clone(), ident()).prop_map(move |(t, name)| node(ExprKind::Member(bx(t), name))),
            (
                prop::option::of(inner.clone()),
                ident(),
                prop::collection::vec(inner, 0..3)
            )
                .prop_map(move |(t, name, args)| node(ExprKind::Call {
                    target: t.map(bx),
                    name,
                    args
                })),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn printed_trees_parse_back_equal(expr in expr_tree()) {
        let printed = expr.to_string();
        let parsed = parse(&printed);
        prop_assert_eq!(parsed.as_ref().ok(), Some(&expr), "printed: {} -> {:?}", printed, parsed);
        // Evaluation and checking of any tree is total.
        let scope = answers();
        let _ = eval(&expr, &Context { scope: &scope, today: today(), patterns: &Patterns::compiling() });
        let _ = check(&expr, &types());
    }

    #[test]
    fn arbitrary_text_never_panics(src in prop_oneof![
        any::<String>(),
        "[a-z0-9 ()\\[\\].,'\"!+*/%<>=&|?:\\\\-]{0,60}",
        "(size|age|children|\\(|\\)|\\[|\\]|\\.|,|'|\\?|:|!|-|\\+|&&|\\|\\||==|<=|in|null|0x|1e|\\.5| )*",
    ]) {
        if let Ok(expr) = parse(&src) {
            let scope = answers();
            let _ = eval(&expr, &Context { scope: &scope, today: today(), patterns: &Patterns::compiling() });
            let _ = check(&expr, &types());
            let _ = expr.identifiers();
            let printed = expr.to_string();
            if printed.chars().count() <= MAX_SOURCE_CHARS {
                prop_assert_eq!(parse(&printed).ok(), Some(expr), "printed: {}", printed);
            }
        }
    }

}
