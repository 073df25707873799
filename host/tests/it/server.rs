//! What the host does around every request: `/metrics`, request ids, the
//! tracing log (which must never hold a token), and the OpenAPI document
//! held to the routes that really answer.

use std::cell::RefCell;
use std::io::Write;
use std::sync::{Arc, Mutex, Once};

use serde_json::{json, Value};

use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::Layer as _;

use super::support::*;

fn sane_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[tokio::test]
async fn metrics_count_requests_by_route_pattern_not_by_path() {
    let h = Host::start().await;
    assert_eq!(h.get("/api/v1/work-items/wi_x", &[]).await.status, 401);
    assert_eq!(h.get("/api/v1/work-items/wi_y", &[]).await.status, 401);
    assert_eq!(h.get("/no/such/page/wi_z", &[]).await.status, 404);
    let wrong = h.post("/api/v1/staff/session", json!({"email": ADMIN_EMAIL, "password": "not the password"}), &[]).await;
    assert_eq!(wrong.status, 401);

    let reply = h.get("/metrics", &[]).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("text/plain; version=0.0.4; charset=utf-8"));
    let text = reply.text();
    let has = |line: &str| text.lines().any(|l| l == line);
    assert!(has(r#"interview_http_requests_total{method="GET",route="/api/v1/work-items/{id}",status="401"} 2"#), "{text}");
    assert!(has(r#"interview_http_requests_total{method="GET",route="unmatched",status="404"} 1"#), "{text}");
    assert!(has(r#"interview_http_request_duration_seconds_count{route="/api/v1/work-items/{id}"} 2"#), "{text}");
    assert!(has(r#"interview_http_request_duration_seconds_bucket{route="/api/v1/work-items/{id}",le="+Inf"} 2"#), "{text}");
    assert!(text.contains(r#"interview_http_request_duration_seconds_bucket{route="/api/v1/work-items/{id}",le="0.005"}"#), "{text}");
    assert!(text.contains(r#"interview_http_request_duration_seconds_bucket{route="/api/v1/work-items/{id}",le="10"}"#), "{text}");
    // The request for /metrics itself is the one in flight.
    assert!(has("interview_http_in_flight_requests 1"), "{text}");
    assert!(has("interview_auth_failures_total 1"), "{text}");
    assert!(has("interview_interviews_sent_total 0"), "{text}");
    for raw in ["wi_x", "wi_y", "wi_z", "/no/such"] {
        assert!(!text.contains(raw), "a raw path reached a label: {raw}");
    }
    // Every sample line is `name{labels} value` or `name value` with a number.
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let value = line.rsplit(' ').next().unwrap_or("");
        assert!(value.parse::<f64>().is_ok(), "not a sample: {line}");
    }
}

#[tokio::test]
async fn every_answer_carries_a_request_id_echoed_only_when_sane() {
    let h = Host::start().await;
    let mut seen = Vec::new();
    for path in ["/healthz", "/api/v1/work-items", "/nothing-here", "/i/", "/metrics", "/api/v1/openapi.json"] {
        let reply = h.get(path, &[]).await;
        let id = reply.header("x-request-id").unwrap_or_else(|| panic!("no x-request-id on {path}")).to_owned();
        assert!(sane_id(&id) && id.len() >= 16, "{path}: {id}");
        seen.push(id);
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 6, "ids are fresh per request");

    let mine = "trace-0123_abcDEF";
    let reply = h.get("/api/v1/work-items", &[("x-request-id", mine.to_owned())]).await;
    assert_eq!(reply.header("x-request-id"), Some(mine));
    let longest = "a".repeat(64);
    assert_eq!(h.get("/healthz", &[("x-request-id", longest.clone())]).await.header("x-request-id"), Some(longest.as_str()));

    for bad in ["a".repeat(65), "has space".to_owned(), "semi;colon".to_owned(), "quote\"d".to_owned(), "tok=en".to_owned()] {
        let reply = h.get("/healthz", &[("x-request-id", bad.clone())]).await;
        let id = reply.header("x-request-id").expect("an id");
        assert_ne!(id, bad);
        assert!(sane_id(id), "{id}");
    }
}

#[tokio::test]
async fn openapi_documents_every_route_and_every_documented_route_answers() {
    let h = Host::start().await;
    let reply = h.get("/api/v1/openapi.json", &[]).await;
    assert_eq!(reply.status, 200);
    assert!(reply.header("content-type").is_some_and(|c| c.starts_with("application/json")));
    let doc = reply.json();
    assert_eq!(doc["openapi"], "3.1.0");
    for scheme in ["clientSession", "staffCookie", "csrfToken", "apiKey"] {
        assert!(doc["components"]["securitySchemes"][scheme].is_object(), "{scheme}");
    }
    let error = &doc["components"]["schemas"]["Error"];
    assert_eq!(error["properties"]["error"]["required"], json!(["code", "message"]));

    let paths = doc["paths"].as_object().expect("paths");
    let mut documented = Vec::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("a path item") {
            assert!(operation["responses"].as_object().is_some_and(|r| !r.is_empty()), "{method} {path}");
            documented.push((method.clone(), path.clone()));
        }
    }
    // The contract of API.md, call by call.
    for (method, path) in [
        ("post", "/api/v1/client/open"),
        ("post", "/api/v1/client/auth/passphrase"),
        ("post", "/api/v1/client/auth/sms/start"),
        ("post", "/api/v1/client/auth/sms/verify"),
        ("get", "/api/v1/client/interview"),
        ("put", "/api/v1/client/progress"),
        ("post", "/api/v1/client/files"),
        ("post", "/api/v1/client/submit"),
        ("post", "/api/v1/staff/session"),
        ("post", "/api/v1/templates"),
        ("get", "/api/v1/templates"),
        ("get", "/api/v1/templates/{id}"),
        ("post", "/api/v1/templates/{id}/versions"),
        ("post", "/api/v1/templates/{id}/publish"),
        ("post", "/api/v1/clients"),
        ("get", "/api/v1/clients"),
        ("get", "/api/v1/clients/{id}"),
        ("patch", "/api/v1/clients/{id}"),
        ("post", "/api/v1/work-items"),
        ("get", "/api/v1/work-items"),
        ("get", "/api/v1/work-items/{id}"),
        ("put", "/api/v1/work-items/{id}/answers"),
        ("post", "/api/v1/work-items/{id}/interviews"),
        ("post", "/api/v1/interviews/{id}/cancel"),
        ("get", "/api/v1/work-items/{id}/audit"),
        ("post", "/api/v1/work-items/{id}/documents"),
        ("get", "/api/v1/documents/{id}"),
        ("get", "/api/v1/settings"),
        ("put", "/api/v1/settings"),
        ("get", "/healthz"),
        ("get", "/metrics"),
        ("get", "/api/v1/openapi.json"),
    ] {
        assert!(documented.contains(&(method.to_owned(), path.to_owned())), "{method} {path} is not documented");
    }

    // Unauthenticated and bodiless, every call is refused by its own handler
    // (400, 401, 410, 415, ...), never by the router (404, 405).
    for (method, path) in &documented {
        let concrete = path.replace("{id}", "x_1");
        let reply = h.raw(&method.to_uppercase(), &concrete, "", &[]).await;
        assert!(!matches!(reply.status, 404 | 405), "{method} {path} is documented but not routed: {}", reply.status);
    }
}

/// Log text written on one thread while it captures.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("log buffer")).into_owned()
    }
}

thread_local! {
    static CAPTURE: RefCell<Option<Captured>> = const { RefCell::new(None) };
}

/// Writes into the current thread's capture, if any.
struct ThreadSink(Option<Captured>);

impl Write for ThreadSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(captured) = &self.0 {
            captured.0.lock().expect("log buffer").extend_from_slice(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Stops capturing on this thread when dropped.
struct Capturing;

impl Drop for Capturing {
    fn drop(&mut self) {
        CAPTURE.with(|c| c.borrow_mut().take());
    }
}

/// Captures everything logged on this thread, at every level, spans included.
///
/// One global subscriber, not a scoped one per test: tracing caches per
/// callsite whether anyone listens, and with a single scoped subscriber it
/// asks only the thread that first reaches the callsite, which may be
/// another test's thread with none; the global one answers on every thread,
/// and a per-thread filter keeps other tests from paying for formatting.
fn capture_this_thread() -> (Captured, Capturing) {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Dynamic: a plain `filter_fn` is asked once per callsite and its answer cached.
        let capturing = |_: &tracing::Metadata<'_>, _: &tracing_subscriber::layer::Context<'_, _>| CAPTURE.with(|c| c.borrow().is_some());
        let layer = tracing_subscriber::fmt::layer()
            .with_writer(|| ThreadSink(CAPTURE.with(|c| c.borrow().clone())))
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
            .with_ansi(false)
            .with_filter(tracing_subscriber::filter::dynamic_filter_fn(capturing));
        // Only this test installs a global subscriber; should one exist, the capture check below fails loudly.
        let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer));
    });
    let captured = Captured::default();
    CAPTURE.with(|c| *c.borrow_mut() = Some(captured.clone()));
    (captured, Capturing)
}

fn small_template() -> Value {
    json!({"format": "interview/1", "title": "Small", "pages": [{"id": "p", "title": "P", "items": [
        {"type": "text", "id": "full_name", "label": "Full name", "required": true}
    ]}]})
}

// The test's runtime has one thread, so the server's tasks log to this test's subscriber.
#[tokio::test(flavor = "current_thread")]
async fn the_log_never_holds_a_link_token_a_session_or_a_cookie() {
    let (log, _capturing) = capture_this_thread();
    let h = Host::start().await;
    // A callsite first reached on another thread while the subscriber was being
    // installed may have cached "nobody listens"; that is over by now, so recompute.
    tracing::callsite::rebuild_interest_cache();
    let staff = h.admin().await;
    let template = staff.post("/api/v1/templates", json!({"name": "Small", "definition": small_template()})).await;
    assert_eq!(template.status, 201, "{}", template.text());
    let template_id = template.json()["id"].as_str().expect("id").to_owned();
    let item = staff.post("/api/v1/work-items", json!({"name": "Lee matter", "template_id": template_id})).await;
    assert_eq!(item.status, 201, "{}", item.text());
    let item_id = item.json()["id"].as_str().expect("id").to_owned();
    let client = json!({"title": "Ms", "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com"});
    let sent = staff.post(&format!("/api/v1/work-items/{item_id}/interviews"), json!({"client": client, "auth": {"method": "none"}})).await;
    assert_eq!(sent.status, 201, "{}", sent.text());
    let link = sent.json()["link"].as_str().expect("link").to_owned();
    let token = link.split_once("/i/#").expect("token in the fragment").1.to_owned();

    // The token also in a query string and a cookie, where careless logging would pick it up.
    let opened = h.post(&format!("/api/v1/client/open?token={token}"), json!({"token": token}), &[("cookie", format!("t={token}"))]).await;
    assert_eq!(opened.status, 200, "{}", opened.text());
    let session = opened.json()["session"].as_str().expect("session").to_owned();
    let auth = [("authorization", format!("Bearer {session}"))];
    assert_eq!(h.get(&format!("/api/v1/client/interview?session={session}"), &auth).await.status, 200);
    assert_eq!(h.put("/api/v1/client/progress", json!({"answers": {"s1": {"full_name": "Ann"}}}), &auth).await.status, 200);
    let submitted = h
        .post("/api/v1/client/submit", json!({"answers": {"s1": {"full_name": "Ann Lee"}}}), &[auth[0].clone(), ("idempotency-key", "k1".to_owned())])
        .await;
    assert_eq!(submitted.status, 200, "{}", submitted.text());
    // A used-up session, refused: error paths must not log it either.
    assert_eq!(h.get("/api/v1/client/interview", &auth).await.status, 410);
    assert_eq!(h.get("/metrics", &[]).await.text().lines().find(|l| l.starts_with("interview_interviews_sent_total")), Some("interview_interviews_sent_total 1"));

    let text = log.text();
    // The capture works: the requests are there, by route pattern.
    assert!(text.contains("route=/api/v1/client/open"), "{text}");
    assert!(text.contains("route=/api/v1/client/interview"), "{text}");
    assert!(text.contains("route=/api/v1/work-items/{id}/interviews"), "{text}");
    assert!(text.contains("request_id="), "{text}");
    assert!(text.contains("status=410"), "{text}");
    for (what, secret) in [
        ("link token", token.as_str()),
        ("client session", session.as_str()),
        ("staff cookie", staff.cookie.split_once('=').map_or(staff.cookie.as_str(), |(_, v)| v)),
        ("CSRF token", staff.csrf.as_str()),
        ("admin password", ADMIN_PASSWORD),
    ] {
        assert!(!text.contains(secret), "the {what} is in the log:\n{text}");
    }
    assert!(!text.contains(&format!("/api/v1/work-items/{item_id}")), "raw paths (with ids) are not logged");
    assert!(!text.contains("?token=") && !text.contains("?session="), "query strings are not logged");
    assert!(!text.to_lowercase().contains("bearer"), "{text}");
}
