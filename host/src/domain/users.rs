//! Staff users: changing a role, a name or whether someone may sign in, and
//! setting passwords. The rules:
//!
//! - The site always keeps an enabled admin: a change that would disable or
//!   demote the last one is refused (`409 last_admin`), whoever asks, the
//!   admin themselves included, so nobody locks the site out of its settings.
//! - Disabling takes effect at once: the user's staff sessions are deleted and
//!   the API keys they made are revoked in the same transaction, so the next
//!   request with either is refused. Enabling again lets them sign in; the
//!   revoked keys stay revoked (new ones are needed).
//! - A new password ends the user's other sessions: all of them when someone
//!   else (an admin, the command line) sets it, all but the caller's own when
//!   they change their own.
//!
//! Hashing and verifying passwords is the caller's part (argon2 runs off the
//! executor, through [`crate::auth::Hasher`]); these take the hash.

use crate::auth::token::Digest;
use crate::domain::api_keys;
use crate::domain::audit::Actor;
use crate::error::Error;
use crate::storage::records::{Role, User};
use crate::storage::txn::{ReadTxn, WriteTxn};
use crate::storage::Storage;

/// Longest display name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// What a change to a user asks for; `None` leaves that part as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// A new role.
    pub role: Option<Role>,
    /// Disable (`true`) or enable again (`false`).
    pub disabled: Option<bool>,
    /// A new display name.
    pub name: Option<String>,
}

/// A change made: the user before and after, and what disabling ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Changed {
    /// The user as they were.
    pub before: User,
    /// The user as they are now.
    pub user: User,
    /// Staff sessions deleted because the user was disabled.
    pub sessions_ended: usize,
    /// API keys revoked because the user was disabled.
    pub keys_revoked: usize,
}

impl Changed {
    /// Whether this change disabled the user.
    pub fn disabled_now(&self) -> bool {
        !self.before.disabled && self.user.disabled
    }

    /// Whether this change enabled the user again.
    pub fn enabled_now(&self) -> bool {
        self.before.disabled && !self.user.disabled
    }
}

/// Whose password a caller is setting, which decides what they must prove.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordBy {
    /// Their own: the current password is needed, and their own session stays.
    Own,
    /// Someone else's, as an admin: no current password, every session of the user ends.
    Admin,
}

/// Who may set `target`'s password: the user themselves, or an admin (user or
/// admin key) for anyone else; anyone else is refused with `403 admin_only`.
pub fn password_access(actor: &Actor, role: Role, target: &str) -> Result<PasswordBy, Error> {
    match actor {
        Actor::User(id) if id == target => Ok(PasswordBy::Own),
        _ if role == Role::Admin => Ok(PasswordBy::Admin),
        _ => Err(Error::Forbidden {
            code: "admin_only",
            message: "Only an admin can set someone else's password.".to_owned(),
        }),
    }
}

/// The refusal of a wrong current password (`403`, not `401`: the caller is
/// signed in, and a 401 would tell the dashboard the session had ended).
pub fn wrong_password() -> Error {
    Error::Forbidden { code: "wrong_password", message: "The current password is not right.".to_owned() }
}

/// The refusal of a change to one's own password without the current one.
pub fn current_password_required() -> Error {
    Error::Unprocessable {
        code: "current_password_required",
        message: "To change your own password, send your current one as `current_password`.".to_owned(),
        errors: None,
    }
}

/// One user by id.
pub fn get(store: &Storage, id: &str) -> Result<User, Error> {
    store.read(|tx| tx.user(id)?.ok_or(Error::NotFound { what: "user" }))
}

/// Every user, by email.
pub fn list(store: &Storage) -> Result<Vec<User>, Error> {
    let mut users = store.read(|tx| Ok(tx.users()?))?;
    users.sort_by(|a, b| a.email.cmp(&b.email));
    Ok(users)
}

/// Changes a user's role, name or whether they may sign in; the whole change or none of it.
pub fn update(store: &Storage, id: &str, changes: Changes) -> Result<Changed, Error> {
    let name = changes.name.as_deref().map(checked_name).transpose()?;
    store.write(|tx| {
        let user = tx.user(id)?.ok_or(Error::NotFound { what: "user" })?;
        apply(tx, user, Changes { name, ..changes })
    })
}

/// Disables or enables the user with this email (the command line's `disable-user` and `enable-user`).
pub fn set_disabled_by_email(store: &Storage, email: &str, disabled: bool) -> Result<Changed, Error> {
    let email = email.trim().to_lowercase();
    store.write(|tx| {
        let user = tx.user_by_email(&email)?.ok_or(Error::NotFound { what: "user" })?;
        apply(tx, user, Changes { disabled: Some(disabled), ..Changes::default() })
    })
}

fn apply(tx: &mut dyn WriteTxn, before: User, changes: Changes) -> Result<Changed, Error> {
    let mut user = before.clone();
    if let Some(role) = changes.role {
        user.role = role;
    }
    if let Some(disabled) = changes.disabled {
        user.disabled = disabled;
    }
    if let Some(name) = changes.name {
        user.name = name;
    }
    let was_admin = before.role == Role::Admin && !before.disabled;
    let is_admin = user.role == Role::Admin && !user.disabled;
    if was_admin && !is_admin && !another_enabled_admin(tx, &user.id)? {
        return Err(Error::Conflict {
            code: "last_admin",
            message: "This is the last enabled admin: make another user an admin before disabling or demoting this one."
                .to_owned(),
        });
    }
    tx.put_user(&user)?;
    let mut changed = Changed { before, user, sessions_ended: 0, keys_revoked: 0 };
    if changed.disabled_now() {
        changed.sessions_ended = end_sessions(tx, &changed.user.id, None)?;
        changed.keys_revoked = api_keys::revoke_made_by(tx, &Actor::User(changed.user.id.clone()).as_string())?;
    }
    Ok(changed)
}

fn another_enabled_admin(tx: &dyn ReadTxn, id: &str) -> Result<bool, Error> {
    Ok(tx.users()?.iter().any(|u| u.id != id && u.role == Role::Admin && !u.disabled))
}

fn checked_name(name: &str) -> Result<String, Error> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(Error::Unprocessable {
            code: "invalid_name",
            message: format!("A user's name needs 1 to {MAX_NAME_CHARS} characters, on one line."),
            errors: None,
        });
    }
    Ok(name.to_owned())
}

/// Deletes the staff sessions of `user_id`, all but `keep` when given; how many it deleted.
pub fn end_sessions(tx: &mut dyn WriteTxn, user_id: &str, keep: Option<&Digest>) -> Result<usize, Error> {
    let mut ended = 0;
    // A scan: sessions are few (one per signed-in browser), and no index is kept by user.
    for session in tx.staff_sessions()? {
        if session.user_id == user_id && keep != Some(&session.token_hash) {
            tx.delete_staff_session(&session.token_hash)?;
            ended += 1;
        }
    }
    Ok(ended)
}

/// The stored password hash of a user, to verify their current password against.
pub fn password_hash(store: &Storage, id: &str) -> Result<String, Error> {
    get(store, id).map(|u| u.password_hash)
}

/// Stores a new password hash for the user and ends their sessions but `keep`;
/// the user, and how many sessions ended.
pub fn set_password_hash(store: &Storage, id: &str, hash: String, keep: Option<Digest>) -> Result<(User, usize), Error> {
    store.write(|tx| {
        let mut user = tx.user(id)?.ok_or(Error::NotFound { what: "user" })?;
        user.password_hash = hash;
        tx.put_user(&user)?;
        let ended = end_sessions(tx, id, keep.as_ref())?;
        Ok((user, ended))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::testdata;

    fn store() -> (tempfile::TempDir, Storage) {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::open(dir.path()).unwrap();
        (dir, storage)
    }

    fn code(err: Error) -> &'static str {
        match err {
            Error::Unprocessable { code, .. } | Error::Conflict { code, .. } | Error::Forbidden { code, .. } => code,
            Error::NotFound { .. } => "not_found",
            other => panic!("unexpected {other}"),
        }
    }

    fn admin(id: &str, email: &str) -> User {
        User { role: Role::Admin, ..testdata::user(id, email) }
    }

    fn put(store: &Storage, users: &[User]) {
        store
            .write(|tx| {
                for u in users {
                    tx.put_user(u)?;
                }
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn the_last_enabled_admin_can_be_neither_disabled_nor_demoted() {
        let (_dir, store) = store();
        put(&store, &[admin("usr_a", "a@example.com"), testdata::user("usr_b", "b@example.com")]);
        let disable = Changes { disabled: Some(true), ..Changes::default() };
        let demote = Changes { role: Some(Role::Staff), ..Changes::default() };
        assert_eq!(code(update(&store, "usr_a", disable.clone()).unwrap_err()), "last_admin");
        assert_eq!(code(update(&store, "usr_a", demote.clone()).unwrap_err()), "last_admin");
        // Refused means unchanged, the name sent with it included.
        let renamed_too = Changes { name: Some("Ada".into()), ..disable.clone() };
        assert_eq!(code(update(&store, "usr_a", renamed_too).unwrap_err()), "last_admin");
        assert_eq!(get(&store, "usr_a").unwrap(), admin("usr_a", "a@example.com"));

        // A disabled admin does not count as the other one.
        put(&store, &[User { disabled: true, ..admin("usr_c", "c@example.com") }]);
        assert_eq!(code(update(&store, "usr_a", disable.clone()).unwrap_err()), "last_admin");

        // With a second enabled admin, either may go, but not both.
        update(&store, "usr_b", Changes { role: Some(Role::Admin), ..Changes::default() }).unwrap();
        update(&store, "usr_a", demote).unwrap();
        assert_eq!(code(update(&store, "usr_b", disable).unwrap_err()), "last_admin");
        // Enabling an admin again is always fine.
        update(&store, "usr_c", Changes { disabled: Some(false), ..Changes::default() }).unwrap();
    }

    #[test]
    fn disabling_ends_sessions_and_revokes_keys_of_that_user_only() {
        let (_dir, store) = store();
        put(&store, &[admin("usr_a", "a@example.com"), testdata::user("usr_b", "b@example.com")]);
        store
            .write(|tx| {
                tx.put_staff_session(&testdata::staff_session([1; 32], "usr_b"))?;
                tx.put_staff_session(&testdata::staff_session([2; 32], "usr_b"))?;
                tx.put_staff_session(&testdata::staff_session([3; 32], "usr_a"))?;
                tx.put_api_key(&crate::storage::records::ApiKey { created_by: "usr_b".into(), ..testdata::api_key("key_b", [4; 32]) })?;
                tx.put_api_key(&crate::storage::records::ApiKey { created_by: "usr_a".into(), ..testdata::api_key("key_a", [5; 32]) })?;
                Ok(())
            })
            .unwrap();
        let changed = set_disabled_by_email(&store, " B@Example.com ", true).unwrap();
        assert!(changed.disabled_now() && changed.user.disabled);
        assert_eq!((changed.sessions_ended, changed.keys_revoked), (2, 1));
        store
            .read(|tx| {
                assert_eq!(tx.staff_sessions()?.iter().map(|s| s.user_id.as_str()).collect::<Vec<_>>(), ["usr_a"]);
                let keys = tx.api_keys()?;
                assert!(keys.iter().all(|k| k.revoked == (k.id == "key_b")), "{keys:?}");
                Ok(())
            })
            .unwrap();
        // Disabling again ends nothing more; enabling brings back no key.
        assert_eq!(set_disabled_by_email(&store, "b@example.com", true).unwrap().sessions_ended, 0);
        let enabled = set_disabled_by_email(&store, "b@example.com", false).unwrap();
        assert!(enabled.enabled_now() && !enabled.user.disabled);
        assert!(store.read(|tx| Ok(tx.api_key_by_hash(&[4; 32])?)).unwrap().unwrap().revoked);
        assert_eq!(code(set_disabled_by_email(&store, "nobody@example.com", true).unwrap_err()), "not_found");
    }

    #[test]
    fn names_are_trimmed_and_checked() {
        let (_dir, store) = store();
        put(&store, &[testdata::user("usr_b", "b@example.com")]);
        let rename = |name: &str| update(&store, "usr_b", Changes { name: Some(name.into()), ..Changes::default() });
        assert_eq!(rename("  Bo Lee ").unwrap().user.name, "Bo Lee");
        for bad in ["", "   ", "two\nlines", &"x".repeat(201)] {
            assert_eq!(code(rename(bad).unwrap_err()), "invalid_name", "{bad:?}");
        }
        assert_eq!(code(update(&store, "usr_nope", Changes::default()).unwrap_err()), "not_found");
    }

    #[test]
    fn a_new_password_ends_the_other_sessions() {
        let (_dir, store) = store();
        put(&store, &[testdata::user("usr_b", "b@example.com"), testdata::user("usr_c", "c@example.com")]);
        store
            .write(|tx| {
                for (hash, user) in [([1; 32], "usr_b"), ([2; 32], "usr_b"), ([3; 32], "usr_c")] {
                    tx.put_staff_session(&testdata::staff_session(hash, user))?;
                }
                Ok(())
            })
            .unwrap();
        let (user, ended) = set_password_hash(&store, "usr_b", "new hash".into(), Some([1; 32])).unwrap();
        assert_eq!((user.password_hash.as_str(), ended), ("new hash", 1));
        assert_eq!(password_hash(&store, "usr_b").unwrap(), "new hash");
        let left: Vec<Digest> = store.read(|tx| Ok(tx.staff_sessions()?)).unwrap().iter().map(|s| s.token_hash).collect();
        assert_eq!(left, vec![[1; 32], [3; 32]]);
        assert_eq!(set_password_hash(&store, "usr_b", "again".into(), None).unwrap().1, 1);
        assert_eq!(code(set_password_hash(&store, "usr_nope", "x".into(), None).unwrap_err()), "not_found");
    }

    #[test]
    fn own_passwords_for_everyone_others_for_admins() {
        let me = Actor::User("usr_b".into());
        assert_eq!(password_access(&me, Role::Staff, "usr_b").unwrap(), PasswordBy::Own);
        assert_eq!(password_access(&me, Role::Admin, "usr_b").unwrap(), PasswordBy::Own);
        assert_eq!(code(password_access(&me, Role::Staff, "usr_c").unwrap_err()), "admin_only");
        assert_eq!(password_access(&me, Role::Admin, "usr_c").unwrap(), PasswordBy::Admin);
        let key = Actor::ApiKey("usr_b".into());
        assert_eq!(password_access(&key, Role::Admin, "usr_b").unwrap(), PasswordBy::Admin);
        assert_eq!(code(password_access(&key, Role::Staff, "usr_b").unwrap_err()), "admin_only");
    }
}
