//! Pattern source to syntax tree.
//!
//! The syntax is regex-lite's, read the same way down to where verbose mode
//! skips whitespace. Sets of chars are kept as sorted, disjoint ranges of
//! Unicode scalar values, all in one table that the compiled program shares.

use super::run::Look;
use super::NEST_LIMIT;

/// Inclusive ranges of scalar values.
type Set = Vec<(u32, u32)>;

/// Flag bits: case-insensitive, multi-line, dot matches `\n`, verbose, CRLF.
const I: u8 = 1;
const M: u8 = 2;
const S: u8 = 4;
const X: u8 = 8;
const R: u8 = 16;

/// Highest Unicode scalar value.
const MAX_CHAR: u32 = 0x10FFFF;

/// Ranges written as pairs of bytes, for the ASCII classes.
const DIGIT: &[u8] = b"09";
const SPACE: &[u8] = b"\t\r  ";
const WORD: &[u8] = b"09AZ__az";
const POSIX: [(&str, &[u8]); 14] = [
    ("alnum", b"09AZaz"),
    ("alpha", b"AZaz"),
    ("ascii", b"\x00\x7f"),
    ("blank", b"\t\t  "),
    ("cntrl", b"\x00\x1f\x7f\x7f"),
    ("digit", DIGIT),
    ("graph", b"!~"),
    ("lower", b"az"),
    ("print", b" ~"),
    ("punct", b"!/:@[`{~"),
    ("space", SPACE),
    ("upper", b"AZ"),
    ("word", WORD),
    ("xdigit", b"09AFaf"),
];

/// A parsed pattern.
pub(super) enum Node {
    /// Matches the empty string.
    Empty,
    /// One char from the ranges `start..end` of the table.
    Class(u32, u32),
    /// An empty-width assertion.
    Look(Look),
    /// Each in turn.
    Concat(Vec<Node>),
    /// Any one of them.
    Alt(Vec<Node>),
    /// At least `min` times, at most `max` (no bound if `None`).
    Repeat(Box<Node>, u32, Option<u32>),
}

/// What an escape stands for.
enum Esc {
    Char(u32),
    /// An ASCII class, negated if `true`.
    Set(&'static [u8], bool),
    Look(Look),
}

/// Parses `source` into a tree and its table of char ranges.
pub(super) fn parse(source: &str) -> Result<(Node, Set), String> {
    let mut p =
        Parser { chars: source.chars().collect(), pos: 0, flags: 0, depth: 0, names: Vec::new(), table: Vec::new() };
    let node = p.alternation()?;
    if p.pos < p.chars.len() {
        return Err(bad("found closing ')' without matching '('"));
    }
    Ok((node, p.table))
}

/// A syntax error, in words.
fn bad(message: &str) -> String {
    format!("invalid pattern: {message}")
}

/// The error for too deep a nesting.
pub(super) fn too_deep() -> String {
    "pattern is nested too deeply (more than 32 levels)".to_owned()
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    flags: u8,
    /// Groups open around the current position.
    depth: u32,
    /// Names of the named groups so far (a name may be used once).
    names: Vec<String>,
    table: Set,
}

impl Parser {
    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    fn peek(&self) -> Option<char> {
        self.at(self.pos)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek();
        self.pos += usize::from(c.is_some());
        c
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        self.pos += usize::from(found);
        found
    }

    fn verbose(&self) -> bool {
        self.flags & X != 0
    }

    /// In verbose mode, skips whitespace and `#` comments.
    fn skip(&mut self) {
        if self.verbose() {
            self.skip_space(true);
        }
    }

    /// Skips whitespace, and `#` comments too if `comments`.
    fn skip_space(&mut self, comments: bool) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.pos += 1;
            } else if comments && c == '#' {
                while self.bump().is_some_and(|c| c != '\n') {}
            } else {
                break;
            }
        }
    }

    /// Branches separated by `|`, up to a `)` or the end.
    fn alternation(&mut self) -> Result<Node, String> {
        let mut branches = Vec::new();
        let mut seq = Vec::new();
        loop {
            self.skip();
            let Some(c) = self.peek() else { break };
            match c {
                ')' => break,
                '|' => {
                    self.pos += 1;
                    branches.push(concat(std::mem::take(&mut seq)));
                }
                '*' | '+' | '?' => {
                    self.pos += 1;
                    self.eat('?');
                    let (min, max) = match c {
                        '*' => (0, None),
                        '+' => (1, None),
                        _ => (0, Some(1)),
                    };
                    repeat(&mut seq, min, max)?;
                }
                '{' => {
                    let (min, max) = self.counted()?;
                    self.skip();
                    self.eat('?');
                    repeat(&mut seq, min, max)?;
                }
                '(' => {
                    if let Some(node) = self.group()? {
                        seq.push(node);
                    }
                }
                _ => {
                    let node = self.atom()?;
                    seq.push(node);
                }
            }
        }
        if branches.is_empty() {
            return Ok(concat(seq));
        }
        branches.push(concat(seq));
        Ok(Node::Alt(branches))
    }

    /// `{n}`, `{n,}` or `{n,m}`; whitespace may surround the numbers.
    fn counted(&mut self) -> Result<(u32, Option<u32>), String> {
        self.pos += 1;
        let verbose = self.verbose();
        self.skip_space(verbose);
        let min = self.decimal()?;
        self.skip_space(verbose);
        let mut max = Some(min);
        if self.eat(',') {
            self.skip();
            max = None;
            if self.peek() != Some('}') {
                self.skip_space(verbose);
                max = Some(self.decimal()?);
                self.skip_space(verbose);
            }
        }
        if !self.eat('}') {
            return Err(bad("a counted repetition `{` is not closed by `}`"));
        }
        if max.is_some_and(|max| max < min) {
            return Err(bad("a counted repetition `{n,m}` has n larger than m"));
        }
        Ok((min, max))
    }

    fn decimal(&mut self) -> Result<u32, String> {
        let mut value: Option<u32> = None;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            self.pos += 1;
            let v = value.unwrap_or(0).checked_mul(10).and_then(|v| v.checked_add(d));
            value = Some(v.ok_or_else(|| bad("a repetition count is too big"))?);
            self.skip();
        }
        value.ok_or_else(|| bad("a counted repetition `{..}` needs a number"))
    }

    /// A group, or `None` for a flag setting `(?flags)`.
    fn group(&mut self) -> Result<Option<Node>, String> {
        self.pos += 1;
        self.skip();
        let outer = self.flags;
        if self.eat('?') {
            let next = self.at(self.pos + 1);
            match self.peek() {
                Some(':') => self.pos += 1,
                Some('P') if next == Some('<') => {
                    self.pos += 2;
                    self.name()?;
                }
                Some('<') if !matches!(next, Some('=' | '!')) => {
                    self.pos += 1;
                    self.name()?;
                }
                Some('=' | '!' | '<') => {
                    return Err(bad("look-around groups such as `(?=`, `(?!`, `(?<=` are not supported"))
                }
                _ => {
                    if self.flag_group()? {
                        return Ok(None);
                    }
                }
            }
        }
        self.depth += 1;
        if self.depth > NEST_LIMIT {
            return Err(too_deep());
        }
        let node = self.alternation()?;
        if !self.eat(')') {
            return Err(bad("found open group without closing ')'"));
        }
        self.depth -= 1;
        self.flags = outer;
        // Repetitions outside the group do not stack on those inside it.
        Ok(Some(if matches!(node, Node::Repeat(..)) { Node::Concat(vec![node]) } else { node }))
    }

    /// The name of `(?P<name>` or `(?<name>`, up to and including `>`.
    fn name(&mut self) -> Result<(), String> {
        let mut name = String::new();
        loop {
            match self.bump() {
                None => return Err(bad("a group name is not closed by `>`")),
                Some('>') => break,
                Some(c) => name.push(c),
            }
        }
        let mut chars = name.chars();
        let Some(first) = chars.next() else { return Err(bad("a group name is empty")) };
        if !(first == '_' || first.is_alphabetic()) || !chars.all(|c| c.is_alphanumeric() || "_.[]".contains(c)) {
            return Err(bad(
                "a group name must start with a letter or `_` and have only letters, digits, `_`, `.`, `[`, `]`",
            ));
        }
        if self.names.contains(&name) {
            return Err(bad("two groups have the same name"));
        }
        self.names.push(name);
        Ok(())
    }

    /// The flags of `(?flags)` or `(?flags:`, after the `?`; true for `)`.
    fn flag_group(&mut self) -> Result<bool, String> {
        let mut flags = self.flags;
        let mut seen = 0u8;
        let mut negate = false;
        let mut dangling = false;
        loop {
            let Some(c) = self.bump() else { return Err(bad("a flag group `(?` is not closed")) };
            let bit = match c {
                ')' | ':' => {
                    if dangling {
                        return Err(bad("flags cannot end with `-`"));
                    }
                    if seen == 0 {
                        return Err(bad("a flag group `(?)` is empty"));
                    }
                    self.flags = flags;
                    return Ok(c == ')');
                }
                '-' if negate => return Err(bad("flags can have only one `-`")),
                '-' => {
                    negate = true;
                    dangling = true;
                    continue;
                }
                'i' => I,
                'm' => M,
                's' => S,
                'x' => X,
                'R' => R,
                // `U` (lazy by default) and `u` (Unicode) change nothing a yes/no match sees.
                'U' => 32,
                'u' => 64,
                _ => return Err(format!("invalid pattern: unknown flag `{c}` (known: i, m, s, x, R, U, u)")),
            };
            if seen & bit != 0 {
                return Err(bad("a flag is given twice"));
            }
            seen |= bit;
            dangling = false;
            flags = if negate { flags & !bit } else { flags | bit };
        }
    }

    /// One char, `.`, an anchor, a class or an escape.
    fn atom(&mut self) -> Result<Node, String> {
        let c = self.bump().unwrap_or_default();
        let multi = self.flags & M != 0;
        let crlf = self.flags & R != 0;
        Ok(match c {
            '.' => {
                let set = if self.flags & S != 0 {
                    vec![(0, MAX_CHAR)]
                } else if crlf {
                    vec![(0, 9), (11, 12), (14, MAX_CHAR)]
                } else {
                    vec![(0, 9), (11, MAX_CHAR)]
                };
                self.intern(set)
            }
            '^' => Node::Look(match (multi, crlf) {
                (false, _) => Look::Start,
                (true, false) => Look::LineStart,
                (true, true) => Look::CrlfStart,
            }),
            '$' => Node::Look(match (multi, crlf) {
                (false, _) => Look::End,
                (true, false) => Look::LineEnd,
                (true, true) => Look::CrlfEnd,
            }),
            '[' => self.class()?,
            '\\' => match self.escape()? {
                Esc::Char(c) => self.set(vec![(c, c)]),
                Esc::Set(ranges, negated) => self.set(ascii(ranges, negated)),
                Esc::Look(look) => Node::Look(look),
            },
            c => self.set(vec![(c as u32, c as u32)]),
        })
    }

    /// After a `\`.
    fn escape(&mut self) -> Result<Esc, String> {
        let Some(c) = self.bump() else { return Err(bad("the pattern ends in the middle of an escape `\\`")) };
        Ok(match c {
            'd' | 'D' => Esc::Set(DIGIT, c == 'D'),
            's' | 'S' => Esc::Set(SPACE, c == 'S'),
            'w' | 'W' => Esc::Set(WORD, c == 'W'),
            'n' => Esc::Char(10),
            't' => Esc::Char(9),
            'r' => Esc::Char(13),
            'a' => Esc::Char(7),
            'f' => Esc::Char(12),
            'v' => Esc::Char(11),
            'x' => Esc::Char(self.hex(2)?),
            'u' => Esc::Char(self.hex(4)?),
            'U' => Esc::Char(self.hex(8)?),
            'A' => Esc::Look(Look::Start),
            'z' => Esc::Look(Look::End),
            'b' => Esc::Look(self.word_boundary()?),
            'B' => Esc::Look(Look::NotWord),
            '<' => Esc::Look(Look::WordStart),
            '>' => Esc::Look(Look::WordEnd),
            'p' | 'P' => {
                return Err(bad(
                    "Unicode classes `\\p{..}` are not supported; list the characters instead, as in `[A-Za-zÀ-ÿ]`",
                ))
            }
            '0'..='9' => return Err(bad("backreferences such as `\\1` are not supported")),
            c if c.is_ascii() && !c.is_ascii_alphanumeric() => Esc::Char(c as u32),
            c => return Err(format!("invalid pattern: unknown escape `\\{c}`")),
        })
    }

    /// The digits of `\x`, `\u` or `\U`: exactly `len` of them, or any number in braces.
    fn hex(&mut self, len: usize) -> Result<u32, String> {
        self.skip();
        let braced = self.eat('{');
        let mut value = 0u32;
        let mut count = 0;
        loop {
            if !braced && count == len {
                break;
            }
            self.skip();
            if braced && self.eat('}') {
                break;
            }
            let Some(d) = self.peek().and_then(|c| c.to_digit(16)) else {
                return Err(bad("a `\\x`, `\\u` or `\\U` escape needs hexadecimal digits (as in `\\x41`, `\\u{e9}`)"));
            };
            self.pos += 1;
            count += 1;
            value = value.checked_mul(16).and_then(|v| v.checked_add(d)).unwrap_or(u32::MAX);
        }
        match char::from_u32(value) {
            Some(_) if count > 0 => Ok(value),
            _ => Err(bad("a hexadecimal escape is not a Unicode character (at most `\\x{10FFFF}`, no surrogates)")),
        }
    }

    /// After `\b`: a plain word boundary, or `\b{start}`, `\b{end}`,
    /// `\b{start-half}`, `\b{end-half}`. `\b{2}` is a repetition of `\b`.
    fn word_boundary(&mut self) -> Result<Look, String> {
        let back = self.pos;
        if self.eat('{') {
            self.skip();
            let mut name = String::new();
            while let Some(c) = self.peek().filter(|c| c.is_ascii_alphabetic() || *c == '-') {
                name.push(c);
                self.pos += 1;
                self.skip();
            }
            if !name.is_empty() {
                if !self.eat('}') {
                    return Err(bad("a word boundary `\\b{` is not closed by `}`"));
                }
                return match name.as_str() {
                    "start" => Ok(Look::WordStart),
                    "end" => Ok(Look::WordEnd),
                    "start-half" => Ok(Look::WordStartHalf),
                    "end-half" => Ok(Look::WordEndHalf),
                    _ => Err(bad(
                        "unknown word boundary (known: `\\b{start}`, `\\b{end}`, `\\b{start-half}`, `\\b{end-half}`)",
                    )),
                };
            }
            self.pos = back;
        }
        Ok(Look::Word)
    }

    /// A bracketed class, after the `[`.
    fn class(&mut self) -> Result<Node, String> {
        let mut set = Vec::new();
        self.skip();
        let negated = self.eat('^');
        self.skip();
        // A `]` first is literal, and so are `-`s first.
        if self.eat(']') {
            set.push((93, 93));
        } else {
            while {
                self.skip();
                self.eat('-')
            } {
                set.push((45, 45));
            }
        }
        loop {
            self.skip();
            let Some(c) = self.peek() else { return Err(bad("a class `[` is not closed by `]`")) };
            match c {
                ']' => {
                    self.pos += 1;
                    break;
                }
                '[' => self.posix(&mut set)?,
                '&' | '-' | '~' if self.at(self.pos + 1) == Some(c) => {
                    return Err(bad(
                        "class operations `&&`, `--` and `~~` are not supported (escape the character to mean it)",
                    ))
                }
                _ => {
                    let start = self.class_atom()?;
                    self.skip();
                    if self.peek() == Some('-') && !matches!(self.after_dash(), Some(']' | '-')) {
                        self.pos += 1;
                        self.skip();
                        let end = self.class_atom()?;
                        match (start, end) {
                            (Ok(lo), Ok(hi)) if lo <= hi => set.push((lo, hi)),
                            (Ok(_), Ok(_)) => return Err(bad("a class range goes backwards (as in `[z-a]`)")),
                            _ => return Err(bad("a class range must start and end with single characters")),
                        }
                    } else {
                        match start {
                            Ok(c) => set.push((c, c)),
                            Err(ranges) => set.extend(ranges),
                        }
                    }
                }
            }
        }
        canonical(&mut set);
        if self.flags & I != 0 {
            fold(&mut set);
        }
        if negated {
            set = complement(&set);
        }
        Ok(self.intern(set))
    }

    /// The next char after a `-` in a class, past whitespace in verbose mode.
    fn after_dash(&self) -> Option<char> {
        let mut i = self.pos + 1;
        while self.verbose() && self.at(i).is_some_and(char::is_whitespace) {
            i += 1;
        }
        self.at(i)
    }

    /// A char of a class (`Ok`), or an ASCII class given by an escape (`Err`).
    fn class_atom(&mut self) -> Result<Result<u32, Set>, String> {
        match self.bump() {
            None => Err(bad("a class `[` is not closed by `]`")),
            Some('\\') => match self.escape()? {
                // As in regex-lite, a letter written in hex (`\x41`) is a
                // class of two when case-insensitive, so it cannot end a range.
                Esc::Char(c @ (65..=90 | 97..=122)) if self.flags & I != 0 => Ok(Err(vec![(c, c)])),
                Esc::Char(c) => Ok(Ok(c)),
                Esc::Set(ranges, negated) => Ok(Err(ascii(ranges, negated))),
                Esc::Look(_) => {
                    Err(bad("anchors and word boundaries (`\\b`, `\\A`, ...) cannot be used inside a class"))
                }
            },
            Some(c) => Ok(Ok(c as u32)),
        }
    }

    /// `[:name:]` or `[:^name:]` inside a class, at its `[`.
    fn posix(&mut self, set: &mut Set) -> Result<(), String> {
        let mut i = self.pos + 1;
        if self.at(i) == Some(':') {
            i += 1;
            let negated = self.at(i) == Some('^');
            i += usize::from(negated);
            let start = i;
            while self.at(i).is_some_and(|c| c.is_ascii_lowercase()) {
                i += 1;
            }
            let name = self.chars.get(start..i).unwrap_or_default();
            if self.at(i) == Some(':') && self.at(i + 1) == Some(']') {
                if let Some((_, ranges)) = POSIX.iter().find(|(n, _)| n.chars().eq(name.iter().copied())) {
                    set.extend(ascii(ranges, negated));
                    self.pos = i + 2;
                    return Ok(());
                }
            }
        }
        Err(bad(
            "nested classes are not supported (write `\\[` for a literal `[`; ASCII classes are written `[[:alpha:]]`)",
        ))
    }

    /// A single char (folded if case-insensitive), or an ASCII class.
    fn set(&mut self, mut set: Set) -> Node {
        if self.flags & I != 0 {
            fold(&mut set);
        }
        self.intern(set)
    }

    fn intern(&mut self, set: Set) -> Node {
        let start = self.table.len() as u32;
        self.table.extend(set);
        Node::Class(start, self.table.len() as u32)
    }
}

/// Applies a repetition to the last node of `seq`.
fn repeat(seq: &mut Vec<Node>, min: u32, max: Option<u32>) -> Result<(), String> {
    let Some(last) = seq.pop() else {
        return Err(bad(
            "a repetition (`*`, `+`, `?`, `{..}`) must follow something to repeat (escape it to mean the character)",
        ));
    };
    // Count the repetitions written one after the other on the same thing.
    let mut stacked = 0;
    let mut inner = &last;
    while let Node::Repeat(node, ..) = inner {
        stacked += 1;
        inner = node;
    }
    if stacked >= NEST_LIMIT {
        return Err(too_deep());
    }
    seq.push(Node::Repeat(Box::new(last), min, max));
    Ok(())
}

fn concat(mut seq: Vec<Node>) -> Node {
    match seq.len() {
        0 => Node::Empty,
        1 => seq.pop().unwrap_or(Node::Empty),
        _ => Node::Concat(seq),
    }
}

/// An ASCII class from its byte pairs.
fn ascii(pairs: &[u8], negated: bool) -> Set {
    let set = pairs.as_chunks::<2>().0.iter().map(|&[lo, hi]| (u32::from(lo), u32::from(hi))).collect();
    if negated {
        complement(&set)
    } else {
        set
    }
}

/// Sorts and merges overlapping or adjacent ranges. (Sorting by insertion:
/// sets are small, and std's sort would add kilobytes to the browser bundle.)
fn canonical(set: &mut Set) {
    let mut sorted: Set = Vec::with_capacity(set.len());
    for &range in set.iter() {
        let at = sorted.iter().position(|&r| r > range).unwrap_or(sorted.len());
        sorted.insert(at, range);
    }
    let mut out: Set = Vec::with_capacity(sorted.len());
    for &(lo, hi) in &sorted {
        match out.last_mut() {
            Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    *set = out;
}

/// Every scalar value not in the (canonical) set.
fn complement(set: &Set) -> Set {
    let mut out = Vec::new();
    let mut next = 0;
    for &(lo, hi) in set {
        if lo > next {
            out.push((next, lo - 1));
        }
        next = hi + 1;
    }
    if next <= MAX_CHAR {
        out.push((next, MAX_CHAR));
    }
    out
}

/// ASCII case folding as regex-lite does it: each range that reaches into
/// `a-z` gains the upper case of that part; a range that does not but
/// reaches into `A-Z` gains the lower case of that part. (So a range across
/// both, like `[Q-c]`, gains `A-C` but not `q-z`.)
fn fold(set: &mut Set) {
    canonical(set);
    for k in 0..set.len() {
        let Some(&(lo, hi)) = set.get(k) else { break };
        if lo <= 122 && hi >= 97 {
            set.push((lo.max(97) - 32, hi.min(122) - 32));
        } else if lo <= 90 && hi >= 65 {
            set.push((lo.max(65) + 32, hi.min(90) + 32));
        }
    }
    canonical(set);
}
