//! Interviews (`/api/v1/work-items/{id}/interviews`, `/api/v1/interviews/…`,
//! `/api/v1/interview-options`): sending a client their link, and the email
//! that carries it.

use serde::{Deserialize, Serialize};

use crate::clients::ClientFields;

/// How a client proves who they are: the same methods the settings enable.
pub use crate::settings::AuthMethod;

/// The methods in the order the "Client interview" wizard offers them (the
/// strongest first).
pub const WIZARD_ORDER: [AuthMethod; 3] = [AuthMethod::Sms, AuthMethod::Passphrase, AuthMethod::None];

/// The `auth` of a send request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthChoice {
    /// The method.
    pub method: AuthMethod,
    /// The passphrase (8 to 1024 characters), for `passphrase` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passphrase: Option<String>,
}

/// `POST /api/v1/work-items/{id}/interviews`: give `client_id` or `client`, not both.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendInterview {
    /// An existing client (`cli_…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// A client to make now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<ClientFields>,
    /// How the client signs in (default: `none`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthChoice>,
    /// Template ids, one section each, 1 to 20 (default: the work item's template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sections: Option<Vec<String>>,
    /// Send the composed email over SMTP too.
    #[serde(default)]
    pub send_email: bool,
    /// The client's language (`en`, `fr`, `de`; default: the host's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// What became of an email: `not_sent`, `sent`, `failed` or `not_configured`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailStatus {
    /// Not asked for: staff send it themselves.
    NotSent,
    /// The SMTP server took it.
    Sent,
    /// The SMTP server could not be reached or refused it.
    Failed,
    /// Asked for, but no SMTP server is configured.
    NotConfigured,
}

/// The email that carries the link, as composed from the settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentEmail {
    /// The client's address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// Plain text with the link.
    pub body: String,
    /// A `mailto:` link with all of the above.
    pub mailto: String,
    /// What became of it.
    pub status: EmailStatus,
    /// Why it was not sent, for `failed` and `not_configured`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The answer of a send: the link is shown only here (the host keeps its hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentInterview {
    /// `iv_…`.
    pub id: String,
    /// The personal link.
    pub link: String,
    /// When it expires if never opened.
    pub expires_at: String,
    /// The client's language, as its tag.
    pub locale: String,
    /// The email with the link.
    pub email: SentEmail,
}

/// `POST /api/v1/interviews/{id}/email`: the email as staff edited it; the
/// body must still contain the interview's link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailRequest {
    /// The subject line (1 to 1000 characters).
    pub subject: String,
    /// The body (at most 20000 characters), with the link in it.
    pub body: String,
}

/// The answer of `POST /api/v1/interviews/{id}/email`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailOutcome {
    /// The client's address it went to.
    pub to: String,
    /// `sent` or `failed`.
    pub status: EmailStatus,
    /// Why it was not sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `GET /api/v1/interview-options`: what the "Client interview" wizard may
/// offer, readable by all staff (the settings themselves are admin-only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterviewOptions {
    /// The sign-in methods the settings enable.
    pub auth_methods: Vec<AuthMethod>,
    /// The language an interview gets when none is chosen.
    pub default_locale: String,
    /// Every language the host speaks.
    pub locales: Vec<String>,
    /// Whether an SMTP server is configured ("Send from server").
    pub smtp_configured: bool,
    /// How long a link works if never opened.
    pub link_lifetime_secs: u64,
}
