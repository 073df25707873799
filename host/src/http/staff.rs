//! The staff API (`/api/v1/...`): signed-in staff (an HttpOnly, SameSite=Strict
//! session cookie plus a CSRF header on every state-changing call) or a
//! partner back end (an API key as a bearer token).

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::extract::{bearer, ApiJson, ApiQuery};
use super::AppState;
use crate::auth::token::Digest;
use crate::auth::{csrf, token};
use crate::domain::audit::Actor;
use crate::domain::clients::{self, ClientFields};
use crate::domain::sending::{self, AuthRequest, Recipient};
use crate::domain::{paging, work_items};
use crate::error::Error;
use crate::storage::records::{Role, StaffSession, User, WorkItemStatus};
use interview_api::{AnswerRevisionView, ClientView, DocumentCreated, NewDocument, WorkItemDetail};

/// Name of the staff session cookie.
pub const COOKIE: &str = "interview_staff";

/// The staff API's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/clients", post(create_client).get(list_clients))
        .route("/api/v1/clients/{id}", get(get_client).patch(edit_client))
        .route("/api/v1/work-items", post(create_work_item).get(list_work_items))
        .route("/api/v1/work-items/{id}", get(get_work_item))
        .route("/api/v1/work-items/{id}/answers", get(super::answers_out::download).put(edit_answers))
        .route("/api/v1/work-items/{id}/template", get(super::answers_out::template))
        .route("/api/v1/work-items/{id}/interviews", post(send_interview))
        .route("/api/v1/work-items/{id}/audit", get(audit))
        .route("/api/v1/work-items/{id}/documents", post(create_document))
        .route("/api/v1/documents/{id}", get(download_document))
        .route("/api/v1/interviews/{id}/cancel", post(cancel))
        .route("/api/v1/work-items/{id}/history", get(answer_history))
}

/// A caller allowed on the staff API.
pub struct Staff {
    /// Who, for the audit log.
    pub actor: Actor,
    /// What they may do.
    pub role: Role,
    /// The digest of the session cookie they came with (`None` for an API key).
    pub session: Option<Digest>,
}

impl Staff {
    fn admin_only(&self) -> Result<(), Error> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(Error::Forbidden { code: "admin_only", message: "Only an admin can do this.".to_owned() })
        }
    }
}

/// The value of the request's cookie `name`.
pub(crate) fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|line| {
        line.split(';').find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then(|| v.to_owned())
        })
    })
}

/// The refusal of a caller with no valid session or key.
pub(crate) fn not_signed_in() -> Error {
    Error::Unauthorized {
        code: "not_signed_in",
        message: "Sign in first (or send an API key).".to_owned(),
        attempts_left: None,
    }
}

/// The session of a staff cookie and its user, when both exist, the session has
/// not expired and the user is not disabled.
pub(crate) async fn cookie_session(state: &AppState, cookie: &str) -> Result<Option<(StaffSession, User)>, Error> {
    let now = state.now();
    let store = state.storage.clone();
    let hash = token::hash_token(cookie);
    let found = state
        .blocking(move || {
            store.read(|tx| {
                let Some(session) = tx.staff_session(&hash)? else { return Ok(None) };
                let user = tx.user(&session.user_id)?;
                Ok(Some((session, user)))
            })
        })
        .await?;
    Ok(match found {
        Some((session, Some(user))) if now < session.expires_at && !user.disabled => Some((session, user)),
        _ => None,
    })
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(key) = bearer(&parts.headers) {
            let hash = token::hash_token(&key);
            let store = state.storage.clone();
            let found = state.blocking(move || store.read(|tx| Ok(tx.api_key_by_hash(&hash)?))).await?;
            return match found {
                Some(k) if !k.revoked => Ok(Staff { actor: Actor::ApiKey(k.id), role: k.role, session: None }),
                _ => Err(not_signed_in()),
            };
        }
        let cookie = cookie_value(&parts.headers, COOKIE).ok_or_else(not_signed_in)?;
        let (session, user) = cookie_session(state, &cookie).await?.ok_or_else(not_signed_in)?;
        let changes_state = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if changes_state {
            let header = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
            if !csrf::csrf_ok(header, &session.csrf_hash) {
                return Err(Error::Forbidden {
                    code: "csrf",
                    message: "Send the `X-CSRF-Token` header given at sign-in.".to_owned(),
                });
            }
        }
        Ok(Staff { actor: Actor::User(user.id), role: user.role, session: Some(session.token_hash) })
    }
}

/// A caller allowed on the admin-only calls; checked before the body is read, so a
/// non-admin learns nothing from body errors.
pub struct Admin(pub Staff);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let staff = Staff::from_request_parts(parts, state).await?;
        staff.admin_only()?;
        Ok(Admin(staff))
    }
}

// ------------------------------------------------------------------ clients

async fn create_client(State(state): State<AppState>, _staff: Staff, ApiJson(body): ApiJson<ClientFields>) -> Result<(StatusCode, Json<Value>), Error> {
    let store = state.storage.clone();
    let now = state.now();
    let client = state.blocking(move || store.write(|tx| clients::create(tx, now, body))).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": client.id}))))
}

/// `limit` and `cursor`, as every paged list takes them.
#[derive(Deserialize)]
struct PageQuery {
    limit: Option<String>,
    cursor: Option<String>,
}

#[derive(Deserialize)]
struct Search {
    q: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

async fn list_clients(State(state): State<AppState>, _staff: Staff, ApiQuery(search): ApiQuery<Search>) -> Result<Response, Error> {
    let limit = paging::read_limit(search.page.limit.as_deref())?;
    let after = search.page.cursor.as_deref().map(paging::read_row_cursor).transpose()?;
    let store = state.storage.clone();
    let q = search.q.clone();
    let page = state.blocking(move || store.read(|tx| clients::list(tx, q.as_deref(), after, limit))).await?;
    Ok(super::paging::respond(page, "/api/v1/clients", &[("q", search.q.as_deref())], limit))
}

async fn get_client(State(state): State<AppState>, _staff: Staff, Path(id): Path<String>) -> Result<Json<ClientView>, Error> {
    let store = state.storage.clone();
    let client = state.blocking(move || store.read(|tx| tx.client(&id)?.ok_or(Error::NotFound { what: "client" }))).await?;
    Ok(Json(clients::view(&client)))
}

async fn edit_client(
    State(state): State<AppState>,
    _staff: Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ClientFields>,
) -> Result<Json<ClientView>, Error> {
    let store = state.storage.clone();
    let now = state.now();
    let client = state.blocking(move || store.write(|tx| clients::update(tx, now, &id, body))).await?;
    Ok(Json(clients::view(&client)))
}

// ------------------------------------------------------------------ work items

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewWorkItem {
    name: String,
    template_id: String,
    work_group: Option<String>,
    initial_answers: Option<Value>,
}

async fn create_work_item(State(state): State<AppState>, staff: Staff, ApiJson(body): ApiJson<NewWorkItem>) -> Result<(StatusCode, Json<Value>), Error> {
    let store = state.storage.clone();
    let now = state.now();
    let item = state
        .blocking(move || {
            work_items::create(&store, now, &staff.actor, &body.name, &body.template_id, body.work_group, body.initial_answers.as_ref())
        })
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": item.id}))))
}

/// The filters of `GET /api/v1/work-items`.
#[derive(Deserialize)]
struct WorkItemSearch {
    q: Option<String>,
    status: Option<String>,
    /// A work group's name, ignoring case.
    work_group: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

async fn list_work_items(State(state): State<AppState>, _staff: Staff, ApiQuery(search): ApiQuery<WorkItemSearch>) -> Result<Response, Error> {
    let status = match search.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(WorkItemStatus::from_name(s).ok_or_else(|| Error::BadRequest {
            code: "invalid_status",
            message: format!("`{s}` is not a status: draft, waiting_for_client, submitted, cancelled or expired."),
        })?),
    };
    let limit = paging::read_limit(search.page.limit.as_deref())?;
    let after = search.page.cursor.as_deref().map(paging::read_row_cursor).transpose()?;
    let store = state.storage.clone();
    let now = state.now();
    let wanted = search.work_group.clone().filter(|g| !g.trim().is_empty());
    let q = search.q.clone();
    let page = state
        .blocking(move || {
            // Expiry written down first, so statuses (and the status index) are current.
            sending::sweep_expired(&store, now)?;
            store.read(|tx| {
                let group_id = match &wanted {
                    Some(name) => match tx.work_group_by_name(name)? {
                        Some(group) => Some(group.id),
                        // No group has that name, so nothing is filed under it.
                        None => return Ok(paging::Page { items: Vec::new(), next: None }),
                    },
                    None => None,
                };
                let filter = work_items::Filter { status, q: q.as_deref(), work_group_id: group_id.as_deref() };
                work_items::list(tx, now, filter, after, limit)
            })
        })
        .await?;
    let filters =
        [("status", search.status.as_deref()), ("q", search.q.as_deref()), ("work_group", search.work_group.as_deref())];
    Ok(super::paging::respond(page, "/api/v1/work-items", &filters, limit))
}

async fn get_work_item(State(state): State<AppState>, _staff: Staff, Path(id): Path<String>) -> Result<Json<WorkItemDetail>, Error> {
    let store = state.storage.clone();
    let now = state.now();
    let view = state
        .blocking(move || {
            // This item's expiry only: reading one work item touches no other.
            sending::expire_work_item(&store, now, &id)?;
            store.read(|tx| work_items::detail(tx, &id, now))
        })
        .await?;
    Ok(Json(view))
}

async fn edit_answers(State(state): State<AppState>, staff: Staff, Path(id): Path<String>, ApiJson(body): ApiJson<Value>) -> Result<Json<Value>, Error> {
    let store = state.storage.clone();
    let now = state.now();
    let item = state.blocking(move || work_items::edit_answers(&store, now, &staff.actor, &id, &body)).await?;
    Ok(Json(json!({"id": item.id, "answers": item.answers})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SendBody {
    client_id: Option<String>,
    client: Option<ClientFields>,
    auth: Option<AuthRequest>,
    sections: Option<Vec<String>>,
    #[serde(default)]
    send_email: bool,
    locale: Option<String>,
}

async fn send_interview(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SendBody>,
) -> Result<(StatusCode, Json<Value>), Error> {
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
    let auth = body.auth.unwrap_or(AuthRequest { method: crate::storage::records::AuthMethodName::None, passphrase: None });
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
    let mut email_status = "not_sent";
    let mut email_error: Option<String> = None;
    if body.send_email {
        if state.smtp.is_none() {
            email_status = "not_configured";
            email_error = Some("No SMTP server is configured; send the email from your own mail program.".to_owned());
        } else {
            match state.send_email(&sent.email).await {
                Ok(()) => email_status = "sent",
                Err(e) => {
                    tracing::warn!(error = %e, interview = %sent.id, "interview email not sent");
                    email_status = "failed";
                    email_error = Some("The mail server did not take the email; send it from your own mail program.".to_owned());
                }
            }
            let store = state.storage.clone();
            let actor = staff.actor.clone();
            let now = state.now();
            let interview_id = sent.id.clone();
            let event = if email_status == "sent" { "email_sent" } else { "email_failed" };
            let recorded = state
                .blocking(move || {
                    store.write(|tx| {
                        crate::domain::audit::record(tx, &work_item_id, now, &actor, event, json!({"interview": interview_id}), None)?;
                        Ok(())
                    })
                })
                .await;
            // The interview and the email are done; a lost audit line must not turn that into an error.
            if let Err(e) = recorded {
                tracing::error!(error = %e, "recording the email's outcome failed");
            }
        }
    }
    let mut v = serde_json::to_value(&sent).map_err(|e| Error::Internal(e.to_string()))?;
    v["email"]["status"] = json!(email_status);
    if let Some(error) = email_error {
        v["email"]["error"] = json!(error);
    }
    Ok((StatusCode::CREATED, Json(v)))
}

async fn audit(
    State(state): State<AppState>,
    _staff: Staff,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Response, Error> {
    let limit = paging::read_limit(query.limit.as_deref())?;
    let before = query.cursor.as_deref().map(paging::read_seq_cursor).transpose()?;
    let store = state.storage.clone();
    let path = format!("/api/v1/work-items/{id}/audit");
    let page = state.blocking(move || store.read(|tx| crate::domain::audit::list(tx, &id, before, limit))).await?;
    Ok(super::paging::respond(page, &path, &[], limit))
}

async fn cancel(State(state): State<AppState>, staff: Staff, Path(id): Path<String>) -> Result<Json<Value>, Error> {
    let store = state.storage.clone();
    let now = state.now();
    state.blocking(move || sending::cancel(&store, now, &staff.actor, &id)).await?;
    Ok(Json(json!({"state": "cancelled"})))
}

// ------------------------------------------------------------------ documents

async fn create_document(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewDocument>,
) -> Result<(StatusCode, Json<DocumentCreated>), Error> {
    let format: crate::documents::Format = body.format.parse().map_err(|_| Error::Unprocessable {
        code: "unknown_format",
        message: format!("`{}` is not a document format: html, docx or md.", body.format),
        errors: None,
    })?;
    let store = state.storage.clone();
    let now = state.now();
    let data_dir = state.data_dir.clone();
    let meta = state
        .blocking(move || crate::domain::documents::generate(&store, &data_dir, now, &staff.actor, &id, format))
        .await?;
    let url = format!("/api/v1/documents/{}", meta.id);
    Ok((StatusCode::CREATED, Json(DocumentCreated { id: meta.id, url })))
}

async fn download_document(State(state): State<AppState>, _staff: Staff, Path(id): Path<String>) -> Result<Response, Error> {
    let store = state.storage.clone();
    let data_dir = state.data_dir.clone();
    let (meta, bytes, name) = state
        .blocking(move || {
            let (meta, name) = crate::domain::documents::find(&store, &id)?;
            let bytes = std::fs::read(crate::domain::documents::path_of(&data_dir, &meta))?;
            Ok((meta, bytes, name))
        })
        .await?;
    let format: crate::documents::Format =
        meta.format.parse().map_err(|_| Error::Internal(format!("stored document format {}", meta.format)))?;
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(format.content_type()) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", format.file_name(&name))) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

// ------------------------------------------------------------------ answer history

async fn answer_history(State(state): State<AppState>, _staff: Staff, Path(id): Path<String>) -> Result<Json<Vec<AnswerRevisionView>>, Error> {
    let store = state.storage.clone();
    let history = state.blocking(move || store.read(|tx| work_items::history(tx, &id))).await?;
    Ok(Json(history))
}
