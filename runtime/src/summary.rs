//! The answers of an interview worded for people, in template order: option
//! labels for choices, "Yes"/"No", dates as "17 May 1980", files as their
//! name and size, repeats as numbered entries. Hidden and unanswered questions
//! and notes are left out, exactly as validation would drop them.
//!
//! One walk shared by everything that shows answers to staff: the host's
//! documents (HTML, Markdown, Word) lay it out and escape it; the dashboard
//! shows it on the work item page. Every string in it is already free of the
//! characters XML 1.0 and HTML forbid, with line breaks as `\n`.

use crate::date::Date;
use crate::interview::Interview;
use crate::template::{ChoiceOption, ItemId, ItemKind};
use crate::value::format_number;
use crate::{AnswerSet, Template, Value};

/// A visible page's answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The page's id.
    pub page_id: String,
    /// The page title (else its id).
    pub title: String,
    /// Its answered questions, in template order.
    pub rows: Vec<Row>,
}

/// One answered question.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The question's id.
    pub id: String,
    /// The question's label (else its id).
    pub label: String,
    /// The answer for people.
    pub answer: Answer,
}

/// An answer as shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Text, possibly over several lines.
    Text(String),
    /// Several short items: selected options, files.
    List(Vec<String>),
    /// A repeat's entries.
    Entries(Vec<Entry>),
}

/// One entry of a repeat.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// "{item_label} {n}", counted from 1 among all entries.
    pub title: String,
    /// Its answered questions.
    pub rows: Vec<Row>,
}

/// The answered questions of `answers`, page by page (pages with nothing to
/// show left out); `today` is the date rules and computed values use.
pub fn sections(template: &Template, answers: &AnswerSet, today: Date) -> Vec<Section> {
    let interview = Interview::new(template, answers.clone(), today);
    let mut sections = Vec::new();
    for (index, page) in template.pages.iter().enumerate() {
        if !interview.is_page_visible(index) {
            continue;
        }
        let rows = rows(&interview, &page.items, &[]);
        if rows.is_empty() {
            continue;
        }
        let title = if page.title.trim().is_empty() { &page.id } else { &page.title };
        sections.push(Section { page_id: page.id.clone(), title: clean_line(title), rows });
    }
    sections
}

/// The answered items among `items` at one instance (entry indices of the
/// enclosing repeats).
fn rows(interview: &Interview<'_>, items: &[ItemId], instance: &[u32]) -> Vec<Row> {
    items
        .iter()
        .filter_map(|&id| {
            let answer = answer(interview, id, instance)?;
            let item = interview.template().item(id);
            let label = clean_line(item.display_name());
            Some(Row { id: item.id.clone().unwrap_or_default(), label, answer })
        })
        .collect()
}

/// The answer of one item instance as shown, or `None` when there is nothing
/// to show (a note, a hidden or unanswered question, an empty repeat).
fn answer(interview: &Interview<'_>, id: ItemId, instance: &[u32]) -> Option<Answer> {
    let item = interview.template().item(id);
    // The effective value is null for hidden, unanswered and wrongly typed
    // answers, so the document never shows what validation would drop.
    let value = interview.value(id, instance);
    if value.is_empty_answer() {
        return None;
    }
    match (&item.kind, &value) {
        (ItemKind::Note { .. }, _) => None,
        (ItemKind::YesNo, Value::Bool(b)) => Some(Answer::Text(yes_no(*b))),
        (ItemKind::Date { .. }, Value::String(s)) => Some(Answer::Text(date_text(s))),
        (ItemKind::Choice { options, .. }, Value::String(s)) => {
            Some(Answer::Text(option_label(options, s)))
        }
        (ItemKind::MultiChoice { options, .. }, Value::List(selected)) => {
            Some(Answer::List(option_labels(options, selected)))
        }
        (ItemKind::File { .. }, Value::List(files)) => {
            Some(Answer::List(files.iter().map(file_text).collect()))
        }
        (
            ItemKind::Repeat {
                items, item_label, ..
            },
            _,
        ) => {
            let name = item_label
                .as_deref()
                .map(clean_line)
                .filter(|l| !l.is_empty());
            let name = name.as_deref().unwrap_or("Entry");
            let mut entries = Vec::new();
            for entry in 0..interview.entries(id, instance) {
                let mut inner = instance.to_vec();
                inner.push(entry);
                let rows = rows(interview, items, &inner);
                // An entry with nothing answered is left out but still counted,
                // so "Child 3" stays the third child the client entered.
                if !rows.is_empty() {
                    entries.push(Entry {
                        title: format!("{name} {}", u64::from(entry) + 1),
                        rows,
                    });
                }
            }
            (!entries.is_empty()).then_some(Answer::Entries(entries))
        }
        (ItemKind::Computed { .. }, _) => Some(computed(&value)),
        // Text, email, phone, number, and anything of an unexpected shape.
        (_, value) => Some(Answer::Text(plain(value))),
    }
}

/// A computed value as shown: its static type does not tell a date from
/// other text, so a string that is exactly a calendar date is shown as one.
fn computed(value: &Value) -> Answer {
    match value {
        Value::Bool(b) => Answer::Text(yes_no(*b)),
        Value::String(s) => Answer::Text(date_text(s)),
        Value::List(items) => {
            Answer::List(items.iter().map(plain).filter(|s| !s.is_empty()).collect())
        }
        other => Answer::Text(plain(other)),
    }
}

/// Any value as text: numbers without a needless `.0`, yes/no, lists joined.
fn plain(value: &Value) -> String {
    match value {
        Value::Bool(b) => yes_no(*b),
        Value::Number(n) => format_number(*n),
        Value::String(s) => clean_text(s),
        other => clean_text(&other.display_text()),
    }
}

fn yes_no(b: bool) -> String {
    if b { "Yes" } else { "No" }.to_owned()
}

/// The label of the option with value `value`, else the value itself (an
/// answer that is not an option is still the client's answer).
fn option_label(options: &[ChoiceOption], value: &str) -> String {
    let label = options
        .iter()
        .find(|o| o.value == value)
        .map_or(value, |o| o.label.as_str());
    clean_text(label)
}

/// The labels of the selected options, in the template's option order (the
/// order the client saw them), then any values that are not options.
fn option_labels(options: &[ChoiceOption], selected: &[Value]) -> Vec<String> {
    let is_selected = |v: &str| {
        selected
            .iter()
            .any(|s| matches!(s, Value::String(x) if x == v))
    };
    let mut labels: Vec<String> = options
        .iter()
        .filter(|o| is_selected(&o.value))
        .map(|o| clean_text(&o.label))
        .collect();
    for s in selected {
        match s {
            Value::String(x) if options.iter().any(|o| &o.value == x) => {}
            other => labels.push(plain(other)),
        }
    }
    labels
}

/// A file reference as "name (size)".
fn file_text(file: &Value) -> String {
    let Value::Map(fields) = file else {
        return plain(file);
    };
    let name = match fields.get("name") {
        Some(Value::String(n)) if !n.trim().is_empty() => clean_line(n),
        _ => "file".to_owned(),
    };
    match fields.get("size") {
        // Sizes are whole, non-negative byte counts (the runtime checks `as_u64`).
        Some(Value::Number(n)) if n.is_finite() && *n >= 0.0 => {
            format!("{name} ({})", file_size(*n as u64))
        }
        _ => name,
    }
}

/// A byte count for people: "512 bytes", "1.5 KB", "12 MB" (powers of 1024,
/// as file managers show them).
pub fn file_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return if bytes == 1 {
            "1 byte".to_owned()
        } else {
            format!("{bytes} bytes")
        };
    }
    let mut size = bytes as f64 / 1024.0;
    let mut unit = 0;
    while size >= 1024.0 && unit + 1 < UNITS.len() {
        size /= 1024.0;
        unit += 1;
    }
    let text = format!("{size:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text} {}", UNITS.get(unit).copied().unwrap_or("TB"))
}

/// A `YYYY-MM-DD` answer as "17 May 1980"; anything else as given.
fn date_text(s: &str) -> String {
    match Date::parse(s.trim()) {
        Some(date) => long_date(date),
        None => clean_text(s),
    }
}

/// A date as "17 May 1980": unambiguous in every English-speaking country.
pub fn long_date(date: Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    match MONTHS.get((date.month() as usize).wrapping_sub(1)) {
        Some(month) => format!("{} {month} {}", date.day(), date.year()),
        None => date.to_string(),
    }
}

/// True for characters every format can carry: XML 1.0 forbids most C0
/// controls and U+FFFE/U+FFFF, and HTML treats C1 controls and noncharacters
/// as parse errors, so all of those are dropped.
pub fn allowed(c: char) -> bool {
    match c {
        '\t' | '\n' => true,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fdd0}'..='\u{fdef}' => false,
        c => (u32::from(c) & 0xfffe) != 0xfffe,
    }
}

/// Text that may span lines: line breaks normalised to `\n`, forbidden
/// characters dropped, surrounding blank space trimmed.
pub fn clean_text(s: &str) -> String {
    let unified = s.replace("\r\n", "\n").replace('\r', "\n");
    unified
        .chars()
        .filter(|&c| allowed(c))
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Text for one line (a title, a label): as [`clean_text`], with line breaks
/// and tabs turned into single spaces.
pub fn clean_line(s: &str) -> String {
    let text = clean_text(s);
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_name_their_questions_and_pages_so_staff_can_change_them() {
        let template = Template::from_value(serde_json::json!({
            "format": "interview/1", "title": "T",
            "pages": [
                {"id": "you", "title": "About you", "items": [
                    {"type": "text", "id": "name", "label": "Name"},
                    {"type": "note", "text": "Thanks"},
                    {"type": "repeat", "id": "kids", "item_label": "Child", "items": [{"type": "text", "id": "kid", "label": "Kid"}]}
                ]},
                {"id": "hidden", "title": "Hidden", "visible_if": "name == 'nobody'", "items": [
                    {"type": "text", "id": "secret", "label": "Secret"}
                ]}
            ]
        }))
        .unwrap();
        let answers = serde_json::json!({"name": "Ann", "kids": [{"kid": "Bo"}], "secret": "x"}).as_object().unwrap().clone();
        let today = Date::parse("2026-05-17").unwrap();
        let shown = sections(&template, &answers, today);
        assert_eq!(shown.len(), 1, "the hidden page is left out");
        assert_eq!((shown[0].page_id.as_str(), shown[0].title.as_str()), ("you", "About you"));
        let ids: Vec<&str> = shown[0].rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["name", "kids"]);
        let Answer::Entries(entries) = &shown[0].rows[1].answer else { panic!("a repeat shows entries") };
        assert_eq!(entries[0].title, "Child 1");
        assert_eq!(entries[0].rows[0].id, "kid");
    }

    #[test]
    fn text_is_cleaned_of_forbidden_characters() {
        assert_eq!(
            clean_text(" a\u{0}b\u{1b}c\u{7f}\u{85}d\u{fffe}e\u{1fffF}f\tg\r\nh\ri "),
            "abcdef\tg\nh\ni"
        );
        assert_eq!(clean_line("  a\n\n b\tc  "), "a b c");
        assert!(allowed('Å') && allowed('😀') && allowed('\u{fffd}'));
    }

    #[test]
    fn sizes_and_dates_read_naturally() {
        assert_eq!(file_size(0), "0 bytes");
        assert_eq!(file_size(1), "1 byte");
        assert_eq!(file_size(1023), "1023 bytes");
        assert_eq!(file_size(1024), "1 KB");
        assert_eq!(file_size(1536), "1.5 KB");
        assert_eq!(file_size(10 * 1024 * 1024), "10 MB");
        assert_eq!(file_size(u64::MAX), "16777216 TB");
        assert_eq!(date_text("2024-02-29"), "29 February 2024");
        assert_eq!(date_text("0001-01-01"), "1 January 1");
        assert_eq!(date_text("2024-02-30"), "2024-02-30");
    }

}
