//! The first admin, and staff users made from the command line.
//!
//! On first start with no users, the host creates an admin from
//! `INTERVIEW_ADMIN_EMAIL` and `INTERVIEW_ADMIN_PASSWORD` when both are set;
//! when neither is set it creates `admin@localhost` with a random password
//! and prints both once, so a newcomer can sign in at once.

use crate::auth::passphrase::Hasher;
use crate::auth::token;
use crate::clock::Timestamp;
use crate::error::Error;
use crate::storage::records::{Role, User};
use crate::storage::Storage;

/// Shortest staff password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// What the first start did about the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bootstrap {
    /// Users exist already: nothing done.
    AlreadyDone,
    /// Made from the environment.
    FromEnvironment {
        /// The admin's email.
        email: String,
    },
    /// Made with a random password, to be printed once.
    Generated {
        /// `admin@localhost`.
        email: String,
        /// The password (shown once, stored only hashed).
        password: String,
    },
}

/// Checks a staff password before it is hashed.
pub fn check_password(password: &str) -> Result<(), Error> {
    if password.chars().count() < MIN_PASSWORD_CHARS || password.len() > 1024 {
        return Err(Error::Unprocessable {
            code: "weak_password",
            message: format!("A staff password needs {MIN_PASSWORD_CHARS} to 1024 characters."),
            errors: None,
        });
    }
    Ok(())
}

/// A staff sign-in name: an email address, lower-cased; `…@localhost` is allowed for local use.
fn staff_email(email: &str) -> Result<String, Error> {
    let email = email.trim().to_lowercase();
    if let Some(local) = email.strip_suffix("@localhost") {
        if !local.is_empty() && !local.contains(['@', ' ']) {
            return Ok(email);
        }
    }
    interview_runtime::email::normalise(&email)
        .map(|e| e.to_lowercase())
        .map_err(|e| Error::Unprocessable { code: "invalid_email", message: e.to_string(), errors: None })
}

/// Creates a staff user (email lower-cased; refused when taken).
pub async fn add_user(
    store: &Storage,
    hasher: &Hasher,
    now: Timestamp,
    email: &str,
    password: &str,
    role: Role,
) -> Result<User, Error> {
    let email = staff_email(email)?;
    check_password(password)?;
    let password_hash = hasher.hash(password.to_owned()).await.map_err(|e| Error::Internal(e.to_string()))?;
    store.write(|tx| {
        if tx.user_by_email(&email)?.is_some() {
            return Err(Error::Conflict { code: "user_exists", message: format!("A user `{email}` exists already.") });
        }
        let name = email.split('@').next().unwrap_or("staff").to_owned();
        let user = User {
            id: token::new_id("usr_"),
            email: email.clone(),
            name,
            role,
            password_hash: password_hash.clone(),
            created_at: now,
            disabled: false,
        };
        tx.put_user(&user)?;
        Ok(user)
    })
}

/// Sets a new password for a user and ends every session they have signed in
/// (the command line's `reset-password`: the old password may have leaked);
/// how many sessions ended.
pub async fn reset_password(store: &Storage, hasher: &Hasher, email: &str, password: &str) -> Result<usize, Error> {
    check_password(password)?;
    let email = email.trim().to_lowercase();
    let password_hash = hasher.hash(password.to_owned()).await.map_err(|e| Error::Internal(e.to_string()))?;
    store.write(|tx| {
        let mut user = tx.user_by_email(&email)?.ok_or(Error::NotFound { what: "user" })?;
        user.password_hash = password_hash.clone();
        tx.put_user(&user)?;
        crate::domain::users::end_sessions(tx, &user.id, None)
    })
}

/// Makes the first admin when there are no users yet.
pub async fn first_admin(
    store: &Storage,
    hasher: &Hasher,
    now: Timestamp,
    email: Option<String>,
    password: Option<String>,
) -> Result<Bootstrap, Error> {
    if !store.read(|tx| Ok(tx.users()?.is_empty()))? {
        return Ok(Bootstrap::AlreadyDone);
    }
    match (email, password) {
        (Some(email), Some(password)) => {
            let user = add_user(store, hasher, now, &email, &password, Role::Admin).await?;
            Ok(Bootstrap::FromEnvironment { email: user.email })
        }
        (None, None) => {
            let (password, _) = token::new_token();
            let user = add_user(store, hasher, now, "admin@localhost", &password, Role::Admin).await?;
            Ok(Bootstrap::Generated { email: user.email, password })
        }
        _ => Err(Error::BadRequest {
            code: "admin_bootstrap",
            message: "Set both INTERVIEW_ADMIN_EMAIL and INTERVIEW_ADMIN_PASSWORD, or neither.".to_owned(),
        }),
    }
}
