//! The interview host: one binary that serves the interview bundle and (as it
//! grows) the HTTP API of `shared/API.md`, keeping its data in a redb file.
//!
//! Layout:
//! - [`config`]: the `serve` settings (defaults, `INTERVIEW_*` environment
//!   variables, command-line flags).
//! - [`cli`]: the command line (`serve`, `check-template`, `validate`).
//! - [`storage`]: the redb database behind read/write transactions.
//! - [`bundle`]: the built browser bundle served at `/i/`.
//! - [`error`]: the crate's one error type.
//!
//! [`app`] builds the router from an [`AppState`]; [`run`] serves it on a
//! listener until a shutdown future completes, which is what `main` and the
//! tests (on `127.0.0.1:0`) both call.

#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod bundle;
pub mod cli;
pub mod clock;
pub mod config;
pub mod error;
pub mod storage;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use axum::routing::get;
use axum::{Json, Router};
use tokio::net::TcpListener;

pub use config::ServeConfig;
pub use error::{Error, Result};
pub use storage::Storage;

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub storage: Arc<Storage>,
    /// Directory holding the built interview bundle (Trunk's `dist/`).
    pub bundle_dir: PathBuf,
}

impl AppState {
    /// Opens the database in `config.data_dir` (creating the directory) and
    /// collects what the handlers need.
    pub fn open(config: &ServeConfig) -> Result<Self> {
        let storage = Storage::open(&config.data_dir)?;
        Ok(Self {
            storage: Arc::new(storage),
            bundle_dir: config.bundle_dir.clone(),
        })
    }
}

/// The host's router: health check and the interview bundle under `/i/`.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .merge(bundle::routes(&state.bundle_dir))
        .with_state(state)
}

/// `GET /healthz`: the host is up and answering.
async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

/// Serves [`app`] on `listener` until `shutdown` completes, then lets the
/// requests in flight finish.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(Error::Io)
}

/// Completes on Ctrl-C or SIGTERM: the `serve` command's shutdown signal.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        // If the handler cannot be installed, only SIGTERM stops the host.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
