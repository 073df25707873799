//! The admins' settings calls as the dashboard's settings screens use them:
//! the site settings read and changed through the shared types, refusals
//! named by field, and the webhook delivery log (admins only, paged newest
//! first, "retry now" makes a delivery due, unknown ids are 404).

use std::time::Duration;

use interview_api::{DeliveryState, SiteSettings, WebhookDelivery};
use interview_host::notify::testing::{FakeHttpServer, Reply as HookReply};
use serde_json::{json, Value};

use super::support::*;

const SECRET: &str = "whsec_0123456789abcdef";

fn expect(reply: &Reply, status: u16) {
    assert_eq!(reply.status, status, "{}", reply.text());
}

fn code(reply: &Reply) -> Value {
    reply.json()["error"]["code"].clone()
}

/// A staff (not admin) user, signed in.
async fn staff_member(h: &Host, admin: &Staff) -> Staff {
    let made = admin.post("/api/v1/users", json!({"email": "bo@example.com", "password": "bo's long password"})).await;
    expect(&made, 201);
    h.sign_in("bo@example.com", "bo's long password").await
}

/// Queues `n` events for the configured webhooks, a minute apart, as a submission would.
fn queue_events(h: &Host, n: usize) {
    for i in 0..n {
        let now = interview_host::clock::Clock::now(h.clock.as_ref());
        h.state
            .storage
            .write(|tx| Ok(interview_host::domain::webhooks::enqueue(tx, now, "interview.submitted", json!({"n": i}))?))
            .expect("queued");
        h.clock.advance_secs(60);
    }
}

fn rows(reply: &Reply) -> Vec<WebhookDelivery> {
    serde_json::from_value(reply.json()).expect("deliveries")
}

#[tokio::test]
async fn settings_read_as_the_shared_type_and_each_refused_value_names_its_field() {
    let h = Host::start().await;
    let admin = h.admin().await;
    let read: SiteSettings = serde_json::from_value(admin.get("/api/v1/settings").await.json()).expect("SiteSettings");
    assert_eq!(read.link_lifetime_secs, 96 * 3600);

    let changed = admin.put("/api/v1/settings", json!({"link_lifetime_secs": 172_800})).await;
    expect(&changed, 200);
    let after: SiteSettings = serde_json::from_value(changed.json()).expect("SiteSettings");
    assert_eq!(after, SiteSettings { link_lifetime_secs: 172_800, ..read.clone() });

    let refused = admin.put("/api/v1/settings", json!({"access_window_secs": 5, "auth_methods": [], "email_body": "No link"})).await;
    expect(&refused, 422);
    assert_eq!(code(&refused), "invalid_setting");
    let fields: Vec<Value> = refused.json()["error"]["errors"].as_array().expect("errors").iter().map(|p| p["field"].clone()).collect();
    assert_eq!(fields, [json!("access_window_secs"), json!("auth_methods"), json!("email_body")]);
    assert!(refused.json()["error"]["errors"][1]["message"].as_str().is_some_and(|m| m.contains("At least one")));

    let wrong_type = admin.put("/api/v1/settings", json!({"lockout_secs": "long", "max_failed_attempts": 3})).await;
    expect(&wrong_type, 422);
    assert_eq!(wrong_type.json()["error"]["errors"][0]["field"], "lockout_secs");
    let unchanged: SiteSettings = serde_json::from_value(admin.get("/api/v1/settings").await.json()).expect("SiteSettings");
    assert_eq!(unchanged, after, "a refused change changes nothing");

    // Staff are refused before the body is read.
    let staff = staff_member(&h, &admin).await;
    let denied = staff.put("/api/v1/settings", json!({"nope": 1})).await;
    expect(&denied, 403);
    assert_eq!(code(&denied), "admin_only");
    expect(&staff.get("/api/v1/settings").await, 403);
}

#[tokio::test]
async fn the_delivery_log_is_admins_only_and_paged_newest_first_without_repeats() {
    let h = Host::start().await;
    let admin = h.admin().await;
    expect(&admin.put("/api/v1/settings", json!({"webhooks": [{"url": "https://hooks.example/h", "secret": SECRET}]})).await, 200);
    queue_events(&h, 5);

    let staff = staff_member(&h, &admin).await;
    let denied = staff.get("/api/v1/webhook-deliveries").await;
    expect(&denied, 403);
    assert_eq!(code(&denied), "admin_only");
    expect(&h.get("/api/v1/webhook-deliveries", &[]).await, 401);

    let first = admin.get("/api/v1/webhook-deliveries?limit=2").await;
    expect(&first, 200);
    let mut seen = rows(&first);
    assert_eq!(seen.len(), 2);
    let mut link = first.header("link").map(str::to_owned);
    while let Some(next) = link {
        let cursor = interview_api::next_cursor(&next).expect("cursor");
        let page = admin.get(&format!("/api/v1/webhook-deliveries?limit=2&cursor={cursor}")).await;
        expect(&page, 200);
        seen.extend(rows(&page));
        link = page.header("link").map(str::to_owned);
    }
    assert_eq!(seen.len(), 5, "every delivery once: {seen:?}");
    let times: Vec<&str> = seen.iter().map(|d| d.created_at.as_str()).collect();
    let mut newest_first = times.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, newest_first);
    let mut ids: Vec<&str> = seen.iter().map(|d| d.id.as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 5);
    assert!(seen.iter().all(|d| d.event == "interview.submitted" && d.state == DeliveryState::Pending && d.attempts == 0));
    assert!(!admin.get("/api/v1/webhook-deliveries").await.text().contains(SECRET));

    let bad = admin.get("/api/v1/webhook-deliveries?cursor=nonsense").await;
    expect(&bad, 400);
    assert_eq!(code(&bad), "invalid_cursor");
    expect(&admin.get("/api/v1/webhook-deliveries?limit=0").await, 400);
}

#[tokio::test]
async fn retry_now_makes_a_failed_delivery_due_and_the_background_task_delivers_it() {
    let receiver = FakeHttpServer::start(HookReply::text(500, "down")).await.expect("receiver");
    let h = Host::start().await;
    let admin = h.admin().await;
    let url = format!("{}/hook", receiver.url());
    expect(&admin.put("/api/v1/settings", json!({"webhooks": [{"url": url, "secret": SECRET}]})).await, 200);
    queue_events(&h, 1);
    let client = interview_host::notify::http_client(Duration::from_secs(5)).expect("client");
    interview_host::background::deliver_due(&h.state, &client).await;

    let failed = rows(&admin.get("/api/v1/webhook-deliveries").await).remove(0);
    assert_eq!((failed.state, failed.attempts), (DeliveryState::Pending, 1));
    assert!(failed.last_error.as_deref().is_some_and(|e| e.contains("500")), "{failed:?}");
    let next = failed.next_attempt_at.clone().expect("next attempt");
    assert!(next > failed.created_at, "retried later on its own: {next}");

    // Not due yet: the background task leaves it alone.
    interview_host::background::deliver_due(&h.state, &client).await;
    assert_eq!(receiver.requests().len(), 1);

    let staff = staff_member(&h, &admin).await;
    expect(&staff.post(&format!("/api/v1/webhook-deliveries/{}/retry", failed.id), json!({})).await, 403);
    let missing = admin.post("/api/v1/webhook-deliveries/evt_nope/retry", json!({})).await;
    expect(&missing, 404);
    assert_eq!(code(&missing), "not_found");

    let retried = admin.post(&format!("/api/v1/webhook-deliveries/{}/retry", failed.id), json!({})).await;
    expect(&retried, 200);
    let retried: WebhookDelivery = serde_json::from_value(retried.json()).expect("delivery");
    let now = interview_host::clock::Clock::now(h.clock.as_ref()).to_rfc3339();
    assert_eq!(retried.next_attempt_at.as_deref(), Some(now.as_str()), "due now");

    receiver.set_reply(HookReply::text(200, ""));
    interview_host::background::deliver_due(&h.state, &client).await;
    assert_eq!(receiver.requests().len(), 2, "delivered without waiting for its time");
    let done = rows(&admin.get("/api/v1/webhook-deliveries").await).remove(0);
    assert_eq!((done.state, done.attempts), (DeliveryState::Delivered, 2));
    assert!(done.delivered_at.is_some() && done.next_attempt_at.is_none());

    let again = admin.post(&format!("/api/v1/webhook-deliveries/{}/retry", failed.id), json!({})).await;
    expect(&again, 409);
    assert_eq!(code(&again), "already_delivered");
}

#[tokio::test]
async fn a_given_up_delivery_shows_failed_and_retry_gives_it_one_more_attempt() {
    let h = Host::start().await;
    let admin = h.admin().await;
    expect(&admin.put("/api/v1/settings", json!({"webhooks": [{"url": "https://hooks.example/gone", "secret": SECRET}]})).await, 200);
    queue_events(&h, 1);
    // The webhook is removed before delivery: parked, never due again.
    expect(&admin.put("/api/v1/settings", json!({"webhooks": []})).await, 200);
    let client = interview_host::notify::http_client(Duration::from_secs(5)).expect("client");
    interview_host::background::deliver_due(&h.state, &client).await;
    let parked = rows(&admin.get("/api/v1/webhook-deliveries").await).remove(0);
    assert_eq!(parked.state, DeliveryState::Failed);
    assert!(parked.next_attempt_at.is_none());
    assert!(parked.last_error.as_deref().is_some_and(|e| e.contains("removed")));

    let retried = admin.post(&format!("/api/v1/webhook-deliveries/{}/retry", parked.id), json!({})).await;
    expect(&retried, 200);
    assert_eq!(serde_json::from_value::<WebhookDelivery>(retried.json()).expect("delivery").state, DeliveryState::Pending);
}
