//! The crate's one error type.

use serde::Serialize;

/// A problem found in a template, named by its JSON path (`pages[0].items[2].visible_if`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// JSON path of the offending value inside the template document.
    pub path: String,
    /// One sentence for a person.
    pub message: String,
}

/// Everything that can go wrong when using the engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The template has problems; every one is listed.
    #[error("the template has {} problem(s); the first: {}: {}", .0.len(), .0.first().map(|p| p.path.as_str()).unwrap_or(""), .0.first().map(|p| p.message.as_str()).unwrap_or(""))]
    InvalidTemplate(Vec<Problem>),
    /// A JSON document could not be parsed.
    #[error("not valid JSON: {0}")]
    Json(String),
    /// An answer file could not be imported.
    #[error("answer file: {0}")]
    AnswerFile(String),
    /// A draft record could not be read.
    #[error("draft: {0}")]
    Draft(String),
    /// A packed template could not be read: an unknown format version, or
    /// malformed, truncated or oversized text.
    #[error("packed template: {0}")]
    Packed(String),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
