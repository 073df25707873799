//! The admin's settings screens: the site settings (`/api/v1/settings`), API
//! keys (`/api/v1/api-keys`) and the webhook delivery log
//! (`/api/v1/webhook-deliveries`).
//!
//! Durations are seconds on the wire; webhook secrets are write-only (read
//! back as [`REDACTED`]) and API keys are shown once, in [`CreatedApiKey`].

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::session::Role;

/// What a stored webhook secret reads as.
pub const REDACTED: &str = "[redacted]";

/// The placeholders the interview email's subject and body may hold.
pub const EMAIL_PLACEHOLDERS: [&str; 6] = ["{title}", "{first_name}", "{last_name}", "{work_item}", "{link}", "{expires_at}"];

/// A way a client proves who they are when opening a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// The link alone.
    None,
    /// A passphrase staff tell the client by phone.
    Passphrase,
    /// The last 4 digits of the mobile number, then a code by SMS.
    Sms,
}

impl AuthMethod {
    /// Every method, in the order screens list them.
    pub const ALL: [AuthMethod; 3] = [AuthMethod::None, AuthMethod::Passphrase, AuthMethod::Sms];

    /// The wire name (`none`, `passphrase`, `sms`).
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::None => "none",
            AuthMethod::Passphrase => "passphrase",
            AuthMethod::Sms => "sms",
        }
    }
}

/// A webhook as the settings hold it: the secret is left out or reads
/// [`REDACTED`] when it is the stored one.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSetting {
    /// Where events are POSTed (http or https).
    pub url: String,
    /// The signing secret (16 characters or more); `None` or [`REDACTED`] keeps the stored one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// `GET /api/v1/settings` (and the answer to `PUT`): every setting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteSettings {
    /// How long a link stays active if never opened, in seconds.
    pub link_lifetime_secs: u64,
    /// How long a link stays active after its last access, in seconds.
    pub access_window_secs: u64,
    /// The client sign-in methods staff may choose (at least one).
    pub auth_methods: Vec<AuthMethod>,
    /// Failed passphrase or SMS attempts before a lockout.
    pub max_failed_attempts: u32,
    /// How long a lockout lasts, in seconds.
    pub lockout_secs: u64,
    /// How long a client session lasts, in seconds.
    pub client_session_secs: u64,
    /// How long a staff session lasts, in seconds.
    pub staff_session_secs: u64,
    /// The address clients reach the host at; links are built from it.
    pub public_base_url: String,
    /// Origins allowed to embed the interview page.
    pub embed_origins: Vec<String>,
    /// The interview email's subject.
    pub email_subject: String,
    /// The interview email's body (holds `{link}`).
    pub email_body: String,
    /// Webhooks told about events.
    pub webhooks: Vec<WebhookSetting>,
}

/// `PUT /api/v1/settings`: any subset of the settings; only those sent change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsChange {
    /// See [`SiteSettings::link_lifetime_secs`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_lifetime_secs: Option<u64>,
    /// See [`SiteSettings::access_window_secs`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_window_secs: Option<u64>,
    /// See [`SiteSettings::auth_methods`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_methods: Option<Vec<AuthMethod>>,
    /// See [`SiteSettings::max_failed_attempts`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_failed_attempts: Option<u32>,
    /// See [`SiteSettings::lockout_secs`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lockout_secs: Option<u64>,
    /// See [`SiteSettings::client_session_secs`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_session_secs: Option<u64>,
    /// See [`SiteSettings::staff_session_secs`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_session_secs: Option<u64>,
    /// See [`SiteSettings::public_base_url`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_base_url: Option<String>,
    /// See [`SiteSettings::embed_origins`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embed_origins: Option<Vec<String>>,
    /// See [`SiteSettings::email_subject`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_subject: Option<String>,
    /// See [`SiteSettings::email_body`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_body: Option<String>,
    /// See [`SiteSettings::webhooks`]: the whole list, which replaces the stored one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<Vec<WebhookSetting>>,
}

impl SettingsChange {
    /// The wire names of the settings this change sends.
    pub fn keys(&self) -> Vec<&'static str> {
        let sent = [
            ("link_lifetime_secs", self.link_lifetime_secs.is_some()),
            ("access_window_secs", self.access_window_secs.is_some()),
            ("auth_methods", self.auth_methods.is_some()),
            ("max_failed_attempts", self.max_failed_attempts.is_some()),
            ("lockout_secs", self.lockout_secs.is_some()),
            ("client_session_secs", self.client_session_secs.is_some()),
            ("staff_session_secs", self.staff_session_secs.is_some()),
            ("public_base_url", self.public_base_url.is_some()),
            ("embed_origins", self.embed_origins.is_some()),
            ("email_subject", self.email_subject.is_some()),
            ("email_body", self.email_body.is_some()),
            ("webhooks", self.webhooks.is_some()),
        ];
        sent.into_iter().filter(|(_, s)| *s).map(|(k, _)| k).collect()
    }

    /// Whether the change sends nothing.
    pub fn is_empty(&self) -> bool {
        self.keys().is_empty()
    }
}

/// One problem of a refused `PUT` (`422 invalid_setting`, in `errors`): the setting and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingProblem {
    /// The setting's wire name, such as `link_lifetime_secs`.
    pub field: String,
    /// A sentence for a person.
    pub message: String,
}

/// An API key as `GET /api/v1/api-keys` lists it (never with the key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyView {
    /// `key_…`.
    pub id: String,
    /// What it is for.
    pub name: String,
    /// The role it acts with.
    pub role: Role,
    /// Who made it: a user id (`usr_…`) or `api_key:key_…`.
    pub created_by: String,
    /// When it was made (RFC 3339 UTC).
    pub created_at: String,
    /// A revoked key is refused.
    pub revoked: bool,
}

/// `POST /api/v1/api-keys`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewApiKey {
    /// What it is for: 1 to 200 characters.
    pub name: String,
    /// `staff` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
}

/// The answer to `POST /api/v1/api-keys`: the key's record and the key,
/// shown only here. (Its fields are spelled out rather than flattening an
/// [`ApiKeyView`]: serde's `flatten` costs the dashboard's bundle dearly.)
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedApiKey {
    /// `key_…`.
    pub id: String,
    /// What it is for.
    pub name: String,
    /// The role it acts with.
    pub role: Role,
    /// Who made it.
    pub created_by: String,
    /// When it was made (RFC 3339 UTC).
    pub created_at: String,
    /// Always `false` in this answer.
    pub revoked: bool,
    /// Send as `Authorization: Bearer <key>`; the host keeps only its SHA-256.
    pub key: String,
}

impl CreatedApiKey {
    /// The key just made: its record as listed, and the key.
    pub fn new(view: ApiKeyView, key: String) -> CreatedApiKey {
        let ApiKeyView { id, name, role, created_by, created_at, revoked } = view;
        CreatedApiKey { id, name, role, created_by, created_at, revoked, key }
    }
}

/// Where a webhook delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// The receiver answered 2xx.
    Delivered,
    /// Waiting for its next attempt.
    Pending,
    /// Given up (every attempt failed, or the webhook was removed).
    Failed,
}

impl DeliveryState {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Delivered => "delivered",
            DeliveryState::Pending => "pending",
            DeliveryState::Failed => "failed",
        }
    }
}

/// One row of `GET /api/v1/webhook-deliveries` (newest first), and the answer to a retry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    /// `evt_…`.
    pub id: String,
    /// The event, such as `interview.submitted`.
    pub event: String,
    /// The webhook's URL.
    pub url: String,
    /// Delivered, pending or failed.
    pub state: DeliveryState,
    /// Attempts made so far.
    pub attempts: u32,
    /// Why the last attempt failed, when it did.
    #[serde(default)]
    pub last_error: Option<String>,
    /// When the next attempt is due (pending only).
    #[serde(default)]
    pub next_attempt_at: Option<String>,
    /// When it was delivered.
    #[serde(default)]
    pub delivered_at: Option<String>,
    /// When the event was queued.
    pub created_at: String,
}

// Secrets must not reach a log through `{:?}`.
impl fmt::Debug for WebhookSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookSetting").field("url", &self.url).field("secret", &self.secret.as_ref().map(|_| REDACTED)).finish()
    }
}

impl fmt::Debug for CreatedApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreatedApiKey").field("id", &self.id).field("name", &self.name).field("key", &REDACTED).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_change_sends_only_what_is_set_and_refuses_strangers() {
        let change = SettingsChange { link_lifetime_secs: Some(172_800), auth_methods: Some(vec![AuthMethod::Sms]), ..SettingsChange::default() };
        assert_eq!(serde_json::to_value(&change).expect("writes"), json!({"link_lifetime_secs": 172800, "auth_methods": ["sms"]}));
        assert_eq!(change.keys(), ["link_lifetime_secs", "auth_methods"]);
        assert!(SettingsChange::default().is_empty());
        assert!(serde_json::from_value::<SettingsChange>(json!({"nope": 1})).is_err());
        assert!(serde_json::from_value::<SettingsChange>(json!({"auth_methods": ["pigeon"]})).is_err());
    }

    #[test]
    fn settings_read_the_wire_with_redacted_secrets() {
        let wire = json!({
            "link_lifetime_secs": 345600, "access_window_secs": 345600, "auth_methods": ["none", "passphrase", "sms"],
            "max_failed_attempts": 5, "lockout_secs": 900, "client_session_secs": 7200, "staff_session_secs": 43200,
            "public_base_url": "http://127.0.0.1:8080", "embed_origins": [], "email_subject": "Information needed: {work_item}",
            "email_body": "{link}", "webhooks": [{"url": "https://hooks.example/h", "secret": "[redacted]"}],
        });
        let settings: SiteSettings = serde_json::from_value(wire.clone()).expect("reads");
        assert_eq!(settings.webhooks[0].secret.as_deref(), Some(REDACTED));
        assert_eq!(serde_json::to_value(&settings).expect("writes"), wire);
    }

    #[test]
    fn a_created_key_is_flat_on_the_wire_and_hidden_in_debug() {
        let made = CreatedApiKey::new(
            ApiKeyView {
                id: "key_a".into(),
                name: "CRM".into(),
                role: Role::Staff,
                created_by: "usr_a".into(),
                created_at: "2026-11-24T09:00:00Z".into(),
                revoked: false,
            },
            "secret-key-text".into(),
        );
        let wire = serde_json::to_value(&made).expect("writes");
        assert_eq!(wire["key"], "secret-key-text");
        assert_eq!(wire["name"], "CRM");
        assert_eq!(serde_json::from_value::<CreatedApiKey>(wire).expect("reads"), made);
        assert!(!format!("{made:?}").contains("secret-key-text"));
        let hook = WebhookSetting { url: "https://h.example".into(), secret: Some("0123456789abcdef".into()) };
        assert!(!format!("{hook:?}").contains("0123"));
    }

    #[test]
    fn a_delivery_has_the_wire_names() {
        let wire = json!({"id": "evt_a", "event": "interview.submitted", "url": "https://h.example", "state": "failed",
                          "attempts": 8, "last_error": "answered HTTP 500", "next_attempt_at": null, "delivered_at": null,
                          "created_at": "2026-11-24T09:00:00Z"});
        let row: WebhookDelivery = serde_json::from_value(wire.clone()).expect("reads");
        assert_eq!(row.state, DeliveryState::Failed);
        assert_eq!(serde_json::to_value(&row).expect("writes"), wire);
    }
}
