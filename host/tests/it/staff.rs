//! The staff API beyond the interview's life cycle (which `api.rs` drives):
//! API keys and users, documents, initial answers and staff edits, clients,
//! templates, settings, the interview email over SMTP, signed webhooks, and
//! the first admin and user commands of the real binary.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use interview_host::notify::mail::{SmtpConfig, SmtpTls};
use interview_host::notify::testing::{closed_port, FakeHttpServer, FakeSmtp, SmtpBehaviour};
use serde_json::{json, Value};

use super::support::*;

fn matter_template(title: &str) -> Value {
    json!({"format": "interview/1", "title": title, "pages": [{"id": "p", "title": "P", "items": [
        {"type": "text", "id": "full_name", "label": "Full name", "required": true},
        {"type": "number", "id": "age", "label": "Age"},
        {"type": "yes_no", "id": "has_partner", "label": "Partner?"},
        {"type": "date", "id": "born", "label": "Date of birth"}
    ]}]})
}

fn ann() -> Value {
    json!({"title": "Ms", "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "mobile": "+44 7700 900123"})
}

fn id_of(reply: &Reply) -> String {
    reply.json()["id"].as_str().unwrap_or_else(|| panic!("no id in {}", reply.text())).to_owned()
}

/// Asserts the status, and that an error body has the API's shape.
fn expect(reply: &Reply, status: u16) {
    assert_eq!(reply.status, status, "{}", reply.text());
    if status >= 400 {
        assert!(reply.json()["error"]["message"].is_string(), "{}", reply.text());
    }
}

fn error_code(reply: &Reply) -> Value {
    reply.json()["error"]["code"].clone()
}

async fn template(staff: &Staff) -> String {
    let made = staff.post("/api/v1/templates", json!({"name": "Matter", "definition": matter_template("Matter")})).await;
    expect(&made, 201);
    id_of(&made)
}

async fn work_item(staff: &Staff, template_id: &str, initial: Option<Value>) -> String {
    let mut body = json!({"name": "Lee matter", "template_id": template_id});
    if let Some(answers) = initial {
        body["initial_answers"] = answers;
    }
    let made = staff.post("/api/v1/work-items", body).await;
    expect(&made, 201);
    id_of(&made)
}

async fn events(staff: &Staff, item: &str) -> Vec<Value> {
    let audit = staff.get(&format!("/api/v1/work-items/{item}/audit")).await;
    expect(&audit, 200);
    audit.json().as_array().cloned().unwrap_or_default()
}

fn event_names(events: &[Value]) -> Vec<String> {
    events.iter().map(|e| e["event"].as_str().unwrap_or_default().to_owned()).collect()
}

// ------------------------------------------------------------------ API keys and users

#[tokio::test]
async fn an_api_key_works_without_csrf_until_it_is_revoked() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let made = admin.post("/api/v1/api-keys", json!({"name": "Partner CRM"})).await;
    expect(&made, 201);
    let key_id = id_of(&made);
    let key = made.json()["key"].as_str().expect("key").to_owned();
    assert!(key_id.starts_with("key_"));
    assert_eq!(key.len(), 43, "a 256-bit token in base64url");
    assert_eq!(made.json()["role"], "staff", "keys act as staff unless asked otherwise");

    let listed = admin.get("/api/v1/api-keys").await;
    expect(&listed, 200);
    let entry = &listed.json()[0];
    assert_eq!((entry["id"].as_str(), entry["name"].as_str(), entry["revoked"].as_bool()), (Some(key_id.as_str()), Some("Partner CRM"), Some(false)));
    assert!(entry.get("key").is_none() && entry.get("key_hash").is_none(), "{entry}");
    assert!(!listed.text().contains(&key), "the key is shown once");

    // A partner back end: bearer key, no cookie, no CSRF header.
    expect(&h.with_key(&key, "GET", "/api/v1/work-items", None).await, 200);
    expect(&h.with_key(&key, "POST", "/api/v1/clients", Some(ann())).await, 201);
    let tpl = h.with_key(&key, "POST", "/api/v1/templates", Some(json!({"name": "M", "definition": matter_template("M")}))).await;
    expect(&tpl, 201);
    let item = h.with_key(&key, "POST", "/api/v1/work-items", Some(json!({"name": "Via key", "template_id": id_of(&tpl)}))).await;
    expect(&item, 201);
    let audit = events(&admin, &id_of(&item)).await;
    assert_eq!(audit[0]["actor"], json!(format!("api_key:{key_id}")));
    // A staff key cannot do admin things.
    expect(&h.with_key(&key, "GET", "/api/v1/settings", None).await, 403);
    let escalate = h.with_key(&key, "POST", "/api/v1/api-keys", Some(json!({"name": "mine", "role": "admin"}))).await;
    expect(&escalate, 403);
    assert_eq!(error_code(&escalate), "admin_only");
    expect(&h.with_key(&key, "POST", "/api/v1/api-keys", Some(json!({}))).await, 403);

    // Revoked: refused like an unknown key.
    let no_csrf = h.raw("DELETE", &format!("/api/v1/api-keys/{key_id}"), "", &[("cookie", admin.cookie.as_str())]).await;
    expect(&no_csrf, 403);
    expect(&admin.delete(&format!("/api/v1/api-keys/{key_id}")).await, 204);
    let refused = h.with_key(&key, "GET", "/api/v1/work-items", None).await;
    expect(&refused, 401);
    assert_eq!(error_code(&refused), "not_signed_in");
    expect(&h.with_key(&key, "POST", "/api/v1/clients", Some(ann())).await, 401);
    assert_eq!(admin.get("/api/v1/api-keys").await.json()[0]["revoked"], true);
    expect(&admin.delete(&format!("/api/v1/api-keys/{key_id}")).await, 204);
    expect(&admin.delete("/api/v1/api-keys/key_nope").await, 404);
    expect(&h.with_key(&"A".repeat(43), "GET", "/api/v1/work-items", None).await, 401);
}

#[tokio::test]
async fn an_admin_key_may_do_admin_things_and_bad_key_requests_are_4xx() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let made = admin.post("/api/v1/api-keys", json!({"name": "Ops", "role": "admin"})).await;
    expect(&made, 201);
    let key = made.json()["key"].as_str().expect("key").to_owned();
    expect(&h.with_key(&key, "GET", "/api/v1/settings", None).await, 200);
    expect(&h.with_key(&key, "GET", "/api/v1/api-keys", None).await, 200);

    expect(&admin.post("/api/v1/api-keys", json!({"name": "  "})).await, 422);
    expect(&admin.post("/api/v1/api-keys", json!({"name": "x".repeat(201)})).await, 422);
    expect(&admin.post("/api/v1/api-keys", json!({"name": "x", "role": "root"})).await, 400);
    expect(&admin.post("/api/v1/api-keys", json!({})).await, 400);
    expect(&admin.post("/api/v1/api-keys", json!({"name": "x", "key": "chosen"})).await, 400);
    expect(&h.post("/api/v1/api-keys", json!({"name": "x"}), &[]).await, 401);
}

#[tokio::test]
async fn admins_add_staff_users_who_cannot_manage_keys_users_or_settings() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let added = admin.post("/api/v1/users", json!({"email": "Bo@Example.com", "password": "another long password", "role": "staff"})).await;
    expect(&added, 201);
    assert_eq!((added.json()["email"].as_str(), added.json()["role"].as_str()), (Some("bo@example.com"), Some("staff")));
    assert!(!added.text().contains("argon2"), "no hash in the answer");
    let again = admin.post("/api/v1/users", json!({"email": "bo@example.com", "password": "another long password"})).await;
    expect(&again, 409);
    assert_eq!(error_code(&again), "user_exists");
    let weak = admin.post("/api/v1/users", json!({"email": "cy@example.com", "password": "short"})).await;
    expect(&weak, 422);
    assert_eq!(error_code(&weak), "weak_password");
    expect(&admin.post("/api/v1/users", json!({"email": "not an email", "password": "another long password"})).await, 422);
    let users = admin.get("/api/v1/users").await;
    expect(&users, 200);
    assert_eq!(users.json().as_array().map(Vec::len), Some(2));

    let bo = h.sign_in("bo@example.com", "another long password").await;
    expect(&bo.get("/api/v1/work-items").await, 200);
    for reply in [
        bo.post("/api/v1/api-keys", json!({"name": "mine"})).await,
        bo.get("/api/v1/api-keys").await,
        bo.delete("/api/v1/api-keys/key_any").await,
        bo.post("/api/v1/users", json!({"email": "eve@example.com", "password": "another long password", "role": "admin"})).await,
        bo.get("/api/v1/users").await,
        bo.get("/api/v1/settings").await,
        bo.put("/api/v1/settings", json!({"link_lifetime_secs": 60})).await,
    ] {
        expect(&reply, 403);
        assert_eq!(error_code(&reply), "admin_only");
    }
}

// ------------------------------------------------------------------ documents

#[tokio::test]
async fn documents_are_generated_in_each_format_and_downloaded_by_staff_only() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let tpl = template(&admin).await;
    let item = work_item(&admin, &tpl, Some(json!({"full_name": "Ann Lee", "age": 41, "has_partner": true}))).await;
    let cases = [
        ("html", "text/html; charset=utf-8"),
        ("md", "text/markdown; charset=utf-8"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ];
    let mut urls = Vec::new();
    for (format, content_type) in cases {
        let made = admin.post(&format!("/api/v1/work-items/{item}/documents"), json!({"format": format})).await;
        expect(&made, 201);
        let id = id_of(&made);
        let url = made.json()["url"].as_str().expect("url").to_owned();
        assert_eq!(url, format!("/api/v1/documents/{id}"));
        let got = admin.get(&url).await;
        expect(&got, 200);
        assert_eq!(got.header("content-type"), Some(content_type));
        assert_eq!(got.header("content-disposition"), Some(format!("attachment; filename=\"Lee-matter.{format}\"").as_str()));
        if format == "docx" {
            assert!(got.body.starts_with(b"PK"), "a zip container");
        } else {
            assert!(got.text().contains("Ann Lee"), "{}", got.text());
        }
        urls.push(url);
    }
    let listed = admin.get(&format!("/api/v1/work-items/{item}")).await.json();
    let formats: Vec<&str> = listed["documents"].as_array().expect("list").iter().filter_map(|d| d["format"].as_str()).collect();
    assert_eq!(formats, ["html", "md", "docx"]);
    assert_eq!(event_names(&events(&admin, &item).await).iter().filter(|e| *e == "document_generated").count(), 3);

    // No session: 401 for making and for downloading.
    expect(&h.get(&urls[0], &[]).await, 401);
    expect(&h.post(&format!("/api/v1/work-items/{item}/documents"), json!({"format": "html"}), &[]).await, 401);
    let unknown = admin.post(&format!("/api/v1/work-items/{item}/documents"), json!({"format": "pdf"})).await;
    expect(&unknown, 422);
    assert_eq!(error_code(&unknown), "unknown_format");
    expect(&admin.post(&format!("/api/v1/work-items/{item}/documents"), json!({})).await, 400);
    expect(&admin.post("/api/v1/work-items/wi_nope/documents", json!({"format": "html"})).await, 404);
    expect(&admin.get("/api/v1/documents/doc_nope").await, 404);
}

// ------------------------------------------------------------------ answers

const ANSWER_FILE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<AnswerSet title="Matter" version="1.1">
  <Answer name="full_name"><TextValue>Ann Lee</TextValue></Answer>
  <Answer name="age"><NumValue>41</NumValue></Answer>
  <Answer name="has_partner"><TFValue>true</TFValue></Answer>
  <Answer name="born"><DateValue>24/11/1985</DateValue></Answer>
</AnswerSet>"#;

#[tokio::test]
async fn initial_answers_come_as_json_or_as_an_answer_file_and_must_fit_the_template() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let tpl = template(&admin).await;

    let from_json = work_item(&admin, &tpl, Some(json!({"full_name": "Ann Lee", "has_partner": false}))).await;
    let view = admin.get(&format!("/api/v1/work-items/{from_json}")).await.json();
    assert_eq!(view["answers"], json!({"full_name": "Ann Lee", "has_partner": false}));
    assert_eq!(view["status"], "draft");

    let from_xml = work_item(&admin, &tpl, Some(json!(ANSWER_FILE))).await;
    let answers = admin.get(&format!("/api/v1/work-items/{from_xml}")).await.json()["answers"].clone();
    assert_eq!(answers["full_name"], "Ann Lee");
    assert_eq!(answers["age"].as_f64(), Some(41.0));
    assert_eq!(answers["has_partner"], true);
    assert_eq!(answers["born"], "1985-11-24");
    let history = admin.get(&format!("/api/v1/work-items/{from_xml}/history")).await;
    expect(&history, 200);
    assert_eq!(history.json()[0]["source"], "initial");

    let wrong_type = admin.post("/api/v1/work-items", json!({"name": "x", "template_id": tpl, "initial_answers": {"age": "forty"}})).await;
    expect(&wrong_type, 422);
    assert_eq!(error_code(&wrong_type), "invalid_answers");
    assert_eq!(wrong_type.json()["error"]["errors"][0]["path"], "age");
    assert_eq!(wrong_type.json()["error"]["errors"][0]["code"], "wrong_type");
    let unknown = admin.post("/api/v1/work-items", json!({"name": "x", "template_id": tpl, "initial_answers": {"shoe_size": 9}})).await;
    expect(&unknown, 422);
    let bad_xml = ANSWER_FILE.replace("<NumValue>41</NumValue>", "<NumValue>forty</NumValue>");
    let bad_file = admin.post("/api/v1/work-items", json!({"name": "x", "template_id": tpl, "initial_answers": bad_xml})).await;
    expect(&bad_file, 422);
    assert_eq!(error_code(&bad_file), "invalid_answers");
    expect(&admin.post("/api/v1/work-items", json!({"name": "x", "template_id": tpl, "initial_answers": "<not xml"})).await, 422);
    expect(&admin.post("/api/v1/work-items", json!({"name": "x", "template_id": tpl, "initial_answers": [1, 2]})).await, 422);
    // Refused work items were not made.
    assert_eq!(admin.get("/api/v1/work-items").await.json().as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn staff_answer_edits_are_audited_and_kept_in_the_history() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let tpl = template(&admin).await;
    let item = work_item(&admin, &tpl, Some(json!({"full_name": "Ann"}))).await;

    let edited = admin.put(&format!("/api/v1/work-items/{item}/answers"), json!({"full_name": "Ann Lee", "has_partner": true})).await;
    expect(&edited, 200);
    assert_eq!(edited.json()["answers"], json!({"full_name": "Ann Lee", "has_partner": true}));
    let rejected = admin.put(&format!("/api/v1/work-items/{item}/answers"), json!({"has_partner": "yes"})).await;
    expect(&rejected, 422);
    expect(&admin.put("/api/v1/work-items/wi_nope/answers", json!({})).await, 404);
    let from_file = admin.put(&format!("/api/v1/work-items/{item}/answers"), json!(ANSWER_FILE)).await;
    expect(&from_file, 200);
    assert_eq!(from_file.json()["answers"]["born"], "1985-11-24");

    let view = admin.get(&format!("/api/v1/work-items/{item}")).await.json();
    assert_eq!(view["answers"]["age"].as_f64(), Some(41.0), "the refused edit changed nothing");
    let history = admin.get(&format!("/api/v1/work-items/{item}/history")).await.json();
    let sources: Vec<&str> = history.as_array().expect("list").iter().filter_map(|r| r["source"].as_str()).collect();
    assert_eq!(sources, ["initial", "staff_edit", "staff_edit"]);
    assert_eq!(history[0]["answers"], json!({"full_name": "Ann"}), "the old answers are kept");
    assert_eq!(history[1]["answers"], json!({"full_name": "Ann Lee", "has_partner": true}));
    assert!(history[1]["actor"].as_str().is_some_and(|a| a.starts_with("usr_")), "{history}");

    let audit = events(&admin, &item).await;
    // The log is newest first; the first edit comes last.
    let edits: Vec<&Value> = audit.iter().rev().filter(|e| e["event"] == "answers_edited").collect();
    assert_eq!(edits.len(), 2, "one event per accepted edit");
    let changed = edits[0]["detail"]["changed"].as_array().expect("changed");
    assert!(changed.contains(&json!("full_name")) && changed.contains(&json!("has_partner")), "{changed:?}");
    assert!(edits[0]["actor"].as_str().is_some_and(|a| a.starts_with("usr_")));
    expect(&h.get(&format!("/api/v1/work-items/{item}/history"), &[]).await, 401);
    expect(&admin.get("/api/v1/work-items/wi_nope/history").await, 404);
}

// ------------------------------------------------------------------ clients and templates

#[tokio::test]
async fn clients_are_searched_and_edited() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let ann_id = id_of(&admin.post("/api/v1/clients", ann()).await);
    h.clock.advance_secs(1);
    let bo = admin.post("/api/v1/clients", json!({"title": "Mr", "first_name": "Bo", "last_name": "Ng", "email": "bo@example.com"})).await;
    expect(&bo, 201);

    let names = |reply: Reply| -> Vec<String> {
        reply.json().as_array().cloned().unwrap_or_default().iter().filter_map(|c| c["last_name"].as_str().map(str::to_owned)).collect()
    };
    assert_eq!(names(admin.get("/api/v1/clients").await), ["Ng", "Lee"], "newest first");
    assert_eq!(names(admin.get("/api/v1/clients?q=lee").await), ["Lee"]);
    assert_eq!(names(admin.get("/api/v1/clients?q=ann%20lee").await), ["Lee"], "first and last name together");
    assert_eq!(names(admin.get("/api/v1/clients?q=BO%40EXAMPLE").await), ["Ng"], "email, any case");
    assert!(names(admin.get("/api/v1/clients?q=zed").await).is_empty());

    let patched = admin.patch(&format!("/api/v1/clients/{ann_id}"), json!({"last_name": "Lee-Smith", "mobile": "07700 900456", "region": "gb"})).await;
    expect(&patched, 200);
    let c = patched.json();
    assert_eq!((c["last_name"].as_str(), c["mobile"].as_str(), c["region"].as_str()), (Some("Lee-Smith"), Some("+447700900456"), Some("GB")));
    assert_eq!(c["first_name"], "Ann", "fields not sent stay");
    assert_eq!(admin.get(&format!("/api/v1/clients/{ann_id}")).await.json()["last_name"], "Lee-Smith");

    for (body, status) in [
        (json!({"email": "not an email"}), 422),
        (json!({"first_name": " "}), 422),
        (json!({"region": "XX"}), 422),
        (json!({"mobile": "call me"}), 422),
        (json!({"nickname": "Annie"}), 400),
    ] {
        expect(&admin.patch(&format!("/api/v1/clients/{ann_id}"), body).await, status);
    }
    expect(&admin.patch("/api/v1/clients/cli_nope", json!({"first_name": "X"})).await, 404);
    expect(&admin.get("/api/v1/clients/cli_nope").await, 404);
    assert_eq!(admin.get(&format!("/api/v1/clients/{ann_id}")).await.json()["email"], "ann@example.com", "refused edits changed nothing");
}

#[tokio::test]
async fn templates_are_listed_and_read_with_their_live_version() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let first = template(&admin).await;
    let second = admin.post("/api/v1/templates", json!({"name": "Other", "definition": matter_template("Other")})).await;
    expect(&second, 201);
    assert_eq!(second.json()["version"], 1);

    let list = admin.get("/api/v1/templates").await;
    expect(&list, 200);
    let list = list.json();
    assert_eq!(list.as_array().map(Vec::len), Some(2));
    let entry = list.as_array().and_then(|l| l.iter().find(|t| t["id"] == json!(first))).expect("listed");
    assert_eq!((entry["name"].as_str(), entry["live_version"].as_u64()), (Some("Matter"), Some(1)));
    assert_eq!(entry["versions"][0]["title"], "Matter");

    let one = admin.get(&format!("/api/v1/templates/{first}")).await;
    expect(&one, 200);
    assert_eq!(one.json()["definition"]["title"], "Matter");

    let v2 = admin.post(&format!("/api/v1/templates/{first}/versions"), json!({"definition": matter_template("Matter v2")})).await;
    expect(&v2, 201);
    assert_eq!(v2.json()["version"], 2);
    assert_eq!(admin.get(&format!("/api/v1/templates/{first}")).await.json()["definition"]["title"], "Matter", "not live yet");
    expect(&admin.post(&format!("/api/v1/templates/{first}/publish"), json!({"version": 2})).await, 200);
    let one = admin.get(&format!("/api/v1/templates/{first}")).await.json();
    assert_eq!((one["live_version"].as_u64(), one["definition"]["title"].as_str()), (Some(2), Some("Matter v2")));
    assert_eq!(one["versions"].as_array().map(Vec::len), Some(2));

    expect(&admin.get("/api/v1/templates/tpl_nope").await, 404);
    expect(&admin.post(&format!("/api/v1/templates/{first}/publish"), json!({"version": 9})).await, 422);
    expect(&admin.post("/api/v1/templates/tpl_nope/versions", json!({"definition": matter_template("x")})).await, 404);
    expect(&admin.post("/api/v1/templates", json!({"name": "", "definition": matter_template("x")})).await, 422);
}

// ------------------------------------------------------------------ settings

#[tokio::test]
async fn settings_change_only_the_keys_sent_and_refuse_bad_ones() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let before = admin.get("/api/v1/settings").await;
    expect(&before, 200);
    let before = before.json();
    assert_eq!(before["link_lifetime_secs"], 96 * 3600);
    assert_eq!(before["auth_methods"], json!(["none", "passphrase", "sms"]));

    let changed = admin.put("/api/v1/settings", json!({"link_lifetime_secs": 3600, "auth_methods": ["none"]})).await;
    expect(&changed, 200);
    let after = admin.get("/api/v1/settings").await.json();
    let mut expected = before.clone();
    expected["link_lifetime_secs"] = json!(3600);
    expected["auth_methods"] = json!(["none"]);
    assert_eq!(after, expected, "only the keys sent changed");
    assert_eq!(changed.json(), after);

    let cases = [
        (json!({"nope": 1}), 400, "unknown_setting"),
        (json!([1]), 400, "invalid_body"),
        (json!({"link_lifetime_secs": 5}), 422, "invalid_setting"),
        (json!({"link_lifetime_secs": "long"}), 422, "invalid_setting"),
        (json!({"link_lifetime_secs": -1}), 422, "invalid_setting"),
        (json!({"auth_methods": []}), 422, "invalid_setting"),
        (json!({"auth_methods": ["carrier_pigeon"]}), 422, "invalid_setting"),
        (json!({"staff_session_secs": 0}), 422, "invalid_setting"),
        (json!({"client_session_secs": 0}), 422, "invalid_setting"),
        (json!({"public_base_url": "ftp://example.com"}), 422, "invalid_setting"),
        (json!({"embed_origins": ["partner.example"]}), 422, "invalid_setting"),
        (json!({"email_body": "No link here."}), 422, "invalid_setting"),
        (json!({"webhooks": [{"url": "https://hooks.example/h"}]}), 422, "invalid_setting"),
        (json!({"webhooks": [{"url": "not a url", "secret": "0123456789abcdef"}]}), 422, "invalid_setting"),
        (json!({"webhooks": [{"url": "https://hooks.example/h", "secret": "short"}]}), 422, "invalid_setting"),
        (json!({"link_lifetime_secs": 7200, "max_failed_attempts": 0}), 422, "invalid_setting"),
    ];
    for (body, status, code) in cases {
        let reply = admin.put("/api/v1/settings", body.clone()).await;
        expect(&reply, status);
        assert_eq!(error_code(&reply), json!(code), "{body}");
    }
    assert_eq!(admin.get("/api/v1/settings").await.json(), after, "refused changes changed nothing, not even in part");
}

// ------------------------------------------------------------------ the interview email

async fn send_with_email(h: &Host) -> (Staff, String, Reply) {
    let admin = h.admin().await;
    let tpl = template(&admin).await;
    let item = work_item(&admin, &tpl, None).await;
    let sent = admin.post(&format!("/api/v1/work-items/{item}/interviews"), json!({"client": ann(), "send_email": true})).await;
    expect(&sent, 201);
    (admin, item, sent)
}

fn smtp_config(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".to_owned(),
        port,
        username: None,
        password: None,
        from: "Intake <intake@example.com>".to_owned(),
        tls: SmtpTls::None,
    }
}

#[tokio::test]
async fn with_smtp_configured_the_interview_email_is_sent() {
    let smtp = FakeSmtp::start(SmtpBehaviour::default()).await.expect("smtp");
    let h = Host::start_with(|config| config.smtp = Some(smtp_config(smtp.port()))).await;
    let (admin, item, sent) = send_with_email(&h).await;
    let body = sent.json();
    assert_eq!(body["email"]["status"], "sent", "{body}");
    let link = body["link"].as_str().expect("link");

    let mails = smtp.mails();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.rcpt_to, ["ann@example.com"]);
    assert_eq!(mail.mail_from, "intake@example.com");
    assert!(smtp.commands().iter().any(|c| c.eq_ignore_ascii_case("RCPT TO:<ann@example.com>")), "{:?}", smtp.commands());
    assert_eq!(mail.header("Subject").as_deref(), body["email"]["subject"].as_str());
    assert_eq!(mail.header("Subject").as_deref(), Some("Information needed: Lee matter"));
    assert!(mail.body_text().contains(link), "{}", mail.body_text());
    assert!(mail.body_text().contains("Dear Ms Lee"));
    assert!(event_names(&events(&admin, &item).await).contains(&"email_sent".to_owned()));
}

#[tokio::test]
async fn without_smtp_send_email_still_sends_the_interview_and_says_so() {
    let h = Host::start().await;
    let (admin, item, sent) = send_with_email(&h).await;
    let email = &sent.json()["email"];
    assert_eq!(email["status"], "not_configured", "{email}");
    assert!(email["error"].as_str().is_some_and(|e| e.contains("SMTP")));
    assert_eq!(email["to"], "ann@example.com");
    assert!(email["mailto"].as_str().is_some_and(|m| m.starts_with("mailto:ann@example.com?subject=Information%20needed")));
    let link = sent.json()["link"].as_str().expect("link").to_owned();
    assert!(email["body"].as_str().is_some_and(|b| b.contains(&link)));
    let names = event_names(&events(&admin, &item).await);
    assert!(names.contains(&"interview_sent".to_owned()) && !names.iter().any(|n| n.starts_with("email_")), "{names:?}");
    // The link works.
    let token = link.split_once("/i/#").expect("fragment").1;
    expect(&h.post("/api/v1/client/open", json!({"token": token}), &[]).await, 200);
}

#[tokio::test]
async fn an_unreachable_mail_server_is_reported_not_a_5xx() {
    let port = closed_port().await.expect("port");
    let h = Host::start_with(|config| config.smtp = Some(smtp_config(port))).await;
    let (admin, item, sent) = send_with_email(&h).await;
    assert_eq!(sent.json()["email"]["status"], "failed");
    assert!(sent.json()["email"]["mailto"].is_string(), "staff can still send it themselves");
    assert!(!sent.text().contains(&port.to_string()), "no server details for the browser");
    assert!(event_names(&events(&admin, &item).await).contains(&"email_failed".to_owned()));
}

// ------------------------------------------------------------------ webhooks

#[tokio::test]
async fn a_submission_is_delivered_to_the_webhook_signed() {
    const SECRET: &str = "whsec_0123456789abcdef";
    let receiver = FakeHttpServer::webhook_receiver().await.expect("receiver");
    let h = Host::start().await;
    let admin = h.admin().await;
    let hook_url = format!("{}/partner/hook", receiver.url());
    let put = admin.put("/api/v1/settings", json!({"webhooks": [{"url": hook_url, "secret": SECRET}]})).await;
    expect(&put, 200);
    assert_eq!(put.json()["webhooks"], json!([{"url": hook_url, "secret": "[redacted]"}]));
    let shown = admin.get("/api/v1/settings").await;
    assert!(!shown.text().contains(SECRET), "secrets are write-only");
    // Saving the settings as read keeps the secret (the placeholder is not a new secret).
    expect(&admin.put("/api/v1/settings", shown.json()).await, 200);

    let tpl = template(&admin).await;
    let item = work_item(&admin, &tpl, None).await;
    let sent = admin.post(&format!("/api/v1/work-items/{item}/interviews"), json!({"client": ann()})).await;
    expect(&sent, 201);
    let token = sent.json()["link"].as_str().and_then(|l| l.split_once("/i/#")).map(|(_, t)| t.to_owned()).expect("token");
    let opened = h.post("/api/v1/client/open", json!({"token": token}), &[]).await;
    let session = opened.json()["session"].as_str().expect("session").to_owned();
    let submitted = h
        .post(
            "/api/v1/client/submit",
            json!({"answers": {"s1": {"full_name": "Ann Lee"}}}),
            &[("authorization", format!("Bearer {session}")), ("idempotency-key", "once".to_owned())],
        )
        .await;
    expect(&submitted, 200);
    assert!(receiver.requests().is_empty(), "delivered by the background task, not in the request");

    let client = interview_host::notify::http_client(Duration::from_secs(5)).expect("client");
    interview_host::background::deliver_due(&h.state, &client).await;
    let requests = receiver.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/partner/hook"));
    let now_secs = interview_host::clock::Clock::now(h.clock.as_ref()).0 / 1000;
    let signature = request.header(interview_host::notify::webhook::SIGNATURE_HEADER).expect("signed");
    assert!(interview_host::notify::webhook::verify(SECRET.as_bytes(), signature, &request.body, now_secs, 300), "{signature}");
    assert!(!interview_host::notify::webhook::verify(b"[redacted]", signature, &request.body, now_secs, 300));
    let event = request.json().expect("json");
    assert_eq!(event["event"], "interview.submitted");
    assert_eq!(event["data"]["work_item"], json!(item));
    assert_eq!(event["data"]["receipt"], submitted.json()["receipt"]);

    // Delivered once: the next round has nothing due.
    interview_host::background::deliver_due(&h.state, &client).await;
    assert_eq!(receiver.requests().len(), 1);
}

// ------------------------------------------------------------------ the binary: first admin, users

/// The real `interview serve` on a free port, its stdout read line by line.
struct Served {
    child: Child,
    lines: mpsc::Receiver<String>,
    addr: SocketAddr,
    printed: Vec<String>,
}

fn interview_command(data: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_interview"));
    for name in [
        "INTERVIEW_ADMIN_EMAIL",
        "INTERVIEW_ADMIN_PASSWORD",
        "INTERVIEW_ADMIN_EMAIL_FILE",
        "INTERVIEW_ADMIN_PASSWORD_FILE",
        "INTERVIEW_NEW_PASSWORD",
        "INTERVIEW_CONFIG",
        "INTERVIEW_LISTEN",
        "INTERVIEW_PUBLIC_URL",
    ] {
        command.env_remove(name);
    }
    command.env("INTERVIEW_DATA_DIR", data.join("data")).env("INTERVIEW_BUNDLE_DIR", data.join("dist"));
    command
}

impl Served {
    fn start(data: &std::path::Path, env: &[(&str, &str)]) -> Served {
        let mut command = interview_command(data);
        command.args(["serve", "--listen", "127.0.0.1:0"]).envs(env.iter().copied()).stdout(Stdio::piped()).stderr(Stdio::null());
        let mut child = command.spawn().expect("spawn interview serve");
        let stdout = child.stdout.take().expect("stdout");
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut printed = Vec::new();
        let addr = loop {
            let line = lines.recv_timeout(Duration::from_secs(60)).unwrap_or_else(|_| panic!("no `Open` line; printed {printed:?}"));
            printed.push(line.clone());
            if let Some(rest) = line.strip_prefix("Open http://") {
                break rest.split('/').next().unwrap_or_default().parse().expect("address");
            }
        };
        Served { child, lines, addr, printed }
    }

    /// Stops the host as an operator would (SIGTERM) and waits for it to say so.
    async fn stop(mut self) {
        // One answered request first: the signal handlers are installed when serving starts,
        // a moment after the `Open` line.
        expect(&request(self.addr, "GET", "/healthz", b"", &[]).await, 200);
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        for _ in 0..100 {
            if let Ok(Some(status)) = self.child.try_wait() {
                assert!(status.success(), "{status}");
                // The reader thread ends at end of file, after the last line.
                let rest: Vec<String> = std::iter::from_fn(|| self.lines.recv_timeout(Duration::from_secs(10)).ok()).collect();
                assert!(rest.iter().any(|l| l == "Stopped."), "{rest:?}");
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        panic!("the host did not stop on SIGTERM");
    }

    async fn sign_in(&self, email: &str, password: &str) -> Reply {
        let body = json!({"email": email, "password": password}).to_string();
        request(self.addr, "POST", "/api/v1/staff/session", body.as_bytes(), &[("content-type".into(), "application/json".into())]).await
    }
}

fn run(data: &std::path::Path, args: &[&str], new_password: &str) -> std::process::Output {
    interview_command(data).args(args).env("INTERVIEW_NEW_PASSWORD", new_password).output().expect("run interview")
}

#[tokio::test]
async fn the_first_start_prints_an_admin_whose_password_signs_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    let served = Served::start(dir.path(), &[]);
    let line = served.printed.iter().find(|l| l.starts_with("Created the first admin.")).expect("admin line");
    let password = line.rsplit(' ').next().expect("password").to_owned();
    assert!(line.contains("Sign in as admin@localhost with the password"), "{line}");
    assert_eq!(password.len(), 43);
    expect(&served.sign_in("admin@localhost", &password).await, 200);
    expect(&served.sign_in("admin@localhost", "not the password").await, 401);
    served.stop().await;

    // Users exist now: nothing printed about an admin the second time.
    let again = Served::start(dir.path(), &[]);
    assert!(!again.printed.iter().any(|l| l.contains("first admin")), "{:?}", again.printed);
    expect(&again.sign_in("admin@localhost", &password).await, 200);
    again.stop().await;
}

#[tokio::test]
async fn the_first_admin_can_come_from_the_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let served = Served::start(dir.path(), &[("INTERVIEW_ADMIN_EMAIL", "Boss@Example.com"), ("INTERVIEW_ADMIN_PASSWORD", "a long enough password")]);
    assert!(served.printed.iter().any(|l| l == "Created the first admin boss@example.com from the environment."), "{:?}", served.printed);
    assert!(!served.printed.iter().any(|l| l.contains("a long enough password")), "the password is not printed");
    expect(&served.sign_in("boss@example.com", "a long enough password").await, 200);
    served.stop().await;

    let half = tempfile::tempdir().expect("tempdir");
    let output = interview_command(half.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("INTERVIEW_ADMIN_EMAIL", "boss@example.com")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2), "only one of the two is an error");
    assert!(String::from_utf8_lossy(&output.stderr).contains("INTERVIEW_ADMIN_PASSWORD"));
}

#[tokio::test]
async fn add_user_and_reset_password_work_on_a_stopped_host() {
    let dir = tempfile::tempdir().expect("tempdir");
    Served::start(dir.path(), &[]).stop().await;

    let added = run(dir.path(), &["add-user", "--email", "bo@example.com", "--role", "staff"], "bo's long password");
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    assert!(String::from_utf8_lossy(&added.stdout).contains("Added bo@example.com"));
    let twice = run(dir.path(), &["add-user", "--email", "bo@example.com"], "bo's long password");
    assert_eq!(twice.status.code(), Some(2));
    let weak = run(dir.path(), &["add-user", "--email", "cy@example.com"], "short");
    assert_eq!(weak.status.code(), Some(2));
    let bad_role = run(dir.path(), &["add-user", "--email", "cy@example.com", "--role", "root"], "a long enough password");
    assert_eq!(bad_role.status.code(), Some(2));
    let reset = run(dir.path(), &["reset-password", "--email", "admin@localhost"], "the admin's new password");
    assert!(reset.status.success(), "{}", String::from_utf8_lossy(&reset.stderr));
    let nobody = run(dir.path(), &["reset-password", "--email", "nobody@example.com"], "a long enough password");
    assert_eq!(nobody.status.code(), Some(2));

    let served = Served::start(dir.path(), &[]);
    expect(&served.sign_in("admin@localhost", "the admin's new password").await, 200);
    let bo = served.sign_in("bo@example.com", "bo's long password").await;
    expect(&bo, 200);
    assert_eq!(bo.json()["user"]["role"], "staff");
    served.stop().await;
}
