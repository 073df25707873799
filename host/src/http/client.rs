//! The client API (`/api/v1/client/...`): the interview page and partner
//! embeds. Bearer client sessions, no cookies, so there is nothing for CSRF
//! to ride on; CORS admits only the configured embed origins.

use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::extract::{bearer, ApiJson, ClientIp};
use super::metrics::SignInMethod;
use super::AppState;
use crate::domain::{access, files, interview};
use crate::error::Error;
use crate::notify::sms::SmsMessage;

/// The client API's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/client/open", post(open))
        .route("/api/v1/client/auth/passphrase", post(passphrase))
        .route("/api/v1/client/auth/sms/start", post(sms_start))
        .route("/api/v1/client/auth/sms/verify", post(sms_verify))
        .route("/api/v1/client/interview", get(view))
        .route("/api/v1/client/progress", put(progress))
        .route("/api/v1/client/submit", post(submit))
        .route("/api/v1/client/files", post(upload).layer(DefaultBodyLimit::max(files::UPLOAD_BODY_LIMIT)))
}

#[derive(Deserialize)]
struct TokenBody {
    token: String,
}

#[derive(Deserialize)]
struct PassphraseBody {
    token: String,
    passphrase: String,
}

#[derive(Deserialize)]
struct Last4Body {
    token: String,
    last4: String,
}

#[derive(Deserialize)]
struct CodeBody {
    token: String,
    code: String,
}

fn session_json(s: access::NewSession) -> Value {
    json!({"session": s.session, "expires_at": s.expires_at.to_rfc3339()})
}

async fn open(State(state): State<AppState>, ClientIp(ip): ClientIp, ApiJson(body): ApiJson<TokenBody>) -> Result<Json<Value>, Error> {
    state.limit_ip(ip)?;
    let now = state.now();
    let store = state.storage.clone();
    let ip_text = ip.to_string();
    let (opened, locale) = state.blocking(move || access::open(&store, now, &body.token, Some(&ip_text))).await?;
    let mut answer = match opened {
        access::Opened::Ready(s) => {
            let mut v = session_json(s);
            v["state"] = json!("ready");
            v
        }
        access::Opened::AuthRequired(method) => json!({"state": "auth_required", "method": method}),
    };
    // The page speaks the interview's language from the first screen (a sign-in one too).
    answer["locale"] = json!(locale);
    Ok(Json(answer))
}

async fn passphrase(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<PassphraseBody>,
) -> Result<Json<Value>, Error> {
    state.limit_ip(ip)?;
    let store = state.storage.clone();
    let now = state.now();
    let token = body.token.clone();
    let hash = state.blocking(move || access::passphrase_hash(&store, now, &token)).await?;
    // The slow hash runs off the executor, bounded so guesses cannot starve other requests.
    let correct = state.hasher.verify(body.passphrase, hash).await;
    let store = state.storage.clone();
    let now = state.now();
    let ip_text = ip.to_string();
    let session = state
        .blocking(move || access::passphrase_result(&store, now, &body.token, correct, Some(&ip_text)))
        .await
        .inspect_err(|e| state.metrics.sign_in_refused(SignInMethod::Passphrase, e))?;
    Ok(Json(session_json(session)))
}

async fn sms_start(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<Last4Body>,
) -> Result<(StatusCode, Json<Value>), Error> {
    state.limit_ip(ip)?;
    let store = state.storage.clone();
    let now = state.now();
    let ip_text = ip.to_string();
    let pending = state
        .blocking(move || access::sms_start(&store, now, &body.token, &body.last4, Some(&ip_text)))
        .await
        .inspect_err(|e| state.metrics.sign_in_refused(SignInMethod::Sms, e))?;
    state
        .sms
        .send(SmsMessage { to: pending.to, body: pending.body })
        .await
        .map_err(|e| {
            // The gateway's failure is logged for operators; the client is told to try again
            // once the resend gap has passed.
            tracing::warn!(error = %e, "SMS not sent");
            Error::Unavailable {
                code: "sms_unavailable",
                message: "The text message could not be sent just now. Please try again in a minute.".to_owned(),
                retry_after_secs: access::SMS_RESEND_GAP_SECS,
            }
        })?;
    Ok((StatusCode::ACCEPTED, Json(json!({"code_expires_in": access::SMS_CODE_TTL_SECS}))))
}

async fn sms_verify(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<CodeBody>,
) -> Result<Json<Value>, Error> {
    state.limit_ip(ip)?;
    let store = state.storage.clone();
    let now = state.now();
    let ip_text = ip.to_string();
    let session = state
        .blocking(move || access::sms_verify(&store, now, &body.token, &body.code, Some(&ip_text)))
        .await
        .inspect_err(|e| state.metrics.sign_in_refused(SignInMethod::Sms, e))?;
    Ok(Json(session_json(session)))
}

async fn view(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<interview::InterviewView>, Error> {
    let session = bearer(&headers).ok_or(Error::Expired)?;
    let store = state.storage.clone();
    let now = state.now();
    let view = state
        .blocking(move || {
            let iv = access::session_interview(&store, now, &session)?;
            interview::view(&store, &iv)
        })
        .await?;
    Ok(Json(view))
}

async fn progress(State(state): State<AppState>, headers: HeaderMap, ApiJson(body): ApiJson<Value>) -> Result<Json<Value>, Error> {
    let session = bearer(&headers).ok_or(Error::Expired)?;
    let store = state.storage.clone();
    let now = state.now();
    let saved_at = state
        .blocking(move || {
            let iv = access::session_interview(&store, now, &session)?;
            let answers = interview::section_answers(&iv, &body)?;
            interview::save_progress(&store, now, &iv.id, answers)
        })
        .await?;
    Ok(Json(json!({"saved_at": saved_at.to_rfc3339()})))
}

async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<interview::Receipt>, Error> {
    let session = bearer(&headers).ok_or(Error::Expired)?;
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .ok_or_else(|| Error::BadRequest {
            code: "idempotency_key_required",
            message: "Send an `Idempotency-Key` header (any unique text up to 200 characters) with a submit.".to_owned(),
        })?
        .to_owned();
    let store = state.storage.clone();
    let now = state.now();
    let ip_text = ip.to_string();
    let receipt = state
        .blocking(move || {
            let iv = match access::session_interview(&store, now, &session) {
                Ok(iv) => iv,
                // After a submit the session stops, except to answer the same submit again.
                Err(Error::Expired) => {
                    let iv = access::session_interview_any_state(&store, &session)?;
                    return interview::replay(&iv, &key);
                }
                Err(e) => return Err(e),
            };
            let answers = interview::section_answers(&iv, &body)?;
            interview::submit(&store, now, &iv.id, answers, &key, Some(&ip_text))
        })
        .await?;
    if receipt.fresh {
        state.metrics.submission();
    }
    Ok(Json(receipt))
}

/// Longest `section` or `question` field accepted.
const MAX_FIELD_CHARS: usize = 256;

/// `POST /client/files`: one file (multipart field `file`), optionally for the
/// question named by the text fields `section` and `question`; streamed to
/// disk, checked against that question (or the default rule), then kept.
async fn upload(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<files::FileRef>), Error> {
    // The session comes first: an expired link reads none of the body.
    let session = bearer(&headers).ok_or(Error::Expired)?;
    let store = state.storage.clone();
    let now = state.now();
    let iv = state.blocking(move || access::session_interview(&store, now, &session)).await?;
    let mut multipart = multipart.map_err(|_| Error::UnsupportedMedia {
        message: "Send the file as `multipart/form-data` with a `file` field.".to_owned(),
    })?;
    let (mut section, mut question, mut rule) = (None, None, None::<files::Rule>);
    let mut file = None;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("file") => {
                if file.is_some() {
                    return Err(Error::BadRequest { code: "one_file_only", message: "Send one file per request.".to_owned() });
                }
                // When the question is known before the bytes, its own limit applies as they arrive.
                if let (Some(s), Some(q)) = (section.clone(), question.clone()) {
                    rule = Some(question_rule(&state, &iv, s, q).await?);
                }
                let name = field.file_name().unwrap_or("file").to_owned();
                let declared = field.content_type().map(str::to_owned);
                let limits = rule.clone().unwrap_or_else(|| files::Rule::default_in(iv.locale));
                let mut incoming = files::Incoming::create(&state.data_dir, limits).await?;
                while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                    incoming.write(&chunk).await?;
                }
                file = Some((incoming.finish().await?, name, declared));
            }
            Some("section") => section = Some(text_field(field, "section").await?),
            Some("question") => question = Some(text_field(field, "question").await?),
            // Other fields are ignored, as forms often send extras; the body limit bounds them.
            _ => while field.chunk().await.map_err(multipart_error)?.is_some() {},
        }
    }
    let Some((staged, name, declared_type)) = file else {
        return Err(Error::BadRequest {
            code: "file_required",
            message: "Send the file in a multipart field named `file`.".to_owned(),
        });
    };
    let rule = match (rule, section.clone(), question.clone()) {
        (Some(rule), _, _) => rule,
        (None, Some(s), Some(q)) => question_rule(&state, &iv, s, q).await?,
        (None, None, None) => files::Rule::default_in(iv.locale),
        (None, _, _) => {
            return Err(Error::BadRequest {
                code: "question_incomplete",
                message: "Send both `section` and `question` to name the question, or neither.".to_owned(),
            })
        }
    };
    let upload = files::Upload { staged, name, declared_type, rule, section, question };
    let store = state.storage.clone();
    let data_dir = state.data_dir.clone();
    let now = state.now();
    let ip_text = ip.to_string();
    let kept = state.blocking(move || files::keep(&store, &data_dir, now, &iv.id, upload, Some(&ip_text))).await?;
    Ok((StatusCode::CREATED, Json(kept)))
}

async fn question_rule(
    state: &AppState,
    iv: &crate::storage::records::Interview,
    section: String,
    question: String,
) -> Result<files::Rule, Error> {
    let store = state.storage.clone();
    let iv = iv.clone();
    state.blocking(move || files::rule_for(&store, &iv, &section, &question)).await
}

/// A short text field, read with a bound.
async fn text_field(mut field: Field<'_>, name: &str) -> Result<String, Error> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_FIELD_CHARS * 4 {
            break;
        }
    }
    let text = String::from_utf8(bytes).ok().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty() && t.chars().count() <= MAX_FIELD_CHARS);
    text.ok_or_else(|| Error::BadRequest {
        code: "invalid_field",
        message: format!("`{name}` must be text of 1 to {MAX_FIELD_CHARS} characters."),
    })
}

/// A broken or oversized multipart body is the caller's problem: 413 or 400, never a 5xx.
fn multipart_error(e: MultipartError) -> Error {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Error::TooLarge { message: format!("The upload is larger than the most this host accepts ({} MB).", files::MAX_UPLOAD_BYTES / (1024 * 1024)) }
    } else {
        Error::BadRequest { code: "invalid_upload", message: format!("The upload could not be read: {}", e.body_text()) }
    }
}
