//! Webhooks: an event is written to the outbox in the same transaction as the
//! change it reports, so it is never lost and never sent for a change that
//! did not commit; a background task delivers the outbox with retries. The
//! admins' delivery log reads it newest first, and "retry now" makes a
//! pending or failed delivery due at once.

use interview_api::{DeliveryState, WebhookDelivery};
use serde_json::{json, Value};

use super::paging::{self, Page};
use crate::auth::token;
use crate::clock::Timestamp;
use crate::error::Error;
use crate::storage::records::OutboxEntry;
use crate::storage::txn::{ReadTxn, StorageError, WriteTxn};
use crate::storage::{RowKey, Storage};

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
            created_at: now,
            event: event.to_owned(),
        })?;
    }
    Ok(())
}

/// When a parked delivery is due: never (given up, or its webhook was removed).
pub const NEVER: Timestamp = Timestamp(i64::MAX);

/// Where a delivery stands: delivered, pending (another attempt is due), or failed (parked).
pub fn state(entry: &OutboxEntry) -> DeliveryState {
    if entry.delivered_at.is_some() {
        DeliveryState::Delivered
    } else if entry.next_attempt_at == NEVER {
        DeliveryState::Failed
    } else {
        DeliveryState::Pending
    }
}

/// A delivery as the delivery log shows it (never its body's data or the webhook's secret).
pub fn view(entry: &OutboxEntry) -> WebhookDelivery {
    let state = state(entry);
    WebhookDelivery {
        id: entry.id.clone(),
        event: entry.event.clone(),
        url: entry.url.clone(),
        state,
        attempts: entry.attempts,
        last_error: entry.last_error.clone(),
        next_attempt_at: (state == DeliveryState::Pending).then(|| entry.next_attempt_at.to_rfc3339()),
        delivered_at: entry.delivered_at.map(Timestamp::to_rfc3339),
        created_at: entry.created_at.to_rfc3339(),
    }
}

/// A page of the delivery log, newest first, starting after `after`.
pub fn page(tx: &dyn ReadTxn, after: Option<RowKey>, limit: usize) -> Result<Page<WebhookDelivery>, Error> {
    let found = tx.outbox_page(after.as_ref(), limit + 1)?;
    let more = found.len() > limit;
    let rows: Vec<OutboxEntry> = found.into_iter().take(limit).collect();
    let next = if more {
        rows.last().map(|e| paging::row_cursor(&RowKey { created_at: e.created_at, id: e.id.clone() }))
    } else {
        None
    };
    Ok(Page { items: rows.iter().map(view).collect(), next })
}

/// Makes a pending or failed delivery due at `now`, for the background task's
/// next round; a delivered one is `409 already_delivered`.
pub fn retry(store: &Storage, now: Timestamp, id: &str) -> Result<OutboxEntry, Error> {
    store.write(|tx| {
        let mut entry = tx.outbox_entry(id)?.ok_or(Error::NotFound { what: "webhook delivery" })?;
        if entry.delivered_at.is_some() {
            return Err(Error::Conflict {
                code: "already_delivered",
                message: "This delivery has already been delivered.".to_owned(),
            });
        }
        entry.next_attempt_at = now;
        tx.put_outbox(&entry)?;
        Ok(entry)
    })
}
