//! The clients (`/api/v1/clients`): the people interviews go to. Staff
//! search them, read one, make one and change one (the mobile number and its
//! region included, which SMS sign-in needs).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use interview_api::{ClientFields, ClientView, Created};
use serde::Deserialize;

use super::extract::{ApiJson, ApiQuery};
use super::staff::{PageQuery, Staff};
use super::AppState;
use crate::domain::{clients, paging};
use crate::error::Error;

/// The clients' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/clients", get(list_clients).post(create_client))
        .route("/api/v1/clients/{id}", get(get_client).patch(edit_client))
}

async fn create_client(State(state): State<AppState>, _staff: Staff, ApiJson(body): ApiJson<ClientFields>) -> Result<(StatusCode, Json<Created>), Error> {
    let store = state.storage.clone();
    let now = state.now();
    let client = state.blocking(move || store.write(|tx| clients::create(tx, now, body))).await?;
    Ok((StatusCode::CREATED, Json(Created { id: client.id })))
}

/// The query of `GET /api/v1/clients`.
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
