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

/// What staff send to make a client (`POST /api/v1/clients`, every name and
/// the email required) or change one (`PATCH /api/v1/clients/{id}`, only the
/// fields given). An empty `mobile` removes the number.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientFields {
    /// Mr, Ms, Dr, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Mobile number (any common form; stored in E.164).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    /// Region the mobile number is written in (ISO 3166 alpha-2), when it has no country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}
