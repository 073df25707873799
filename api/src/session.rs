//! Staff sign-in (`/api/v1/staff/session`) and who is signed in.

use serde::{Deserialize, Serialize};

/// `POST /api/v1/staff/session`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// The staff member's email (any case).
    pub email: String,
    /// Their password.
    pub password: String,
}

/// The answer to a sign-in (and to `GET /api/v1/staff/session`): the CSRF
/// token to send as `X-CSRF-Token` on every change, and who signed in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// Send as `X-CSRF-Token` on every state-changing call.
    pub csrf_token: String,
    /// The signed-in staff member.
    pub user: UserSummary,
}

/// A staff member as the session shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserSummary {
    /// `usr_…`.
    pub id: String,
    /// Sign-in name, lower-cased.
    pub email: String,
    /// Shown in lists and the audit log.
    pub name: String,
    /// What they may do.
    pub role: Role,
}

/// A staff member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including settings and users.
    Admin,
    /// Work items, templates, clients and interviews.
    Staff,
}
