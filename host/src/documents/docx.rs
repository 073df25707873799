//! The answers summary as a Word document: the smallest Office Open XML
//! package Word and LibreOffice open without complaint (content types,
//! relationships, the document, its styles and the core properties), one
//! heading and one label/answer table per page.
//!
//! Entries are stored uncompressed: the parts are a few kilobytes, and
//! leaving DEFLATE out keeps the `zip` crate free of compression libraries.
//! Every entry gets the same fixed time, so equal input gives equal bytes.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, System, ZipWriter};

use super::{allowed, Answer, DocumentError, Row, Summary};

/// Page width of A4 less two 2.54 cm margins, in twentieths of a point.
const TEXT_WIDTH: u32 = 11_906 - 2 * 1_440;
/// Left plus right cell margin of the table style (108 each), which a table
/// nested in a cell gives up.
const CELL_MARGINS: u32 = 2 * 108;
/// The narrowest table nested repeats shrink to (half an inch).
const MIN_TABLE_WIDTH: u32 = 720;

const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

const CONTENT_TYPES: &str = "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
</Types>";

const PACKAGE_RELATIONSHIPS: &str = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
</Relationships>";

const DOCUMENT_RELATIONSHIPS: &str = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
</Relationships>";

/// Normal text, a Title, Heading 1 for pages and a bordered table style.
/// Heading 1 carries the built-in name and an outline level so that Word's
/// navigation pane and table of contents see the pages.
const STYLES: &str = "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:docDefaults>\
<w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Calibri\" w:hAnsi=\"Calibri\" w:eastAsia=\"Calibri\" w:cs=\"Calibri\"/>\
<w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr><w:spacing w:after=\"120\" w:line=\"264\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault>\
</w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/>\
<w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:spacing w:after=\"240\"/></w:pPr>\
<w:rPr><w:b/><w:bCs/><w:sz w:val=\"44\"/><w:szCs w:val=\"44\"/></w:rPr></w:style>\
<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/>\
<w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before=\"360\" w:after=\"120\"/>\
<w:outlineLvl w:val=\"0\"/></w:pPr><w:rPr><w:b/><w:bCs/><w:sz w:val=\"30\"/><w:szCs w:val=\"30\"/></w:rPr></w:style>\
<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>\
<w:uiPriority w:val=\"99\"/><w:semiHidden/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/>\
<w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/>\
<w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>\
<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:basedOn w:val=\"TableNormal\"/>\
<w:pPr><w:spacing w:before=\"40\" w:after=\"40\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr>\
<w:tblPr><w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"A6A6A6\"/>\
<w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"A6A6A6\"/>\
<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"A6A6A6\"/>\
<w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"A6A6A6\"/>\
<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"A6A6A6\"/>\
<w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"A6A6A6\"/></w:tblBorders></w:tblPr></w:style>\
</w:styles>";

/// A4 portrait with 2.54 cm margins.
const SECTION: &str = "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
<w:pgMar w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\" w:header=\"708\" w:footer=\"708\" w:gutter=\"0\"/>\
</w:sectPr>";

/// Renders the summary as a DOCX package.
pub(super) fn render(summary: &Summary) -> Result<Vec<u8>, DocumentError> {
    // `[Content_Types].xml` first: some readers look for it there.
    let parts = [
        ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
        ("_rels/.rels", PACKAGE_RELATIONSHIPS.to_owned()),
        ("docProps/core.xml", core_properties(summary)),
        (
            "word/_rels/document.xml.rels",
            DOCUMENT_RELATIONSHIPS.to_owned(),
        ),
        ("word/document.xml", document(summary)),
        ("word/styles.xml", STYLES.to_owned()),
    ];
    package(&parts)
}

/// Zips the parts, each with the XML declaration in front.
fn package(parts: &[(&str, String)]) -> Result<Vec<u8>, DocumentError> {
    // Fixed time, system and permissions: nothing of the machine or the
    // moment gets into the bytes.
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(DateTime::default())
        .system(System::Unix)
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, xml) in parts {
        zip.start_file(*name, options)
            .map_err(|e| DocumentError::Package(e.to_string()))?;
        zip.write_all(XML_DECLARATION.as_bytes())
            .map_err(|e| DocumentError::Package(e.to_string()))?;
        zip.write_all(xml.as_bytes())
            .map_err(|e| DocumentError::Package(e.to_string()))?;
    }
    let cursor = zip
        .finish()
        .map_err(|e| DocumentError::Package(e.to_string()))?;
    Ok(cursor.into_inner())
}

/// `docProps/core.xml`: the title, and the generation time as both created
/// and modified (a generated document is never edited by us).
fn core_properties(summary: &Summary) -> String {
    let mut x = String::with_capacity(600);
    x.push_str(
        "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>",
    );
    escape_into(&mut x, &summary.title);
    x.push_str("</dc:title><dc:subject>");
    escape_into(&mut x, &summary.interview);
    x.push_str("</dc:subject><dcterms:created xsi:type=\"dcterms:W3CDTF\">");
    escape_into(&mut x, &summary.timestamp);
    x.push_str("</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">");
    escape_into(&mut x, &summary.timestamp);
    x.push_str("</dcterms:modified></cp:coreProperties>");
    x
}

/// `word/document.xml`.
fn document(summary: &Summary) -> String {
    let mut x = String::with_capacity(8192);
    x.push_str("<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>");
    styled_paragraph(&mut x, "Title", &summary.title);
    meta(&mut x, "Interview", &summary.interview);
    if let Some(client) = &summary.client {
        meta(&mut x, "Client", client);
    }
    meta(&mut x, "Date", &summary.date);
    if summary.sections.is_empty() {
        x.push_str("<w:p><w:r><w:rPr><w:i/></w:rPr><w:t>No questions have been answered.</w:t></w:r></w:p>");
    }
    for section in &summary.sections {
        styled_paragraph(&mut x, "Heading1", &section.title);
        table(&mut x, &section.rows, TEXT_WIDTH);
    }
    x.push_str(SECTION);
    x.push_str("</w:body></w:document>");
    x
}

fn styled_paragraph(x: &mut String, style: &str, text: &str) {
    x.push_str("<w:p><w:pPr><w:pStyle w:val=\"");
    x.push_str(style);
    x.push_str("\"/></w:pPr>");
    run(x, text, false);
    x.push_str("</w:p>");
}

/// "Term: value" with the term in bold.
fn meta(x: &mut String, term: &str, value: &str) {
    x.push_str("<w:p><w:pPr><w:spacing w:after=\"0\"/></w:pPr>");
    run(x, &format!("{term}: "), true);
    run(x, value, false);
    x.push_str("</w:p>");
}

/// A two-column label/answer table `width` twentieths of a point wide.
fn table(x: &mut String, rows: &[Row], width: u32) {
    let label_width = width * 35 / 100;
    let answer_width = width - label_width;
    x.push_str(&format!(
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"{width}\" w:type=\"dxa\"/></w:tblPr>\
         <w:tblGrid><w:gridCol w:w=\"{label_width}\"/><w:gridCol w:w=\"{answer_width}\"/></w:tblGrid>"
    ));
    for row in rows {
        x.push_str(&format!(
            "<w:tr><w:tc><w:tcPr><w:tcW w:w=\"{label_width}\" w:type=\"dxa\"/>\
             <w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"F2F2F2\"/></w:tcPr><w:p>"
        ));
        run(x, &row.label, true);
        x.push_str(&format!(
            "</w:p></w:tc><w:tc><w:tcPr><w:tcW w:w=\"{answer_width}\" w:type=\"dxa\"/></w:tcPr>"
        ));
        match &row.answer {
            Answer::Text(text) => {
                x.push_str("<w:p>");
                run(x, text, false);
                x.push_str("</w:p>");
            }
            Answer::List(items) => {
                for item in items {
                    x.push_str("<w:p>");
                    run(x, item, false);
                    x.push_str("</w:p>");
                }
            }
            Answer::Entries(entries) => {
                let inner = answer_width
                    .saturating_sub(CELL_MARGINS)
                    .max(MIN_TABLE_WIDTH);
                for entry in entries {
                    x.push_str("<w:p><w:pPr><w:keepNext/></w:pPr>");
                    run(x, &entry.title, true);
                    x.push_str("</w:p>");
                    table(x, &entry.rows, inner);
                }
                // A cell must end with a paragraph; this one is kept tiny.
                x.push_str(
                    "<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"20\" w:lineRule=\"exact\"/></w:pPr></w:p>",
                );
            }
        }
        x.push_str("</w:tc></w:tr>");
    }
    x.push_str("</w:tbl>");
}

/// One run of text; line breaks become `w:br` and tabs `w:tab`, as Word
/// ignores them inside `w:t`.
fn run(x: &mut String, text: &str, bold: bool) {
    if text.is_empty() {
        return;
    }
    x.push_str("<w:r>");
    if bold {
        x.push_str("<w:rPr><w:b/><w:bCs/></w:rPr>");
    }
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            x.push_str("<w:br/>");
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                x.push_str("<w:tab/>");
            }
            if !piece.is_empty() {
                // Without `xml:space`, Word drops leading and trailing spaces.
                x.push_str("<w:t xml:space=\"preserve\">");
                escape_into(x, piece);
                x.push_str("</w:t>");
            }
        }
    }
    x.push_str("</w:r>");
}

/// Escapes text for XML content and attribute values, dropping the
/// characters XML 1.0 does not allow at all.
fn escape_into(x: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => x.push_str("&amp;"),
            '<' => x.push_str("&lt;"),
            '>' => x.push_str("&gt;"),
            '"' => x.push_str("&quot;"),
            c if allowed(c) => x.push(c),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use quick_xml::escape::resolve_predefined_entity;
    use quick_xml::events::Event;
    use quick_xml::Reader;
    use zip::ZipArchive;

    use super::super::fixtures::{self, HOSTILE};
    use super::super::{generate, DocumentInput, Format};

    const PARTS: [&str; 6] = [
        "[Content_Types].xml",
        "_rels/.rels",
        "docProps/core.xml",
        "word/_rels/document.xml.rels",
        "word/document.xml",
        "word/styles.xml",
    ];

    fn docx(input: &DocumentInput<'_>) -> Vec<u8> {
        generate(Format::Docx, input).unwrap()
    }

    /// Every part of the package, by name, in package order.
    fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
        let mut archive = ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut parts = Vec::new();
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).unwrap();
            let mut text = String::new();
            file.read_to_string(&mut text).unwrap();
            parts.push((file.name().unwrap().into_owned(), text));
        }
        parts
    }

    fn part<'a>(parts: &'a [(String, String)], name: &str) -> &'a str {
        &parts
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .1
    }

    /// Reads a whole XML part, failing on anything not well-formed, and
    /// returns its character data (entities resolved).
    fn xml_text(name: &str, xml: &str) -> String {
        assert!(
            xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"),
            "{name}"
        );
        for c in xml.chars() {
            assert!(
                !c.is_control() || matches!(c, '\n' | '\t' | '\r'),
                "{name} holds {c:?}"
            );
        }
        let mut reader = Reader::from_str(xml);
        let mut depth = 0usize;
        let mut roots = 0;
        let mut text = String::new();
        loop {
            match reader.read_event() {
                Ok(Event::Start(_)) => {
                    if depth == 0 {
                        roots += 1;
                    }
                    depth += 1;
                }
                Ok(Event::End(_)) => depth -= 1,
                Ok(Event::Empty(_)) => roots += usize::from(depth == 0),
                Ok(Event::Text(t)) => {
                    let t = t.decode().unwrap();
                    if depth == 0 {
                        assert!(t.trim().is_empty(), "{name}: text outside the root");
                    } else {
                        text.push_str(&t);
                    }
                }
                Ok(Event::GeneralRef(r)) => {
                    let name = r.decode().unwrap();
                    match r.resolve_char_ref().unwrap() {
                        Some(c) => text.push(c),
                        None => text.push_str(
                            resolve_predefined_entity(&name).unwrap_or_else(|| panic!("&{name};")),
                        ),
                    }
                }
                Ok(Event::Eof) => break,
                Ok(Event::DocType(_)) => panic!("{name}: a DOCTYPE"),
                Ok(_) => {}
                Err(e) => panic!(
                    "{name} is not well-formed at {}: {e}",
                    reader.buffer_position()
                ),
            }
        }
        assert_eq!((depth, roots), (0, 1), "{name}");
        text
    }

    #[test]
    fn is_a_package_of_well_formed_parts() {
        let template = fixtures::template();
        let answers = fixtures::answers();
        let bytes = docx(&fixtures::input(&template, &answers));
        assert!(bytes.starts_with(b"PK\x03\x04"));
        let parts = unzip(&bytes);
        let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, PARTS);
        for (name, xml) in &parts {
            xml_text(name, xml);
        }
        let mut archive = ZipArchive::new(Cursor::new(&bytes)).unwrap();
        for i in 0..archive.len() {
            let file = archive.by_index(i).unwrap();
            assert_eq!(file.compression(), zip::CompressionMethod::Stored);
            assert_eq!(file.last_modified(), Some(zip::DateTime::default()));
        }
        let types = part(&parts, "[Content_Types].xml");
        assert!(types.contains("PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\""));
        assert!(part(&parts, "_rels/.rels").contains("Target=\"word/document.xml\""));
        assert!(part(&parts, "word/_rels/document.xml.rels").contains("Target=\"styles.xml\""));
        for style in ["Normal", "Title", "Heading1", "TableGrid"] {
            assert!(
                part(&parts, "word/styles.xml").contains(&format!("w:styleId=\"{style}\"")),
                "{style}"
            );
        }
    }

    #[test]
    fn core_properties_carry_title_and_time() {
        let template = fixtures::template();
        let answers = fixtures::answers();
        let parts = unzip(&docx(&fixtures::input(&template, &answers)));
        let core = part(&parts, "docProps/core.xml");
        assert!(core.contains("<dc:title>Smith &lt;file&gt; &amp; co</dc:title>"));
        assert!(core.contains(
            "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-05-17T09:30:00Z</dcterms:created>"
        ));
        assert_eq!(
            xml_text("core", core),
            "Smith <file> & coIntake <test>2026-05-17T09:30:00Z2026-05-17T09:30:00Z"
        );
    }

    #[test]
    fn document_holds_the_escaped_answers() {
        let template = fixtures::template();
        let answers = fixtures::answers();
        let parts = unzip(&docx(&fixtures::input(&template, &answers)));
        let doc = part(&parts, "word/document.xml");
        assert!(doc.contains(
            "<w:t xml:space=\"preserve\">&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt; **bold** \
             [x](javascript:alert(1)) ab &amp; &quot;q&quot;</w:t>"
        ));
        assert!(!doc.contains("<script") && !doc.contains('\u{7}'));
        let text = xml_text("document", doc);
        assert!(text.contains(&HOSTILE.replace('\u{7}', "")));
        assert!(doc.contains("<w:pPr><w:pStyle w:val=\"Title\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Smith &lt;file&gt; &amp; co</w:t></w:r>"));
        assert!(doc.contains("<w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t xml:space=\"preserve\">About you</w:t>"));
        assert!(doc.contains("<w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Family &amp; friends</w:t>"));
        assert!(
            !text.contains("Hidden page")
                && !text.contains("Never answered")
                && !text.contains("Thanks")
        );
        // Multi-line text keeps its lines as breaks.
        assert!(doc.contains(
            "line one</w:t><w:br/><w:t xml:space=\"preserve\">- not a list</w:t><w:br/><w:br/>"
        ));
        // Multi-choice labels, one paragraph each; files with sizes.
        assert!(doc.contains("<w:p><w:r><w:t xml:space=\"preserve\">A will</w:t></w:r></w:p><w:p><w:r><w:t xml:space=\"preserve\">Tax &lt;advice&gt;</w:t></w:r></w:p>"));
        assert!(text.contains("passport.pdf (1.5 MB)") && text.contains("bill.png (900 bytes)"));
        // Repeats: a bold title and a nested table per entry; tables are
        // balanced and every cell ends with a paragraph.
        assert!(doc.contains("<w:rPr><w:b/><w:bCs/></w:rPr><w:t xml:space=\"preserve\">Child 1</w:t></w:r></w:p><w:tbl>"));
        assert!(text.contains("Pet 2") && text.contains("Child 3") && !text.contains("Child 2"));
        assert_eq!(doc.matches("<w:tbl>").count(), 2 + 2 + 2);
        assert_eq!(
            doc.matches("<w:tbl>").count(),
            doc.matches("</w:tbl>").count()
        );
        assert!(!doc.contains("</w:tbl></w:tc>"));
        assert!(doc.contains("<w:t xml:space=\"preserve\">Partner?</w:t></w:r></w:p></w:tc><w:tc>"));
        assert!(doc.ends_with("</w:sectPr></w:body></w:document>"));
    }

    #[test]
    fn nothing_answered_still_makes_a_document() {
        let template = fixtures::template();
        let answers = serde_json::Map::new();
        let input = DocumentInput {
            client_name: None,
            ..fixtures::input(&template, &answers)
        };
        let parts = unzip(&docx(&input));
        let text = xml_text("document", part(&parts, "word/document.xml"));
        assert!(text.contains("No questions have been answered."));
        assert!(!text.contains("Client"));
    }

    /// Converts the package with LibreOffice when it is installed: the
    /// strongest check that a real word processor accepts it.
    #[test]
    fn libreoffice_converts_it_when_installed() {
        let Some(office) = ["soffice", "libreoffice"].into_iter().find(|p| {
            std::process::Command::new(p)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        }) else {
            println!("skipped: LibreOffice is not installed; the parts are checked with quick-xml instead");
            return;
        };
        let template = fixtures::template();
        let answers = fixtures::answers();
        let dir = std::env::temp_dir().join(format!("documents-docx-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("answers.docx");
        std::fs::write(&path, docx(&fixtures::input(&template, &answers))).unwrap();
        let status = std::process::Command::new(office)
            .arg(format!(
                "-env:UserInstallation=file://{}",
                dir.join("profile").display()
            ))
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&dir)
            .arg(&path)
            .status()
            .unwrap();
        assert!(status.success());
        let pdf = std::fs::read(dir.join("answers.pdf")).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
