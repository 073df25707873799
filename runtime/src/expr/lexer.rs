//! Splits source text into tokens, with char (not byte) offsets so that
//! columns in errors match what an editor shows.

use super::{ExprError, Span};

/// One token of the source.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Number(f64),
    Str(String),
    Ident(String),
    True,
    False,
    Null,
    In,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Question,
    Colon,
    Bang,
    Minus,
    Plus,
    Star,
    Slash,
    Percent,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    AndAnd,
    OrOr,
    End,
}

impl Tok {
    /// How the token reads in an error message.
    pub(crate) fn describe(&self) -> String {
        let symbol = match self {
            Tok::Number(_) => return "a number".to_owned(),
            Tok::Str(_) => return "a string".to_owned(),
            Tok::Ident(name) => return format!("`{name}`"),
            Tok::End => return "the end of the expression".to_owned(),
            Tok::True => "true",
            Tok::False => "false",
            Tok::Null => "null",
            Tok::In => "in",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::Comma => ",",
            Tok::Dot => ".",
            Tok::Question => "?",
            Tok::Colon => ":",
            Tok::Bang => "!",
            Tok::Minus => "-",
            Tok::Plus => "+",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Percent => "%",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            Tok::Ge => ">=",
            Tok::EqEq => "==",
            Tok::Ne => "!=",
            Tok::AndAnd => "&&",
            Tok::OrOr => "||",
        };
        format!("`{symbol}`")
    }
}

/// A token and where it is.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Span,
}

/// Tokenizes the whole source; the last token is always [`Tok::End`].
pub(crate) fn tokenize(chars: &[char]) -> Result<Vec<Token>, ExprError> {
    let mut lexer = Lexer {
        chars,
        pos: 0,
        tokens: Vec::new(),
    };
    lexer.run()?;
    Ok(lexer.tokens)
}

struct Lexer<'a> {
    chars: &'a [char],
    pos: usize,
    tokens: Vec<Token>,
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos.saturating_add(ahead)).copied()
    }

    fn push(&mut self, tok: Tok, start: usize) {
        self.tokens.push(Token {
            tok,
            span: Span::new(start, self.pos),
        });
    }

    fn run(&mut self) -> Result<(), ExprError> {
        while let Some(c) = self.peek(0) {
            let start = self.pos;
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                self.pos += 1;
                continue;
            }
            if c.is_ascii_digit() || (c == '.' && self.peek(1).is_some_and(|d| d.is_ascii_digit()))
            {
                let value = self.number()?;
                self.push(Tok::Number(value), start);
                continue;
            }
            if c.is_ascii_alphabetic() || c == '_' {
                let word = self.word();
                let tok = match word.as_str() {
                    "true" => Tok::True,
                    "false" => Tok::False,
                    "null" => Tok::Null,
                    "in" => Tok::In,
                    _ => Tok::Ident(word),
                };
                self.push(tok, start);
                continue;
            }
            if c == '\'' || c == '"' {
                let text = self.string(c)?;
                self.push(Tok::Str(text), start);
                continue;
            }
            let next = self.peek(1);
            let (tok, len) = match (c, next) {
                ('<', Some('=')) => (Tok::Le, 2),
                ('>', Some('=')) => (Tok::Ge, 2),
                ('=', Some('=')) => (Tok::EqEq, 2),
                ('!', Some('=')) => (Tok::Ne, 2),
                ('&', Some('&')) => (Tok::AndAnd, 2),
                ('|', Some('|')) => (Tok::OrOr, 2),
                ('(', _) => (Tok::LParen, 1),
                (')', _) => (Tok::RParen, 1),
                ('[', _) => (Tok::LBracket, 1),
                (']', _) => (Tok::RBracket, 1),
                (',', _) => (Tok::Comma, 1),
                ('.', _) => (Tok::Dot, 1),
                ('?', _) => (Tok::Question, 1),
                (':', _) => (Tok::Colon, 1),
                ('!', _) => (Tok::Bang, 1),
                ('-', _) => (Tok::Minus, 1),
                ('+', _) => (Tok::Plus, 1),
                ('*', _) => (Tok::Star, 1),
                ('/', _) => (Tok::Slash, 1),
                ('%', _) => (Tok::Percent, 1),
                ('<', _) => (Tok::Lt, 1),
                ('>', _) => (Tok::Gt, 1),
                ('=', _) => {
                    return Err(ExprError::at(
                        start,
                        "unexpected `=`: write `==` to compare",
                    ))
                }
                ('&', _) => {
                    return Err(ExprError::at(
                        start,
                        "unexpected `&`: write `&&` for \"and\"",
                    ))
                }
                ('|', _) => {
                    return Err(ExprError::at(
                        start,
                        "unexpected `|`: write `||` for \"or\"",
                    ))
                }
                _ => {
                    return Err(ExprError::at(
                        start,
                        format!("unexpected character {}", quote_char(c)),
                    ))
                }
            };
            self.pos += len;
            self.push(tok, start);
        }
        let end = self.pos;
        self.push(Tok::End, end);
        Ok(())
    }

    fn word(&mut self) -> String {
        let mut word = String::new();
        while let Some(c) = self
            .peek(0)
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        {
            word.push(c);
            self.pos += 1;
        }
        word
    }

    fn digits(&mut self, text: &mut String, radix: u32) {
        while let Some(c) = self.peek(0).filter(|c| c.is_digit(radix)) {
            text.push(c);
            self.pos += 1;
        }
    }

    /// Reads a number literal: `12`, `1.5`, `.99`, `2e-3`, `0x1F`.
    fn number(&mut self) -> Result<f64, ExprError> {
        let start = self.pos;
        let value = if self.peek(0) == Some('0') && matches!(self.peek(1), Some('x' | 'X')) {
            self.pos += 2;
            // Summed digit by digit rather than with `u64::from_str_radix`,
            // whose general parser costs more code in the browser's wasm.
            let mut value: Option<u64> = Some(0);
            let digits_at = self.pos;
            while let Some(d) = self.peek(0).and_then(|c| c.to_digit(16)) {
                value = value.and_then(|v| v.checked_mul(16)).and_then(|v| v.checked_add(u64::from(d)));
                self.pos += 1;
            }
            if self.pos == digits_at {
                return Err(ExprError::at(start, "hex number needs digits after `0x`"));
            }
            // Too many digits for u64 is out of range like any other huge literal.
            value.map(|n| n as f64).ok_or_else(|| ExprError::at(start, "number is out of range"))?
        } else {
            let mut text = String::new();
            self.digits(&mut text, 10);
            if self.peek(0) == Some('.') && self.peek(1).is_some_and(|c| c.is_ascii_digit()) {
                text.push('.');
                self.pos += 1;
                self.digits(&mut text, 10);
            }
            if matches!(self.peek(0), Some('e' | 'E')) {
                let sign = self.peek(1).filter(|c| matches!(c, '+' | '-'));
                let digit_at = if sign.is_some() { 2 } else { 1 };
                if !self.peek(digit_at).is_some_and(|c| c.is_ascii_digit()) {
                    return Err(ExprError::at(
                        start,
                        "number has an exponent without digits",
                    ));
                }
                text.push('e');
                if let Some(s) = sign {
                    text.push(s);
                }
                self.pos += digit_at;
                self.digits(&mut text, 10);
            }
            if text.starts_with('.') {
                text.insert(0, '0');
            }
            crate::number::parse_f64(&text)
                .ok_or_else(|| ExprError::at(start, "invalid number"))?
        };
        if self
            .peek(0)
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(ExprError::at(
                start,
                "invalid number: letters directly after digits",
            ));
        }
        if !value.is_finite() {
            return Err(ExprError::at(start, "number is out of range"));
        }
        Ok(value)
    }

    /// Reads a quoted string; `quote` is the opening quote, already under `pos`.
    fn string(&mut self, quote: char) -> Result<String, ExprError> {
        let start = self.pos;
        self.pos += 1;
        let mut text = String::new();
        loop {
            let Some(c) = self.peek(0) else {
                return Err(ExprError::at(start, "unterminated string"));
            };
            if c == quote {
                self.pos += 1;
                return Ok(text);
            }
            match c {
                // CEL does not allow raw line breaks in a quoted string either.
                '\n' | '\r' => {
                    return Err(ExprError::at(
                        self.pos,
                        "line break inside a string (write \\n), or the string is not closed",
                    ))
                }
                '\\' => {
                    let escape_at = self.pos;
                    let (decoded, len) = match self.peek(1) {
                        Some('\\') => ('\\', 2),
                        Some('\'') => ('\'', 2),
                        Some('"') => ('"', 2),
                        Some('n') => ('\n', 2),
                        Some('r') => ('\r', 2),
                        Some('t') => ('\t', 2),
                        Some('u') => (self.hex_escape(4)?, 6),
                        Some('x') => (self.hex_escape(2)?, 4),
                        Some(other) => {
                            return Err(ExprError::at(
                                escape_at,
                                format!("invalid escape `\\{other}` in string"),
                            ))
                        }
                        None => return Err(ExprError::at(start, "unterminated string")),
                    };
                    self.pos = escape_at + len;
                    text.push(decoded);
                }
                _ => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// Decodes `\uXXXX` or `\xHH` at `pos` (the backslash), leaving `pos` alone.
    fn hex_escape(&self, len: usize) -> Result<char, ExprError> {
        let escape_at = self.pos;
        let mut code = 0u32;
        for i in 0..len {
            let digit = self.peek(2 + i).and_then(|c| c.to_digit(16));
            let Some(d) = digit else {
                let form = if len == 4 { "\\uXXXX" } else { "\\xHH" };
                return Err(ExprError::at(
                    escape_at,
                    format!("invalid escape: expected {form} with hex digits"),
                ));
            };
            code = code * 16 + d;
        }
        let Some(c) = char::from_u32(code) else {
            return Err(ExprError::at(
                escape_at,
                format!("invalid escape: U+{code:04X} is not a character"),
            ));
        };
        Ok(c)
    }
}

/// A char quoted for an error message, visible even when it is a control char.
fn quote_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("`{c}`")
    }
}
