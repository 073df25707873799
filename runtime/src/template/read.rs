//! Reading a template document into the model, collecting every problem of
//! shape (unknown keys, wrong JSON types, missing fields, bad values) with its
//! JSON path. Meaning (names, types of expressions, cycles) is checked after,
//! in `check`.

use serde_json::{Map, Value as Json};

use super::{
    limits, Check, ChoiceDisplay, ChoiceOption, DateBound, Expression, Item, ItemId, ItemKind, NotePart, Page,
    Parent, Plan, Template, FORMAT,
};
use crate::date::Date;
use crate::error::Problem;
use crate::expr::{self, Expr, ExprKind};
use crate::pattern::{Pattern, Patterns};

/// Keys every question accepts, whatever its type.
const COMMON_KEYS: &[&str] =
    &["type", "id", "label", "help", "required", "required_if", "visible_if", "default", "checks"];

/// The item types, each with the keys it accepts besides the common ones (or,
/// for computed values and notes, besides `type` alone). A table rather than a
/// `match` on the name: the names are compared in one loop, not one by one in
/// code, which is smaller in the browser's wasm.
const TYPES: &[(&str, &[&str])] = &[
    ("text", &["min_length", "max_length", "pattern", "pattern_message", "multiline"]),
    ("number", &["min", "max", "integer", "step"]),
    ("date", &["min", "max"]),
    ("email", &[]),
    ("phone", &["region"]),
    ("yes_no", &[]),
    ("choice", &["options", "display"]),
    ("multi_choice", &["options", "min_selected", "max_selected"]),
    ("file", &["accept", "max_bytes", "max_files"]),
    ("repeat", &["items", "min_items", "max_items", "item_label"]),
    ("computed", &["id", "label", "help", "visible_if", "expr"]),
    ("note", &["id", "visible_if", "text"]),
];

/// Reads the document; every problem found is returned, not only the first.
pub(super) fn read(doc: &Json) -> Result<Template, Vec<Problem>> {
    let mut reader = Reader { problems: Vec::new(), items: Vec::new() };
    let template = reader.template(doc);
    if reader.problems.is_empty() {
        if let Some(template) = template {
            return Ok(template);
        }
    }
    Err(reader.problems)
}

struct Reader {
    problems: Vec<Problem>,
    items: Vec<Item>,
}

/// A JSON path under construction.
fn key_path(base: &str, key: &str) -> String {
    if base.is_empty() {
        key.to_owned()
    } else {
        format!("{base}.{key}")
    }
}

fn json_type(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

/// True for ids usable as names in expressions.
pub(super) fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    let first_ok = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_');
    first_ok
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(id, "true" | "false" | "null" | "in")
}

impl Reader {
    fn problem(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.push_problem(path.into(), message.into());
    }

    /// The one copy of the push that the generic `problem` wrappers share.
    #[inline(never)]
    fn push_problem(&mut self, path: String, message: String) {
        self.problems.push(Problem { path, message });
    }

    /// Records a problem with `key` under `path`.
    fn problem_at(&mut self, path: &str, key: &str, message: impl Into<String>) {
        self.problem(key_path(path, key), message);
    }

    fn object<'a>(&mut self, value: &'a Json, path: &str, what: &str) -> Option<&'a Map<String, Json>> {
        match value {
            Json::Object(map) => Some(map),
            other => {
                self.problem(path, format!("{what} must be an object, not {}", json_type(other)));
                None
            }
        }
    }

    /// Records that `key` holds the wrong JSON type; one place that words it.
    fn wrong_type(&mut self, path: &str, key: &str, expected: &str, found: &Json) {
        self.problem_at(path, key, format!("`{key}` must be {expected}, not {}", json_type(found)));
    }

    /// Records that `key` is missing.
    fn missing(&mut self, path: &str, key: &str) {
        self.problem_at(path, key, format!("`{key}` is required"));
    }

    /// The list under `key`; a problem when it is not a list, or missing and `required`.
    fn list<'a>(&mut self, map: &'a Map<String, Json>, key: &str, path: &str, required: bool) -> Option<&'a [Json]> {
        match map.get(key) {
            Some(Json::Array(list)) => Some(list),
            Some(other) => {
                self.wrong_type(path, key, "a list", other);
                None
            }
            None => {
                if required {
                    self.missing(path, key);
                }
                None
            }
        }
    }

    /// Records every key that is in neither `allowed` nor `also`.
    fn unknown_keys(&mut self, map: &Map<String, Json>, path: &str, allowed: &[&str], also: &[&str], what: &str) {
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) && !also.contains(&key.as_str()) {
                self.problem_at(path, key, format!("unknown option `{key}` for {what}"));
            }
        }
    }

    fn string(&mut self, map: &Map<String, Json>, key: &str, path: &str, required: bool) -> Option<String> {
        match map.get(key) {
            None if required => {
                self.missing(path, key);
                None
            }
            None => None,
            Some(Json::String(s)) => {
                if s.chars().count() > limits::MAX_TEXT_CHARS {
                    self.problem_at(
                        path,
                        key,
                        format!("`{key}` is longer than {} characters", limits::MAX_TEXT_CHARS),
                    );
                    None
                } else {
                    Some(s.clone())
                }
            }
            Some(other) => {
                self.wrong_type(path, key, "a string", other);
                None
            }
        }
    }

    fn boolean(&mut self, map: &Map<String, Json>, key: &str, path: &str) -> bool {
        match map.get(key) {
            None => false,
            Some(Json::Bool(b)) => *b,
            Some(other) => {
                self.wrong_type(path, key, "true or false", other);
                false
            }
        }
    }

    fn number(&mut self, map: &Map<String, Json>, key: &str, path: &str) -> Option<f64> {
        match map.get(key) {
            None => None,
            Some(Json::Number(n)) => n.as_f64(),
            Some(other) => {
                self.wrong_type(path, key, "a number", other);
                None
            }
        }
    }

    fn count(&mut self, map: &Map<String, Json>, key: &str, path: &str) -> Option<u64> {
        match map.get(key) {
            None => None,
            Some(Json::Number(n)) => match n.as_u64() {
                Some(v) => Some(v),
                None => {
                    self.problem_at(path, key, format!("`{key}` must be a whole number, 0 or more"));
                    None
                }
            },
            Some(other) => {
                self.wrong_type(path, key, "a whole number", other);
                None
            }
        }
    }

    fn count_u32(&mut self, map: &Map<String, Json>, key: &str, path: &str) -> Option<u32> {
        let value = self.count(map, key, path)?;
        match u32::try_from(value) {
            Ok(v) => Some(v),
            Err(_) => {
                self.problem_at(path, key, format!("`{key}` is too large"));
                None
            }
        }
    }

    fn expression(&mut self, map: &Map<String, Json>, key: &str, path: &str) -> Option<Expression> {
        let source = self.string(map, key, path, false)?;
        self.parse_expression(source, &key_path(path, key))
    }

    fn parse_expression(&mut self, source: String, path: &str) -> Option<Expression> {
        match expr::parse(&source) {
            Ok(expr) => Some(Expression { source, expr }),
            Err(e) => {
                self.problem(path, format!("the expression `{source}` does not parse: {e}"));
                None
            }
        }
    }

    fn template(&mut self, doc: &Json) -> Option<Template> {
        let map = self.object(doc, "", "the template")?;
        self.unknown_keys(map, "", &["format", "title", "description", "pages"], &[], "a template");
        match map.get("format") {
            Some(Json::String(f)) if f == FORMAT => {}
            Some(Json::String(f)) => {
                self.problem("format", format!("unknown format `{f}`; this engine reads `{FORMAT}`"))
            }
            Some(other) => self.problem("format", format!("`format` must be the string `{FORMAT}`, not {}", json_type(other))),
            None => self.problem("format", format!("`format` is required and must be `{FORMAT}`")),
        }
        let title = self.string(map, "title", "", true).unwrap_or_default();
        let description = self.string(map, "description", "", false);
        let mut pages = Vec::new();
        if let Some(list) = self.list(map, "pages", "", true) {
            if list.is_empty() {
                self.problem("pages", "a template needs at least one page");
            }
            if list.len() > limits::MAX_PAGES {
                self.problem("pages", format!("a template may have at most {} pages", limits::MAX_PAGES));
                return None;
            }
            for (index, page) in list.iter().enumerate() {
                if let Some(page) = self.page(page, index) {
                    pages.push(page);
                }
            }
        }
        let items = std::mem::take(&mut self.items);
        Some(Template {
            title,
            description,
            pages,
            items,
            plan: Plan::default(),
            patterns: Patterns::compiling(),
            source: Json::Null,
            fingerprint: None,
        })
    }

    fn page(&mut self, value: &Json, index: usize) -> Option<Page> {
        let path = format!("pages[{index}]");
        let map = self.object(value, &path, "a page")?;
        self.unknown_keys(map, &path, &["id", "title", "visible_if", "items"], &[], "a page");
        let id = self.string(map, "id", &path, true);
        if let Some(id) = &id {
            if !is_valid_id(id) || id.len() > limits::MAX_ID_CHARS {
                self.problem_at(&path, "id", bad_id_message(id));
            }
        }
        let title = self.string(map, "title", &path, false).unwrap_or_default();
        let visible_if = self.expression(map, "visible_if", &path);
        let items = match self.list(map, "items", &path, true) {
            Some(list) => self.item_list(list, &key_path(&path, "items"), index, Parent::Page(index), 0),
            None => Vec::new(),
        };
        Some(Page { id: id.unwrap_or_default(), title, visible_if, items, path })
    }

    fn item_list(&mut self, list: &[Json], path: &str, page: usize, parent: Parent, depth: usize) -> Vec<ItemId> {
        let mut ids = Vec::new();
        for (index, value) in list.iter().enumerate() {
            if self.items.len() >= limits::MAX_ITEMS {
                self.problem(path, format!("a template may have at most {} items", limits::MAX_ITEMS));
                break;
            }
            if let Some(id) = self.item(value, &format!("{path}[{index}]"), page, parent, depth) {
                ids.push(id);
            }
        }
        ids
    }

    fn item(&mut self, value: &Json, path: &str, page: usize, parent: Parent, depth: usize) -> Option<ItemId> {
        let map = self.object(value, path, "an item")?;
        let type_name = match map.get("type") {
            Some(Json::String(t)) => t.clone(),
            Some(other) => {
                self.wrong_type(path, "type", "a string", other);
                return None;
            }
            None => {
                self.missing(path, "type");
                return None;
            }
        };
        let Some(&(_, own)) = TYPES.iter().find(|(name, _)| *name == type_name) else {
            self.problem_at(
                path,
                "type",
                format!(
                    "unknown item type `{type_name}`; the types are text, number, date, email, phone, yes_no, \
                     choice, multi_choice, file, repeat, computed and note"
                ),
            );
            return None;
        };
        let what = format!("a {type_name} item");
        let common = if matches!(type_name.as_str(), "computed" | "note") { &["type"] } else { COMMON_KEYS };
        self.unknown_keys(map, path, common, own, &what);

        let id = self.string(map, "id", path, type_name != "note");
        if let Some(id) = &id {
            if !is_valid_id(id) || id.len() > limits::MAX_ID_CHARS {
                self.problem_at(path, "id", bad_id_message(id));
            }
        }
        let label = self.string(map, "label", path, false);
        let help = self.string(map, "help", path, false);
        let required = self.boolean(map, "required", path);
        let required_if = self.expression(map, "required_if", path);
        let visible_if = self.expression(map, "visible_if", path);
        let default = map.get("default").cloned();
        let checks = self.checks(map, path);

        // Reserve the slot first so a repeat's children come after it in document order.
        let slot = ItemId(self.items.len() as u32);
        self.items.push(Item {
            id: id.clone(),
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
            path: path.to_owned(),
        });
        let kind = self.kind(&type_name, map, path, page, slot, depth);
        match (kind, self.items.get_mut(slot.index())) {
            (Some(kind), Some(item)) => {
                item.kind = kind;
                Some(slot)
            }
            // The problem is recorded; keep the placeholder so ids stay stable.
            _ => Some(slot),
        }
    }

    fn checks(&mut self, map: &Map<String, Json>, path: &str) -> Vec<Check> {
        let Some(list) = self.list(map, "checks", path, false) else { return Vec::new() };
        let checks_path = key_path(path, "checks");
        if list.len() > limits::MAX_CHECKS {
            self.problem(&checks_path, format!("a question may have at most {} checks", limits::MAX_CHECKS));
            return Vec::new();
        }
        let mut checks = Vec::new();
        for (index, value) in list.iter().enumerate() {
            let p = format!("{checks_path}[{index}]");
            let Some(check) = self.object(value, &p, "a check") else { continue };
            self.unknown_keys(check, &p, &["rule", "message"], &[], "a check");
            let rule = match self.string(check, "rule", &p, true) {
                Some(source) => self.parse_expression(source, &key_path(&p, "rule")),
                None => None,
            };
            let message = self.string(check, "message", &p, true);
            if let (Some(rule), Some(message)) = (rule, message) {
                checks.push(Check { rule, message });
            }
        }
        checks
    }

    fn options(&mut self, map: &Map<String, Json>, path: &str) -> Vec<ChoiceOption> {
        let Some(list) = self.list(map, "options", path, true) else { return Vec::new() };
        let options_path = key_path(path, "options");
        if list.is_empty() {
            self.problem(&options_path, "a choice needs at least one option");
        }
        if list.len() > limits::MAX_OPTIONS {
            self.problem(&options_path, format!("a choice may have at most {} options", limits::MAX_OPTIONS));
            return Vec::new();
        }
        let mut options: Vec<ChoiceOption> = Vec::new();
        for (index, value) in list.iter().enumerate() {
            let p = format!("{options_path}[{index}]");
            // A bare string is both value and label, a common shorthand.
            if let Json::String(s) = value {
                options.push(ChoiceOption { value: s.clone(), label: s.clone() });
                continue;
            }
            let Some(option) = self.object(value, &p, "an option") else { continue };
            self.unknown_keys(option, &p, &["value", "label"], &[], "an option");
            let value = self.string(option, "value", &p, true);
            let label = self.string(option, "label", &p, false);
            if let Some(value) = value {
                if options.iter().any(|o| o.value == value) {
                    self.problem_at(&p, "value", format!("the option value `{value}` appears twice"));
                }
                let label = label.unwrap_or_else(|| value.clone());
                options.push(ChoiceOption { value, label });
            }
        }
        options
    }

    fn date_bound(&mut self, map: &Map<String, Json>, key: &str, path: &str) -> Option<DateBound> {
        let text = self.string(map, key, path, false)?;
        if text == "today" {
            return Some(DateBound::Today);
        }
        match Date::parse(&text) {
            Some(date) => Some(DateBound::Fixed(date)),
            None => {
                self.problem_at(path, key, format!("`{key}` must be a date YYYY-MM-DD or \"today\", not `{text}`"));
                None
            }
        }
    }

    fn kind(
        &mut self,
        type_name: &str,
        map: &Map<String, Json>,
        path: &str,
        page: usize,
        slot: ItemId,
        depth: usize,
    ) -> Option<ItemKind> {
        let kind = match type_name {
            "text" => {
                let min_length = self.count_u32(map, "min_length", path);
                let max_length = self.count_u32(map, "max_length", path);
                if let (Some(lo), Some(hi)) = (min_length, max_length) {
                    if lo > hi {
                        self.problem_at(path, "min_length", "`min_length` is larger than `max_length`");
                    }
                }
                let pattern = match self.string(map, "pattern", path, false) {
                    Some(source) => match Pattern::new(&source) {
                        Ok(p) => Some(p),
                        Err(e) => {
                            self.problem_at(path, "pattern", format!("bad pattern: {e}"));
                            None
                        }
                    },
                    None => None,
                };
                let pattern_message = self.string(map, "pattern_message", path, false);
                let multiline = self.boolean(map, "multiline", path);
                ItemKind::Text { min_length, max_length, pattern, pattern_message, multiline }
            }
            "number" => {
                let min = self.number(map, "min", path);
                let max = self.number(map, "max", path);
                if let (Some(lo), Some(hi)) = (min, max) {
                    if lo > hi {
                        self.problem_at(path, "min", "`min` is larger than `max`");
                    }
                }
                let integer = self.boolean(map, "integer", path);
                let step = self.number(map, "step", path);
                if let Some(step) = step {
                    if step <= 0.0 {
                        self.problem_at(path, "step", "`step` must be more than 0");
                    }
                }
                ItemKind::Number { min, max, integer, step: step.filter(|s| *s > 0.0) }
            }
            "date" => {
                let min = self.date_bound(map, "min", path);
                let max = self.date_bound(map, "max", path);
                if let (Some(DateBound::Fixed(lo)), Some(DateBound::Fixed(hi))) = (min, max) {
                    if lo > hi {
                        self.problem_at(path, "min", "`min` is later than `max`");
                    }
                }
                ItemKind::Date { min, max }
            }
            "email" => ItemKind::Email,
            "phone" => {
                let region = self.string(map, "region", path, false);
                if let Some(region) = &region {
                    if !crate::phone::is_known_region(region) {
                        self.problem_at(
                            path,
                            "region",
                            format!("unknown region `{region}`; use a two-letter country code such as GB or US"),
                        );
                    }
                }
                ItemKind::Phone { region: region.map(|r| r.to_ascii_uppercase()) }
            }
            "yes_no" => ItemKind::YesNo,
            "choice" => {
                let options = self.options(map, path);
                let display = match self.string(map, "display", path, false).as_deref() {
                    None | Some("radio") => ChoiceDisplay::Radio,
                    Some("dropdown") => ChoiceDisplay::Dropdown,
                    Some(other) => {
                        self.problem_at(
                            path,
                            "display",
                            format!("`display` must be \"radio\" or \"dropdown\", not `{other}`"),
                        );
                        ChoiceDisplay::Radio
                    }
                };
                ItemKind::Choice { options, display }
            }
            "multi_choice" => {
                let options = self.options(map, path);
                let min_selected = self.count_u32(map, "min_selected", path);
                let max_selected = self.count_u32(map, "max_selected", path);
                if let (Some(lo), Some(hi)) = (min_selected, max_selected) {
                    if lo > hi {
                        self.problem_at(path, "min_selected", "`min_selected` is larger than `max_selected`");
                    }
                }
                if let Some(lo) = min_selected {
                    if lo as usize > options.len() {
                        self.problem_at(path, "min_selected", "`min_selected` is larger than the number of options");
                    }
                }
                ItemKind::MultiChoice { options, min_selected, max_selected }
            }
            "file" => {
                let accept_path = key_path(path, "accept");
                let accept = match map.get("accept") {
                    None => Vec::new(),
                    Some(Json::Array(list)) => {
                        let mut accept = Vec::new();
                        for (index, value) in list.iter().enumerate() {
                            match value {
                                Json::String(s) if is_mime_pattern(s) => accept.push(s.to_ascii_lowercase()),
                                Json::String(s) => self.problem(
                                    format!("{accept_path}[{index}]"),
                                    format!("`{s}` is not a MIME type such as application/pdf or image/*"),
                                ),
                                other => self.problem(
                                    format!("{accept_path}[{index}]"),
                                    format!("a MIME type must be a string, not {}", json_type(other)),
                                ),
                            }
                        }
                        accept
                    }
                    Some(other) => {
                        self.wrong_type(path, "accept", "a list of MIME types", other);
                        Vec::new()
                    }
                };
                let max_bytes = self.count(map, "max_bytes", path);
                if max_bytes == Some(0) {
                    self.problem_at(path, "max_bytes", "`max_bytes` must be more than 0");
                }
                let max_files = self.count_u32(map, "max_files", path);
                if max_files == Some(0) {
                    self.problem_at(path, "max_files", "`max_files` must be more than 0");
                }
                ItemKind::File { accept, max_bytes, max_files }
            }
            "repeat" => {
                if depth + 1 > limits::MAX_REPEAT_DEPTH {
                    self.problem(
                        path,
                        format!("repeats may be nested at most {} deep", limits::MAX_REPEAT_DEPTH),
                    );
                    return None;
                }
                let min_items = self.count_u32(map, "min_items", path);
                let max_items = self.count_u32(map, "max_items", path);
                if let Some(max) = max_items {
                    if max > limits::MAX_REPEAT_ENTRIES {
                        self.problem_at(
                            path,
                            "max_items",
                            format!("`max_items` may be at most {}", limits::MAX_REPEAT_ENTRIES),
                        );
                    }
                    if max == 0 {
                        self.problem_at(path, "max_items", "`max_items` must be more than 0");
                    }
                }
                if let (Some(lo), Some(hi)) = (min_items, max_items) {
                    if lo > hi {
                        self.problem_at(path, "min_items", "`min_items` is larger than `max_items`");
                    }
                }
                let item_label = self.string(map, "item_label", path, false);
                let items = match self.list(map, "items", path, true) {
                    Some(list) => {
                        let items_path = key_path(path, "items");
                        if list.is_empty() {
                            self.problem(&items_path, "a repeat needs at least one item");
                        }
                        self.item_list(list, &items_path, page, Parent::Repeat(slot), depth + 1)
                    }
                    None => Vec::new(),
                };
                ItemKind::Repeat {
                    items,
                    min_items,
                    max_items: max_items.unwrap_or(limits::MAX_REPEAT_ENTRIES).min(limits::MAX_REPEAT_ENTRIES),
                    item_label,
                }
            }
            "computed" => {
                let source = self.string(map, "expr", path, true)?;
                let expr = self.parse_expression(source, &key_path(path, "expr"))?;
                ItemKind::Computed { expr }
            }
            "note" => {
                let text = self.string(map, "text", path, true)?;
                let parts = self.note_parts(&text, &key_path(path, "text"))?;
                ItemKind::Note { text, parts }
            }
            _ => return None,
        };
        Some(kind)
    }

    /// Splits a note into text and `{{ expression }}` parts.
    fn note_parts(&mut self, text: &str, path: &str) -> Option<Vec<NotePart>> {
        let mut parts = Vec::new();
        let mut rest = text;
        // `get` rather than indexing: the found positions are char boundaries
        // anyway, and this way the reader has no panic path.
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                parts.push(NotePart::Text(rest.get(..open).unwrap_or_default().to_owned()));
            }
            let after = rest.get(open + 2..).unwrap_or_default();
            let Some(close) = after.find("}}") else {
                self.problem(path, "a `{{` is not closed by `}}`");
                return None;
            };
            let source = after.get(..close).unwrap_or_default().trim().to_owned();
            if source.is_empty() {
                self.problem(path, "`{{}}` names nothing; write `{{id}}`");
                return None;
            }
            let expression = self.parse_expression(source, path)?;
            parts.push(NotePart::Expr(expression));
            rest = after.get(close + 2..).unwrap_or_default();
        }
        if !rest.is_empty() {
            parts.push(NotePart::Text(rest.to_owned()));
        }
        Some(parts)
    }
}

/// The pattern literals of the template's `.matches()` calls, compiled ahead:
/// a string literal as the pattern argument, or as a branch of a `? :` there
/// (`c ? 'a+' : 'b+'` counts both). An invalid one is left out and gives
/// `null` when used, as before. The check refuses any other pattern.
pub(super) fn patterns(template: &Template) -> Patterns {
    let mut patterns = Patterns::compiling();
    template.for_each_expression(|e| e.expr.pattern_args(&mut |arg| literal_patterns(arg, &mut patterns)));
    patterns
}

/// Adds the string literals a pattern argument can give: itself, or the
/// branches of a `? :` there.
fn literal_patterns(arg: &Expr, out: &mut Patterns) {
    match &arg.kind {
        ExprKind::String(text) => {
            if let Ok(pattern) = Pattern::new(text) {
                out.add(pattern);
            }
        }
        ExprKind::Conditional(_, a, b) => {
            literal_patterns(a, out);
            literal_patterns(b, out);
        }
        _ => {}
    }
}

fn bad_id_message(id: &str) -> String {
    format!(
        "`{id}` is not a valid id: use letters, digits and `_`, starting with a letter or `_`, at most {} \
         characters, and not true, false, null or in",
        limits::MAX_ID_CHARS
    )
}

/// `type/subtype` or `type/*`, lower or upper case.
fn is_mime_pattern(s: &str) -> bool {
    let token = |t: &str| {
        !t.is_empty() && t.len() <= 127 && t.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    match s.split_once('/') {
        Some((top, "*")) => token(top),
        Some((top, sub)) => token(top) && token(sub),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_identifier_rules() {
        assert!(is_valid_id("full_name"));
        assert!(is_valid_id("_x1"));
        assert!(!is_valid_id("1x"));
        assert!(!is_valid_id("a-b"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("null"));
        assert!(!is_valid_id("in"));
    }

    #[test]
    fn mime_patterns() {
        assert!(is_mime_pattern("application/pdf"));
        assert!(is_mime_pattern("image/*"));
        assert!(!is_mime_pattern("pdf"));
        assert!(!is_mime_pattern("*/"));
    }
}
