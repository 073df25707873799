//! Clients (`/api/v1/clients`): the people interviews are sent to.

use serde::{Deserialize, Serialize};

/// A client as `GET /api/v1/clients` (each row) and `GET /api/v1/clients/{id}` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientView {
    /// `cli_…`.
    pub id: String,
    /// Mr, Ms, Dr, …
    pub title: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Email address (normalised).
    pub email: String,
    /// Mobile number in E.164, needed for SMS sign-in.
    pub mobile: Option<String>,
    /// The region (ISO 3166 alpha-2) the number was written in.
    pub region: Option<String>,
    /// When the client was made.
    pub created_at: String,
    /// When the client last changed.
    pub updated_at: String,
}
