//! The layers around the API: body limit, request timeout, load shedding,
//! CORS for the client API (configured embed origins only), `no-store` on
//! API answers, and security headers on everything.

use std::time::Duration;

use axum::body::Body;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{BoxError, Router};
use tower::ServiceBuilder;

use super::AppState;
use crate::error::Error;

/// Largest JSON body the API accepts.
pub const JSON_BODY_LIMIT: usize = 1024 * 1024;
/// Longest a request may take before it is answered 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Requests served at once before new ones are shed with a 503.
pub const MAX_IN_FLIGHT: usize = 512;

/// Wraps the API routes in their layers.
pub fn api(router: Router<AppState>, state: &AppState) -> Router<AppState> {
    router
        .layer(middleware::from_fn_with_state(state.clone(), cors))
        .layer(middleware::from_fn(no_store))
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(overloaded))
                .load_shed()
                .concurrency_limit(MAX_IN_FLIGHT)
                .timeout(REQUEST_TIMEOUT),
        )
}

/// Answers requests the stack gave up on (timeout, load shed) in the API's shape.
async fn overloaded(error: BoxError) -> Response {
    let message = if error.is::<tower::timeout::error::Elapsed>() {
        "The request took too long; nothing was lost, please try again."
    } else {
        "The service is busy; please try again in a moment."
    };
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, HeaderValue::from_static("5"))],
        axum::Json(serde_json::json!({"error": {"code": "unavailable", "message": message}})),
    )
        .into_response()
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
