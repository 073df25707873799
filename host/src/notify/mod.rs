//! The host's edges to the world: text messages, email and signed webhooks.
//!
//! - [`sms`]: sends the one-time codes of SMS sign-in through a provider
//!   chosen by [`SmsConfig`]: Twilio, a signed webhook to the site's own SMS
//!   gateway, or the *log* provider. The log provider is the default for local
//!   runs: it appends each message to an outbox file in the data folder, so a
//!   person trying SMS sign-in on their own machine can read the code there
//!   without an SMS account.
//! - [`mail`]: fills the interview email template, builds the `mailto:` link
//!   staff can open in their own mail program, and sends over SMTP.
//! - [`webhook`]: signs, verifies and delivers the webhooks partners receive
//!   (for example on submit), with the retry schedule for failed deliveries.
//! - `testing` (tests and the `test-doubles` feature only): fake Twilio,
//!   webhook and SMTP servers on `127.0.0.1` that record what they receive.
//!
//! Codes and secrets are never logged: message bodies (which hold the codes),
//! auth tokens, passwords and webhook secrets stay out of logs and error
//! messages, and every type holding a secret prints `[redacted]` in `Debug`.
//! Errors name the provider and what went wrong in words a site admin can act
//! on; they never echo what a remote server sent back beyond its own short
//! error message.

pub mod mail;
pub mod sms;
#[cfg(any(test, feature = "test-doubles"))]
pub mod testing;
pub mod webhook;

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use mail::{compose, mailto, Email, SmtpConfig, SmtpTls};
pub use sms::{LogSms, SmsConfig, SmsMessage, SmsSender, TwilioSms, WebhookSms};
pub use webhook::{deliver, next_attempt_delay_secs, sign, verify};

/// How long any one outgoing request (SMS, SMTP, webhook) may take.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// A configured secret (auth token, password, signing key) that never shows in `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// Why an SMS was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    /// The provider settings cannot work (bad URL, account id, ...).
    #[error("SMS settings are invalid: {0}")]
    Config(String),
    /// The log provider could not write its outbox file.
    #[error("could not write the SMS outbox {path}: {source}")]
    Outbox {
        /// The outbox file.
        path: String,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The provider could not be reached at all.
    #[error("could not reach {provider} at {origin}: {reason}")]
    Unreachable {
        /// `Twilio` or `the SMS webhook`.
        provider: &'static str,
        /// Scheme, host and port of the provider (never the full URL, which may hold a token).
        origin: String,
        /// What went wrong, e.g. "Connection refused".
        reason: String,
    },
    /// The provider did not answer in time; the message may or may not have been sent.
    #[error("{provider} did not answer within {secs} s")]
    Timeout {
        /// `Twilio` or `the SMS webhook`.
        provider: &'static str,
        /// The timeout that ran out.
        secs: u64,
    },
    /// The provider answered but refused the message.
    #[error("{provider} refused the SMS (HTTP {status}): {message}")]
    Rejected {
        /// `Twilio` or `the SMS webhook`.
        provider: &'static str,
        /// The HTTP status it answered with.
        status: u16,
        /// The provider's own error code (Twilio's `code`), when it gave one.
        code: Option<i64>,
        /// The provider's own explanation, shortened, or a generic one.
        message: String,
    },
}

/// Why an email was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// An address (the configured sender or the recipient) is not a valid email address.
    #[error("the {field} address {address:?} is not valid: {reason}")]
    Address {
        /// `from` or `to`.
        field: &'static str,
        /// The address as given.
        address: String,
        /// Why it was refused.
        reason: String,
    },
    /// The SMTP settings cannot work (e.g. a host name that is not valid for TLS).
    #[error("SMTP settings are invalid: {0}")]
    Config(String),
    /// The message could not be built.
    #[error("could not build the email: {0}")]
    Build(String),
    /// The mail server refused the message, the recipient or our sign-in.
    #[error("the mail server at {server} refused the email: {reply}")]
    Refused {
        /// `host:port` of the mail server.
        server: String,
        /// The server's reply code and text, e.g. `550 5.1.1 no such user`.
        reply: String,
        /// Whether retrying later may help (a 4xx reply rather than a 5xx one).
        transient: bool,
    },
    /// The mail server could not be reached, or the TLS or SMTP conversation broke down.
    #[error("could not talk to the mail server at {server}: {reason}")]
    Unreachable {
        /// `host:port` of the mail server.
        server: String,
        /// What went wrong.
        reason: String,
    },
    /// The mail server did not answer in time.
    #[error("the mail server at {server} did not answer within {secs} s")]
    Timeout {
        /// `host:port` of the mail server.
        server: String,
        /// The timeout that ran out.
        secs: u64,
    },
}

/// Why a webhook delivery failed.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// The webhook URL is not a valid http(s) URL.
    #[error("the webhook URL is not valid: {0}")]
    InvalidUrl(String),
    /// The receiver could not be reached.
    #[error("could not reach the webhook receiver at {origin}: {reason}")]
    Unreachable {
        /// Scheme, host and port of the receiver (never the full URL, which may hold a token).
        origin: String,
        /// What went wrong.
        reason: String,
    },
    /// The receiver did not answer in time.
    #[error("the webhook receiver at {origin} did not answer within {secs} s")]
    Timeout {
        /// Scheme, host and port of the receiver.
        origin: String,
        /// The timeout that ran out.
        secs: u64,
    },
    /// The receiver answered with a status other than 2xx.
    #[error("the webhook receiver at {origin} answered HTTP {status}")]
    Status {
        /// Scheme, host and port of the receiver.
        origin: String,
        /// The status it answered with.
        status: u16,
    },
}

/// Builds the HTTP client the SMS providers and webhooks share: `timeout` per request, no redirects.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client, reqwest::Error> {
    // Redirects are refused: a POST that is redirected turns into a GET
    // elsewhere, and our signature headers would travel to a host nobody
    // configured. A 3xx therefore counts as a failed delivery.
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("interview-host/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Parses an http(s) URL and gives back it and its origin (`scheme://host:port`).
fn parse_http_url(url: &str) -> Result<(reqwest::Url, String), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("{e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("scheme {:?} is not http or https", parsed.scheme()));
    }
    if parsed.host_str().is_none() {
        return Err("it has no host".to_owned());
    }
    let origin = parsed.origin().ascii_serialization();
    Ok((parsed, origin))
}

/// The innermost cause of a request error, which is the part a person can act on
/// ("Connection refused"), without the URL reqwest would otherwise print.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// Shortens a remote server's text so a hostile or broken server cannot flood our logs.
fn shorten(text: &str, max_chars: usize) -> String {
    let trimmed = text.trim();
    match trimmed.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &trimmed[..cut]),
        None => trimmed.to_owned(),
    }
}

/// Lower-case hex of `bytes`.
fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// Bytes from hex (either case); `None` for odd lengths or non-hex characters.
fn from_hex(text: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| Some(nibble(pair[0])? << 4 | nibble(pair[1])?))
        .collect()
}

/// HMAC-SHA256 of the concatenated `parts` under `secret`.
fn hmac_sha256(secret: &[u8], parts: &[&[u8]]) -> Option<hmac::Hmac<sha2::Sha256>> {
    use hmac::{KeyInit, Mac};
    // HMAC takes keys of any length, so this never fails; the Option only
    // spares library code an unwrap.
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret).ok()?;
    for part in parts {
        mac.update(part);
    }
    Some(mac)
}

/// Seconds since the Unix epoch now (0 if the clock is before 1970).
fn unix_now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// RFC 3339 UTC with second precision, e.g. `2026-11-24T09:11:06Z`.
fn rfc3339_utc(unix_secs: i64) -> String {
    crate::clock::Timestamp(unix_secs.saturating_mul(1000)).to_rfc3339()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_is_redacted_everywhere_it_is_nested() {
        let secret = Secret::new("hunter2-token");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        let config = SmsConfig::Twilio {
            account_sid: "AC123".into(),
            auth_token: secret.clone(),
            from: "+15550001111".into(),
            base_url: "https://api.twilio.com".into(),
        };
        let printed = format!("{config:?} {config:#?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("[redacted]"));
        assert_eq!(secret.expose(), "hunter2-token");
    }

    #[test]
    fn secret_reads_and_writes_as_a_plain_string() {
        let secret: Secret = serde_json::from_str("\"s3cret\"").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(secret.expose(), "s3cret");
        assert_eq!(
            serde_json::to_string(&secret).unwrap_or_default(),
            "\"s3cret\""
        );
    }

    #[test]
    fn hex_round_trips_and_rejects_garbage() {
        let bytes = [0u8, 1, 0xab, 0xff, 0x10];
        assert_eq!(to_hex(&bytes), "0001abff10");
        assert_eq!(from_hex("0001ABff10"), Some(bytes.to_vec()));
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("zz"), None);
    }

    #[test]
    fn rfc3339_matches_known_dates() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_utc(1_795_511_466), "2026-11-24T09:11:06Z");
        assert_eq!(rfc3339_utc(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn shorten_cuts_long_text_on_a_char_boundary() {
        assert_eq!(shorten("  short ", 10), "short");
        assert_eq!(shorten("ééééé", 3), "ééé…");
    }
}
