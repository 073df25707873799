//! The audit log: append-only events per work item, written in the same
//! transaction as the change they describe. Tokens, passphrases and codes
//! never appear in an event; details carry ids and outcomes only.

use interview_api::AuditEventRow;
use serde_json::Value;

use super::paging::{self, Page};
use crate::clock::Timestamp;
use crate::error::Error;
use crate::storage::records::AuditEvent;
use crate::storage::txn::{ReadTxn, StorageError, WriteTxn};

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

/// A page of a work item's log, newest first, below the event numbered `before`.
pub fn list(tx: &dyn ReadTxn, work_item_id: &str, before: Option<u64>, limit: usize) -> Result<Page<AuditEventRow>, Error> {
    tx.work_item(work_item_id)?.ok_or(Error::NotFound { what: "work item" })?;
    let (items, next) = paging::collect(
        before,
        limit,
        0,
        |before, n| Ok(tx.audit_page(work_item_id, before.copied(), n)?),
        |(seq, _)| *seq,
        |(_, event)| Ok(Some(event)),
    )?;
    let mut names = ActorNames::default();
    let items = items.into_iter().map(|event| row(tx, &mut names, event)).collect::<Result<_, Error>>()?;
    Ok(Page { items, next: next.map(paging::seq_cursor) })
}

/// An event as the API shows it.
fn row(tx: &dyn ReadTxn, names: &mut ActorNames, event: AuditEvent) -> Result<AuditEventRow, Error> {
    Ok(AuditEventRow {
        actor_name: names.name_of(tx, &event.actor)?,
        at: event.at.to_rfc3339(),
        actor: event.actor,
        event: event.event,
        detail: event.detail,
        ip: event.ip,
    })
}

/// Actors in words, looked up once each: a staff member's name (else their
/// email), "Client", "System", or an API key's name.
#[derive(Debug, Default)]
pub struct ActorNames {
    known: std::collections::HashMap<String, Option<String>>,
}

impl ActorNames {
    /// The name of the stored actor `actor` (`usr_…`, `api_key:key_…`, `client`, `system`).
    pub fn name_of(&mut self, tx: &dyn ReadTxn, actor: &str) -> Result<Option<String>, Error> {
        if let Some(name) = self.known.get(actor) {
            return Ok(name.clone());
        }
        let name = match actor {
            "client" => Some("Client".to_owned()),
            "system" => Some("System".to_owned()),
            other => match other.strip_prefix("api_key:") {
                Some(key) => tx.api_keys()?.into_iter().find(|k| k.id == key).map(|k| format!("API key \u{201c}{}\u{201d}", k.name)),
                None => tx.user(other)?.map(|u| if u.name.trim().is_empty() { u.email } else { u.name }),
            },
        };
        self.known.insert(actor.to_owned(), name.clone());
        Ok(name)
    }
}
