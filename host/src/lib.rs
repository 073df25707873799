//! The interview host: one binary that serves the interview bundle and the
//! HTTP API of `docs/api.md`, keeping its data in one redb file.
//!
//! Layout, following the domain:
//! - [`domain`]: the rules (link expiry, access, sending, submitting, audit).
//! - [`auth`]: tokens, passphrases (argon2id), SMS codes, lockout, rate limits, CSRF.
//! - [`storage`]: the redb database behind read/write transaction types.
//! - [`notify`]: the edges to the world: SMS providers, SMTP, webhooks.
//! - [`http`]: the router, its layers and the thin handlers.
//! - [`config`], [`cli`]: the command line and its settings; [`remote`]:
//!   `backup` and `check` asking a running host.
//! - [`clock`]: time as a parameter, so expiry and lockout are testable.
//! - [`bundle`]: the built browser bundle served at `/i/`.
//! - [`error`]: the crate's one error type.
//!
//! [`http::app`] builds the router from an [`AppState`]; [`run`] serves it on
//! a listener until a shutdown future completes, which is what `main` and
//! the tests (on `127.0.0.1:0`) both call.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod auth;
pub mod background;
pub mod bootstrap;
pub mod bundle;
pub mod cli;
pub mod clock;
pub mod config;
pub mod documents;
pub mod domain;
pub mod error;
pub mod http;
pub mod notify;
pub mod remote;
pub mod storage;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

use tokio::net::TcpListener;

pub use config::ServeConfig;
pub use error::{Error, Result};
pub use http::{app, AppState};
pub use storage::Storage;

use crate::auth::passphrase::Hasher;
use crate::auth::rate_limit::RateLimiter;
use crate::clock::{Clock, SystemClock};
use crate::notify::sms::SmsConfig;

impl AppState {
    /// Opens the database in `config.data_dir` (creating the directory) and
    /// collects what the handlers need, reading time from `clock`.
    pub async fn open_with_clock(config: &ServeConfig, clock: Arc<dyn Clock>) -> Result<Self> {
        let storage = Storage::open(&config.data_dir)?;
        let hasher = Hasher::new(config.hash_concurrency.max(1));
        let dummy_hash = hasher.hash("not a password".to_owned()).await.map_err(|e| Error::Internal(e.to_string()))?;
        // The deployment's public URL (config, or the listen address) builds the links.
        let settings = storage.write(|tx| {
            let mut settings = tx.settings()?;
            if let Some(url) = &config.public_url {
                if settings.public_base_url != *url {
                    settings.public_base_url = url.trim_end_matches('/').to_owned();
                    tx.put_settings(&settings)?;
                }
            }
            Ok(settings)
        })?;
        let sms_config = config.sms.clone().unwrap_or_else(|| SmsConfig::local(&config.data_dir));
        Ok(Self {
            storage: Arc::new(storage),
            clock,
            hasher,
            sms: sms_config.build().map_err(|e| Error::Internal(e.to_string()))?,
            smtp: config.smtp.clone().map(Arc::new),
            ip_limiter: Arc::new(RateLimiter::new(config.ip_rate_limit, 60)),
            blocking_slots: Arc::new(tokio::sync::Semaphore::new(32)),
            dummy_hash,
            bundle_dir: config.bundle_dir.clone(),
            dashboard_dir: config.dashboard_dir.clone(),
            data_dir: config.data_dir.clone(),
            embed_origins: Arc::new(RwLock::new(settings.embed_origins.clone())),
            secure_cookies: settings.public_base_url.starts_with("https://"),
            metrics: Arc::new(http::metrics::Metrics::new()),
            default_locale: config.default_locale,
        })
    }

    /// [`AppState::open_with_clock`] with the real clock.
    pub async fn open(config: &ServeConfig) -> Result<Self> {
        Self::open_with_clock(config, Arc::new(SystemClock)).await
    }
}

/// Serves [`app`] on `listener` until `shutdown` completes, then lets the
/// requests in flight finish (their writes included).
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown).await.map_err(Error::Io)
}

/// Completes on Ctrl-C or SIGTERM: the `serve` command's shutdown signal.
///
/// The handlers are installed when this is called, not when the future is
/// first polled, so a signal sent right after the host says it is ready is
/// never missed.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let terminate = signal(SignalKind::terminate()).ok();
        let interrupt = signal(SignalKind::interrupt()).ok();
        async move {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    // Without a handler this signal cannot stop the host; the other still can.
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(terminate) => {},
                () = wait(interrupt) => {},
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}
