//! The interview email: filled from the site's template, offered to staff as a
//! `mailto:` link for their own mail program, or sent by the host over SMTP.

use std::collections::BTreeMap;

use interview_runtime::locale::fill;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};

use super::{MailError, Secret, SEND_TIMEOUT};

/// One plain-text email to one recipient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    /// The recipient's address (`ada@example.com` or `Ada Lovelace <ada@example.com>`).
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
}

/// How the connection to the mail server is secured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain SMTP, nothing encrypted: only for a relay on the same machine or network.
    None,
    /// Plain connection upgraded with STARTTLS, which the server must offer (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// How the host sends email.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// The mail server's host name (checked against its certificate when TLS is on).
    pub host: String,
    /// The mail server's port (usually 587 with STARTTLS, 465 with TLS).
    pub port: u16,
    /// The user name to sign in with, if the server wants a sign-in.
    #[serde(default)]
    pub username: Option<String>,
    /// The password to sign in with.
    #[serde(default)]
    pub password: Option<Secret>,
    /// The sender, e.g. `Acme Intake <intake@acme.example>`.
    pub from: String,
    /// How the connection is secured.
    #[serde(default)]
    pub tls: SmtpTls,
}

/// Fills `{name}` placeholders of the subject and body templates from `vars`.
///
/// Placeholders not in `vars` are left as they are, so a typo shows in the
/// email instead of vanishing. Values are inserted as they are and not
/// scanned again, so a client named `{link}` cannot pull in the link. Line
/// breaks in the subject become spaces: a subject is one header line.
pub fn compose(
    template_subject: &str,
    template_body: &str,
    vars: &BTreeMap<&str, String>,
) -> (String, String) {
    let value = |name: &str| vars.get(name).map(String::as_str);
    let subject = fill(template_subject, value);
    let subject = subject
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (subject, fill(template_body, value))
}

/// A `mailto:` link (RFC 6068) that opens `email` in the user's mail program.
///
/// Everything but unreserved characters is percent-encoded as UTF-8, and line
/// breaks in the body become CRLF (`%0D%0A`), as the RFC asks.
pub fn mailto(email: &Email) -> String {
    format!(
        "mailto:{}?subject={}&body={}",
        percent_encode(email.to.trim(), b"@"),
        percent_encode(&email.subject, b""),
        percent_encode(&crlf(&email.body), b""),
    )
}

fn percent_encode(text: &str, also_keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) || also_keep.contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `text` with every line break (`\r\n`, `\n` or a lone `\r`) as `\r\n`.
fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n")
}

/// Sends `email` as plain text (UTF-8) through the mail server in `config`.
pub async fn send(config: &SmtpConfig, email: &Email) -> Result<(), MailError> {
    let from = mailbox("from", &config.from)?;
    let to = mailbox("to", &email.to)?;
    // lettre adds no Message-ID without its `hostname` feature; RFC 5322 wants
    // one, and spam filters count it missing. The sender's domain is ours to use.
    let message_id = message_id(from.email.domain());
    let message = Message::builder()
        .message_id(Some(message_id))
        .from(from)
        .to(to)
        .subject(email.subject.as_str())
        .header(ContentType::TEXT_PLAIN)
        .body(email.body.clone())
        .map_err(|e| MailError::Build(e.to_string()))?;

    let server = format!("{}:{}", config.host, config.port);
    let builder = match config.tls {
        SmtpTls::None => {
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.as_str())
        }
        // `starttls_relay` requires the upgrade: a server that does not offer
        // STARTTLS gets no mail rather than the mail in clear text.
        SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&config.host)
            .map_err(|e| {
                MailError::Config(format!(
                    "cannot use TLS with host {:?}: {}",
                    config.host,
                    cause(&e)
                ))
            })?,
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&config.host).map_err(|e| {
            MailError::Config(format!(
                "cannot use TLS with host {:?}: {}",
                config.host,
                cause(&e)
            ))
        })?,
    };
    let mut builder = builder.port(config.port).timeout(Some(SEND_TIMEOUT));
    match (&config.username, &config.password) {
        (Some(user), password) => {
            let password = password
                .as_ref()
                .map(|p| p.expose().to_owned())
                .unwrap_or_default();
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        (None, Some(_)) => {
            return Err(MailError::Config(
                "a password is set but no username".into(),
            ))
        }
        (None, None) => {}
    }
    builder
        .build()
        .send(message)
        .await
        .map_err(|e| send_error(&server, &e))?;
    Ok(())
}

/// A unique `<...@domain>` id: uniqueness is all RFC 5322 asks, so time, process and a counter suffice.
fn message_id(domain: &str) -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("<{nanos:x}.{:x}.{count:x}@{domain}>", std::process::id())
}

fn mailbox(field: &'static str, address: &str) -> Result<Mailbox, MailError> {
    address
        .trim()
        .parse()
        .map_err(|e: lettre::address::AddressError| MailError::Address {
            field,
            address: address.to_owned(),
            reason: e.to_string(),
        })
}

/// lettre's own text, without its "internal client error:" style prefix.
fn cause(error: &lettre::transport::smtp::Error) -> String {
    std::error::Error::source(error).map_or_else(|| error.to_string(), super::root_cause)
}

fn send_error(server: &str, error: &lettre::transport::smtp::Error) -> MailError {
    let server = server.to_owned();
    if error.is_timeout() {
        return MailError::Timeout {
            server,
            secs: SEND_TIMEOUT.as_secs(),
        };
    }
    if let (Some(code), true) = (error.status(), error.is_permanent() || error.is_transient()) {
        let text = std::error::Error::source(error)
            .map(ToString::to_string)
            .unwrap_or_default();
        return MailError::Refused {
            server,
            reply: super::shorten(&format!("{code} {text}"), 300),
            transient: error.is_transient(),
        };
    }
    let reason = if error.is_tls() {
        format!("TLS failed: {}", cause(error))
    } else {
        cause(error)
    };
    MailError::Unreachable {
        server,
        reason: super::shorten(&reason, 300),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{closed_port, FakeSmtp, SmtpBehaviour};
    use super::*;

    fn vars() -> BTreeMap<&'static str, String> {
        BTreeMap::from([
            ("first_name", "Zoë".to_owned()),
            ("link", "https://intake.example/i/#tok".to_owned()),
            ("expires", "2026-11-28".to_owned()),
        ])
    }

    fn config(server: &FakeSmtp) -> SmtpConfig {
        SmtpConfig {
            host: "127.0.0.1".into(),
            port: server.port(),
            username: None,
            password: None,
            from: "Acme Intake <intake@acme.example>".into(),
            tls: SmtpTls::None,
        }
    }

    async fn smtp(behaviour: SmtpBehaviour) -> FakeSmtp {
        FakeSmtp::start(behaviour)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn compose_fills_known_placeholders_and_keeps_the_rest() {
        let (subject, body) = compose(
            "Your documents, {first_name}",
            "Dear {first_name},\nplease fill in {link} by {expires}.\nRef {unknown} {not a var} {} {first_name\n",
            &vars(),
        );
        assert_eq!(subject, "Your documents, Zoë");
        assert_eq!(
            body,
            "Dear Zoë,\nplease fill in https://intake.example/i/#tok by 2026-11-28.\nRef {unknown} {not a var} {} {first_name\n"
        );
    }

    #[test]
    fn compose_does_not_expand_placeholders_inside_values() {
        let vars = BTreeMap::from([
            ("first_name", "{link}".to_owned()),
            ("link", "https://x".to_owned()),
        ]);
        let (subject, body) = compose("{first_name}", "Hi {first_name}, {link}", &vars);
        assert_eq!(subject, "{link}");
        assert_eq!(body, "Hi {link}, https://x");
    }

    #[test]
    fn compose_keeps_the_subject_on_one_line() {
        let vars = BTreeMap::from([("first_name", "Ann\r\nBcc: evil@example.com".to_owned())]);
        let (subject, _) = compose("Hello {first_name}\n", "", &vars);
        assert_eq!(subject, "Hello Ann Bcc: evil@example.com");
    }

    #[test]
    fn mailto_percent_encodes_per_rfc_6068() {
        let email = Email {
            to: "ada+intake@example.com".into(),
            subject: "Your documents & more, Zoë?".into(),
            body: "Hi Zoë,\nopen https://intake.example/i/#tok?x=1&y=2\r\nThanks\n".into(),
        };
        assert_eq!(
            mailto(&email),
            "mailto:ada%2Bintake@example.com\
             ?subject=Your%20documents%20%26%20more%2C%20Zo%C3%AB%3F\
             &body=Hi%20Zo%C3%AB%2C%0D%0Aopen%20https%3A%2F%2Fintake.example%2Fi%2F%23tok%3Fx%3D1%26y%3D2%0D%0AThanks%0D%0A"
        );
    }

    #[test]
    fn smtp_config_reads_json_and_hides_the_password() {
        let config: SmtpConfig = serde_json::from_str(
            r#"{"host":"smtp.example","port":587,"username":"u","password":"pw-123","from":"a@example.com"}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            config.tls,
            SmtpTls::Starttls,
            "encrypted unless said otherwise"
        );
        let printed = format!("{config:?}");
        assert!(
            !printed.contains("pw-123") && printed.contains("[redacted]"),
            "{printed}"
        );
        let plain: SmtpConfig =
            serde_json::from_str(r#"{"host":"h","port":25,"from":"a@b.c","tls":"none"}"#)
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(plain.tls, SmtpTls::None);
        assert!(serde_json::from_str::<SmtpConfig>(
            r#"{"host":"h","port":25,"from":"a@b.c","tls":"ssl"}"#
        )
        .is_err());
    }

    #[tokio::test]
    async fn the_email_arrives_with_its_headers_and_body() {
        let server = smtp(SmtpBehaviour::default()).await;
        let (subject, body) = compose(
            "Please complete your interview, {first_name}",
            "Dear {first_name},\n\nplease fill in the form at {link} before {expires}.\n\n.a line starting with a dot\nKind regards",
            &vars(),
        );
        let email = Email {
            to: "Zoë Müller <zoe@client.example>".into(),
            subject,
            body: body.clone(),
        };
        send(&config(&server), &email)
            .await
            .unwrap_or_else(|e| panic!("{e}"));

        let mails = server.mails();
        assert_eq!(mails.len(), 1);
        let mail = &mails[0];
        assert_eq!(mail.mail_from, "intake@acme.example");
        assert_eq!(mail.rcpt_to, vec!["zoe@client.example".to_owned()]);
        assert_eq!(
            mail.header("From").as_deref(),
            Some("\"Acme Intake\" <intake@acme.example>")
        );
        assert_eq!(
            mail.header("To").as_deref(),
            Some("Zoë Müller <zoe@client.example>")
        );
        assert_eq!(
            mail.header("Subject").as_deref(),
            Some("Please complete your interview, Zoë")
        );
        assert!(mail
            .header("Content-Type")
            .unwrap_or_default()
            .starts_with("text/plain; charset=utf-8"));
        assert_eq!(mail.body_text(), body.replace('\n', "\r\n"));
        let id = mail.header("Message-ID").unwrap_or_default();
        assert!(
            id.starts_with('<') && id.ends_with("@acme.example>"),
            "{id}"
        );
        assert!(mail.header("Date").is_some());
        assert!(
            server.commands().iter().any(|c| c == "QUIT"),
            "{:?}",
            server.commands()
        );
    }

    #[tokio::test]
    async fn credentials_are_used_when_configured() {
        let server = smtp(SmtpBehaviour {
            credentials: Some(("intake".into(), "pw-123".into())),
            ..Default::default()
        })
        .await;
        let mut config = config(&server);
        let email = Email {
            to: "zoe@client.example".into(),
            subject: "s".into(),
            body: "b".into(),
        };

        let refused = send(&config, &email).await.err();
        assert!(
            matches!(&refused, Some(MailError::Refused { reply, transient: false, .. }) if reply.starts_with("530")),
            "without a sign-in the server refuses: {refused:?}"
        );

        config.username = Some("intake".into());
        config.password = Some(Secret::new("wrong"));
        let refused = send(&config, &email).await.err();
        assert!(
            matches!(&refused, Some(MailError::Refused { reply, .. }) if reply.starts_with("535")),
            "{refused:?}"
        );
        assert!(!refused
            .map(|e| e.to_string())
            .unwrap_or_default()
            .contains("wrong"));

        config.password = Some(Secret::new("pw-123"));
        send(&config, &email)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(server.mails().len(), 1);
        assert_eq!(
            server.logins().last(),
            Some(&("intake".to_owned(), "pw-123".to_owned()))
        );
    }

    #[tokio::test]
    async fn a_refused_recipient_is_a_clear_error() {
        let server = smtp(SmtpBehaviour {
            refuse_rcpt: true,
            ..Default::default()
        })
        .await;
        let email = Email {
            to: "nobody@client.example".into(),
            subject: "s".into(),
            body: "b".into(),
        };
        let err = send(&config(&server), &email).await.err();
        assert!(
            matches!(
                &err,
                Some(MailError::Refused {
                    transient: false,
                    ..
                })
            ),
            "{err:?}"
        );
        let text = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(text.contains("refused the email: 550"), "{text}");
        assert!(text.contains("User unknown"), "{text}");
        assert!(server.mails().is_empty());
    }

    #[tokio::test]
    async fn starttls_is_required_when_configured() {
        let server = smtp(SmtpBehaviour::default()).await;
        let config = SmtpConfig {
            host: "localhost".into(),
            tls: SmtpTls::Starttls,
            ..config(&server)
        };
        let email = Email {
            to: "zoe@client.example".into(),
            subject: "s".into(),
            body: "secret answers".into(),
        };
        let err = send(&config, &email).await.err();
        let text = err.as_ref().map(ToString::to_string).unwrap_or_default();
        assert!(matches!(err, Some(MailError::Unreachable { .. })), "{text}");
        assert!(text.contains("STARTTLS"), "{text}");
        // Nothing was handed over in clear text.
        assert!(
            server.commands().iter().all(|c| !c.starts_with("MAIL")),
            "{:?}",
            server.commands()
        );
    }

    #[tokio::test]
    async fn bad_addresses_and_dead_servers_are_reported() {
        let server = smtp(SmtpBehaviour::default()).await;
        let email = Email {
            to: "not an address".into(),
            subject: "s".into(),
            body: "b".into(),
        };
        let err = send(&config(&server), &email).await.err();
        assert!(
            matches!(err, Some(MailError::Address { field: "to", .. })),
            "{err:?}"
        );

        let port = closed_port().await.unwrap_or_else(|e| panic!("{e}"));
        let email = Email {
            to: "zoe@client.example".into(),
            ..email
        };
        let err = send(&config_for_port(port), &email).await.err();
        let text = err.as_ref().map(ToString::to_string).unwrap_or_default();
        assert!(matches!(err, Some(MailError::Unreachable { .. })), "{text}");
        assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    }

    fn config_for_port(port: u16) -> SmtpConfig {
        SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            username: None,
            password: None,
            from: "intake@acme.example".into(),
            tls: SmtpTls::None,
        }
    }
}
