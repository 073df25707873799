//! The engine's JSON reader and writer (`interview_runtime::json`) against
//! serde_json: the same text for every value written, and the same answer
//! (accepted or not, and the same value) for every text read. Floats are
//! compared with std's correctly rounded parse instead, which the reader
//! follows where serde_json (without `float_roundtrip`) may be a unit in the
//! last place off.

use interview_runtime::json;
use proptest::prelude::*;
use serde_json::{Map, Number, Value};

/// Whether two numbers read from the same text agree: integers of the same
/// kind and value, floats within serde_json's rounding error.
fn numbers_agree(ours: &Number, theirs: &Number) -> bool {
    if theirs.is_f64() != ours.is_f64() {
        return false;
    }
    if !theirs.is_f64() {
        return ours == theirs;
    }
    let (a, b) = (ours.as_f64().unwrap_or(f64::NAN), theirs.as_f64().unwrap_or(f64::NAN));
    a.to_bits() == b.to_bits()
        || (a.is_sign_negative() == b.is_sign_negative()
            && ((a - b).abs() <= a.abs().max(b.abs()) * 2f64.powi(-50) || (a - b).abs() <= 2e-323))
}

/// Structural agreement, numbers by [`numbers_agree`].
fn agree(ours: &Value, theirs: &Value) -> bool {
    match (ours, theirs) {
        (Value::Number(a), Value::Number(b)) => numbers_agree(a, b),
        (Value::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| agree(x, y)),
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|((ka, va), (kb, vb))| ka == kb && agree(va, vb))
        }
        _ => ours == theirs,
    }
}

/// Every float in `value`, in order.
fn floats(value: &Value, out: &mut Vec<f64>) {
    match value {
        Value::Number(n) if n.is_f64() => out.push(n.as_f64().unwrap_or(f64::NAN)),
        Value::Array(items) => items.iter().for_each(|v| floats(v, out)),
        Value::Object(map) => map.values().for_each(|v| floats(v, out)),
        _ => {}
    }
}

/// Reads `text` both ways; panics unless they agree.
fn same(text: &str) -> Option<Value> {
    let ours = json::parse(text);
    let theirs = serde_json::from_str::<Value>(text);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert!(agree(a, b), "{text:?}: ours {a:?}, serde_json {b:?}"),
        (Err(_), Err(_)) => {}
        _ => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
    }
    ours.ok()
}

fn int(n: i64) -> Value {
    Value::Number(Number::from(n))
}

fn float(x: f64) -> Value {
    Value::Number(Number::from_f64(x).expect("finite"))
}

/// Asserts that `text` reads to `expected`, as serde_json reads it (floats compared by bits).
fn reads(text: &str, expected: Value) {
    let got = same(text).unwrap_or_else(|| panic!("{text:?} refused"));
    assert_eq!(got, expected, "{text:?}");
    let (mut a, mut b) = (Vec::new(), Vec::new());
    floats(&got, &mut a);
    floats(&expected, &mut b);
    assert_eq!(a.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), b.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
}

/// Asserts that `text` is refused, as by serde_json.
fn refused(text: &str) {
    assert!(same(text).is_none(), "{text:?} accepted");
}

/// Asserts that `value` is written as serde_json writes it, and reads back.
fn writes(value: &Value) {
    let text = json::to_string(value);
    assert_eq!(Some(&text), serde_json::to_string(value).ok().as_ref(), "{value:?}");
    assert_eq!(json::parse(&text).as_ref(), Ok(value), "{text}");
}

#[test]
fn literals_and_whitespace() {
    reads("null", Value::Null);
    reads(" \t\r\ntrue \n", Value::Bool(true));
    reads("false", Value::Bool(false));
    reads("[ 1 , { \"a\" : [ ] , \"b\":{}} ]", serde_json::json!([1, {"a": [], "b": {}}]));
    for text in ["", " ", "nul", "nulll", "True", "\u{a0}1", "\u{feff}1", "\u{b}1", "\u{c}1", "1 2", "[] x", "[1,]", "[,1]",
        "{\"a\":1,}", "{,}", "{\"a\" 1}", "{1:2}", "{\"a\":}", "[", "]", "{", "\"", "[1 2]", "'a'", "+1", ".5", "1.", "1e", "1e+",
        "01", "-01", "00", "-", "--1", "- 1", "1.e3", "NaN", "Infinity", "-Infinity", "0x10"]
    {
        refused(text);
    }
}

#[test]
fn strings_and_escapes() {
    reads(r#""\"\\\/\b\f\n\r\t""#, Value::String("\"\\/\u{8}\u{c}\n\r\t".into()));
    reads(r#""\u0041\u00e9\u00E9\u20ac\uffff""#, Value::String("Aéé€\u{ffff}".into()));
    reads(r#""\ud83d\ude00 😀 é""#, Value::String("😀 😀 é".into()));
    reads(r#""\uDBFF\uDFFF""#, Value::String("\u{10ffff}".into()));
    reads("\"\u{7f}\"", Value::String("\u{7f}".into()));
    for text in [r#""\ud83d""#, r#""\ud83dx""#, r#""\ud83d\u0041""#, r#""\ud83d\ud83d""#, r#""\ude00""#, r#""\ud83d\n""#,
        r#""\ud83d\"#, r#""\u12""#, r#""\u12g4""#, r#""\x""#, r#""\'""#, "\"a\nb\"", "\"\t\"", "\"\u{1f}\"", "\"abc", "\"\\"]
    {
        refused(text);
    }
    writes(&Value::String("\"\\/\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1f} \u{7f} é 😀 </script>".into()));
    assert_eq!(json::to_string(&Value::String("\u{1}\u{1a}".into())), r#""\u0001\u001a""#);
}

#[test]
fn integers_keep_their_kind() {
    reads("0", int(0));
    reads("18446744073709551615", Value::Number(Number::from(u64::MAX)));
    reads("18446744073709551616", float(18446744073709551616.0));
    reads("-9223372036854775808", int(i64::MIN));
    reads("-9223372036854775809", float(-9223372036854775809.0));
    reads("-18446744073709551616", float(-18446744073709551616.0));
    reads("123456789012345678901234567890", float(1.2345678901234568e29));
    reads("-0", float(-0.0));
    reads("-0.0", float(-0.0));
    reads("0.0", float(0.0));
    reads("1E2", float(100.0));
    reads("1e-2", float(0.01));
    reads("2.5E+3", float(2500.0));
    for value in [int(0), int(-1), int(i64::MIN), Value::Number(Number::from(u64::MAX)), float(1.0), float(-0.0), float(0.1),
        float(1e21), float(1e-7), float(123456.789), float(f64::MAX), float(f64::MIN_POSITIVE), float(5e-324)]
    {
        writes(&value);
    }
    assert_eq!(json::to_string(&float(1.0)), "1.0");
    assert_eq!(json::to_string(&float(-0.0)), "-0.0");
}

#[test]
fn numbers_out_of_range() {
    refused("1e400");
    refused("-1e400");
    refused("1e309");
    refused("1e99999999999999999999");
    refused(&format!("1{}", "0".repeat(400)));
    reads("1e-400", float(0.0));
    reads("-1e-400", float(-0.0));
    reads("0e99999999999999999999", float(0.0));
    reads("1e-99999999999999999999", float(0.0));
    reads("1.7976931348623157e308", float(f64::MAX));
    reads("4.9e-324", float(5e-324));
    reads("0.1000000000000000055511151231257827021181583404541015625", float(0.1));
}

#[test]
fn duplicate_keys_last_wins() {
    reads(r#"{"a":1,"b":2,"a":3}"#, serde_json::json!({"a": 3, "b": 2}));
}

#[test]
fn nesting_is_limited_without_overflowing_the_stack() {
    let nested = |depth: usize, open: &str, close: &str| format!("{}{}", open.repeat(depth), close.repeat(depth));
    assert!(same(&nested(127, "[", "]")).is_some());
    refused(&nested(128, "[", "]"));
    assert!(same(&format!("{}1{}", "{\"a\":".repeat(127), "}".repeat(127))).is_some());
    refused(&format!("{}1{}", "{\"a\":".repeat(128), "}".repeat(128)));
    refused(&"[".repeat(1_000_000));
    refused(&"{\"a\":[".repeat(500_000));
}

#[test]
fn errors_say_where() {
    let error = json::parse("[1, 2,]").expect_err("trailing comma");
    assert_eq!((error.message(), error.offset()), ("expected a value", 6));
    assert_eq!(error.to_string(), "expected a value at byte 6");
    assert_eq!(json::parse("[1] x").map_err(|e| e.offset()), Err(4));
    assert_eq!(json::parse("\"é\\q\"").map_err(|e| e.offset()), Err(4));
    assert_eq!(json::parse("").map_err(|e| e.offset()), Err(0));
}

#[test]
fn object_helper() {
    let value = json::object(vec![("b", Value::Bool(true)), ("a", Value::String("x".into())), ("b", Value::Null)]);
    assert_eq!(value, serde_json::json!({"a": "x", "b": null}));
}

/// Any JSON value, with awkward strings and every kind of number.
fn value() -> impl Strategy<Value = Value> {
    let text = prop_oneof![
        any::<String>(),
        "[\"\\\\/\u{0}-\u{1f}\u{7f}aé😀 ]{0,8}",
        Just(String::new()),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(|n| Value::Number(n.into())),
        any::<i64>().prop_map(|n| Value::Number(n.into())),
        any::<f64>().prop_filter_map("finite", |x| Number::from_f64(x).map(Value::Number)),
        (-1e6f64..1e6).prop_map(|x| float(x.trunc())),
        text.clone().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((text.clone(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A JSON number's text, sometimes long or far out.
fn number_text() -> impl Strategy<Value = String> {
    "-?(0|[1-9][0-9]{0,24})(\\.[0-9]{1,24})?([eE][+-]?[0-9]{1,3})?"
}

/// Edits a text: each edit inserts, deletes or replaces one character.
fn mutated() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "[", "]", "{", "}", ",", ":", "\"", "\\", "\\u", "d83d", "\\ude00", "0", "1", "-", ".", "e", "E", "+", " ", "\t", "\n",
        "\u{b}", "\u{1}", "t", "null", "true", "é", "😀", "x", "/", "u",
    ]);
    (value(), prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, pieces), 0..4)).prop_map(|(value, edits)| {
        let mut chars: Vec<String> = json::to_string(&value).chars().map(String::from).collect();
        for (at, kind, piece) in edits {
            let i = at.index(chars.len() + 1);
            match kind {
                0 => chars.insert(i, piece.to_owned()),
                1 if i < chars.len() => {
                    chars.remove(i);
                }
                _ if i < chars.len() => chars[i] = piece.to_owned(),
                _ => chars.push(piece.to_owned()),
            }
        }
        chars.concat()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn writes_as_serde_json_and_reads_back(value in value()) {
        let text = json::to_string(&value);
        prop_assert_eq!(Some(text.clone()), serde_json::to_string(&value).ok());
        let mut appended = String::from("x");
        json::write(&value, &mut appended);
        prop_assert_eq!(&appended[1..], text.as_str());
        // Floats read back to the same bits (serde_json's shortest digits, read exactly).
        let back = json::parse(&text);
        prop_assert_eq!(back.as_ref(), Ok(&value));
        let (mut a, mut b) = (Vec::new(), Vec::new());
        floats(back.as_ref().unwrap_or(&Value::Null), &mut a);
        floats(&value, &mut b);
        prop_assert_eq!(a.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), b.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
        same(&text);
        if let Ok(pretty) = serde_json::to_string_pretty(&value) {
            same(&pretty);
        }
    }

    #[test]
    fn edited_texts_read_as_serde_json_reads_them(text in mutated()) {
        same(&text);
    }

    #[test]
    fn json_like_noise_reads_as_serde_json_reads_it(text in "[\\[\\]{}:,\"\\\\ \t\r\n0-9eE+.\\-truefalsn\\\\u dDAbx\u{1}é]{0,24}") {
        same(&text);
    }

    #[test]
    fn numbers_read_exactly(text in number_text()) {
        let ours = same(&text);
        let exact: f64 = text.parse().unwrap_or(f64::NAN);
        prop_assert_eq!(ours.is_some(), exact.is_finite(), "{}", text);
        if let Some(Value::Number(n)) = ours {
            if n.is_f64() {
                prop_assert_eq!(n.as_f64().map(f64::to_bits), Some(exact.to_bits()), "{}", text);
            } else {
                prop_assert_eq!(n.as_f64(), Some(exact), "{}", text);
            }
        }
    }
}
