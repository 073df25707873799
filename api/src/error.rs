//! Every error, from any route: `{"error": {"code", "message", ...}}`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The body of every 4xx and 5xx answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ApiError,
}

/// What went wrong, for a program (`code`) and for a person (`message`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    /// A stable snake_case code, such as `wrong_credentials`.
    pub code: String,
    /// A sentence for a person.
    pub message: String,
    /// Attempts left before a lockout, on a wrong passphrase or code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
    /// Seconds to wait, on a lockout or a rate limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// The problems one by one (their shape depends on the code: paths for
    /// answers and templates, fields for clients).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Value>,
}
