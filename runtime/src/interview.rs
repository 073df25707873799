//! Evaluating a checked template against answers: which pages and items are
//! visible, the effective value of each question (null when hidden or
//! unanswered), computed values, note text, and whether a question is
//! required. After one answer changes, only the nodes of the plan that depend
//! on it are evaluated again ([`Interview::set`]).
//!
//! An item inside repeats exists once per entry: an [`Instance`] lists the
//! entry indices of its enclosing repeats, outermost first (empty at the top
//! level).


use serde_json::Value as Json;

use crate::date::Date;
use crate::expr::{self, Context, Scope};
use crate::template::{heapsort, limits, ItemId, ItemKind, Map, Node, NotePart, Parent, Template};
use crate::value::Value;
use crate::AnswerSet;

/// Entry indices of the repeats enclosing an item, outermost first.
pub type Instance = Vec<u32>;

/// What a raw answer means for its question.
#[derive(Debug, Clone, PartialEq)]
pub enum Coerced {
    /// No answer: absent, null, blank text or an empty list.
    Missing,
    /// An answer of the right JSON type, in its normal form (trimmed text, E.164 phone numbers, ...).
    Answer(Json),
    /// An answer of the wrong JSON type for the question.
    WrongType,
}

/// The state of one item instance.
#[derive(Debug, Clone, Default, PartialEq)]
struct Slot {
    visible: bool,
    value: Value,
}

/// What one call to [`Interview::set`] changed, for a UI to update only that.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// Pages whose visibility changed.
    pub pages: Vec<usize>,
    /// Item instances whose visibility or value changed.
    pub items: Vec<(ItemId, Instance)>,
    /// True when everything was evaluated again (an entry was added or removed).
    pub everything: bool,
}

/// A template evaluated against a set of answers.
#[derive(Debug, Clone)]
pub struct Interview<'t> {
    template: &'t Template,
    today: Date,
    answers: AnswerSet,
    page_visible: Vec<bool>,
    slots: Map<(ItemId, Instance), Slot>,
}

impl<'t> Interview<'t> {
    /// Evaluates `template` against `answers` as of `today`.
    pub fn new(template: &'t Template, answers: AnswerSet, today: Date) -> Interview<'t> {
        let mut interview = Interview {
            template,
            today,
            answers,
            page_visible: vec![false; template.pages.len()],
            slots: Map::default(),
        };
        interview.evaluate_all();
        interview
    }

    /// The template being evaluated.
    pub fn template(&self) -> &'t Template {
        self.template
    }

    /// The day the rules treat as today.
    pub fn today(&self) -> Date {
        self.today
    }

    /// The answers as given (hidden answers included, not normalised).
    pub fn answers(&self) -> &AnswerSet {
        &self.answers
    }

    /// Replaces all answers and evaluates everything again.
    pub fn set_all(&mut self, answers: AnswerSet) {
        self.answers = answers;
        self.evaluate_all();
    }

    /// Sets the answer of one item instance (`Json::Null` clears it) and evaluates
    /// again only what depends on it. Setting a whole repeat, or changing the number
    /// of entries, evaluates everything again.
    pub fn set(&mut self, item: ItemId, instance: &[u32], value: Json) -> Changes {
        let Some(slot) = self.raw_slot_mut(item, instance) else {
            return Changes::default();
        };
        *slot = value;
        if matches!(self.template.item(item).kind, ItemKind::Repeat { .. }) {
            return self.evaluate_everything_reporting();
        }
        let nodes = self.template.plan.downstream(Node::Val(item));
        self.run_nodes(&nodes)
    }

    /// Adds an empty entry at the end of a repeat instance; returns its index.
    pub fn add_entry(&mut self, repeat: ItemId, instance: &[u32]) -> Option<u32> {
        let slot = self.raw_slot_mut(repeat, instance)?;
        if !slot.is_array() {
            *slot = Json::Array(Vec::new());
        }
        let list = slot.as_array_mut()?;
        list.push(Json::Object(serde_json::Map::new()));
        let index = (list.len() - 1) as u32;
        self.evaluate_all();
        Some(index)
    }

    /// Removes one entry of a repeat instance.
    pub fn remove_entry(&mut self, repeat: ItemId, instance: &[u32], entry: u32) -> bool {
        let removed = self
            .raw_slot_mut(repeat, instance)
            .and_then(Json::as_array_mut)
            .filter(|list| (entry as usize) < list.len())
            .map(|list| list.remove(entry as usize))
            .is_some();
        if removed {
            self.evaluate_all();
        }
        removed
    }

    /// Moves an entry of a repeat instance from one position to another.
    pub fn move_entry(&mut self, repeat: ItemId, instance: &[u32], from: u32, to: u32) -> bool {
        let moved = match self.raw_slot_mut(repeat, instance).and_then(Json::as_array_mut) {
            Some(list) if (from as usize) < list.len() && (to as usize) < list.len() => {
                let entry = list.remove(from as usize);
                list.insert(to as usize, entry);
                true
            }
            _ => false,
        };
        if moved {
            self.evaluate_all();
        }
        moved
    }

    /// Whether a page is shown.
    pub fn is_page_visible(&self, page: usize) -> bool {
        self.page_visible.get(page).copied().unwrap_or(false)
    }

    /// The pages shown, in order.
    pub fn visible_pages(&self) -> Vec<usize> {
        (0..self.template.pages.len()).filter(|p| self.is_page_visible(*p)).collect()
    }

    /// Whether an item instance is shown.
    pub fn is_visible(&self, item: ItemId, instance: &[u32]) -> bool {
        self.slots.get(&(item, instance.to_vec())).map(|s| s.visible).unwrap_or(false)
    }

    /// The effective value of an item instance: null when hidden, unanswered or of the wrong type.
    pub fn value(&self, item: ItemId, instance: &[u32]) -> Value {
        self.slots.get(&(item, instance.to_vec())).map(|s| s.value.clone()).unwrap_or(Value::Null)
    }

    /// The raw answer of an item instance as given, if any.
    pub fn raw(&self, item: ItemId, instance: &[u32]) -> Option<&Json> {
        let chain = self.template.repeat_chain(item);
        let mut map = &self.answers;
        for (repeat, entry) in chain.iter().zip(instance) {
            let name = self.template.item(*repeat).id_str();
            map = map.get(name)?.as_array()?.get(*entry as usize)?.as_object()?;
        }
        map.get(self.template.item(item).id_str())
    }

    /// The number of entries of a repeat instance (as given, up to the engine's limit).
    pub fn entries(&self, repeat: ItemId, instance: &[u32]) -> u32 {
        self.raw(repeat, instance)
            .and_then(Json::as_array)
            .map(|list| (list.len() as u32).min(limits::MAX_REPEAT_ENTRIES))
            .unwrap_or(0)
    }

    /// Whether an item instance needs an answer now: visible and `required`, or `required_if` true.
    pub fn is_required(&self, item: ItemId, instance: &[u32]) -> bool {
        if !self.is_visible(item, instance) {
            return false;
        }
        let it = self.template.item(item);
        if it.required {
            return true;
        }
        match &it.required_if {
            Some(e) => self.eval_at(item, instance, &e.expr) == Value::Bool(true),
            None => false,
        }
    }

    /// The text of a note instance with its `{{ }}` parts filled in.
    pub fn note_text(&self, item: ItemId, instance: &[u32]) -> String {
        let ItemKind::Note { parts, .. } = &self.template.item(item).kind else {
            return String::new();
        };
        let mut text = String::new();
        for part in parts {
            match part {
                NotePart::Text(t) => text.push_str(t),
                NotePart::Expr(e) => text.push_str(&self.eval_at(item, instance, &e.expr).display_text()),
            }
        }
        text
    }

    /// Evaluates an expression written on `item`, in the scope of that item's instance.
    pub fn eval_at(&self, item: ItemId, instance: &[u32], expression: &expr::Expr) -> Value {
        let scope = InstanceScope { interview: self, scope: self.template.enclosing_repeat(item), instance };
        expr::eval(expression, &Context { scope: &scope, today: self.today, patterns: &self.template.patterns })
    }

    /// Every instance of an item, in document order.
    pub fn instances(&self, item: ItemId) -> Vec<Instance> {
        let chain = self.template.repeat_chain(item);
        let mut instances: Vec<Instance> = vec![Vec::new()];
        for repeat in chain {
            let mut next = Vec::new();
            for instance in &instances {
                for entry in 0..self.entries(repeat, instance) {
                    let mut deeper = instance.clone();
                    deeper.push(entry);
                    next.push(deeper);
                }
            }
            instances = next;
        }
        instances
    }

    fn evaluate_all(&mut self) {
        self.slots.clear();
        self.page_visible = vec![false; self.template.pages.len()];
        // The template is borrowed for 't, not through `self`: no copy of the order needed.
        let template = self.template;
        for node in &template.plan.order {
            self.run_node(*node, &mut None);
        }
    }

    fn evaluate_everything_reporting(&mut self) -> Changes {
        self.evaluate_all();
        Changes { everything: true, ..Changes::default() }
    }

    fn run_nodes(&mut self, nodes: &[Node]) -> Changes {
        let mut changes = Some(Changes::default());
        for node in nodes {
            self.run_node(*node, &mut changes);
        }
        let mut changes = changes.unwrap_or_default();
        heapsort(&mut changes.items);
        changes.items.dedup();
        changes
    }

    fn run_node(&mut self, node: Node, changes: &mut Option<Changes>) {
        match node {
            Node::PageVis(p) => {
                let visible = match self.template.pages.get(p).and_then(|page| page.visible_if.as_ref()) {
                    Some(e) => {
                        let scope = InstanceScope { interview: self, scope: None, instance: &[] };
                        expr::eval(&e.expr, &Context { scope: &scope, today: self.today, patterns: &self.template.patterns }) == Value::Bool(true)
                    }
                    None => true,
                };
                if let Some(slot) = self.page_visible.get_mut(p) {
                    if *slot != visible {
                        *slot = visible;
                        if let Some(c) = changes {
                            c.pages.push(p);
                        }
                    }
                }
            }
            Node::Vis(item) => {
                for instance in self.instances(item) {
                    let visible = self.compute_visibility(item, &instance);
                    self.store(item, instance, changes, |slot| slot.visible = visible);
                }
            }
            Node::Val(item) => {
                for instance in self.instances(item) {
                    let value = self.compute_value(item, &instance);
                    self.store(item, instance, changes, |slot| slot.value = value);
                }
            }
        }
    }

    fn store(&mut self, item: ItemId, instance: Instance, changes: &mut Option<Changes>, update: impl FnOnce(&mut Slot)) {
        match changes {
            None => update(self.slots.entry((item, instance)).or_default()),
            Some(c) => {
                let slot = self.slots.entry((item, instance.clone())).or_default();
                let before = slot.clone();
                update(slot);
                if *slot != before {
                    c.items.push((item, instance));
                }
            }
        }
    }

    fn compute_visibility(&self, item: ItemId, instance: &[u32]) -> bool {
        let it = self.template.item(item);
        let parent_visible = match it.parent {
            Parent::Page(p) => self.is_page_visible(p),
            Parent::Repeat(r) => self.is_visible(r, instance.split_last().map_or(instance, |(_, outer)| outer)),
        };
        if !parent_visible {
            return false;
        }
        match &it.visible_if {
            Some(e) => self.eval_at(item, instance, &e.expr) == Value::Bool(true),
            None => true,
        }
    }

    fn compute_value(&self, item: ItemId, instance: &[u32]) -> Value {
        if !self.is_visible(item, instance) {
            return Value::Null;
        }
        let it = self.template.item(item);
        match &it.kind {
            ItemKind::Note { .. } => Value::Null,
            ItemKind::Computed { expr } => self.eval_at(item, instance, &expr.expr),
            ItemKind::Repeat { items, .. } => {
                let count = self.entries(item, instance);
                let mut entries = Vec::with_capacity(count as usize);
                for entry in 0..count {
                    let mut child_instance = instance.to_vec();
                    child_instance.push(entry);
                    let mut map = std::collections::BTreeMap::new();
                    for child in items {
                        let value = self.value(*child, &child_instance);
                        let child_item = self.template.item(*child);
                        if value != Value::Null && !matches!(child_item.kind, ItemKind::Note { .. }) {
                            map.insert(child_item.id_str().to_owned(), value);
                        }
                    }
                    entries.push(Value::Map(map));
                }
                if entries.is_empty() {
                    Value::Null
                } else {
                    Value::List(entries)
                }
            }
            kind => match self.raw(item, instance) {
                Some(raw) => match coerce(kind, raw) {
                    Coerced::Answer(json) => Value::from_json(&json),
                    Coerced::Missing | Coerced::WrongType => Value::Null,
                },
                None => Value::Null,
            },
        }
    }

    /// The raw answer slot of an item instance, created (as null) when absent.
    fn raw_slot_mut(&mut self, item: ItemId, instance: &[u32]) -> Option<&mut Json> {
        let chain = self.template.repeat_chain(item);
        if chain.len() != instance.len() {
            return None;
        }
        let mut map = &mut self.answers;
        for (repeat, entry) in chain.iter().zip(instance) {
            let name = self.template.item(*repeat).id_str().to_owned();
            let list = map.get_mut(&name)?.as_array_mut()?;
            let slot = list.get_mut(*entry as usize)?;
            if !slot.is_object() {
                *slot = Json::Object(serde_json::Map::new());
            }
            map = slot.as_object_mut()?;
        }
        let name = self.template.item(item).id_str().to_owned();
        if name.is_empty() {
            return None;
        }
        Some(map.entry(name).or_insert(Json::Null))
    }
}

/// Name lookup for expressions written inside one item instance.
struct InstanceScope<'a, 't> {
    interview: &'a Interview<'t>,
    scope: Option<ItemId>,
    instance: &'a [u32],
}

impl Scope for InstanceScope<'_, '_> {
    fn lookup(&self, name: &str) -> Value {
        let template = self.interview.template;
        let Some(target) = template.resolve(self.scope, name) else {
            return Value::Null;
        };
        // The target's repeats enclose the current scope too, so its instance is a prefix of ours.
        let depth = template.item(target).depth.min(self.instance.len());
        self.interview.value(target, self.instance.get(..depth).unwrap_or(self.instance))
    }
}

/// Interprets a raw answer for a question kind: its normal form, missing, or the wrong type.
pub fn coerce(kind: &ItemKind, raw: &Json) -> Coerced {
    match (kind, raw) {
        (_, Json::Null) => Coerced::Missing,
        (ItemKind::Text { .. } | ItemKind::Date { .. } | ItemKind::Choice { .. }, Json::String(s)) => text(s),
        (ItemKind::Email, Json::String(s)) => match text(s) {
            Coerced::Answer(Json::String(t)) => {
                Coerced::Answer(Json::String(crate::email::normalise(&t).unwrap_or(t)))
            }
            other => other,
        },
        (ItemKind::Phone { region }, Json::String(s)) => match text(s) {
            Coerced::Answer(Json::String(t)) => {
                Coerced::Answer(Json::String(crate::phone::normalise(&t, region.as_deref()).unwrap_or(t)))
            }
            other => other,
        },
        (ItemKind::Number { .. }, Json::Number(_)) => Coerced::Answer(raw.clone()),
        (ItemKind::YesNo, Json::Bool(_)) => Coerced::Answer(raw.clone()),
        (ItemKind::MultiChoice { .. }, Json::Array(list)) => {
            let mut values: Vec<Json> = Vec::new();
            for v in list {
                if !v.is_string() {
                    return Coerced::WrongType;
                }
                // Compared as text (all are strings here), not as JSON values:
                // JSON equality would link code of its own into the browser's wasm.
                if !values.iter().any(|kept| kept.as_str() == v.as_str()) {
                    values.push(v.clone());
                }
            }
            if values.is_empty() {
                Coerced::Missing
            } else {
                Coerced::Answer(Json::Array(values))
            }
        }
        (ItemKind::File { .. }, Json::Array(list)) => {
            let mut files = Vec::new();
            for v in list {
                match file_reference(v) {
                    Some(f) => files.push(f),
                    None => return Coerced::WrongType,
                }
            }
            if files.is_empty() {
                Coerced::Missing
            } else {
                Coerced::Answer(Json::Array(files))
            }
        }
        (ItemKind::Repeat { .. }, Json::Array(list)) => {
            if list.is_empty() {
                Coerced::Missing
            } else if list.iter().all(Json::is_object) {
                Coerced::Answer(raw.clone())
            } else {
                Coerced::WrongType
            }
        }
        _ => Coerced::WrongType,
    }
}

fn text(s: &str) -> Coerced {
    let trimmed = s.trim();
    if trimmed.is_empty() {
        Coerced::Missing
    } else {
        Coerced::Answer(Json::String(trimmed.to_owned()))
    }
}

/// A file reference with exactly its known fields, or `None` when it has the wrong shape.
fn file_reference(v: &Json) -> Option<Json> {
    let map = v.as_object()?;
    let mut out = serde_json::Map::new();
    for key in ["file_id", "name", "content_type", "sha256"] {
        out.insert(key.to_owned(), Json::String(map.get(key)?.as_str()?.to_owned()));
    }
    let size = map.get("size")?;
    size.as_u64()?;
    out.insert("size".to_owned(), size.clone());
    Some(Json::Object(out))
}

