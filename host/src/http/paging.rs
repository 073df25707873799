//! Paged lists over HTTP: `limit` and `cursor` in the query, the rows as a
//! JSON array, and the next page named in a `Link` header
//! (`<path?filters&cursor=…&limit=…>; rel="next"`) when more follow.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::domain::paging::Page;

/// The `Link` header value naming the next page: `path` with the list's
/// filters (`(name, value)`, empty ones left out), the cursor and the limit.
pub fn next_link(path: &str, filters: &[(&str, Option<&str>)], cursor: &str, limit: usize) -> String {
    let mut query: Vec<String> = filters
        .iter()
        .filter_map(|(name, value)| value.filter(|v| !v.is_empty()).map(|v| format!("{name}={}", encode(v))))
        .collect();
    query.push(format!("cursor={}", encode(cursor)));
    query.push(format!("limit={limit}"));
    format!("<{path}?{}>; rel=\"next\"", query.join("&"))
}

/// Percent-encodes a query value: everything but the unreserved characters, as UTF-8.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A page as the answer: the rows as a JSON array, with the `Link` header when more follow.
pub fn respond<T: Serialize>(page: Page<T>, path: &str, filters: &[(&str, Option<&str>)], limit: usize) -> Response {
    let link = page.next.as_deref().map(|cursor| next_link(path, filters, cursor, limit));
    let mut response = Json(page.items).into_response();
    if let Some(value) = link.and_then(|l| HeaderValue::from_str(&l).ok()) {
        response.headers_mut().insert(header::LINK, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_link_keeps_the_filters_encoded_and_reads_back() {
        let link = next_link("/api/v1/work-items", &[("status", Some("submitted")), ("q", Some("Lee & Co/é")), ("work_group", None)], "NTAuYQ", 20);
        assert_eq!(link, "</api/v1/work-items?status=submitted&q=Lee%20%26%20Co%2F%C3%A9&cursor=NTAuYQ&limit=20>; rel=\"next\"");
        assert_eq!(interview_api::next_cursor(&link).as_deref(), Some("NTAuYQ"));
        assert_eq!(next_link("/x", &[("q", Some(""))], "c", 5), "</x?cursor=c&limit=5>; rel=\"next\"");
    }
}
