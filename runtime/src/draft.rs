//! The draft record: unfinished answers, kept by the browser in local storage
//! and by the host as saved progress.
//!
//! One draft covers every section (template) of an interview. Each section
//! records the template version and the template's fingerprint it was made
//! for, because a draft can outlive the template it was made for: a client may
//! come back after staff published a new version, or a browser may hold a
//! draft of an older interview. [`Draft::fit`] tells which case applies and
//! [`carry_over`] keeps what still fits a changed template, listing the rest,
//! so the client can be offered the old answers instead of having them applied
//! silently. When the browser's copy and the server's copy differ, the one
//! saved last wins ([`newer`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::date::Date;
use crate::interview::{coerce, Coerced};
use crate::template::{ItemId, ItemKind, Template};
use crate::{AnswerSet, Error};

/// The format tag of the one draft record layout this engine reads and writes.
pub const DRAFT_FORMAT: &str = "interview-draft/1";

/// Largest draft document accepted, in bytes of JSON.
pub const MAX_DRAFT_BYTES: usize = 8 * 1024 * 1024;

/// Unfinished answers to the sections of one interview.
///
/// Fields are declared in alphabetical order, which is the order they are written in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Json")]
pub struct Draft {
    /// Always [`DRAFT_FORMAT`].
    pub format: String,
    /// When it was saved: an RFC 3339 UTC timestamp given by the caller (`2026-11-24T09:30:00Z`).
    pub saved_at: String,
    /// The answers per section, keyed by the section's name.
    pub sections: BTreeMap<String, DraftSection>,
}

/// The unfinished answers to one section, with the template they were given for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftSection {
    /// The answers so far.
    pub answers: AnswerSet,
    /// [`Template::fingerprint`] of the template version the answers were given for.
    pub fingerprint: String,
    /// The template version the answers were given for.
    pub template_version: u32,
}

/// How a draft section relates to the template version about to be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Made for this very template: its answers can be used as they are.
    Current,
    /// Made for another template version, or for a template that has changed since:
    /// offer its answers through [`carry_over`].
    OtherVersion {
        /// The template version the draft was made for.
        draft_version: u32,
    },
    /// The draft has no answers for this section.
    Missing,
}

/// The part of an old draft's answers that fits a template, and what had to go.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CarryOver {
    /// The answers that still fit.
    pub answers: AnswerSet,
    /// Paths (`age`, `children[1].nickname`, `colours[2]`) of the answers left out.
    pub dropped: Vec<String>,
}

impl Draft {
    /// An empty draft saved at `saved_at` (RFC 3339 UTC).
    pub fn new(saved_at: impl Into<String>) -> Draft {
        Draft {
            format: DRAFT_FORMAT.to_owned(),
            saved_at: saved_at.into(),
            sections: BTreeMap::new(),
        }
    }

    /// The draft as compact JSON; reading it back and writing it again gives the same bytes.
    pub fn to_json(&self) -> String {
        // Through a JSON value rather than the serializer: writing a value cannot fail,
        // and its keys come out sorted, matching the fields' declaration order. The
        // engine's writer (the same bytes as serde_json's) keeps serde's out of the browser.
        crate::json::to_string(&self.to_value())
    }

    /// The draft as a JSON value.
    pub fn to_value(&self) -> Json {
        // Inserted one by one: collecting into a map sorts first, which
        // would link a sort into the browser bundle for this one use.
        let mut sections = serde_json::Map::new();
        for (name, section) in &self.sections {
            let mut map = serde_json::Map::new();
            map.insert("answers".to_owned(), Json::Object(section.answers.clone()));
            map.insert(
                "fingerprint".to_owned(),
                Json::String(section.fingerprint.clone()),
            );
            map.insert(
                "template_version".to_owned(),
                Json::from(section.template_version),
            );
            sections.insert(name.clone(), Json::Object(map));
        }
        let mut map = serde_json::Map::new();
        map.insert("format".to_owned(), Json::String(self.format.clone()));
        map.insert("saved_at".to_owned(), Json::String(self.saved_at.clone()));
        map.insert("sections".to_owned(), Json::Object(sections));
        Json::Object(map)
    }

    /// Reads a draft, refusing other formats, wrong types, unknown fields and documents over 8 MiB.
    pub fn from_json(text: &str) -> Result<Draft, Error> {
        if text.len() > MAX_DRAFT_BYTES {
            return Err(Error::Draft(format!(
                "the draft is {} bytes; the most accepted is {MAX_DRAFT_BYTES} bytes",
                text.len()
            )));
        }
        let value: Json = crate::json::parse(text)
            .map_err(|e| Error::Draft(format!("the draft is not valid JSON: {e}")))?;
        Draft::from_value(value)
    }

    /// Reads a draft from a parsed JSON document, with the checks of [`Draft::from_json`].
    pub fn from_value(value: Json) -> Result<Draft, Error> {
        let Json::Object(mut map) = value else {
            return Err(Error::Draft(format!(
                "a draft is a JSON object, not {}",
                kind_of(&value)
            )));
        };
        let format = take_string(&mut map, "format", "")?;
        if format != DRAFT_FORMAT {
            return Err(Error::Draft(format!(
                "the draft's format is `{format}`; this version reads only `{DRAFT_FORMAT}`"
            )));
        }
        let saved_at = take_string(&mut map, "saved_at", "")?;
        if instant(&saved_at).is_none() {
            return Err(Error::Draft(format!(
                "`saved_at` must be an RFC 3339 timestamp such as 2026-11-24T09:30:00Z, not `{saved_at}`"
            )));
        }
        let sections = match map.remove("sections") {
            Some(Json::Object(sections)) => sections,
            Some(other) => {
                return Err(Error::Draft(format!(
                    "`sections` must be an object, not {}",
                    kind_of(&other)
                )))
            }
            None => return Err(Error::Draft("the draft has no `sections`".to_owned())),
        };
        refuse_unknown(&map, "")?;
        let mut read = BTreeMap::new();
        for (name, section) in sections {
            let section = read_section(&name, section)?;
            read.insert(name, section);
        }
        Ok(Draft {
            format,
            saved_at,
            sections: read,
        })
    }

    /// How this draft's answers for `section` relate to `template`, published as `template_version`.
    pub fn fit(&self, section: &str, template_version: u32, template: &Template) -> Fit {
        match self.sections.get(section) {
            None => Fit::Missing,
            Some(s)
                if s.template_version == template_version
                    && s.fingerprint == template.fingerprint() =>
            {
                Fit::Current
            }
            Some(s) => Fit::OtherVersion {
                draft_version: s.template_version,
            },
        }
    }
}

impl DraftSection {
    /// A section holding `answers` given for `template`, published as `template_version`.
    pub fn new(template_version: u32, template: &Template, answers: AnswerSet) -> DraftSection {
        DraftSection {
            answers,
            fingerprint: template.fingerprint(),
            template_version,
        }
    }
}

impl TryFrom<Json> for Draft {
    type Error = Error;

    fn try_from(value: Json) -> Result<Draft, Error> {
        Draft::from_value(value)
    }
}

fn read_section(name: &str, value: Json) -> Result<DraftSection, Error> {
    let Json::Object(mut map) = value else {
        return Err(Error::Draft(format!(
            "section `{name}` must be an object, not {}",
            kind_of(&value)
        )));
    };
    let fingerprint = take_string(&mut map, "fingerprint", name)?;
    let template_version = match map.remove("template_version") {
        Some(Json::Number(n)) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Some(_) => None,
        None => {
            return Err(Error::Draft(format!(
                "section `{name}` has no `template_version`"
            )))
        }
    };
    let Some(template_version) = template_version else {
        return Err(Error::Draft(format!(
            "section `{name}`: `template_version` must be a whole number from 0"
        )));
    };
    let answers = match map.remove("answers") {
        Some(Json::Object(answers)) => answers,
        Some(other) => {
            return Err(Error::Draft(format!(
                "section `{name}`: `answers` must be an object, not {}",
                kind_of(&other)
            )))
        }
        None => return Err(Error::Draft(format!("section `{name}` has no `answers`"))),
    };
    refuse_unknown(&map, name)?;
    Ok(DraftSection {
        answers,
        fingerprint,
        template_version,
    })
}

/// Takes a required string field out of `map`; `section` names where it is, "" for the top.
fn take_string(
    map: &mut serde_json::Map<String, Json>,
    key: &str,
    section: &str,
) -> Result<String, Error> {
    let place = if section.is_empty() {
        "the draft".to_owned()
    } else {
        format!("section `{section}`")
    };
    match map.remove(key) {
        Some(Json::String(s)) => Ok(s),
        Some(other) => Err(Error::Draft(format!(
            "{place}: `{key}` must be a string, not {}",
            kind_of(&other)
        ))),
        None => Err(Error::Draft(format!("{place} has no `{key}`"))),
    }
}

/// Refuses fields this format does not have: a draft of a later format must not be half-read.
fn refuse_unknown(rest: &serde_json::Map<String, Json>, section: &str) -> Result<(), Error> {
    match rest.keys().next() {
        None => Ok(()),
        Some(key) if section.is_empty() => Err(Error::Draft(format!(
            "the draft has an unknown field `{key}`"
        ))),
        Some(key) => Err(Error::Draft(format!(
            "section `{section}` has an unknown field `{key}`"
        ))),
    }
}

/// The JSON type of a value, for messages.
fn kind_of(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

/// The draft saved later; `a` when both were saved at the same instant.
///
/// Timestamps are compared as instants, so `...T10:00:00+01:00` and `...T09:00:00Z` are equal.
/// A timestamp that cannot be read loses to one that can; two unreadable ones compare as text.
pub fn newer<'a>(a: &'a Draft, b: &'a Draft) -> &'a Draft {
    let later = match (instant(&a.saved_at), instant(&b.saved_at)) {
        (Some(x), Some(y)) => y > x,
        (Some(_), None) => false,
        (None, Some(_)) => true,
        (None, None) => b.saved_at > a.saved_at,
    };
    if later {
        b
    } else {
        a
    }
}

/// An RFC 3339 timestamp as (seconds since 1970-01-01T00:00:00Z, nanoseconds).
fn instant(text: &str) -> Option<(i64, u32)> {
    let b = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(
            digits
                .iter()
                .fold(0i64, |n, d| n * 10 + i64::from(d - b'0')),
        )
    };
    let separators = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if separators.iter().any(|(at, c)| b.get(*at) != Some(c))
        || !matches!(b.get(10), Some(b'T' | b't'))
    {
        return None;
    }
    let date = Date::from_ymd(
        i32::try_from(number(0..4)?).ok()?,
        u32::try_from(number(5..7)?).ok()?,
        u32::try_from(number(8..10)?).ok()?,
    )?;
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    // 60 is a leap second.
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut at = 19;
    let mut nanos: u32 = 0;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while let Some(digit) = b.get(at).filter(|c| c.is_ascii_digit()) {
            // Digits past nanoseconds cannot change the order of real timestamps.
            if at - start < 9 {
                nanos = nanos * 10 + u32::from(digit - b'0');
            }
            at += 1;
        }
        if at == start {
            return None;
        }
        for _ in (at - start)..9 {
            nanos *= 10;
        }
    }
    let offset = match b.get(at..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let field = [*h1, *h2, *m1, *m2];
            if !field.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let hours = i64::from((h1 - b'0') * 10 + (h2 - b'0'));
            let minutes = i64::from((m1 - b'0') * 10 + (m2 - b'0'));
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = hours * 3600 + minutes * 60;
            if *sign == b'-' {
                -offset
            } else {
                offset
            }
        }
        _ => return None,
    };
    let seconds = date.days_since_epoch() * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some((seconds, nanos))
}

/// Keeps the answers that fit `template` and lists the paths of the ones that do not:
/// ids the template no longer has (or that are not questions), values of the wrong JSON
/// type for their question, choice values that are no longer options, and unknown
/// questions inside repeat entries.
///
/// Unanswered (`null`) values fit every question. Values are kept as given otherwise:
/// checking them against the question's rules is validation's work.
pub fn carry_over(answers: &AnswerSet, template: &Template) -> CarryOver {
    let mut dropped = Vec::new();
    let answers = carry_map(answers, None, template, "", &mut dropped);
    CarryOver { answers, dropped }
}

/// Carries the answers of one scope: the top level (`repeat` is `None`) or one repeat entry.
fn carry_map(
    answers: &AnswerSet,
    repeat: Option<ItemId>,
    template: &Template,
    prefix: &str,
    dropped: &mut Vec<String>,
) -> AnswerSet {
    let mut kept = AnswerSet::new();
    for (id, value) in answers {
        let path = format!("{prefix}{id}");
        let item = match repeat {
            None => template.top_level(id),
            Some(r) => template.child(r, id),
        };
        let Some(item) = item.filter(|i| template.item(*i).kind.is_answerable()) else {
            dropped.push(path);
            continue;
        };
        if let Some(value) = carry_value(value, item, template, &path, dropped) {
            kept.insert(id.clone(), value);
        }
    }
    kept
}

/// Carries one answer; `None` when the whole of it has to go (and is listed).
fn carry_value(
    value: &Json,
    item: ItemId,
    template: &Template,
    path: &str,
    dropped: &mut Vec<String>,
) -> Option<Json> {
    if value.is_null() {
        return Some(Json::Null);
    }
    let kind = &template.item(item).kind;
    match kind {
        ItemKind::Repeat { .. } => {
            let Json::Array(entries) = value else {
                dropped.push(path.to_owned());
                return None;
            };
            let mut kept = Vec::with_capacity(entries.len());
            for (index, entry) in entries.iter().enumerate() {
                let entry_path = format!("{path}[{index}]");
                match entry {
                    Json::Object(map) => {
                        let prefix = format!("{entry_path}.");
                        kept.push(Json::Object(carry_map(
                            map,
                            Some(item),
                            template,
                            &prefix,
                            dropped,
                        )));
                    }
                    _ => dropped.push(entry_path),
                }
            }
            Some(Json::Array(kept))
        }
        _ if coerce(kind, value) == Coerced::WrongType => {
            dropped.push(path.to_owned());
            None
        }
        ItemKind::Choice { options, .. } => {
            let chosen = value.as_str().map(str::trim).unwrap_or_default();
            if chosen.is_empty() || options.iter().any(|o| o.value == chosen) {
                Some(value.clone())
            } else {
                dropped.push(path.to_owned());
                None
            }
        }
        ItemKind::MultiChoice { options, .. } => {
            let list = value.as_array().map(Vec::as_slice).unwrap_or_default();
            let mut kept = Vec::with_capacity(list.len());
            for (index, selected) in list.iter().enumerate() {
                if options
                    .iter()
                    .any(|o| Some(o.value.as_str()) == selected.as_str())
                {
                    kept.push(selected.clone());
                } else {
                    dropped.push(format!("{path}[{index}]"));
                }
            }
            Some(Json::Array(kept))
        }
        _ => Some(value.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn draft_text() -> String {
        json!({
            "format": "interview-draft/1",
            "saved_at": "2026-11-24T09:30:00Z",
            "sections": {
                "intake": {
                    "template_version": 3,
                    "fingerprint": "0123456789abcdef",
                    "answers": {"full_name": "Ann", "age": 41, "children": [{"name": "Bo"}]}
                }
            }
        })
        .to_string()
    }

    fn read(text: &str) -> Draft {
        match Draft::from_json(text) {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        }
    }

    fn refused(text: &str) -> String {
        match Draft::from_json(text) {
            Ok(d) => panic!("accepted {d:?}"),
            Err(Error::Draft(message)) => message,
            Err(e) => panic!("wrong error {e:?}"),
        }
    }

    #[test]
    fn reads_a_draft() {
        let draft = read(&draft_text());
        assert_eq!(draft.format, DRAFT_FORMAT);
        assert_eq!(draft.saved_at, "2026-11-24T09:30:00Z");
        let section = &draft.sections["intake"];
        assert_eq!(section.template_version, 3);
        assert_eq!(section.fingerprint, "0123456789abcdef");
        assert_eq!(section.answers["age"], json!(41));
    }

    #[test]
    fn writing_is_stable_across_a_round_trip() {
        let first = read(&draft_text()).to_json();
        let second = read(&first).to_json();
        assert_eq!(first, second);
        assert!(first.starts_with(r#"{"format":"interview-draft/1","saved_at":"2026-11-24T09:30:00Z","sections":{"intake":{"answers":"#));
        // The serde path writes exactly the same bytes.
        let draft = read(&first);
        assert_eq!(serde_json::to_string(&draft).ok(), Some(first.clone()));
        // And serde reads through the same checks.
        let via_serde: Result<Draft, _> = serde_json::from_str(&first);
        assert_eq!(via_serde.ok(), Some(draft));
    }

    #[test]
    fn a_new_draft_round_trips() {
        let mut draft = Draft::new("2026-01-02T03:04:05.678Z");
        let mut answers = AnswerSet::new();
        answers.insert("note".into(), json!("line\nbreak \u{1F600} \"quoted\""));
        answers.insert("n".into(), json!(0.1));
        draft.sections.insert(
            "b".into(),
            DraftSection {
                answers: answers.clone(),
                fingerprint: "f".into(),
                template_version: 0,
            },
        );
        draft.sections.insert(
            "a".into(),
            DraftSection {
                answers,
                fingerprint: "g".into(),
                template_version: u32::MAX,
            },
        );
        let text = draft.to_json();
        let back = read(&text);
        assert_eq!(back, draft);
        assert_eq!(back.to_json(), text);
    }

    #[test]
    fn other_formats_and_shapes_are_refused_with_a_reason() {
        assert!(refused("[]").contains("a JSON object, not a list"));
        assert!(refused("{").contains("not valid JSON"));
        let other = draft_text().replace("interview-draft/1", "interview-draft/2");
        assert!(refused(&other).contains("`interview-draft/2`"));
        assert!(
            refused(r#"{"saved_at":"2026-11-24T09:30:00Z","sections":{}}"#).contains("no `format`")
        );
        assert!(
            refused(r#"{"format":1,"saved_at":"2026-11-24T09:30:00Z","sections":{}}"#)
                .contains("`format` must be a string, not a number")
        );
        assert!(
            refused(r#"{"format":"interview-draft/1","saved_at":"yesterday","sections":{}}"#)
                .contains("RFC 3339")
        );
        assert!(refused(
            r#"{"format":"interview-draft/1","saved_at":"2026-11-24T09:30:00Z","sections":[]}"#
        )
        .contains("`sections` must be an object"));
        assert!(refused(r#"{"format":"interview-draft/1","saved_at":"2026-11-24T09:30:00Z","sections":{},"x":1}"#)
            .contains("unknown field `x`"));
        let version = draft_text().replace("\"template_version\":3", "\"template_version\":-3");
        assert!(refused(&version)
            .contains("section `intake`: `template_version` must be a whole number"));
        let version = draft_text().replace("\"template_version\":3", "\"template_version\":3.5");
        assert!(refused(&version).contains("whole number"));
        let version =
            draft_text().replace("\"template_version\":3", "\"template_version\":4294967296");
        assert!(refused(&version).contains("whole number"));
        let answers = json!({"format": DRAFT_FORMAT, "saved_at": "2026-11-24T09:30:00Z",
            "sections": {"intake": {"template_version": 1, "fingerprint": "f", "answers": [1]}}});
        assert!(refused(&answers.to_string())
            .contains("section `intake`: `answers` must be an object, not a list"));
        let fingerprint = draft_text().replace(
            "\"fingerprint\":\"0123456789abcdef\"",
            "\"fingerprint\":null",
        );
        assert!(refused(&fingerprint)
            .contains("section `intake`: `fingerprint` must be a string, not null"));
    }

    #[test]
    fn huge_drafts_are_refused_before_parsing() {
        let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(MAX_DRAFT_BYTES));
        assert!(refused(&huge).contains("most accepted is 8388608 bytes"));
    }

    #[test]
    fn timestamps_are_read_as_rfc3339() {
        assert_eq!(instant("1970-01-01T00:00:00Z"), Some((0, 0)));
        assert_eq!(
            instant("1970-01-02T00:00:01.5Z"),
            Some((86_401, 500_000_000))
        );
        assert_eq!(
            instant("2026-11-24T10:30:00+01:00"),
            instant("2026-11-24T09:30:00Z")
        );
        assert_eq!(
            instant("2026-11-24t09:30:00z"),
            instant("2026-11-24T09:30:00Z")
        );
        assert_eq!(
            instant("2000-03-01T00:00:00Z").map(|t| t.0),
            Some(951_868_800)
        );
        assert_eq!(
            instant("2024-02-29T00:00:00Z").map(|t| t.0),
            Some(1_709_164_800)
        );
        assert_eq!(instant("1969-12-31T23:59:59Z"), Some((-1, 0)));
        assert_eq!(
            instant("2026-11-24T09:30:00.123456789123Z"),
            Some((1_795_512_600, 123_456_789))
        );
        for bad in [
            "",
            "2026-11-24",
            "2026-11-24T09:30:00",
            "2026-11-24 09:30:00Z",
            "2026-13-01T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-11-24T24:00:00Z",
            "2026-11-24T09:30:00.Z",
            "2026-11-24T09:30:00+0100",
            "2026-11-24T09:30:00+24:00",
            "+2026-11-24T09:30:00Z",
            "2026-11-24T09:30:00Zjunk",
            "２０２６-11-24T09:30:00Z",
        ] {
            assert_eq!(instant(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_later_draft_wins() {
        let early = Draft::new("2026-11-24T09:30:00Z");
        let late = Draft::new("2026-11-24T09:30:00.5Z");
        assert!(std::ptr::eq(newer(&early, &late), &late));
        assert!(std::ptr::eq(newer(&late, &early), &late));
        // Offsets are taken into account: 10:00+02:00 is before 09:30Z.
        let offset = Draft::new("2026-11-24T10:00:00+02:00");
        assert!(std::ptr::eq(newer(&offset, &early), &early));
        // Ties keep the first.
        let same = Draft::new("2026-11-24T10:30:00+01:00");
        assert!(std::ptr::eq(newer(&early, &same), &early));
        assert!(std::ptr::eq(newer(&same, &early), &same));
        // A readable timestamp beats an unreadable one.
        let broken = Draft::new("not a time");
        assert!(std::ptr::eq(newer(&broken, &early), &early));
        assert!(std::ptr::eq(newer(&early, &broken), &early));
    }

    const TEMPLATE: &str = r#"{
      "format": "interview/1",
      "title": "Intake",
      "pages": [{"id": "p", "title": "P", "items": [
        {"type": "text", "id": "full_name", "label": "Name"},
        {"type": "number", "id": "age", "label": "Age"},
        {"type": "yes_no", "id": "has_partner", "label": "Partner?"},
        {"type": "choice", "id": "colour", "label": "Colour",
         "options": [{"value": "red", "label": "Red"}, {"value": "green", "label": "Green"}]},
        {"type": "multi_choice", "id": "pets", "label": "Pets",
         "options": [{"value": "cat", "label": "Cat"}, {"value": "dog", "label": "Dog"}]},
        {"type": "file", "id": "passport", "label": "Passport"},
        {"type": "repeat", "id": "children", "label": "Children", "items": [
          {"type": "text", "id": "name", "label": "Name"},
          {"type": "date", "id": "born", "label": "Born"}
        ]},
        {"type": "computed", "id": "child_count", "expr": "size(children)"},
        {"type": "note", "id": "thanks", "text": "Thanks."}
      ]}]
    }"#;

    fn template(text: &str) -> Template {
        match Template::from_json(text) {
            Ok(t) => t,
            Err(e) => panic!("the test template is refused: {e:?}"),
        }
    }

    fn answers(value: Json) -> AnswerSet {
        match value {
            Json::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn fit_tells_the_same_template_from_another_version_or_a_changed_one() {
        let t = template(TEMPLATE);
        let mut draft = Draft::new("2026-11-24T09:30:00Z");
        draft
            .sections
            .insert("intake".into(), DraftSection::new(3, &t, AnswerSet::new()));
        assert_eq!(draft.fit("intake", 3, &t), Fit::Current);
        assert_eq!(
            draft.fit("intake", 4, &t),
            Fit::OtherVersion { draft_version: 3 }
        );
        assert_eq!(draft.fit("other", 3, &t), Fit::Missing);
        // Same version number, but the template changed underneath (a re-import, an edit).
        let changed =
            template(&TEMPLATE.replace("\"title\": \"Intake\"", "\"title\": \"Intake form\""));
        assert_ne!(changed.fingerprint(), t.fingerprint());
        assert_eq!(
            draft.fit("intake", 3, &changed),
            Fit::OtherVersion { draft_version: 3 }
        );
    }

    #[test]
    fn carry_over_keeps_what_fits_and_lists_the_rest() {
        let t = template(TEMPLATE);
        let old = answers(json!({
            "full_name": "Ann",
            "age": "forty",
            "has_partner": null,
            "colour": "blue",
            "pets": ["dog", "hamster", "cat"],
            "passport": [{"file_id": "f1", "name": "p.pdf", "size": 10, "content_type": "application/pdf", "sha256": "ab"}],
            "nickname": "Annie",
            "child_count": 2,
            "thanks": "x",
            "children": [
                {"name": "Bo", "born": "2016-11-24", "shoe_size": 30},
                "not an entry",
                {"name": 7}
            ]
        }));
        let carried = carry_over(&old, &t);
        assert_eq!(
            Json::Object(carried.answers),
            json!({
                "full_name": "Ann",
                "has_partner": null,
                "pets": ["dog", "cat"],
                "passport": [{"file_id": "f1", "name": "p.pdf", "size": 10, "content_type": "application/pdf", "sha256": "ab"}],
                "children": [{"name": "Bo", "born": "2016-11-24"}, {}]
            })
        );
        assert_eq!(
            carried.dropped,
            [
                "age",
                "child_count",
                "children[0].shoe_size",
                "children[1]",
                "children[2].name",
                "colour",
                "nickname",
                "pets[1]",
                "thanks",
            ]
        );
    }

    #[test]
    fn carry_over_of_fitting_answers_changes_nothing() {
        let t = template(TEMPLATE);
        let fitting = answers(json!({
            "full_name": "Ann", "age": 41, "has_partner": true, "colour": "red", "pets": ["cat"],
            "children": [{"name": "Bo"}, {}]
        }));
        let carried = carry_over(&fitting, &t);
        assert_eq!(carried.answers, fitting);
        assert!(carried.dropped.is_empty());
        let wrong_shape = answers(json!({"children": {"name": "Bo"}, "pets": "cat"}));
        assert_eq!(carry_over(&wrong_shape, &t).dropped, ["children", "pets"]);
    }

    proptest::proptest! {
        #[test]
        fn reading_never_panics(text in "\\PC{0,200}") {
            let _ = Draft::from_json(&text);
            let _ = instant(&text);
        }

        #[test]
        fn instants_order_like_uniform_text(a in 0i64..4_000_000_000, b in 0i64..4_000_000_000) {
            // Timestamps written the same way compare as text; the parsed instants must agree.
            let text = |s: i64| {
                let date = Date::from_days_since_epoch(s / 86_400).map(|d| d.to_string()).unwrap_or_default();
                format!("{date}T{:02}:{:02}:{:02}Z", s % 86_400 / 3600, s % 3600 / 60, s % 60)
            };
            let (ta, tb) = (text(a), text(b));
            proptest::prop_assert_eq!(instant(&ta), Some((a, 0)));
            proptest::prop_assert_eq!(ta.cmp(&tb), a.cmp(&b));
        }
    }
}
