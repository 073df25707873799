//! Files a client uploads to an interview (issue #3): streamed to a temporary
//! file while hashed and measured, checked against the question they are for,
//! then kept once under their SHA-256 and recorded with an audit event.
//!
//! ```text
//!   <data_dir>/files/tmp/up_….part   while the bytes arrive (removed on any failure)
//!   <data_dir>/files/<sha256>         the kept bytes, shared by equal uploads
//! ```
//!
//! The type of a file is what its bytes say ([`sniff`]), never only what the
//! client declared: a program named `passport.pdf` is refused as a program.
//! The sniffer is a small magic-number table of our own (PDF, PNG, JPEG, GIF,
//! WebP, HEIC/HEIF, DOCX/XLSX/PPTX by their zip entries, UTF-8 text and CSV)
//! rather than a crate, because only the types templates ask for matter and
//! each one is a few bytes to recognise.
//!
//! A submit may only refer to files uploaded to its own interview
//! ([`resolve_references`]); files of finished interviews that the submission
//! does not keep, blobs no record names and stale temporary files are removed
//! by [`remove_orphans`].

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use interview_runtime::template::{ItemId, ItemKind};
use interview_runtime::{Locale, Template};
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};
use tokio::io::AsyncWriteExt as _;

use super::audit::{self, Actor};
use super::expiry;
use crate::auth::token;
use crate::clock::Timestamp;
use crate::error::Error;
use crate::storage::records::{Answers, FileRecord, Interview, SectionAnswers};
use crate::storage::txn::ReadTxn;
use crate::storage::Storage;

/// The largest file the host takes, whatever the question allows.
pub const MAX_UPLOAD_BYTES: u64 = 25 * 1024 * 1024;
/// The upload route's body limit: the largest file plus room for the multipart framing and text fields.
pub const UPLOAD_BODY_LIMIT: usize = MAX_UPLOAD_BYTES as usize + 64 * 1024;
/// Most files one interview may hold, so one link cannot fill the disk.
pub const MAX_FILES_PER_INTERVIEW: usize = 100;
/// Longest kept file name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// How old a temporary file must be before the sweep removes it (uploads in flight are younger).
pub const ORPHAN_GRACE_SECS: u64 = 3600;
/// The types accepted when no question narrows them (or the question accepts anything).
pub const DEFAULT_ACCEPT: &[&str] = &[
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/heic",
    "image/heif",
    DOCX,
    XLSX,
    "text/plain",
    "text/csv",
];

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const PPTX: &str = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
const OCTET_STREAM: &str = "application/octet-stream";
/// Bytes kept from the start of a file for sniffing (PDF allows its header anywhere in the first 1024).
const HEAD_BYTES: usize = 4096;

/// Publishing a blob and recording it happen under this lock, and so does the
/// sweep's "unused, so delete" decision: otherwise the sweep could delete a
/// blob between its rename into place and the commit of the record naming it.
static BLOBS: Mutex<()> = Mutex::new(());

/// The file reference answers carry: the shape the template engine expects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileRef {
    /// `file_…`.
    pub file_id: String,
    /// The client's file name (sanitised).
    pub name: String,
    /// Bytes.
    pub size: u64,
    /// The sniffed MIME type.
    pub content_type: String,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
}

impl From<&FileRecord> for FileRef {
    fn from(r: &FileRecord) -> Self {
        FileRef {
            file_id: r.id.clone(),
            name: r.name.clone(),
            size: r.size,
            content_type: r.content_type.clone(),
            sha256: r.sha256.clone(),
        }
    }
}

/// What an upload must satisfy: the accepted types and the largest size.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Accepted MIME types; `image/*` style wildcards allowed.
    pub accept: Vec<String>,
    /// Largest file, in bytes (never above [`MAX_UPLOAD_BYTES`]).
    pub max_bytes: u64,
    /// The question's name for messages; `None` for the default rule.
    pub question: Option<String>,
    /// The language of the messages (the interview's).
    pub locale: Locale,
}

impl Default for Rule {
    fn default() -> Self {
        Rule {
            accept: DEFAULT_ACCEPT.iter().map(|s| (*s).to_owned()).collect(),
            max_bytes: MAX_UPLOAD_BYTES,
            question: None,
            locale: Locale::En,
        }
    }
}

impl Rule {
    /// The default rule, its messages in `locale`.
    pub fn default_in(locale: Locale) -> Rule {
        Rule { locale, ..Rule::default() }
    }

    /// Refuses a file larger than the rule allows (413).
    pub fn check_size(&self, size: u64) -> Result<(), Error> {
        if size <= self.max_bytes {
            return Ok(());
        }
        let size = self.locale.byte_size(self.max_bytes);
        let message = match (self.locale, &self.question) {
            (Locale::En, Some(q)) => format!("“{q}” accepts files up to {size}."),
            (Locale::En, None) => format!("Files can be at most {size}."),
            (Locale::Fr, Some(q)) => format!("« {q} » accepte des fichiers jusqu’à {size}."),
            (Locale::Fr, None) => format!("Les fichiers ne peuvent pas dépasser {size}."),
            (Locale::De, Some(q)) => format!("„{q}“ akzeptiert Dateien bis {size}."),
            (Locale::De, None) => format!("Dateien dürfen höchstens {size} groß sein."),
        };
        Err(Error::TooLarge { message })
    }

    /// Refuses a file whose (sniffed) type the rule does not accept (415).
    pub fn check_type(&self, content_type: &str) -> Result<(), Error> {
        if self.accept.iter().any(|pattern| mime_matches(pattern, content_type)) {
            return Ok(());
        }
        let known = (content_type != OCTET_STREAM).then_some(content_type);
        let found = match (self.locale, known) {
            (Locale::En, Some(t)) => format!("This file is {t}."),
            (Locale::En, None) => "This file is of a type we do not recognise.".to_owned(),
            (Locale::Fr, Some(t)) => format!("Ce fichier est de type {t}."),
            (Locale::Fr, None) => "Ce fichier est d’un type que nous ne reconnaissons pas.".to_owned(),
            (Locale::De, Some(t)) => format!("Diese Datei hat den Typ {t}."),
            (Locale::De, None) => "Diese Datei hat einen Typ, den wir nicht erkennen.".to_owned(),
        };
        let types = self.accept.join(", ");
        let accepted = match (self.locale, &self.question) {
            (Locale::En, Some(q)) => format!("“{q}” accepts only: {types}."),
            (Locale::En, None) => format!("The accepted types are: {types}."),
            (Locale::Fr, Some(q)) => format!("« {q} » n’accepte que : {types}."),
            (Locale::Fr, None) => format!("Les types acceptés sont : {types}."),
            (Locale::De, Some(q)) => format!("„{q}“ akzeptiert nur: {types}."),
            (Locale::De, None) => format!("Akzeptiert werden: {types}."),
        };
        Err(Error::UnsupportedMedia { message: format!("{found} {accepted}") })
    }
}

/// Whether a MIME type matches an `accept` entry (the same rule as the runtime's).
fn mime_matches(pattern: &str, content_type: &str) -> bool {
    let content_type = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let pattern = pattern.trim().to_ascii_lowercase();
    match pattern.strip_suffix("/*") {
        Some(top) => content_type.split_once('/').is_some_and(|(t, _)| t == top),
        None => content_type == pattern,
    }
}

/// The pinned template of one section of an interview; `None` when the interview has no such section.
fn section_template(tx: &dyn ReadTxn, interview: &Interview, section_id: &str) -> Result<Option<Template>, Error> {
    let Some(section) = interview.sections.iter().find(|s| s.id == section_id) else {
        return Ok(None);
    };
    let (_version, parsed) = super::interview::pinned_template(tx, section)?;
    Ok(Some(parsed))
}

/// Finds a question by its path: `id`, `repeat.child` (entry indices such as
/// `repeat[0].child` are allowed and ignored), or a file question's bare id
/// when only one question in the template has it.
fn find_question(template: &Template, path: &str) -> Option<ItemId> {
    let segments: Vec<&str> = path.split('.').map(|s| s.split('[').next().unwrap_or(s).trim()).collect();
    let mut scope: Option<ItemId> = None;
    for segment in &segments {
        let found = match scope {
            None => template.top_level(segment),
            Some(repeat) => template.child(repeat, segment),
        };
        match found {
            Some(id) => scope = Some(id),
            None => {
                scope = None;
                break;
            }
        }
    }
    if scope.is_some() {
        return scope;
    }
    // A file question inside a repeat is easiest to name by its own id.
    let [only] = segments.as_slice() else { return None };
    let mut matches = template
        .items_with_ids()
        .filter(|(_, item)| item.id_str() == *only && matches!(item.kind, ItemKind::File { .. }));
    match (matches.next(), matches.next()) {
        (Some((id, _)), None) => Some(id),
        _ => None,
    }
}

/// The rule of the file question `question` in section `section` of the
/// interview's pinned templates (422 when there is no such file question).
pub fn rule_for(store: &Storage, interview: &Interview, section: &str, question: &str) -> Result<Rule, Error> {
    let unknown = |message: String| Error::Unprocessable { code: "unknown_question", message, errors: None };
    let template = store
        .read(|tx| section_template(tx, interview, section))?
        .ok_or_else(|| unknown(format!("`{section}` is not a section of this request.")))?;
    let id = find_question(&template, question)
        .ok_or_else(|| unknown(format!("`{question}` is not a question of section `{section}`.")))?;
    let item = template.item(id);
    let ItemKind::File { accept, max_bytes, .. } = &item.kind else {
        return Err(Error::Unprocessable {
            code: "not_a_file_question",
            message: format!("`{question}` does not take files."),
            errors: None,
        });
    };
    Ok(Rule {
        // The runtime reads an empty list as "any type"; the host still keeps to types it recognises.
        accept: if accept.is_empty() { Rule::default().accept } else { accept.clone() },
        max_bytes: max_bytes.map_or(MAX_UPLOAD_BYTES, |m| m.min(MAX_UPLOAD_BYTES)),
        question: Some(item.display_name().to_owned()),
        locale: interview.locale,
    })
}

/// The client's file name made safe to keep and show: no folders, no control
/// characters, at most [`MAX_NAME_CHARS`] characters, never empty.
pub fn sanitize_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let clean: String = last.chars().filter(|c| !c.is_control()).take(MAX_NAME_CHARS).collect();
    let clean = clean.trim();
    if clean.is_empty() || clean.chars().all(|c| c == '.') {
        "file".to_owned()
    } else {
        clean.to_owned()
    }
}

fn files_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("files")
}

fn tmp_dir(data_dir: &Path) -> PathBuf {
    files_dir(data_dir).join("tmp")
}

/// Where the bytes with this SHA-256 (lower-case hex) are kept.
pub fn blob_path(data_dir: &Path, sha256: &str) -> PathBuf {
    files_dir(data_dir).join(sha256)
}

/// A temporary file removed when dropped, unless it was moved into place.
struct TempFile(Option<PathBuf>);

impl TempFile {
    fn path(&self) -> Option<&Path> {
        self.0.as_deref()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            // Best effort: the sweep removes what a failed removal leaves.
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Tracks whether a stream of bytes is plain text: UTF-8 without control
/// characters other than tab, line breaks and form feed.
#[derive(Debug, Default)]
struct TextScan {
    binary: bool,
    // An incomplete UTF-8 sequence at the end of the last chunk (at most 3 bytes).
    carry: Vec<u8>,
}

impl TextScan {
    fn feed(&mut self, chunk: &[u8]) {
        if self.binary {
            return;
        }
        if chunk.iter().any(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7f) {
            self.binary = true;
            return;
        }
        let mut bytes = std::mem::take(&mut self.carry);
        bytes.extend_from_slice(chunk);
        match std::str::from_utf8(&bytes) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() && bytes.len() - e.valid_up_to() <= 3 => {
                self.carry = bytes.get(e.valid_up_to()..).map(<[u8]>::to_vec).unwrap_or_default();
            }
            Err(_) => self.binary = true,
        }
    }

    fn is_text(&self) -> bool {
        !self.binary && self.carry.is_empty()
    }
}

/// An upload arriving: bytes go to a temporary file, hashed and counted as they come.
pub struct Incoming {
    writer: tokio::io::BufWriter<tokio::fs::File>,
    temp: TempFile,
    hasher: Sha256,
    size: u64,
    rule: Rule,
    head: Vec<u8>,
    text: TextScan,
}

impl Incoming {
    /// Starts a temporary file under `<data_dir>/files/tmp/`; `rule` bounds the size as bytes arrive.
    pub async fn create(data_dir: &Path, rule: Rule) -> Result<Incoming, Error> {
        let dir = tmp_dir(data_dir);
        tokio::fs::create_dir_all(&dir).await?;
        let path = dir.join(format!("{}.part", token::new_id("up_")));
        let file = tokio::fs::File::create(&path).await?;
        Ok(Incoming {
            writer: tokio::io::BufWriter::with_capacity(64 * 1024, file),
            temp: TempFile(Some(path)),
            hasher: Sha256::new(),
            size: 0,
            rule,
            head: Vec::with_capacity(HEAD_BYTES),
            text: TextScan::default(),
        })
    }

    /// Adds a chunk; refuses (413) as soon as the file grows past its limit.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), Error> {
        let size = self.size.saturating_add(chunk.len() as u64);
        self.rule.check_size(size)?;
        self.size = size;
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(chunk.get(..take).unwrap_or_default());
        }
        self.hasher.update(chunk);
        self.text.feed(chunk);
        self.writer.write_all(chunk).await?;
        Ok(())
    }

    /// Ends the upload: the bytes are on disk (synced) with their hash and size.
    pub async fn finish(mut self) -> Result<Staged, Error> {
        self.writer.flush().await?;
        self.writer.get_ref().sync_all().await?;
        let sha256 = self.hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Ok(Staged { temp: self.temp, size: self.size, sha256, head: self.head, text: self.text.is_text() })
    }
}

/// A complete upload in its temporary file, not yet checked or kept.
pub struct Staged {
    temp: TempFile,
    /// Bytes.
    pub size: u64,
    /// SHA-256, lower-case hex.
    pub sha256: String,
    head: Vec<u8>,
    text: bool,
}

/// What a file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Magic {
    Known(&'static str),
    Zip,
    Unknown,
}

fn magic(head: &[u8]) -> Magic {
    let starts = |sig: &[u8]| head.starts_with(sig);
    if starts(b"\x89PNG\r\n\x1a\n") {
        Magic::Known("image/png")
    } else if starts(&[0xff, 0xd8, 0xff]) {
        Magic::Known("image/jpeg")
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Magic::Known("image/gif")
    } else if starts(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        Magic::Known("image/webp")
    } else if head.get(4..8) == Some(b"ftyp") {
        iso_media(head)
    } else if starts(b"PK\x03\x04") {
        Magic::Zip
    } else if starts(b"MZ") {
        Magic::Known("application/vnd.microsoft.portable-executable")
    } else if starts(b"\x7fELF") {
        Magic::Known("application/x-elf")
    } else if head.get(..1024.min(head.len())).is_some_and(|h| h.windows(5).any(|w| w == b"%PDF-")) {
        // The PDF header may follow a little junk (some scanners write it).
        Magic::Known("application/pdf")
    } else {
        Magic::Unknown
    }
}

/// HEIC/HEIF (and AVIF) by the brands of an ISO media `ftyp` box.
fn iso_media(head: &[u8]) -> Magic {
    let box_len = head.get(0..4).and_then(|b| <[u8; 4]>::try_from(b).ok()).map_or(0, u32::from_be_bytes) as usize;
    let end = box_len.clamp(12, head.len().max(12)).min(head.len());
    let major = head.get(8..12);
    let compatible = head.get(16..end).unwrap_or_default();
    let brands: Vec<&[u8]> = major.into_iter().chain(compatible.chunks_exact(4)).collect();
    let has = |names: &[&[u8]]| brands.iter().any(|b| names.contains(b));
    if has(&[b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"]) {
        Magic::Known("image/heic")
    } else if has(&[b"avif", b"avis"]) {
        Magic::Known("image/avif")
    } else if has(&[b"mif1", b"msf1"]) {
        Magic::Known("image/heif")
    } else {
        Magic::Unknown
    }
}

/// Office documents are zip files told apart by their main part.
fn zip_type(path: &Path) -> &'static str {
    let Ok(file) = std::fs::File::open(path) else { return "application/zip" };
    let Ok(archive) = zip::ZipArchive::new(std::io::BufReader::new(file)) else { return "application/zip" };
    if archive.index_for_name("word/document.xml").is_some() {
        DOCX
    } else if archive.index_for_name("xl/workbook.xml").is_some() {
        XLSX
    } else if archive.index_for_name("ppt/presentation.xml").is_some() {
        PPTX
    } else {
        "application/zip"
    }
}

/// The MIME type of an upload as its bytes show it; the declared type and
/// name only tell CSV from other plain text.
fn sniff(staged: &Staged, declared: Option<&str>, name: &str) -> String {
    match magic(&staged.head) {
        Magic::Known(t) => t.to_owned(),
        Magic::Zip => staged.temp.path().map_or("application/zip", zip_type).to_owned(),
        Magic::Unknown if staged.text => {
            let csv = declared.is_some_and(|d| mime_matches("text/csv", d))
                || name.rsplit_once('.').is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("csv"));
            if csv { "text/csv" } else { "text/plain" }.to_owned()
        }
        Magic::Unknown => OCTET_STREAM.to_owned(),
    }
}

/// An upload with what the client said about it.
pub struct Upload {
    /// The bytes, in their temporary file.
    pub staged: Staged,
    /// The client's file name, as sent.
    pub name: String,
    /// The Content-Type the client declared for the part (a hint only).
    pub declared_type: Option<String>,
    /// The rule the file must satisfy.
    pub rule: Rule,
    /// The section named, if any.
    pub section: Option<String>,
    /// The question named, if any.
    pub question: Option<String>,
}

/// Checks an upload's size and sniffed type against its rule, keeps the bytes
/// under their SHA-256 and records the file (with an audit event) for a still
/// live interview.
pub fn keep(store: &Storage, data_dir: &Path, now: Timestamp, interview_id: &str, upload: Upload, ip: Option<&str>) -> Result<FileRef, Error> {
    let Upload { staged, name, declared_type, rule, section, question } = upload;
    if staged.size == 0 {
        return Err(Error::BadRequest { code: "empty_file", message: "The file is empty.".to_owned() });
    }
    rule.check_size(staged.size)?;
    let name = sanitize_name(&name);
    let content_type = sniff(&staged, declared_type.as_deref(), &name);
    rule.check_type(&content_type)?;
    let record = FileRecord {
        id: token::new_id("file_"),
        interview_id: interview_id.to_owned(),
        name,
        size: staged.size,
        content_type,
        sha256: staged.sha256.clone(),
        created_at: now,
    };
    let _publishing = BLOBS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    publish(data_dir, staged)?;
    store.write(|tx| {
        let interview = tx.interview(interview_id)?.ok_or(Error::Expired)?;
        if !expiry::is_live(&interview, now) {
            return Err(Error::Expired);
        }
        if tx.files_of_interview(interview_id)?.len() >= MAX_FILES_PER_INTERVIEW {
            return Err(Error::Unprocessable {
                code: "too_many_files",
                message: format!("A request can hold at most {MAX_FILES_PER_INTERVIEW} files."),
                errors: None,
            });
        }
        tx.put_file(&record)?;
        let mut detail = json!({
            "interview": interview_id, "file": record.id, "name": record.name,
            "size": record.size, "content_type": record.content_type,
        });
        if let (Some(s), Some(q)) = (&section, &question) {
            detail["section"] = json!(s);
            detail["question"] = json!(q);
        }
        audit::record(tx, &interview.work_item_id, now, &Actor::Client, "file_uploaded", detail, ip)?;
        Ok(())
    })?;
    Ok(FileRef::from(&record))
}

/// Moves a staged file to `files/<sha256>` durably, or drops it when equal bytes are already kept.
fn publish(data_dir: &Path, mut staged: Staged) -> Result<(), Error> {
    let dest = blob_path(data_dir, &staged.sha256);
    if dest.is_file() {
        return Ok(());
    }
    let Some(temp) = staged.temp.0.take() else {
        return Err(Error::Internal("a staged upload has no temporary file".to_owned()));
    };
    if let Err(e) = std::fs::rename(&temp, &dest) {
        let _ = std::fs::remove_file(&temp);
        return Err(e.into());
    }
    // The rename is only durable once the directory itself is synced.
    #[cfg(unix)]
    std::fs::File::open(files_dir(data_dir))?.sync_all()?;
    Ok(())
}

/// Checks that every file a submit refers to was uploaded to this interview,
/// and rewrites each reference from the host's record (name, size, sniffed
/// type, hash), so the runtime's `accept` and `max_bytes` checks see the
/// truth rather than what the browser claims. 422 `invalid_answers` names
/// each foreign or unknown file by its answer path.
pub fn resolve_references(tx: &dyn ReadTxn, interview: &Interview, mut answers: SectionAnswers) -> Result<SectionAnswers, Error> {
    let mut errors = Vec::new();
    for (section, set) in &mut answers {
        // Most sections have no files: skip loading their template.
        if !set.values().any(mentions_file) {
            continue;
        }
        let Some(template) = section_template(tx, interview, section)? else { continue };
        let mut walk = Walk { tx, interview_id: &interview.id, section, template: &template, errors: &mut errors };
        for page in &template.pages {
            for &item in &page.items {
                walk.item(item, set, "")?;
            }
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(Error::Unprocessable {
            code: "invalid_answers",
            message: "Some answers refer to files that were not uploaded to this request.".to_owned(),
            errors: Some(Value::Array(errors)),
        })
    }
}

fn mentions_file(v: &Value) -> bool {
    match v {
        Value::Object(map) => map.contains_key("file_id") || map.values().any(mentions_file),
        Value::Array(list) => list.iter().any(mentions_file),
        _ => false,
    }
}

/// A walk over one section's answers, following the template's file questions and repeats.
struct Walk<'a> {
    tx: &'a dyn ReadTxn,
    interview_id: &'a str,
    section: &'a str,
    template: &'a Template,
    errors: &'a mut Vec<Value>,
}

impl Walk<'_> {
    fn item(&mut self, id: ItemId, answers: &mut Answers, prefix: &str) -> Result<(), Error> {
        let template = self.template;
        let item = template.item(id);
        let Some(key) = item.id.as_deref() else { return Ok(()) };
        let path = format!("{prefix}{key}");
        match (&item.kind, answers.get_mut(key)) {
            (ItemKind::File { .. }, Some(Value::Array(list))) => {
                for reference in list {
                    self.reference(reference, &path)?;
                }
            }
            (ItemKind::Repeat { items, .. }, Some(Value::Array(entries))) => {
                for (index, entry) in entries.iter_mut().enumerate() {
                    if let Value::Object(entry) = entry {
                        let prefix = format!("{path}[{index}].");
                        for &child in items {
                            self.item(child, entry, &prefix)?;
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn reference(&mut self, reference: &mut Value, path: &str) -> Result<(), Error> {
        // Anything without a file id is a shape error the runtime reports.
        let Some(file_id) = reference.get("file_id").and_then(Value::as_str) else { return Ok(()) };
        match self.tx.file(file_id)? {
            Some(record) if record.interview_id == self.interview_id => {
                *reference = json!(FileRef::from(&record));
            }
            _ => self.errors.push(json!({
                "section": self.section,
                "path": path,
                "code": "unknown_file",
                "message": "This file was not uploaded to this request; upload it again.",
            })),
        }
        Ok(())
    }
}

/// What [`remove_orphans`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// File records of finished interviews that nothing refers to.
    pub records: usize,
    /// Kept bytes that no record names any more.
    pub blobs: usize,
    /// Temporary files older than the grace period.
    pub temps: usize,
}

/// Removes what no one needs: file records of finished (submitted, cancelled,
/// expired) interviews that neither the submission nor the work item's
/// answers refer to, blobs on disk whose SHA-256 no record names, and
/// temporary files untouched for `older_than_secs`.
pub fn remove_orphans(store: &Storage, data_dir: &Path, now: Timestamp, older_than_secs: u64) -> Result<Swept, Error> {
    let mut swept = Swept::default();
    // Find candidates in a read snapshot so the common case (nothing to do) writes nothing.
    let candidates = store.read(|tx| orphan_records(tx, now))?;
    if !candidates.is_empty() {
        swept.records = store.write(|tx| {
            // Checked again: the work item's answers may have changed since the snapshot.
            let still = orphan_records(tx, now)?;
            for id in &still {
                tx.delete_file(id)?;
            }
            Ok(still.len())
        })?;
    }
    swept.blobs = remove_unused_blobs(store, data_dir)?;
    swept.temps = remove_stale_temps(data_dir, now, older_than_secs)?;
    Ok(swept)
}

/// Ids of file records of finished interviews that nothing refers to.
fn orphan_records(tx: &dyn ReadTxn, now: Timestamp) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for work_item in tx.work_items()? {
        let mut kept = BTreeSet::new();
        for value in work_item.answers.values() {
            collect_file_ids(value, &mut kept);
        }
        for interview_id in &work_item.interviews {
            let Some(interview) = tx.interview(interview_id)? else { continue };
            if expiry::is_live(&interview, now) {
                continue;
            }
            let files = tx.files_of_interview(interview_id)?;
            if files.is_empty() {
                continue;
            }
            let mut referenced = kept.clone();
            if let Some(submission) = &interview.submission {
                for set in submission.answers.values() {
                    for value in set.values() {
                        collect_file_ids(value, &mut referenced);
                    }
                }
            }
            out.extend(files.into_iter().filter(|f| !referenced.contains(&f.id)).map(|f| f.id));
        }
    }
    Ok(out)
}

/// Every `file_id` anywhere in an answer (erring towards keeping a file).
fn collect_file_ids(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(id)) = map.get("file_id") {
                out.insert(id.clone());
            }
            map.values().for_each(|v| collect_file_ids(v, out));
        }
        Value::Array(list) => list.iter().for_each(|v| collect_file_ids(v, out)),
        _ => {}
    }
}

fn is_sha256_hex(name: &str) -> bool {
    name.len() == 64 && name.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The regular files of a folder (none when it does not exist).
fn regular_files(dir: &Path) -> Result<Vec<std::fs::DirEntry>, Error> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            out.push(entry);
        }
    }
    Ok(out)
}

/// Removes a file; one already gone counts as removed.
fn remove_if_present(path: &Path) -> Result<(), Error> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

fn remove_unused_blobs(store: &Storage, data_dir: &Path) -> Result<usize, Error> {
    let blobs: Vec<(String, PathBuf)> = regular_files(&files_dir(data_dir))?
        .into_iter()
        .filter_map(|e| e.file_name().to_str().filter(|n| is_sha256_hex(n)).map(|n| (n.to_owned(), e.path())))
        .collect();
    // One snapshot finds the candidates, so the usual sweep (every blob in use) is one read.
    let unused: Vec<(String, PathBuf)> = store.read(|tx| {
        let mut out = Vec::new();
        for (sha256, path) in blobs {
            if !tx.sha256_in_use(&sha256)? {
                out.push((sha256, path));
            }
        }
        Ok(out)
    })?;
    let mut removed = 0;
    for (sha256, path) in unused {
        // Checked again under the lock: an upload may have just recorded these bytes.
        let _publishing = BLOBS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !store.read(|tx| Ok(tx.sha256_in_use(&sha256)?))? {
            remove_if_present(&path)?;
            removed += 1;
        }
    }
    Ok(removed)
}

fn remove_stale_temps(data_dir: &Path, now: Timestamp, older_than_secs: u64) -> Result<usize, Error> {
    let mut removed = 0;
    for entry in regular_files(&tmp_dir(data_dir))? {
        let modified = entry.metadata()?.modified()?;
        let ms = modified.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
        let modified = Timestamp(i64::try_from(ms).unwrap_or(i64::MAX));
        // Uploads in flight keep writing, so their files stay young.
        if modified.plus_secs(older_than_secs) <= now {
            remove_if_present(&entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers_name_the_common_types() {
        assert_eq!(magic(b"%PDF-1.7\n"), Magic::Known("application/pdf"));
        assert_eq!(magic(b"\x89PNG\r\n\x1a\n...."), Magic::Known("image/png"));
        assert_eq!(magic(&[0xff, 0xd8, 0xff, 0xe0]), Magic::Known("image/jpeg"));
        assert_eq!(magic(b"GIF89a..."), Magic::Known("image/gif"));
        assert_eq!(magic(b"RIFF\0\0\0\0WEBPVP8 "), Magic::Known("image/webp"));
        assert_eq!(magic(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"), Magic::Known("image/heic"));
        assert_eq!(magic(b"\0\0\0\x10ftypmif1\0\0\0\0"), Magic::Known("image/heif"));
        assert_eq!(magic(b"\0\0\0\x10ftypisom\0\0\0\0"), Magic::Unknown, "an MP4 is not an image");
        assert_eq!(magic(b"PK\x03\x04"), Magic::Zip);
        assert_eq!(magic(b"MZ\x90\0"), Magic::Known("application/vnd.microsoft.portable-executable"));
        assert_eq!(magic(b"MZ%PDF-1.7"), Magic::Known("application/vnd.microsoft.portable-executable"));
        assert_eq!(magic(b"hello"), Magic::Unknown);
        assert_eq!(magic(b""), Magic::Unknown);
        assert_eq!(magic(b"\0\0\0\x08ftyp"), Magic::Unknown);
    }

    fn zip_with(dir: &Path, entry: &str) -> PathBuf {
        use std::io::Write as _;
        let path = dir.join(entry.replace('/', "_"));
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).expect("create"));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("[Content_Types].xml", options).expect("entry");
        zip.write_all(b"<Types/>").expect("write");
        zip.start_file(entry, options).expect("entry");
        zip.write_all(b"<x/>").expect("write");
        zip.finish().expect("finish");
        path
    }

    #[test]
    fn office_documents_are_told_apart_by_their_main_part() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(zip_type(&zip_with(dir.path(), "word/document.xml")), DOCX);
        assert_eq!(zip_type(&zip_with(dir.path(), "xl/workbook.xml")), XLSX);
        assert_eq!(zip_type(&zip_with(dir.path(), "ppt/presentation.xml")), PPTX);
        assert_eq!(zip_type(&zip_with(dir.path(), "notes.txt")), "application/zip");
        let broken = dir.path().join("broken.zip");
        std::fs::write(&broken, b"PK\x03\x04 not really a zip").expect("write");
        assert_eq!(zip_type(&broken), "application/zip");
    }

    #[test]
    fn text_is_utf8_without_control_characters_even_across_chunks() {
        let mut scan = TextScan::default();
        let bytes = "name,city\nZoë,Zürich\r\n".as_bytes();
        let split = bytes.iter().position(|&b| b == 0xc3).expect("a two-byte character") + 1;
        scan.feed(&bytes[..split]);
        scan.feed(&bytes[split..]);
        assert!(scan.is_text());

        let mut cut = TextScan::default();
        cut.feed(&bytes[..split]);
        assert!(!cut.is_text(), "a file ending inside a character is not text");

        let mut binary = TextScan::default();
        binary.feed(b"abc\0def");
        assert!(!binary.is_text());
        let mut latin1 = TextScan::default();
        latin1.feed(b"caf\xe9 au lait");
        assert!(!latin1.is_text());
    }

    #[test]
    fn accept_lists_match_like_the_runtime() {
        assert!(mime_matches("image/*", "image/png"));
        assert!(mime_matches("application/pdf", "Application/PDF; charset=binary"));
        assert!(!mime_matches("image/*", "imagery"));
        assert!(!mime_matches("application/pdf", "application/vnd.microsoft.portable-executable"));
    }

    #[test]
    fn rules_refuse_with_messages_naming_the_limit_and_types() {
        let rule = Rule {
            accept: vec!["application/pdf".into()],
            max_bytes: 10 * 1024 * 1024,
            question: Some("Gift letter".into()),
            locale: Locale::En,
        };
        assert!(rule.check_size(10 * 1024 * 1024).is_ok());
        match rule.check_size(10 * 1024 * 1024 + 1) {
            Err(Error::TooLarge { message }) => assert_eq!(message, "“Gift letter” accepts files up to 10 MB."),
            other => panic!("{other:?}"),
        }
        match rule.check_type("image/png") {
            Err(Error::UnsupportedMedia { message }) => {
                assert_eq!(message, "This file is image/png. “Gift letter” accepts only: application/pdf.");
            }
            other => panic!("{other:?}"),
        }
        assert!(Rule::default().check_type(DOCX).is_ok());
        assert!(Rule::default().check_type("application/zip").is_err());
        match Rule::default().check_size(MAX_UPLOAD_BYTES + 1) {
            Err(Error::TooLarge { message }) => assert_eq!(message, "Files can be at most 25 MB."),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_client_reads_the_refusals_in_the_interview_language() {
        let rule = Rule { locale: Locale::Fr, ..Rule::default() };
        match rule.check_size(MAX_UPLOAD_BYTES + 1) {
            Err(Error::TooLarge { message }) => assert_eq!(message, "Les fichiers ne peuvent pas dépasser 25 Mo."),
            other => panic!("{other:?}"),
        }
        let rule = Rule {
            accept: vec!["application/pdf".into()],
            max_bytes: 5 * 1024 * 1024 + 512 * 1024,
            question: Some("Schenkungsbrief".into()),
            locale: Locale::De,
        };
        match rule.check_size(6 * 1024 * 1024) {
            Err(Error::TooLarge { message }) => assert_eq!(message, "„Schenkungsbrief“ akzeptiert Dateien bis 5,5 MB."),
            other => panic!("{other:?}"),
        }
        match rule.check_type(OCTET_STREAM) {
            Err(Error::UnsupportedMedia { message }) => {
                assert_eq!(message, "Diese Datei hat einen Typ, den wir nicht erkennen. „Schenkungsbrief“ akzeptiert nur: application/pdf.");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn file_names_lose_folders_and_control_characters() {
        assert_eq!(sanitize_name("C:\\Users\\ann\\passport.pdf"), "passport.pdf");
        assert_eq!(sanitize_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_name("bad\u{7}\nname.pdf"), "badname.pdf");
        assert_eq!(sanitize_name(".."), "file");
        assert_eq!(sanitize_name("  "), "file");
        assert_eq!(sanitize_name(&"é".repeat(300)).chars().count(), MAX_NAME_CHARS);
    }
}
