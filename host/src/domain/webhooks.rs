//! Webhooks: an event is written to the outbox in the same transaction as the
//! change it reports, so it is never lost and never sent for a change that
//! did not commit; a background task delivers the outbox with retries.

use serde_json::{json, Value};

use crate::auth::token;
use crate::clock::Timestamp;
use crate::storage::records::OutboxEntry;
use crate::storage::txn::{StorageError, WriteTxn};

/// Queues `event` with `data` for every configured webhook.
pub fn enqueue(tx: &mut dyn WriteTxn, now: Timestamp, event: &str, data: Value) -> Result<(), StorageError> {
    let settings = tx.settings()?;
    for hook in &settings.webhooks {
        let id = token::new_id("evt_");
        let body = json!({"id": id, "event": event, "at": now.to_rfc3339(), "data": data}).to_string();
        tx.put_outbox(&OutboxEntry {
            id,
            url: hook.url.clone(),
            body,
            attempts: 0,
            next_attempt_at: now,
            delivered_at: None,
            last_error: None,
        })?;
    }
    Ok(())
}
