//! API keys for partner back ends. A key is a 256-bit random token shown once
//! when it is made; the host keeps only its SHA-256, so a copy of the
//! database cannot be used to call the API. Revoking keeps the record (the
//! audit log names keys by id) but refuses the key from then on.

use crate::auth::token;
use crate::clock::Timestamp;
use crate::error::Error;
use crate::storage::records::{ApiKey, Role};
use crate::storage::txn::WriteTxn;
use crate::storage::Storage;

/// Longest key name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// A key just made: its record and the key itself (shown once, never stored).
#[derive(Debug, Clone)]
pub struct NewKey {
    /// The stored record (holding only the key's digest).
    pub record: ApiKey,
    /// The key to hand to the partner.
    pub key: String,
}

/// Makes a key named `name` acting with `role`, recorded as made by `created_by`.
pub fn create(store: &Storage, now: Timestamp, created_by: &str, name: &str, role: Role) -> Result<NewKey, Error> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::Unprocessable {
            code: "invalid_name",
            message: format!("An API key needs a name of 1 to {MAX_NAME_CHARS} characters."),
            errors: None,
        });
    }
    let (key, key_hash) = token::new_token();
    let record = ApiKey {
        id: token::new_id("key_"),
        name: name.to_owned(),
        key_hash,
        role,
        created_by: created_by.to_owned(),
        created_at: now,
        revoked: false,
    };
    store.write(|tx| {
        tx.put_api_key(&record)?;
        Ok(())
    })?;
    Ok(NewKey { record, key })
}

/// Every key, revoked ones included, oldest first.
pub fn list(store: &Storage) -> Result<Vec<ApiKey>, Error> {
    let mut keys = store.read(|tx| Ok(tx.api_keys()?))?;
    keys.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(keys)
}

/// Revokes a key; revoking a revoked key again changes nothing.
pub fn revoke(store: &Storage, id: &str) -> Result<ApiKey, Error> {
    store.write(|tx| {
        let mut key = tx.api_keys()?.into_iter().find(|k| k.id == id).ok_or(Error::NotFound { what: "API key" })?;
        if !key.revoked {
            key.revoked = true;
            tx.put_api_key(&key)?;
        }
        Ok(key)
    })
}

/// Revokes every key `created_by` made that is not revoked yet, in the caller's
/// transaction (a disabled user's keys stop with them); how many it revoked.
pub fn revoke_made_by(tx: &mut dyn WriteTxn, created_by: &str) -> Result<usize, Error> {
    let mut revoked = 0;
    for mut key in tx.api_keys()? {
        if key.created_by == created_by && !key.revoked {
            key.revoked = true;
            tx.put_api_key(&key)?;
            revoked += 1;
        }
    }
    Ok(revoked)
}
