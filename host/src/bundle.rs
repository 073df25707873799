//! The built interview bundle (Trunk's `dist/`), served at `/i/`.
//!
//! Trunk names every asset after a hash of its content, so those can be cached
//! for good; `index.html` names the current assets and must be revalidated on
//! every load, or a client keeps an old bundle after an upgrade. When the build
//! left a brotli copy beside a file (`*.br`), it is sent to browsers that
//! accept it.

use std::path::Path;

use axum::extract::Request;
use axum::http::header::{HeaderValue, CACHE_CONTROL};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::services::ServeDir;

/// Path prefix of the interview page.
pub const PREFIX: &str = "/i";

/// `Cache-Control` of content-hashed assets.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `Cache-Control` of everything else (the page itself, unhashed files).
pub const REVALIDATE: &str = "no-cache";

/// Routes serving `bundle_dir` under [`PREFIX`].
pub fn routes<S: Clone + Send + Sync + 'static>(bundle_dir: &Path) -> Router<S> {
    let files = ServeDir::new(bundle_dir)
        .precompressed_br()
        .append_index_html_on_directories(true);
    Router::new()
        .nest_service(PREFIX, files)
        .layer(middleware::from_fn(cache_control))
}

async fn cache_control(request: Request, next: Next) -> Response {
    let immutable = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status().is_redirection() {
        let value = if immutable { IMMUTABLE } else { REVALIDATE };
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

/// Whether the last path segment carries a Trunk content hash: a run of at
/// least 16 hex digits after a `-`, before the extension or the `_bg` suffix
/// (`interview-page-1a2b…9f_bg.wasm`, `page-1a2b…9f.css`).
pub fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    if name.is_empty() || name == "index.html" {
        return false;
    }
    name.split(['-', '.', '_'])
        .any(|part| part.len() >= 16 && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn trunk_asset_names_are_hashed_and_the_page_is_not() {
        assert!(is_hashed_asset(
            "/i/interview-page-4f1c2a9b8d7e6f50_bg.wasm"
        ));
        assert!(is_hashed_asset("/i/interview-page-4f1c2a9b8d7e6f50.js"));
        assert!(is_hashed_asset("/i/page-0123456789abcdef.css"));
        assert!(!is_hashed_asset("/i/"));
        assert!(!is_hashed_asset("/i/index.html"));
        assert!(!is_hashed_asset("/i/favicon.ico"));
        assert!(!is_hashed_asset("/i/interview-page.js"));
    }
}
