//! The HTTP surface: the router, the shared state, and the layers every
//! request passes (request id and tracing, timeout, body limit, load
//! shedding, CORS for the client API, security headers). Handlers stay thin:
//! parse, call the domain, map the result.

pub mod admin;
pub mod answers_out;
pub mod client;
pub mod clients;
pub mod errors;
pub mod extract;
pub mod interviews;
pub mod layers;
pub mod metrics;
pub mod openapi;
pub mod paging;
pub mod settings;
pub mod staff;
pub mod templates;
pub mod users;
pub mod work_groups;

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use axum::routing::get;
use axum::{Json, Router};
use tokio::sync::Semaphore;

use crate::auth::passphrase::Hasher;
use crate::auth::rate_limit::RateLimiter;
use crate::clock::{Clock, Timestamp};
use crate::domain::sending::EmailView;
use crate::error::Error;
use crate::notify::mail::{self, SmtpConfig};
use crate::notify::sms::SmsSender;
use crate::storage::Storage;

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub storage: Arc<Storage>,
    /// Where "now" comes from (a manual clock in tests).
    pub clock: Arc<dyn Clock>,
    /// Bounded argon2 hashing off the executor.
    pub hasher: Hasher,
    /// The SMS provider.
    pub sms: Arc<dyn SmsSender>,
    /// The SMTP server, when configured.
    pub smtp: Option<Arc<SmtpConfig>>,
    /// Per-IP limit on the authentication calls.
    pub ip_limiter: Arc<RateLimiter>,
    /// Bounds blocking storage work so a flood cannot take every blocking thread.
    pub blocking_slots: Arc<Semaphore>,
    /// An argon2 hash of nothing, verified against when a sign-in names no user.
    pub dummy_hash: String,
    /// Directory holding the built interview bundle (None: the embedded one, else `./dist`).
    pub bundle_dir: Option<PathBuf>,
    /// Directory holding the built dashboard (None: the embedded one, else `./dist-dashboard`).
    pub dashboard_dir: Option<PathBuf>,
    /// The data directory (database, uploaded files, documents).
    pub data_dir: PathBuf,
    /// Origins allowed to call the client API from a browser (kept in step with the settings).
    pub embed_origins: Arc<RwLock<Vec<String>>>,
    /// Whether cookies get `Secure` (the public URL is https).
    pub secure_cookies: bool,
    /// The counters served at `/metrics`.
    pub metrics: Arc<metrics::Metrics>,
    /// The language of an interview sent without one (`default_locale`).
    pub default_locale: interview_runtime::Locale,
}

impl AppState {
    /// The current moment.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Whether the public URL is https (cookies then get `Secure`).
    pub fn public_https(&self) -> bool {
        self.secure_cookies
    }

    /// Refuses a caller that has made too many authentication calls lately.
    pub fn limit_ip(&self, ip: IpAddr) -> Result<(), Error> {
        self.ip_limiter.check(ip, self.now()).map_err(|retry_after_secs| Error::TooManyRequests {
            code: "rate_limited",
            message: "Too many requests from your network; wait a moment and try again.".to_owned(),
            retry_after_secs,
        })
    }

    /// Runs blocking work (storage, which calls redb) on the blocking pool, bounded.
    pub async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        let _permit = self
            .blocking_slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Error::Internal("the blocking pool is closed".to_owned()))?;
        tokio::task::spawn_blocking(f).await.map_err(|e| Error::Internal(format!("blocking task failed: {e}")))?
    }

    /// Sends the interview email over SMTP.
    pub async fn send_email(&self, email: &EmailView) -> Result<(), Error> {
        let Some(smtp) = &self.smtp else {
            return Err(Error::Unprocessable {
                code: "smtp_not_configured",
                message: "No SMTP server is configured; send the email from your own mail program.".to_owned(),
                errors: None,
            });
        };
        let message = mail::Email { to: email.to.clone(), subject: email.subject.clone(), body: email.body.clone() };
        mail::send(smtp, &message).await.map_err(|e| Error::Internal(format!("email: {e}")))
    }
}

/// The host's router: health, metrics, the API and the interview bundle.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .merge(client::routes())
        .merge(staff::routes())
        .merge(users::routes())
        .merge(admin::routes())
        .merge(work_groups::routes())
        .merge(templates::routes())
        .merge(settings::routes())
        .merge(clients::routes())
        .merge(interviews::routes());
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::serve))
        .route("/api/v1/openapi.json", get(openapi::serve))
        .merge(layers::api(api, &state))
        .merge(crate::bundle::routes(state.bundle_dir.as_deref(), state.dashboard_dir.as_deref()))
        .layer(axum::middleware::from_fn(layers::security_headers))
        // Last, so it wraps every route and sees each one's matched pattern.
        .layer(axum::middleware::from_fn_with_state(state.clone(), layers::observe))
        .with_state(state)
}

/// `GET /healthz`: the host is up and answering.
async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}
