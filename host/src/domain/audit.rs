//! The audit log: append-only events per work item, written in the same
//! transaction as the change they describe. Tokens, passphrases and codes
//! never appear in an event; details carry ids and outcomes only.

use serde_json::Value;

use crate::clock::Timestamp;
use crate::storage::records::AuditEvent;
use crate::storage::txn::{StorageError, WriteTxn};

/// Who did something, as written in the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in staff user (by id).
    User(String),
    /// A partner back end (by API key id).
    ApiKey(String),
    /// The client holding the link.
    Client,
    /// The host itself (expiry, deliveries).
    System,
}

impl Actor {
    /// The actor as stored: `usr_…`, `api_key:key_…`, `client`, `system`.
    pub fn as_string(&self) -> String {
        match self {
            Actor::User(id) => id.clone(),
            Actor::ApiKey(id) => format!("api_key:{id}"),
            Actor::Client => "client".to_owned(),
            Actor::System => "system".to_owned(),
        }
    }
}

/// Appends one event to a work item's log.
pub fn record(
    tx: &mut dyn WriteTxn,
    work_item_id: &str,
    at: Timestamp,
    actor: &Actor,
    event: &str,
    detail: Value,
    ip: Option<&str>,
) -> Result<(), StorageError> {
    tx.append_audit(&AuditEvent {
        work_item_id: work_item_id.to_owned(),
        at,
        actor: actor.as_string(),
        event: event.to_owned(),
        detail,
        ip: ip.map(str::to_owned),
    })
}
