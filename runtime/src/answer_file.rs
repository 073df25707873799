//! HotDocs-style answer files: import and export of answer sets as XML,
//! mapped through the template's question types.
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <AnswerSet title="New client intake" version="1.1">
//!   <Answer name="full_name"><TextValue>Ann Smith</TextValue></Answer>
//!   <Answer name="born"><RptValue><DateValue>24/11/2016</DateValue><DateValue unans="true"/></RptValue></Answer>
//! </AnswerSet>
//! ```
//!
//! | question type | element |
//! |---|---|
//! | `text`, `email`, `phone` | `<TextValue>` |
//! | `number` | `<NumValue>` (decimal point) |
//! | `date` | `<DateValue>` (day/month/year: `24/11/2026`; `24-11-2026` and `2026-11-24` are read too) |
//! | `yes_no` | `<TFValue>` (`true` / `false`) |
//! | `choice` | `<MCValue>` with one `<SelValue>` (a `<TextValue>` is read too) |
//! | `multi_choice` | `<MCValue>` with any number of `<SelValue>` |
//!
//! A question inside a repeat is its own `<Answer>` holding an `<RptValue>`
//! with one value per entry, nested once more per enclosing repeat. An answer
//! is named by its id; a repeat child by its plain id when no other repeat
//! child and no top-level question share it, and otherwise by the ids of its
//! enclosing repeats and its own, joined with dots (`children.name`).
//!
//! Unanswered values (`unans="true"`, or an empty element) are left out of
//! the answer set, as are empty lists and texts on export. File questions and
//! computed values are not exported: files do not travel in answer files, and
//! computed values are derived again from the answers. A file answer in an
//! import is refused; a computed one is ignored.
//!
//! See `docs/answer-files.md` for the full description.

use std::collections::{BTreeMap, HashMap};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use serde_json::Value as Json;

use crate::date::Date;
use crate::template::{limits, ItemId, ItemKind, Template};
use crate::value::{format_number, number_to_json};
use crate::{AnswerSet, Error, Result};

/// Largest answer file accepted, in bytes.
pub const MAX_ANSWER_FILE_BYTES: usize = 8 * 1024 * 1024;

/// Deepest element nesting accepted: far more than the deepest legal file
/// (`AnswerSet`, `Answer`, one `RptValue` per repeat level, `MCValue`, `SelValue`).
const MAX_DEPTH: usize = 32;

/// Most elements accepted in one file: far more than any real answer set has, and a
/// bound on the memory a hostile file of small elements can take (about 120 bytes each).
pub const MAX_ELEMENTS: usize = 200_000;

/// Most options named in an error message.
const MAX_OPTIONS_LISTED: usize = 10;

/// Reads an answer file into an answer set for `template`.
///
/// Every answer must name a question of the template and hold a value of the
/// kind that question takes; the first problem found is returned as
/// [`Error::AnswerFile`], naming the answer.
pub fn import(xml: &str, template: &Template) -> Result<AnswerSet> {
    if xml.len() > MAX_ANSWER_FILE_BYTES {
        return Err(too_large(xml.len()));
    }
    let xml = xml.strip_prefix('\u{feff}').unwrap_or(xml);
    let root = parse(xml)?;
    Importer {
        template,
        names: Names::new(template),
    }
    .run(&root)
}

/// Reads an answer file given as bytes: UTF-8, or UTF-16 with a byte order mark
/// (as some desktop tools save them).
pub fn import_bytes(bytes: &[u8], template: &Template) -> Result<AnswerSet> {
    if bytes.len() > MAX_ANSWER_FILE_BYTES {
        return Err(too_large(bytes.len()));
    }
    let text = match bytes {
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes)?,
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes)?,
        _ => std::str::from_utf8(bytes)
            .map_err(|e| {
                Error::AnswerFile(format!(
                    "the file is not UTF-8 text (a wrong byte at offset {}); save it as UTF-8 or UTF-16",
                    e.valid_up_to()
                ))
            })?
            .to_owned(),
    };
    import(&text, template)
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String> {
    if !bytes.len().is_multiple_of(2) {
        return Err(Error::AnswerFile(
            "the file is not whole UTF-16 text (an odd number of bytes)".to_owned(),
        ));
    }
    let units = bytes
        .chunks_exact(2)
        .filter_map(|pair| <[u8; 2]>::try_from(pair).ok())
        .map(unit);
    char::decode_utf16(units)
        .collect::<std::result::Result<String, _>>()
        .map_err(|_| Error::AnswerFile("the file is not valid UTF-16 text".to_owned()))
}

fn too_large(size: usize) -> Error {
    Error::AnswerFile(format!(
        "the file is {size} bytes; the most accepted is {MAX_ANSWER_FILE_BYTES} bytes"
    ))
}

/// Writes the answers as an answer file, in template order.
///
/// Answers that do not fit their question's type, unanswered values, empty
/// texts and lists, file questions and computed values are left out.
pub fn export(answers: &AnswerSet, template: &Template) -> String {
    let names = Names::new(template);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AnswerSet title=\"");
    escape_into(&mut out, &template.title, true);
    out.push_str("\" version=\"1.1\">\n");
    let mut leaves = Vec::new();
    for page in &template.pages {
        collect_leaves(template, &page.items, &mut leaves);
    }
    for leaf in leaves {
        let item = template.item(leaf);
        let chain = template.repeat_chain(leaf);
        let (Some(slot), Some(name)) = (
            gather(answers, &chain, item.id_str(), template),
            names.export.get(&leaf),
        ) else {
            continue;
        };
        let mut value = String::new();
        match &slot {
            // A top-level answer that is unanswered, or does not fit its question, is left out;
            // inside repeats unanswered entries are written, since they hold the entries' places.
            Slot::Value(json) if chain.is_empty() => {
                if !write_value(&mut value, json, &item.kind) {
                    continue;
                }
            }
            _ => write_slot(&mut value, &slot, &item.kind, chain.len()),
        }
        out.push_str("  <Answer name=\"");
        escape_into(&mut out, name, true);
        out.push_str("\">");
        out.push_str(&value);
        out.push_str("</Answer>\n");
    }
    out.push_str("</AnswerSet>\n");
    out
}

/// The questions that are exported, in document order (repeats contribute their children).
fn collect_leaves(template: &Template, items: &[ItemId], out: &mut Vec<ItemId>) {
    for &id in items {
        match &template.item(id).kind {
            ItemKind::Repeat { items, .. } => collect_leaves(template, items, out),
            ItemKind::File { .. } | ItemKind::Computed { .. } | ItemKind::Note { .. } => {}
            _ => out.push(id),
        }
    }
}

/// One answer's value at one repeat level: missing, a value, or one slot per entry.
#[derive(Debug, Clone, PartialEq)]
enum Slot {
    /// Unanswered.
    Absent,
    /// A question's value, as stored in the answer set.
    Value(Json),
    /// The entries of a repeat, in order.
    List(Vec<Slot>),
}

/// Collects one question's values from the answers, through its enclosing repeats
/// (`chain`, outermost first); `None` when there is nothing to write.
fn gather(answers: &AnswerSet, chain: &[ItemId], id: &str, template: &Template) -> Option<Slot> {
    let slot = match chain.split_first() {
        None => Slot::Value(answers.get(id)?.clone()),
        Some((repeat, rest)) => {
            let entries = answers.get(template.item(*repeat).id_str())?.as_array()?;
            if entries.is_empty() {
                return None;
            }
            let slots = entries
                .iter()
                .map(|entry| {
                    entry
                        .as_object()
                        .and_then(|map| gather(map, rest, id, template))
                        .unwrap_or(Slot::Absent)
                })
                .collect();
            Slot::List(slots)
        }
    };
    Some(slot)
}

/// Writes a slot as the value element(s) of a question of `kind` nested in `depth` repeats.
fn write_slot(out: &mut String, slot: &Slot, kind: &ItemKind, depth: usize) {
    match slot {
        Slot::List(entries) if depth > 0 => {
            out.push_str("<RptValue>");
            for entry in entries {
                write_slot(out, entry, kind, depth - 1);
            }
            out.push_str("</RptValue>");
        }
        Slot::Value(value) if depth == 0 => {
            if !write_value(out, value, kind) {
                write_unanswered(out, kind, 0);
            }
        }
        _ => write_unanswered(out, kind, depth),
    }
}

fn write_unanswered(out: &mut String, kind: &ItemKind, depth: usize) {
    let element = if depth > 0 {
        "RptValue"
    } else {
        element_for(kind)
    };
    out.push('<');
    out.push_str(element);
    out.push_str(" unans=\"true\"/>");
}

/// The value element a question kind is written as.
fn element_for(kind: &ItemKind) -> &'static str {
    match kind {
        ItemKind::Number { .. } => "NumValue",
        ItemKind::Date { .. } => "DateValue",
        ItemKind::YesNo => "TFValue",
        ItemKind::Choice { .. } | ItemKind::MultiChoice { .. } => "MCValue",
        _ => "TextValue",
    }
}

/// Writes one answered value; false (writing nothing) when it is unanswered or does not fit `kind`.
fn write_value(out: &mut String, value: &Json, kind: &ItemKind) -> bool {
    let text = match (kind, value) {
        // Blank text reads back as unanswered, so it is not written.
        (ItemKind::Text { .. } | ItemKind::Email | ItemKind::Phone { .. }, Json::String(s))
            if !s.trim().is_empty() =>
        {
            s.clone()
        }
        (ItemKind::Number { .. }, Json::Number(n)) => match n.as_f64().filter(|f| f.is_finite()) {
            Some(f) => format_number(f),
            None => return false,
        },
        (ItemKind::Date { .. }, Json::String(s)) => match Date::parse(s) {
            Some(d) => format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year()),
            None => return false,
        },
        (ItemKind::YesNo, Json::Bool(b)) => b.to_string(),
        (ItemKind::Choice { .. }, Json::String(s)) if !s.trim().is_empty() => {
            out.push_str("<MCValue><SelValue>");
            escape_into(out, s, false);
            out.push_str("</SelValue></MCValue>");
            return true;
        }
        (ItemKind::MultiChoice { .. }, Json::Array(list)) => {
            let selected: Vec<&str> = list
                .iter()
                .filter_map(Json::as_str)
                .filter(|s| !s.trim().is_empty())
                .collect();
            if selected.is_empty() {
                return false;
            }
            out.push_str("<MCValue>");
            for s in selected {
                out.push_str("<SelValue>");
                escape_into(out, s, false);
                out.push_str("</SelValue>");
            }
            out.push_str("</MCValue>");
            return true;
        }
        _ => return false,
    };
    let element = element_for(kind);
    out.push('<');
    out.push_str(element);
    out.push('>');
    escape_into(out, &text, false);
    out.push_str("</");
    out.push_str(element);
    out.push('>');
    true
}

/// Escapes text for XML content or (with `attribute`) a double-quoted attribute value.
///
/// Characters XML 1.0 cannot carry at all (most C0 controls, U+FFFE, U+FFFF) are left out.
/// A carriage return is written as a reference so that line-end normalisation keeps it;
/// in attributes tabs and line feeds are too, since attribute normalisation would turn them into spaces.
fn escape_into(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// Whether XML 1.0 allows a character in a document.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The names answers go by, both ways.
struct Names {
    /// Every accepted name (plain, qualified and short-qualified) to its item.
    lookup: HashMap<String, ItemId>,
    /// The name export writes for each exported question.
    export: HashMap<ItemId, String>,
}

impl Names {
    fn new(template: &Template) -> Names {
        let mut lookup = HashMap::new();
        let mut export = HashMap::new();
        // How many items inside repeats carry each id: only unique ones may go unqualified.
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for item in &template.items {
            if item.depth > 0 && !matches!(item.kind, ItemKind::Repeat { .. }) {
                if let Some(id) = &item.id {
                    *counts.entry(id.as_str()).or_default() += 1;
                }
            }
        }
        let mut short_counts: HashMap<String, usize> = HashMap::new();
        let mut qualified: Vec<(ItemId, String, String)> = Vec::new();
        for (item_id, item) in template.items_with_ids() {
            let Some(id) = &item.id else { continue };
            if item.depth == 0 {
                lookup.insert(id.clone(), item_id);
                export.insert(item_id, id.clone());
                continue;
            }
            if matches!(item.kind, ItemKind::Repeat { .. }) {
                continue;
            }
            let chain = template.repeat_chain(item_id);
            let mut full: Vec<&str> = chain.iter().map(|r| template.item(*r).id_str()).collect();
            full.push(id);
            let short = format!(
                "{}.{id}",
                full.get(full.len().saturating_sub(2))
                    .copied()
                    .unwrap_or("")
            );
            *short_counts.entry(short.clone()).or_default() += 1;
            qualified.push((item_id, full.join("."), short));
        }
        for (item_id, full, short) in qualified {
            let id = template.item(item_id).id_str();
            let plain = counts.get(id) == Some(&1) && !lookup.contains_key(id);
            if plain {
                lookup.insert(id.to_owned(), item_id);
            }
            if short_counts.get(&short) == Some(&1) {
                lookup.insert(short, item_id);
            }
            lookup.insert(full.clone(), item_id);
            export.insert(item_id, if plain { id.to_owned() } else { full });
        }
        Names { lookup, export }
    }
}

/// An element of the parsed file: just what answer files use.
#[derive(Debug, Default)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Element>,
    /// All character data directly inside, concatenated.
    text: String,
}

impl Element {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Marked `unans="true"`, or empty (blank text counts as empty).
    fn is_unanswered(&self) -> bool {
        self.attribute("unans")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
            || (self.children.is_empty() && self.text.trim().is_empty())
    }
}

/// Parses the XML into a tree, refusing document type declarations and unknown entities.
fn parse(xml: &str) -> Result<Element> {
    let mut reader = Reader::from_str(xml);
    let malformed = |offset: u64, what: &str| {
        let (line, column) = line_and_column(xml, offset);
        Error::AnswerFile(format!(
            "the file is not well-formed XML at line {line}, column {column}: {what}"
        ))
    };
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut elements = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| malformed(reader.error_position(), &e.to_string()))?;
        let at = reader.buffer_position();
        match event {
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::DocType(_) => {
                return Err(Error::AnswerFile(
                    "the file has a <!DOCTYPE> declaration; answer files with document type definitions or entities are refused"
                        .to_owned(),
                ))
            }
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(malformed(at, "there is content after the end of <AnswerSet>"));
            }
            Event::Start(_) | Event::Empty(_) if elements >= MAX_ELEMENTS => {
                return Err(Error::AnswerFile(format!(
                    "the file has more than {MAX_ELEMENTS} elements; split it into smaller files"
                )));
            }
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(malformed(at, "elements are nested too deeply"));
                }
                elements += 1;
                stack.push(element(&start, &reader).map_err(|e| malformed(at, &e))?);
            }
            Event::Empty(start) => {
                elements += 1;
                let element = element(&start, &reader).map_err(|e| malformed(at, &e))?;
                close(element, &mut stack, &mut root);
            }
            Event::End(_) => match stack.pop() {
                Some(element) => close(element, &mut stack, &mut root),
                None => return Err(malformed(at, "a closing tag has no opening tag")),
            },
            Event::Text(text) => {
                let text = text.xml10_content().map_err(|e| malformed(at, &e.to_string()))?;
                push_text(&mut stack, &text, at, &malformed)?;
            }
            Event::CData(data) => {
                let text = data.xml10_content().map_err(|e| malformed(at, &e.to_string()))?;
                push_text(&mut stack, &text, at, &malformed)?;
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) if is_xml_char(c) => c.to_string(),
                    Ok(Some(c)) => {
                        return Err(malformed(at, &format!("U+{:04X} is not allowed in XML", u32::from(c))))
                    }
                    Ok(None) => {
                        let name = reference.decode().map_err(|e| malformed(at, &e.to_string()))?;
                        match quick_xml::escape::resolve_xml_entity(&name) {
                            Some(text) => text.to_owned(),
                            None => {
                                return Err(malformed(
                                    at,
                                    &format!("`&{name};` is not one of XML's predefined entities; entities are refused"),
                                ))
                            }
                        }
                    }
                    Err(e) => return Err(malformed(at, &e.to_string())),
                };
                push_text(&mut stack, &resolved, at, &malformed)?;
            }
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(malformed(
            reader.buffer_position(),
            &format!("the file ends inside <{}>", open.name),
        ));
    }
    root.ok_or_else(|| Error::AnswerFile("the file has no <AnswerSet> element".to_owned()))
}

fn element(start: &BytesStart<'_>, reader: &Reader<&[u8]>) -> std::result::Result<Element, String> {
    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| e.to_string())?;
        let key = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
        let value = attribute
            .decode_and_unescape_value(reader.decoder())
            .map_err(|e| e.to_string())?;
        attributes.push((key, value.into_owned()));
    }
    Ok(Element {
        name,
        attributes,
        ..Element::default()
    })
}

fn close(element: Element, stack: &mut [Element], root: &mut Option<Element>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

fn push_text(
    stack: &mut [Element],
    text: &str,
    at: u64,
    malformed: &impl Fn(u64, &str) -> Error,
) -> Result<()> {
    match stack.last_mut() {
        Some(element) => {
            element.text.push_str(text);
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err(malformed(
            at,
            "there is text outside the <AnswerSet> element",
        )),
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: u64) -> (usize, usize) {
    let offset = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(text.len());
    let mut end = offset;
    // The offset may fall inside a character; count up to its start.
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = text.get(..end).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Turns the parsed tree into an answer set.
struct Importer<'t> {
    template: &'t Template,
    names: Names,
}

impl Importer<'_> {
    fn run(&self, root: &Element) -> Result<AnswerSet> {
        if root.name != "AnswerSet" {
            return Err(Error::AnswerFile(format!(
                "the file's top element is <{}>; an answer file has <AnswerSet>",
                root.name
            )));
        }
        if !root.text.trim().is_empty() {
            return Err(Error::AnswerFile(
                "<AnswerSet> holds text outside its <Answer> elements".to_owned(),
            ));
        }
        let mut answers = AnswerSet::new();
        let mut seen: HashMap<ItemId, String> = HashMap::new();
        // Values of questions inside repeats, per outermost repeat, assembled at the end.
        let mut repeated: BTreeMap<ItemId, Vec<(ItemId, Slot)>> = BTreeMap::new();
        for answer in &root.children {
            if answer.name != "Answer" {
                return Err(Error::AnswerFile(format!(
                    "<AnswerSet> holds a <{}>; it holds only <Answer> elements",
                    answer.name
                )));
            }
            let Some(name) = answer.attribute("name") else {
                return Err(Error::AnswerFile("an <Answer> has no `name`".to_owned()));
            };
            let Some(&item_id) = self.names.lookup.get(name) else {
                return Err(Error::AnswerFile(format!(
                    "unknown answer `{name}`: the template has no question by that name"
                )));
            };
            if let Some(first) = seen.insert(item_id, name.to_owned()) {
                let also = if first == name {
                    String::new()
                } else {
                    format!(" (also as `{first}`)")
                };
                return Err(Error::AnswerFile(format!(
                    "answer `{name}` is given twice{also}"
                )));
            }
            let item = self.template.item(item_id);
            match &item.kind {
                ItemKind::Note { .. } => {
                    return Err(Error::AnswerFile(format!("answer `{name}` names a note, which takes no answer")))
                }
                ItemKind::Repeat { .. } => {
                    return Err(Error::AnswerFile(format!(
                        "answer `{name}` names a repeat; the questions inside it are answered by their own names"
                    )))
                }
                ItemKind::File { .. } => {
                    return Err(Error::AnswerFile(format!(
                        "answer `{name}` is a file question; files cannot be imported from an answer file"
                    )))
                }
                // Computed values are derived from the other answers again, whatever the file says.
                ItemKind::Computed { .. } => continue,
                _ => {}
            }
            if !answer.text.trim().is_empty() {
                return Err(Error::AnswerFile(format!(
                    "answer `{name}` holds bare text; put it in a value element such as <TextValue>"
                )));
            }
            let value = match answer.children.as_slice() {
                [] => continue,
                [value] => value,
                several => {
                    return Err(Error::AnswerFile(format!(
                        "answer `{name}` holds {} values; an answer holds one",
                        several.len()
                    )))
                }
            };
            let chain = self.template.repeat_chain(item_id);
            let context = Context {
                name,
                kind: &item.kind,
                template: self.template,
                item: item_id,
            };
            match chain.first() {
                None => {
                    if let Slot::Value(json) = context.read(value, 0, "")? {
                        answers.insert(item.id_str().to_owned(), json);
                    }
                }
                Some(&outermost) => {
                    let slot = context.read(value, chain.len(), "")?;
                    repeated.entry(outermost).or_default().push((item_id, slot));
                }
            }
        }
        for (repeat, inputs) in repeated {
            let inputs: Vec<(ItemId, &Slot)> =
                inputs.iter().map(|(item, slot)| (*item, slot)).collect();
            if let Some(entries) = assemble(self.template, repeat, &inputs) {
                answers.insert(self.template.item(repeat).id_str().to_owned(), entries);
            }
        }
        Ok(answers)
    }
}

/// Builds the entries of `repeat` from the values of the questions inside it, each
/// given at this repeat's level. `None` when no question gives it any entry.
fn assemble(template: &Template, repeat: ItemId, inputs: &[(ItemId, &Slot)]) -> Option<Json> {
    let count = inputs
        .iter()
        .filter_map(|(_, slot)| match slot {
            Slot::List(entries) => Some(entries.len()),
            _ => None,
        })
        .max()?;
    let ItemKind::Repeat {
        items: children, ..
    } = &template.item(repeat).kind
    else {
        return None;
    };
    let mut entries = Vec::with_capacity(count);
    for index in 0..count {
        let at = |slot: &Slot| match slot {
            Slot::List(entries) => entries.get(index).cloned().unwrap_or(Slot::Absent),
            _ => Slot::Absent,
        };
        let mut entry = AnswerSet::new();
        for &child in children {
            let child_item = template.item(child);
            if matches!(child_item.kind, ItemKind::Repeat { .. }) {
                let inner: Vec<(ItemId, Slot)> = inputs
                    .iter()
                    .filter(|(leaf, _)| template.repeat_chain(*leaf).contains(&child))
                    .map(|(leaf, slot)| (*leaf, at(slot)))
                    .collect();
                let inner: Vec<(ItemId, &Slot)> =
                    inner.iter().map(|(leaf, slot)| (*leaf, slot)).collect();
                if let Some(list) = assemble(template, child, &inner) {
                    entry.insert(child_item.id_str().to_owned(), list);
                }
            } else if let Some((_, slot)) = inputs.iter().find(|(leaf, _)| *leaf == child) {
                if let Slot::Value(value) = at(slot) {
                    entry.insert(child_item.id_str().to_owned(), value);
                }
            }
        }
        entries.push(Json::Object(entry));
    }
    Some(Json::Array(entries))
}

/// A name with "a" or "an" as it is read aloud ("an MCValue", "a TextValue", "an email").
fn with_article(name: &str) -> String {
    let vowel_sound = name.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U'])
        || name.starts_with("MC")
        || name.starts_with("Rpt");
    format!("{} {name}", if vowel_sound { "an" } else { "a" })
}

/// The value elements of single answers.
const KNOWN_VALUES: [&str; 5] = ["TextValue", "NumValue", "DateValue", "TFValue", "MCValue"];

/// What reading one answer's value needs to know.
struct Context<'a> {
    /// The answer's name as written in the file.
    name: &'a str,
    kind: &'a ItemKind,
    template: &'a Template,
    item: ItemId,
}

impl Context<'_> {
    /// Reads a value element nested in `depth` more repeat levels; `entry` says where, for messages.
    fn read(&self, element: &Element, depth: usize, entry: &str) -> Result<Slot> {
        let place = if entry.is_empty() {
            format!("answer `{}`", self.name)
        } else {
            format!("answer `{}`, entry {entry},", self.name)
        };
        if element.name == "RptValue" {
            if depth == 0 {
                let what = if entry.is_empty() {
                    "is not inside a repeat"
                } else {
                    "has no repeat at this level"
                };
                return Err(Error::AnswerFile(format!(
                    "{place} {what} but holds an RptValue"
                )));
            }
            if element.is_unanswered() {
                return Ok(Slot::Absent);
            }
            if !element.text.trim().is_empty() {
                return Err(Error::AnswerFile(format!(
                    "{place} holds text directly in an RptValue"
                )));
            }
            if element.children.len() > limits::MAX_REPEAT_ENTRIES as usize {
                return Err(Error::AnswerFile(format!(
                    "{place} has {} entries; a repeat has at most {}",
                    element.children.len(),
                    limits::MAX_REPEAT_ENTRIES
                )));
            }
            let mut entries = Vec::with_capacity(element.children.len());
            for (index, child) in element.children.iter().enumerate() {
                let inner = if entry.is_empty() {
                    format!("{}", index + 1)
                } else {
                    format!("{entry}.{}", index + 1)
                };
                entries.push(self.read(child, depth - 1, &inner)?);
            }
            return Ok(Slot::List(entries));
        }
        if depth > 0 {
            // An unanswered entry may be written with the question's own element.
            if KNOWN_VALUES.contains(&element.name.as_str()) && element.is_unanswered() {
                return Ok(Slot::Absent);
            }
            let repeats = self.template.repeat_chain(self.item);
            let level = repeats.len().saturating_sub(depth);
            let repeat = repeats
                .get(level)
                .map_or("", |r| self.template.item(*r).id_str());
            return Err(Error::AnswerFile(format!(
                "{place} is inside repeat `{repeat}` and needs an RptValue with one value per entry, not {}",
                with_article(&element.name)
            )));
        }
        self.read_value(element, &place)
            .map(|value| value.map_or(Slot::Absent, Slot::Value))
    }

    /// Reads a single value element for the question; `None` when unanswered.
    fn read_value(&self, element: &Element, place: &str) -> Result<Option<Json>> {
        if !KNOWN_VALUES.contains(&element.name.as_str()) {
            return Err(Error::AnswerFile(format!(
                "{place} holds a <{}>, which is not an answer value; expected {}",
                element.name,
                with_article(element_for(self.kind))
            )));
        }
        if element.is_unanswered() {
            return Ok(None);
        }
        let fits = match self.kind {
            ItemKind::Choice { .. } => matches!(element.name.as_str(), "MCValue" | "TextValue"),
            kind => element.name == element_for(kind),
        };
        if !fits {
            return Err(Error::AnswerFile(format!(
                "{place} is {} question but holds {}; expected {}",
                with_article(self.kind.type_name()),
                with_article(&element.name),
                with_article(element_for(self.kind))
            )));
        }
        if element.name == "MCValue" {
            return self.read_selection(element, place);
        }
        if let Some(child) = element.children.first() {
            return Err(Error::AnswerFile(format!(
                "{place} has a <{}> inside its {}",
                child.name, element.name
            )));
        }
        let text = element.text.as_str();
        let value = match self.kind {
            ItemKind::Number { .. } => match parse_number(text) {
                Some(n) => number_to_json(n),
                None if text.contains(',') => {
                    return Err(Error::AnswerFile(format!(
                        "{place} holds `{}`, which is not a number; write numbers with a decimal point, like 4.5",
                        text.trim()
                    )))
                }
                None => {
                    return Err(Error::AnswerFile(format!("{place} holds `{}`, which is not a number", text.trim())))
                }
            },
            ItemKind::Date { .. } => match parse_date(text) {
                Some(date) => Json::String(date.to_string()),
                None => {
                    return Err(Error::AnswerFile(format!(
                        "{place} holds `{}`, which is not a date; expected day/month/year, like 24/11/2026",
                        text.trim()
                    )))
                }
            },
            ItemKind::YesNo => match text.trim() {
                t if t.eq_ignore_ascii_case("true") => Json::Bool(true),
                t if t.eq_ignore_ascii_case("false") => Json::Bool(false),
                t => return Err(Error::AnswerFile(format!("{place} holds `{t}`; expected true or false"))),
            },
            ItemKind::Choice { options, .. } => Json::String(option_value(options, text, place)?),
            // Text is kept exactly as written: spaces and line breaks can be part of an answer.
            _ => Json::String(text.to_owned()),
        };
        Ok(Some(value))
    }

    /// Reads an `<MCValue>` of `<SelValue>`s for a choice or multi-choice question.
    fn read_selection(&self, element: &Element, place: &str) -> Result<Option<Json>> {
        if !element.text.trim().is_empty() {
            return Err(Error::AnswerFile(format!(
                "{place} holds text directly in its MCValue; use <SelValue>"
            )));
        }
        let options = match self.kind {
            ItemKind::Choice { options, .. } | ItemKind::MultiChoice { options, .. } => options,
            // `read_value` lets an MCValue through only for choice questions.
            _ => return Ok(None),
        };
        let mut selected: Vec<String> = Vec::new();
        for sel in &element.children {
            if sel.name != "SelValue" {
                return Err(Error::AnswerFile(format!(
                    "{place} has a <{}> in its MCValue; expected <SelValue>",
                    sel.name
                )));
            }
            if let Some(child) = sel.children.first() {
                return Err(Error::AnswerFile(format!(
                    "{place} has a <{}> inside a SelValue",
                    child.name
                )));
            }
            if sel.is_unanswered() {
                continue;
            }
            let value = option_value(options, &sel.text, place)?;
            if !selected.contains(&value) {
                selected.push(value);
            }
        }
        match (self.kind, selected.len()) {
            (_, 0) => Ok(None),
            (ItemKind::Choice { .. }, 1) => Ok(selected.pop().map(Json::String)),
            (ItemKind::Choice { .. }, n) => Err(Error::AnswerFile(format!(
                "{place} is a choice question and takes one selection, but holds {n}"
            ))),
            _ => Ok(Some(Json::Array(
                selected.into_iter().map(Json::String).collect(),
            ))),
        }
    }
}

/// The option value a selection names: an option's value, else (for files written
/// against option texts) the one option whose label it is.
fn option_value(
    options: &[crate::template::ChoiceOption],
    text: &str,
    place: &str,
) -> Result<String> {
    let wanted = text.trim();
    if let Some(option) = options
        .iter()
        .find(|o| o.value == text || o.value == wanted)
    {
        return Ok(option.value.clone());
    }
    let mut by_label = options.iter().filter(|o| o.label.trim() == wanted);
    if let (Some(option), None) = (by_label.next(), by_label.next()) {
        return Ok(option.value.clone());
    }
    let mut listed: Vec<&str> = options
        .iter()
        .take(MAX_OPTIONS_LISTED)
        .map(|o| o.value.as_str())
        .collect();
    if options.len() > MAX_OPTIONS_LISTED {
        listed.push("...");
    }
    Err(Error::AnswerFile(format!(
        "{place} holds `{wanted}`, which is not one of the options ({})",
        listed.join(", ")
    )))
}

/// A decimal number as answer files write it: digits, a decimal point, an optional sign
/// and exponent. Infinities, NaN and thousands separators are refused.
fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E');
    if text.is_empty() || !text.chars().all(allowed) || !text.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    crate::number::parse_f64(text).filter(|n| n.is_finite())
}

/// A date written day/month/year (`24/11/2026`, `24-11-2026`), or as `2026-11-24`.
fn parse_date(text: &str) -> Option<Date> {
    let text = text.trim();
    let separator = if text.contains('/') { '/' } else { '-' };
    let parts: Vec<&str> = text.split(separator).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let number = |s: &str, max_len: usize| -> Option<u32> {
        if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let (year, month, day) = if a.len() == 4 && separator == '-' {
        (number(a, 4)?, number(b, 2)?, number(c, 2)?)
    } else if c.len() == 4 {
        (number(c, 4)?, number(b, 2)?, number(a, 2)?)
    } else {
        return None;
    };
    Date::from_ymd(i32::try_from(year).ok()?, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// Every question type, a nested repeat, ids shared between repeats, and a
    /// repeat child (`year`) whose id is also a top-level question.
    const TEMPLATE: &str = r#"{
      "format": "interview/1",
      "title": "Intake & <review>",
      "pages": [
        {"id": "about", "title": "About you", "items": [
          {"type": "text", "id": "full_name", "label": "Full name", "max_length": 200},
          {"type": "number", "id": "age", "label": "Age", "integer": true},
          {"type": "number", "id": "year", "label": "Year"},
          {"type": "email", "id": "email", "label": "Email"},
          {"type": "phone", "id": "mobile", "label": "Mobile", "region": "GB"},
          {"type": "yes_no", "id": "has_partner", "label": "Partner?"},
          {"type": "choice", "id": "colour", "label": "Colour",
           "options": [{"value": "red", "label": "Red"}, {"value": "green", "label": "Green"}]},
          {"type": "multi_choice", "id": "pets", "label": "Pets",
           "options": [{"value": "cat", "label": "Cat"}, {"value": "dog", "label": "Dog"}, {"value": "fish", "label": "Fish"}]},
          {"type": "file", "id": "passport", "label": "Passport"},
          {"type": "computed", "id": "child_count", "expr": "size(children)"},
          {"type": "note", "id": "thanks", "text": "Thanks {{full_name}}."}
        ]},
        {"id": "family", "title": "Family", "items": [
          {"type": "repeat", "id": "children", "label": "Children", "items": [
            {"type": "text", "id": "name", "label": "Name"},
            {"type": "date", "id": "born", "label": "Born"},
            {"type": "yes_no", "id": "at_school", "label": "At school?"},
            {"type": "repeat", "id": "schools", "label": "Schools", "items": [
              {"type": "text", "id": "name", "label": "School"},
              {"type": "number", "id": "year", "label": "Year"}
            ]}
          ]},
          {"type": "repeat", "id": "vehicles", "label": "Vehicles", "items": [
            {"type": "text", "id": "name", "label": "Make"},
            {"type": "choice", "id": "fuel", "label": "Fuel",
             "options": [{"value": "petrol", "label": "Petrol"}, {"value": "ev", "label": "Electric"}]}
          ]}
        ]}
      ]
    }"#;

    fn template() -> Template {
        match Template::from_json(TEMPLATE) {
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

    fn imported(xml: &str) -> AnswerSet {
        match import(xml, &template()) {
            Ok(a) => a,
            Err(e) => panic!("refused: {e}\n{xml}"),
        }
    }

    fn refused(xml: &str) -> String {
        match import(xml, &template()) {
            Ok(a) => panic!("accepted {a:?}\n{xml}"),
            Err(Error::AnswerFile(message)) => message,
            Err(e) => panic!("wrong error {e:?}"),
        }
    }

    /// An answer file with the given `<Answer>` elements.
    fn file(body: &str) -> String {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AnswerSet title=\"t\" version=\"1.1\">{body}</AnswerSet>")
    }

    fn full_answers() -> AnswerSet {
        answers(json!({
            "full_name": "Ann <Smith> & \"Co\"",
            "age": 41,
            "year": 2.5,
            "email": "ann@example.com",
            "mobile": "+447700900123",
            "has_partner": false,
            "colour": "green",
            "pets": ["dog", "cat"],
            "children": [
                {"name": "Bo", "born": "2016-11-24", "schools": [{"name": "Hill", "year": 2022}, {"year": 2024}]},
                {"at_school": true},
                {"name": "Cy", "schools": [{"name": "Dale"}]}
            ],
            "vehicles": [{"name": "Volvo", "fuel": "ev"}]
        }))
    }

    const FULL_EXPORT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<AnswerSet title="Intake &amp; &lt;review&gt;" version="1.1">
  <Answer name="full_name"><TextValue>Ann &lt;Smith&gt; &amp; "Co"</TextValue></Answer>
  <Answer name="age"><NumValue>41</NumValue></Answer>
  <Answer name="year"><NumValue>2.5</NumValue></Answer>
  <Answer name="email"><TextValue>ann@example.com</TextValue></Answer>
  <Answer name="mobile"><TextValue>+447700900123</TextValue></Answer>
  <Answer name="has_partner"><TFValue>false</TFValue></Answer>
  <Answer name="colour"><MCValue><SelValue>green</SelValue></MCValue></Answer>
  <Answer name="pets"><MCValue><SelValue>dog</SelValue><SelValue>cat</SelValue></MCValue></Answer>
  <Answer name="children.name"><RptValue><TextValue>Bo</TextValue><TextValue unans="true"/><TextValue>Cy</TextValue></RptValue></Answer>
  <Answer name="born"><RptValue><DateValue>24/11/2016</DateValue><DateValue unans="true"/><DateValue unans="true"/></RptValue></Answer>
  <Answer name="at_school"><RptValue><TFValue unans="true"/><TFValue>true</TFValue><TFValue unans="true"/></RptValue></Answer>
  <Answer name="children.schools.name"><RptValue><RptValue><TextValue>Hill</TextValue><TextValue unans="true"/></RptValue><RptValue unans="true"/><RptValue><TextValue>Dale</TextValue></RptValue></RptValue></Answer>
  <Answer name="children.schools.year"><RptValue><RptValue><NumValue>2022</NumValue><NumValue>2024</NumValue></RptValue><RptValue unans="true"/><RptValue><NumValue unans="true"/></RptValue></RptValue></Answer>
  <Answer name="vehicles.name"><RptValue><TextValue>Volvo</TextValue></RptValue></Answer>
  <Answer name="fuel"><RptValue><MCValue><SelValue>ev</SelValue></MCValue></RptValue></Answer>
</AnswerSet>
"#;

    #[test]
    fn export_writes_every_type_in_template_order() {
        assert_eq!(export(&full_answers(), &template()), FULL_EXPORT);
    }

    #[test]
    fn import_reads_back_what_export_wrote() {
        assert_eq!(imported(FULL_EXPORT), full_answers());
    }

    /// The example of the template format's documentation.
    const DOCUMENTED_EXAMPLE: &str = r#"{
      "format": "interview/1",
      "title": "New client intake",
      "description": "Optional text shown on the first page.",
      "pages": [{"id": "about", "title": "About you", "items": [
        {"type": "text", "id": "full_name", "label": "Full name", "required": true, "max_length": 200},
        {"type": "number", "id": "age", "label": "Age", "min": 18, "max": 130, "integer": true},
        {"type": "yes_no", "id": "has_partner", "label": "Do you have a partner?"},
        {"type": "text", "id": "partner_name", "label": "Partner's name", "visible_if": "has_partner", "required": true},
        {"type": "repeat", "id": "children", "label": "Children", "item_label": "Child", "min_items": 0, "max_items": 20,
         "items": [
           {"type": "text", "id": "name", "label": "Name", "required": true},
           {"type": "date", "id": "born", "label": "Date of birth", "max": "today"}
         ]},
        {"type": "computed", "id": "child_count", "expr": "size(children)"},
        {"type": "note", "text": "Thanks {{full_name}}, a few more questions."}
      ]}]
    }"#;

    #[test]
    fn the_documented_example_round_trips() {
        let t = match Template::from_json(DOCUMENTED_EXAMPLE) {
            Ok(t) => t,
            Err(e) => panic!("{e:?}"),
        };
        let cases = [
            json!({}),
            json!({"full_name": "Ann", "age": 41, "has_partner": true, "partner_name": "Cy"}),
            json!({"has_partner": false, "children": [{"name": "Bo", "born": "2016-11-24"}, {"born": "2019-03-02"}]}),
            json!({"children": [{}, {}, {"name": "Di"}]}),
        ];
        for case in cases {
            let answers = answers(case);
            let xml = export(&answers, &t);
            assert_eq!(import(&xml, &t).ok(), Some(answers), "{xml}");
        }
        let xml = export(
            &answers(json!({"children": [{"name": "Bo", "born": "2016-11-24"}]})),
            &t,
        );
        assert!(
            xml.contains(
                "<Answer name=\"name\"><RptValue><TextValue>Bo</TextValue></RptValue></Answer>\n  \
             <Answer name=\"born\"><RptValue><DateValue>24/11/2016</DateValue></RptValue></Answer>"
            ),
            "{xml}"
        );
        assert!(
            xml.contains("<AnswerSet title=\"New client intake\" version=\"1.1\">"),
            "{xml}"
        );
    }

    #[test]
    fn export_leaves_out_files_computed_unknown_unanswered_and_ill_fitting_answers() {
        let answers = answers(json!({
            "full_name": "",
            "age": "forty",
            "email": null,
            "pets": [],
            "colour": "   ",
            "passport": [{"file_id": "f", "name": "p.pdf", "size": 1, "content_type": "application/pdf", "sha256": "00"}],
            "child_count": 2,
            "nickname": "Annie",
            "children": [],
            "vehicles": "none",
            "has_partner": true
        }));
        assert_eq!(
            export(&answers, &template()),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<AnswerSet title=\"Intake &amp; &lt;review&gt;\" version=\"1.1\">\n  \
             <Answer name=\"has_partner\"><TFValue>true</TFValue></Answer>\n</AnswerSet>\n"
        );
    }

    #[test]
    fn export_escapes_text_and_drops_what_xml_cannot_carry() {
        let answers = answers(json!({"full_name": "a\r\nb\tc\u{1}d ]]> 'e' é 😀"}));
        let xml = export(&answers, &template());
        assert!(
            xml.contains("<TextValue>a&#13;\nb\tcd ]]&gt; 'e' é 😀</TextValue>"),
            "{xml}"
        );
        assert_eq!(
            imported(&xml)["full_name"],
            json!("a\r\nb\tcd ]]> 'e' é 😀")
        );
    }

    #[test]
    fn import_accepts_the_variations_real_files_have() {
        let xml = "\u{feff}<?xml version=\"1.0\"?>\n<!-- written by hand -->\n<AnswerSet title=\"x\" version=\"1.1\" useMangledNames=\"false\">\n\
            <Answer name=\"full_name\" save=\"true\">\n  <TextValue>  Ann  </TextValue>\n</Answer>\n\
            <Answer name=\"age\"><NumValue> 41.50 </NumValue></Answer>\n\
            <Answer name=\"year\"><NumValue>-1e3</NumValue></Answer>\n\
            <Answer name=\"has_partner\"><TFValue>TRUE</TFValue></Answer>\n\
            <Answer name=\"colour\"><TextValue>Red</TextValue></Answer>\n\
            <Answer name=\"pets\"><MCValue><SelValue>fish</SelValue><SelValue unans=\"true\"/><SelValue>Fish</SelValue></MCValue></Answer>\n\
            <Answer name=\"email\"><TextValue unans=\"true\">ignored</TextValue></Answer>\n\
            <Answer name=\"mobile\"/>\n\
            <Answer name=\"child_count\"><NumValue>7</NumValue></Answer>\n\
            <Answer name=\"born\"><RptValue><DateValue>1-2-2015</DateValue><DateValue>2017-03-04</DateValue></RptValue></Answer>\n\
            <Answer name=\"children.name\"><RptValue><TextValue>Bo</TextValue></RptValue></Answer>\n\
            <Answer name=\"schools.name\"><RptValue><RptValue/><RptValue><TextValue>Hill</TextValue></RptValue><RptValue/></RptValue></Answer>\n\
            <Answer name=\"vehicles.fuel\"><RptValue><TextValue>Electric</TextValue></RptValue></Answer>\n\
            <Answer name=\"vehicles.name\"><RptValue><![CDATA[<x>]]></RptValue></Answer>\n\
            </AnswerSet>";
        let xml = xml.replace(
            "<RptValue><![CDATA[<x>]]></RptValue>",
            "<RptValue><TextValue><![CDATA[<x>]]> &amp; &#x263A;</TextValue></RptValue>",
        );
        assert_eq!(
            imported(&xml),
            answers(json!({
                "full_name": "  Ann  ",
                "age": 41.5,
                "year": -1000,
                "has_partner": true,
                "colour": "red",
                "pets": ["fish"],
                "children": [
                    {"name": "Bo", "born": "2015-02-01"},
                    {"born": "2017-03-04", "schools": [{"name": "Hill"}]},
                    {}
                ],
                "vehicles": [{"name": "<x> & ☺", "fuel": "ev"}]
            }))
        );
    }

    #[test]
    fn names_are_plain_when_unique_and_qualified_otherwise() {
        let names = Names::new(&template());
        let t = template();
        let name_of = |path: &[&str]| {
            let mut id = t.top_level(path[0]);
            for step in &path[1..] {
                id = id.and_then(|r| t.child(r, step));
            }
            id.and_then(|id| names.export.get(&id).cloned())
        };
        assert_eq!(name_of(&["age"]).as_deref(), Some("age"));
        assert_eq!(name_of(&["children", "born"]).as_deref(), Some("born"));
        assert_eq!(
            name_of(&["children", "name"]).as_deref(),
            Some("children.name")
        );
        assert_eq!(
            name_of(&["children", "schools", "name"]).as_deref(),
            Some("children.schools.name")
        );
        // `year` is also a top-level question, so the child needs its full name.
        assert_eq!(
            name_of(&["children", "schools", "year"]).as_deref(),
            Some("children.schools.year")
        );
        assert_eq!(names.lookup.get("year"), t.top_level("year").as_ref());
        assert!(names.lookup.contains_key("schools.year"));
        assert!(names.lookup.contains_key("children.born"));
        assert!(!names.lookup.contains_key("name"));
    }

    #[test]
    fn entries_follow_the_longest_list_and_gaps_stay_unanswered() {
        let xml = file(
            "<Answer name=\"children.name\"><RptValue><TextValue>A</TextValue></RptValue></Answer>\
             <Answer name=\"born\"><RptValue><DateValue unans=\"true\"/><DateValue unans=\"true\"/><DateValue>01/01/2020</DateValue></RptValue></Answer>",
        );
        assert_eq!(
            imported(&xml),
            answers(json!({"children": [{"name": "A"}, {}, {"born": "2020-01-01"}]}))
        );
        // Only unanswered values: no entries at all.
        let xml = file("<Answer name=\"born\"><RptValue unans=\"true\"/></Answer><Answer name=\"children.name\"><RptValue/></Answer>");
        assert_eq!(imported(&xml), AnswerSet::new());
    }

    #[test]
    fn type_mismatches_name_the_answer_and_what_was_expected() {
        let cases = [
            ("<Answer name=\"age\"><TextValue>41</TextValue></Answer>",
             "answer `age` is a number question but holds a TextValue; expected a NumValue"),
            ("<Answer name=\"full_name\"><MCValue><SelValue>a</SelValue></MCValue></Answer>",
             "answer `full_name` is a text question but holds an MCValue; expected a TextValue"),
            ("<Answer name=\"has_partner\"><TextValue>yes</TextValue></Answer>",
             "answer `has_partner` is a yes_no question but holds a TextValue; expected a TFValue"),
            ("<Answer name=\"email\"><NumValue>1</NumValue></Answer>",
             "answer `email` is an email question but holds a NumValue; expected a TextValue"),
            ("<Answer name=\"colour\"><TFValue>true</TFValue></Answer>",
             "answer `colour` is a choice question but holds a TFValue; expected an MCValue"),
            ("<Answer name=\"pets\"><TextValue>cat</TextValue></Answer>",
             "answer `pets` is a multi_choice question but holds a TextValue; expected an MCValue"),
            ("<Answer name=\"born\"><RptValue><TextValue>1/1/2000</TextValue></RptValue></Answer>",
             "answer `born`, entry 1, is a date question but holds a TextValue; expected a DateValue"),
            ("<Answer name=\"age\"><DocValue>1</DocValue></Answer>",
             "answer `age` holds a <DocValue>, which is not an answer value; expected a NumValue"),
        ];
        for (body, message) in cases {
            assert_eq!(refused(&file(body)), message);
        }
    }

    #[test]
    fn bad_values_are_refused_with_the_form_expected() {
        let cases = [
            ("<Answer name=\"age\"><NumValue>4,5</NumValue></Answer>",
             "answer `age` holds `4,5`, which is not a number; write numbers with a decimal point, like 4.5"),
            ("<Answer name=\"age\"><NumValue>NaN</NumValue></Answer>", "answer `age` holds `NaN`, which is not a number"),
            ("<Answer name=\"age\"><NumValue>1e999</NumValue></Answer>", "answer `age` holds `1e999`, which is not a number"),
            ("<Answer name=\"born\"><RptValue><DateValue>2026/24/11</DateValue></RptValue></Answer>",
             "answer `born`, entry 1, holds `2026/24/11`, which is not a date; expected day/month/year, like 24/11/2026"),
            ("<Answer name=\"born\"><RptValue><DateValue>31/02/2026</DateValue></RptValue></Answer>",
             "answer `born`, entry 1, holds `31/02/2026`, which is not a date; expected day/month/year, like 24/11/2026"),
            ("<Answer name=\"has_partner\"><TFValue>yes</TFValue></Answer>",
             "answer `has_partner` holds `yes`; expected true or false"),
            ("<Answer name=\"colour\"><MCValue><SelValue>blue</SelValue></MCValue></Answer>",
             "answer `colour` holds `blue`, which is not one of the options (red, green)"),
            ("<Answer name=\"colour\"><MCValue><SelValue>red</SelValue><SelValue>green</SelValue></MCValue></Answer>",
             "answer `colour` is a choice question and takes one selection, but holds 2"),
            ("<Answer name=\"pets\"><MCValue><SelValue>cow</SelValue></MCValue></Answer>",
             "answer `pets` holds `cow`, which is not one of the options (cat, dog, fish)"),
            ("<Answer name=\"pets\"><MCValue><TextValue>cat</TextValue></MCValue></Answer>",
             "answer `pets` has a <TextValue> in its MCValue; expected <SelValue>"),
        ];
        for (body, message) in cases {
            assert_eq!(refused(&file(body)), message);
        }
    }

    #[test]
    fn answers_must_name_questions_that_take_them() {
        let cases = [
            ("<Answer name=\"nickname\"><TextValue>x</TextValue></Answer>",
             "unknown answer `nickname`: the template has no question by that name"),
            ("<Answer name=\"name\"><TextValue>x</TextValue></Answer>",
             "unknown answer `name`: the template has no question by that name"),
            ("<Answer name=\"passport\"><TextValue>x</TextValue></Answer>",
             "answer `passport` is a file question; files cannot be imported from an answer file"),
            ("<Answer name=\"children\"><RptValue/></Answer>",
             "answer `children` names a repeat; the questions inside it are answered by their own names"),
            ("<Answer name=\"thanks\"><TextValue>x</TextValue></Answer>", "answer `thanks` names a note, which takes no answer"),
            ("<Answer name=\"age\"><NumValue>1</NumValue></Answer><Answer name=\"age\"><NumValue>2</NumValue></Answer>",
             "answer `age` is given twice"),
            ("<Answer name=\"born\"><RptValue/></Answer><Answer name=\"children.born\"><RptValue/></Answer>",
             "answer `children.born` is given twice (also as `born`)"),
            ("<Answer><TextValue>x</TextValue></Answer>", "an <Answer> has no `name`"),
            ("<Answer name=\"age\"><NumValue>1</NumValue><NumValue>2</NumValue></Answer>",
             "answer `age` holds 2 values; an answer holds one"),
            ("<Answer name=\"age\">41</Answer>",
             "answer `age` holds bare text; put it in a value element such as <TextValue>"),
            ("<Value name=\"age\"/>", "<AnswerSet> holds a <Value>; it holds only <Answer> elements"),
        ];
        for (body, message) in cases {
            assert_eq!(refused(&file(body)), message);
        }
    }

    #[test]
    fn repeat_values_must_match_the_nesting_of_repeats() {
        let cases = [
            ("<Answer name=\"age\"><RptValue><NumValue>1</NumValue></RptValue></Answer>",
             "answer `age` is not inside a repeat but holds an RptValue"),
            ("<Answer name=\"born\"><DateValue>01/01/2000</DateValue></Answer>",
             "answer `born` is inside repeat `children` and needs an RptValue with one value per entry, not a DateValue"),
            ("<Answer name=\"schools.name\"><RptValue><TextValue>x</TextValue></RptValue></Answer>",
             "answer `schools.name`, entry 1, is inside repeat `schools` and needs an RptValue with one value per entry, not a TextValue"),
            ("<Answer name=\"born\"><RptValue><RptValue><DateValue>01/01/2000</DateValue></RptValue></RptValue></Answer>",
             "answer `born`, entry 1, has no repeat at this level but holds an RptValue"),
            ("<Answer name=\"schools.year\"><RptValue><RptValue/><RptValue><NumValue>x</NumValue></RptValue></RptValue></Answer>",
             "answer `schools.year`, entry 2.1, holds `x`, which is not a number"),
        ];
        for (body, message) in cases {
            assert_eq!(refused(&file(body)), message);
        }
        let many = format!(
            "<Answer name=\"born\"><RptValue>{}</RptValue></Answer>",
            "<DateValue/>".repeat(1001)
        );
        assert_eq!(
            refused(&file(&many)),
            "answer `born` has 1001 entries; a repeat has at most 1000"
        );
    }

    #[test]
    fn malformed_files_are_refused_with_a_position() {
        let message = refused(
            "<AnswerSet>\n  <Answer name=\"age\"><NumValue>1</TextValue></Answer>\n</AnswerSet>",
        );
        assert!(
            message.starts_with("the file is not well-formed XML at line 2, column"),
            "{message}"
        );
        assert!(message.contains("TextValue"), "{message}");
        let message = refused("<AnswerSet><Answer name=\"age\">");
        assert!(message.contains("not well-formed XML"), "{message}");
        let message = refused("<AnswerSet><Answer name=\"a\" name=\"b\"/></AnswerSet>");
        assert!(
            message.contains("not well-formed XML at line 1"),
            "{message}"
        );
        let message = refused("<AnswerSet/><AnswerSet/>");
        assert!(
            message.contains("content after the end of <AnswerSet>"),
            "{message}"
        );
        assert!(refused("text").contains("text outside the <AnswerSet>"));
        assert_eq!(refused(""), "the file has no <AnswerSet> element");
        assert_eq!(
            refused("<Answers/>"),
            "the file's top element is <Answers>; an answer file has <AnswerSet>"
        );
        let deep = format!("<AnswerSet>{}", "<a>".repeat(40));
        assert!(refused(&deep).contains("nested too deeply"));
        let wide = format!("<AnswerSet>{}</AnswerSet>", "<a/>".repeat(MAX_ELEMENTS));
        assert_eq!(
            refused(&wide),
            "the file has more than 200000 elements; split it into smaller files"
        );
    }

    #[test]
    fn document_types_and_entities_are_refused() {
        let xml = "<?xml version=\"1.0\"?><!DOCTYPE AnswerSet [<!ENTITY x \"boom\">]><AnswerSet><Answer name=\"full_name\"><TextValue>&x;</TextValue></Answer></AnswerSet>";
        assert!(refused(xml).contains("<!DOCTYPE>"));
        let message = refused(&file(
            "<Answer name=\"full_name\"><TextValue>&x;</TextValue></Answer>",
        ));
        assert!(
            message.contains("`&x;` is not one of XML's predefined entities"),
            "{message}"
        );
        let message = refused(&file(
            "<Answer name=\"full_name\"><TextValue>&#1;</TextValue></Answer>",
        ));
        assert!(message.contains("U+0001 is not allowed"), "{message}");
    }

    #[test]
    fn oversized_files_are_refused_before_parsing() {
        let huge = " ".repeat(MAX_ANSWER_FILE_BYTES + 1);
        assert_eq!(
            refused(&huge),
            "the file is 8388609 bytes; the most accepted is 8388608 bytes"
        );
        assert!(import_bytes(huge.as_bytes(), &template()).is_err());
    }

    #[test]
    fn bytes_may_be_utf8_or_utf16_with_a_byte_order_mark() {
        let xml = file("<Answer name=\"full_name\"><TextValue>Zoë</TextValue></Answer>");
        let expected = answers(json!({"full_name": "Zoë"}));
        let t = template();
        assert_eq!(
            import_bytes(xml.as_bytes(), &t).ok(),
            Some(expected.clone())
        );
        let mut utf8_bom = vec![0xEF, 0xBB, 0xBF];
        utf8_bom.extend_from_slice(xml.as_bytes());
        assert_eq!(import_bytes(&utf8_bom, &t).ok(), Some(expected.clone()));
        let mut le = vec![0xFF, 0xFE];
        le.extend(xml.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(import_bytes(&le, &t).ok(), Some(expected.clone()));
        let mut be = vec![0xFE, 0xFF];
        be.extend(xml.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(import_bytes(&be, &t).ok(), Some(expected));
        let latin1: Vec<u8> = xml
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
            .collect();
        assert!(
            matches!(import_bytes(&latin1, &t), Err(Error::AnswerFile(m)) if m.contains("not UTF-8"))
        );
        assert!(
            matches!(import_bytes(&[0xFF, 0xFE, 0x41], &t), Err(Error::AnswerFile(m)) if m.contains("odd number"))
        );
        assert!(
            matches!(import_bytes(&[0xFF, 0xFE, 0x00, 0xD8], &t), Err(Error::AnswerFile(m)) if m.contains("not valid UTF-16"))
        );
    }

    #[test]
    fn dates_are_day_month_year() {
        let day = |s: &str| parse_date(s).map(|d| d.to_string());
        assert_eq!(day("24/11/2026").as_deref(), Some("2026-11-24"));
        assert_eq!(day("4/1/2026").as_deref(), Some("2026-01-04"));
        assert_eq!(day("24-11-2026").as_deref(), Some("2026-11-24"));
        assert_eq!(day("2026-11-24").as_deref(), Some("2026-11-24"));
        assert_eq!(day(" 29/02/2024 ").as_deref(), Some("2024-02-29"));
        for bad in [
            "29/02/2026",
            "11/24/2026x",
            "24/11/26",
            "2026/11/24",
            "24/11",
            "24.11.2026",
            "",
            "+1/1/2026",
            "001/1/2026",
        ] {
            assert_eq!(day(bad), None, "{bad}");
        }
    }

    #[test]
    fn numbers_are_decimal() {
        assert_eq!(parse_number("42"), Some(42.0));
        assert_eq!(parse_number(" -0.5 "), Some(-0.5));
        assert_eq!(parse_number("+.5"), Some(0.5));
        assert_eq!(parse_number("1.5E3"), Some(1500.0));
        for bad in [
            "", "inf", "NaN", "1,000", "1 000", "0x10", ".", "e", "1e400", "--1",
        ] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn line_and_column_count_characters() {
        assert_eq!(line_and_column("ab\ncdé\nf", 0), (1, 1));
        assert_eq!(line_and_column("ab\ncdé\nf", 3), (2, 1));
        assert_eq!(line_and_column("ab\ncdé\nf", 6), (2, 3));
        assert_eq!(line_and_column("ab\ncdé\nf", 8), (3, 1));
        assert_eq!(line_and_column("ab", 99), (1, 3));
    }

    /// Texts that survive: not blank, any characters XML carries.
    fn text() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9 <>&\"'\\r\\n\\t\u{e9}\u{1F600}]{0,12}"
            .prop_filter("blank", |s| !s.trim().is_empty())
    }

    fn number() -> impl Strategy<Value = Json> {
        prop_oneof![
            any::<i32>().prop_map(|n| number_to_json(f64::from(n))),
            (-1.0e12f64..1.0e12).prop_map(number_to_json),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(number_to_json),
        ]
    }

    fn date() -> impl Strategy<Value = Json> {
        (-719_162i64..2_932_896).prop_map(|d| {
            Json::String(
                Date::from_days_since_epoch(d)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            )
        })
    }

    fn subset(options: &'static [&'static str]) -> impl Strategy<Value = Json> {
        proptest::sample::subsequence(options, 1..=options.len())
            .prop_shuffle()
            .prop_map(|list| {
                Json::Array(
                    list.into_iter()
                        .map(|s| Json::String(s.to_owned()))
                        .collect(),
                )
            })
    }

    fn pick(options: &'static [&'static str]) -> impl Strategy<Value = Json> {
        proptest::sample::select(options).prop_map(|s| Json::String(s.to_owned()))
    }

    /// An object of optional fields: each present or not.
    fn object(fields: Vec<(&'static str, BoxedStrategy<Json>)>) -> BoxedStrategy<Json> {
        let strategies: Vec<_> = fields
            .into_iter()
            .map(|(key, s)| proptest::option::of(s).prop_map(move |v| (key, v)))
            .collect();
        strategies
            .prop_map(|pairs| {
                Json::Object(
                    pairs
                        .into_iter()
                        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
                        .collect(),
                )
            })
            .boxed()
    }

    fn entries(entry: BoxedStrategy<Json>) -> BoxedStrategy<Json> {
        proptest::collection::vec(entry, 1..4)
            .prop_map(Json::Array)
            .boxed()
    }

    /// Answer sets that fit the test template (and so survive a round trip).
    fn fitting_answers() -> impl Strategy<Value = AnswerSet> {
        let school = object(vec![
            ("name", text().prop_map(Json::String).boxed()),
            ("year", number().boxed()),
        ]);
        // An entry with nothing answered inside still counts when a sibling question has a value.
        let child = object(vec![
            ("name", text().prop_map(Json::String).boxed()),
            ("born", date().boxed()),
            ("at_school", any::<bool>().prop_map(Json::Bool).boxed()),
            ("schools", entries(school)),
        ]);
        let vehicle = object(vec![
            ("name", text().prop_map(Json::String).boxed()),
            ("fuel", pick(&["petrol", "ev"]).boxed()),
        ]);
        object(vec![
            ("full_name", text().prop_map(Json::String).boxed()),
            ("age", number().boxed()),
            ("year", number().boxed()),
            ("email", text().prop_map(Json::String).boxed()),
            ("mobile", text().prop_map(Json::String).boxed()),
            ("has_partner", any::<bool>().prop_map(Json::Bool).boxed()),
            ("colour", pick(&["red", "green"]).boxed()),
            ("pets", subset(&["cat", "dog", "fish"]).boxed()),
            ("children", entries(child)),
            ("vehicles", entries(vehicle)),
        ])
        .prop_map(|v| match v {
            Json::Object(map) => map,
            _ => AnswerSet::new(),
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn fitting_answers_survive_export_and_import(answers in fitting_answers()) {
            let t = template();
            let xml = export(&answers, &t);
            let back = import(&xml, &t);
            prop_assert!(back.is_ok(), "{:?}\n{}", back, xml);
            prop_assert_eq!(back.ok(), Some(answers));
        }

        #[test]
        fn import_never_panics(xml in "[<>/=\" a-zA-Z&;#0-9!?\\[\\]-]{0,120}") {
            let _ = import(&xml, &template());
            let _ = import(&file(&xml), &template());
        }

        #[test]
        fn import_never_panics_on_answers(name in "(age|born|children\\.name|pets|colour|schools\\.year|x)",
                                          value in "(<RptValue>|</RptValue>|<NumValue>1</NumValue>|<TextValue>a</TextValue>|<MCValue><SelValue>cat</SelValue></MCValue>|<DateValue/>){0,6}") {
            let _ = import(&file(&format!("<Answer name=\"{name}\">{value}</Answer>")), &template());
        }
    }
}
