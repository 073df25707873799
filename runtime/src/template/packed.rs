//! The packed form of a read template: what the browser gets besides the
//! JSON document, so that its wasm links neither the template reader nor the
//! expression and pattern parsers (docs/architecture.md). The host packs the
//! template it has read and checked; the JSON document stays the source of
//! truth.
//!
//! The text is one format version character ([`VERSION`]) followed by the
//! body in base64 (standard alphabet, no padding). The body is a byte stream:
//! unsigned numbers in LEB128, `f64` as its 8 bytes little-endian, text as its
//! length in bytes then UTF-8, an optional value behind a 0 or 1 byte, a list
//! behind its length, an enum as a tag byte then its fields. Expressions are
//! their parsed trees (with spans) and their source; patterns are their
//! compiled programs and their source. Items are written as a tree (a repeat
//! holds its children), so their ids in the arena, parents, pages, depths and
//! JSON paths are rebuilt on reading rather than trusted. The evaluation
//! plan's graph (order and dependents, by node number) comes last; its
//! scopes are rebuilt from the items.
//!
//! Reading never panics, and allocates at most in proportion to its input:
//! every length is checked against the bytes left before anything is built,
//! the text is bounded by [`limits::MAX_PACKED_BYTES`], counts by the other
//! [`limits`], and nesting (repeats, expressions, JSON values) by the same
//! depths the reader allows.

use serde_json::{Map, Number, Value as Json};

use super::{
    limits, Check, ChoiceDisplay, ChoiceOption, DateBound, Expression, Item, ItemId, ItemKind, NotePart, Page,
    Parent, Plan, Template,
};
use super::plan::Scopes;
use crate::date::Date;
use crate::error::Error;
use crate::expr::{BinaryOp, Expr, ExprKind, Span, UnaryOp, MAX_LIST_ITEMS, MAX_TREE_DEPTH};
use crate::pattern::{Inst, Look, Pattern, Patterns, Program, MAX_PROGRAM};

/// The format version written first; a reader refuses any other.
pub const VERSION: char = '1';

/// Deepest JSON value (a default) accepted, as serde_json's own reader allows.
const MAX_JSON_DEPTH: usize = 128;

/// The unary operators, by tag.
const UNARY: [UnaryOp; 2] = [UnaryOp::Not, UnaryOp::Neg];

/// The binary operators, by tag.
const BINARY: [BinaryOp; 14] = [
    BinaryOp::Mul,
    BinaryOp::Div,
    BinaryOp::Rem,
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Lt,
    BinaryOp::Le,
    BinaryOp::Gt,
    BinaryOp::Ge,
    BinaryOp::Eq,
    BinaryOp::Ne,
    BinaryOp::In,
    BinaryOp::And,
    BinaryOp::Or,
];

/// A pattern program's empty-width assertions, by tag.
const LOOKS: [Look; 12] = [
    Look::Start,
    Look::End,
    Look::LineStart,
    Look::LineEnd,
    Look::CrlfStart,
    Look::CrlfEnd,
    Look::Word,
    Look::NotWord,
    Look::WordStart,
    Look::WordEnd,
    Look::WordStartHalf,
    Look::WordEndHalf,
];

/// The base64 alphabet (standard, RFC 4648).
const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Packs a read and checked template.
pub(super) fn pack(template: &Template) -> String {
    let mut w = Writer { out: Vec::new(), template };
    w.text(&template.fingerprint());
    w.text(&template.title);
    w.opt(template.description.as_deref(), Writer::text);
    let patterns = template.patterns.compiled();
    w.len(patterns.len());
    patterns.iter().for_each(|p| w.pattern(p));
    w.len(template.pages.len());
    for page in &template.pages {
        w.text(&page.id);
        w.text(&page.title);
        w.opt(page.visible_if.as_ref(), Writer::expression);
        w.item_list(&page.items);
    }
    // The plan's graph; its scopes are rebuilt from the items.
    let plan = &template.plan;
    w.len(plan.order.len());
    for node in &plan.order {
        w.len(Plan::index(plan.pages, *node));
    }
    w.len(plan.dependents.len());
    for list in &plan.dependents {
        w.len(list.len());
        list.iter().for_each(|d| w.uint(u64::from(*d)));
    }
    let mut text = String::with_capacity(1 + w.out.len().div_ceil(3) * 4);
    text.push(VERSION);
    to_base64(&w.out, &mut text);
    text
}

/// Unpacks a template; its plan is left empty for the caller to build.
pub(super) fn unpack(text: &str) -> Result<Template, Error> {
    if text.len() > limits::MAX_PACKED_BYTES {
        return Err(Error::Packed(format!(
            "the text is {} bytes; the most accepted is {} bytes",
            text.len(),
            limits::MAX_PACKED_BYTES
        )));
    }
    let mut chars = text.chars();
    match chars.next() {
        Some(VERSION) => {}
        Some(other) => {
            return Err(Error::Packed(format!("unknown format version `{other}`; this engine reads `{VERSION}`")))
        }
        None => return Err(Error::Packed("the text is empty".to_owned())),
    }
    let bytes = from_base64(chars.as_str()).ok_or_else(|| Error::Packed("the text is not base64".to_owned()))?;
    let mut r = Reader { bytes: &bytes, pos: 0, items: Vec::new() };
    match r.template() {
        Some(template) if r.pos == bytes.len() => Ok(template),
        _ => Err(Error::Packed(format!("malformed or truncated at byte {} of {}", r.pos, bytes.len()))),
    }
}

/// Appends `bytes` in base64, without padding.
fn to_base64(bytes: &[u8], out: &mut String) {
    for chunk in bytes.chunks(3) {
        let mut group = 0u32;
        for (i, byte) in chunk.iter().enumerate() {
            group |= u32::from(*byte) << (16 - 8 * i);
        }
        for i in 0..=chunk.len() {
            out.push(char::from(BASE64[(group >> (18 - 6 * i)) as usize & 63]));
        }
    }
}

/// The bytes of unpadded base64 text, or `None` for any other character.
fn from_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut group = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let six = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        group = ((group << 6) | u32::from(six)) & 0x3fff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((group >> bits) as u8);
        }
    }
    Some(out)
}

/// Writes the byte stream.
struct Writer<'t> {
    out: Vec<u8>,
    template: &'t Template,
}

impl Writer<'_> {
    fn byte(&mut self, byte: u8) {
        self.out.push(byte);
    }

    fn flag(&mut self, flag: bool) {
        self.byte(u8::from(flag));
    }

    /// An unsigned number in LEB128: seven bits a byte, low first, the high bit set on all but the last.
    fn uint(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.byte((n as u8 & 0x7f) | 0x80);
            n >>= 7;
        }
        self.byte(n as u8);
    }

    fn len(&mut self, n: usize) {
        self.uint(n as u64);
    }

    fn float(&mut self, x: f64) {
        self.out.extend_from_slice(&x.to_bits().to_le_bytes());
    }

    fn text(&mut self, text: &str) {
        self.len(text.len());
        self.out.extend_from_slice(text.as_bytes());
    }

    fn opt<T>(&mut self, value: Option<T>, write: impl FnOnce(&mut Self, T)) {
        self.flag(value.is_some());
        if let Some(value) = value {
            write(self, value);
        }
    }

    fn opt_u32(&mut self, n: Option<u32>) {
        self.opt(n, |w, n| w.uint(u64::from(n)));
    }

    fn item_list(&mut self, ids: &[ItemId]) {
        self.len(ids.len());
        for id in ids {
            self.item(self.template.item(*id));
        }
    }

    fn item(&mut self, item: &Item) {
        self.opt(item.id.as_deref(), Writer::text);
        self.opt(item.label.as_deref(), Writer::text);
        self.opt(item.help.as_deref(), Writer::text);
        self.flag(item.required);
        self.opt(item.required_if.as_ref(), Writer::expression);
        self.opt(item.visible_if.as_ref(), Writer::expression);
        self.opt(item.default.as_ref(), Writer::json);
        self.len(item.checks.len());
        for check in &item.checks {
            self.expression(&check.rule);
            self.text(&check.message);
        }
        self.kind(&item.kind);
    }

    fn kind(&mut self, kind: &ItemKind) {
        match kind {
            ItemKind::Text { min_length, max_length, pattern, pattern_message, multiline } => {
                self.byte(0);
                self.opt_u32(*min_length);
                self.opt_u32(*max_length);
                self.opt(pattern.as_ref(), Writer::pattern);
                self.opt(pattern_message.as_deref(), Writer::text);
                self.flag(*multiline);
            }
            ItemKind::Number { min, max, integer, step } => {
                self.byte(1);
                self.opt(*min, Writer::float);
                self.opt(*max, Writer::float);
                self.flag(*integer);
                self.opt(*step, Writer::float);
            }
            ItemKind::Date { min, max } => {
                self.byte(2);
                self.opt(*min, Writer::date_bound);
                self.opt(*max, Writer::date_bound);
            }
            ItemKind::Email => self.byte(3),
            ItemKind::Phone { region } => {
                self.byte(4);
                self.opt(region.as_deref(), Writer::text);
            }
            ItemKind::YesNo => self.byte(5),
            ItemKind::Choice { options, display } => {
                self.byte(6);
                self.options(options);
                self.flag(*display == ChoiceDisplay::Dropdown);
            }
            ItemKind::MultiChoice { options, min_selected, max_selected } => {
                self.byte(7);
                self.options(options);
                self.opt_u32(*min_selected);
                self.opt_u32(*max_selected);
            }
            ItemKind::File { accept, max_bytes, max_files } => {
                self.byte(8);
                self.len(accept.len());
                accept.iter().for_each(|a| self.text(a));
                self.opt(*max_bytes, Writer::uint);
                self.opt_u32(*max_files);
            }
            ItemKind::Repeat { items, min_items, max_items, item_label } => {
                self.byte(9);
                self.item_list(items);
                self.opt_u32(*min_items);
                self.uint(u64::from(*max_items));
                self.opt(item_label.as_deref(), Writer::text);
            }
            ItemKind::Computed { expr } => {
                self.byte(10);
                self.expression(expr);
            }
            ItemKind::Note { text, parts } => {
                self.byte(11);
                self.text(text);
                self.len(parts.len());
                for part in parts {
                    match part {
                        NotePart::Text(t) => {
                            self.byte(0);
                            self.text(t);
                        }
                        NotePart::Expr(e) => {
                            self.byte(1);
                            self.expression(e);
                        }
                    }
                }
            }
        }
    }

    fn options(&mut self, options: &[ChoiceOption]) {
        self.len(options.len());
        for option in options {
            self.text(&option.value);
            self.text(&option.label);
        }
    }

    fn date_bound(&mut self, bound: DateBound) {
        match bound {
            DateBound::Today => self.byte(0),
            DateBound::Fixed(date) => {
                self.byte(1);
                // Zigzag: small negative and positive day counts stay short.
                let days = date.days_since_epoch();
                self.uint(((days << 1) ^ (days >> 63)) as u64);
            }
        }
    }

    fn expression(&mut self, expression: &Expression) {
        self.text(&expression.source);
        self.expr(&expression.expr);
    }

    fn expr(&mut self, expr: &Expr) {
        let tag = match &expr.kind {
            ExprKind::Null => 0,
            ExprKind::Bool(_) => 1,
            ExprKind::Number(_) => 2,
            ExprKind::String(_) => 3,
            ExprKind::List(_) => 4,
            ExprKind::Ident(_) => 5,
            ExprKind::Unary(..) => 6,
            ExprKind::Binary(..) => 7,
            ExprKind::Conditional(..) => 8,
            ExprKind::Index(..) => 9,
            ExprKind::Member(..) => 10,
            ExprKind::Call { .. } => 11,
        };
        self.byte(tag);
        self.len(expr.span.start);
        self.len(expr.span.end);
        match &expr.kind {
            ExprKind::Null => {}
            ExprKind::Bool(b) => self.flag(*b),
            ExprKind::Number(n) => self.float(*n),
            ExprKind::String(s) | ExprKind::Ident(s) => self.text(s),
            ExprKind::List(items) => self.exprs(items),
            ExprKind::Unary(op, e) => {
                self.byte(UNARY.iter().position(|o| o == op).unwrap_or_default() as u8);
                self.expr(e);
            }
            ExprKind::Binary(op, a, b) => {
                self.byte(BINARY.iter().position(|o| o == op).unwrap_or_default() as u8);
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Conditional(c, a, b) => {
                self.expr(c);
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Index(a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Member(e, name) => {
                self.expr(e);
                self.text(name);
            }
            ExprKind::Call { target, name, args } => {
                self.opt(target.as_deref(), Writer::expr);
                self.text(name);
                self.exprs(args);
            }
        }
    }

    fn exprs(&mut self, exprs: &[Expr]) {
        self.len(exprs.len());
        exprs.iter().for_each(|e| self.expr(e));
    }

    fn json(&mut self, value: &Json) {
        match value {
            Json::Null => self.byte(0),
            Json::Bool(b) => self.byte(1 + u8::from(*b)),
            Json::Number(n) => {
                if let Some(u) = n.as_u64() {
                    self.byte(3);
                    self.uint(u);
                } else if let Some(i) = n.as_i64() {
                    // Negative (a non-negative one is a u64 above): its complement is not.
                    self.byte(4);
                    self.uint(!i as u64);
                } else {
                    self.byte(5);
                    self.float(n.as_f64().unwrap_or(f64::NAN));
                }
            }
            Json::String(s) => {
                self.byte(6);
                self.text(s);
            }
            Json::Array(list) => {
                self.byte(7);
                self.len(list.len());
                list.iter().for_each(|v| self.json(v));
            }
            Json::Object(map) => {
                self.byte(8);
                self.len(map.len());
                for (key, v) in map {
                    self.text(key);
                    self.json(v);
                }
            }
        }
    }

    fn pattern(&mut self, pattern: &Pattern) {
        self.text(pattern.as_str());
        let program = pattern.program();
        self.len(program.insts.len());
        for inst in &program.insts {
            match *inst {
                Inst::Class(start, end) => {
                    self.byte(0);
                    self.uint(u64::from(start));
                    self.uint(u64::from(end));
                }
                Inst::Look(look) => {
                    self.byte(1);
                    self.byte(LOOKS.iter().position(|l| *l == look).unwrap_or_default() as u8);
                }
                Inst::Split(a, b) => {
                    self.byte(2);
                    self.uint(u64::from(a));
                    self.uint(u64::from(b));
                }
                Inst::Jump(to) => {
                    self.byte(3);
                    self.uint(u64::from(to));
                }
                Inst::Match => self.byte(4),
            }
        }
        self.len(program.table.len());
        for (lo, hi) in &program.table {
            self.uint(u64::from(*lo));
            self.uint(u64::from(*hi));
        }
    }
}

/// Reads the byte stream. Every method gives `None` on malformed or
/// truncated input, leaving `pos` where it stopped.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// The item arena, in document order.
    items: Vec<Item>,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(byte)
    }

    fn flag(&mut self) -> Option<bool> {
        match self.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    fn uint(&mut self) -> Option<u64> {
        let mut n = 0u64;
        let mut shift = 0;
        loop {
            let byte = self.byte()?;
            if shift == 63 && byte > 1 {
                return None;
            }
            n |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Some(n);
            }
            shift += 7;
            if shift > 63 {
                return None;
            }
        }
    }

    fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.uint()?).ok()
    }

    fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.uint()?).ok()
    }

    /// A length of at most `max`, and no more than the bytes left (every
    /// element takes at least one), so that nothing is allocated for it that
    /// the input does not hold.
    fn len(&mut self, max: usize) -> Option<usize> {
        let n = self.usize()?;
        (n <= max && n <= self.bytes.len().saturating_sub(self.pos)).then_some(n)
    }

    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let bytes = self.bytes.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(bytes)
    }

    fn float(&mut self) -> Option<f64> {
        let bytes: [u8; 8] = self.take(8)?.try_into().ok()?;
        Some(f64::from_bits(u64::from_le_bytes(bytes)))
    }

    fn text(&mut self) -> Option<String> {
        let n = self.len(usize::MAX)?;
        let bytes = self.take(n)?;
        std::str::from_utf8(bytes).ok().map(str::to_owned)
    }

    fn opt<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        match self.flag()? {
            false => Some(None),
            true => read(self).map(Some),
        }
    }

    fn opt_u32(&mut self) -> Option<Option<u32>> {
        self.opt(Reader::u32)
    }

    /// `count` elements read by `read`, the count bounded by `max`.
    fn list<T>(&mut self, max: usize, mut read: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let n = self.len(max)?;
        let mut list = Vec::new();
        for _ in 0..n {
            list.push(read(self)?);
        }
        Some(list)
    }

    fn template(&mut self) -> Option<Template> {
        let fingerprint = self.text()?;
        let title = self.text()?;
        let description = self.opt(Reader::text)?;
        let patterns = self.list(usize::MAX, Reader::pattern)?;
        let count = self.len(limits::MAX_PAGES)?;
        let mut pages = Vec::new();
        for index in 0..count {
            let path = format!("pages[{index}]");
            let id = self.text()?;
            let title = self.text()?;
            let visible_if = self.opt(Reader::expression)?;
            let items = self.item_list(&format!("{path}.items"), index, Parent::Page(index), 0)?;
            pages.push(Page { id, title, visible_if, items, path });
        }
        let items = std::mem::take(&mut self.items);
        let plan = self.plan(pages.len(), &items)?;
        Some(Template {
            title,
            description,
            pages,
            items,
            plan,
            patterns: Patterns::only(patterns),
            source: Json::Null,
            fingerprint: Some(fingerprint),
        })
    }

    /// The evaluation plan: its graph as packed, every node in range; its
    /// scopes rebuilt from the items.
    fn plan(&mut self, pages: usize, items: &[Item]) -> Option<Plan> {
        let total = pages + 2 * items.len();
        let order = self.list(total, |r| r.usize().filter(|n| *n < total))?;
        let dependents = self.list(total, |r| r.list(total, |r| r.u32().filter(|d| (*d as usize) < total)))?;
        if dependents.len() != total {
            return None;
        }
        let mut position = vec![u32::MAX; total];
        for (at, node) in order.iter().enumerate() {
            if let Some(slot) = position.get_mut(*node) {
                *slot = at as u32;
            }
        }
        Some(Plan {
            scopes: Scopes::of(items),
            order: order.into_iter().map(|n| Plan::node(pages, n)).collect(),
            dependents,
            position,
            // Worked out by the full check, which `Template::unpack` runs where they are kept.
            #[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
            types: Vec::new(),
            pages,
        })
    }

    fn item_list(&mut self, path: &str, page: usize, parent: Parent, depth: usize) -> Option<Vec<ItemId>> {
        let count = self.len(limits::MAX_ITEMS)?;
        let mut ids = Vec::new();
        for index in 0..count {
            ids.push(self.item(format!("{path}[{index}]"), page, parent, depth)?);
        }
        Some(ids)
    }

    fn item(&mut self, path: String, page: usize, parent: Parent, depth: usize) -> Option<ItemId> {
        if self.items.len() >= limits::MAX_ITEMS {
            return None;
        }
        let id = self.opt(Reader::text)?;
        let label = self.opt(Reader::text)?;
        let help = self.opt(Reader::text)?;
        let required = self.flag()?;
        let required_if = self.opt(Reader::expression)?;
        let visible_if = self.opt(Reader::expression)?;
        let default = self.opt(|r| r.json(1))?;
        let checks = self.list(limits::MAX_CHECKS, |r| Some(Check { rule: r.expression()?, message: r.text()? }))?;
        // The slot first, so that a repeat's children come after it, as the reader makes them.
        let slot = ItemId(self.items.len() as u32);
        self.items.push(Item {
            id,
            label,
            help,
            required,
            required_if,
            visible_if,
            default,
            checks,
            kind: ItemKind::Email,
            page,
            parent,
            depth,
            path,
        });
        let kind = self.kind(page, slot, depth)?;
        let item = self.items.get_mut(slot.index())?;
        item.kind = kind;
        Some(slot)
    }

    fn kind(&mut self, page: usize, slot: ItemId, depth: usize) -> Option<ItemKind> {
        Some(match self.byte()? {
            0 => ItemKind::Text {
                min_length: self.opt_u32()?,
                max_length: self.opt_u32()?,
                pattern: self.opt(Reader::pattern)?,
                pattern_message: self.opt(Reader::text)?,
                multiline: self.flag()?,
            },
            1 => ItemKind::Number {
                min: self.opt(Reader::float)?,
                max: self.opt(Reader::float)?,
                integer: self.flag()?,
                step: self.opt(Reader::float)?,
            },
            2 => ItemKind::Date { min: self.opt(Reader::date_bound)?, max: self.opt(Reader::date_bound)? },
            3 => ItemKind::Email,
            4 => ItemKind::Phone { region: self.opt(Reader::text)? },
            5 => ItemKind::YesNo,
            6 => ItemKind::Choice {
                options: self.options()?,
                display: if self.flag()? { ChoiceDisplay::Dropdown } else { ChoiceDisplay::Radio },
            },
            7 => ItemKind::MultiChoice {
                options: self.options()?,
                min_selected: self.opt_u32()?,
                max_selected: self.opt_u32()?,
            },
            8 => ItemKind::File {
                accept: self.list(usize::MAX, Reader::text)?,
                max_bytes: self.opt(Reader::uint)?,
                max_files: self.opt_u32()?,
            },
            9 => {
                if depth + 1 > limits::MAX_REPEAT_DEPTH {
                    return None;
                }
                let path = format!("{}.items", self.items.get(slot.index())?.path);
                let items = self.item_list(&path, page, Parent::Repeat(slot), depth + 1)?;
                let min_items = self.opt_u32()?;
                let max_items = self.u32().filter(|n| *n <= limits::MAX_REPEAT_ENTRIES)?;
                ItemKind::Repeat { items, min_items, max_items, item_label: self.opt(Reader::text)? }
            }
            10 => ItemKind::Computed { expr: self.expression()? },
            11 => ItemKind::Note {
                text: self.text()?,
                parts: self.list(usize::MAX, |r| match r.byte()? {
                    0 => Some(NotePart::Text(r.text()?)),
                    1 => Some(NotePart::Expr(r.expression()?)),
                    _ => None,
                })?,
            },
            _ => return None,
        })
    }

    fn options(&mut self) -> Option<Vec<ChoiceOption>> {
        self.list(limits::MAX_OPTIONS, |r| Some(ChoiceOption { value: r.text()?, label: r.text()? }))
    }

    fn date_bound(&mut self) -> Option<DateBound> {
        match self.byte()? {
            0 => Some(DateBound::Today),
            1 => {
                let zigzag = self.uint()?;
                let days = (zigzag >> 1) as i64 ^ -((zigzag & 1) as i64);
                Date::from_days_since_epoch(days).map(DateBound::Fixed)
            }
            _ => None,
        }
    }

    fn expression(&mut self) -> Option<Expression> {
        Some(Expression { source: self.text()?, expr: self.expr(1)? })
    }

    /// An expression tree whose root is at `depth` (1 for a whole expression).
    fn expr(&mut self, depth: usize) -> Option<Expr> {
        if depth > MAX_TREE_DEPTH {
            return None;
        }
        let tag = self.byte()?;
        let span = Span::new(self.usize()?, self.usize()?);
        let sub = |r: &mut Self| r.expr(depth + 1).map(Box::new);
        let kind = match tag {
            0 => ExprKind::Null,
            1 => ExprKind::Bool(self.flag()?),
            2 => ExprKind::Number(self.float()?),
            3 => ExprKind::String(self.text()?),
            4 => ExprKind::List(self.list(MAX_LIST_ITEMS, |r| r.expr(depth + 1))?),
            5 => ExprKind::Ident(self.text()?),
            6 => {
                let op = *UNARY.get(usize::from(self.byte()?))?;
                ExprKind::Unary(op, sub(self)?)
            }
            7 => {
                let op = *BINARY.get(usize::from(self.byte()?))?;
                ExprKind::Binary(op, sub(self)?, sub(self)?)
            }
            8 => ExprKind::Conditional(sub(self)?, sub(self)?, sub(self)?),
            9 => ExprKind::Index(sub(self)?, sub(self)?),
            10 => ExprKind::Member(sub(self)?, self.text()?),
            11 => ExprKind::Call {
                target: self.opt(|r| sub(r))?,
                name: self.text()?,
                args: self.list(usize::MAX, |r| r.expr(depth + 1))?,
            },
            _ => return None,
        };
        Some(Expr::new(kind, span))
    }

    /// A JSON value at `depth` (1 for a whole default).
    fn json(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_JSON_DEPTH {
            return None;
        }
        Some(match self.byte()? {
            0 => Json::Null,
            1 => Json::Bool(false),
            2 => Json::Bool(true),
            3 => Json::Number(Number::from(self.uint()?)),
            4 => Json::Number(Number::from(!i64::try_from(self.uint()?).ok()?)),
            5 => Json::Number(Number::from_f64(self.float()?)?),
            6 => Json::String(self.text()?),
            7 => Json::Array(self.list(usize::MAX, |r| r.json(depth + 1))?),
            8 => {
                let count = self.len(usize::MAX)?;
                let mut map = Map::new();
                for _ in 0..count {
                    let key = self.text()?;
                    let value = self.json(depth + 1)?;
                    map.insert(key, value);
                }
                Json::Object(map)
            }
            _ => return None,
        })
    }

    fn pattern(&mut self) -> Option<Pattern> {
        let source = self.text()?;
        let insts = self.list(MAX_PROGRAM, |r| {
            Some(match r.byte()? {
                0 => Inst::Class(r.u32()?, r.u32()?),
                1 => Inst::Look(*LOOKS.get(usize::from(r.byte()?))?),
                2 => Inst::Split(r.u32()?, r.u32()?),
                3 => Inst::Jump(r.u32()?),
                4 => Inst::Match,
                _ => return None,
            })
        })?;
        let table = self.list(usize::MAX, |r| Some((r.u32()?, r.u32()?)))?;
        Some(Pattern::from_program(source, Program { insts, table }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for len in 0..20usize {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 200) as u8).collect();
            let mut text = String::new();
            to_base64(&bytes, &mut text);
            assert_eq!(text.len(), (len * 4).div_ceil(3));
            assert_eq!(from_base64(&text), Some(bytes));
        }
        assert_eq!(from_base64("TWFu"), Some(b"Man".to_vec()));
        assert_eq!(from_base64("TWE"), Some(b"Ma".to_vec()));
        assert_eq!(from_base64("TWE="), None);
    }

    #[test]
    fn numbers_round_trip() {
        let mut w = Writer { out: Vec::new(), template: &empty() };
        let values = [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX];
        values.iter().for_each(|n| w.uint(*n));
        let out = w.out;
        let mut r = Reader { bytes: &out, pos: 0, items: Vec::new() };
        for n in values {
            assert_eq!(r.uint(), Some(n));
        }
        assert_eq!(r.uint(), None);
        // Too long, or too large for 64 bits.
        let mut r = Reader { bytes: &[0xff; 11], pos: 0, items: Vec::new() };
        assert_eq!(r.uint(), None);
        let mut r = Reader { bytes: &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02], pos: 0, items: Vec::new() };
        assert_eq!(r.uint(), None);
    }

    fn empty() -> Template {
        Template {
            title: String::new(),
            description: None,
            pages: Vec::new(),
            items: Vec::new(),
            plan: Plan::default(),
            patterns: Patterns::only(Vec::new()),
            source: Json::Null,
            fingerprint: None,
        }
    }
}
