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
use crate::domain::clients;
use crate::domain::sending;
use crate::domain::{api_keys, paging, templates, work_items};
use crate::error::Error;
use crate::storage::records::{Role, Settings, StaffSession, User, WorkItemStatus};

/// Name of the staff session cookie.
pub const COOKIE: &str = "interview_staff";

/// The staff API's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/templates", post(create_template).get(list_templates))
        .route("/api/v1/templates/{id}", get(get_template))
        .route("/api/v1/templates/{id}/versions", post(add_version))
        .route("/api/v1/templates/{id}/publish", post(publish))
        .route("/api/v1/work-items", post(create_work_item).get(list_work_items))
        .route("/api/v1/work-items/{id}", get(get_work_item))
        .route("/api/v1/work-items/{id}/answers", axum::routing::put(edit_answers))
        .route("/api/v1/work-items/{id}/audit", get(audit))
        .route("/api/v1/work-items/{id}/documents", post(create_document))
        .route("/api/v1/documents/{id}", get(download_document))
        .route("/api/v1/settings", get(get_settings).put(put_settings))
        .route("/api/v1/work-items/{id}/history", get(answer_history))
        .route("/api/v1/api-keys", post(create_api_key).get(list_api_keys))
        .route("/api/v1/api-keys/{id}", axum::routing::delete(revoke_api_key))
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

// ------------------------------------------------------------------ templates

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTemplate {
    name: String,
    definition: Value,
}

async fn create_template(State(state): State<AppState>, staff: Staff, ApiJson(body): ApiJson<NewTemplate>) -> Result<(StatusCode, Json<Value>), Error> {
    let store = state.storage.clone();
    let now = state.now();
    let actor = staff.actor.as_string();
    let record = state.blocking(move || templates::create(&store, now, &actor, &body.name, &body.definition)).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": record.id, "version": 1}))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewVersion {
    definition: Value,
}

async fn add_version(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewVersion>,
) -> Result<(StatusCode, Json<Value>), Error> {
    let store = state.storage.clone();
    let now = state.now();
    let actor = staff.actor.as_string();
    let version = state.blocking(move || templates::add_version(&store, now, &actor, &id, &body.definition)).await?;
    Ok((StatusCode::CREATED, Json(json!({"version": version}))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Publish {
    version: u32,
}

async fn publish(State(state): State<AppState>, _staff: Staff, Path(id): Path<String>, ApiJson(body): ApiJson<Publish>) -> Result<Json<Value>, Error> {
    let store = state.storage.clone();
    let record = state.blocking(move || templates::publish(&store, &id, body.version)).await?;
    Ok(Json(json!({"id": record.id, "live_version": record.live_version})))
}

fn template_json(t: &crate::storage::records::TemplateRecord) -> Value {
    json!({
        "id": t.id, "name": t.name, "live_version": t.live_version, "created_at": t.created_at.to_rfc3339(),
        "versions": t.versions.iter().map(|v| json!({"version": v.version, "title": v.title, "created_at": v.created_at.to_rfc3339(), "created_by": v.created_by})).collect::<Vec<_>>(),
    })
}

async fn list_templates(State(state): State<AppState>, _staff: Staff) -> Result<Json<Value>, Error> {
    let store = state.storage.clone();
    let all = state.blocking(move || store.read(|tx| Ok(tx.templates()?))).await?;
    Ok(Json(Value::Array(all.iter().map(template_json).collect())))
}

async fn get_template(State(state): State<AppState>, _staff: Staff, Path(id): Path<String>) -> Result<Json<Value>, Error> {
    let store = state.storage.clone();
    let (record, definition) = state
        .blocking(move || {
            store.read(|tx| {
                let record = tx.template(&id)?.ok_or(Error::NotFound { what: "template" })?;
                let definition = tx.template_definition(&id, record.live_version)?;
                Ok((record, definition))
            })
        })
        .await?;
    let mut v = template_json(&record);
    v["definition"] = definition.and_then(|d| serde_json::from_str(&d).ok()).unwrap_or(Value::Null);
    Ok(Json(v))
}

// ------------------------------------------------------------------ clients

fn client_json(c: &crate::storage::records::Client) -> Value {
    serde_json::to_value(clients::view(c)).unwrap_or(Value::Null)
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

fn status_name(s: WorkItemStatus) -> Value {
    serde_json::to_value(s).unwrap_or(Value::Null)
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

async fn get_work_item(State(state): State<AppState>, _staff: Staff, Path(id): Path<String>) -> Result<Json<Value>, Error> {
    let store = state.storage.clone();
    let now = state.now();
    let view = state
        .blocking(move || {
            // This item's expiry only: reading one work item touches no other.
            sending::expire_work_item(&store, now, &id)?;
            store.read(|tx| {
                let w = tx.work_item(&id)?.ok_or(Error::NotFound { what: "work item" })?;
                let group = match &w.work_group_id {
                    Some(g) => tx.work_group(g)?.map(|g| g.name),
                    None => None,
                };
                let client = match &w.client_id {
                    Some(c) => tx.client(c)?.map(|c| client_json(&c)),
                    None => None,
                };
                let mut interviews = Vec::new();
                for iv_id in &w.interviews {
                    if let Some(iv) = tx.interview(iv_id)? {
                        let state = crate::domain::expiry::effective_state(&iv, now);
                        interviews.push(json!({
                            "id": iv.id, "state": state, "created_at": iv.created_at.to_rfc3339(),
                            "expires_at": crate::domain::expiry::expires_at(&iv).map(|t| t.to_rfc3339()),
                            "first_opened_at": iv.first_opened_at.map(|t| t.to_rfc3339()),
                            "submitted_at": iv.submission.as_ref().map(|s| s.submitted_at.to_rfc3339()),
                            "receipt": iv.submission.as_ref().map(|s| s.receipt.clone()),
                            "locale": iv.locale,
                            "sections": iv.sections.iter().map(|s| json!({"id": s.id, "template_id": s.template_id, "template_version": s.version})).collect::<Vec<_>>(),
                        }));
                    }
                }
                Ok(json!({
                    "id": w.id, "name": w.name, "status": status_name(w.status), "template_id": w.template_id,
                    "work_group": group, "work_group_id": w.work_group_id, "client": client, "answers": w.answers, "interviews": interviews,
                    "documents": w.documents.iter().map(|d| json!({"id": d.id, "format": d.format, "created_at": d.created_at.to_rfc3339()})).collect::<Vec<_>>(),
                    "created_at": w.created_at.to_rfc3339(), "updated_at": w.updated_at.to_rfc3339(),
                }))
            })
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewDocument {
    format: String,
}

async fn create_document(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewDocument>,
) -> Result<(StatusCode, Json<Value>), Error> {
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
    Ok((StatusCode::CREATED, Json(json!({"id": meta.id, "url": format!("/api/v1/documents/{}", meta.id)}))))
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

// ------------------------------------------------------------------ settings

async fn get_settings(State(state): State<AppState>, _admin: Admin) -> Result<Json<Value>, Error> {
    let store = state.storage.clone();
    let settings = state.blocking(move || store.read(|tx| Ok(tx.settings()?))).await?;
    Ok(Json(settings_json(&settings)))
}

/// What a webhook secret reads as: secrets are write-only.
const REDACTED: &str = "[redacted]";

/// Settings as shown: webhook secrets are write-only.
fn settings_json(s: &Settings) -> Value {
    let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
    if let Some(hooks) = v.get_mut("webhooks").and_then(Value::as_array_mut) {
        for hook in hooks {
            hook["secret"] = json!(REDACTED);
        }
    }
    v
}

/// Gives webhooks sent back without their secret (left out, or the `[redacted]`
/// that GET shows) the secret stored for the same URL, so saving the settings
/// as read does not overwrite every secret with the placeholder.
fn keep_webhook_secrets(new_hooks: &mut Value, current: &Settings) -> Result<(), Error> {
    let Some(hooks) = new_hooks.as_array_mut() else { return Ok(()) };
    for hook in hooks {
        let Some(obj) = hook.as_object_mut() else { continue };
        let given = obj.get("secret");
        if !(given.is_none() || given == Some(&json!(REDACTED))) {
            continue;
        }
        let url = obj.get("url").and_then(Value::as_str).unwrap_or_default();
        let stored = current.webhooks.iter().find(|h| h.url == url).ok_or_else(|| Error::Unprocessable {
            code: "invalid_setting",
            message: format!("The webhook `{url}` is new: give it a `secret`."),
            errors: None,
        })?;
        obj.insert("secret".to_owned(), json!(stored.secret));
    }
    Ok(())
}

async fn put_settings(State(state): State<AppState>, Admin(staff): Admin, ApiJson(body): ApiJson<Value>) -> Result<Json<Value>, Error> {
    let changes = body.as_object().cloned().ok_or_else(|| Error::BadRequest {
        code: "invalid_body",
        message: "Send an object with the settings to change.".to_owned(),
    })?;
    let store = state.storage.clone();
    let actor = staff.actor.as_string();
    let changed: Vec<String> = changes.keys().cloned().collect();
    let settings = state
        .blocking(move || {
            store.write(|tx| {
                let current = tx.settings()?;
                let mut merged = serde_json::to_value(&current).map_err(|e| Error::Internal(e.to_string()))?;
                for (k, v) in &changes {
                    if merged.get(k).is_none() {
                        return Err(Error::BadRequest { code: "unknown_setting", message: format!("`{k}` is not a setting.") });
                    }
                    let mut v = v.clone();
                    if k == "webhooks" {
                        keep_webhook_secrets(&mut v, &current)?;
                    }
                    merged[k] = v;
                }
                // A value of the wrong type is a bad value like any other: 422, as `check_settings` answers.
                let settings: Settings = serde_json::from_value(merged).map_err(|e| Error::Unprocessable {
                    code: "invalid_setting",
                    message: format!("A setting has the wrong type: {e}"),
                    errors: None,
                })?;
                check_settings(&settings)?;
                tx.put_settings(&settings)?;
                Ok(settings)
            })
        })
        .await?;
    // The audit log is per work item; site changes go to the operator's log, names only (values may be secrets).
    tracing::info!(by = %actor, settings = ?changed, "settings changed");
    if let Ok(mut origins) = state.embed_origins.write() {
        origins.clone_from(&settings.embed_origins);
    }
    Ok(Json(settings_json(&settings)))
}

fn http_url(url: &str) -> bool {
    reqwest::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

fn check_settings(s: &Settings) -> Result<(), Error> {
    let bad = |message: &str| Error::Unprocessable { code: "invalid_setting", message: message.to_owned(), errors: None };
    const DAY: u64 = 24 * 3600;
    const YEAR: u64 = 366 * DAY;
    if s.link_lifetime_secs < 60 || s.link_lifetime_secs > YEAR {
        return Err(bad("`link_lifetime_secs` must be between 60 seconds and a year."));
    }
    if s.access_window_secs < 60 || s.access_window_secs > YEAR {
        return Err(bad("`access_window_secs` must be between 60 seconds and a year."));
    }
    if s.max_failed_attempts == 0 || s.max_failed_attempts > 100 {
        return Err(bad("`max_failed_attempts` must be between 1 and 100."));
    }
    if s.lockout_secs == 0 || s.lockout_secs > DAY {
        return Err(bad("`lockout_secs` must be between 1 second and a day."));
    }
    if s.client_session_secs < 60 || s.client_session_secs > DAY {
        return Err(bad("`client_session_secs` must be between 60 seconds and a day."));
    }
    // Too short a staff session would sign every admin out at once, with no way back in over the API.
    if s.staff_session_secs < 300 || s.staff_session_secs > 30 * DAY {
        return Err(bad("`staff_session_secs` must be between 5 minutes and 30 days."));
    }
    if s.auth_methods.is_empty() {
        return Err(bad("At least one sign-in method must stay enabled."));
    }
    if !http_url(&s.public_base_url) {
        return Err(bad("`public_base_url` must be an http:// or https:// URL."));
    }
    if let Some(origin) = s.embed_origins.iter().find(|o| !http_url(o)) {
        return Err(bad(&format!("`embed_origins`: `{origin}` is not an origin such as https://partner.example.")));
    }
    if s.email_subject.trim().is_empty() || s.email_subject.len() > 1000 {
        return Err(bad("`email_subject` must have 1 to 1000 characters."));
    }
    // The email exists to carry the link; without the placeholder the client gets nothing to open.
    if !s.email_body.contains("{link}") || s.email_body.len() > 20_000 {
        return Err(bad("`email_body` must contain `{link}` and be at most 20000 characters."));
    }
    if s.webhooks.len() > 20 {
        return Err(bad("At most 20 webhooks."));
    }
    for hook in &s.webhooks {
        if !http_url(&hook.url) {
            return Err(bad(&format!("Webhook `{}` is not an http:// or https:// URL.", hook.url)));
        }
        if hook.secret.len() < 16 || hook.secret == REDACTED {
            return Err(bad(&format!("Webhook `{}` needs a secret of at least 16 characters.", hook.url)));
        }
    }
    Ok(())
}

// ------------------------------------------------------------------ answer history

async fn answer_history(State(state): State<AppState>, _staff: Staff, Path(id): Path<String>) -> Result<Json<Value>, Error> {
    let store = state.storage.clone();
    let item = state.blocking(move || store.read(|tx| tx.work_item(&id)?.ok_or(Error::NotFound { what: "work item" }))).await?;
    Ok(Json(Value::Array(
        item.history
            .iter()
            .map(|r| json!({"at": r.at.to_rfc3339(), "actor": r.actor, "source": r.source, "answers": r.answers}))
            .collect(),
    )))
}

// ------------------------------------------------------------------ API keys

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewApiKey {
    name: String,
    role: Option<Role>,
}

fn api_key_json(k: &crate::storage::records::ApiKey) -> Value {
    json!({"id": k.id, "name": k.name, "role": k.role, "created_by": k.created_by,
           "created_at": k.created_at.to_rfc3339(), "revoked": k.revoked})
}

async fn create_api_key(State(state): State<AppState>, Admin(staff): Admin, ApiJson(body): ApiJson<NewApiKey>) -> Result<(StatusCode, Json<Value>), Error> {
    let store = state.storage.clone();
    let now = state.now();
    let created_by = staff.actor.as_string();
    // Least privilege: a key acts as staff unless an admin key is asked for.
    let role = body.role.unwrap_or(Role::Staff);
    let made = state.blocking(move || api_keys::create(&store, now, &created_by, &body.name, role)).await?;
    tracing::info!(key = %made.record.id, by = %made.record.created_by, "API key created");
    let mut v = api_key_json(&made.record);
    v["key"] = json!(made.key);
    Ok((StatusCode::CREATED, Json(v)))
}

async fn list_api_keys(State(state): State<AppState>, _admin: Admin) -> Result<Json<Value>, Error> {
    let store = state.storage.clone();
    let keys = state.blocking(move || api_keys::list(&store)).await?;
    Ok(Json(Value::Array(keys.iter().map(api_key_json).collect())))
}

async fn revoke_api_key(State(state): State<AppState>, Admin(staff): Admin, Path(id): Path<String>) -> Result<StatusCode, Error> {
    let store = state.storage.clone();
    let key = state.blocking(move || api_keys::revoke(&store, &id)).await?;
    tracing::info!(key = %key.id, by = %staff.actor.as_string(), "API key revoked");
    Ok(StatusCode::NO_CONTENT)
}
