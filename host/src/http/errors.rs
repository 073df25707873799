//! The one mapping from [`Error`] to an HTTP answer: a status, the JSON body
//! `{"error": {"code", "message", ...}}` of the API contract, and headers
//! (`Retry-After`). 5xx bodies are generic; the details go to the log only.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use crate::error::{Error, EXPIRED_MESSAGE};

/// The status, code and message of an error, and extra fields for its body.
fn parts(error: &Error) -> (StatusCode, &'static str, String, Map<String, Value>) {
    let mut extra = Map::new();
    let (status, code, message) = match error {
        Error::BadRequest { code, message } => (StatusCode::BAD_REQUEST, *code, message.clone()),
        Error::Unauthorized { code, message, attempts_left } => {
            if let Some(left) = attempts_left {
                extra.insert("attempts_left".to_owned(), json!(left));
            }
            (StatusCode::UNAUTHORIZED, *code, message.clone())
        }
        Error::Forbidden { code, message } => (StatusCode::FORBIDDEN, *code, message.clone()),
        Error::NotFound { what } => (StatusCode::NOT_FOUND, "not_found", format!("There is no such {what}.")),
        Error::Conflict { code, message } => (StatusCode::CONFLICT, *code, message.clone()),
        Error::Expired => (StatusCode::GONE, "expired", EXPIRED_MESSAGE.to_owned()),
        Error::TooLarge { message } => (StatusCode::PAYLOAD_TOO_LARGE, "too_large", message.clone()),
        Error::UnsupportedMedia { message } => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", message.clone())
        }
        Error::Unprocessable { code, message, errors } => {
            if let Some(errors) = errors {
                extra.insert("errors".to_owned(), errors.clone());
            }
            (StatusCode::UNPROCESSABLE_ENTITY, *code, message.clone())
        }
        Error::Locked { retry_after_secs, .. } => {
            extra.insert("retry_after".to_owned(), json!(retry_after_secs));
            (StatusCode::TOO_MANY_REQUESTS, "locked", error.to_string())
        }
        Error::TooManyRequests { code, message, retry_after_secs } => {
            extra.insert("retry_after".to_owned(), json!(retry_after_secs));
            (StatusCode::TOO_MANY_REQUESTS, *code, message.clone())
        }
        Error::Unavailable { code, message, retry_after_secs } => {
            extra.insert("retry_after".to_owned(), json!(retry_after_secs));
            (StatusCode::SERVICE_UNAVAILABLE, *code, message.clone())
        }
        Error::Io(_) | Error::Storage(_) | Error::Internal(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong on our side; nothing you sent was lost. Please try again.".to_owned(),
        ),
    };
    (status, code, message, extra)
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, code, message, extra) = parts(&self);
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let mut body = Map::new();
        body.insert("code".to_owned(), json!(code));
        body.insert("message".to_owned(), json!(message));
        body.extend(extra);
        let mut response = (status, Json(json!({"error": body}))).into_response();
        if let Error::TooManyRequests { retry_after_secs, .. }
        | Error::Locked { retry_after_secs, .. }
        | Error::Unavailable { retry_after_secs, .. } = &self
        {
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_of(error: Error) -> (StatusCode, Value, Option<String>) {
        let response = error.into_response();
        let status = response.status();
        let retry = response.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("body");
        (status, serde_json::from_slice(&bytes).expect("json"), retry)
    }

    #[tokio::test]
    async fn each_error_maps_to_its_status_and_body() {
        let (s, b, _) = body_of(Error::Expired).await;
        assert_eq!((s, b), (StatusCode::GONE, json!({"error": {"code": "expired", "message": "This request has expired."}})));

        let (s, b, _) = body_of(Error::Unauthorized { code: "wrong_passphrase", message: "No.".into(), attempts_left: Some(2) }).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert_eq!(b["error"]["attempts_left"], json!(2));

        let (s, b, retry) = body_of(Error::locked(61)).await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(b["error"]["code"], json!("locked"));
        assert_eq!(b["error"]["retry_after"], json!(61));
        assert_eq!(retry.as_deref(), Some("61"));
        // The attempt that locks answers exactly as every later one does.
        let now = body_of(Error::locked_now(61)).await;
        assert_eq!((now.0, now.1.clone(), now.2), (s, b.clone(), retry));
        assert_eq!(b["error"]["message"], json!("Too many failed attempts. Try again in 2 minute(s)."));

        let (s, b, _) = body_of(Error::Unprocessable { code: "invalid_answers", message: "x".into(), errors: Some(json!([1])) }).await;
        assert_eq!((s, &b["error"]["errors"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!([1])));

        let (s, b, _) = body_of(Error::NotFound { what: "work item" }).await;
        assert_eq!((s, &b["error"]["code"]), (StatusCode::NOT_FOUND, &json!("not_found")));

        let (s, _, _) = body_of(Error::Conflict { code: "outstanding_interview", message: "x".into() }).await;
        assert_eq!(s, StatusCode::CONFLICT);
        let (s, _, _) = body_of(Error::BadRequest { code: "bad_json", message: "x".into() }).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        let (s, _, _) = body_of(Error::Forbidden { code: "csrf", message: "x".into() }).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _, _) = body_of(Error::TooLarge { message: "x".into() }).await;
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
        let (s, _, _) = body_of(Error::UnsupportedMedia { message: "x".into() }).await;
        assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let (s, b, retry) = body_of(Error::Unavailable { code: "sms_unavailable", message: "x".into(), retry_after_secs: 30 }).await;
        assert_eq!((s, &b["error"]["code"], retry.as_deref()), (StatusCode::SERVICE_UNAVAILABLE, &json!("sms_unavailable"), Some("30")));
    }

    #[tokio::test]
    async fn server_errors_never_leak_details() {
        let (s, b, _) = body_of(Error::Internal("secret path /var/lib/x".into())).await;
        assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!b.to_string().contains("/var/lib"));
    }
}
