//! Staff sign-in (`/api/v1/staff/session`) and who is signed in.
//!
//! `POST` signs in and `GET` tells the signed-in cookie's [`SessionInfo`]
//! again (a reload, a new tab on a deep link), so the dashboard never has to
//! keep the CSRF token anywhere but in memory.

use std::fmt;

use serde::{Deserialize, Serialize};

/// `POST /api/v1/staff/session`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// The staff member's email (any case).
    pub email: String,
    /// Their password.
    pub password: String,
}

/// The answer to a sign-in (and to `GET /api/v1/staff/session`): the CSRF
/// token to send as `X-CSRF-Token` on every change, and who signed in. Both
/// answers of one session carry the same token.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
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

// The password and the CSRF token must not reach a log through `{:?}`.
impl fmt::Debug for SignIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignIn").field("email", &self.email).field("password", &"[redacted]").finish()
    }
}

impl fmt::Debug for SessionInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionInfo").field("csrf_token", &"[redacted]").field("user", &self.user).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_show_in_debug() {
        let sign_in = SignIn { email: "bo@example.com".into(), password: "secret words".into() };
        assert!(!format!("{sign_in:?}").contains("secret"));
        let info = SessionInfo {
            csrf_token: "secret-token".into(),
            user: UserSummary { id: "usr_a".into(), email: "bo@example.com".into(), name: "bo".into(), role: Role::Staff },
        };
        let shown = format!("{info:?}");
        assert!(!shown.contains("secret") && shown.contains("usr_a"), "{shown}");
    }
}
