//! The template model: pages of items, read from the JSON format of
//! `docs/template-format.md` and checked in full before use, or unpacked
//! from the packed form the host sends the browser (`packed`).
//!
//! Items live in one arena ([`Template::items`]) and pages and repeats refer to
//! them by [`ItemId`], so that the evaluator can keep per-item state in flat
//! tables and walk dependencies without borrowing trouble.

mod check;
mod packed;
mod plan;
mod read;

use crate::error::{Error, Problem};
use crate::expr::Expr;
use crate::pattern::{Pattern, Patterns};

pub use plan::{Node, Plan};
pub(crate) use plan::{heapsort, Map};

/// The only format this engine reads.
pub const FORMAT: &str = "interview/1";

/// Bounds that keep a hostile template from costing unbounded time or memory.
pub mod limits {
    /// Largest template document accepted, in bytes of JSON.
    pub const MAX_TEMPLATE_BYTES: usize = 4 * 1024 * 1024;
    /// Longest packed template accepted ([`Template::unpack`](super::Template::unpack)),
    /// in bytes of text: compiled patterns can be larger than their source.
    pub const MAX_PACKED_BYTES: usize = 4 * MAX_TEMPLATE_BYTES;
    /// Most pages in one template.
    pub const MAX_PAGES: usize = 1_000;
    /// Most items (all kinds, at every depth) in one template.
    pub const MAX_ITEMS: usize = 10_000;
    /// Deepest nesting of repeats inside repeats.
    pub const MAX_REPEAT_DEPTH: usize = 4;
    /// Longest label, help, note or message text, in characters.
    pub const MAX_TEXT_CHARS: usize = 20_000;
    /// Longest id, in characters.
    pub const MAX_ID_CHARS: usize = 64;
    /// Most options of one choice question.
    pub const MAX_OPTIONS: usize = 1_000;
    /// Most checks on one question.
    pub const MAX_CHECKS: usize = 50;
    /// Most entries a repeat may allow (also the default `max_items`).
    pub const MAX_REPEAT_ENTRIES: u32 = 1_000;
}

/// Index of an item in [`Template::items`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemId(pub u32);

impl ItemId {
    /// The index into [`Template::items`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A checked template, ready to render and validate against.
#[derive(Debug, Clone)]
pub struct Template {
    /// Shown as the interview's heading.
    pub title: String,
    /// Optional text shown on the first page.
    pub description: Option<String>,
    /// The pages in order.
    pub pages: Vec<Page>,
    /// Every item of every page and repeat, in document order.
    pub items: Vec<Item>,
    /// The evaluation plan: dependency graph and order.
    pub(crate) plan: Plan,
    /// The patterns of `.matches()` calls, compiled ahead.
    pub(crate) patterns: Patterns,
    /// The document as read, for passing on unchanged (to the browser, to
    /// storage); `null` for a template unpacked from its packed form.
    source: serde_json::Value,
    /// The fingerprint carried by a packed template (whose `source` is
    /// `null`); `None` when it is worked out from `source`.
    fingerprint: Option<String>,
}

/// One page of the interview.
#[derive(Debug, Clone)]
pub struct Page {
    /// Unique among pages.
    pub id: String,
    /// Shown as the page heading.
    pub title: String,
    /// When present and not true, the whole page is skipped.
    pub visible_if: Option<Expression>,
    /// The page's items, in order.
    pub items: Vec<ItemId>,
    /// JSON path of the page in the template (`pages[2]`).
    pub path: String,
}

/// An expression with the source it was parsed from.
#[derive(Debug, Clone)]
pub struct Expression {
    /// The text as written in the template.
    pub source: String,
    /// The parsed form.
    pub expr: Expr,
}

/// A rule a question's answer must keep, with the message shown when it does not.
#[derive(Debug, Clone)]
pub struct Check {
    /// Must evaluate to true (`null`, from unanswered questions, counts as passing).
    pub rule: Expression,
    /// Shown when the rule is false.
    pub message: String,
}

/// Where an item sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    /// Directly on a page.
    Page(usize),
    /// Inside a repeat: one copy per entry.
    Repeat(ItemId),
}

/// One item of a page: a question, a computed value or a note.
#[derive(Debug, Clone)]
pub struct Item {
    /// The answer's key; `None` only for notes without an id.
    pub id: Option<String>,
    /// The question text.
    pub label: Option<String>,
    /// Extra guidance shown with the question.
    pub help: Option<String>,
    /// Whether an answer is needed (when visible).
    pub required: bool,
    /// Required when this is true.
    pub required_if: Option<Expression>,
    /// Shown (and kept) only when this is true.
    pub visible_if: Option<Expression>,
    /// Pre-filled answer.
    pub default: Option<serde_json::Value>,
    /// Further rules on the answer.
    pub checks: Vec<Check>,
    /// The type and its own options.
    pub kind: ItemKind,
    /// The page the item is on.
    pub page: usize,
    /// The page or repeat holding it.
    pub parent: Parent,
    /// How many repeats enclose it.
    pub depth: usize,
    /// JSON path in the template document (`pages[0].items[3]`).
    pub path: String,
}

/// A choice option.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceOption {
    /// The value stored in the answer.
    pub value: String,
    /// The text shown.
    pub label: String,
}

/// How a single choice is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceDisplay {
    /// A group of radio buttons (the default).
    Radio,
    /// A drop-down list.
    Dropdown,
}

/// A date bound: a fixed date or the day of answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateBound {
    /// This date.
    Fixed(crate::date::Date),
    /// The "today" the caller passes in.
    Today,
}

impl DateBound {
    /// The bound as a date, given today.
    pub fn resolve(self, today: crate::date::Date) -> crate::date::Date {
        match self {
            DateBound::Fixed(d) => d,
            DateBound::Today => today,
        }
    }
}

/// A piece of a note's text.
#[derive(Debug, Clone)]
pub enum NotePart {
    /// Literal text.
    Text(String),
    /// A `{{ expression }}` to interpolate.
    Expr(Expression),
}

/// The item types of the format, with their own options.
#[derive(Debug, Clone)]
pub enum ItemKind {
    /// Free text.
    Text {
        /// Fewest characters.
        min_length: Option<u32>,
        /// Most characters.
        max_length: Option<u32>,
        /// The whole answer must match this pattern.
        pattern: Option<Pattern>,
        /// Shown when the pattern does not match.
        pattern_message: Option<String>,
        /// Shown as a multi-line box.
        multiline: bool,
    },
    /// A number.
    Number {
        /// Smallest allowed.
        min: Option<f64>,
        /// Largest allowed.
        max: Option<f64>,
        /// Whole numbers only.
        integer: bool,
        /// Must be a multiple of this step (counted from `min`, or 0).
        step: Option<f64>,
    },
    /// A calendar date, `YYYY-MM-DD`.
    Date {
        /// Earliest allowed.
        min: Option<DateBound>,
        /// Latest allowed.
        max: Option<DateBound>,
    },
    /// An email address.
    Email,
    /// A phone number, stored in E.164 form.
    Phone {
        /// Region (ISO 3166 alpha-2) assumed for numbers written without a country code.
        region: Option<String>,
    },
    /// Yes or no.
    YesNo,
    /// One option of a list.
    Choice {
        /// The options in order.
        options: Vec<ChoiceOption>,
        /// Radio buttons or a drop-down.
        display: ChoiceDisplay,
    },
    /// Any number of options of a list.
    MultiChoice {
        /// The options in order.
        options: Vec<ChoiceOption>,
        /// Fewest selected.
        min_selected: Option<u32>,
        /// Most selected.
        max_selected: Option<u32>,
    },
    /// Uploaded files.
    File {
        /// Allowed MIME types (`image/*` allowed); empty means any.
        accept: Vec<String>,
        /// Largest file, in bytes.
        max_bytes: Option<u64>,
        /// Most files.
        max_files: Option<u32>,
    },
    /// A group of questions answered once per entry.
    Repeat {
        /// The questions of one entry.
        items: Vec<ItemId>,
        /// Fewest entries.
        min_items: Option<u32>,
        /// Most entries.
        max_items: u32,
        /// What one entry is called ("Child").
        item_label: Option<String>,
    },
    /// A value derived from other answers; never answered.
    Computed {
        /// How it is computed.
        expr: Expression,
    },
    /// Static text with `{{ }}` interpolation; never answered.
    Note {
        /// The text as written.
        text: String,
        /// The text split into literal parts and expressions.
        parts: Vec<NotePart>,
    },
}

impl ItemKind {
    /// The type name as written in the template.
    pub fn type_name(&self) -> &'static str {
        match self {
            ItemKind::Text { .. } => "text",
            ItemKind::Number { .. } => "number",
            ItemKind::Date { .. } => "date",
            ItemKind::Email => "email",
            ItemKind::Phone { .. } => "phone",
            ItemKind::YesNo => "yes_no",
            ItemKind::Choice { .. } => "choice",
            ItemKind::MultiChoice { .. } => "multi_choice",
            ItemKind::File { .. } => "file",
            ItemKind::Repeat { .. } => "repeat",
            ItemKind::Computed { .. } => "computed",
            ItemKind::Note { .. } => "note",
        }
    }

    /// True for the kinds a client answers (not computed values or notes).
    pub fn is_answerable(&self) -> bool {
        !matches!(self, ItemKind::Computed { .. } | ItemKind::Note { .. })
    }
}

impl Item {
    /// The id, or "" for a note without one.
    pub fn id_str(&self) -> &str {
        self.id.as_deref().unwrap_or("")
    }

    /// The text naming the question in messages: its label, else its id.
    pub fn display_name(&self) -> &str {
        match &self.label {
            Some(label) if !label.trim().is_empty() => label,
            _ => self.id_str(),
        }
    }
}

impl Template {
    /// Reads and fully checks a template from JSON text.
    ///
    /// Returns [`Error::InvalidTemplate`] with every problem found, each named
    /// by its JSON path, or [`Error::Json`] when the text is not JSON at all.
    pub fn from_json(text: &str) -> Result<Template, Error> {
        if text.len() > limits::MAX_TEMPLATE_BYTES {
            return Err(Error::InvalidTemplate(vec![Problem {
                path: String::new(),
                message: format!(
                    "the template is {} bytes; the most accepted is {} bytes",
                    text.len(),
                    limits::MAX_TEMPLATE_BYTES
                ),
            }]));
        }
        let value = crate::json::parse(text).map_err(|e| Error::Json(e.to_string()))?;
        Template::from_value(value)
    }

    /// Reads and fully checks a template from a parsed JSON document.
    pub fn from_value(value: serde_json::Value) -> Result<Template, Error> {
        let mut template = read::read(&value).map_err(Error::InvalidTemplate)?;
        template.source = value;
        let plan = check::check(&template).map_err(Error::InvalidTemplate)?;
        template.plan = plan;
        template.patterns = read::patterns(&template);
        Ok(template)
    }

    /// The template in its packed form: a compact text holding the read
    /// template (expressions parsed, patterns compiled), for the browser,
    /// which reads it back with [`Template::unpack`] without linking the
    /// JSON reader, the expression parser or the pattern parser.
    pub fn pack(&self) -> String {
        packed::pack(self)
    }

    /// Reads a template packed by [`Template::pack`], with the evaluation
    /// plan it was packed with. Malformed, truncated or oversized input, or an
    /// unknown format version, is an error.
    ///
    /// Natively, and in wasm with the `checker` feature, the template is also
    /// checked in full again and the packed plan must be the one the check
    /// makes. In the browser's build (wasm without `checker`) the plan is
    /// only checked to fit the template (every node and item it names
    /// exists), so that the check's code is not linked there: the host
    /// checked the template before packing it.
    ///
    /// The unpacked template has no JSON source ([`Template::source`] is
    /// `null`), keeps the fingerprint it was packed with, and evaluates
    /// `.matches()` with the pattern literals it was packed with only.
    pub fn unpack(text: &str) -> Result<Template, Error> {
        #[allow(unused_mut)]
        let mut template = packed::unpack(text)?;
        #[cfg(any(feature = "checker", not(target_arch = "wasm32")))]
        {
            let checked = check::check(&template).map_err(Error::InvalidTemplate)?;
            if !checked.same_graph(&template.plan) {
                return Err(Error::Packed("the evaluation plan does not fit the template".to_owned()));
            }
            template.plan = checked;
        }
        Ok(template)
    }

    /// The document as it was read; `null` for an unpacked template.
    pub fn source(&self) -> &serde_json::Value {
        &self.source
    }

    /// The patterns `.matches()` uses while evaluating this template.
    pub fn patterns(&self) -> &Patterns {
        &self.patterns
    }

    /// Calls `f` on every expression of the template: pages' and items'
    /// conditions, checks, computed values and notes' parts.
    pub(crate) fn for_each_expression(&self, mut f: impl FnMut(&Expression)) {
        for page in &self.pages {
            page.visible_if.iter().for_each(&mut f);
        }
        for item in &self.items {
            item.required_if.iter().chain(&item.visible_if).for_each(&mut f);
            item.checks.iter().for_each(|c| f(&c.rule));
            match &item.kind {
                ItemKind::Computed { expr } => f(expr),
                ItemKind::Note { parts, .. } => {
                    for part in parts {
                        if let NotePart::Expr(e) = part {
                            f(e);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// The item with this id in the arena.
    pub fn item(&self, id: ItemId) -> &Item {
        // Ids are only made by this crate, from indices into `items`.
        &self.items[id.index()]
    }

    /// All items with their ids, in document order.
    pub fn items_with_ids(&self) -> impl Iterator<Item = (ItemId, &Item)> {
        self.items.iter().enumerate().map(|(i, item)| (ItemId(i as u32), item))
    }

    /// The top-level question (not inside a repeat) with this id.
    pub fn top_level(&self, id: &str) -> Option<ItemId> {
        self.plan.scopes.resolve(None, id)
    }

    /// The question with this id as seen from inside `repeat` (siblings first, then outwards).
    pub fn resolve(&self, repeat: Option<ItemId>, id: &str) -> Option<ItemId> {
        self.plan.scopes.resolve(repeat, id)
    }

    /// The child of `repeat` with this id (not looking outwards).
    pub fn child(&self, repeat: ItemId, id: &str) -> Option<ItemId> {
        match &self.item(repeat).kind {
            ItemKind::Repeat { items, .. } => items.iter().copied().find(|c| self.item(*c).id_str() == id),
            _ => None,
        }
    }

    /// The repeats enclosing an item, outermost first.
    pub fn repeat_chain(&self, id: ItemId) -> Vec<ItemId> {
        let mut chain = Vec::new();
        let mut parent = self.item(id).parent;
        while let Parent::Repeat(r) = parent {
            chain.push(r);
            parent = self.item(r).parent;
        }
        chain.reverse();
        chain
    }

    /// The innermost repeat enclosing an item, if any.
    pub fn enclosing_repeat(&self, id: ItemId) -> Option<ItemId> {
        match self.item(id).parent {
            Parent::Repeat(r) => Some(r),
            Parent::Page(_) => None,
        }
    }

    /// A stable fingerprint of the template document (FNV-1a 64 of its canonical JSON, in hex),
    /// so that a draft can tell whether it was made for this exact template.
    pub fn fingerprint(&self) -> String {
        match &self.fingerprint {
            Some(packed) => packed.clone(),
            None => fingerprint_of(&self.source),
        }
    }
}

/// The fingerprint of any template document; see [`Template::fingerprint`].
pub fn fingerprint_of(document: &serde_json::Value) -> String {
    // serde_json's default map keeps keys sorted, so this text is canonical
    // (the engine's writer: the same bytes as serde_json's `to_string`).
    let text = crate::json::to_string(document);
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.as_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}
