//! Document generation from a work item's answers: an "answers summary" in
//! HTML, Markdown or Word (DOCX).
//!
//! The answers are first turned into a format-independent `Summary` (what
//! to show, already worded for people: option labels, "Yes"/"No", dates as
//! "17 May 1980", file names with sizes), and each format only lays that out
//! and escapes it. Visibility and computed values come from the runtime's
//! [`Interview`], so the document shows exactly what the rules keep: hidden
//! and unanswered questions and notes are left out.
//!
//! The output depends only on the input: no clock is read (the caller passes
//! `generated_at`) and the DOCX package has fixed entry times, so the same
//! answers always give the same bytes.

mod docx;
mod html;
mod markdown;

use std::fmt;
use std::str::FromStr;

use interview_runtime::date::Date;
use interview_runtime::summary::{self, clean_line, long_date};
use interview_runtime::Template;

pub(crate) use interview_runtime::summary::{allowed, Answer, Row, Section};

/// The formats a document can be generated in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Format {
    /// A standalone HTML5 page (`"html"`).
    #[serde(rename = "html")]
    Html,
    /// CommonMark text (`"md"`).
    #[serde(rename = "md")]
    Markdown,
    /// An Office Open XML word-processing document (`"docx"`).
    #[serde(rename = "docx")]
    Docx,
}

impl Format {
    /// Every format, in the order the API lists them.
    pub const ALL: [Format; 3] = [Format::Html, Format::Docx, Format::Markdown];

    /// The name used in the API (`"html"`, `"md"`, `"docx"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Markdown => "md",
            Format::Docx => "docx",
        }
    }

    /// The `Content-Type` to serve the document with.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Markdown => "md",
            Format::Docx => "docx",
        }
    }

    /// A safe download file name for a document titled `title` (see [`file_name`]).
    pub fn file_name(self, title: &str) -> String {
        file_name(title, self.extension())
    }
}

/// A safe download file name for something titled `title`, ending `.{extension}`:
/// ASCII letters, digits, `-` and `_` only (so it fits a `Content-Disposition`
/// header without quoting rules), accented Latin letters folded to their base
/// letter, at most 80 characters before the extension.
pub fn file_name(title: &str, extension: &str) -> String {
    let mut stem = String::new();
    let mut gap = false;
    for c in title.chars() {
        let folded = if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            Some(c.encode_utf8(&mut [0; 4]).to_owned())
        } else {
            fold_latin(c).map(str::to_owned)
        };
        match folded {
            Some(text) => {
                if gap && !stem.is_empty() {
                    stem.push('-');
                }
                gap = false;
                stem.push_str(&text);
            }
            None => gap = true,
        }
        if stem.len() >= 80 {
            break;
        }
    }
    // Only ASCII was pushed, so any byte length is a character boundary.
    stem.truncate(80);
    if stem.is_empty() {
        stem.push_str("answers");
    }
    format!("{stem}.{extension}")
}

/// The ASCII spelling of a Latin-1 letter ("Å" → "A", "ß" → "ss"), so that
/// names such as "Åsa Öberg" keep every letter in a file name.
fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'À'..='Å' => "A",
        'à'..='å' => "a",
        'Æ' => "AE",
        'æ' => "ae",
        'Ç' => "C",
        'ç' => "c",
        'È'..='Ë' => "E",
        'è'..='ë' => "e",
        'Ì'..='Ï' => "I",
        'ì'..='ï' => "i",
        'Ð' => "D",
        'ð' => "d",
        'Ñ' => "N",
        'ñ' => "n",
        'Ò'..='Ö' | 'Ø' => "O",
        'ò'..='ö' | 'ø' => "o",
        'Ù'..='Ü' => "U",
        'ù'..='ü' => "u",
        'Ý' => "Y",
        'ý' | 'ÿ' => "y",
        'Þ' => "Th",
        'þ' => "th",
        'ß' => "ss",
        _ => return None,
    })
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = DocumentError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "html" => Ok(Format::Html),
            "md" => Ok(Format::Markdown),
            "docx" => Ok(Format::Docx),
            other => Err(DocumentError::UnknownFormat(
                other.chars().take(40).collect(),
            )),
        }
    }
}

/// Everything a document is made from.
#[derive(Debug, Clone, Copy)]
pub struct DocumentInput<'a> {
    /// The work item's name: the document's title.
    pub title: &'a str,
    /// The client's name, when a client is attached.
    pub client_name: Option<&'a str>,
    /// When the document is generated, RFC 3339 (`2026-05-17T09:30:00Z`); its
    /// date is also the "today" that computed values are worked out with.
    pub generated_at: &'a str,
    /// The template the answers belong to.
    pub template: &'a Template,
    /// The work item's answer set.
    pub answers: &'a serde_json::Map<String, serde_json::Value>,
}

/// Why a document could not be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// The requested format is not one of `html`, `md`, `docx`.
    #[error("unknown document format \"{0}\"; use \"html\", \"md\" or \"docx\"")]
    UnknownFormat(String),
    /// `generated_at` is not an RFC 3339 timestamp.
    #[error("the generation time \"{0}\" is not an RFC 3339 timestamp like 2026-05-17T09:30:00Z")]
    InvalidTimestamp(String),
    /// The DOCX package could not be written.
    #[error("could not write the DOCX package: {0}")]
    Package(String),
}

/// Generates the answers summary of `input` in `format`.
///
/// HTML and Markdown come back as UTF-8 text; DOCX as a ZIP package.
pub fn generate(format: Format, input: &DocumentInput<'_>) -> Result<Vec<u8>, DocumentError> {
    let summary = Summary::build(input)?;
    match format {
        Format::Html => Ok(html::render(&summary).into_bytes()),
        Format::Markdown => Ok(markdown::render(&summary).into_bytes()),
        Format::Docx => docx::render(&summary),
    }
}

/// What a document shows, worded for people but not yet laid out or escaped.
/// Every string in it is already free of characters that XML 1.0 and HTML
/// forbid, with line breaks as `\n`.
#[derive(Debug, Clone, PartialEq)]
struct Summary {
    /// The work item's name.
    title: String,
    /// The template's title.
    interview: String,
    /// The client's name.
    client: Option<String>,
    /// The generation date for people ("17 May 2026").
    date: String,
    /// The generation time in the W3CDTF profile of ISO 8601, which both HTML's
    /// `datetime` and DOCX's `dcterms:created` accept.
    timestamp: String,
    /// One section per page with answers, in template order.
    sections: Vec<Section>,
}

impl Summary {
    /// Works out what to show for `input`.
    fn build(input: &DocumentInput<'_>) -> Result<Summary, DocumentError> {
        let (today, timestamp) = parse_timestamp(input.generated_at).ok_or_else(|| {
            DocumentError::InvalidTimestamp(
                clean_line(input.generated_at).chars().take(60).collect(),
            )
        })?;
        let template = input.template;
        let sections = summary::sections(template, input.answers, today);
        // A document always has a heading: the work item's name, else the
        // template's title.
        let title = [input.title, template.title.as_str()]
            .into_iter()
            .map(clean_line)
            .find(|t| !t.is_empty())
            .unwrap_or_else(|| "Answers".to_owned());
        Ok(Summary {
            title,
            interview: clean_line(&template.title),
            client: input
                .client_name
                .map(clean_line)
                .filter(|name| !name.is_empty()),
            date: long_date(today),
            timestamp,
            sections,
        })
    }
}

/// Reads an RFC 3339 timestamp: its date (the "today" of the rules) and the
/// same instant in the W3CDTF form (`T` and `Z` upper case, no fraction of a
/// second, which Word's `dcterms:created` rejects).
fn parse_timestamp(s: &str) -> Option<(Date, String)> {
    let date = Date::parse(s.get(..10)?)?;
    let rest = s.get(10..)?;
    let mut chars = rest.chars();
    if !matches!(chars.next()?, 'T' | 't' | ' ') {
        return None;
    }
    let rest = chars.as_str();
    let hms = rest.get(..8)?;
    let b = hms.as_bytes();
    let two = |i: usize| -> Option<u32> {
        let (h, l) = (*b.get(i)?, *b.get(i + 1)?);
        (h.is_ascii_digit() && l.is_ascii_digit())
            .then(|| u32::from(h - b'0') * 10 + u32::from(l - b'0'))
    };
    // Second 60 is a leap second, which RFC 3339 allows.
    if b.get(2) != Some(&b':')
        || b.get(5) != Some(&b':')
        || two(0)? > 23
        || two(3)? > 59
        || two(6)? > 60
    {
        return None;
    }
    let mut zone = rest.get(8..)?;
    if let Some(fraction) = zone.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        zone = fraction.get(digits..)?;
    }
    let zone = match zone {
        "Z" | "z" => "Z".to_owned(),
        offset => {
            let o = offset.as_bytes();
            let digit = |i: usize| o.get(i).is_some_and(u8::is_ascii_digit);
            let ok = o.len() == 6
                && matches!(o.first(), Some(b'+' | b'-'))
                && digit(1)
                && digit(2)
                && o.get(3) == Some(&b':')
                && digit(4)
                && digit(5);
            if !ok {
                return None;
            }
            offset.to_owned()
        }
    };
    Some((date, format!("{date}T{hms}{zone}")))
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Templates and answers shared by the tests of every format.

    use interview_runtime::Template;
    use serde_json::{json, Map, Value};

    /// The fixed generation time of the tests.
    pub const GENERATED_AT: &str = "2026-05-17T09:30:00Z";

    /// The answer a hostile client gives to a text question.
    pub const HOSTILE: &str =
        "</td><script>alert(1)</script> **bold** [x](javascript:alert(1)) a\u{7}b & \"q\"";

    /// Three pages (one hidden by its rule, one with nothing answered), a
    /// repeat with a nested repeat, choices, a file, a date, computed values.
    pub fn template() -> Template {
        let doc = json!({
            "format": "interview/1",
            "title": "Intake <test>",
            "pages": [
                {"id": "about", "title": "About you", "items": [
                    {"type": "text", "id": "full_name", "label": "Full name"},
                    {"type": "text", "id": "story", "label": "Your story", "multiline": true},
                    {"type": "date", "id": "born", "label": "Date of birth"},
                    {"type": "computed", "id": "age", "label": "Age", "expr": "years_between(born, today())"},
                    {"type": "number", "id": "income", "label": "Income"},
                    {"type": "email", "id": "email", "label": "Email"},
                    {"type": "phone", "id": "mobile", "label": "Mobile", "region": "GB"},
                    {"type": "yes_no", "id": "has_partner", "label": "Partner?"},
                    {"type": "text", "id": "partner_name", "label": "Partner's name", "visible_if": "has_partner"},
                    {"type": "choice", "id": "title", "label": "Title",
                     "options": [{"value": "mr", "label": "Mr"}, {"value": "ms", "label": "Ms"}]},
                    {"type": "note", "id": "thanks", "text": "Thanks {{full_name}}"},
                    {"type": "text", "id": "unanswered", "label": "Never answered"}
                ]},
                {"id": "family", "title": "Family & friends", "items": [
                    {"type": "multi_choice", "id": "goals", "label": "Goals",
                     "options": [{"value": "will", "label": "A will"}, {"value": "tax", "label": "Tax <advice>"},
                                 {"value": "care", "label": "Care"}]},
                    {"type": "repeat", "id": "children", "label": "Children", "item_label": "Child", "items": [
                        {"type": "text", "id": "name", "label": "Name"},
                        {"type": "yes_no", "id": "at_home", "label": "Lives with you?"},
                        {"type": "repeat", "id": "pets", "label": "Pets", "item_label": "Pet", "items": [
                            {"type": "text", "id": "kind", "label": "Kind"}
                        ]}
                    ]},
                    {"type": "computed", "id": "child_count", "label": "Number of children", "expr": "size(children)"},
                    {"type": "file", "id": "documents", "label": "Documents"}
                ]},
                {"id": "hidden", "title": "Hidden page", "visible_if": "has_partner", "items": [
                    {"type": "text", "id": "secret", "label": "Secret"}
                ]},
                {"id": "empty", "title": "Nothing answered", "items": [
                    {"type": "text", "id": "later", "label": "Later"}
                ]}
            ]
        });
        match Template::from_value(doc) {
            Ok(t) => t,
            Err(e) => panic!("fixture template: {e}"),
        }
    }

    /// Answers to [`template`], with a hostile text answer.
    pub fn answers() -> Map<String, Value> {
        let value = json!({
            "full_name": HOSTILE,
            "story": "line one\r\n- not a list\n\n1. not a numbered list\n# not a heading",
            "born": "1980-05-17",
            "income": 52000.5,
            "email": "Ann@Example.COM",
            "mobile": "07700 900123",
            "has_partner": false,
            "partner_name": "dropped because hidden",
            "title": "ms",
            "goals": ["tax", "will"],
            "children": [
                {"name": "Liv", "at_home": true, "pets": [{"kind": "Cat"}, {"kind": "Dog"}]},
                {},
                {"name": "Ola"}
            ],
            "documents": [
                {"file_id": "f1", "name": "passport.pdf", "size": 1_572_864, "content_type": "application/pdf", "sha256": "00"},
                {"file_id": "f2", "name": "bill.png", "size": 900, "content_type": "image/png", "sha256": "11"}
            ],
            "secret": "on a hidden page",
            "later": "   "
        });
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    /// The input the tests generate from.
    pub fn input<'a>(
        template: &'a Template,
        answers: &'a Map<String, Value>,
    ) -> super::DocumentInput<'a> {
        super::DocumentInput {
            title: "Smith <file> & co",
            client_name: Some("Ann \"Annie\" Smith"),
            generated_at: GENERATED_AT,
            template,
            answers,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{self, HOSTILE};
    use super::*;
    use interview_runtime::summary::Entry;

    /// The fixtures' summary, with the question ids blanked (the runtime's
    /// tests check those; these check what a document shows).
    fn summary() -> Summary {
        let template = fixtures::template();
        let answers = fixtures::answers();
        let mut summary = Summary::build(&fixtures::input(&template, &answers)).unwrap();
        fn blank(rows: &mut [Row]) {
            for row in rows {
                row.id.clear();
                if let Answer::Entries(entries) = &mut row.answer {
                    for entry in entries {
                        blank(&mut entry.rows);
                    }
                }
            }
        }
        for section in &mut summary.sections {
            blank(&mut section.rows);
        }
        summary
    }

    fn text(s: &str) -> Answer {
        Answer::Text(s.to_owned())
    }

    fn row(label: &str, answer: Answer) -> Row {
        Row {
            id: String::new(),
            label: label.to_owned(),
            answer,
        }
    }

    #[test]
    fn formats_parse_and_name_themselves() {
        for format in Format::ALL {
            assert_eq!(format.as_str().parse::<Format>(), Ok(format));
            assert_eq!(format.to_string(), format.as_str());
            let json = serde_json::to_string(&format).unwrap();
            assert_eq!(serde_json::from_str::<Format>(&json).unwrap(), format);
        }
        assert_eq!("md".parse::<Format>(), Ok(Format::Markdown));
        assert!(
            matches!("pdf".parse::<Format>(), Err(DocumentError::UnknownFormat(f)) if f == "pdf")
        );
        assert!("HTML".parse::<Format>().is_err());
        assert_eq!(Format::Docx.extension(), "docx");
        assert_eq!(Format::Markdown.extension(), "md");
        assert!(Format::Html.content_type().starts_with("text/html"));
        assert!(Format::Markdown.content_type().starts_with("text/markdown"));
        assert!(Format::Docx
            .content_type()
            .ends_with("wordprocessingml.document"));
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(
            Format::Docx.file_name("Smith & Co: 2026/05"),
            "Smith-Co-2026-05.docx"
        );
        assert_eq!(
            Format::Html.file_name("../../etc/passwd"),
            "etc-passwd.html"
        );
        assert_eq!(Format::Markdown.file_name("Åsa \"x\"\r\n"), "Asa-x.md");
        assert_eq!(
            Format::Docx.file_name("Øystein Þór Straße, Ærø"),
            "Oystein-Thor-Strasse-AEro.docx"
        );
        assert_eq!(Format::Docx.file_name("日本"), "answers.docx");
        assert_eq!(Format::Markdown.file_name("<>"), "answers.md");
        assert_eq!(
            Format::Html.file_name(&"a".repeat(500)).len(),
            80 + ".html".len()
        );
        assert_eq!(
            Format::Html.file_name(&"ß".repeat(500)).len(),
            80 + ".html".len()
        );
    }

    #[test]
    fn summary_shows_answers_for_people() {
        let s = summary();
        assert_eq!(s.title, "Smith <file> & co");
        assert_eq!(s.interview, "Intake <test>");
        assert_eq!(s.client.as_deref(), Some("Ann \"Annie\" Smith"));
        assert_eq!(s.date, "17 May 2026");
        assert_eq!(s.timestamp, "2026-05-17T09:30:00Z");
        let titles: Vec<&str> = s.sections.iter().map(|p| p.title.as_str()).collect();
        // The hidden page and the page with only a blank answer are left out.
        assert_eq!(titles, ["About you", "Family & friends"]);

        let about = &s.sections[0].rows;
        let hostile_clean = HOSTILE.replace('\u{7}', "");
        assert_eq!(
            about,
            &vec![
                row("Full name", Answer::Text(hostile_clean)),
                row(
                    "Your story",
                    text("line one\n- not a list\n\n1. not a numbered list\n# not a heading")
                ),
                row("Date of birth", text("17 May 1980")),
                row("Age", text("46")),
                row("Income", text("52000.5")),
                row("Email", text("Ann@example.com")),
                row("Mobile", text("+447700900123")),
                row("Partner?", text("No")),
                row("Title", text("Ms")),
            ]
        );

        let family = &s.sections[1].rows;
        assert_eq!(
            family[0],
            row(
                "Goals",
                Answer::List(vec!["A will".into(), "Tax <advice>".into()])
            )
        );
        let pets = Answer::Entries(vec![
            Entry {
                title: "Pet 1".into(),
                rows: vec![row("Kind", text("Cat"))],
            },
            Entry {
                title: "Pet 2".into(),
                rows: vec![row("Kind", text("Dog"))],
            },
        ]);
        assert_eq!(
            family[1],
            row(
                "Children",
                Answer::Entries(vec![
                    Entry {
                        title: "Child 1".into(),
                        rows: vec![
                            row("Name", text("Liv")),
                            row("Lives with you?", text("Yes")),
                            row("Pets", pets)
                        ],
                    },
                    // The empty second child is skipped, and the third keeps its number.
                    Entry {
                        title: "Child 3".into(),
                        rows: vec![row("Name", text("Ola"))]
                    },
                ])
            )
        );
        assert_eq!(family[2], row("Number of children", text("3")));
        assert_eq!(
            family[3],
            row(
                "Documents",
                Answer::List(vec![
                    "passport.pdf (1.5 MB)".into(),
                    "bill.png (900 bytes)".into()
                ])
            )
        );
        assert_eq!(family.len(), 4);
    }

    #[test]
    fn a_repeat_without_item_label_numbers_entries() {
        let template = Template::from_value(serde_json::json!({
            "format": "interview/1", "title": "T",
            "pages": [{"id": "p", "title": "", "items": [
                {"type": "repeat", "id": "r", "items": [{"type": "text", "id": "x"}]},
                {"type": "computed", "id": "flag", "expr": "size(r) > 1"},
                {"type": "computed", "id": "names", "expr": "[r[0].x, r[1].x]"}
            ]}]
        }))
        .unwrap();
        let answers = serde_json::json!({"r": [{"x": "a"}, {"x": "b"}]})
            .as_object()
            .unwrap()
            .clone();
        let input = DocumentInput {
            title: "",
            client_name: Some("  "),
            generated_at: GENERATED,
            template: &template,
            answers: &answers,
        };
        let s = Summary::build(&input).unwrap();
        assert_eq!(s.client, None);
        assert_eq!(
            s.title, "T",
            "a blank work item name falls back to the template title"
        );
        assert_eq!(s.sections[0].title, "p");
        let rows = &s.sections[0].rows;
        assert_eq!(rows[0].label, "r");
        let Answer::Entries(entries) = &rows[0].answer else {
            panic!("{rows:?}")
        };
        assert_eq!(entries[1].title, "Entry 2");
        assert_eq!(rows[1], Row { id: "flag".into(), ..row("flag", text("Yes")) });
        assert_eq!(
            rows[2],
            Row { id: "names".into(), ..row("names", Answer::List(vec!["a".into(), "b".into()])) }
        );
    }

    const GENERATED: &str = "2026-05-17T09:30:00Z";

    #[test]
    fn nothing_answered_gives_no_sections() {
        let template = fixtures::template();
        let answers = serde_json::Map::new();
        let s = Summary::build(&fixtures::input(&template, &answers)).unwrap();
        assert!(s.sections.is_empty(), "{:?}", s.sections);
    }

    #[test]
    fn timestamps_are_checked_and_normalised() {
        let ok = |s: &str| parse_timestamp(s).map(|(d, t)| (d.to_string(), t));
        assert_eq!(
            ok("2026-05-17T09:30:00Z"),
            Some(("2026-05-17".into(), "2026-05-17T09:30:00Z".into()))
        );
        assert_eq!(
            ok("2026-05-17t23:59:60.123z"),
            Some(("2026-05-17".into(), "2026-05-17T23:59:60Z".into()))
        );
        assert_eq!(
            ok("2026-05-17 01:02:03+05:30"),
            Some(("2026-05-17".into(), "2026-05-17T01:02:03+05:30".into()))
        );
        for bad in [
            "",
            "2026-05-17",
            "2026-05-17T09:30Z",
            "2026-05-17T24:00:00Z",
            "2026-02-30T09:30:00Z",
            "2026-05-17T09:30:00",
            "2026-05-17T09:30:00.Z",
            "2026-05-17T09:30:00+0530",
            "2026-05-17T09:30:00Z<script>",
            "2026-05-1é:30:00Z",
            "ü2026-05-17T09:30:00Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
        let template = fixtures::template();
        let answers = fixtures::answers();
        let input = DocumentInput {
            generated_at: "yesterday\u{0}",
            ..fixtures::input(&template, &answers)
        };
        for format in Format::ALL {
            assert_eq!(
                generate(format, &input),
                Err(DocumentError::InvalidTimestamp("yesterday".into()))
            );
        }
    }

    #[test]
    fn output_is_deterministic() {
        let template = fixtures::template();
        let answers = fixtures::answers();
        let input = fixtures::input(&template, &answers);
        for format in Format::ALL {
            let first = generate(format, &input).unwrap();
            assert_eq!(first, generate(format, &input).unwrap(), "{format}");
            assert!(!first.is_empty());
        }
    }
}
