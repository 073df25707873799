//! The site settings: how they read (webhook secrets are write-only), how a
//! change of any subset is read and applied, and the rules every value must
//! keep. A refused change lists each problem with the setting it is about
//! (`422 invalid_setting`, `errors: [{"field", "message"}]`), so a form can
//! show them by field, and changes nothing.

use interview_api::settings::REDACTED;
use interview_api::{AuthMethod, SettingProblem, SettingsChange, SiteSettings, WebhookSetting};
use serde_json::Value;

use crate::error::Error;
use crate::storage::records::{AuthMethodName, Settings, Webhook};
use crate::storage::Storage;

/// The wire name of every setting, in the order of docs/api.md.
pub const KEYS: [&str; 12] = [
    "link_lifetime_secs",
    "access_window_secs",
    "auth_methods",
    "max_failed_attempts",
    "lockout_secs",
    "client_session_secs",
    "staff_session_secs",
    "public_base_url",
    "embed_origins",
    "email_subject",
    "email_body",
    "webhooks",
];

/// The most webhooks the settings hold.
pub const MAX_WEBHOOKS: usize = 20;
/// The shortest webhook secret accepted, in characters.
pub const MIN_SECRET_CHARS: usize = 16;

const MINUTE: u64 = 60;
const HOUR: u64 = 3600;
const DAY: u64 = 24 * HOUR;
const YEAR: u64 = 366 * DAY;

fn method_out(m: AuthMethodName) -> AuthMethod {
    match m {
        AuthMethodName::None => AuthMethod::None,
        AuthMethodName::Passphrase => AuthMethod::Passphrase,
        AuthMethodName::Sms => AuthMethod::Sms,
    }
}

fn method_in(m: AuthMethod) -> AuthMethodName {
    match m {
        AuthMethod::None => AuthMethodName::None,
        AuthMethod::Passphrase => AuthMethodName::Passphrase,
        AuthMethod::Sms => AuthMethodName::Sms,
    }
}

/// The settings as the API shows them: every webhook secret reads [`REDACTED`].
pub fn view(s: &Settings) -> SiteSettings {
    SiteSettings {
        link_lifetime_secs: s.link_lifetime_secs,
        access_window_secs: s.access_window_secs,
        auth_methods: s.auth_methods.iter().copied().map(method_out).collect(),
        max_failed_attempts: s.max_failed_attempts,
        lockout_secs: s.lockout_secs,
        client_session_secs: s.client_session_secs,
        staff_session_secs: s.staff_session_secs,
        public_base_url: s.public_base_url.clone(),
        embed_origins: s.embed_origins.clone(),
        email_subject: s.email_subject.clone(),
        email_body: s.email_body.clone(),
        webhooks: s.webhooks.iter().map(|h| WebhookSetting { url: h.url.clone(), secret: Some(REDACTED.to_owned()) }).collect(),
    }
}

fn problem(field: &str, message: impl Into<String>) -> SettingProblem {
    SettingProblem { field: field.to_owned(), message: message.into() }
}

/// The refusal of a change with these problems (`422 invalid_setting`).
pub fn invalid(problems: Vec<SettingProblem>) -> Error {
    let message = match problems.as_slice() {
        [one] => one.message.clone(),
        many => format!("{} settings need attention.", many.len()),
    };
    Error::Unprocessable { code: "invalid_setting", message, errors: serde_json::to_value(&problems).ok() }
}

/// Reads a `PUT` body: an object (else `400 invalid_body`) of settings (an
/// unknown key is `400 unknown_setting`), each of the right type (else `422
/// invalid_setting`, naming every setting that is not).
pub fn read_change(body: &Value) -> Result<SettingsChange, Error> {
    let fields = body.as_object().ok_or_else(|| Error::BadRequest {
        code: "invalid_body",
        message: "Send an object with the settings to change.".to_owned(),
    })?;
    if let Some(key) = fields.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(Error::BadRequest { code: "unknown_setting", message: format!("`{key}` is not a setting.") });
    }
    // One setting at a time, so each value of the wrong type is named.
    let mut problems = Vec::new();
    for (key, value) in fields {
        let single = Value::Object([(key.clone(), value.clone())].into_iter().collect());
        if let Err(e) = serde_json::from_value::<SettingsChange>(single) {
            problems.push(problem(key, format!("`{key}` has the wrong type: {e}")));
        }
    }
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    serde_json::from_value(body.clone()).map_err(|e| invalid(vec![problem("", format!("The settings could not be read: {e}"))]))
}

/// `current` with `change` applied. Webhooks sent without their secret (left
/// out, or the [`REDACTED`] that a read shows) keep the secret stored for the
/// same URL, so saving the settings as read changes no secret; a new URL
/// needs its own.
pub fn apply(current: &Settings, change: SettingsChange) -> Result<Settings, Vec<SettingProblem>> {
    let mut s = current.clone();
    let mut problems = Vec::new();
    if let Some(v) = change.link_lifetime_secs {
        s.link_lifetime_secs = v;
    }
    if let Some(v) = change.access_window_secs {
        s.access_window_secs = v;
    }
    if let Some(v) = change.auth_methods {
        let mut methods: Vec<AuthMethodName> = Vec::new();
        for m in v.into_iter().map(method_in) {
            if !methods.contains(&m) {
                methods.push(m);
            }
        }
        s.auth_methods = methods;
    }
    if let Some(v) = change.max_failed_attempts {
        s.max_failed_attempts = v;
    }
    if let Some(v) = change.lockout_secs {
        s.lockout_secs = v;
    }
    if let Some(v) = change.client_session_secs {
        s.client_session_secs = v;
    }
    if let Some(v) = change.staff_session_secs {
        s.staff_session_secs = v;
    }
    if let Some(v) = change.public_base_url {
        s.public_base_url = v.trim().to_owned();
    }
    if let Some(v) = change.embed_origins {
        s.embed_origins = v.into_iter().map(|o| o.trim().trim_end_matches('/').to_owned()).filter(|o| !o.is_empty()).collect();
    }
    if let Some(v) = change.email_subject {
        s.email_subject = v;
    }
    if let Some(v) = change.email_body {
        s.email_body = v;
    }
    if let Some(hooks) = change.webhooks {
        let mut out = Vec::new();
        for hook in hooks {
            let url = hook.url.trim().to_owned();
            let secret = match hook.secret.filter(|given| given != REDACTED) {
                Some(given) => given,
                None => match current.webhooks.iter().find(|h| h.url == url) {
                    Some(stored) => stored.secret.clone(),
                    None => {
                        problems.push(problem("webhooks", format!("The webhook {url} is new: give it a secret.")));
                        continue;
                    }
                },
            };
            out.push(Webhook { url, secret });
        }
        s.webhooks = out;
    }
    if problems.is_empty() {
        Ok(s)
    } else {
        Err(problems)
    }
}

fn http_url(url: &str) -> bool {
    reqwest::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

/// Every rule the settings break (none: they may be saved).
pub fn check(s: &Settings) -> Vec<SettingProblem> {
    let mut out = Vec::new();
    let mut between = |field: &str, value: u64, low: u64, high: u64, what: &str, range: &str| {
        if value < low || value > high {
            out.push(problem(field, format!("{what} must be between {range}.")));
        }
    };
    between("link_lifetime_secs", s.link_lifetime_secs, MINUTE, YEAR, "The link lifetime", "1 minute and 366 days");
    between("access_window_secs", s.access_window_secs, MINUTE, YEAR, "The access window", "1 minute and 366 days");
    between("max_failed_attempts", u64::from(s.max_failed_attempts), 1, 100, "The failed-attempt limit", "1 and 100");
    between("lockout_secs", s.lockout_secs, 1, DAY, "The lockout", "1 second and 1 day");
    between("client_session_secs", s.client_session_secs, MINUTE, DAY, "The client session length", "1 minute and 1 day");
    // Too short a staff session would sign every admin out at once, with no way back in over the API.
    between("staff_session_secs", s.staff_session_secs, 5 * MINUTE, 30 * DAY, "The staff session length", "5 minutes and 30 days");
    if s.auth_methods.is_empty() {
        out.push(problem("auth_methods", "At least one sign-in method must stay enabled."));
    }
    if !http_url(&s.public_base_url) {
        out.push(problem("public_base_url", "The public URL must be an http:// or https:// address."));
    }
    if let Some(origin) = s.embed_origins.iter().find(|o| !http_url(o)) {
        out.push(problem("embed_origins", format!("{origin} is not an origin such as https://partner.example.")));
    }
    if s.email_subject.trim().is_empty() || s.email_subject.chars().count() > 1000 {
        out.push(problem("email_subject", "The email subject must have 1 to 1000 characters."));
    }
    // The email exists to carry the link; without the placeholder the client gets nothing to open.
    if !s.email_body.contains("{link}") {
        out.push(problem("email_body", "The email body must contain {link}, where the client's link goes."));
    } else if s.email_body.len() > 20_000 {
        out.push(problem("email_body", "The email body must be at most 20000 bytes."));
    }
    if s.webhooks.len() > MAX_WEBHOOKS {
        out.push(problem("webhooks", format!("At most {MAX_WEBHOOKS} webhooks.")));
    }
    for hook in &s.webhooks {
        if !http_url(&hook.url) {
            out.push(problem("webhooks", format!("The webhook {} is not an http:// or https:// address.", hook.url)));
        } else if hook.secret.chars().count() < MIN_SECRET_CHARS || hook.secret == REDACTED {
            out.push(problem("webhooks", format!("The webhook {} needs a secret of at least {MIN_SECRET_CHARS} characters.", hook.url)));
        }
    }
    out
}

/// Applies `change` in one transaction: the settings after it, or every
/// problem and nothing changed.
pub fn change(store: &Storage, change: SettingsChange) -> Result<Settings, Error> {
    store.write(|tx| {
        let current = tx.settings()?;
        let next = apply(&current, change.clone()).map_err(invalid)?;
        let problems = check(&next);
        if !problems.is_empty() {
            return Err(invalid(problems));
        }
        tx.put_settings(&next)?;
        Ok(next)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(e: Error) -> Vec<String> {
        match e {
            Error::Unprocessable { code: "invalid_setting", errors: Some(errors), .. } => {
                let problems: Vec<SettingProblem> = serde_json::from_value(errors).unwrap_or_default();
                problems.into_iter().map(|p| p.field).collect()
            }
            other => panic!("not invalid_setting: {other:?}"),
        }
    }

    #[test]
    fn every_wrong_type_is_named_and_strangers_are_400() {
        let e = read_change(&json!({"link_lifetime_secs": "long", "auth_methods": ["pigeon"], "lockout_secs": 60})).unwrap_err();
        let mut named = fields(e);
        named.sort();
        assert_eq!(named, ["auth_methods", "link_lifetime_secs"]);
        assert!(matches!(read_change(&json!({"nope": 1})), Err(Error::BadRequest { code: "unknown_setting", .. })));
        assert!(matches!(read_change(&json!([1])), Err(Error::BadRequest { code: "invalid_body", .. })));
        assert_eq!(read_change(&json!({"lockout_secs": 60})).unwrap().lockout_secs, Some(60));
    }

    #[test]
    fn each_broken_rule_is_a_problem_of_its_field() {
        let s = Settings {
            link_lifetime_secs: 5,
            auth_methods: vec![],
            email_body: "no link".into(),
            embed_origins: vec!["partner.example".into()],
            ..Settings::default()
        };
        let named: Vec<String> = check(&s).into_iter().map(|p| p.field).collect();
        assert_eq!(named, ["link_lifetime_secs", "auth_methods", "embed_origins", "email_body"]);
        assert!(check(&Settings::default()).is_empty());
    }

    #[test]
    fn webhooks_keep_their_stored_secret_unless_given_a_new_one() {
        let current = Settings {
            webhooks: vec![Webhook { url: "https://h.example/a".into(), secret: "0123456789abcdef".into() }],
            ..Settings::default()
        };
        let same = SettingsChange {
            webhooks: Some(vec![WebhookSetting { url: "https://h.example/a".into(), secret: Some(REDACTED.into()) }]),
            ..SettingsChange::default()
        };
        assert_eq!(apply(&current, same).unwrap().webhooks, current.webhooks);
        let new = SettingsChange {
            webhooks: Some(vec![WebhookSetting { url: "https://h.example/b".into(), secret: None }]),
            ..SettingsChange::default()
        };
        let problems = apply(&current, new).unwrap_err();
        assert_eq!(problems[0].field, "webhooks");
        assert!(view(&current).webhooks.iter().all(|h| h.secret.as_deref() == Some(REDACTED)));
    }
}
