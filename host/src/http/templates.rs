//! `/api/v1/templates`: staff list templates with how much each is used,
//! create them, add versions, publish one, read any version's definition,
//! and see which interviews are pinned to which version.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use interview_api::{
    NewTemplate, NewVersion, Publish, Published, TemplateCreated, TemplateDetail, TemplateSummary, VersionAdded,
    VersionDetail,
};
use serde::Deserialize;

use super::extract::{ApiJson, ApiQuery};
use super::staff::Staff;
use super::AppState;
use crate::domain::paging;
use crate::domain::templates::{self, PinFilter};
use crate::error::Error;

/// The template routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/templates", post(create).get(list))
        .route("/api/v1/templates/{id}", get(detail))
        .route("/api/v1/templates/{id}/versions", post(add_version))
        .route("/api/v1/templates/{id}/versions/{version}", get(version))
        .route("/api/v1/templates/{id}/publish", post(publish))
        .route("/api/v1/templates/{id}/pins", get(pins))
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    ApiJson(body): ApiJson<NewTemplate>,
) -> Result<(StatusCode, Json<TemplateCreated>), Error> {
    let store = state.storage.clone();
    let now = state.now();
    let actor = staff.actor.as_string();
    let record = state.blocking(move || templates::create(&store, now, &actor, &body.name, &body.definition)).await?;
    Ok((StatusCode::CREATED, Json(TemplateCreated { id: record.id, version: 1 })))
}

async fn add_version(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewVersion>,
) -> Result<(StatusCode, Json<VersionAdded>), Error> {
    let store = state.storage.clone();
    let now = state.now();
    let actor = staff.actor.as_string();
    let version = state.blocking(move || templates::add_version(&store, now, &actor, &id, &body.definition)).await?;
    Ok((StatusCode::CREATED, Json(VersionAdded { version })))
}

async fn publish(
    State(state): State<AppState>,
    _staff: Staff,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Publish>,
) -> Result<Json<Published>, Error> {
    let store = state.storage.clone();
    let record = state.blocking(move || templates::publish(&store, &id, body.version)).await?;
    Ok(Json(Published { id: record.id, live_version: record.live_version }))
}

async fn list(State(state): State<AppState>, _staff: Staff) -> Result<Json<Vec<TemplateSummary>>, Error> {
    let store = state.storage.clone();
    Ok(Json(state.blocking(move || store.read(|tx| templates::list(tx))).await?))
}

async fn detail(State(state): State<AppState>, _staff: Staff, Path(id): Path<String>) -> Result<Json<TemplateDetail>, Error> {
    let store = state.storage.clone();
    Ok(Json(state.blocking(move || store.read(|tx| templates::detail(tx, &id))).await?))
}

async fn version(
    State(state): State<AppState>,
    _staff: Staff,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<VersionDetail>, Error> {
    let version = templates::read_version(&version)?;
    let store = state.storage.clone();
    Ok(Json(state.blocking(move || store.read(|tx| templates::version_detail(tx, &id, version))).await?))
}

/// The query of `GET /api/v1/templates/{id}/pins`.
#[derive(Deserialize)]
struct PinsQuery {
    /// A version number, `none` (not opened yet), or absent for all.
    version: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

async fn pins(
    State(state): State<AppState>,
    _staff: Staff,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<PinsQuery>,
) -> Result<Response, Error> {
    let filter = PinFilter::read(query.version.as_deref())?;
    let limit = paging::read_limit(query.limit.as_deref())?;
    let after = query.cursor.as_deref().map(templates::read_pin_cursor).transpose()?;
    let store = state.storage.clone();
    let now = state.now();
    let path = format!("/api/v1/templates/{id}/pins");
    let page = state.blocking(move || store.read(|tx| templates::pins(tx, now, &id, filter, after, limit))).await?;
    Ok(super::paging::respond(page, &path, &[("version", query.version.as_deref())], limit))
}
