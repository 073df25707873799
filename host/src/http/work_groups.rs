//! `/api/v1/work-groups`: staff list the groups work items are filed under;
//! admins create, rename, describe and archive them. Changes go to the
//! operator's log (the audit log is per work item).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Json, Router};
use serde::{Deserialize, Deserializer};
use serde_json::{json, Value};

use super::extract::{ApiJson, ApiQuery};
use super::staff::{Admin, Staff};
use super::AppState;
use crate::domain::work_groups::{self, Changes};
use crate::error::Error;
use crate::storage::records::WorkGroup;

/// The work group routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/work-groups", get(list).post(create))
        .route("/api/v1/work-groups/{id}", patch(update))
}

fn group_json(g: &WorkGroup) -> Value {
    json!({"id": g.id, "name": g.name, "description": g.description, "archived": g.archived, "created_at": g.created_at.to_rfc3339()})
}

#[derive(Deserialize)]
struct ListQuery {
    archived: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    _staff: Staff,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Value>, Error> {
    let archived = match query.archived.as_deref() {
        None | Some("") => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => {
            return Err(Error::BadRequest {
                code: "invalid_query",
                message: format!("`archived` is `true` or `false`, not `{other}`."),
            })
        }
    };
    let store = state.storage.clone();
    let groups = state.blocking(move || work_groups::list(&store)).await?;
    Ok(Json(Value::Array(
        groups
            .iter()
            .filter(|g| archived.is_none_or(|a| g.archived == a))
            .map(group_json)
            .collect(),
    )))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewGroup {
    name: String,
    description: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    Admin(staff): Admin,
    ApiJson(body): ApiJson<NewGroup>,
) -> Result<(StatusCode, Json<Value>), Error> {
    let store = state.storage.clone();
    let now = state.now();
    let group = state
        .blocking(move || work_groups::create(&store, now, &body.name, body.description.as_deref()))
        .await?;
    tracing::info!(group = %group.id, by = %staff.actor.as_string(), "work group created");
    Ok((StatusCode::CREATED, Json(json!({"id": group.id}))))
}

/// Tells a field sent as `null` (`Some(None)`) from one left out (`None`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupChange {
    name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    description: Option<Option<String>>,
    archived: Option<bool>,
}

async fn update(
    State(state): State<AppState>,
    Admin(staff): Admin,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<GroupChange>,
) -> Result<Json<Value>, Error> {
    let store = state.storage.clone();
    let changes = Changes {
        name: body.name,
        description: body.description,
        archived: body.archived,
    };
    let group = state
        .blocking(move || work_groups::update(&store, &id, changes))
        .await?;
    tracing::info!(group = %group.id, by = %staff.actor.as_string(), archived = group.archived, "work group changed");
    Ok(Json(group_json(&group)))
}
