//! Text messages: the one-time codes of SMS sign-in.
//!
//! [`SmsConfig`] (a site setting) picks the provider and [`SmsConfig::build`]
//! turns it into an [`SmsSender`]:
//!
//! - `log`: appends the message to an outbox file (one JSON line
//!   `{"at","to","body"}`) and logs only where it went. It exists so a person
//!   can try SMS sign-in on their own machine and read the code from the file.
//! - `twilio`: Twilio's Messages API.
//! - `webhook`: a signed JSON POST to the site's own SMS gateway.
//!
//! Message bodies hold the codes, so they never reach the log or an error.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{Secret, SmsError, SEND_TIMEOUT};

/// Header of the webhook provider carrying `sha256=<hex>`, the HMAC-SHA256 of the request body.
pub const SIGNATURE_HEADER: &str = "X-Signature";
/// Header of the webhook provider carrying the Unix time (seconds) the request was made.
pub const TIMESTAMP_HEADER: &str = "X-Timestamp";
/// The outbox file name the local default uses inside the data folder.
pub const OUTBOX_FILE: &str = "sms-outbox.jsonl";

/// What [`SmsSender::send`] returns: a boxed future, so senders can live behind `dyn`.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SmsError>> + Send + 'a>>;

/// One text message.
#[derive(Clone, PartialEq, Eq)]
pub struct SmsMessage {
    /// The recipient's mobile number in E.164 form (`+447700900123`).
    pub to: String,
    /// The text; holds the one-time code, so it is redacted in `Debug`.
    pub body: String,
}

impl std::fmt::Debug for SmsMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsMessage")
            .field("to", &self.to)
            .field("body", &"[redacted]")
            .finish()
    }
}

/// Something that sends text messages; the host holds one as `Arc<dyn SmsSender>`.
pub trait SmsSender: Send + Sync {
    /// Sends `msg`; `Ok` once the provider has accepted it.
    fn send(&self, msg: SmsMessage) -> SendFuture<'_>;
}

/// Which SMS provider the site uses, and its settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "provider", rename_all = "snake_case", deny_unknown_fields)]
pub enum SmsConfig {
    /// Write messages to an outbox file instead of sending them (local runs).
    Log {
        /// The file the messages are appended to.
        outbox_path: PathBuf,
    },
    /// Send through Twilio's Messages API.
    Twilio {
        /// The account SID (`AC...`).
        account_sid: String,
        /// The account's auth token.
        auth_token: Secret,
        /// The sending number (E.164) or alphanumeric sender id.
        from: String,
        /// The API's base URL; changed only by tests and proxies.
        #[serde(default = "default_twilio_base_url")]
        base_url: String,
    },
    /// POST each message as signed JSON to the site's own gateway.
    Webhook {
        /// The gateway's URL.
        url: String,
        /// The key both sides use for the HMAC-SHA256 signature.
        secret: Secret,
    },
}

fn default_twilio_base_url() -> String {
    "https://api.twilio.com".to_owned()
}

impl SmsConfig {
    /// The default for local runs: the log provider writing to [`OUTBOX_FILE`] in `data_dir`.
    pub fn local(data_dir: &Path) -> Self {
        SmsConfig::Log {
            outbox_path: data_dir.join(OUTBOX_FILE),
        }
    }

    /// Builds the sender these settings describe, checking them on the way.
    pub fn build(&self) -> Result<Arc<dyn SmsSender>, SmsError> {
        Ok(match self {
            SmsConfig::Log { outbox_path } => Arc::new(LogSms::new(outbox_path.clone())),
            SmsConfig::Twilio {
                account_sid,
                auth_token,
                from,
                base_url,
            } => Arc::new(TwilioSms::new(
                account_sid,
                auth_token.clone(),
                from,
                base_url,
            )?),
            SmsConfig::Webhook { url, secret } => Arc::new(WebhookSms::new(url, secret.clone())?),
        })
    }
}

/// The log provider: appends each message to an outbox file.
#[derive(Debug)]
pub struct LogSms {
    path: PathBuf,
    // Serialises appends from concurrent sends so lines never interleave.
    lock: tokio::sync::Mutex<()>,
}

impl LogSms {
    /// A log provider writing to `path` (created on first use, with its folder).
    pub fn new(path: PathBuf) -> Self {
        LogSms {
            path,
            lock: tokio::sync::Mutex::new(()),
        }
    }

    /// The outbox file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn append(&self, msg: &SmsMessage) -> Result<(), std::io::Error> {
        use tokio::io::AsyncWriteExt;

        let mut line = serde_json::to_string(&serde_json::json!({
            "at": super::rfc3339_utc(super::unix_now_secs()),
            "to": msg.to,
            "body": msg.body,
        }))?;
        line.push('\n');

        let _guard = self.lock.lock().await;
        if let Some(parent) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            tokio::fs::create_dir_all(parent).await?;
        }
        let mut options = tokio::fs::OpenOptions::new();
        options.create(true).append(true);
        // The outbox holds live sign-in codes: readable by the host's user only.
        #[cfg(unix)]
        options.mode(0o600);
        let mut file = options.open(&self.path).await?;
        file.write_all(line.as_bytes()).await?;
        // Synced so a code the person is about to type is on disk even if the
        // host crashes right after answering "code sent".
        file.sync_data().await?;
        Ok(())
    }
}

impl SmsSender for LogSms {
    fn send(&self, msg: SmsMessage) -> SendFuture<'_> {
        Box::pin(async move {
            self.append(&msg).await.map_err(|source| SmsError::Outbox {
                path: self.path.display().to_string(),
                source,
            })?;
            // Only the path: the body holds the code.
            tracing::info!("SMS written to {}", self.path.display());
            Ok(())
        })
    }
}

/// The Twilio provider (Messages API, HTTP basic auth).
#[derive(Debug)]
pub struct TwilioSms {
    client: reqwest::Client,
    endpoint: reqwest::Url,
    origin: String,
    account_sid: String,
    auth_token: Secret,
    from: String,
    timeout: Duration,
}

impl TwilioSms {
    const NAME: &'static str = "Twilio";

    /// A Twilio provider for the account `account_sid`, sending from `from`, at `base_url`.
    pub fn new(
        account_sid: &str,
        auth_token: Secret,
        from: &str,
        base_url: &str,
    ) -> Result<Self, SmsError> {
        // The SID goes into the URL path; anything but letters and digits
        // would let a typo (or worse) point the request somewhere else.
        if account_sid.is_empty() || !account_sid.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(SmsError::Config(
                "the Twilio account SID must be letters and digits (AC...)".into(),
            ));
        }
        if auth_token.expose().is_empty() {
            return Err(SmsError::Config("the Twilio auth token is empty".into()));
        }
        if from.trim().is_empty() {
            return Err(SmsError::Config(
                "the Twilio sending number (from) is empty".into(),
            ));
        }
        let base = base_url.trim_end_matches('/');
        let (endpoint, origin) = super::parse_http_url(&format!(
            "{base}/2010-04-01/Accounts/{account_sid}/Messages.json"
        ))
        .map_err(|e| {
            SmsError::Config(format!(
                "the Twilio base URL {base_url:?} is not valid: {e}"
            ))
        })?;
        Ok(TwilioSms {
            client: client(SEND_TIMEOUT)?,
            endpoint,
            origin,
            account_sid: account_sid.to_owned(),
            auth_token,
            from: from.to_owned(),
            timeout: SEND_TIMEOUT,
        })
    }

    /// The same provider with another request timeout (tests use a short one).
    pub fn with_timeout(mut self, timeout: Duration) -> Result<Self, SmsError> {
        self.client = client(timeout)?;
        self.timeout = timeout;
        Ok(self)
    }

    async fn post(&self, msg: SmsMessage) -> Result<(), SmsError> {
        let form = [
            ("To", msg.to.as_str()),
            ("From", self.from.as_str()),
            ("Body", msg.body.as_str()),
        ];
        let response = self
            .client
            .post(self.endpoint.clone())
            .basic_auth(&self.account_sid, Some(self.auth_token.expose()))
            .form(&form)
            .send()
            .await
            .map_err(|e| request_error(Self::NAME, &self.origin, self.timeout, &e))?;
        let status = response.status().as_u16();
        if status == 201 {
            return Ok(());
        }
        let text = response
            .text()
            .await
            .map_err(|e| request_error(Self::NAME, &self.origin, self.timeout, &e))?;
        Err(twilio_rejection(status, &text))
    }
}

impl SmsSender for TwilioSms {
    fn send(&self, msg: SmsMessage) -> SendFuture<'_> {
        Box::pin(self.post(msg))
    }
}

/// Turns Twilio's error answer (`{"code": 21211, "message": "..."}`) into an [`SmsError`].
fn twilio_rejection(status: u16, text: &str) -> SmsError {
    #[derive(Deserialize)]
    struct TwilioError {
        code: Option<i64>,
        message: Option<String>,
    }
    let parsed: Option<TwilioError> = serde_json::from_str(text).ok();
    let code = parsed.as_ref().and_then(|e| e.code);
    let message = match parsed.and_then(|e| e.message) {
        Some(message) if !message.trim().is_empty() => super::shorten(&message, 300),
        // Not Twilio's JSON (a proxy's error page, say): its text is not ours to log.
        _ if (200..300).contains(&status) => {
            "unexpected answer: Twilio creates messages with 201".to_owned()
        }
        _ => "no error message".to_owned(),
    };
    SmsError::Rejected {
        provider: TwilioSms::NAME,
        status,
        code,
        message,
    }
}

/// The webhook provider: a signed JSON POST to the site's own SMS gateway.
///
/// The request carries `X-Signature: sha256=<hex>` (HMAC-SHA256 of the body,
/// as many gateways expect), `X-Timestamp: <unix secs>`, and also
/// `X-Interview-Signature: t=<ts>,v1=<hex>`, which signs the timestamp
/// together with the body so a receiver can refuse replays (see
/// [`super::webhook::verify`]).
#[derive(Debug)]
pub struct WebhookSms {
    client: reqwest::Client,
    url: reqwest::Url,
    origin: String,
    secret: Secret,
    timeout: Duration,
}

impl WebhookSms {
    const NAME: &'static str = "the SMS webhook";

    /// A webhook provider posting to `url`, signing with `secret`.
    pub fn new(url: &str, secret: Secret) -> Result<Self, SmsError> {
        let (url, origin) = super::parse_http_url(url)
            .map_err(|e| SmsError::Config(format!("the SMS webhook URL is not valid: {e}")))?;
        if secret.expose().is_empty() {
            return Err(SmsError::Config("the SMS webhook secret is empty".into()));
        }
        Ok(WebhookSms {
            client: client(SEND_TIMEOUT)?,
            url,
            origin,
            secret,
            timeout: SEND_TIMEOUT,
        })
    }

    /// The same provider with another request timeout (tests use a short one).
    pub fn with_timeout(mut self, timeout: Duration) -> Result<Self, SmsError> {
        self.client = client(timeout)?;
        self.timeout = timeout;
        Ok(self)
    }

    async fn post(&self, msg: SmsMessage) -> Result<(), SmsError> {
        let body = serde_json::to_vec(&serde_json::json!({ "to": msg.to, "body": msg.body }))
            .map_err(|e| SmsError::Config(format!("could not encode the message: {e}")))?;
        let now = super::unix_now_secs();
        let secret = self.secret.expose().as_bytes();
        let signature = super::hmac_sha256(secret, &[&body])
            .map(|mac| {
                format!(
                    "sha256={}",
                    super::to_hex(&hmac::Mac::finalize(mac).into_bytes())
                )
            })
            .unwrap_or_default();
        let response = self
            .client
            .post(self.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, signature)
            .header(TIMESTAMP_HEADER, now.to_string())
            .header(
                super::webhook::SIGNATURE_HEADER,
                super::webhook::sign(secret, now, &body),
            )
            .body(body)
            .send()
            .await
            .map_err(|e| request_error(Self::NAME, &self.origin, self.timeout, &e))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        // The gateway's answer is not echoed: it may quote our body, code and all.
        Err(SmsError::Rejected {
            provider: Self::NAME,
            status: status.as_u16(),
            code: None,
            message: format!("the gateway answered {status}"),
        })
    }
}

impl SmsSender for WebhookSms {
    fn send(&self, msg: SmsMessage) -> SendFuture<'_> {
        Box::pin(self.post(msg))
    }
}

fn client(timeout: Duration) -> Result<reqwest::Client, SmsError> {
    super::http_client(timeout).map_err(|e| {
        SmsError::Config(format!(
            "could not set up the HTTP client: {}",
            super::root_cause(&e)
        ))
    })
}

fn request_error(
    provider: &'static str,
    origin: &str,
    timeout: Duration,
    error: &reqwest::Error,
) -> SmsError {
    if error.is_timeout() {
        SmsError::Timeout {
            provider,
            secs: timeout.as_secs().max(1),
        }
    } else {
        SmsError::Unreachable {
            provider,
            origin: origin.to_owned(),
            reason: super::root_cause(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{closed_port_url, FakeHttpServer, Reply};
    use super::super::webhook;
    use super::*;

    fn message() -> SmsMessage {
        SmsMessage {
            to: "+447700900123".into(),
            body: "Your code is 482913".into(),
        }
    }

    fn twilio(server_url: &str) -> TwilioSms {
        TwilioSms::new(
            "AC0123456789abcdef",
            Secret::new("tw-token"),
            "+15005550006",
            server_url,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    async fn fake(reply: Reply) -> FakeHttpServer {
        FakeHttpServer::start(reply)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn config_reads_each_provider_from_json() {
        let log: SmsConfig =
            serde_json::from_str(r#"{"provider":"log","outbox_path":"data/sms.jsonl"}"#)
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            log,
            SmsConfig::Log {
                outbox_path: "data/sms.jsonl".into()
            }
        );
        let twilio: SmsConfig = serde_json::from_str(
            r#"{"provider":"twilio","account_sid":"AC1","auth_token":"t","from":"+1555"}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            matches!(&twilio, SmsConfig::Twilio { base_url, .. } if base_url == "https://api.twilio.com")
        );
        let hook: SmsConfig = serde_json::from_str(
            r#"{"provider":"webhook","url":"https://gw.example/sms","secret":"k"}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(hook, SmsConfig::Webhook { .. }));
        assert!(serde_json::from_str::<SmsConfig>(r#"{"provider":"carrier-pigeon"}"#).is_err());
        // A misspelt key must not silently fall back to a default.
        assert!(serde_json::from_str::<SmsConfig>(r#"{"provider":"log","outbox":"x"}"#).is_err());
    }

    #[test]
    fn message_debug_hides_the_code() {
        let printed = format!("{:?}", message());
        assert!(!printed.contains("482913"), "{printed}");
        assert!(printed.contains("+447700900123"));
    }

    #[test]
    fn bad_settings_are_refused_when_built() {
        let bad_sid = SmsConfig::Twilio {
            account_sid: "AC1/../../evil".into(),
            auth_token: Secret::new("t"),
            from: "+1555".into(),
            base_url: "https://api.twilio.com".into(),
        };
        assert!(matches!(bad_sid.build(), Err(SmsError::Config(m)) if m.contains("SID")));
        let bad_url = SmsConfig::Webhook {
            url: "ftp://gw.example/sms".into(),
            secret: Secret::new("k"),
        };
        assert!(matches!(bad_url.build(), Err(SmsError::Config(m)) if m.contains("URL")));
        let no_secret = SmsConfig::Webhook {
            url: "https://gw.example/sms".into(),
            secret: Secret::new(""),
        };
        assert!(matches!(no_secret.build(), Err(SmsError::Config(m)) if m.contains("secret")));
    }

    #[tokio::test]
    async fn log_provider_appends_one_json_line_per_message() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let config = SmsConfig::local(&dir.path().join("data"));
        let sender = config.build().unwrap_or_else(|e| panic!("{e}"));
        sender
            .send(message())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        sender
            .send(SmsMessage {
                to: "+15550001111".into(),
                body: "Your code is 000111\n\"quoted\"".into(),
            })
            .await
            .unwrap_or_else(|e| panic!("{e}"));

        let text = std::fs::read_to_string(dir.path().join("data").join(OUTBOX_FILE))
            .unwrap_or_else(|e| panic!("{e}"));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        let first: serde_json::Value =
            serde_json::from_str(lines[0]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first["to"], "+447700900123");
        assert_eq!(first["body"], "Your code is 482913");
        let at = first["at"].as_str().unwrap_or_default();
        assert!(
            at.len() == 20 && at.ends_with('Z') && at.starts_with("20"),
            "{at}"
        );
        let second: serde_json::Value =
            serde_json::from_str(lines[1]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(second["body"], "Your code is 000111\n\"quoted\"");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn log_outbox_is_private_to_the_host_user() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let sender = LogSms::new(dir.path().join("out.jsonl"));
        sender
            .send(message())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mode = std::fs::metadata(sender.path())
            .map(|m| m.permissions().mode())
            .unwrap_or(0);
        assert_eq!(mode & 0o077, 0, "mode {mode:o}");
    }

    /// Records every tracing event (message and fields) on the thread it is set on.
    struct CaptureLog(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

    struct FieldText(String);

    impl tracing::field::Visit for FieldText {
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
            self.0.push_str(&format!("{}={value:?} ", field.name()));
        }
    }

    impl tracing::Subscriber for CaptureLog {
        fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            tracing::span::Id::from_u64(1)
        }
        fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, event: &tracing::Event<'_>) {
            let mut text = FieldText(String::new());
            event.record(&mut text);
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(text.0);
        }
        fn enter(&self, _: &tracing::span::Id) {}
        fn exit(&self, _: &tracing::span::Id) {}
    }

    #[tokio::test]
    async fn no_provider_logs_the_code() {
        let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        // The test runtime is single-threaded, so a thread-local subscriber sees every send.
        let _guard = tracing::subscriber::set_default(CaptureLog(events.clone()));

        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let outbox = dir.path().join("outbox.jsonl");
        LogSms::new(outbox.clone())
            .send(message())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let twilio_server = FakeHttpServer::twilio()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        twilio(&twilio_server.url())
            .send(message())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let gateway = FakeHttpServer::webhook_receiver()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let hook = WebhookSms::new(&gateway.url(), Secret::new("gw-key"))
            .unwrap_or_else(|e| panic!("{e}"));
        hook.send(message()).await.unwrap_or_else(|e| panic!("{e}"));

        let events = events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let expected = format!("SMS written to {}", outbox.display());
        assert!(events.iter().any(|e| e.contains(&expected)), "{events:?}");
        for event in &events {
            assert!(
                !event.contains("482913"),
                "the code leaked into the log: {event}"
            );
            assert!(
                !event.contains("tw-token") && !event.contains("gw-key"),
                "a secret leaked: {event}"
            );
        }
    }

    #[tokio::test]
    async fn log_provider_reports_an_unwritable_outbox() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        // A directory where the file should be: the open fails.
        let sender = LogSms::new(dir.path().to_path_buf());
        let err = sender.send(message()).await.err();
        assert!(matches!(&err, Some(SmsError::Outbox { .. })), "{err:?}");
        assert!(!err
            .map(|e| e.to_string())
            .unwrap_or_default()
            .contains("482913"));
    }

    #[tokio::test]
    async fn twilio_posts_the_form_with_basic_auth() {
        let server = FakeHttpServer::twilio()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        twilio(&server.url())
            .send(message())
            .await
            .unwrap_or_else(|e| panic!("{e}"));

        let requests = server.requests();
        assert_eq!(requests.len(), 1);
        let request = &requests[0];
        assert_eq!(request.method, "POST");
        assert_eq!(
            request.path,
            "/2010-04-01/Accounts/AC0123456789abcdef/Messages.json"
        );
        assert_eq!(
            request.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(
            request.basic_auth(),
            Some(("AC0123456789abcdef".into(), "tw-token".into()))
        );
        assert_eq!(request.form_value("To").as_deref(), Some("+447700900123"));
        assert_eq!(request.form_value("From").as_deref(), Some("+15005550006"));
        assert_eq!(
            request.form_value("Body").as_deref(),
            Some("Your code is 482913")
        );
    }

    #[tokio::test]
    async fn twilio_error_json_becomes_the_error_message() {
        let server = fake(Reply::json(
            400,
            r#"{"code": 21211, "message": "The 'To' number +447700900123 is not a valid phone number.", "status": 400}"#,
        ))
        .await;
        let err = twilio(&server.url()).send(message()).await.err();
        match &err {
            Some(SmsError::Rejected {
                provider: "Twilio",
                status: 400,
                code: Some(21211),
                message,
            }) => {
                assert!(message.contains("is not a valid phone number"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
        let text = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            text.starts_with("Twilio refused the SMS (HTTP 400)"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn twilio_server_error_without_json_is_still_clear() {
        let server = fake(Reply::text(
            503,
            "<html>upstream down, body was Your code is 482913</html>",
        ))
        .await;
        let err = twilio(&server.url()).send(message()).await.err();
        assert!(
            matches!(&err, Some(SmsError::Rejected { status: 503, code: None, message, .. }) if message == "no error message"),
            "{err:?}"
        );
        assert!(!err
            .map(|e| e.to_string())
            .unwrap_or_default()
            .contains("482913"));
    }

    #[tokio::test]
    async fn twilio_200_is_not_taken_for_sent() {
        let server = fake(Reply::text(200, "ok")).await;
        let err = twilio(&server.url()).send(message()).await.err();
        assert!(
            matches!(err, Some(SmsError::Rejected { status: 200, .. })),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn connection_refused_names_the_provider_and_cause() {
        let url = closed_port_url().await.unwrap_or_else(|e| panic!("{e}"));
        let err = twilio(&url).send(message()).await.err();
        let text = err.as_ref().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            matches!(
                err,
                Some(SmsError::Unreachable {
                    provider: "Twilio",
                    ..
                })
            ),
            "{text}"
        );
        assert!(
            text.contains(&url) && text.to_lowercase().contains("refused"),
            "{text}"
        );

        let hook = WebhookSms::new(&format!("{url}/sms?token=abc"), Secret::new("k"))
            .unwrap_or_else(|e| panic!("{e}"));
        let text = hook
            .send(message())
            .await
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            text.starts_with("could not reach the SMS webhook"),
            "{text}"
        );
        // Only the origin: a token in the URL's query stays out of errors and logs.
        assert!(!text.contains("token=abc"), "{text}");
    }

    #[tokio::test]
    async fn a_provider_that_never_answers_times_out() {
        let server = fake(Reply::text(201, "{}").delayed(Duration::from_secs(30))).await;
        let sender = twilio(&server.url())
            .with_timeout(Duration::from_millis(300))
            .unwrap_or_else(|e| panic!("{e}"));
        let err = sender.send(message()).await.err();
        assert!(
            matches!(
                err,
                Some(SmsError::Timeout {
                    provider: "Twilio",
                    ..
                })
            ),
            "{err:?}"
        );

        let hook = WebhookSms::new(&server.url(), Secret::new("k"))
            .and_then(|h| h.with_timeout(Duration::from_millis(300)))
            .unwrap_or_else(|e| panic!("{e}"));
        let err = hook.send(message()).await.err();
        assert!(
            matches!(
                err,
                Some(SmsError::Timeout {
                    provider: "the SMS webhook",
                    ..
                })
            ),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn webhook_posts_signed_json() {
        let server = FakeHttpServer::webhook_receiver()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let config = SmsConfig::Webhook {
            url: format!("{}/hooks/sms", server.url()),
            secret: Secret::new("gw-key"),
        };
        config
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
            .send(message())
            .await
            .unwrap_or_else(|e| panic!("{e}"));

        let requests = server.requests();
        assert_eq!(requests.len(), 1);
        let request = &requests[0];
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("POST", "/hooks/sms")
        );
        assert_eq!(request.header("content-type"), Some("application/json"));
        let json = request.json().unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"to": "+447700900123", "body": "Your code is 482913"})
        );

        // X-Signature: the body's HMAC, as a receiver would recompute it.
        let expected = super::super::hmac_sha256(b"gw-key", &[&request.body]).map(|mac| {
            format!(
                "sha256={}",
                super::super::to_hex(&hmac::Mac::finalize(mac).into_bytes())
            )
        });
        assert_eq!(
            request.header(SIGNATURE_HEADER).map(str::to_owned),
            expected
        );
        let wrong = super::super::hmac_sha256(b"other-key", &[&request.body]).map(|mac| {
            format!(
                "sha256={}",
                super::super::to_hex(&hmac::Mac::finalize(mac).into_bytes())
            )
        });
        assert_ne!(request.header(SIGNATURE_HEADER).map(str::to_owned), wrong);

        // The timestamp is signed too, through the X-Interview-Signature header.
        let ts: i64 = request
            .header(TIMESTAMP_HEADER)
            .and_then(|t| t.parse().ok())
            .unwrap_or(-1);
        assert!((ts - super::super::unix_now_secs()).abs() < 60, "{ts}");
        let header = request
            .header(webhook::SIGNATURE_HEADER)
            .unwrap_or_default();
        assert!(webhook::verify(b"gw-key", header, &request.body, ts, 300));
        assert!(header.starts_with(&format!("t={ts},")), "{header}");
    }

    #[tokio::test]
    async fn webhook_non_2xx_is_an_error_without_the_receivers_text() {
        for status in [400u16, 500] {
            let server = fake(Reply::text(status, "rejected: Your code is 482913")).await;
            let hook =
                WebhookSms::new(&server.url(), Secret::new("k")).unwrap_or_else(|e| panic!("{e}"));
            let err = hook.send(message()).await.err();
            assert!(
                matches!(&err, Some(SmsError::Rejected { status: s, .. }) if *s == status),
                "{err:?}"
            );
            let text = err.map(|e| e.to_string()).unwrap_or_default();
            assert!(
                text.contains(&format!("HTTP {status}")) && !text.contains("482913"),
                "{text}"
            );
        }
    }
}
