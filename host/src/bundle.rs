//! The built browser bundles: the interview page (Trunk's `dist/`), served at
//! `/i/`, and the staff dashboard (`dist-dashboard/`), served at `/dashboard/`,
//! where every address without a file of its own gets the dashboard's page
//! (its router shows the screen the address names).
//!
//! Trunk names every asset after a hash of its content, so those can be cached
//! for good; `index.html` names the current assets and must be revalidated on
//! every load, or a client keeps an old bundle after an upgrade. When the build
//! left a brotli copy beside a file (`*.br`), it is sent to browsers that
//! accept it.
//!
//! A binary built with the `embed-bundle` feature carries the bundle inside
//! (see `build.rs`), so one file deploys; a `--bundle-dir` given at start
//! still wins over it.

use std::path::Path;

use axum::extract::Request;
use axum::http::header::{
    HeaderMap, HeaderValue, ACCEPT_ENCODING, ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH,
    LOCATION, VARY,
};
use axum::http::{StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::services::ServeDir;

/// One file of a bundle compiled into the binary.
#[derive(Debug)]
pub struct EmbeddedFile {
    /// Path inside the bundle, `/`-separated, no leading slash.
    pub path: &'static str,
    /// The file's bytes.
    pub body: &'static [u8],
    /// Its brotli copy, when the build made one.
    pub br: Option<&'static [u8]>,
    /// A strong ETag of the content (quoted).
    pub etag: &'static str,
}

/// The interview page compiled into this binary (empty without the `embed-bundle` feature).
pub static EMBEDDED: &[EmbeddedFile] = include!(concat!(env!("OUT_DIR"), "/embedded_bundle.rs"));

/// The staff dashboard compiled into this binary (empty without the `embed-bundle` feature).
pub static EMBEDDED_DASHBOARD: &[EmbeddedFile] = include!(concat!(env!("OUT_DIR"), "/embedded_dashboard.rs"));

/// Whether this binary carries the interview page.
pub fn is_embedded() -> bool {
    EMBEDDED.iter().any(|f| f.path == "index.html")
}

/// Path prefix of the interview page.
pub const PREFIX: &str = "/i";

/// Path prefix of the staff dashboard.
pub const DASHBOARD_PREFIX: &str = "/dashboard";

/// `Cache-Control` of content-hashed assets.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `Cache-Control` of everything else (the page itself, unhashed files).
pub const REVALIDATE: &str = "no-cache";

/// One bundle the host serves.
struct Site {
    /// Where it is served (`/i`).
    prefix: &'static str,
    /// Its files, when built into the binary.
    embedded: &'static [EmbeddedFile],
    /// The folder it is served from otherwise.
    default_dir: &'static str,
    /// Whether an address with no file (a screen of a client-side routed app,
    /// such as `/dashboard/work-items/wi_1`) gets the app's index.html.
    app_routes: bool,
}

const INTERVIEW_SITE: Site = Site { prefix: PREFIX, embedded: EMBEDDED, default_dir: "./dist", app_routes: false };
const DASHBOARD_SITE: Site = Site { prefix: DASHBOARD_PREFIX, embedded: EMBEDDED_DASHBOARD, default_dir: "./dist-dashboard", app_routes: true };

/// Routes serving the interview page under [`PREFIX`] and the dashboard under
/// [`DASHBOARD_PREFIX`]: each from its folder when given, else the embedded one
/// when this binary has it, else from `./dist` and `./dist-dashboard`; plus
/// [`EMBED_PATH`], the stable entry partner pages import.
pub fn routes<S: Clone + Send + Sync + 'static>(bundle_dir: Option<&Path>, dashboard_dir: Option<&Path>) -> Router<S> {
    let (interview, names) = site_routes(&INTERVIEW_SITE, bundle_dir);
    let (dashboard, _) = site_routes(&DASHBOARD_SITE, dashboard_dir);
    let embed = embed_module(&names);
    interview
        .merge(dashboard)
        .route(EMBED_PATH, get(move || async move { embed_response(embed.as_deref()) }))
        .layer(middleware::from_fn(cache_control))
}

/// The routes of one site, and the names of its top-level files.
fn site_routes<S: Clone + Send + Sync + 'static>(site: &'static Site, dir: Option<&Path>) -> (Router<S>, Vec<String>) {
    let embedded = site.embedded.iter().any(|f| f.path == "index.html");
    match dir {
        None if embedded => (embedded_routes(site.prefix, site.embedded, site.app_routes), site.embedded.iter().map(|f| f.path.to_owned()).collect()),
        dir => {
            let dir = dir.unwrap_or(Path::new(site.default_dir));
            let names = std::fs::read_dir(dir)
                .map(|entries| entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect())
                .unwrap_or_default();
            let files = ServeDir::new(dir).precompressed_br().append_index_html_on_directories(true);
            let router = if site.app_routes {
                let index = tower_http::services::ServeFile::new(dir.join("index.html"));
                Router::new().nest_service(site.prefix, files.fallback(index))
            } else {
                Router::new().nest_service(site.prefix, files)
            };
            (router, names)
        }
    }
}

/// The stable URL of the module partner pages import (`<script type="module" src=…>`):
/// it loads the bundle, whose file names change with every build, and defines
/// the `<client-interview>` element.
pub const EMBED_PATH: &str = "/i/embed.js";

/// The text of [`EMBED_PATH`] for a bundle holding the files `names`, when it
/// has the interview page's script.
pub fn embed_module(names: &[String]) -> Option<String> {
    let find = |suffix: &str| {
        names
            .iter()
            .find(|name| name.starts_with("interview-page") && name.ends_with(suffix) && !name.contains('/'))
    };
    let (script, wasm) = (find(".js")?, find("_bg.wasm")?);
    // Trunk renames the files after wasm-bindgen wrote the script, so the
    // wasm's current name is passed in rather than left to the script.
    Some(format!(
        "// Loads the interview bundle and defines <client-interview>; also exports mount(element, options).\n\
         import init, {{ mount }} from \"./{script}\";\n\
         await init({{ module_or_path: new URL(\"./{wasm}\", import.meta.url) }});\n\
         export {{ mount }};\n"
    ))
}

fn embed_response(module: Option<&str>) -> Response {
    match module {
        Some(text) => ([(CONTENT_TYPE, "text/javascript; charset=utf-8")], text.to_owned()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Routes serving `files` (an embedded bundle) under `prefix`; with
/// `app_routes`, an address that names no file and has no extension gets the
/// app's index.html (its router shows the screen).
pub fn embedded_routes<S: Clone + Send + Sync + 'static>(prefix: &'static str, files: &'static [EmbeddedFile], app_routes: bool) -> Router<S> {
    let serve = move |uri: Uri, headers: HeaderMap| async move { serve_embedded(files, prefix, app_routes, uri.path(), &headers) };
    let slash = format!("{prefix}/");
    let redirect = move || {
        let slash = slash.clone();
        async move { (StatusCode::PERMANENT_REDIRECT, [(LOCATION, slash)]).into_response() }
    };
    Router::new()
        .route(prefix, get(redirect))
        .route(&format!("{prefix}/"), get(serve))
        .route(&format!("{prefix}/{{*path}}"), get(serve))
}

fn serve_embedded(files: &[EmbeddedFile], prefix: &str, app_routes: bool, path: &str, headers: &HeaderMap) -> Response {
    let mut name = path.strip_prefix(prefix).unwrap_or(path).trim_start_matches('/');
    if name.is_empty() {
        name = "index.html";
    }
    let screen = app_routes && !name.rsplit('/').next().unwrap_or_default().contains('.');
    let found = files.iter().find(|f| f.path == name).or_else(|| if screen { files.iter().find(|f| f.path == "index.html") } else { None });
    let Some(file) = found else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response = if headers.get(IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|tags| {
        tags.split(',').any(|t| t.trim() == file.etag || t.trim() == "*")
    }) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let accepts_br = headers
            .get_all(ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|coding| {
                let mut parts = coding.split(';');
                let name = parts.next().unwrap_or_default().trim();
                let refused = parts.any(|p| matches!(p.trim().replace(' ', "").as_str(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
                name.eq_ignore_ascii_case("br") && !refused
            });
        match file.br {
            Some(br) if accepts_br => {
                let mut response = br.into_response();
                response.headers_mut().insert(CONTENT_ENCODING, HeaderValue::from_static("br"));
                response
            }
            _ => file.body.into_response(),
        }
    };
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type(file.path)));
    headers.insert(ETAG, HeaderValue::from_static(file.etag));
    if file.br.is_some() {
        headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// The media type of a bundle file, by its extension.
fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

async fn cache_control(request: Request, next: Next) -> Response {
    let immutable = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status().is_redirection() {
        let value = if immutable { IMMUTABLE } else { REVALIDATE };
        let headers = response.headers_mut();
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(value));
        // Partner pages load the bundle from their own origin (module scripts
        // and the wasm are fetched with CORS). The files are public and no
        // credentials are involved, so any origin may read them; the API
        // keeps its own, narrower CORS rules.
        headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
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
    use super::{embedded_routes, is_hashed_asset, EmbeddedFile};
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    static FILES: &[EmbeddedFile] = &[
        EmbeddedFile { path: "index.html", body: b"<!doctype html>page", br: None, etag: "\"aa\"" },
        EmbeddedFile {
            path: "app-0123456789abcdef_bg.wasm",
            body: b"\0asm-plain",
            br: Some(b"compressed"),
            etag: "\"bb\"",
        },
    ];

    async fn get(path: &str, headers: &[(&str, &str)]) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let mut request = Request::get(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let router = super::embedded_routes::<()>(super::PREFIX, FILES, false).layer(axum::middleware::from_fn(super::cache_control));
        let response = router.oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap().to_vec();
        (status, headers, body)
    }

    #[tokio::test]
    async fn the_embedded_page_is_served_with_revalidation_and_an_etag() {
        let _ = embedded_routes::<()>;
        let (status, headers, body) = get("/i/", &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, b"<!doctype html>page");
        assert_eq!(headers["content-type"], "text/html; charset=utf-8");
        assert_eq!(headers["cache-control"], super::REVALIDATE);
        assert_eq!(headers["etag"], "\"aa\"");
        let (status, _, body) = get("/i/", &[("if-none-match", "\"aa\"")]).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED);
        assert!(body.is_empty());
        let (status, headers, _) = get("/i", &[]).await;
        assert_eq!(status, StatusCode::PERMANENT_REDIRECT);
        assert_eq!(headers["location"], "/i/");
    }

    #[tokio::test]
    async fn a_dashboard_screen_address_gets_the_app_page_and_a_missing_asset_does_not() {
        let router = super::embedded_routes::<()>(super::DASHBOARD_PREFIX, FILES, true);
        let get = |path: &'static str| {
            let router = router.clone();
            async move { router.oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap() }
        };
        let page = get("/dashboard/work-items/wi_123").await;
        assert_eq!(page.status(), StatusCode::OK);
        assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
        let body = axum::body::to_bytes(page.into_body(), 1 << 20).await.unwrap();
        assert_eq!(&body[..], b"<!doctype html>page");
        assert_eq!(get("/dashboard/missing-0123456789abcdef.js").await.status(), StatusCode::NOT_FOUND);
        let bare = get("/dashboard").await;
        assert_eq!(bare.status(), StatusCode::PERMANENT_REDIRECT);
        assert_eq!(bare.headers()["location"], "/dashboard/");
        // The interview page has no screens of its own: an unknown address is not found.
        let interview = super::embedded_routes::<()>(super::PREFIX, FILES, false);
        let answer = interview.oneshot(Request::get("/i/work-items").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn the_embed_module_imports_the_current_bundle_script() {
        let names = ["index.html", "interview-page-0123456789abcdef.js", "interview-page-0123456789abcdef_bg.wasm"]
            .map(str::to_owned);
        let module = super::embed_module(&names).unwrap();
        assert!(module.contains("from \"./interview-page-0123456789abcdef.js\""), "{module}");
        assert!(module.contains("new URL(\"./interview-page-0123456789abcdef_bg.wasm\", import.meta.url)"), "{module}");
        assert!(super::embed_module(&["index.html".to_owned()]).is_none());
    }

    #[tokio::test]
    async fn embedded_assets_are_immutable_and_brotli_only_when_accepted() {
        let path = "/i/app-0123456789abcdef_bg.wasm";
        let (status, headers, body) = get(path, &[("accept-encoding", "gzip, br")]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, b"compressed");
        assert_eq!(headers["content-encoding"], "br");
        assert_eq!(headers["content-type"], "application/wasm");
        assert_eq!(headers["cache-control"], super::IMMUTABLE);
        assert_eq!(headers["vary"], "accept-encoding");
        let (_, headers, body) = get(path, &[("accept-encoding", "gzip, br;q=0")]).await;
        assert_eq!(body, b"\0asm-plain");
        assert!(headers.get("content-encoding").is_none());
        let (status, _, _) = get("/i/missing.js", &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _, _) = get("/i/../Cargo.toml", &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

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
