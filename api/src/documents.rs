//! Documents generated from a work item's answers (`/api/v1/work-items/{id}/documents`).

use serde::{Deserialize, Serialize};

/// `POST /api/v1/work-items/{id}/documents`: the answers summary in a format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewDocument {
    /// `html`, `docx` or `md`.
    pub format: String,
}

/// A generated document: its id and where to download it (staff only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentCreated {
    /// `doc_…`.
    pub id: String,
    /// `/api/v1/documents/{id}`.
    pub url: String,
}
