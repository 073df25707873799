//! The answers summary as one standalone HTML5 page: inline CSS that prints
//! well, no scripts, no external resources.

use super::{allowed, Answer, Row, Summary};

/// Print-friendly styling; kept small because it travels in every document.
const CSS: &str = "\
body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,Helvetica,Arial,sans-serif;\
line-height:1.45;color:#111;background:#fff;max-width:52rem;margin:2rem auto;padding:0 1rem}\
h1{font-size:1.6rem;margin:0 0 .5rem}\
h2{font-size:1.2rem;margin:2rem 0 .5rem;padding-bottom:.2rem;border-bottom:2px solid #444}\
h3,h4,h5,h6{font-size:1rem;margin:.6rem 0 .2rem}\
.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0}\
.meta dt{font-weight:600}.meta dd{margin:0}\
table{width:100%;border-collapse:collapse}\
th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #ccc}\
th{width:35%;font-weight:600}td{overflow-wrap:anywhere}\
td ul{margin:0;padding-left:1.2rem}\
.entry{margin:0 0 .6rem}.entry th,.entry td{border-bottom-color:#e3e3e3}\
.empty{font-style:italic}\
@page{margin:2cm}\
@media print{body{margin:0;max-width:none;font-size:11pt}\
h2,h3,h4,h5,h6{break-after:avoid}tr{break-inside:avoid}}";

/// Renders the summary as a complete HTML document.
pub(super) fn render(summary: &Summary) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // Should escaping ever miss something, the page still cannot run script
    // or load anything: only its own inline style is allowed.
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
    );
    out.push_str("<title>");
    escape_into(&mut out, &summary.title);
    out.push_str("</title>\n<style>");
    out.push_str(CSS);
    out.push_str("</style>\n</head>\n<body>\n<header>\n<h1>");
    escape_into(&mut out, &summary.title);
    out.push_str("</h1>\n<dl class=\"meta\">\n");
    meta(&mut out, "Interview", &summary.interview);
    if let Some(client) = &summary.client {
        meta(&mut out, "Client", client);
    }
    out.push_str("<dt>Date</dt><dd><time datetime=\"");
    escape_into(&mut out, &summary.timestamp);
    out.push_str("\">");
    escape_into(&mut out, &summary.date);
    out.push_str("</time></dd>\n</dl>\n</header>\n<main>\n");
    if summary.sections.is_empty() {
        out.push_str("<p class=\"empty\">No questions have been answered.</p>\n");
    }
    for section in &summary.sections {
        out.push_str("<section>\n<h2>");
        escape_into(&mut out, &section.title);
        out.push_str("</h2>\n");
        table(&mut out, &section.rows, 0);
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn meta(out: &mut String, term: &str, value: &str) {
    out.push_str("<dt>");
    escape_into(out, term);
    out.push_str("</dt><dd>");
    escape_into(out, value);
    out.push_str("</dd>\n");
}

/// A label/answer table; `depth` counts the enclosing repeat entries.
fn table(out: &mut String, rows: &[Row], depth: usize) {
    out.push_str("<table>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr><th scope=\"row\">");
        escape_into(out, &row.label);
        out.push_str("</th><td>");
        match &row.answer {
            Answer::Text(text) => lines(out, text),
            Answer::List(items) => {
                out.push_str("<ul>");
                for item in items {
                    out.push_str("<li>");
                    lines(out, item);
                    out.push_str("</li>");
                }
                out.push_str("</ul>");
            }
            Answer::Entries(entries) => {
                // Entry headings continue the outline below the page's h2; HTML has no h7.
                let level = (depth + 3).min(6);
                out.push('\n');
                for entry in entries {
                    out.push_str("<div class=\"entry\">\n");
                    out.push_str(&format!("<h{level}>"));
                    escape_into(out, &entry.title);
                    out.push_str(&format!("</h{level}>\n"));
                    table(out, &entry.rows, depth + 1);
                    out.push_str("</div>\n");
                }
            }
        }
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// Text with its line breaks kept as `<br>`.
fn lines(out: &mut String, text: &str) {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        escape_into(out, line);
    }
}

/// Escapes text for element content and double- or single-quoted attribute
/// values alike, dropping characters HTML does not allow.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if allowed(c) => out.push(c),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::super::{generate, DocumentInput, Format};

    fn html() -> String {
        let template = fixtures::template();
        let answers = fixtures::answers();
        String::from_utf8(generate(Format::Html, &fixtures::input(&template, &answers)).unwrap())
            .unwrap()
    }

    #[test]
    fn is_a_standalone_document() {
        let html = html();
        assert!(html
            .starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"));
        assert!(html.ends_with("</body>\n</html>\n"));
        assert!(html.contains("<style>") && html.contains("@media print"));
        assert!(html.contains("<title>Smith &lt;file&gt; &amp; co</title>"));
        assert!(html.contains("<h1>Smith &lt;file&gt; &amp; co</h1>"));
        assert!(html.contains("<dt>Client</dt><dd>Ann &quot;Annie&quot; Smith</dd>"));
        assert!(html.contains("<dt>Interview</dt><dd>Intake &lt;test&gt;</dd>"));
        assert!(html.contains("<time datetime=\"2026-05-17T09:30:00Z\">17 May 2026</time>"));
        // No external resources at all.
        for needle in ["src=", "href=", "<link", "url("] {
            assert!(!html.contains(needle), "{needle}");
        }
    }

    #[test]
    fn escapes_a_hostile_answer() {
        let html = html();
        assert!(html.contains(
            "<tr><th scope=\"row\">Full name</th><td>&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt; \
             **bold** [x](javascript:alert(1)) ab &amp; &quot;q&quot;</td></tr>"
        ));
        // The only tags in the page are the renderer's own.
        assert!(!html.contains("<script"));
        assert_eq!(html.matches("<td>").count(), html.matches("</td>").count());
        assert!(!html.contains('\u{7}'));
    }

    #[test]
    fn shows_pages_lists_and_repeats() {
        let html = html();
        assert!(html.contains("<section>\n<h2>About you</h2>\n<table>"));
        assert!(html.contains("<h2>Family &amp; friends</h2>"));
        assert!(!html.contains("Hidden page") && !html.contains("on a hidden page"));
        assert!(!html.contains("Nothing answered") && !html.contains("Never answered"));
        assert!(!html.contains("Thanks"), "notes are skipped");
        assert!(html.contains(
            "<td>line one<br>- not a list<br><br>1. not a numbered list<br># not a heading</td>"
        ));
        assert!(html.contains("<th scope=\"row\">Goals</th><td><ul><li>A will</li><li>Tax &lt;advice&gt;</li></ul></td>"));
        assert!(html.contains("<li>passport.pdf (1.5 MB)</li><li>bill.png (900 bytes)</li>"));
        assert!(html.contains("<h3>Child 1</h3>"));
        assert!(html.contains(
            "<h4>Pet 2</h4>\n<table>\n<tbody>\n<tr><th scope=\"row\">Kind</th><td>Dog</td></tr>"
        ));
        assert!(html.contains("<h3>Child 3</h3>") && !html.contains("Child 2"));
        assert!(html.contains("<th scope=\"row\">Partner?</th><td>No</td>"));
        assert!(html.contains("<th scope=\"row\">Age</th><td>46</td>"));
        // Every opened table, row, list and section is closed.
        for (open, close) in [
            ("<table>", "</table>"),
            ("<tr>", "</tr>"),
            ("<ul>", "</ul>"),
            ("<section>", "</section>"),
            ("<div", "</div>"),
        ] {
            assert_eq!(
                html.matches(open).count(),
                html.matches(close).count(),
                "{open}"
            );
        }
    }

    #[test]
    fn says_when_nothing_is_answered() {
        let template = fixtures::template();
        let answers = serde_json::Map::new();
        let input = DocumentInput {
            client_name: None,
            ..fixtures::input(&template, &answers)
        };
        let html = String::from_utf8(generate(Format::Html, &input).unwrap()).unwrap();
        assert!(html.contains("No questions have been answered."));
        assert!(!html.contains("<dt>Client</dt>"));
        assert!(!html.contains("<table>"));
    }
}
