//! The crate's one error type: every failure of the host, from a caller's
//! mistake (mapped to a 4xx by `http::errors`) to the host's own (a 5xx).

use crate::storage::txn::StorageError;

/// The one message for a link that is submitted, cancelled, expired or unknown (rule 4).
pub const EXPIRED_MESSAGE: &str = "This request has expired.";

/// Everything that can go wrong in the host.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or socket operation failed.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A bug or an impossible state; details for the log only.
    #[error("internal: {0}")]
    Internal(String),
    /// 400: the request is malformed.
    #[error("{message}")]
    BadRequest {
        /// Stable snake_case code.
        code: &'static str,
        /// For a person.
        message: String,
    },
    /// 401: the credentials are wrong.
    #[error("{message}")]
    Unauthorized {
        /// Stable snake_case code.
        code: &'static str,
        /// For a person.
        message: String,
        /// Tries left before a lockout.
        attempts_left: Option<u32>,
    },
    /// 403: signed in but not allowed (role, CSRF).
    #[error("{message}")]
    Forbidden {
        /// Stable snake_case code.
        code: &'static str,
        /// For a person.
        message: String,
    },
    /// 404: no such thing.
    #[error("no such {what}")]
    NotFound {
        /// What was looked for.
        what: &'static str,
    },
    /// 409: the request conflicts with the current state.
    #[error("{message}")]
    Conflict {
        /// Stable snake_case code.
        code: &'static str,
        /// For a person.
        message: String,
    },
    /// 410: the link is submitted, cancelled, expired or unknown (one answer for all).
    #[error("{}", EXPIRED_MESSAGE)]
    Expired,
    /// 413: the body is too large.
    #[error("{message}")]
    TooLarge {
        /// For a person.
        message: String,
    },
    /// 415: a file of a type that is not accepted.
    #[error("{message}")]
    UnsupportedMedia {
        /// For a person.
        message: String,
    },
    /// 422: well-formed but not acceptable.
    #[error("{message}")]
    Unprocessable {
        /// Stable snake_case code.
        code: &'static str,
        /// For a person.
        message: String,
        /// Details (validation errors, template problems).
        errors: Option<serde_json::Value>,
    },
    /// 503: a service the host relies on (the SMS gateway) failed; trying again later can work.
    #[error("{message}")]
    Unavailable {
        /// Stable snake_case code.
        code: &'static str,
        /// For a person.
        message: String,
        /// Seconds until trying again makes sense.
        retry_after_secs: u64,
    },
    /// 429 `locked`: too many failed sign-in attempts on one interview.
    #[error("Too many failed attempts. Try again in {} minute(s).", .retry_after_secs.div_ceil(60))]
    Locked {
        /// Seconds until the lock lifts.
        retry_after_secs: u64,
        /// Whether this very attempt locked it (the metrics count lockouts by this).
        just_now: bool,
    },
    /// 429: too many attempts or requests.
    #[error("{message}")]
    TooManyRequests {
        /// Stable snake_case code.
        code: &'static str,
        /// For a person.
        message: String,
        /// Seconds until trying again can work.
        retry_after_secs: u64,
    },
}

impl Error {
    /// The lockout answer while an interview is locked after too many failed attempts.
    pub fn locked(retry_after_secs: u64) -> Error {
        Error::Locked { retry_after_secs, just_now: false }
    }

    /// The lockout answer to the failed attempt that locked the interview.
    pub fn locked_now(retry_after_secs: u64) -> Error {
        Error::Locked { retry_after_secs, just_now: true }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
