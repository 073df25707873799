//! Work the host does on its own: writing down expired interviews,
//! delivering the webhook outbox with retries, and removing orphaned uploads. Both wake every few seconds
//! and stop when told to.

use std::time::Duration;

use tokio::sync::watch;

use crate::domain::sending;
use crate::http::AppState;
use crate::notify::webhook;
use crate::storage::records::OutboxEntry;

/// How often the tasks wake.
pub const TICK: Duration = Duration::from_secs(5);
/// Orphaned uploads are swept every this many ticks (5 minutes).
const ORPHAN_EVERY: u64 = 60;

/// Runs until `stop` turns true.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let client = match crate::notify::http_client(crate::notify::SEND_TIMEOUT) {
        Ok(c) => Some(c),
        Err(e) => {
            tracing::error!(error = %e, "no HTTP client: webhooks will not be delivered");
            None
        }
    };
    let mut ticks: u64 = 0;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(TICK) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
        let store = state.storage.clone();
        let now = state.now();
        match state.blocking(move || sending::sweep_expired(&store, now)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(count = n, "interviews expired"),
            Err(e) => tracing::warn!(error = %e, "expiry sweep failed"),
        }
        // Orphaned files are rare and the sweep reads every work item: once every ORPHAN_EVERY ticks.
        ticks = ticks.wrapping_add(1);
        if ticks.is_multiple_of(ORPHAN_EVERY) {
            let (store, data_dir) = (state.storage.clone(), state.data_dir.clone());
            let sweep = move || crate::domain::files::remove_orphans(&store, &data_dir, now, crate::domain::files::ORPHAN_GRACE_SECS);
            if let Err(e) = state.blocking(sweep).await {
                tracing::warn!(error = %e, "file sweep failed");
            }
        }
        if let Some(client) = &client {
            deliver_due(&state, client).await;
        }
    }
}

/// Delivers what is due in the outbox once.
pub async fn deliver_due(state: &AppState, client: &reqwest::Client) {
    let store = state.storage.clone();
    let now = state.now();
    let due = match state
        .blocking(move || {
            store.read(|tx| {
                let settings = tx.settings()?;
                Ok((tx.outbox_due(now)?, settings.webhooks))
            })
        })
        .await
    {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(error = %e, "reading the outbox failed");
            return;
        }
    };
    let (entries, hooks) = due;
    for mut entry in entries {
        let now = state.now();
        // A webhook removed from the settings since the event was queued gets nothing (and no unsigned post).
        let Some(secret) = hooks.iter().find(|h| h.url == entry.url).map(|h| h.secret.clone()) else {
            entry.last_error = Some("the webhook was removed from the settings".to_owned());
            entry.next_attempt_at = crate::clock::Timestamp(i64::MAX);
            let store = state.storage.clone();
            let saved: OutboxEntry = entry.clone();
            if let Err(e) = state.blocking(move || store.write(|tx| Ok(tx.put_outbox(&saved)?))).await {
                tracing::warn!(error = %e, "parking a webhook delivery failed");
            }
            continue;
        };
        let outcome = webhook::deliver(client, &entry.url, secret.as_bytes(), &entry.body, now.0 / 1000).await;
        entry.attempts += 1;
        match outcome {
            Ok(_) => entry.delivered_at = Some(now),
            Err(e) => {
                entry.last_error = Some(e.to_string());
                match webhook::next_attempt_delay_secs(entry.attempts) {
                    Some(delay) => entry.next_attempt_at = now.plus_secs(delay),
                    None => {
                        tracing::warn!(id = %entry.id, "webhook given up after {} attempts", entry.attempts);
                        // Parked for operators: never due again.
                        entry.next_attempt_at = crate::clock::Timestamp(i64::MAX);
                    }
                }
            }
        }
        let store = state.storage.clone();
        let saved: OutboxEntry = entry.clone();
        if let Err(e) = state.blocking(move || store.write(|tx| Ok(tx.put_outbox(&saved)?))).await {
            tracing::warn!(error = %e, "recording a webhook delivery failed");
        }
    }
}
