//! The layers around the API: body limit, request timeout, load shedding,
//! CORS for the client API (configured embed origins only), `no-store` on
//! API answers, and security headers on everything; around every request,
//! a request id, a tracing span and the metrics.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{BoxError, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::Rng as _;
use tower::ServiceBuilder;
use tracing::Instrument as _;

use super::metrics::route_label;
use super::AppState;
use crate::error::Error;

/// Largest JSON body the API accepts.
pub const JSON_BODY_LIMIT: usize = 1024 * 1024;
/// Longest a request may take before it is answered 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest an upload may take: 25 MiB over a slow mobile connection needs minutes.
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// Requests served at once before new ones are shed with a 503.
pub const MAX_IN_FLIGHT: usize = 512;

/// Wraps the API routes in their layers.
pub fn api(router: Router<AppState>, state: &AppState) -> Router<AppState> {
    router
        .layer(middleware::from_fn_with_state(state.clone(), cors))
        .layer(middleware::from_fn(no_store))
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(middleware::from_fn(deadline))
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(overloaded))
                .load_shed()
                .concurrency_limit(MAX_IN_FLIGHT),
        )
}

/// How long a request to `path` may take before its answer starts: uploads,
/// and the admin's backup and check of a database that may be large, get
/// [`UPLOAD_TIMEOUT`]; everything else [`REQUEST_TIMEOUT`].
pub fn time_limit(path: &str) -> Duration {
    match path {
        "/api/v1/client/files" | "/api/v1/admin/backup" | "/api/v1/admin/check" => UPLOAD_TIMEOUT,
        _ => REQUEST_TIMEOUT,
    }
}

/// Answers 503 when a request runs past its [`time_limit`].
async fn deadline(request: Request, next: Next) -> Response {
    let limit = time_limit(request.uri().path());
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => unavailable("The request took too long; nothing was lost, please try again."),
    }
}

fn unavailable(message: &str) -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, HeaderValue::from_static("5"))],
        axum::Json(serde_json::json!({"error": {"code": "unavailable", "message": message}})),
    )
        .into_response()
}

/// Answers requests the stack shed under load, in the API's shape.
async fn overloaded(_error: BoxError) -> Response {
    unavailable("The service is busy; please try again in a moment.")
}

/// API answers are personal: never cached.
async fn no_store(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// CORS for the client API: only the configured embed origins, bearer tokens only (no cookies).
async fn cors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let is_client_api = request.uri().path().starts_with("/api/v1/client/");
    let origin = request.headers().get(header::ORIGIN).and_then(|o| o.to_str().ok()).map(str::to_owned);
    let allowed = match (&origin, is_client_api) {
        (Some(origin), true) => state
            .embed_origins
            .read()
            .map(|list| list.iter().any(|o| o.trim_end_matches('/').eq_ignore_ascii_case(origin)))
            .unwrap_or(false),
        _ => false,
    };
    if request.method() == Method::OPTIONS && is_client_api {
        if !allowed {
            return Error::Forbidden { code: "origin_not_allowed", message: "This site may not embed the interview.".to_owned() }
                .into_response();
        }
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NO_CONTENT;
        let h = response.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, PUT"));
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("authorization, content-type, idempotency-key"),
        );
        h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        allow_origin(h, origin.as_deref());
        return response;
    }
    let mut response = next.run(request).await;
    if allowed {
        allow_origin(response.headers_mut(), origin.as_deref());
    }
    response
}

fn allow_origin(headers: &mut axum::http::HeaderMap, origin: Option<&str>) {
    if let Some(v) = origin.and_then(|o| HeaderValue::from_str(o).ok()) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
}

/// Headers every answer carries.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        // The interview page needs its own script and wasm; nothing else, and it is never framed.
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
                 img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
            ),
        );
    }
    response
}

/// The header carrying a request's id, in the request and in its answer.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest incoming request id taken over as is.
pub const MAX_REQUEST_ID_LEN: usize = 64;

/// A request's id, in the request's extensions for handlers that want it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// Whether an incoming request id may be kept: short, and only characters
/// that cannot forge log lines or headers.
pub fn sane_request_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_REQUEST_ID_LEN
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A fresh request id: 16 random bytes, base64url (22 characters).
pub fn new_request_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Gives every request an id, a tracing span and a place in the metrics.
///
/// The span and the log line carry the method, the matched route pattern,
/// the status, the latency and the id, never the URI: its query string, and
/// the headers and bodies, can hold link tokens, sessions and cookies.
pub async fn observe(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| sane_request_id(v))
        .map_or_else(new_request_id, str::to_owned);
    let route = route_label(request.extensions().get::<MatchedPath>().map(MatchedPath::as_str), request.uri().path());
    let method = request.method().clone();
    // Both alphabets are header-safe, so this cannot fail; the fallback only avoids a panic path.
    let header_value = HeaderValue::from_str(&id).ok();
    if let Some(v) = &header_value {
        request.headers_mut().insert(REQUEST_ID, v.clone());
    }
    request.extensions_mut().insert(RequestId(id.clone()));

    let span = tracing::info_span!("request", request_id = %id, method = %method, route = %route);
    let in_flight = state.metrics.in_flight();
    let mut response = next.run(request).instrument(span.clone()).await;
    drop(in_flight);

    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    state.metrics.record(&method, &route, status, elapsed);
    let latency_ms = elapsed.as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if response.status().is_server_error() {
            // Whole on its own: under a `warn` filter the info span, and its fields, are off.
            tracing::warn!(request_id = %id, method = %method, route = %route, status, latency_ms, "answered");
        } else {
            tracing::info!(status, latency_ms, "answered");
        }
    });
    if let Some(v) = header_value {
        response.headers_mut().insert(REQUEST_ID, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_backups_and_checks_get_the_long_deadline() {
        for path in ["/api/v1/client/files", "/api/v1/admin/backup", "/api/v1/admin/check"] {
            assert_eq!(time_limit(path), UPLOAD_TIMEOUT, "{path}");
        }
        for path in ["/api/v1/work-items", "/api/v1/admin/backup/x", "/api/v1/client/submit"] {
            assert_eq!(time_limit(path), REQUEST_TIMEOUT, "{path}");
        }
    }

    #[test]
    fn only_short_plain_request_ids_are_kept() {
        assert!(sane_request_id("abc-DEF_123"));
        assert!(sane_request_id(&"a".repeat(MAX_REQUEST_ID_LEN)));
        assert!(!sane_request_id(&"a".repeat(MAX_REQUEST_ID_LEN + 1)));
        assert!(!sane_request_id(""));
        assert!(!sane_request_id("a b"));
        assert!(!sane_request_id("a\nb"));
        assert!(!sane_request_id("a=b"));
        let fresh = new_request_id();
        assert!(sane_request_id(&fresh) && fresh.len() == 22, "{fresh}");
        assert_ne!(fresh, new_request_id());
    }
}
