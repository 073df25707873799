//! A work item's audit log (`/api/v1/work-items/{id}/audit`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One event of the audit log, as each row of the list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEventRow {
    /// When it happened (UTC).
    pub at: String,
    /// Who: a user id (`usr_…`), `api_key:key_…`, `client` or `system`.
    pub actor: String,
    /// Who, for people: the staff member's name, "Client", "System" or the key's name.
    #[serde(default)]
    pub actor_name: Option<String>,
    /// What: `work_item_created`, `interview_sent`, `submitted`, …
    pub event: String,
    /// Details: ids and outcomes, never a token or secret.
    pub detail: Value,
    /// The client's address, for client events.
    pub ip: Option<String>,
}
