//! Work groups (`/api/v1/work-groups`), which organise work items.

use serde::{Deserialize, Serialize};

/// A work group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkGroup {
    /// `wg_…`.
    pub id: String,
    /// Its name, unique ignoring case.
    pub name: String,
    /// What it is for.
    #[serde(default)]
    pub description: Option<String>,
    /// An archived group takes no new work items.
    pub archived: bool,
    /// When it was made.
    pub created_at: String,
}
