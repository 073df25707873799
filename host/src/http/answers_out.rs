//! `GET /api/v1/work-items/{id}/answers?format=json|hotdocs`: a work item's
//! answers as a file to download (staff only); `GET .../template`: the
//! template version they belong to.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use interview_api::AnsweredTemplate;
use serde::Deserialize;

use super::extract::ApiQuery;
use super::staff::Staff;
use super::AppState;
use crate::domain::answers_out::{self, AnswersFormat};
use crate::error::Error;

/// The query of the download.
#[derive(Deserialize)]
pub struct FormatQuery {
    format: Option<String>,
}

/// The answers of a work item as an attachment.
pub async fn download(
    State(state): State<AppState>,
    _staff: Staff,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<FormatQuery>,
) -> Result<Response, Error> {
    let format = AnswersFormat::from_query(query.format.as_deref())?;
    let store = state.storage.clone();
    let file = state.blocking(move || store.read(|tx| answers_out::export(tx, &id, format))).await?;
    let mut response = file.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// `GET /api/v1/work-items/{id}/template`: the template version the answers belong to.
pub async fn template(State(state): State<AppState>, _staff: Staff, Path(id): Path<String>) -> Result<axum::Json<AnsweredTemplate>, Error> {
    let store = state.storage.clone();
    let found = state.blocking(move || store.read(|tx| answers_out::template_of(tx, &id))).await?;
    Ok(axum::Json(found))
}
