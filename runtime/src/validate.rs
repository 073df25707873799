//! Validation and normalisation of a whole answer set.
//!
//! Errors come in a stable order: pages in order, items in order, a repeat's
//! entries in order with their items in order, and for one question: its type,
//! then `required`, then its own options, then its checks. Unknown fields of an
//! entry come after that entry's items; unknown top-level fields come last,
//! sorted by name.

use serde::Serialize;
use serde_json::Value as Json;

use crate::date::Date;
use crate::interview::{coerce, Coerced, Interview};
use crate::locale::{Locale, Text};
use crate::template::{ItemId, ItemKind, Template};
use crate::value::Value;
use crate::AnswerSet;

/// What is wrong with an answer; the codes of the template format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// A required answer is missing.
    Required,
    /// Text shorter than `min_length`.
    TooShort,
    /// Text longer than `max_length`.
    TooLong,
    /// Text not matching `pattern`.
    Pattern,
    /// A number or date below `min`.
    TooSmall,
    /// A number or date above `max`.
    TooLarge,
    /// A fraction where `integer` is set.
    NotInteger,
    /// A number that is not a multiple of `step` (an addition to the format).
    StepMismatch,
    /// Not a real date in the form YYYY-MM-DD.
    InvalidDate,
    /// Not an email address.
    InvalidEmail,
    /// Not a phone number.
    InvalidPhone,
    /// A value that is not one of the options.
    NotAnOption,
    /// Fewer selections, entries than allowed.
    TooFew,
    /// More selections, entries or files than allowed.
    TooMany,
    /// A file of a type not in `accept`.
    FileType,
    /// A file larger than `max_bytes`.
    FileTooLarge,
    /// A check's rule is false.
    CheckFailed,
    /// An answer of the wrong JSON type for its question.
    WrongType,
    /// A field that is not a question of the template.
    UnknownField,
}

impl Code {
    /// The code as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Required => "required",
            Code::TooShort => "too_short",
            Code::TooLong => "too_long",
            Code::Pattern => "pattern",
            Code::TooSmall => "too_small",
            Code::TooLarge => "too_large",
            Code::NotInteger => "not_integer",
            Code::StepMismatch => "step_mismatch",
            Code::InvalidDate => "invalid_date",
            Code::InvalidEmail => "invalid_email",
            Code::InvalidPhone => "invalid_phone",
            Code::NotAnOption => "not_an_option",
            Code::TooFew => "too_few",
            Code::TooMany => "too_many",
            Code::FileType => "file_type",
            Code::FileTooLarge => "file_too_large",
            Code::CheckFailed => "check_failed",
            Code::WrongType => "wrong_type",
            Code::UnknownField => "unknown_field",
        }
    }
}

/// One problem with one answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldError {
    /// Where: `full_name`, `children[1].name`.
    pub path: String,
    /// What, as a stable code.
    pub code: Code,
    /// What, for a person.
    pub message: String,
}

/// The result of validating an answer set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// True when there are no errors.
    pub valid: bool,
    /// The answers to keep: visible questions only, in normal form, unknown fields removed.
    pub answers: AnswerSet,
    /// The computed values (by id; inside repeats, per entry).
    pub computed: AnswerSet,
    /// Every error, in the stable order.
    pub errors: Vec<FieldError>,
}

/// Validates `answers` against `template` as of `today`, with messages in English.
pub fn validate(template: &Template, answers: &AnswerSet, today: Date) -> Report {
    validate_in(template, answers, today, Locale::En)
}

/// Validates `answers` against `template` as of `today`, with messages in `locale`.
pub fn validate_in(template: &Template, answers: &AnswerSet, today: Date, locale: Locale) -> Report {
    let interview = Interview::new(template, answers.clone(), today);
    report(&interview, locale)
}

/// Validates an interview already evaluated, with messages in `locale`.
pub fn report(interview: &Interview<'_>, locale: Locale) -> Report {
    let mut walker = Walker { iv: interview, locale, errors: Vec::new() };
    let template = interview.template();
    for page in &template.pages {
        for item in &page.items {
            walker.item(*item, &[], "");
        }
    }
    walker.unknown_top_level();
    let errors = walker.errors;
    Report {
        valid: errors.is_empty(),
        answers: normalised(interview),
        computed: computed(interview),
        errors,
    }
}

/// The errors of one page only (for the browser's Next button), with messages in `locale`.
pub fn page_errors(interview: &Interview<'_>, page: usize, locale: Locale) -> Vec<FieldError> {
    let mut walker = Walker { iv: interview, locale, errors: Vec::new() };
    if let Some(p) = interview.template().pages.get(page) {
        for item in &p.items {
            walker.item(*item, &[], "");
        }
    }
    walker.errors
}

/// The answers to keep: visible questions only, in normal form, unknown fields removed.
/// Normalising is idempotent: normalising the result again changes nothing.
pub fn normalise(template: &Template, answers: &AnswerSet, today: Date) -> AnswerSet {
    normalised(&Interview::new(template, answers.clone(), today))
}

/// Builds the normalised answer set of an evaluated interview.
pub fn normalised(interview: &Interview<'_>) -> AnswerSet {
    collect_top_level(interview, keep)
}

/// What fills an answer map from one item instance.
type Collect = fn(&Interview<'_>, ItemId, &[u32], &mut AnswerSet);

/// A map filled by `collect` from every top-level item, in document order.
fn collect_top_level(interview: &Interview<'_>, collect: Collect) -> AnswerSet {
    let mut out = AnswerSet::new();
    for page in &interview.template().pages {
        for item in &page.items {
            collect(interview, *item, &[], &mut out);
        }
    }
    out
}

/// A repeat instance's entries, each a map filled by `collect` from the repeat's items.
fn collect_entries(iv: &Interview<'_>, id: ItemId, instance: &[u32], items: &[ItemId], collect: Collect) -> Json {
    let mut entries = Vec::new();
    for entry in 0..iv.entries(id, instance) {
        let mut child_instance = instance.to_vec();
        child_instance.push(entry);
        let mut map = AnswerSet::new();
        for child in items {
            collect(iv, *child, &child_instance, &mut map);
        }
        entries.push(Json::Object(map));
    }
    Json::Array(entries)
}

fn keep(iv: &Interview<'_>, id: ItemId, instance: &[u32], out: &mut AnswerSet) {
    let item = iv.template().item(id);
    if !item.kind.is_answerable() || !iv.is_visible(id, instance) {
        return;
    }
    let Some(raw) = iv.raw(id, instance) else { return };
    match (&item.kind, coerce(&item.kind, raw)) {
        (_, Coerced::Missing) => {}
        (_, Coerced::WrongType) => {
            out.insert(item.id_str().to_owned(), raw.clone());
        }
        (ItemKind::Repeat { items, .. }, Coerced::Answer(_)) => {
            out.insert(item.id_str().to_owned(), collect_entries(iv, id, instance, items, keep));
        }
        (_, Coerced::Answer(json)) => {
            out.insert(item.id_str().to_owned(), json);
        }
    }
}

/// The computed values of an evaluated interview, mirroring repeats.
pub fn computed(interview: &Interview<'_>) -> AnswerSet {
    collect_top_level(interview, computed_into)
}

fn computed_into(iv: &Interview<'_>, id: ItemId, instance: &[u32], out: &mut AnswerSet) {
    let item = iv.template().item(id);
    if !iv.is_visible(id, instance) {
        return;
    }
    match &item.kind {
        ItemKind::Computed { .. } => {
            out.insert(item.id_str().to_owned(), iv.value(id, instance).to_json());
        }
        ItemKind::Repeat { items, .. } => {
            if !items.iter().any(|c| has_computed(iv.template(), *c)) {
                return;
            }
            out.insert(item.id_str().to_owned(), collect_entries(iv, id, instance, items, computed_into));
        }
        _ => {}
    }
}

fn has_computed(template: &Template, id: ItemId) -> bool {
    match &template.item(id).kind {
        ItemKind::Computed { .. } => true,
        ItemKind::Repeat { items, .. } => items.iter().any(|c| has_computed(template, *c)),
        _ => false,
    }
}

struct Walker<'a, 't> {
    iv: &'a Interview<'t>,
    locale: Locale,
    errors: Vec<FieldError>,
}

impl Walker<'_, '_> {
    fn push(&mut self, path: &str, code: Code, mut message: String) {
        // A label that is a question ("Where do you live?") ends the sentence
        // itself: no "?." at the end of a message.
        if message.strip_suffix('.').is_some_and(|body| body.ends_with(['?', '!', '.', ':'])) {
            message.pop();
        }
        self.errors.push(FieldError { path: path.to_owned(), code, message });
    }

    /// Pushes the message `text` in the walker's locale, `{name}` filled with `name`.
    fn say(&mut self, path: &str, code: Code, text: Text, name: &str, args: &[(&str, &str)]) {
        let words = self.locale.text(text);
        let message = crate::locale::fill(words, |key| match key {
            "name" => Some(name),
            _ => crate::locale::lookup(args, key),
        });
        self.push(path, code, message);
    }

    fn required(&mut self, path: &str, kind: &ItemKind, name: &str) {
        match kind {
            ItemKind::Choice { .. } | ItemKind::MultiChoice { .. } | ItemKind::YesNo => {
                self.say(path, Code::Required, Text::RequiredChoice, name, &[]);
            }
            ItemKind::File { .. } => self.say(path, Code::Required, Text::RequiredFile, name, &[]),
            ItemKind::Repeat { item_label, .. } => {
                let label = item_label.as_deref().unwrap_or(self.locale.text(Text::AnEntry));
                let entry = self.locale.in_sentence(label);
                self.say(path, Code::Required, Text::RequiredEntry, name, &[("entry", &entry)]);
            }
            _ => self.say(path, Code::Required, Text::Required, name, &[]),
        }
    }

    fn too_few_entries(&mut self, path: &str, min: u32, item_label: Option<&str>) {
        let entries = item_label.unwrap_or(self.locale.text(Text::Entries));
        self.say(path, Code::TooFew, Text::TooFewEntries, "", &[("min", &min.to_string()), ("entries", entries)]);
    }

    fn item(&mut self, id: ItemId, instance: &[u32], prefix: &str) {
        // Borrowed from the interview, not through `self`: no copies needed.
        let iv = self.iv;
        let template = iv.template();
        let item = template.item(id);
        if !item.kind.is_answerable() || !iv.is_visible(id, instance) {
            return;
        }
        let path = format!("{prefix}{}", item.id_str());
        let name = item.display_name();
        let coerced = coerce(&item.kind, iv.raw(id, instance).unwrap_or(&Json::Null));
        match &coerced {
            Coerced::WrongType => {
                let expected = self.locale.text(expected_words(&item.kind));
                self.say(&path, Code::WrongType, Text::WrongType, name, &[("expected", expected)]);
                return;
            }
            Coerced::Missing => {
                if self.iv.is_required(id, instance) {
                    self.required(&path, &item.kind, name);
                } else if let ItemKind::Repeat { min_items: Some(min), item_label, .. } = &item.kind {
                    if *min > 0 {
                        self.too_few_entries(&path, *min, item_label.as_deref());
                    }
                }
            }
            Coerced::Answer(json) => self.constraints(id, instance, &path, name, json),
        }
        for check in &item.checks {
            if self.iv.eval_at(id, instance, &check.rule.expr) == Value::Bool(false) {
                self.push(&path, Code::CheckFailed, check.message.clone());
            }
        }
    }

    fn constraints(&mut self, id: ItemId, instance: &[u32], path: &str, name: &str, json: &Json) {
        let item = self.iv.template().item(id);
        let today = self.iv.today();
        match (&item.kind, json) {
            (ItemKind::Text { min_length, max_length, pattern, pattern_message, .. }, Json::String(s)) => {
                let length = s.chars().count();
                if let Some(min) = min_length {
                    if length < *min as usize {
                        self.say(path, Code::TooShort, Text::TooShort, name, &[("min", &min.to_string())]);
                    }
                }
                if let Some(max) = max_length {
                    if length > *max as usize {
                        self.say(path, Code::TooLong, Text::TooLong, name, &[("max", &max.to_string())]);
                    }
                }
                if let Some(p) = pattern {
                    if !p.is_full_match(s) {
                        match pattern_message {
                            Some(message) => self.push(path, Code::Pattern, message.clone()),
                            None => self.say(path, Code::Pattern, Text::Pattern, name, &[]),
                        }
                    }
                }
            }
            (ItemKind::Number { min, max, integer, step }, Json::Number(n)) => {
                let Some(n) = n.as_f64() else { return };
                if *integer && n.fract() != 0.0 {
                    self.say(path, Code::NotInteger, Text::NotInteger, name, &[]);
                }
                if let Some(min) = min {
                    if n < *min {
                        let min = self.locale.number(*min);
                        self.say(path, Code::TooSmall, Text::NumberTooSmall, name, &[("min", &min)]);
                    }
                }
                if let Some(max) = max {
                    if n > *max {
                        let max = self.locale.number(*max);
                        self.say(path, Code::TooLarge, Text::NumberTooLarge, name, &[("max", &max)]);
                    }
                }
                if let Some(step) = step {
                    let base = min.unwrap_or(0.0);
                    let steps = (n - base) / step;
                    // Tolerate binary rounding: 0.3 is a multiple of 0.1.
                    if (steps - steps.round()).abs() > 1e-9 * steps.abs().max(1.0) {
                        let step = self.locale.number(*step);
                        self.say(path, Code::StepMismatch, Text::StepMismatch, name, &[("step", &step)]);
                    }
                }
            }
            (ItemKind::Date { min, max }, Json::String(s)) => match Date::parse(s) {
                None => self.say(path, Code::InvalidDate, Text::InvalidDate, name, &[("today", &today.to_string())]),
                Some(date) => {
                    if let Some(min) = min.map(|b| b.resolve(today)) {
                        if date < min {
                            self.say(path, Code::TooSmall, Text::DateTooEarly, name, &[("min", &min.to_string())]);
                        }
                    }
                    if let Some(max) = max.map(|b| b.resolve(today)) {
                        if date > max {
                            self.say(path, Code::TooLarge, Text::DateTooLate, name, &[("max", &max.to_string())]);
                        }
                    }
                }
            },
            (ItemKind::Email, Json::String(s))
                if !crate::email::is_valid(s) => {
                    self.say(path, Code::InvalidEmail, Text::InvalidEmail, name, &[]);
                }
            (ItemKind::Phone { region }, Json::String(s)) => {
                if let Err(e) = crate::phone::normalise(s, region.as_deref()) {
                    let problem = e.message(self.locale);
                    self.say(path, Code::InvalidPhone, Text::InvalidPhone, name, &[("problem", &problem)]);
                }
            }
            (ItemKind::Choice { options, .. }, Json::String(s))
                if !options.iter().any(|o| &o.value == s) => {
                    self.say(path, Code::NotAnOption, Text::NotAnOption, name, &[("value", s)]);
                }
            (ItemKind::MultiChoice { options, min_selected, max_selected }, Json::Array(list)) => {
                for v in list {
                    if let Some(s) = v.as_str() {
                        if !options.iter().any(|o| o.value == s) {
                            self.say(path, Code::NotAnOption, Text::NotAnOption, name, &[("value", s)]);
                        }
                    }
                }
                let count = list.len();
                if let Some(min) = min_selected {
                    if count < *min as usize {
                        self.say(path, Code::TooFew, Text::SelectAtLeast, name, &[("min", &min.to_string())]);
                    }
                }
                if let Some(max) = max_selected {
                    if count > *max as usize {
                        self.say(path, Code::TooMany, Text::SelectAtMost, name, &[("max", &max.to_string())]);
                    }
                }
            }
            (ItemKind::File { accept, max_bytes, max_files }, Json::Array(files)) => {
                if let Some(max) = max_files {
                    if files.len() > *max as usize {
                        self.say(path, Code::TooMany, Text::AttachAtMost, name, &[("max", &max.to_string())]);
                    }
                }
                for file in files {
                    let file_name = file.get("name").and_then(Json::as_str).unwrap_or(self.locale.text(Text::TheFile));
                    let content_type = file.get("content_type").and_then(Json::as_str).unwrap_or("");
                    if !accept.is_empty() && !accept.iter().any(|a| mime_matches(a, content_type)) {
                        let types = crate::value::join(accept, ", ");
                        self.say(path, Code::FileType, Text::FileType, "", &[("file", file_name), ("types", &types)]);
                    }
                    let size = file.get("size").and_then(Json::as_u64).unwrap_or(0);
                    if let Some(max) = max_bytes {
                        if size > *max {
                            let size = self.locale.byte_size(*max);
                            self.say(path, Code::FileTooLarge, Text::FileTooLarge, "", &[("file", file_name), ("size", &size)]);
                        }
                    }
                }
            }
            (ItemKind::Repeat { items, min_items, max_items, item_label }, Json::Array(_)) => {
                let count = self.iv.raw(id, instance).and_then(Json::as_array).map(Vec::len).unwrap_or(0);
                if let Some(min) = min_items {
                    if count < *min as usize {
                        self.too_few_entries(path, *min, item_label.as_deref());
                    }
                }
                if count > *max_items as usize {
                    let what = item_label.as_deref().unwrap_or(self.locale.text(Text::AnEntry));
                    let max = max_items.to_string();
                    self.say(path, Code::TooMany, Text::TooManyEntries, "", &[("max", &max), ("entry", what)]);
                }
                for entry in 0..self.iv.entries(id, instance) {
                    let mut child_instance = instance.to_vec();
                    child_instance.push(entry);
                    let prefix = format!("{path}[{entry}].");
                    for child in items {
                        self.item(*child, &child_instance, &prefix);
                    }
                    self.unknown_in_entry(id, instance, entry, &prefix);
                }
            }
            _ => {}
        }
    }

    fn unknown_in_entry(&mut self, repeat: ItemId, instance: &[u32], entry: u32, prefix: &str) {
        let template = self.iv.template();
        let Some(map) = self
            .iv
            .raw(repeat, instance)
            .and_then(Json::as_array)
            .and_then(|l| l.get(entry as usize))
            .and_then(Json::as_object)
        else {
            return;
        };
        for key in map.keys() {
            match template.child(repeat, key) {
                Some(child) if !matches!(template.item(child).kind, ItemKind::Note { .. }) => {}
                _ => self.say(&format!("{prefix}{key}"), Code::UnknownField, Text::UnknownField, "", &[("key", key)]),
            }
        }
    }

    fn unknown_top_level(&mut self) {
        let template = self.iv.template();
        // serde_json's map keeps keys sorted, which makes this order stable.
        for key in self.iv.answers().keys() {
            match template.top_level(key) {
                Some(id) if !matches!(template.item(id).kind, ItemKind::Note { .. }) => {}
                _ => self.say(key, Code::UnknownField, Text::UnknownField, "", &[("key", key)]),
            }
        }
    }
}

fn expected_words(kind: &ItemKind) -> Text {
    match kind {
        ItemKind::Number { .. } => Text::ExpectNumber,
        ItemKind::YesNo => Text::ExpectYesNo,
        ItemKind::MultiChoice { .. } => Text::ExpectOptions,
        ItemKind::File { .. } => Text::ExpectFiles,
        ItemKind::Repeat { .. } => Text::ExpectEntries,
        ItemKind::Date { .. } => Text::ExpectDate,
        _ => Text::ExpectText,
    }
}

/// `image/*` matches `image/png`; otherwise types must be equal (ignoring case and parameters).
pub fn mime_matches(pattern: &str, content_type: &str) -> bool {
    let content_type = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match pattern.strip_suffix("/*") {
        Some(top) => content_type.split('/').next() == Some(top) && content_type.contains('/'),
        None => content_type == pattern,
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_wildcards() {
        assert!(mime_matches("image/*", "image/png"));
        assert!(mime_matches("application/pdf", "Application/PDF; charset=binary"));
        assert!(!mime_matches("image/*", "application/pdf"));
        assert!(!mime_matches("image/*", "image"));
    }

    #[test]
    fn a_question_label_ends_the_sentence_without_an_extra_full_stop() {
        let template = Template::from_json(
            r#"{"format": "interview/1", "title": "T", "pages": [{"id": "p", "title": "P", "items": [
                {"id": "town", "type": "choice", "label": "Where do you live?", "required": true,
                 "options": [{"value": "a", "label": "A"}]},
                {"id": "name", "type": "text", "label": "Full name", "required": true}]}]}"#,
        )
        .unwrap();
        let today = Date::from_ymd(2026, 11, 24).unwrap();
        let report = validate(&template, &AnswerSet::new(), today);
        let messages: Vec<_> = report.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(messages, ["Select an answer for Where do you live?", "Enter Full name."]);
    }

    #[test]
    fn messages_come_in_the_locale_asked_for_with_its_numbers_and_quotes() {
        let template = Template::from_json(
            r#"{"format": "interview/1", "title": "T", "pages": [{"id": "p", "title": "P", "items": [
                {"id": "name", "type": "text", "label": "Nom", "required": true},
                {"id": "share", "type": "number", "label": "Part", "min": 2.5},
                {"id": "town", "type": "choice", "label": "Ville",
                 "options": [{"value": "a", "label": "A"}]},
                {"id": "phone", "type": "phone", "label": "Téléphone"},
                {"id": "kids", "type": "repeat", "label": "Kinder", "item_label": "Kind", "required": true,
                 "items": [{"id": "n", "type": "text", "label": "N"}]}]}]}"#,
        )
        .unwrap();
        let today = Date::from_ymd(2026, 11, 24).unwrap();
        let answers = serde_json::json!({"share": 1, "town": "b", "phone": "12ab"});
        let answers = answers.as_object().unwrap();
        let messages = |locale| -> Vec<String> {
            validate_in(&template, answers, today, locale).errors.into_iter().map(|e| e.message).collect()
        };
        assert_eq!(
            messages(Locale::Fr),
            [
                "Renseignez Nom.",
                "Part doit être supérieur ou égal à 2,5.",
                "« b » ne fait pas partie des options de « Ville ».",
                "Téléphone doit être un numéro de téléphone : un numéro de téléphone ne contient que des chiffres ; \
                 retirez les lettres et les extensions.",
                "Ajoutez au moins un élément (kind) pour Kinder.",
            ]
        );
        let german = messages(Locale::De);
        assert_eq!(german[0], "Bitte geben Sie Nom an.");
        assert_eq!(german[1], "Part muss mindestens 2,5 sein.");
        assert_eq!(german[4], "Bitte fügen Sie mindestens einen Eintrag (Kind) für Kinder hinzu.");
        // English stays the default, and the codes do not depend on the language.
        let english = validate(&template, answers, today);
        assert_eq!(english.errors[1].message, "Part must be 2.5 or more.");
        let codes = |r: &Report| r.errors.iter().map(|e| e.code).collect::<Vec<_>>();
        assert_eq!(codes(&english), codes(&validate_in(&template, answers, today, Locale::De)));
    }
}
