//! Test doubles for the notify edges: a fake HTTP server standing in for
//! Twilio or a webhook receiver, a small real SMTP server, and an SMS sender
//! that only records. All listen on `127.0.0.1` with a port the OS picks, and
//! record what they receive for assertions.
//!
//! Compiled for this crate's tests and, with the `test-doubles` feature, for
//! the host's integration tests.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

use super::sms::{SendFuture, SmsMessage, SmsSender};
use super::SmsError;

/// Locks `mutex` even if a panicking test thread poisoned it: the recorded data is still what was received.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A local port nothing listens on (bound, then released), for "connection refused" tests.
pub async fn closed_port() -> io::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    drop(listener);
    Ok(port)
}

/// `http://127.0.0.1:<port>` where nothing listens.
pub async fn closed_port_url() -> io::Result<String> {
    Ok(format!("http://127.0.0.1:{}", closed_port().await?))
}

// ---------------------------------------------------------------------------
// HTTP: fake Twilio and fake webhook receiver
// ---------------------------------------------------------------------------

/// One HTTP request as the fake server received it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// `POST`, `GET`, ...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// Headers with lower-case names, in the order received.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body parsed as an `application/x-www-form-urlencoded` form.
    pub fn form(&self) -> Vec<(String, String)> {
        self.body_text()
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (form_decode(key), form_decode(value))
            })
            .collect()
    }

    /// The first value of form field `key`.
    pub fn form_value(&self, key: &str) -> Option<String> {
        self.form()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// User and password of an `Authorization: Basic` header.
    pub fn basic_auth(&self) -> Option<(String, String)> {
        let encoded = self.header("authorization")?.strip_prefix("Basic ")?;
        let decoded = String::from_utf8(base64_decode(encoded)?).ok()?;
        let (user, password) = decoded.split_once(':')?;
        Some((user.to_owned(), password.to_owned()))
    }
}

/// What the fake HTTP server answers.
#[derive(Clone, Debug)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Extra headers (the content type is one).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
    /// How long to wait before answering (after recording the request).
    pub delay: Duration,
}

impl Reply {
    /// A `text/plain` answer.
    pub fn text(status: u16, body: &str) -> Self {
        Reply {
            status,
            headers: vec![("content-type".into(), "text/plain".into())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    /// An `application/json` answer.
    pub fn json(status: u16, body: &str) -> Self {
        Reply {
            headers: vec![("content-type".into(), "application/json".into())],
            ..Reply::text(status, body)
        }
    }

    /// The same answer after `delay`, for timeout tests.
    pub fn delayed(self, delay: Duration) -> Self {
        Reply { delay, ..self }
    }

    /// The same answer with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

#[derive(Clone)]
struct HttpState {
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
    reply: Arc<Mutex<Reply>>,
}

/// A fake HTTP server (Twilio, a webhook receiver) that records every request.
#[derive(Debug)]
pub struct FakeHttpServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
    reply: Arc<Mutex<Reply>>,
    task: JoinHandle<()>,
}

impl FakeHttpServer {
    /// Starts a server answering every request with `reply`.
    pub async fn start(reply: Reply) -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = HttpState {
            requests: Arc::default(),
            reply: Arc::new(Mutex::new(reply)),
        };
        let app = Router::new().fallback(record).with_state(state.clone());
        let task = tokio::spawn(async move {
            // Ends only with an accept error; the test then sees refused connections.
            let _ = axum::serve(listener, app).await;
        });
        Ok(FakeHttpServer {
            addr,
            requests: state.requests,
            reply: state.reply,
            task,
        })
    }

    /// A fake Twilio: answers `201` with a message resource, as Twilio does when it accepts a message.
    pub async fn twilio() -> io::Result<Self> {
        Self::start(Reply::json(
            201,
            r#"{"sid":"SM00000000000000000000000000000000","status":"queued","error_code":null}"#,
        ))
        .await
    }

    /// A fake webhook receiver: answers `200 ok`.
    pub async fn webhook_receiver() -> io::Result<Self> {
        Self::start(Reply::text(200, "ok")).await
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Changes the answer for the requests that follow.
    pub fn set_reply(&self, reply: Reply) {
        *lock(&self.reply) = reply;
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.requests).clone()
    }
}

impl Drop for FakeHttpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(
    State(state): State<HttpState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    lock(&state.requests).push(RecordedRequest {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        headers: headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
    });
    let reply = lock(&state.reply).clone();
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in reply.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    response
}

// ---------------------------------------------------------------------------
// SMS: a sender that records
// ---------------------------------------------------------------------------

/// An [`SmsSender`] that keeps the messages instead of sending them (or fails, if told to).
#[derive(Clone, Debug, Default)]
pub struct RecordingSms {
    sent: Arc<Mutex<Vec<SmsMessage>>>,
    fail: bool,
}

impl RecordingSms {
    /// A sender that accepts every message.
    pub fn new() -> Self {
        Self::default()
    }

    /// A sender that refuses every message as a provider would (HTTP 503).
    pub fn failing() -> Self {
        RecordingSms {
            fail: true,
            ..Self::default()
        }
    }

    /// The messages accepted so far, oldest first.
    pub fn sent(&self) -> Vec<SmsMessage> {
        lock(&self.sent).clone()
    }
}

impl SmsSender for RecordingSms {
    fn send(&self, msg: SmsMessage) -> SendFuture<'_> {
        Box::pin(async move {
            if self.fail {
                return Err(SmsError::Rejected {
                    provider: "the test SMS provider",
                    status: 503,
                    code: None,
                    message: "told to fail".into(),
                });
            }
            lock(&self.sent).push(msg);
            Ok(())
        })
    }
}

// ---------------------------------------------------------------------------
// SMTP
// ---------------------------------------------------------------------------

/// How the fake SMTP server behaves.
#[derive(Clone, Debug, Default)]
pub struct SmtpBehaviour {
    /// Answer every `RCPT TO` with `550` (unknown user).
    pub refuse_rcpt: bool,
    /// Require `AUTH` (PLAIN or LOGIN) with this user and password before `MAIL FROM`.
    pub credentials: Option<(String, String)>,
}

/// One message the fake SMTP server accepted.
#[derive(Clone, Debug)]
pub struct ReceivedMail {
    /// The envelope sender (`MAIL FROM`).
    pub mail_from: String,
    /// The envelope recipients (`RCPT TO`).
    pub rcpt_to: Vec<String>,
    /// The message as sent after `DATA` (headers and body, CRLF line ends, dot-stuffing undone).
    pub data: String,
}

impl ReceivedMail {
    /// The header `name` (any case), unfolded, with RFC 2047 encoded words decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default();
        let mut unfolded: Vec<String> = Vec::new();
        for line in head.split("\r\n") {
            match unfolded.last_mut() {
                Some(last) if line.starts_with([' ', '\t']) => last.push_str(line),
                _ => unfolded.push(line.to_owned()),
            }
        }
        unfolded.iter().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| decode_encoded_words(value.trim()))
        })
    }

    /// The body, decoded from quoted-printable or base64 as its `Content-Transfer-Encoding` says.
    pub fn body_text(&self) -> String {
        let body = self
            .data
            .split_once("\r\n\r\n")
            .map(|(_, body)| body)
            .unwrap_or_default();
        let encoding = self
            .header("Content-Transfer-Encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let bytes = match encoding.as_str() {
            "quoted-printable" => quoted_printable_decode(body),
            "base64" => base64_decode(body).unwrap_or_default(),
            _ => body.as_bytes().to_vec(),
        };
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

#[derive(Debug, Default)]
struct SmtpLog {
    commands: Vec<String>,
    mails: Vec<ReceivedMail>,
    logins: Vec<(String, String)>,
}

/// A small real SMTP server that speaks enough ESMTP for lettre and records the conversation.
#[derive(Debug)]
pub struct FakeSmtp {
    addr: SocketAddr,
    log: Arc<Mutex<SmtpLog>>,
    task: JoinHandle<()>,
}

impl FakeSmtp {
    /// Starts the server.
    pub async fn start(behaviour: SmtpBehaviour) -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let log = Arc::new(Mutex::new(SmtpLog::default()));
        let shared = Arc::clone(&log);
        let task = tokio::spawn(async move {
            // Sessions live in the set so that stopping the server stops them too.
            let mut sessions = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                while sessions.try_join_next().is_some() {}
                sessions.spawn(smtp_session(stream, behaviour.clone(), Arc::clone(&shared)));
            }
        });
        Ok(FakeSmtp { addr, log, task })
    }

    /// The port it listens on (the host is `127.0.0.1`).
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Every command line clients sent (not the message data), oldest first.
    pub fn commands(&self) -> Vec<String> {
        lock(&self.log).commands.clone()
    }

    /// Every message accepted, oldest first.
    pub fn mails(&self) -> Vec<ReceivedMail> {
        lock(&self.log).mails.clone()
    }

    /// Every user and password a client signed in with successfully.
    pub fn logins(&self) -> Vec<(String, String)> {
        lock(&self.log).logins.clone()
    }
}

impl Drop for FakeSmtp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Bounds a line so a broken client cannot make a test eat memory.
const MAX_LINE: usize = 64 * 1024;

async fn smtp_session(
    stream: tokio::net::TcpStream,
    behaviour: SmtpBehaviour,
    log: Arc<Mutex<SmtpLog>>,
) {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    // Errors (the client went away) just end the session.
    let _ = smtp_conversation(&mut reader, &mut write, &behaviour, &log).await;
}

async fn read_line<R: tokio::io::AsyncBufRead + Unpin>(
    reader: &mut R,
) -> io::Result<Option<String>> {
    let mut line = String::new();
    let read = (&mut *reader)
        .take(MAX_LINE as u64)
        .read_line(&mut line)
        .await?;
    Ok((read > 0).then_some(line))
}

async fn smtp_conversation<R, W>(
    reader: &mut R,
    write: &mut W,
    behaviour: &SmtpBehaviour,
    log: &Mutex<SmtpLog>,
) -> io::Result<()>
where
    R: tokio::io::AsyncBufRead + Unpin,
    W: tokio::io::AsyncWrite + Unpin,
{
    write
        .write_all(b"220 fake-smtp.test ESMTP ready\r\n")
        .await?;
    let mut authenticated = behaviour.credentials.is_none();
    let mut mail_from: Option<String> = None;
    let mut rcpt_to: Vec<String> = Vec::new();

    while let Some(raw) = read_line(reader).await? {
        let line = raw.trim_end_matches(['\r', '\n']).to_owned();
        lock(log).commands.push(line.clone());
        let upper = line.to_ascii_uppercase();
        let verb = upper
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned();
        let reply: String = match verb.as_str() {
            "EHLO" | "HELO" => {
                let mut lines = vec![
                    "fake-smtp.test greets you",
                    "8BITMIME",
                    "SMTPUTF8",
                    "SIZE 10485760",
                ];
                if behaviour.credentials.is_some() {
                    lines.push("AUTH PLAIN LOGIN");
                }
                let last = lines.len() - 1;
                lines
                    .iter()
                    .enumerate()
                    .map(|(i, text)| format!("250{}{text}\r\n", if i == last { ' ' } else { '-' }))
                    .collect()
            }
            "AUTH" => {
                let words: Vec<&str> = line.split_whitespace().collect();
                let mechanism = words
                    .get(1)
                    .map(|m| m.to_ascii_uppercase())
                    .unwrap_or_default();
                let login = match mechanism.as_str() {
                    "PLAIN" => {
                        let initial = match words.get(2) {
                            Some(initial) => (*initial).to_owned(),
                            None => {
                                write.write_all(b"334 \r\n").await?;
                                read_secret_line(reader, log).await?
                            }
                        };
                        base64_decode(&initial).and_then(|bytes| {
                            let text = String::from_utf8(bytes).ok()?;
                            let mut parts = text.split('\0').skip(1);
                            Some((parts.next()?.to_owned(), parts.next()?.to_owned()))
                        })
                    }
                    "LOGIN" => {
                        write.write_all(b"334 VXNlcm5hbWU6\r\n").await?;
                        let user = read_secret_line(reader, log).await?;
                        write.write_all(b"334 UGFzc3dvcmQ6\r\n").await?;
                        let password = read_secret_line(reader, log).await?;
                        let decode =
                            |s: &str| base64_decode(s).and_then(|b| String::from_utf8(b).ok());
                        decode(&user).zip(decode(&password))
                    }
                    _ => None,
                };
                match (login, &behaviour.credentials) {
                    (Some(login), Some(expected)) if &login == expected => {
                        authenticated = true;
                        lock(log).logins.push(login);
                        "235 2.7.0 Authentication successful\r\n".into()
                    }
                    _ => "535 5.7.8 Authentication credentials invalid\r\n".into(),
                }
            }
            "MAIL" if !authenticated => "530 5.7.0 Authentication required\r\n".into(),
            "MAIL" => {
                mail_from = Some(angle_address(&line));
                rcpt_to.clear();
                "250 2.1.0 Ok\r\n".into()
            }
            "RCPT" if mail_from.is_none() => "503 5.5.1 Need MAIL first\r\n".into(),
            "RCPT" if behaviour.refuse_rcpt => {
                format!(
                    "550 5.1.1 <{}>: Recipient address rejected: User unknown\r\n",
                    angle_address(&line)
                )
            }
            "RCPT" => {
                rcpt_to.push(angle_address(&line));
                "250 2.1.5 Ok\r\n".into()
            }
            "DATA" if rcpt_to.is_empty() => "503 5.5.1 Need RCPT first\r\n".into(),
            "DATA" => {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let mut data = String::new();
                loop {
                    let Some(line) = read_line(reader).await? else {
                        return Ok(());
                    };
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                // The CRLF before the final dot belongs to the terminator: lettre always sends it.
                if data.ends_with("\r\n") {
                    data.truncate(data.len() - 2);
                }
                let mail = ReceivedMail {
                    mail_from: mail_from.take().unwrap_or_default(),
                    rcpt_to: std::mem::take(&mut rcpt_to),
                    data,
                };
                lock(log).mails.push(mail);
                "250 2.0.0 Ok: queued\r\n".into()
            }
            "RSET" => {
                mail_from = None;
                rcpt_to.clear();
                "250 2.0.0 Ok\r\n".into()
            }
            "NOOP" => "250 2.0.0 Ok\r\n".into(),
            "QUIT" => {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => "502 5.5.2 Command not recognised\r\n".into(),
        };
        write.write_all(reply.as_bytes()).await?;
    }
    Ok(())
}

/// Reads one AUTH continuation line, recording it like a command.
async fn read_secret_line<R: tokio::io::AsyncBufRead + Unpin>(
    reader: &mut R,
    log: &Mutex<SmtpLog>,
) -> io::Result<String> {
    let line = read_line(reader).await?.unwrap_or_default();
    let line = line.trim_end_matches(['\r', '\n']).to_owned();
    lock(log).commands.push(line.clone());
    Ok(line)
}

/// The address inside `<...>` of `MAIL FROM:<a@b> SIZE=1` or `RCPT TO:<a@b>`.
fn angle_address(line: &str) -> String {
    line.split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(address, _)| address.to_owned())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Decoding what the clients sent
// ---------------------------------------------------------------------------

/// Standard base64 (padding optional, whitespace ignored); `None` on other characters.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    }
    let symbols: Vec<u8> = text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .collect();
    let mut out = Vec::with_capacity(symbols.len() * 3 / 4);
    for chunk in symbols.chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= value(c)? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

/// Quoted-printable (RFC 2045): `=XX` escapes and `=` soft line breaks.
pub fn quoted_printable_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if bytes[i + 1..].starts_with(b"\r\n") => i += 3,
            b'=' if bytes[i + 1..].starts_with(b"\n") => i += 2,
            b'=' => match text
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            {
                Some(byte) => {
                    out.push(byte);
                    i += 3;
                }
                None => {
                    out.push(b'=');
                    i += 1;
                }
            },
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?...?=`, `=?utf-8?q?...?=`) in a header value.
pub fn decode_encoded_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut gap = String::new();
    let mut after_word = false;
    while !rest.is_empty() {
        if let Some((decoded, consumed)) = encoded_word(rest) {
            // Whitespace between two encoded words is not part of the text.
            if !after_word {
                out.push_str(&gap);
            }
            gap.clear();
            out.push_str(&decoded);
            after_word = true;
            rest = &rest[consumed..];
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        if c.is_whitespace() {
            gap.push(c);
        } else {
            out.push_str(&gap);
            gap.clear();
            out.push(c);
            after_word = false;
        }
        rest = &rest[c.len_utf8()..];
    }
    out.push_str(&gap);
    out
}

/// One encoded word at the start of `text`: its text and how many bytes it took.
fn encoded_word(text: &str) -> Option<(String, usize)> {
    let inner = text.strip_prefix("=?")?;
    let (_charset, rest) = inner.split_once('?')?;
    let (encoding, rest) = rest.split_once('?')?;
    let end = rest.find("?=")?;
    let payload = &rest[..end];
    let bytes = match encoding {
        "b" | "B" => base64_decode(payload)?,
        "q" | "Q" => quoted_printable_decode(&payload.replace('_', " ")),
        _ => return None,
    };
    let consumed = text.len() - rest.len() + end + 2;
    Some((String::from_utf8_lossy(&bytes).into_owned(), consumed))
}

/// `application/x-www-form-urlencoded` decoding of one key or value.
fn form_decode(text: &str) -> String {
    let spaced = text.replace('+', " ");
    let bytes = spaced.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (
            bytes[i],
            spaced
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok()),
        ) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoders_match_known_encodings() {
        assert_eq!(
            base64_decode("aGVsbG8gd29ybGQ=").as_deref(),
            Some(&b"hello world"[..])
        );
        assert_eq!(
            base64_decode("AGludGFrZQBwdy0xMjM=").as_deref(),
            Some(&b"\0intake\0pw-123"[..])
        );
        assert_eq!(base64_decode("a$=="), None);
        assert_eq!(
            quoted_printable_decode("Zo=C3=AB =\r\nM=C3=BCller"),
            "Zoë Müller".as_bytes()
        );
        assert_eq!(
            decode_encoded_words("=?utf-8?b?Wm/Dqw==?= =?utf-8?q?_M=C3=BCller?= <z@x>"),
            "Zoë Müller <z@x>"
        );
        assert_eq!(decode_encoded_words("plain  text"), "plain  text");
        assert_eq!(form_decode("a+b%2Bc%C3%AB"), "a b+cë");
    }
}
