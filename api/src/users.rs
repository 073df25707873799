//! Staff users (`/api/v1/users`): the user as admins see them, and the
//! bodies that add one, change one and set a password.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::session::Role;

/// A staff user as `GET /api/v1/users` and the user calls answer it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// `usr_…`.
    pub id: String,
    /// Sign-in name, lower-cased.
    pub email: String,
    /// Shown in lists and the audit log.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// When the user was added (RFC 3339 UTC).
    pub created_at: String,
    /// A disabled user cannot sign in, and their sessions and API keys have ended.
    pub disabled: bool,
}

/// `POST /api/v1/users`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Sign-in email (lower-cased by the host).
    pub email: String,
    /// 12 to 1024 characters.
    pub password: String,
    /// `staff` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
}

/// `PATCH /api/v1/users/{id}`: only the fields sent change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    /// A new role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// `true` disables the user (ending their sessions and API keys), `false` lets them sign in again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// A new display name (1 to 200 characters, on one line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `POST /api/v1/users/{id}/password`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The new password: 12 to 1024 characters.
    pub password: String,
    /// The caller's present password: required when they change their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_password: Option<String>,
}

// Passwords must not reach a log through `{:?}`.
impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("email", &self.email)
            .field("password", &"[redacted]")
            .field("role", &self.role)
            .finish()
    }
}

impl fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordChange")
            .field("password", &"[redacted]")
            .field("current_password", &self.current_password.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_change_reads_any_subset_and_refuses_unknown_fields() {
        let change: UserChange = serde_json::from_value(json!({"disabled": true})).expect("reads");
        assert_eq!(change, UserChange { disabled: Some(true), ..UserChange::default() });
        let change: UserChange = serde_json::from_value(json!({"role": "admin", "name": "Bo"})).expect("reads");
        assert_eq!(change.role, Some(Role::Admin));
        assert_eq!(change.name.as_deref(), Some("Bo"));
        assert!(serde_json::from_value::<UserChange>(json!({"email": "x@example.com"})).is_err());
        assert!(serde_json::from_value::<UserChange>(json!({"role": "root"})).is_err());
        assert_eq!(serde_json::to_value(UserChange::default()).expect("writes"), json!({}));
    }

    #[test]
    fn the_user_view_has_the_wire_names() {
        let user = User {
            id: "usr_a".into(),
            email: "bo@example.com".into(),
            name: "bo".into(),
            role: Role::Staff,
            created_at: "2026-11-24T09:00:00Z".into(),
            disabled: false,
        };
        let wire = json!({"id": "usr_a", "email": "bo@example.com", "name": "bo", "role": "staff",
                          "created_at": "2026-11-24T09:00:00Z", "disabled": false});
        assert_eq!(serde_json::to_value(&user).expect("writes"), wire);
        assert_eq!(serde_json::from_value::<User>(wire).expect("reads"), user);
    }

    #[test]
    fn passwords_do_not_show_in_debug() {
        let change = PasswordChange { password: "new secret words".into(), current_password: Some("old secret words".into()) };
        let shown = format!("{change:?}");
        assert!(!shown.contains("secret"), "{shown}");
        let new = NewUser { email: "bo@example.com".into(), password: "new secret words".into(), role: None };
        let shown = format!("{new:?}");
        assert!(!shown.contains("secret") && shown.contains("bo@example.com"), "{shown}");
        let change: PasswordChange = serde_json::from_value(json!({"password": "p"})).expect("reads");
        assert_eq!(change.current_password, None);
        assert!(serde_json::from_value::<PasswordChange>(json!({"password": "p", "old": "q"})).is_err());
    }
}
