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
use crate::domain::sending;
use crate::domain::{paging, work_items};
use crate::error::Error;
use crate::storage::records::{Role, StaffSession, User, WorkItemStatus};
use interview_api::{AnswerRevisionView, DocumentCreated, NewDocument, WorkItemDetail};

/// Name of the staff session cookie.
pub const COOKIE: &str = "interview_staff";

/// The staff API's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/work-items", post(create_work_item).get(list_work_items))
        .route("/api/v1/work-items/{id}", get(get_work_item))
        .route("/api/v1/work-items/{id}/answers", get(super::answers_out::download).put(edit_answers))
        .route("/api/v1/work-items/{id}/template", get(super::answers_out::template))
        .route("/api/v1/work-items/{id}/audit", get(audit))
        .route("/api/v1/work-items/{id}/documents", post(create_document))
        .route("/api/v1/documents/{id}", get(download_document))
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

/// `limit` and `cursor`, as every paged list takes them.
#[derive(Deserialize)]
pub(crate) struct PageQuery {
    /// Rows per page (1 to 200).
    pub(crate) limit: Option<String>,
    /// Where the page starts (the `Link` header's cursor).
    pub(crate) cursor: Option<String>,
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
    /// Only the work items of this client (`cli_…`).
    client_id: Option<String>,
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
    let client_id = search.client_id.clone().filter(|c| !c.trim().is_empty());
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
                let filter = work_items::Filter {
                    status,
                    q: q.as_deref(),
                    work_group_id: group_id.as_deref(),
                    client_id: client_id.as_deref(),
                };
                work_items::list(tx, now, filter, after, limit)
            })
        })
        .await?;
    let filters =
        [
            ("status", search.status.as_deref()),
            ("q", search.q.as_deref()),
            ("work_group", search.work_group.as_deref()),
            ("client_id", search.client_id.as_deref()),
        ];
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
