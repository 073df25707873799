//! The answers summary as CommonMark: headings and `- **Label**: answer`
//! lines, with every answer escaped so that a client's text stays text (no
//! emphasis, links, HTML, headings or lists of its own).

use super::{Answer, Row, Summary};

/// Renders the summary as Markdown text.
pub(super) fn render(summary: &Summary) -> String {
    let mut out = String::with_capacity(2048);
    out.push_str("# ");
    escape_into(&mut out, &summary.title, false);
    out.push_str("\n\n");
    meta(&mut out, "Interview", &summary.interview);
    if let Some(client) = &summary.client {
        meta(&mut out, "Client", client);
    }
    meta(&mut out, "Date", &summary.date);
    if summary.sections.is_empty() {
        out.push_str("\nNo questions have been answered.\n");
    }
    for section in &summary.sections {
        out.push_str("\n## ");
        escape_into(&mut out, &section.title, false);
        out.push_str("\n\n");
        rows(&mut out, &section.rows, 0);
    }
    out
}

fn meta(out: &mut String, term: &str, value: &str) {
    out.push_str("- **");
    escape_into(out, term, false);
    out.push_str("**: ");
    escape_into(out, value, false);
    out.push('\n');
}

/// One list item per row, nested `depth` levels deep (two spaces a level,
/// which is where CommonMark expects the content of a `- ` item).
fn rows(out: &mut String, rows: &[Row], depth: usize) {
    let pad = "  ".repeat(depth);
    for row in rows {
        out.push_str(&pad);
        out.push_str("- **");
        escape_into(out, &row.label, false);
        out.push_str("**:");
        match &row.answer {
            Answer::Text(text) => {
                out.push(' ');
                lines(out, text, depth + 1, false);
                out.push('\n');
            }
            Answer::List(items) => {
                out.push('\n');
                for item in items {
                    out.push_str(&pad);
                    out.push_str("  - ");
                    // An item's text opens the item's content, where "1. " or
                    // "# " would start a block of its own.
                    lines(out, item, depth + 2, true);
                    out.push('\n');
                }
            }
            Answer::Entries(entries) => {
                out.push('\n');
                for entry in entries {
                    out.push_str(&pad);
                    out.push_str("  - **");
                    escape_into(out, &entry.title, false);
                    out.push_str("**\n");
                    self::rows(out, &entry.rows, depth + 2);
                }
            }
        }
    }
}

/// Text over several lines inside a list item whose content starts `depth`
/// levels in: each line break becomes a hard break (a trailing backslash,
/// visible unlike two spaces) and the next line is indented to stay in the
/// item. Blank lines are dropped, since one would end the item.
/// `block_start` tells whether the first line opens a block (a list item's
/// content) or follows other text on its line (a label).
fn lines(out: &mut String, text: &str, depth: usize, block_start: bool) {
    for (i, line) in text
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        if i > 0 {
            out.push_str("\\\n");
            out.push_str(&"  ".repeat(depth));
        }
        escape_into(out, line, block_start || i > 0);
    }
}

/// Escapes one line so that Markdown reads it as plain text.
///
/// Characters that start inline syntax (emphasis, code, links, images, HTML,
/// entities, tables, extensions such as math and strikethrough) are always
/// escaped. Those that only matter where a block can begin (list markers,
/// setext underlines, definition lists), which `line_start` says, are
/// escaped only there, which keeps everyday text such as "Self-employed",
/// "+44 7700" or "3.5" readable in the Markdown source.
fn escape_into(out: &mut String, line: &str, line_start: bool) {
    let line = line.trim_start();
    // Digits then "." or ")" then a space (or nothing) at the start would
    // begin an ordered list; "3.5" would not, and stays as written.
    let bytes = line.as_bytes();
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let ordered_marker = digits > 0
        && matches!(bytes.get(digits), Some(b'.' | b')'))
        && matches!(bytes.get(digits + 1), None | Some(b' ' | b'\t'));
    for (i, c) in line.char_indices() {
        let escape = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '!' | '|' | '~' | '&' | '#' | '{'
            | '}' | '$' | '^' => true,
            '-' | '+' | '=' | ':' => line_start && i == 0,
            '.' | ')' => line_start && ordered_marker && i == digits,
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        // Tabs count as up to four columns of indentation; a space never surprises.
        out.push(if c == '\t' { ' ' } else { c });
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, HOSTILE};
    use super::super::{generate, Format};
    use super::escape_into;
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

    fn markdown() -> String {
        let template = fixtures::template();
        let answers = fixtures::answers();
        String::from_utf8(
            generate(Format::Markdown, &fixtures::input(&template, &answers)).unwrap(),
        )
        .unwrap()
    }

    fn escape(line: &str, line_start: bool) -> String {
        let mut out = String::new();
        escape_into(&mut out, line, line_start);
        out
    }

    /// The plain text of a Markdown document as a reader sees it, after
    /// checking that it holds only the structure the renderer makes.
    fn rendered_text(markdown: &str) -> String {
        let mut text = String::new();
        // Every extension on, an answer must stay text whichever a reader
        // enables; only smart punctuation is off, as it rewrites quotes
        // without adding any structure.
        let mut options = Options::all();
        options.remove(Options::ENABLE_SMART_PUNCTUATION);
        for event in Parser::new_ext(markdown, options) {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::SoftBreak
                | Event::HardBreak
                | Event::End(TagEnd::Item | TagEnd::Heading(_)) => text.push('\n'),
                Event::Start(
                    Tag::Heading { .. }
                    | Tag::List(None)
                    | Tag::Item
                    | Tag::Strong
                    | Tag::Paragraph,
                )
                | Event::End(TagEnd::List(false) | TagEnd::Strong | TagEnd::Paragraph) => {}
                other => panic!("unexpected Markdown structure {other:?} in\n{markdown}"),
            }
        }
        text
    }

    #[test]
    fn lays_out_headings_and_label_lines() {
        let md = markdown();
        assert!(md.starts_with("# Smith \\<file\\> \\& co\n\n- **Interview**: Intake \\<test\\>\n"));
        assert!(md.contains("- **Client**: Ann \"Annie\" Smith\n- **Date**: 17 May 2026\n"));
        assert!(md.contains("\n## About you\n\n- **Full name**: "));
        assert!(md.contains(
            "\n## Family \\& friends\n\n- **Goals**:\n  - A will\n  - Tax \\<advice\\>\n"
        ));
        assert!(
            md.contains("- **Date of birth**: 17 May 1980\n- **Age**: 46\n- **Income**: 52000.5\n")
        );
        assert!(md.contains("- **Email**: Ann@example.com\n- **Mobile**: +447700900123\n- **Partner?**: No\n- **Title**: Ms\n"));
        assert!(md.contains(
            "- **Children**:\n  - **Child 1**\n    - **Name**: Liv\n    - **Lives with you?**: Yes\n    - **Pets**:\n      - **Pet 1**\n        - **Kind**: Cat\n"
        ));
        assert!(md.contains("  - **Child 3**\n    - **Name**: Ola\n- **Number of children**: 3\n"));
        assert!(
            md.contains("- **Documents**:\n  - passport.pdf (1.5 MB)\n  - bill.png (900 bytes)\n")
        );
        assert!(
            !md.contains("Hidden page") && !md.contains("Never answered") && !md.contains("Thanks")
        );
    }

    #[test]
    fn a_hostile_answer_stays_text() {
        let md = markdown();
        assert!(md.contains(
            "- **Full name**: \\</td\\>\\<script\\>alert(1)\\</script\\> \\*\\*bold\\*\\* \\[x\\](javascript:alert(1)) ab \\& \"q\"\n"
        ));
        let text = rendered_text(&md);
        assert!(text.contains(&HOSTILE.replace('\u{7}', "")), "{text}");
        // Multi-line text keeps its lines, none of which becomes a list or heading.
        assert!(md.contains("- **Your story**: line one\\\n  \\- not a list\\\n  1\\. not a numbered list\\\n  \\# not a heading\n"));
        assert!(
            text.contains("line one\n- not a list\n1. not a numbered list\n# not a heading\n"),
            "{text}"
        );
    }

    #[test]
    fn escaping_defuses_markdown_syntax() {
        let hostile = [
            "**bold** __b__ *i* _i_",
            "[x](javascript:alert(1)) ![img](http://e/x.png) <http://e> <b>html</b>",
            "`code` ``x`` ~~strike~~ ~sub~ ^sup^ $math$ $$x$$",
            "&lt; &#60; &amp; \\* \\",
            "| a | b |",
            "- item",
            "+ item",
            "* item",
            "1. one",
            "12) twelve",
            "3.",
            "3.5 is a number",
            "> quote",
            "# heading {#id}",
            "===",
            "---",
            "___",
            "```",
            "~~~",
            ": definition",
            "[^note] [[wiki]]",
            "    indented",
            "Self-employed, ann.smith@example.com, 3.5 (approx.)",
        ];
        for line in hostile {
            let md = format!("- **Label**: {}\n", escape(line, false));
            let text = rendered_text(&md);
            assert_eq!(text, format!("Label: {}\n", line.trim_start()), "{md}");
            // Also as a continuation line of a multi-line answer.
            let md = format!("- **Label**: first\\\n  {}\n", escape(line, true));
            assert_eq!(
                rendered_text(&md),
                format!("Label: first\n{}\n", line.trim_start()),
                "{md}"
            );
            // And as an item of a list answer.
            let md = format!("- **Label**:\n  - {}\n", escape(line, true));
            assert_eq!(
                rendered_text(&md),
                format!("Label:{}\n\n", line.trim_start()),
                "{md}"
            );
        }
        // Everyday text stays readable in the source.
        for start in [false, true] {
            let plain = "Self-employed, ann.smith@example.com, 3.5 (approx.) +44 7700";
            assert_eq!(escape(plain, start), plain);
        }
        assert_eq!(escape("- 1. x", false), "- 1. x");
        assert_eq!(escape("- 1. x", true), "\\- 1. x");
        assert_eq!(escape("1. x", true), "1\\. x");
    }

    #[test]
    fn says_when_nothing_is_answered() {
        let template = fixtures::template();
        let answers = serde_json::Map::new();
        let md = String::from_utf8(
            generate(Format::Markdown, &fixtures::input(&template, &answers)).unwrap(),
        )
        .unwrap();
        assert!(
            md.ends_with("- **Date**: 17 May 2026\n\nNo questions have been answered.\n"),
            "{md}"
        );
    }
}
