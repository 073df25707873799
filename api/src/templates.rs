//! Templates (`/api/v1/templates`): named, with immutable numbered versions.

use serde::{Deserialize, Serialize};

/// One version of a template, as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionSummary {
    /// 1, 2, 3, …
    pub version: u32,
    /// The definition's title.
    pub title: String,
    /// When it was added.
    pub created_at: String,
    /// Who added it (`usr_…`, `api_key:key_…`).
    pub created_by: String,
}

/// A template as `GET /api/v1/templates` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateSummary {
    /// `tpl_…`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The version new interviews get.
    pub live_version: u32,
    /// When it was made.
    pub created_at: String,
    /// Every version, oldest first.
    pub versions: Vec<VersionSummary>,
}
