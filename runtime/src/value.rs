//! The values expressions compute with: JSON's values, numbers as `f64`.

use std::collections::BTreeMap;

/// A value seen by expressions: an answer, a literal, or a computed result.
///
/// Dates are strings in ISO form (`"2026-11-24"`), which order correctly as
/// strings; the date functions parse them.
#[derive(Debug, Clone, PartialEq, Default)]
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
                Value::Map(map.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect())
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
            Value::Map(map) => serde_json::Value::Object(map.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
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
            Value::List(items) => items.iter().map(Value::display_text).collect::<Vec<_>>().join(", "),
            Value::Map(map) => map.values().map(Value::display_text).collect::<Vec<_>>().join(", "),
        }
    }
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
        format!("{n}")
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
}
