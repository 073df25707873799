//! Authentication primitives for the host: secrets, their storage form, and
//! the limits around guessing them. No HTTP and no storage here; handlers
//! call these and map the results (issue #3).
//!
//! - [`token`]: link, session and API tokens (256 random bits, base64url),
//!   ids and receipt numbers. Tokens are stored only as SHA-256 digests, so a
//!   copy of the database opens no interview; a 256-bit random secret needs no
//!   slow hash.
//! - [`passphrase`]: argon2id PHC hashes for interview passphrases and staff
//!   passwords, run by [`Hasher`] off the async executor with a bound on
//!   concurrent hashes, so a flood of guesses cannot starve other requests.
//! - [`otp`]: 6-digit SMS codes, stored as digests keyed by interview, with
//!   expiry and a resend throttle.
//! - [`softlock`]: failed attempts per interview and the temporary lockout.
//! - [`rate_limit`]: per-address token buckets with bounded memory.
//! - [`csrf`]: the staff session's CSRF token.
//!
//! Rules kept throughout:
//! - Secrets are compared in constant time ([`digest_eq`]), so timing reveals
//!   nothing about how close a guess was. Lookups by digest need not be:
//!   the digest of an unguessable token is itself unguessable.
//! - Time is a parameter of every expiry and lockout rule.
//! - Secrets are never logged: nothing here implements `Display` for one,
//!   and `Debug` on anything holding a secret or a guessable digest prints
//!   `[redacted]`. Callers keep it that way: no tokens, codes or passphrases
//!   in log lines or error messages.

pub mod csrf;
pub mod otp;
pub mod passphrase;
pub mod rate_limit;
pub mod softlock;
pub mod token;

pub use csrf::{csrf_ok, new_csrf};
pub use otp::{may_resend, Challenge, OtpCheck};
pub use passphrase::{hash_passphrase, verify_passphrase, Hasher};
pub use rate_limit::RateLimiter;
pub use softlock::{Attempts, Failure, Locked};
pub use token::{digest_eq, hash_token, new_id, new_token, parse_token, receipt_number, Digest};

/// Why an authentication primitive could not do its job. Messages never contain the secret.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// An empty passphrase or password was given.
    #[error("the passphrase is empty")]
    EmptyPassphrase,
    /// The passphrase or password is longer than allowed.
    #[error("the passphrase is longer than {max} bytes")]
    PassphraseTooLong {
        /// The limit in bytes.
        max: usize,
    },
    /// Argon2 refused the input or parameters (a host fault, not the user's).
    #[error("passphrase hashing failed: {0}")]
    Hashing(String),
    /// The hashing pool is shutting down.
    #[error("the passphrase hasher is unavailable")]
    Unavailable,
}
