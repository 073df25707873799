//! What the dashboard's "Client interview" wizard and clients screens need
//! from the host: the interview options staff may read, the edited email
//! sent over SMTP, a follow-up that starts from the latest answers, the work
//! items of one client, and the client routes in their own module.

use interview_host::notify::mail::{SmtpConfig, SmtpTls};
use interview_host::notify::testing::{FakeSmtp, SmtpBehaviour};
use serde_json::{json, Value};

use super::support::*;

fn small_template(title: &str) -> Value {
    json!({"format": "interview/1", "title": title, "pages": [{"id": "p", "title": "P", "items": [
        {"type": "text", "id": "full_name", "label": "Full name", "required": true},
        {"type": "number", "id": "age", "label": "Age"}
    ]}]})
}

fn ann() -> Value {
    json!({"title": "Ms", "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com"})
}

fn id_of(reply: &Reply) -> String {
    reply.json()["id"].as_str().unwrap_or_else(|| panic!("no id in {}", reply.text())).to_owned()
}

fn expect(reply: &Reply, status: u16) {
    assert_eq!(reply.status, status, "{}", reply.text());
}

fn code(reply: &Reply) -> Value {
    reply.json()["error"]["code"].clone()
}

async fn template(staff: &Staff, name: &str) -> String {
    let made = staff.post("/api/v1/templates", json!({"name": name, "definition": small_template(name)})).await;
    expect(&made, 201);
    id_of(&made)
}

async fn work_item(staff: &Staff, template_id: &str, name: &str) -> String {
    let made = staff.post("/api/v1/work-items", json!({"name": name, "template_id": template_id})).await;
    expect(&made, 201);
    id_of(&made)
}

fn token_of(sent: &Reply) -> String {
    sent.json()["link"].as_str().expect("link").split_once("/i/#").expect("fragment").1.to_owned()
}

async fn audit_events(staff: &Staff, item: &str) -> Vec<Value> {
    staff.get(&format!("/api/v1/work-items/{item}/audit")).await.json().as_array().cloned().unwrap_or_default()
}

fn smtp_config(port: u16) -> SmtpConfig {
    SmtpConfig { host: "127.0.0.1".to_owned(), port, username: None, password: None, from: "Intake <intake@example.com>".to_owned(), tls: SmtpTls::None }
}

#[tokio::test]
async fn staff_who_are_not_admins_read_the_interview_options_the_settings_allow() {
    let h = Host::start().await;
    let admin = h.admin().await;
    expect(&admin.post("/api/v1/users", json!({"email": "bo@example.com", "password": "another long password", "role": "staff"})).await, 201);
    let bo = h.sign_in("bo@example.com", "another long password").await;
    assert_eq!(bo.get("/api/v1/settings").await.status, 403, "the settings stay admin-only");

    let options = bo.get("/api/v1/interview-options").await;
    expect(&options, 200);
    let read: interview_api::InterviewOptions = serde_json::from_value(options.json()).expect("the shared shape");
    assert_eq!(read.auth_methods.len(), 3);
    assert_eq!(read.default_locale, "en");
    assert_eq!(read.locales, ["en", "fr", "de"]);
    assert!(!read.smtp_configured);
    assert_eq!(read.link_lifetime_secs, 96 * 3600);

    expect(&admin.put("/api/v1/settings", json!({"auth_methods": ["passphrase"], "link_lifetime_secs": 7200})).await, 200);
    let read = bo.get("/api/v1/interview-options").await.json();
    assert_eq!(read["auth_methods"], json!(["passphrase"]));
    assert_eq!(read["link_lifetime_secs"], 7200);
    assert_eq!(h.get("/api/v1/interview-options", &[]).await.status, 401, "signed-in staff only");

    let smtp = FakeSmtp::start(SmtpBehaviour::default()).await.expect("smtp");
    let with_smtp = Host::start_with(|config| config.smtp = Some(smtp_config(smtp.port()))).await;
    assert_eq!(with_smtp.admin().await.get("/api/v1/interview-options").await.json()["smtp_configured"], true);
}

#[tokio::test]
async fn the_email_as_staff_edited_it_goes_to_the_client_only_with_the_link_in_it() {
    let smtp = FakeSmtp::start(SmtpBehaviour::default()).await.expect("smtp");
    let h = Host::start_with(|config| config.smtp = Some(smtp_config(smtp.port()))).await;
    let admin = h.admin().await;
    let tpl = template(&admin, "Matter").await;
    let item = work_item(&admin, &tpl, "Lee matter").await;
    let sent = admin.post(&format!("/api/v1/work-items/{item}/interviews"), json!({"client": ann()})).await;
    expect(&sent, 201);
    let answer: interview_api::SentInterview = serde_json::from_value(sent.json()).expect("the shared shape");
    assert_eq!(answer.email.status, interview_api::EmailStatus::NotSent);
    assert!(smtp.mails().is_empty(), "nothing sent until asked");
    let path = format!("/api/v1/interviews/{}/email", answer.id);

    // The body must still carry this interview's link.
    let without = admin.post(&path, json!({"subject": "Hello", "body": "Please call us."})).await;
    expect(&without, 422);
    assert_eq!(code(&without), "link_missing");
    let (other, _) = interview_host::auth::token::new_token();
    let forged = admin.post(&path, json!({"subject": "Hello", "body": format!("Open http://127.0.0.1:8080/i/#{other}")})).await;
    assert_eq!(code(&forged), "link_missing", "a link of no interview is refused");
    let two_lines = admin.post(&path, json!({"subject": "Hello\r\nBcc: x@example.com", "body": answer.email.body})).await;
    assert_eq!(code(&two_lines), "invalid_email");
    assert!(smtp.mails().is_empty());

    let edited = format!("Dear Ann,\n\nHere is your form: {}\n\nCall me on 01234 567890.", answer.link);
    let emailed = admin.post(&path, json!({"subject": "Your form, Ann", "body": edited})).await;
    expect(&emailed, 200);
    assert_eq!(emailed.json(), json!({"to": "ann@example.com", "status": "sent"}));
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].rcpt_to, ["ann@example.com"], "always the interview's client");
    assert_eq!(mails[0].header("Subject").as_deref(), Some("Your form, Ann"));
    assert!(mails[0].body_text().contains("Call me on 01234 567890"), "{}", mails[0].body_text());
    let events = audit_events(&admin, &item).await;
    let email_event = events.iter().find(|e| e["event"] == "email_sent").expect("audited");
    assert_eq!(email_event["detail"], json!({"interview": answer.id, "edited": true}));
    assert!(!serde_json::to_string(&events).expect("json").contains(&token_of(&sent)), "the token stays out of the audit log");

    // Once cancelled, its link would not work: no email.
    expect(&admin.post(&format!("/api/v1/interviews/{}/cancel", answer.id), json!({})).await, 200);
    let late = admin.post(&path, json!({"subject": "Again", "body": format!("{}", answer.link)})).await;
    expect(&late, 409);
    assert_eq!(code(&late), "not_outstanding");
    expect(&admin.post("/api/v1/interviews/iv_nope/email", json!({"subject": "x", "body": "y"})).await, 404);
}

#[tokio::test]
async fn without_smtp_the_edited_email_is_refused_with_the_reason() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let tpl = template(&admin, "Matter").await;
    let item = work_item(&admin, &tpl, "Lee matter").await;
    let sent = admin.post(&format!("/api/v1/work-items/{item}/interviews"), json!({"client": ann()})).await;
    expect(&sent, 201);
    let body = sent.json()["email"]["body"].as_str().expect("body").to_owned();
    let reply = admin.post(&format!("/api/v1/interviews/{}/email", id_of(&sent)), json!({"subject": "Hi", "body": body})).await;
    expect(&reply, 422);
    assert_eq!(code(&reply), "smtp_not_configured");
}

#[tokio::test]
async fn a_follow_up_starts_from_the_latest_answers_of_the_work_items_template() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let tpl = template(&admin, "Matter").await;
    let extra = template(&admin, "Extra").await;
    let item = work_item(&admin, &tpl, "Lee matter").await;
    let first = admin.post(&format!("/api/v1/work-items/{item}/interviews"), json!({"client": ann()})).await;
    expect(&first, 201);
    let opened = h.post("/api/v1/client/open", json!({"token": token_of(&first)}), &[]).await;
    let auth = [("authorization", format!("Bearer {}", opened.json()["session"].as_str().expect("session")))];
    let fresh = h.get("/api/v1/client/interview", &auth).await.json();
    assert_eq!(fresh["answers"], json!({}), "a first interview with no answers starts empty");
    let submitted = h
        .post("/api/v1/client/submit", json!({"answers": {"s1": {"full_name": "Ann Lee", "age": 41}}}), &[auth[0].clone(), ("idempotency-key", "k1".to_owned())])
        .await;
    expect(&submitted, 200);

    let client_id = admin.get(&format!("/api/v1/work-items/{item}")).await.json()["client"]["id"].as_str().expect("client").to_owned();
    h.clock.advance_secs(60);
    let follow_up = admin
        .post(&format!("/api/v1/work-items/{item}/interviews"), json!({"client_id": client_id, "sections": [tpl, extra]}))
        .await;
    expect(&follow_up, 201);
    let opened = h.post("/api/v1/client/open", json!({"token": token_of(&follow_up)}), &[]).await;
    let auth = [("authorization", format!("Bearer {}", opened.json()["session"].as_str().expect("session")))];
    let view = h.get("/api/v1/client/interview", &auth).await.json();
    assert_eq!(view["answers"]["s1"], json!({"full_name": "Ann Lee", "age": 41}), "{view}");
    assert!(view["answers"].get("s2").is_none(), "another template's section starts empty: {view}");
    assert!(view["saved_at"].is_string(), "offered as saved progress");
}

#[tokio::test]
async fn the_work_items_of_one_client_page_full_and_in_order() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let tpl = template(&admin, "Matter").await;
    let ann_id = id_of(&admin.post("/api/v1/clients", ann()).await);
    let bo_id = id_of(&admin.post("/api/v1/clients", json!({"title": "Mr", "first_name": "Bo", "last_name": "Ng", "email": "bo@example.com"})).await);
    let mut anns = Vec::new();
    for n in 0..7 {
        for (client, who) in [(&ann_id, "ann"), (&bo_id, "bo"), (&bo_id, "bo")] {
            h.clock.advance_secs(1);
            let item = work_item(&admin, &tpl, &format!("{who} {n}")).await;
            let sent = admin.post(&format!("/api/v1/work-items/{item}/interviews"), json!({"client_id": client})).await;
            expect(&sent, 201);
            if who == "ann" {
                anns.push(item);
            }
        }
    }
    // An item with no client never matches.
    work_item(&admin, &tpl, "nobody's").await;
    anns.reverse();

    let mut seen = Vec::new();
    let mut path = format!("/api/v1/work-items?client_id={ann_id}&limit=3");
    let mut pages = 0;
    loop {
        let page = admin.get(&path).await;
        expect(&page, 200);
        let rows = page.json().as_array().cloned().unwrap_or_default();
        assert!(rows.iter().all(|r| r["client_id"] == ann_id.as_str() && r["client_name"] == "Ann Lee"), "{rows:?}");
        pages += 1;
        seen.extend(rows.iter().map(|r| r["id"].as_str().unwrap_or_default().to_owned()));
        match page.header("link") {
            Some(link) => {
                assert_eq!(rows.len(), 3, "a page is full while more match");
                assert!(link.contains(&format!("client_id={ann_id}")), "the next page keeps the filter: {link}");
                path = link.trim_start_matches('<').split('>').next().expect("target").to_owned();
            }
            None => break,
        }
    }
    assert_eq!(seen, anns, "each of Ann's items once, newest first");
    assert_eq!(pages, 3);
    let none = admin.get("/api/v1/work-items?client_id=cli_nobody").await;
    expect(&none, 200);
    assert_eq!(none.json(), json!([]));
}

#[tokio::test]
async fn a_refused_client_edit_names_the_field() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let id = id_of(&admin.post("/api/v1/clients", ann()).await);
    for (body, field) in [
        (json!({"email": "not an email"}), "email"),
        (json!({"first_name": ""}), "first_name"),
        (json!({"mobile": "call me", "region": "GB"}), "mobile"),
        (json!({"region": "XX"}), "region"),
    ] {
        let refused = admin.patch(&format!("/api/v1/clients/{id}"), body).await;
        expect(&refused, 422);
        assert_eq!(code(&refused), "invalid_client");
        assert_eq!(refused.json()["error"]["errors"], json!([{"field": field}]));
    }
    let made = admin.patch(&format!("/api/v1/clients/{id}"), json!({"mobile": "07700 900456", "region": "GB"})).await;
    expect(&made, 200);
    let view: interview_api::ClientView = serde_json::from_value(made.json()).expect("the shared shape");
    assert_eq!(view.mobile.as_deref(), Some("+447700900456"));
}
