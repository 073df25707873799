//! Interviews from the staff side: send one for a work item, cancel it, send
//! its email (as staff edited it) over SMTP, and what the "Client interview"
//! wizard may offer (`GET /api/v1/interview-options`, readable by all staff,
//! unlike the admin-only settings).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use interview_api::{
    AuthMethod, EmailOutcome, EmailRequest, EmailStatus, InterviewOptions, SendInterview, SentEmail, SentInterview,
};
use serde_json::{json, Value};

use super::extract::ApiJson;
use super::staff::Staff;
use super::AppState;
use crate::auth::token;
use crate::domain::audit::Actor;
use crate::domain::sending::{self, AuthRequest, EmailView, Recipient};
use crate::domain::{audit, expiry};
use crate::error::Error;
use crate::notify::mail;
use crate::storage::records::AuthMethodName;

/// The interviews' staff routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/work-items/{id}/interviews", post(send_interview))
        .route("/api/v1/interviews/{id}/cancel", post(cancel))
        .route("/api/v1/interviews/{id}/email", post(send_edited_email))
        .route("/api/v1/interview-options", get(interview_options))
}

fn method_name(method: AuthMethod) -> AuthMethodName {
    match method {
        AuthMethod::None => AuthMethodName::None,
        AuthMethod::Passphrase => AuthMethodName::Passphrase,
        AuthMethod::Sms => AuthMethodName::Sms,
    }
}

fn method_of(name: AuthMethodName) -> AuthMethod {
    match name {
        AuthMethodName::None => AuthMethod::None,
        AuthMethodName::Passphrase => AuthMethod::Passphrase,
        AuthMethodName::Sms => AuthMethod::Sms,
    }
}

const NO_SMTP: &str = "No SMTP server is configured; send the email from your own mail program.";
const SMTP_REFUSED: &str = "The mail server did not take the email; send it from your own mail program.";

async fn send_interview(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SendInterview>,
) -> Result<(StatusCode, Json<SentInterview>), Error> {
    let recipient = match (body.client_id, body.client) {
        (Some(id), None) => Recipient::Existing(id),
        (None, Some(fields)) => Recipient::New(fields),
        _ => {
            return Err(Error::Unprocessable {
                code: "invalid_client",
                message: "Give either `client_id` or `client`, not both or neither.".to_owned(),
                errors: None,
            })
        }
    };
    let locale = sending::read_locale(body.locale.as_deref(), state.default_locale)?;
    let auth = match body.auth {
        Some(choice) => AuthRequest { method: method_name(choice.method), passphrase: choice.passphrase },
        None => AuthRequest { method: AuthMethodName::None, passphrase: None },
    };
    let passphrase_hash = match sending::check_passphrase(&auth)? {
        Some(p) => Some(state.hasher.hash(p.to_owned()).await.map_err(|e| Error::Internal(e.to_string()))?),
        None => None,
    };
    let store = state.storage.clone();
    let now = state.now();
    let actor = staff.actor.clone();
    let sections = body.sections;
    let method = auth.method;
    let (sent, work_item_id) = state
        .blocking(move || {
            sending::send(&store, now, &actor, &id, sending::SendRequest { recipient, method, passphrase_hash, sections, locale })
        })
        .await?;
    // The interview exists once `send` returns; the email is extra. Its outcome is
    // reported in `email.status` (with `email.error`) rather than as a failed call,
    // so staff keep the link and the `mailto` to send it themselves.
    let (status, error) = if !body.send_email {
        (EmailStatus::NotSent, None)
    } else if state.smtp.is_none() {
        (EmailStatus::NotConfigured, Some(NO_SMTP.to_owned()))
    } else {
        let outcome = smtp_send(&state, &sent.email, &sent.id).await;
        record_email(&state, &staff.actor, &work_item_id, &sent.id, outcome, false).await;
        outcome_words(outcome)
    };
    let email = SentEmail {
        to: sent.email.to,
        subject: sent.email.subject,
        body: sent.email.body,
        mailto: sent.email.mailto,
        status,
        error,
    };
    Ok((
        StatusCode::CREATED,
        Json(SentInterview { id: sent.id, link: sent.link, expires_at: sent.expires_at, locale: sent.locale.tag().to_owned(), email }),
    ))
}

/// Hands the email to the SMTP server; true when it took it.
async fn smtp_send(state: &AppState, email: &EmailView, interview_id: &str) -> bool {
    match state.send_email(email).await {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(error = %e, interview = %interview_id, "interview email not sent");
            false
        }
    }
}

fn outcome_words(sent: bool) -> (EmailStatus, Option<String>) {
    if sent {
        (EmailStatus::Sent, None)
    } else {
        (EmailStatus::Failed, Some(SMTP_REFUSED.to_owned()))
    }
}

/// Audits an email's outcome (`email_sent` or `email_failed`); a lost audit
/// line is logged, not turned into an error (the email is already done).
async fn record_email(state: &AppState, actor: &Actor, work_item_id: &str, interview_id: &str, sent: bool, edited: bool) {
    let store = state.storage.clone();
    let actor = actor.clone();
    let now = state.now();
    let work_item_id = work_item_id.to_owned();
    let details = if edited { json!({"interview": interview_id, "edited": true}) } else { json!({"interview": interview_id}) };
    let event = if sent { "email_sent" } else { "email_failed" };
    let recorded = state
        .blocking(move || {
            store.write(|tx| {
                audit::record(tx, &work_item_id, now, &actor, event, details.clone(), None)?;
                Ok(())
            })
        })
        .await;
    if let Err(e) = recorded {
        tracing::error!(error = %e, "recording the email's outcome failed");
    }
}

async fn cancel(State(state): State<AppState>, staff: Staff, Path(id): Path<String>) -> Result<Json<Value>, Error> {
    let store = state.storage.clone();
    let now = state.now();
    state.blocking(move || sending::cancel(&store, now, &staff.actor, &id)).await?;
    Ok(Json(json!({"state": "cancelled"})))
}

fn invalid_email(message: &str) -> Error {
    Error::Unprocessable { code: "invalid_email", message: message.to_owned(), errors: None }
}

/// Whether `body` holds the link of the interview whose token hashes to
/// `token_hash`: some `<public_base_url>/i/#<token>` in it whose token hashes
/// the same. The host never kept the token, so this is the only way it can
/// know the email still carries the client's link.
pub fn carries_link(body: &str, public_base_url: &str, token_hash: &token::Digest) -> bool {
    let prefix = format!("{}/i/#", public_base_url.trim_end_matches('/'));
    body.match_indices(&prefix).any(|(at, _)| {
        let rest = &body[at + prefix.len()..];
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')).unwrap_or(rest.len());
        &token::hash_token(&rest[..end]) == token_hash
    })
}

/// `POST /api/v1/interviews/{id}/email`: sends the interview's email, as
/// staff edited it, to the interview's client over SMTP.
async fn send_edited_email(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<EmailRequest>,
) -> Result<Json<EmailOutcome>, Error> {
    let subject = body.subject.trim().to_owned();
    if subject.is_empty() || subject.chars().count() > 1000 || subject.contains(['\r', '\n']) {
        return Err(invalid_email("The subject must be one line of 1 to 1000 characters."));
    }
    if body.body.chars().count() > 20_000 {
        return Err(invalid_email("The body must be at most 20000 characters."));
    }
    let store = state.storage.clone();
    let now = state.now();
    let (interview, client_email, base_url) = state
        .blocking(move || {
            store.read(|tx| {
                let interview = tx.interview(&id)?.ok_or(Error::NotFound { what: "interview" })?;
                let client = tx
                    .client(&interview.client_id)?
                    .ok_or_else(|| Error::Internal("the client of an interview is missing".to_owned()))?;
                Ok((interview, client.email, tx.settings()?.public_base_url))
            })
        })
        .await?;
    if !expiry::is_live(&interview, now) {
        return Err(Error::Conflict {
            code: "not_outstanding",
            message: "The interview is no longer waiting for the client, so its link would not work.".to_owned(),
        });
    }
    if state.smtp.is_none() {
        return Err(Error::Unprocessable { code: "smtp_not_configured", message: NO_SMTP.to_owned(), errors: None });
    }
    if !carries_link(&body.body, &base_url, &interview.token_hash) {
        return Err(Error::Unprocessable {
            code: "link_missing",
            message: "The body must still contain the interview's link exactly as it was given when the interview was sent."
                .to_owned(),
            errors: None,
        });
    }
    let email = mail::Email { to: client_email, subject, body: body.body };
    let view = EmailView { mailto: mail::mailto(&email), to: email.to, subject: email.subject, body: email.body };
    let sent = smtp_send(&state, &view, &interview.id).await;
    record_email(&state, &staff.actor, &interview.work_item_id, &interview.id, sent, true).await;
    let (status, error) = outcome_words(sent);
    Ok(Json(EmailOutcome { to: view.to, status, error }))
}

/// `GET /api/v1/interview-options`: the part of the settings the wizard needs.
async fn interview_options(State(state): State<AppState>, _staff: Staff) -> Result<Json<InterviewOptions>, Error> {
    let store = state.storage.clone();
    let settings = state.blocking(move || store.read(|tx| Ok(tx.settings()?))).await?;
    Ok(Json(InterviewOptions {
        auth_methods: settings.auth_methods.iter().copied().map(method_of).collect(),
        default_locale: state.default_locale.tag().to_owned(),
        locales: interview_runtime::Locale::ALL.iter().map(|l| l.tag().to_owned()).collect(),
        smtp_configured: state.smtp.is_some(),
        link_lifetime_secs: settings.link_lifetime_secs,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_is_found_only_with_its_own_token() {
        let (token, hash) = token::new_token();
        let base = "https://forms.example";
        let body = format!("Dear Ann,\n\nOpen https://forms.example/i/#{token}\nThanks");
        assert!(carries_link(&body, base, &hash));
        assert!(carries_link(&body, "https://forms.example/", &hash));
        let (other, _) = token::new_token();
        assert!(!carries_link(&format!("Open https://forms.example/i/#{other}"), base, &hash));
        assert!(!carries_link(&format!("Open https://elsewhere.example/i/#{token}"), base, &hash));
        assert!(!carries_link(&format!("Open https://forms.example/i/#{}", &token[..20]), base, &hash));
        assert!(!carries_link("no link at all", base, &hash));
    }
}
