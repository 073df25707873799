//! The admins' settings calls: the site settings (`/api/v1/settings`), API
//! keys (`/api/v1/api-keys`) and the webhook delivery log
//! (`/api/v1/webhook-deliveries`, with "retry now"). Every one is admins
//! only, checked before the body is read. The rules are in
//! `domain::settings`, `domain::api_keys` and `domain::webhooks`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use interview_api::{ApiKeyView, CreatedApiKey, NewApiKey, SiteSettings, WebhookDelivery};
use serde::Deserialize;
use serde_json::Value;

use super::extract::{ApiJson, ApiQuery};
use super::staff::Admin;
use super::AppState;
use crate::domain::{api_keys, paging, settings, webhooks};
use crate::error::Error;
use crate::storage::records::{ApiKey, Role};

/// The settings, API key and delivery log routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/settings", get(get_settings).put(put_settings))
        .route("/api/v1/api-keys", post(create_api_key).get(list_api_keys))
        .route("/api/v1/api-keys/{id}", delete(revoke_api_key))
        .route("/api/v1/webhook-deliveries", get(list_deliveries))
        .route("/api/v1/webhook-deliveries/{id}/retry", post(retry_delivery))
}

// ------------------------------------------------------------------ site settings

async fn get_settings(State(state): State<AppState>, _admin: Admin) -> Result<Json<SiteSettings>, Error> {
    let store = state.storage.clone();
    let stored = state.blocking(move || store.read(|tx| Ok(tx.settings()?))).await?;
    Ok(Json(settings::view(&stored)))
}

/// `PUT /api/v1/settings`: any subset; the body is read as JSON first so an
/// unknown key is `400 unknown_setting` and a wrong type names its setting.
async fn put_settings(State(state): State<AppState>, Admin(staff): Admin, ApiJson(body): ApiJson<Value>) -> Result<Json<SiteSettings>, Error> {
    let change = settings::read_change(&body)?;
    let changed = change.keys();
    let store = state.storage.clone();
    let saved = state.blocking(move || settings::change(&store, change)).await?;
    // The audit log is per work item; site changes go to the operator's log, names only (values may be secrets).
    tracing::info!(by = %staff.actor.as_string(), settings = ?changed, "settings changed");
    if let Ok(mut origins) = state.embed_origins.write() {
        origins.clone_from(&saved.embed_origins);
    }
    Ok(Json(settings::view(&saved)))
}

// ------------------------------------------------------------------ API keys

fn role_in(role: interview_api::Role) -> Role {
    match role {
        interview_api::Role::Admin => Role::Admin,
        interview_api::Role::Staff => Role::Staff,
    }
}

fn role_out(role: Role) -> interview_api::Role {
    match role {
        Role::Admin => interview_api::Role::Admin,
        Role::Staff => interview_api::Role::Staff,
    }
}

fn api_key_view(k: &ApiKey) -> ApiKeyView {
    ApiKeyView {
        id: k.id.clone(),
        name: k.name.clone(),
        role: role_out(k.role),
        created_by: k.created_by.clone(),
        created_at: k.created_at.to_rfc3339(),
        revoked: k.revoked,
    }
}

async fn create_api_key(State(state): State<AppState>, Admin(staff): Admin, ApiJson(body): ApiJson<NewApiKey>) -> Result<(StatusCode, Json<CreatedApiKey>), Error> {
    let store = state.storage.clone();
    let now = state.now();
    let created_by = staff.actor.as_string();
    // Least privilege: a key acts as staff unless an admin key is asked for.
    let role = body.role.map_or(Role::Staff, role_in);
    let made = state.blocking(move || api_keys::create(&store, now, &created_by, &body.name, role)).await?;
    tracing::info!(key = %made.record.id, by = %made.record.created_by, "API key created");
    Ok((StatusCode::CREATED, Json(CreatedApiKey::new(api_key_view(&made.record), made.key))))
}

async fn list_api_keys(State(state): State<AppState>, _admin: Admin) -> Result<Json<Vec<ApiKeyView>>, Error> {
    let store = state.storage.clone();
    let keys = state.blocking(move || api_keys::list(&store)).await?;
    Ok(Json(keys.iter().map(api_key_view).collect()))
}

async fn revoke_api_key(State(state): State<AppState>, Admin(staff): Admin, Path(id): Path<String>) -> Result<StatusCode, Error> {
    let store = state.storage.clone();
    let key = state.blocking(move || api_keys::revoke(&store, &id)).await?;
    tracing::info!(key = %key.id, by = %staff.actor.as_string(), "API key revoked");
    Ok(StatusCode::NO_CONTENT)
}

// ------------------------------------------------------------------ webhook deliveries

/// `limit` and `cursor`, as every paged list takes them.
#[derive(Deserialize)]
struct PageQuery {
    limit: Option<String>,
    cursor: Option<String>,
}

/// `GET /api/v1/webhook-deliveries`: the delivery log, newest first, paged by key.
async fn list_deliveries(State(state): State<AppState>, _admin: Admin, ApiQuery(query): ApiQuery<PageQuery>) -> Result<Response, Error> {
    let limit = paging::read_limit(query.limit.as_deref())?;
    let after = query.cursor.as_deref().map(paging::read_row_cursor).transpose()?;
    let store = state.storage.clone();
    let page = state.blocking(move || store.read(|tx| webhooks::page(tx, after, limit))).await?;
    Ok(super::paging::respond(page, "/api/v1/webhook-deliveries", &[], limit))
}

/// `POST /api/v1/webhook-deliveries/{id}/retry`: due now; the background task delivers it.
async fn retry_delivery(State(state): State<AppState>, Admin(staff): Admin, Path(id): Path<String>) -> Result<Json<WebhookDelivery>, Error> {
    let store = state.storage.clone();
    let now = state.now();
    let entry = state.blocking(move || webhooks::retry(&store, now, &id)).await?;
    tracing::info!(delivery = %entry.id, by = %staff.actor.as_string(), "webhook delivery retried");
    Ok(Json(webhooks::view(&entry)))
}
