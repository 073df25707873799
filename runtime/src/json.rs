//! JSON text to [`serde_json::Value`] and back, without serde's machinery.
//!
//! The browser reads and writes JSON in a few places (the host's replies,
//! drafts, the tab's link, events for the partner page). Going through
//! serde_json's `Deserializer` and `Serializer` links their generic
//! machinery, error codes and both of `Value`'s serialisers (its `Display`
//! also links the pretty printer): about 17 KB of wasm. This reader and
//! writer keep serde_json's `Value`, `Map` and `Number` types and behave as
//! serde_json does. The engine reads template and draft text with it on both
//! sides; the host's own API keeps serde_json.
//!
//! In detail:
//!
//! - reading: RFC 8259 JSON, whitespace only space, tab, line feed and
//!   carriage return; escapes incl. `\uXXXX` and surrogate pairs, a lone
//!   surrogate refused; control characters in strings refused; integers that
//!   fit `u64` (or, negative, `i64`) kept as integers, `-0` and every other
//!   number as `f64`; numbers that overflow `f64` refused, ones that underflow
//!   read as zero; duplicate keys: the last wins; arrays and objects nested
//!   at most 127 deep; nothing but whitespace after the value.
//! - writing: serde_json's compact form, byte for byte: `"`, `\` and control
//!   characters escaped (`\b \f \n \r \t`, else `\u00xx`), nothing else;
//!   numbers through `Number`'s `Display`, serde_json's own itoa and zmij.
//!
//! One difference on purpose: numbers with a fraction or an exponent are read
//! correctly rounded (the engine's [`crate::number::parse_f64`]), where
//! serde_json without its `float_roundtrip` feature may be one unit in the
//! last place off; so every float serde_json writes reads back to the same
//! bits here.

use std::fmt::{self, Write};

use serde_json::{Map, Number, Value};

/// Arrays and objects nested deeper than this are refused, as by serde_json.
const MAX_DEPTH: u32 = 127;

/// Why a text is not JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    message: &'static str,
    offset: usize,
}

impl JsonError {
    /// What is wrong, in a few words.
    pub fn message(&self) -> &'static str {
        self.message
    }

    /// The byte offset in the text at which the problem was found.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

impl std::error::Error for JsonError {}

/// Reads one JSON value from `text` (see the module doc for what is accepted).
pub fn parse(text: &str) -> Result<Value, JsonError> {
    let mut reader = Reader { text, at: 0, failure: JsonError { message: "", offset: 0 } };
    let Ok(value) = reader.value(MAX_DEPTH) else {
        return Err(reader.failure);
    };
    reader.skip_space();
    if reader.at < text.len() {
        reader.error("trailing characters");
        return Err(reader.failure);
    }
    Ok(value)
}

/// Appends `value` to `out` as compact JSON, exactly as `serde_json::to_string`.
pub fn write(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write(item, out);
            }
            out.push('}');
        }
    }
}

/// `value` as compact JSON text, exactly as `serde_json::to_string`.
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

/// An object from its entries, in any order (a later duplicate key wins):
/// `json!` would convert each entry through serde's `Serialize`.
pub fn object(entries: Vec<(&str, Value)>) -> Value {
    let mut map = Map::new();
    for (key, value) in entries {
        map.insert(key.to_owned(), value);
    }
    Value::Object(map)
}

fn write_number(n: &Number, out: &mut String) {
    // `Number`'s `Display` writes what serde_json's serialiser writes (itoa for
    // integers, zmij for floats), and it is linked anyway.
    let _ = write!(out, "{n}");
}

fn write_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, byte) in s.bytes().enumerate() {
        let short = match byte {
            b'"' => '"',
            b'\\' => '\\',
            0x08 => 'b',
            0x0c => 'f',
            b'\n' => 'n',
            b'\r' => 'r',
            b'\t' => 't',
            0..=0x1f => 'u',
            _ => continue,
        };
        // `i` is at an ASCII byte, so on a character boundary.
        out.push_str(s.get(start..i).unwrap_or_default());
        out.push('\\');
        out.push(short);
        if short == 'u' {
            out.push_str("00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

struct Reader<'a> {
    text: &'a str,
    /// Byte offset of the next byte to read.
    at: usize,
    /// The problem found, once a step has returned `Err(Stop)`.
    failure: JsonError,
}

/// A step failed; the problem is in [`Reader::failure`]. (A unit error keeps
/// every step's result as small as its value, which makes reading faster.)
struct Stop;

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// Records the problem at the current offset; the caller then returns `Err(Stop)`.
    fn error(&mut self, message: &'static str) -> Stop {
        self.failure = JsonError { message, offset: self.at };
        Stop
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// Steps over `byte` after optional whitespace, or says what was expected.
    fn expect(&mut self, byte: u8, message: &'static str) -> Result<(), Stop> {
        self.skip_space();
        if self.peek() != Some(byte) {
            return Err(self.error(message));
        }
        self.at += 1;
        Ok(())
    }

    /// A value; arrays and objects may nest `depth` more levels.
    fn value(&mut self, depth: u32) -> Result<Value, Stop> {
        self.skip_space();
        let Some(first) = self.peek() else {
            return Err(self.error("expected a value"));
        };
        let (word, value) = match first {
            b'n' => ("null", Value::Null),
            b't' => ("true", Value::Bool(true)),
            b'f' => ("false", Value::Bool(false)),
            b'"' => {
                self.at += 1;
                return self.string().map(Value::String);
            }
            b'-' | b'0'..=b'9' => return self.number(),
            b'[' | b'{' => return self.container(first == b'{', depth),
            _ => return Err(self.error("expected a value")),
        };
        let rest = self.text.as_bytes().get(self.at..).unwrap_or_default();
        if !rest.starts_with(word.as_bytes()) {
            return Err(self.error("expected a value"));
        }
        self.at += word.len();
        Ok(value)
    }

    /// An array or object, its opening bracket next.
    fn container(&mut self, object: bool, depth: u32) -> Result<Value, Stop> {
        if depth == 0 {
            return Err(self.error("nested too deep"));
        }
        self.at += 1;
        let close = if object { b'}' } else { b']' };
        let mut items = Vec::new();
        let mut map = Map::new();
        self.skip_space();
        if self.peek() == Some(close) {
            self.at += 1;
        } else {
            loop {
                if object {
                    self.expect(b'"', "expected a string key")?;
                    let key = self.string()?;
                    self.expect(b':', "expected `:`")?;
                    map.insert(key, self.value(depth - 1)?);
                } else {
                    items.push(self.value(depth - 1)?);
                }
                self.skip_space();
                match self.peek() {
                    Some(b',') => self.at += 1,
                    Some(byte) if byte == close => {
                        self.at += 1;
                        break;
                    }
                    _ => return Err(self.error(if object { "expected `,` or `}`" } else { "expected `,` or `]`" })),
                }
            }
        }
        Ok(if object { Value::Object(map) } else { Value::Array(items) })
    }

    /// A string's contents and closing quote (the opening one read).
    fn string(&mut self) -> Result<String, Stop> {
        let mut out = String::new();
        loop {
            let start = self.at;
            let rest = self.text.as_bytes().get(start..).unwrap_or_default();
            self.at += rest.iter().position(|b| matches!(b, b'"' | b'\\' | 0..=0x1f)).unwrap_or(rest.len());
            // `at` is at an ASCII byte (or the end), `start` just after one (or at
            // the string's start): both on character boundaries.
            out.push_str(self.text.get(start..self.at).unwrap_or_default());
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    out.push(self.escape()?);
                }
                Some(_) => return Err(self.error("control character in a string")),
            }
        }
    }

    /// The character an escape stands for (the backslash read).
    fn escape(&mut self) -> Result<char, Stop> {
        let Some(byte) = self.peek() else {
            return Err(self.error("unterminated string"));
        };
        self.at += 1;
        Ok(match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let mut code = self.hex4()?;
                if (0xd800..0xdc00).contains(&code) {
                    let rest = self.text.as_bytes().get(self.at..).unwrap_or_default();
                    if !rest.starts_with(b"\\u") {
                        return Err(self.error("lone surrogate in a \\u escape"));
                    }
                    self.at += 2;
                    let low = self.hex4()?;
                    if !(0xdc00..0xe000).contains(&low) {
                        return Err(self.error("lone surrogate in a \\u escape"));
                    }
                    code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
                }
                // Only a lone trailing surrogate is not a character here.
                return char::from_u32(code).ok_or_else(|| self.error("lone surrogate in a \\u escape"));
            }
            _ => {
                self.at -= 1;
                return Err(self.error("invalid escape"));
            }
        })
    }

    /// Four hex digits.
    fn hex4(&mut self) -> Result<u32, Stop> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err(self.error("invalid \\u escape")),
            };
            self.at += 1;
            code = code * 16 + u32::from(digit);
        }
        Ok(code)
    }

    /// Steps over ASCII digits; false when there is none.
    fn digits(&mut self) -> bool {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at > start
    }

    /// A number (its first byte is `-` or a digit).
    fn number(&mut self) -> Result<Value, Stop> {
        let start = self.at;
        let negative = self.peek() == Some(b'-');
        self.at += usize::from(negative);
        let int_start = self.at;
        // No leading zeros: after a `0` only the fraction or exponent may
        // come, and a further digit is then an error wherever this value is.
        if self.peek() == Some(b'0') {
            self.at += 1;
        } else if !self.digits() {
            return Err(self.error("invalid number"));
        }
        let int_end = self.at;
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !self.digits() {
                return Err(self.error("invalid number"));
            }
            float = true;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if !self.digits() {
                return Err(self.error("invalid number"));
            }
            float = true;
        }
        if !float {
            let digits = self.text.as_bytes().get(int_start..int_end).unwrap_or_default();
            let magnitude =
                digits.iter().try_fold(0u64, |n, d| n.checked_mul(10)?.checked_add(u64::from(d - b'0')));
            match (magnitude, negative) {
                (Some(n), false) => return Ok(Value::Number(Number::from(n))),
                // `-0` is a float, as in serde_json; so are integers below `i64::MIN`.
                (Some(n @ 1..=0x8000_0000_0000_0000), true) => {
                    return Ok(Value::Number(Number::from((n as i64).wrapping_neg())));
                }
                _ => {}
            }
        }
        let text = self.text.get(start..self.at).unwrap_or_default();
        crate::number::parse_f64(text)
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| {
                self.at = start;
                self.error("number out of range")
            })
    }
}

