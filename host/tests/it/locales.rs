//! The client's language, chosen by staff when they send an interview: the
//! words the product adds (validation messages, the SMS code) come in it,
//! and staff and the interview page can read which one it is.

use interview_runtime::Locale;
use serde_json::{json, Value};

use super::support::*;

fn template() -> Value {
    json!({"format": "interview/1", "title": "Dossier", "pages": [{"id": "p", "title": "P", "items": [
        {"type": "text", "id": "full_name", "label": "Nom complet", "required": true}
    ]}]})
}

/// Staff signed in and a work item, sent an interview with `body` (a new
/// client is added): staff, the work item's id and the send's answer.
async fn send(h: &Host, body: Value) -> (Staff, String, Reply) {
    let staff = h.admin().await;
    let template = staff.post("/api/v1/templates", json!({"name": "Dossier", "definition": template()})).await;
    assert_eq!(template.status, 201, "{}", template.text());
    let template_id = template.json()["id"].as_str().expect("id").to_owned();
    let item = staff.post("/api/v1/work-items", json!({"name": "Dossier Martin", "template_id": template_id})).await;
    assert_eq!(item.status, 201, "{}", item.text());
    let item_id = item.json()["id"].as_str().expect("id").to_owned();
    let mut body = body;
    body["client"] =
        json!({"title": "Mme", "first_name": "Claire", "last_name": "Martin", "email": "claire@example.com", "mobile": "+44 7700 900123"});
    let sent = staff.post(&format!("/api/v1/work-items/{item_id}/interviews"), body).await;
    (staff, item_id, sent)
}

/// The link token of a send's answer.
fn link_token(sent: &Reply) -> String {
    assert_eq!(sent.status, 201, "{}", sent.text());
    let link = sent.json()["link"].as_str().expect("link").to_owned();
    link.split_once("/i/#").expect("token in the fragment").1.to_owned()
}

/// The client's session on a link without a sign-in, and the language the
/// opening told the page.
async fn open(h: &Host, token: &str) -> ((&'static str, String), Value) {
    let opened = h.post("/api/v1/client/open", json!({"token": token}), &[]).await;
    assert_eq!(opened.status, 200, "{}", opened.text());
    let session = opened.json()["session"].as_str().expect("session").to_owned();
    (("authorization", format!("Bearer {session}")), opened.json()["locale"].clone())
}

/// What the client reads when submitting without the required answer.
async fn message_for_a_missing_answer(h: &Host, auth: &(&'static str, String)) -> String {
    let headers = [auth.clone(), ("idempotency-key", "k1".to_owned())];
    let refused = h.post("/api/v1/client/submit", json!({"answers": {"s1": {}}}), &headers).await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert_eq!(refused.json()["error"]["errors"][0]["path"], "full_name");
    refused.json()["error"]["errors"][0]["message"].as_str().expect("message").to_owned()
}

#[tokio::test]
async fn an_interview_sent_in_french_speaks_french_to_the_client() {
    let h = Host::start().await;
    let (staff, item_id, sent) = send(&h, json!({"locale": "fr"})).await;
    let token = link_token(&sent);
    assert_eq!(sent.json()["locale"], "fr");
    let item = staff.get(&format!("/api/v1/work-items/{item_id}")).await.json();
    assert_eq!(item["interviews"][0]["locale"], "fr", "staff see the language they chose");

    let (auth, told) = open(&h, &token).await;
    assert_eq!(told, "fr", "the page speaks French from the first screen");
    let view = h.get("/api/v1/client/interview", std::slice::from_ref(&auth)).await;
    assert_eq!(view.status, 200, "{}", view.text());
    assert_eq!(view.json()["locale"], "fr", "the page knows which language to speak");
    assert_eq!(message_for_a_missing_answer(&h, &auth).await, "Renseignez Nom complet.");

    // A region does not matter: `fr-CA` is French, and is shown as `fr`.
    let h = Host::start().await;
    let (_staff, _item, sent) = send(&h, json!({"locale": "fr-CA"})).await;
    assert_eq!((sent.status, sent.json()["locale"].clone()), (201, json!("fr")), "{}", sent.text());
}

#[tokio::test]
async fn a_language_the_host_does_not_speak_is_refused_and_nothing_is_sent() {
    let h = Host::start().await;
    let (staff, item_id, refused) = send(&h, json!({"locale": "xx"})).await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert_eq!(
        refused.json(),
        json!({"error": {"code": "invalid_locale", "message": "The locale `xx` is not supported; use one of en, fr, de."}})
    );
    let item = staff.get(&format!("/api/v1/work-items/{item_id}")).await.json();
    assert_eq!((item["status"].clone(), item["interviews"].clone()), (json!("draft"), json!([])));

    // A tag must be text, like every field of the strict body.
    let wrong_type = staff.post(&format!("/api/v1/work-items/{item_id}/interviews"), json!({"client_id": "cli_x", "locale": 33})).await;
    assert_eq!(wrong_type.status, 400, "{}", wrong_type.text());
    assert_eq!(wrong_type.json()["error"]["code"], "invalid_body");
}

#[tokio::test]
async fn an_interview_sent_without_a_language_gets_the_configured_default() {
    let h = Host::start_with(|config| config.default_locale = Locale::De).await;
    let (_staff, _item, sent) = send(&h, json!({})).await;
    let token = link_token(&sent);
    assert_eq!(sent.json()["locale"], "de");
    let (auth, _) = open(&h, &token).await;
    assert_eq!(h.get("/api/v1/client/interview", std::slice::from_ref(&auth)).await.json()["locale"], "de");
    assert_eq!(message_for_a_missing_answer(&h, &auth).await, "Bitte geben Sie Nom complet an.");

    // Without the setting, English.
    let h = Host::start().await;
    let (_staff, _item, sent) = send(&h, json!({})).await;
    let token = link_token(&sent);
    assert_eq!(sent.json()["locale"], "en");
    let (auth, _) = open(&h, &token).await;
    assert_eq!(message_for_a_missing_answer(&h, &auth).await, "Enter Nom complet.");
}

#[tokio::test]
async fn the_sms_code_comes_in_the_interview_language_and_signs_in() {
    let h = Host::start().await;
    let (_staff, _item, sent) = send(&h, json!({"locale": "de", "auth": {"method": "sms"}})).await;
    let token = link_token(&sent);
    let opened = h.post("/api/v1/client/open", json!({"token": token}), &[]).await;
    assert_eq!(opened.json(), json!({"state": "auth_required", "method": "sms", "locale": "de"}), "the SMS screens in German");
    let start = h.post("/api/v1/client/auth/sms/start", json!({"token": token, "last4": "0123"}), &[]).await;
    assert_eq!(start.status, 202, "{}", start.text());
    let code = h.last_sms_code();
    assert_eq!(h.last_sms(), format!("Ihr Code lautet {code}. Er ist 10 Minuten gültig. Geben Sie ihn an niemanden weiter."));
    let verified = h.post("/api/v1/client/auth/sms/verify", json!({"token": token, "code": code}), &[]).await;
    assert_eq!(verified.status, 200, "{}", verified.text());
}
