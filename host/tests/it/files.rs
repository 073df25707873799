//! Client file uploads (`POST /api/v1/client/files`): streamed, sniffed,
//! checked against the question they are for, kept under their SHA-256, and
//! only ever referred to by the interview they were uploaded to.

use std::path::{Path, PathBuf};

use interview_host::clock::Timestamp;
use interview_host::domain::files::{self, Swept};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::support::*;

fn kyc() -> Value {
    serde_json::from_str(include_str!("../../../examples/templates/kyc.json")).expect("json")
}

/// One file question that takes PDFs up to 1 KB.
fn small_scan_template() -> Value {
    json!({"format": "interview/1", "title": "Scan", "pages": [{"id": "p", "title": "P", "items": [
        {"type": "file", "id": "scan", "label": "Scan", "accept": ["application/pdf"], "max_bytes": 1024},
        {"type": "text", "id": "note", "label": "Note"}
    ]}]})
}

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const EXE: &[u8] = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0This program cannot be run in DOS mode.";

/// One part of a multipart body.
#[derive(Clone, Copy)]
enum Part<'a> {
    Text(&'a str, &'a str),
    File { filename: &'a str, content_type: &'a str, bytes: &'a [u8] },
}

const BOUNDARY: &str = "----interview-test-7MA4YWxkTrZu0gW";

/// A `multipart/form-data` body and its Content-Type.
fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(format!("content-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
            }
            Part::File { filename, content_type, bytes } => {
                body.extend_from_slice(
                    format!("content-disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\ncontent-type: {content_type}\r\n\r\n")
                        .as_bytes(),
                );
                body.extend_from_slice(bytes);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

fn pdf_part(bytes: &[u8]) -> Part<'_> {
    Part::File { filename: "passport.pdf", content_type: "application/pdf", bytes }
}

async fn upload(h: &Host, session: &str, parts: &[Part<'_>]) -> Reply {
    let (content_type, body) = multipart(parts);
    let headers = [("authorization".to_owned(), format!("Bearer {session}")), ("content-type".to_owned(), content_type)];
    request(h.addr, "POST", "/api/v1/client/files", &body, &headers).await
}

async fn submit(h: &Host, session: &str, answers: Value, key: &str) -> Reply {
    h.post(
        "/api/v1/client/submit",
        json!({"answers": {"s1": answers}}),
        &[("authorization", format!("Bearer {session}")), ("idempotency-key", key.to_owned())],
    )
    .await
}

/// A work item on `template`, an interview sent to a new client with `email` and opened: (work item, interview, session).
async fn opened_interview(h: &Host, staff: &Staff, template: Value, email: &str) -> (String, String, String) {
    let made = staff.post("/api/v1/templates", json!({"name": format!("Template for {email}"), "definition": template})).await;
    assert_eq!(made.status, 201, "{}", made.text());
    let template_id = made.json()["id"].as_str().expect("id").to_owned();
    let item = staff.post("/api/v1/work-items", json!({"name": format!("Matter of {email}"), "template_id": template_id})).await;
    assert_eq!(item.status, 201, "{}", item.text());
    let item_id = item.json()["id"].as_str().expect("id").to_owned();
    let client = json!({"title": "Ms", "first_name": "Ann", "last_name": "Lee", "email": email});
    let sent = staff
        .post(&format!("/api/v1/work-items/{item_id}/interviews"), json!({"client": client, "auth": {"method": "none"}}))
        .await;
    assert_eq!(sent.status, 201, "{}", sent.text());
    let link = sent.json()["link"].as_str().expect("link").to_owned();
    let token = link.split_once("/i/#").expect("token").1.to_owned();
    let opened = h.post("/api/v1/client/open", json!({"token": token}), &[]).await;
    assert_eq!(opened.status, 200, "{}", opened.text());
    let session = opened.json()["session"].as_str().expect("session").to_owned();
    (item_id, sent.json()["id"].as_str().expect("id").to_owned(), session)
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn data_dir(h: &Host) -> PathBuf {
    h.data.path().join("data")
}

/// Names in a folder (empty when it does not exist).
fn listing(dir: &Path) -> Vec<String> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    }
}

/// Kept blobs (64 hex characters) in the files folder.
fn blobs(h: &Host) -> Vec<String> {
    listing(&data_dir(h).join("files")).into_iter().filter(|n| n.len() == 64).collect()
}

fn file_count(h: &Host, interview_id: &str) -> usize {
    let id = interview_id.to_owned();
    h.state.storage.read(move |tx| Ok(tx.files_of_interview(&id)?.len())).expect("read")
}

fn assert_error(reply: &Reply, status: u16, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.text());
    assert_eq!(reply.json()["error"]["code"], code, "{}", reply.text());
    assert!(reply.json()["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", reply.text());
}

#[tokio::test]
async fn a_pdf_is_kept_under_its_sha256_and_answered_as_a_file_reference() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let (item, iv, session) = opened_interview(&h, &staff, kyc(), "ann@example.com").await;
    let reply = upload(
        &h,
        &session,
        &[
            Part::Text("section", "s1"),
            Part::Text("question", "id_document"),
            Part::File { filename: "C:\\scans\\passport.pdf", content_type: "application/pdf", bytes: PDF },
        ],
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let body = reply.json();
    let sha = sha256_hex(PDF);
    let file_id = body["file_id"].as_str().expect("file id").to_owned();
    assert!(file_id.starts_with("file_"), "{file_id}");
    assert_eq!(
        body,
        json!({"file_id": file_id, "name": "passport.pdf", "size": PDF.len(), "content_type": "application/pdf", "sha256": sha})
    );
    assert_eq!(std::fs::read(data_dir(&h).join("files").join(&sha)).expect("the blob"), PDF);
    assert!(listing(&data_dir(&h).join("files").join("tmp")).is_empty(), "no temporary file is left behind");
    assert_eq!(file_count(&h, &iv), 1);

    // The same bytes again: a second record, one blob.
    let again = upload(&h, &session, &[pdf_part(PDF)]).await;
    assert_eq!(again.status, 201, "{}", again.text());
    assert_ne!(again.json()["file_id"], body["file_id"]);
    assert_eq!(blobs(&h), [sha]);

    let audit = staff.get(&format!("/api/v1/work-items/{item}/audit")).await.json();
    // The log is newest first: the first upload comes last.
    let uploads: Vec<&Value> = audit.as_array().expect("list").iter().rev().filter(|e| e["event"] == "file_uploaded").collect();
    assert_eq!(uploads.len(), 2);
    assert_eq!(uploads[0]["detail"]["file"], file_id.as_str());
    assert_eq!(uploads[0]["detail"]["question"], "id_document");
}

#[tokio::test]
async fn the_sniffed_type_decides_not_the_declared_one() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let (_item, iv, session) = opened_interview(&h, &staff, kyc(), "ann@example.com").await;
    // The gift letter (inside a repeat) accepts only PDF; a program calling itself one is refused.
    let exe = Part::File { filename: "letter.pdf", content_type: "application/pdf", bytes: EXE };
    let refused = upload(&h, &session, &[Part::Text("section", "s1"), Part::Text("question", "gifts.letter"), exe]).await;
    assert_error(&refused, 415, "unsupported_media_type");
    let message = refused.json()["error"]["message"].as_str().expect("message").to_owned();
    assert!(message.contains("application/pdf") && message.contains("Gift letter"), "{message}");

    // A real PNG declared as a PDF is a PNG: refused for the letter, accepted (as image/png) for the ID document.
    let png_as_pdf = || Part::File { filename: "scan.pdf", content_type: "application/pdf", bytes: PNG };
    let letter = upload(&h, &session, &[Part::Text("section", "s1"), Part::Text("question", "letter"), png_as_pdf()]).await;
    assert_error(&letter, 415, "unsupported_media_type");
    let id_doc = upload(&h, &session, &[Part::Text("section", "s1"), Part::Text("question", "id_document"), png_as_pdf()]).await;
    assert_eq!(id_doc.status, 201, "{}", id_doc.text());
    assert_eq!(id_doc.json()["content_type"], "image/png");

    // Without a question the default list applies, and programs are not on it either.
    let plain = upload(&h, &session, &[Part::File { filename: "setup.exe", content_type: "application/octet-stream", bytes: EXE }]).await;
    assert_error(&plain, 415, "unsupported_media_type");
    let csv = upload(&h, &session, &[Part::File { filename: "figures.csv", content_type: "text/csv", bytes: "a,b\n1,2\n".as_bytes() }]).await;
    assert_eq!(csv.status, 201, "{}", csv.text());
    assert_eq!(csv.json()["content_type"], "text/csv");

    assert_eq!(file_count(&h, &iv), 2, "only the accepted files are recorded");
    assert_eq!(blobs(&h).len(), 2);
}

#[tokio::test]
async fn a_file_over_the_questions_max_bytes_is_413_whatever_the_field_order() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let (_item, iv, session) = opened_interview(&h, &staff, small_scan_template(), "ann@example.com").await;
    let mut big = PDF.to_vec();
    big.resize(1025, b' ');
    let before = upload(&h, &session, &[Part::Text("section", "s1"), Part::Text("question", "scan"), pdf_part(&big)]).await;
    assert_error(&before, 413, "too_large");
    assert!(before.json()["error"]["message"].as_str().expect("message").contains("1 KB"), "{}", before.text());
    let after = upload(&h, &session, &[pdf_part(&big), Part::Text("section", "s1"), Part::Text("question", "scan")]).await;
    assert_error(&after, 413, "too_large");

    let fits = upload(&h, &session, &[pdf_part(&big[..1024]), Part::Text("section", "s1"), Part::Text("question", "scan")]).await;
    assert_eq!(fits.status, 201, "{}", fits.text());
    assert_eq!(file_count(&h, &iv), 1);
}

#[tokio::test]
async fn a_file_over_the_global_cap_is_413_and_nothing_is_kept() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let (_item, iv, session) = opened_interview(&h, &staff, kyc(), "ann@example.com").await;
    let mut huge = PDF.to_vec();
    huge.resize(files::MAX_UPLOAD_BYTES as usize + 1, b' ');
    let reply = upload(&h, &session, &[pdf_part(&huge)]).await;
    assert_error(&reply, 413, "too_large");
    assert!(blobs(&h).is_empty());
    assert!(listing(&data_dir(&h).join("files").join("tmp")).is_empty(), "the partial upload is removed");
    assert_eq!(file_count(&h, &iv), 0);

    // Exactly at the cap is fine.
    huge.truncate(files::MAX_UPLOAD_BYTES as usize);
    let fits = upload(&h, &session, &[pdf_part(&huge)]).await;
    assert_eq!(fits.status, 201, "{}", fits.text());
    assert_eq!(fits.json()["size"], files::MAX_UPLOAD_BYTES);
}

#[tokio::test]
async fn uploads_need_a_live_session() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let (_item, iv, session) = opened_interview(&h, &staff, kyc(), "ann@example.com").await;
    let expired = json!({"error": {"code": "expired", "message": "This request has expired."}});

    let (content_type, body) = multipart(&[pdf_part(PDF)]);
    let anonymous = request(h.addr, "POST", "/api/v1/client/files", &body, &[("content-type".to_owned(), content_type)]).await;
    assert_eq!((anonymous.status, anonymous.json()), (410, expired.clone()));
    let forged = upload(&h, "not-a-session", &[pdf_part(PDF)]).await;
    assert_eq!((forged.status, forged.json()), (410, expired.clone()));

    let cancelled = staff.post(&format!("/api/v1/interviews/{iv}/cancel"), json!({})).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text());
    let after_cancel = upload(&h, &session, &[pdf_part(PDF)]).await;
    assert_eq!((after_cancel.status, after_cancel.json()), (410, expired));
    assert!(blobs(&h).is_empty());
}

#[tokio::test]
async fn malformed_uploads_get_a_clear_4xx() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let (_item, iv, session) = opened_interview(&h, &staff, kyc(), "ann@example.com").await;
    let bearer = ("authorization".to_owned(), format!("Bearer {session}"));

    let no_file = upload(&h, &session, &[Part::Text("section", "s1"), Part::Text("question", "id_document")]).await;
    assert_error(&no_file, 400, "file_required");
    assert!(no_file.json()["error"]["message"].as_str().expect("message").contains("`file`"));

    let two = upload(&h, &session, &[pdf_part(PDF), pdf_part(PDF)]).await;
    assert_error(&two, 400, "one_file_only");
    let half_named = upload(&h, &session, &[Part::Text("question", "id_document"), pdf_part(PDF)]).await;
    assert_error(&half_named, 400, "question_incomplete");
    let empty = upload(&h, &session, &[pdf_part(b"")]).await;
    assert_error(&empty, 400, "empty_file");
    let unknown = upload(&h, &session, &[Part::Text("section", "s1"), Part::Text("question", "nope"), pdf_part(PDF)]).await;
    assert_error(&unknown, 422, "unknown_question");
    let no_section = upload(&h, &session, &[Part::Text("section", "s9"), Part::Text("question", "id_document"), pdf_part(PDF)]).await;
    assert_error(&no_section, 422, "unknown_question");
    let not_file = upload(&h, &session, &[Part::Text("section", "s1"), Part::Text("question", "id_expiry"), pdf_part(PDF)]).await;
    assert_error(&not_file, 422, "not_a_file_question");

    let json_body = request(h.addr, "POST", "/api/v1/client/files", b"{}", &[bearer.clone(), ("content-type".into(), "application/json".into())]).await;
    assert_error(&json_body, 415, "unsupported_media_type");
    let (content_type, body) = multipart(&[pdf_part(PDF)]);
    let truncated = request(h.addr, "POST", "/api/v1/client/files", &body[..body.len() / 2], &[bearer, ("content-type".into(), content_type)]).await;
    assert_error(&truncated, 400, "invalid_upload");

    assert_eq!(file_count(&h, &iv), 0);
    assert!(listing(&data_dir(&h).join("files").join("tmp")).is_empty());
    assert_eq!(h.get("/healthz", &[]).await.status, 200, "still serving");
}

/// KYC answers with these file references (the gift letter inside the repeat).
fn kyc_answers(id_document: &Value, address: &Value, letter: &Value) -> Value {
    json!({
        "id_type": "passport",
        "id_document": [id_document],
        "id_expiry": "2031-05-01",
        "address_document": [address],
        "address_date": "2026-11-02",
        "sources": ["salary", "gift"],
        "gifts": [{"giver": "My aunt", "amount": 5000, "letter": [letter]}]
    })
}

#[tokio::test]
async fn a_submit_may_refer_only_to_its_own_interviews_files() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let (_a_item, _a_iv, a_session) = opened_interview(&h, &staff, kyc(), "ann@example.com").await;
    let (_b_item, _b_iv, b_session) = opened_interview(&h, &staff, kyc(), "bob@example.com").await;
    let mine = upload(&h, &a_session, &[pdf_part(PDF)]).await.json();
    let theirs = upload(&h, &b_session, &[pdf_part(b"%PDF-1.4 someone else's bank statement")]).await.json();
    assert!(theirs["file_id"].is_string(), "{theirs}");

    let reply = submit(&h, &a_session, kyc_answers(&mine, &theirs, &mine), "k1").await;
    assert_error(&reply, 422, "invalid_answers");
    assert_eq!(
        reply.json()["error"]["errors"],
        json!([{"section": "s1", "path": "address_document", "code": "unknown_file",
                "message": "This file was not uploaded to this request; upload it again."}])
    );

    let mut made_up = mine.clone();
    made_up["file_id"] = json!("file_madeup");
    let reply = submit(&h, &a_session, kyc_answers(&mine, &mine, &made_up), "k2").await;
    assert_error(&reply, 422, "invalid_answers");
    assert_eq!(reply.json()["error"]["errors"][0]["path"], "gifts[0].letter");
}

#[tokio::test]
async fn a_whole_kyc_request_with_uploads_is_submitted() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let (item, _iv, session) = opened_interview(&h, &staff, kyc(), "ann@example.com").await;
    let for_question = |q: &'static str| [Part::Text("section", "s1"), Part::Text("question", q)];
    let id_doc = upload(&h, &session, &[for_question("id_document").as_slice(), &[pdf_part(PDF)]].concat()).await;
    assert_eq!(id_doc.status, 201, "{}", id_doc.text());
    let png = Part::File { filename: "bill.png", content_type: "image/png", bytes: PNG };
    let address = upload(&h, &session, &[for_question("address_document").as_slice(), &[png]].concat()).await;
    assert_eq!(address.status, 201, "{}", address.text());
    let letter_pdf = b"%PDF-1.5 gift letter";
    let letter = upload(&h, &session, &[for_question("gifts.letter").as_slice(), &[pdf_part(letter_pdf)]].concat()).await;
    assert_eq!(letter.status, 201, "{}", letter.text());
    let (id_doc, address, letter) = (id_doc.json(), address.json(), letter.json());

    // The host describes each file from its own record: a reference claiming another type is corrected, and refused
    // by the runtime when the true type does not fit (the PNG is no gift letter).
    let mut forged = address.clone();
    forged["content_type"] = json!("application/pdf");
    let refused = submit(&h, &session, kyc_answers(&id_doc, &address, &forged), "k0").await;
    assert_error(&refused, 422, "invalid_answers");
    assert_eq!(refused.json()["error"]["errors"][0]["path"], "gifts[0].letter", "{}", refused.text());
    assert_eq!(refused.json()["error"]["errors"][0]["code"], "file_type", "{}", refused.text());

    let mut renamed = id_doc.clone();
    renamed["name"] = json!("something else.pdf");
    let ok = submit(&h, &session, kyc_answers(&renamed, &address, &letter), "k1").await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.json()["message"], "Data successfully submitted");

    let answers = staff.get(&format!("/api/v1/work-items/{item}")).await.json()["answers"].clone();
    assert_eq!(answers["id_document"], json!([id_doc]), "the recorded reference, not the renamed one");
    assert_eq!(answers["address_document"], json!([address]));
    assert_eq!(answers["gifts"][0]["letter"], json!([letter]));
    for reference in [&id_doc, &address, &letter] {
        let sha = reference["sha256"].as_str().expect("sha");
        assert!(data_dir(&h).join("files").join(sha).is_file());
    }
}

#[tokio::test]
async fn orphaned_files_blobs_and_stale_temporary_files_are_removed() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let dir = data_dir(&h);
    let (_item, iv, session) = opened_interview(&h, &staff, kyc(), "ann@example.com").await;
    let (_live_item, live_iv, live_session) = opened_interview(&h, &staff, kyc(), "bob@example.com").await;
    let kept = upload(&h, &session, &[pdf_part(PDF)]).await.json();
    let unused = upload(&h, &session, &[Part::File { filename: "x.png", content_type: "image/png", bytes: PNG }]).await.json();
    let in_progress = upload(&h, &live_session, &[pdf_part(b"%PDF-1.6 still being answered")]).await.json();
    let ok = submit(&h, &session, kyc_answers(&kept, &kept, &kept), "k1").await;
    assert_eq!(ok.status, 200, "{}", ok.text());

    // A blob no record names (a crash between rename and commit), and two temporary files, one stale.
    let stray = sha256_hex(b"stray");
    std::fs::write(dir.join("files").join(&stray), b"stray").expect("stray blob");
    let now = interview_host::clock::Clock::now(h.clock.as_ref());
    let at = |t: Timestamp| std::time::UNIX_EPOCH + std::time::Duration::from_millis(t.0 as u64);
    for (name, modified) in [("up_old.part", at(Timestamp(now.0 - 2 * 3600 * 1000))), ("up_new.part", at(now))] {
        let file = std::fs::File::create(dir.join("files").join("tmp").join(name)).expect("temp");
        file.set_modified(modified).expect("mtime");
    }

    let swept = files::remove_orphans(&h.state.storage, &dir, now, 3600).expect("sweep");
    assert_eq!(swept, Swept { records: 1, blobs: 2, temps: 1 });
    let mut left = blobs(&h);
    left.sort();
    let mut expected = vec![kept["sha256"].as_str().expect("sha").to_owned(), in_progress["sha256"].as_str().expect("sha").to_owned()];
    expected.sort();
    assert_eq!(left, expected);
    assert!(!dir.join("files").join(unused["sha256"].as_str().expect("sha")).exists());
    assert_eq!(listing(&dir.join("files").join("tmp")), ["up_new.part"]);
    assert_eq!(file_count(&h, &iv), 1, "the submitted file stays");
    assert_eq!(file_count(&h, &live_iv), 1, "a live interview keeps its uploads");

    // Nothing more to do the second time; a cancelled interview's uploads go next.
    assert_eq!(files::remove_orphans(&h.state.storage, &dir, now, 3600).expect("sweep"), Swept::default());
    assert_eq!(staff.post(&format!("/api/v1/interviews/{live_iv}/cancel"), json!({})).await.status, 200);
    let swept = files::remove_orphans(&h.state.storage, &dir, now, 3600).expect("sweep");
    assert_eq!(swept, Swept { records: 1, blobs: 1, temps: 0 });
    assert_eq!(blobs(&h), [kept["sha256"].as_str().expect("sha").to_owned()]);
}
