//! The HTTP API as partners and the interview page drive it: every rule of
//! the design, over real TCP, with time moved by a manual clock.

use serde_json::{json, Value};

use super::support::*;

const HOUR: u64 = 3600;

fn intake() -> Value {
    serde_json::from_str(include_str!("../../../examples/templates/intake.json")).expect("json")
}

fn small_template(title: &str) -> Value {
    json!({"format": "interview/1", "title": title, "pages": [{"id": "p", "title": "P", "items": [
        {"type": "text", "id": "full_name", "label": "Full name", "required": true},
        {"type": "yes_no", "id": "has_partner", "label": "Partner?"},
        {"type": "text", "id": "partner_name", "label": "Partner's name", "visible_if": "has_partner", "required": true}
    ]}]})
}

fn new_client() -> Value {
    json!({"title": "Ms", "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "mobile": "+44 7700 900123"})
}

/// Staff signed in, a template and a work item, an interview sent: the link token.
async fn sent_interview(h: &Host, auth: Value) -> (Staff, String, String, String) {
    let staff = h.admin().await;
    let template = staff.post("/api/v1/templates", json!({"name": "Small", "definition": small_template("Small")})).await;
    assert_eq!(template.status, 201, "{}", template.text());
    let template_id = template.json()["id"].as_str().expect("id").to_owned();
    let item = staff.post("/api/v1/work-items", json!({"name": "Lee matter", "template_id": template_id})).await;
    assert_eq!(item.status, 201, "{}", item.text());
    let item_id = item.json()["id"].as_str().expect("id").to_owned();
    let sent = staff.post(&format!("/api/v1/work-items/{item_id}/interviews"), json!({"client": new_client(), "auth": auth})).await;
    assert_eq!(sent.status, 201, "{}", sent.text());
    let link = sent.json()["link"].as_str().expect("link").to_owned();
    let token = link.split_once("/i/#").expect("token in the fragment").1.to_owned();
    let interview_id = sent.json()["id"].as_str().expect("id").to_owned();
    (staff, item_id, interview_id, token)
}

async fn open_session(h: &Host, token: &str) -> String {
    let opened = h.post("/api/v1/client/open", json!({"token": token}), &[]).await;
    assert_eq!(opened.status, 200, "{}", opened.text());
    assert_eq!(opened.json()["state"], "ready");
    opened.json()["session"].as_str().expect("session").to_owned()
}

fn assert_expired(r: &Reply) {
    assert_eq!(r.status, 410, "{}", r.text());
    assert_eq!(r.json(), json!({"error": {"code": "expired", "message": "This request has expired."}}));
}

#[tokio::test]
async fn a_whole_interview_from_sending_to_submission() {
    let h = Host::start().await;
    let (staff, item_id, _iv, token) = sent_interview(&h, json!({"method": "none"})).await;
    let session = open_session(&h, &token).await;
    let auth = [("authorization", format!("Bearer {session}"))];

    let interview = h.get("/api/v1/client/interview", &auth).await;
    assert_eq!(interview.status, 200, "{}", interview.text());
    let body = interview.json();
    assert_eq!(body["title"], "Lee matter");
    assert_eq!(body["sections"][0]["id"], "s1");
    assert_eq!(body["sections"][0]["template_version"], 1);
    assert_eq!(body["sections"][0]["template"]["title"], "Small");
    // The packed form is the same template as the document.
    let from_json = interview_runtime::Template::from_value(body["sections"][0]["template"].clone()).expect("checks");
    let packed = body["sections"][0]["template_packed"].as_str().expect("a packed template");
    let unpacked = interview_runtime::Template::unpack(packed).expect("unpacks");
    assert_eq!(unpacked.fingerprint(), from_json.fingerprint());
    assert_eq!(
        format!("{:?}", (&unpacked.title, &unpacked.pages, &unpacked.items)),
        format!("{:?}", (&from_json.title, &from_json.pages, &from_json.items))
    );

    // Progress is the client's: staff cannot see it before submission.
    let saved = h.put("/api/v1/client/progress", json!({"answers": {"s1": {"full_name": "Ann"}}}), &auth).await;
    assert_eq!(saved.status, 200, "{}", saved.text());
    let again = h.get("/api/v1/client/interview", &auth).await;
    assert_eq!(again.json()["answers"]["s1"]["full_name"], "Ann");
    let seen = staff.get(&format!("/api/v1/work-items/{item_id}")).await;
    assert_eq!(seen.json()["answers"], json!({}));
    assert_eq!(seen.json()["status"], "waiting_for_client");

    // Invalid answers come back in the browser's shape, with the section.
    let bad = h.post("/api/v1/client/submit", json!({"answers": {"s1": {"has_partner": true}}}), &[auth[0].clone(), ("idempotency-key", "k1".to_owned())]).await;
    assert_eq!(bad.status, 422, "{}", bad.text());
    let errors = &bad.json()["error"]["errors"];
    assert_eq!(errors[0], json!({"section": "s1", "path": "full_name", "code": "required", "message": "Enter Full name."}));
    assert_eq!(errors[1]["path"], "partner_name");

    let answers = json!({"answers": {"s1": {"full_name": " Ann Lee ", "has_partner": false, "partner_name": "dropped"}}});
    let ok = h.post("/api/v1/client/submit", answers.clone(), &[auth[0].clone(), ("idempotency-key", "k2".to_owned())]).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.json()["message"], "Data successfully submitted");
    let receipt = ok.json()["receipt"].clone();

    // The same key again: the original answer, even though the link is now used up.
    let replay = h.post("/api/v1/client/submit", answers.clone(), &[auth[0].clone(), ("idempotency-key", "k2".to_owned())]).await;
    assert_eq!((replay.status, replay.json()["receipt"].clone()), (200, receipt));
    let other_key = h.post("/api/v1/client/submit", answers, &[auth[0].clone(), ("idempotency-key", "k3".to_owned())]).await;
    assert_expired(&other_key);
    assert_expired(&h.get("/api/v1/client/interview", &auth).await);
    assert_expired(&h.post("/api/v1/client/open", json!({"token": token}), &[]).await);

    let item = staff.get(&format!("/api/v1/work-items/{item_id}")).await.json();
    assert_eq!(item["status"], "submitted");
    assert_eq!(item["answers"], json!({"full_name": "Ann Lee", "has_partner": false}));
    let events: Vec<String> = staff
        .get(&format!("/api/v1/work-items/{item_id}/audit"))
        .await
        .json()
        .as_array()
        .expect("list")
        .iter()
        .map(|e| e["event"].as_str().unwrap_or("").to_owned())
        .collect();
    // Newest first.
    assert_eq!(events, ["submitted", "progress_saved", "interview_opened", "interview_sent", "work_item_created"]);
    let audit_text = staff.get(&format!("/api/v1/work-items/{item_id}/audit")).await.text();
    assert!(!audit_text.contains(&token) && !audit_text.contains(&session), "no token in the audit log");
}

#[tokio::test]
async fn an_unopened_link_expires_after_96_hours() {
    let h = Host::start().await;
    let (_staff, _item, _iv, token) = sent_interview(&h, json!({"method": "none"})).await;
    h.clock.advance_secs(96 * HOUR - 1);
    open_session(&h, &token).await;

    let h = Host::start().await;
    let (_staff, item, _iv, token) = sent_interview(&h, json!({"method": "none"})).await;
    h.clock.advance_secs(96 * HOUR);
    assert_expired(&h.post("/api/v1/client/open", json!({"token": token}), &[]).await);
    // Staff sessions last 12 hours: sign in again.
    let staff = h.admin().await;
    assert_eq!(staff.get(&format!("/api/v1/work-items/{item}")).await.json()["status"], "expired");
}

#[tokio::test]
async fn an_opened_link_stays_active_for_96_hours_after_the_last_access() {
    let h = Host::start().await;
    let (_staff, _item, _iv, token) = sent_interview(&h, json!({"method": "none"})).await;
    h.clock.advance_secs(90 * HOUR);
    open_session(&h, &token).await;
    h.clock.advance_secs(90 * HOUR);
    // 180 hours after creation, but 90 after the last access.
    let session = open_session(&h, &token).await;
    h.clock.advance_secs(95 * HOUR);
    let auth = [("authorization", format!("Bearer {session}"))];
    assert_eq!(h.get("/api/v1/client/interview", &auth).await.status, 410, "sessions last 2 hours");
    open_session(&h, &token).await;
    h.clock.advance_secs(96 * HOUR);
    assert_expired(&h.post("/api/v1/client/open", json!({"token": token}), &[]).await);
}

#[tokio::test]
async fn unknown_cancelled_and_submitted_links_look_the_same() {
    let h = Host::start().await;
    assert_expired(&h.post("/api/v1/client/open", json!({"token": "A".repeat(43)}), &[]).await);
    assert_expired(&h.post("/api/v1/client/open", json!({"token": "short"}), &[]).await);
    let (staff, _item, iv, token) = sent_interview(&h, json!({"method": "none"})).await;
    let cancelled = staff.post(&format!("/api/v1/interviews/{iv}/cancel"), json!({})).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text());
    assert_expired(&h.post("/api/v1/client/open", json!({"token": token}), &[]).await);
}

#[tokio::test]
async fn the_template_version_is_pinned_at_first_opening() {
    let h = Host::start().await;
    let (staff, item, _iv, token) = sent_interview(&h, json!({"method": "none"})).await;
    let template_id = staff.get(&format!("/api/v1/work-items/{item}")).await.json()["template_id"].as_str().expect("id").to_owned();
    // Published before the first opening: the client gets version 2.
    let v2 = staff.post(&format!("/api/v1/templates/{template_id}/versions"), json!({"definition": small_template("Second")})).await;
    assert_eq!(v2.json()["version"], 2);
    assert_eq!(staff.post(&format!("/api/v1/templates/{template_id}/publish"), json!({"version": 2})).await.status, 200);
    let session = open_session(&h, &token).await;
    let auth = [("authorization", format!("Bearer {session}"))];
    assert_eq!(h.get("/api/v1/client/interview", &auth).await.json()["sections"][0]["template_version"], 2);
    // Published after: nothing changes for this interview.
    staff.post(&format!("/api/v1/templates/{template_id}/versions"), json!({"definition": small_template("Third")})).await;
    staff.post(&format!("/api/v1/templates/{template_id}/publish"), json!({"version": 3})).await;
    let view = h.get("/api/v1/client/interview", &auth).await.json();
    assert_eq!((view["sections"][0]["template_version"].clone(), view["sections"][0]["title"].clone()), (json!(2), json!("Second")));
}

#[tokio::test]
async fn one_outstanding_interview_per_work_item_and_only_to_its_client() {
    let h = Host::start().await;
    let (staff, item, iv, _token) = sent_interview(&h, json!({"method": "none"})).await;
    let again = staff.post(&format!("/api/v1/work-items/{item}/interviews"), json!({"client": new_client()})).await;
    assert_eq!((again.status, again.json()["error"]["code"].clone()), (409, json!("outstanding_interview")));
    staff.post(&format!("/api/v1/interviews/{iv}/cancel"), json!({})).await;
    let other = staff.post("/api/v1/clients", json!({"title": "Mr", "first_name": "Bo", "last_name": "Ng", "email": "bo@example.com"})).await;
    let other_id = other.json()["id"].as_str().expect("id").to_owned();
    let wrong = staff.post(&format!("/api/v1/work-items/{item}/interviews"), json!({"client_id": other_id})).await;
    assert_eq!((wrong.status, wrong.json()["error"]["code"].clone()), (409, json!("different_client")));
    let attached = staff.get(&format!("/api/v1/work-items/{item}")).await.json()["client"]["id"].as_str().expect("id").to_owned();
    let follow_up = staff.post(&format!("/api/v1/work-items/{item}/interviews"), json!({"client_id": attached})).await;
    assert_eq!(follow_up.status, 201, "{}", follow_up.text());
}

#[tokio::test]
async fn passphrase_attempts_are_limited_and_the_lockout_ends() {
    let h = Host::start().await;
    let (staff, item, _iv, token) = sent_interview(&h, json!({"method": "passphrase", "passphrase": "correct horse"})).await;
    let opened = h.post("/api/v1/client/open", json!({"token": token}), &[]).await;
    assert_eq!(opened.json(), json!({"state": "auth_required", "method": "passphrase", "locale": "en"}));
    for left in (1..5).rev() {
        let wrong = h.post("/api/v1/client/auth/passphrase", json!({"token": token, "passphrase": "nope"}), &[]).await;
        assert_eq!(wrong.status, 401, "{}", wrong.text());
        assert_eq!(wrong.json()["error"]["code"], "wrong_passphrase");
        assert_eq!(wrong.json()["error"]["attempts_left"], left);
    }
    let locked = h.post("/api/v1/client/auth/passphrase", json!({"token": token, "passphrase": "nope"}), &[]).await;
    assert_eq!((locked.status, locked.json()["error"]["code"].clone()), (429, json!("locked")));
    assert_eq!(locked.header("retry-after"), Some("900"));
    // Even the right passphrase waits out the lockout.
    let still = h.post("/api/v1/client/auth/passphrase", json!({"token": token, "passphrase": "correct horse"}), &[]).await;
    assert_eq!(still.status, 429);
    h.clock.advance_secs(900);
    let ok = h.post("/api/v1/client/auth/passphrase", json!({"token": token, "passphrase": "correct horse"}), &[]).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert!(ok.json()["session"].is_string());
    // Staff are never locked out.
    assert_eq!(staff.get(&format!("/api/v1/work-items/{item}")).await.status, 200);
    let audit = staff.get(&format!("/api/v1/work-items/{item}/audit")).await.text();
    assert!(audit.contains("auth_locked") && !audit.contains("correct horse"));
}

#[tokio::test]
async fn sms_codes_go_through_the_outbox_and_work_once() {
    let h = Host::start().await;
    let (_staff, _item, _iv, token) = sent_interview(&h, json!({"method": "sms"})).await;
    assert_eq!(h.post("/api/v1/client/open", json!({"token": token}), &[]).await.json()["method"], "sms");
    let wrong = h.post("/api/v1/client/auth/sms/start", json!({"token": token, "last4": "0000"}), &[]).await;
    assert_eq!((wrong.status, wrong.json()["error"]["code"].clone()), (401, json!("wrong_digits")));
    let start = h.post("/api/v1/client/auth/sms/start", json!({"token": token, "last4": "0123"}), &[]).await;
    assert_eq!(start.status, 202, "{}", start.text());
    assert_eq!(start.json()["code_expires_in"], 600);
    let code = h.last_sms_code();
    let bad = h.post("/api/v1/client/auth/sms/verify", json!({"token": token, "code": "999999"}), &[]).await;
    let bad_code = if code == "999999" { "999998" } else { "999999" };
    let _ = bad;
    let bad = h.post("/api/v1/client/auth/sms/verify", json!({"token": token, "code": bad_code}), &[]).await;
    assert_eq!((bad.status, bad.json()["error"]["code"].clone()), (401, json!("wrong_code")));
    let ok = h.post("/api/v1/client/auth/sms/verify", json!({"token": token, "code": code}), &[]).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    let reuse = h.post("/api/v1/client/auth/sms/verify", json!({"token": token, "code": code}), &[]).await;
    assert_eq!(reuse.status, 401, "a code works once");
}

#[tokio::test]
async fn staff_calls_need_a_session_and_the_csrf_header() {
    let h = Host::start().await;
    let staff = h.admin().await;
    assert_eq!(h.get("/api/v1/work-items", &[]).await.status, 401);
    let no_csrf = h
        .post("/api/v1/clients", new_client(), &[("cookie", staff.cookie.clone())])
        .await;
    assert_eq!((no_csrf.status, no_csrf.json()["error"]["code"].clone()), (403, json!("csrf")));
    assert_eq!(staff.post("/api/v1/clients", new_client()).await.status, 201);
    let wrong = h.post("/api/v1/staff/session", json!({"email": "admin@example.com", "password": "not it at all"}), &[]).await;
    assert_eq!(wrong.status, 401);
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx_never_a_5xx() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let cases: Vec<(Reply, u16)> = vec![
        (h.raw("POST", "/api/v1/client/open", "{not json", &[("content-type", "application/json")]).await, 400),
        (h.post("/api/v1/client/open", json!({"token": 5}), &[]).await, 400),
        (h.raw("POST", "/api/v1/client/open", "{}", &[]).await, 415),
        (h.raw("POST", "/api/v1/client/open", &format!("{{\"token\": \"{}\"}}", "a".repeat(2 * 1024 * 1024)), &[("content-type", "application/json")]).await, 413),
        (staff.get("/api/v1/work-items/wi_nope").await, 404),
        (staff.post("/api/v1/templates", json!({"name": "x", "definition": {"format": "interview/1", "pages": [{"id": "p", "items": [{"type": "text", "id": "a", "visible_if": "nope > 1"}]}]}})).await, 422),
        (staff.post("/api/v1/work-items", json!({"name": "x", "template_id": "tpl_nope"})).await, 422),
        (staff.post("/api/v1/templates", json!({"name": "x", "definition": "not an object"})).await, 422),
        (staff.get("/api/v1/work-items?status=bogus").await, 400),
    ];
    for (reply, status) in cases {
        assert_eq!(reply.status, status, "{}", reply.text());
        assert!(reply.json()["error"]["message"].is_string(), "{}", reply.text());
    }
    let hostile = staff.post("/api/v1/templates", json!({"name": "x", "definition": intake_with_errors()})).await;
    assert_eq!(hostile.status, 422);
    assert!(hostile.json()["error"]["errors"].as_array().map(|a| a.len() > 1).unwrap_or(false), "{}", hostile.text());
    assert_eq!(h.get("/healthz", &[]).await.status, 200, "still serving");
}

fn intake_with_errors() -> Value {
    let mut doc = intake();
    doc["pages"][0]["items"][0]["type"] = json!("wheel");
    doc["pages"][1]["items"][1]["colour"] = json!("red");
    doc
}

#[tokio::test]
async fn a_submit_retried_at_once_is_recorded_once() {
    let h = Host::start().await;
    let (staff, item, _iv, token) = sent_interview(&h, json!({"method": "none"})).await;
    let session = open_session(&h, &token).await;
    let answers = json!({"answers": {"s1": {"full_name": "Ann"}}});
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let h2 = h.clone_handle();
        let a = answers.clone();
        let s = session.clone();
        tasks.push(tokio::spawn(async move {
            h2.post("/api/v1/client/submit", a, &[("authorization", format!("Bearer {s}")), ("idempotency-key", "same".to_owned())]).await
        }));
    }
    let mut receipts = Vec::new();
    for t in tasks {
        let r = t.await.expect("task");
        assert_eq!(r.status, 200, "{}", r.text());
        receipts.push(r.json()["receipt"].clone());
    }
    receipts.dedup();
    assert_eq!(receipts.len(), 1);
    let audit = staff.get(&format!("/api/v1/work-items/{item}/audit")).await.json();
    let submitted = audit.as_array().expect("list").iter().filter(|e| e["event"] == "submitted").count();
    assert_eq!(submitted, 1);
}

#[tokio::test]
async fn cors_admits_only_configured_embed_origins() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let put = staff.put("/api/v1/settings", json!({"embed_origins": ["https://partner.example"]})).await;
    assert_eq!(put.status, 200, "{}", put.text());
    let allowed = h.raw("OPTIONS", "/api/v1/client/open", "", &[("origin", "https://partner.example"), ("access-control-request-method", "POST")]).await;
    assert_eq!(allowed.status, 204);
    assert_eq!(allowed.header("access-control-allow-origin"), Some("https://partner.example"));
    let other = h.raw("OPTIONS", "/api/v1/client/open", "", &[("origin", "https://evil.example"), ("access-control-request-method", "POST")]).await;
    assert_eq!(other.header("access-control-allow-origin"), None);
    let real = h.post("/api/v1/client/open", json!({"token": "x"}), &[("origin", "https://partner.example".to_owned())]).await;
    assert_eq!(real.header("access-control-allow-origin"), Some("https://partner.example"));
}

#[tokio::test]
async fn one_request_bundles_several_sections_submitted_together() {
    let h = Host::start().await;
    let staff = h.admin().await;
    let form = staff.post("/api/v1/templates", json!({"name": "Form", "definition": small_template("About you")})).await;
    let form_id = form.json()["id"].as_str().expect("id").to_owned();
    let request = json!({"format": "interview/1", "title": "Documents", "pages": [{"id": "d", "title": "D", "items": [
        {"type": "choice", "id": "id_type", "label": "Document", "required": true, "options": ["passport", "licence"]}
    ]}]});
    let docs = staff.post("/api/v1/templates", json!({"name": "Docs", "definition": request})).await;
    let docs_id = docs.json()["id"].as_str().expect("id").to_owned();
    let item = staff.post("/api/v1/work-items", json!({"name": "KYC", "template_id": form_id})).await.json()["id"].as_str().expect("id").to_owned();
    let sent = staff
        .post(&format!("/api/v1/work-items/{item}/interviews"), json!({"client": new_client(), "sections": [form_id, docs_id]}))
        .await;
    assert_eq!(sent.status, 201, "{}", sent.text());
    let token = sent.json()["link"].as_str().expect("link").split_once("/i/#").expect("fragment").1.to_owned();
    let session = open_session(&h, &token).await;
    let auth = ("authorization", format!("Bearer {session}"));
    let view = h.get("/api/v1/client/interview", std::slice::from_ref(&auth)).await.json();
    let titles: Vec<&str> = view["sections"].as_array().expect("list").iter().map(|s| s["title"].as_str().unwrap_or("")).collect();
    assert_eq!(titles, ["About you", "Documents"]);

    // Both sections are validated; one missing answer in the second holds back the whole submit.
    let partial = json!({"answers": {"s1": {"full_name": "Ann"}}});
    let refused = h.post("/api/v1/client/submit", partial, &[auth.clone(), ("idempotency-key", "a".to_owned())]).await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert_eq!(refused.json()["error"]["errors"][0]["section"], "s2");
    assert_eq!(refused.json()["error"]["errors"][0]["path"], "id_type");

    let whole = json!({"answers": {"s1": {"full_name": "Ann"}, "s2": {"id_type": "passport"}}});
    let ok = h.post("/api/v1/client/submit", whole, &[auth, ("idempotency-key", "b".to_owned())]).await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    let answers = staff.get(&format!("/api/v1/work-items/{item}")).await.json()["answers"].clone();
    assert_eq!(answers, json!({"full_name": "Ann", "id_type": "passport"}));
}

#[tokio::test]
async fn a_failing_sms_gateway_is_a_503_to_retry_not_a_crash() {
    let gateway = interview_host::notify::testing::closed_port_url().await.expect("a closed port");
    let h = Host::start_with(|config| {
        config.sms = Some(interview_host::notify::sms::SmsConfig::Twilio {
            account_sid: "AC0000".to_owned(),
            auth_token: interview_host::notify::Secret::new("token"),
            from: "+15005550006".to_owned(),
            base_url: gateway,
        });
    })
    .await;
    let (_staff, _item, _iv, token) = sent_interview(&h, json!({"method": "sms"})).await;
    let start = h.post("/api/v1/client/auth/sms/start", json!({"token": token, "last4": "0123"}), &[]).await;
    assert_eq!(start.status, 503, "{}", start.text());
    assert_eq!(start.json()["error"]["code"], "sms_unavailable");
    assert_eq!(start.header("retry-after"), Some("30"));
}
