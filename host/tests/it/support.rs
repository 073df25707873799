//! Fixtures for the API tests: a real host on `127.0.0.1:0` with a fresh data
//! directory and a manual clock, a small HTTP/1.1 client over TCP, and a
//! signed-in admin.

use std::net::SocketAddr;
use std::sync::Arc;

use interview_host::clock::{ManualClock, Timestamp};
use interview_host::{AppState, ServeConfig};
use serde_json::Value;
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The admin every test signs in as.
pub const ADMIN_EMAIL: &str = "admin@example.com";
/// Their password.
pub const ADMIN_PASSWORD: &str = "a long enough password";

/// A parsed HTTP response.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Reply {
    /// The first header of that name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON (Null when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// Sends one request on a fresh connection and reads the whole answer.
pub async fn request(addr: SocketAddr, method: &str, path: &str, body: &[u8], headers: &[(String, String)]) -> Reply {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut head = format!("{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.expect("write");
    // A server may answer (413) before reading a large body; a failed write then is fine.
    let _ = stream.write_all(body).await;
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    parse(&raw)
}

fn parse(raw: &[u8]) -> Reply {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).expect("status");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked")) {
        body = dechunk(&body);
    }
    Reply { status, headers, body }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
    out
}

/// A running host.
pub struct Host {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its clock, which only moves when a test says so.
    pub clock: Arc<ManualClock>,
    /// Its data directory.
    pub data: TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
    /// The host's shared state, for calling the library directly (the background tasks).
    pub state: AppState,
}

/// Just the address, for concurrent requests from several tasks.
#[derive(Clone)]
pub struct Handle {
    addr: SocketAddr,
}

impl Handle {
    /// POSTs JSON.
    pub async fn post(&self, path: &str, body: Value, headers: &[(&str, String)]) -> Reply {
        let mut h: Vec<(String, String)> = headers.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        h.push(("content-type".into(), "application/json".into()));
        request(self.addr, "POST", path, body.to_string().as_bytes(), &h).await
    }
}

impl Host {
    /// Starts a host with a fresh data directory, its clock at 2026-11-24 09:00 UTC.
    pub async fn start() -> Host {
        Host::start_with(|_| {}).await
    }

    /// [`Host::start`] with the configuration changed by `configure` first (SMTP, say).
    pub async fn start_with(configure: impl FnOnce(&mut ServeConfig)) -> Host {
        let data = tempfile::tempdir().expect("tempdir");
        let start = Timestamp::parse_rfc3339("2026-11-24T09:00:00Z").expect("time");
        let clock = Arc::new(ManualClock::new(start));
        let mut config = ServeConfig::for_tests(data.path().join("data"), data.path().join("dist"));
        config.admin_email = Some(ADMIN_EMAIL.to_owned());
        config.admin_password = Some(ADMIN_PASSWORD.to_owned());
        configure(&mut config);
        let state = AppState::open_with_clock(&config, clock.clone()).await.expect("state");
        interview_host::bootstrap::first_admin(
            &state.storage,
            &state.hasher,
            interview_host::clock::Clock::now(clock.as_ref()),
            config.admin_email.clone(),
            config.admin_password.clone(),
        )
        .await
        .expect("admin");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(interview_host::run(listener, state.clone(), async {
            let _ = stopped.await;
        }));
        Host { addr, clock, data, _stop: stop, state }
    }

    /// A handle for other tasks.
    pub fn clone_handle(&self) -> Handle {
        Handle { addr: self.addr }
    }

    /// GETs a path.
    pub async fn get(&self, path: &str, headers: &[(&str, String)]) -> Reply {
        let h: Vec<(String, String)> = headers.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        request(self.addr, "GET", path, b"", &h).await
    }

    /// POSTs JSON.
    pub async fn post(&self, path: &str, body: Value, headers: &[(&str, String)]) -> Reply {
        self.clone_handle().post(path, body, headers).await
    }

    /// PUTs JSON.
    pub async fn put(&self, path: &str, body: Value, headers: &[(&str, String)]) -> Reply {
        let mut h: Vec<(String, String)> = headers.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        h.push(("content-type".into(), "application/json".into()));
        request(self.addr, "PUT", path, body.to_string().as_bytes(), &h).await
    }

    /// Sends exactly this body and these headers.
    pub async fn raw(&self, method: &str, path: &str, body: &str, headers: &[(&str, &str)]) -> Reply {
        let h: Vec<(String, String)> = headers.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        request(self.addr, method, path, body.as_bytes(), &h).await
    }

    /// Signs the admin in.
    pub async fn admin(&self) -> Staff {
        let reply = self
            .post("/api/v1/staff/session", serde_json::json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}), &[])
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        let cookie = reply.header("set-cookie").expect("cookie").split(';').next().expect("pair").to_owned();
        assert!(reply.header("set-cookie").is_some_and(|c| c.contains("HttpOnly") && c.contains("SameSite=Strict")));
        let csrf = reply.json()["csrf_token"].as_str().expect("csrf").to_owned();
        Staff { addr: self.addr, cookie, csrf }
    }

    /// The text of the newest SMS the log provider wrote to its outbox.
    pub fn last_sms(&self) -> String {
        let text = std::fs::read_to_string(self.data.path().join("data").join("sms-outbox.jsonl")).expect("outbox");
        let last: Value = serde_json::from_str(text.lines().last().expect("a message")).expect("json line");
        last["body"].as_str().expect("body").to_owned()
    }

    /// The code in the newest SMS the log provider wrote to its outbox.
    pub fn last_sms_code(&self) -> String {
        let body = self.last_sms();
        body.split(|c: char| !c.is_ascii_digit()).find(|w| w.len() == 6).expect("a 6-digit code").to_owned()
    }
}

/// A signed-in staff member.
pub struct Staff {
    addr: SocketAddr,
    /// `interview_staff=…`.
    pub cookie: String,
    /// The CSRF token.
    pub csrf: String,
}

impl Staff {
    fn headers(&self) -> Vec<(String, String)> {
        vec![("cookie".into(), self.cookie.clone()), ("x-csrf-token".into(), self.csrf.clone())]
    }

    /// GETs as this user.
    pub async fn get(&self, path: &str) -> Reply {
        request(self.addr, "GET", path, b"", &self.headers()).await
    }

    /// POSTs JSON as this user.
    pub async fn post(&self, path: &str, body: Value) -> Reply {
        let mut h = self.headers();
        h.push(("content-type".into(), "application/json".into()));
        request(self.addr, "POST", path, body.to_string().as_bytes(), &h).await
    }

    /// PUTs JSON as this user.
    pub async fn put(&self, path: &str, body: Value) -> Reply {
        let mut h = self.headers();
        h.push(("content-type".into(), "application/json".into()));
        request(self.addr, "PUT", path, body.to_string().as_bytes(), &h).await
    }
}

impl Host {
    /// Signs in as any staff user.
    pub async fn sign_in(&self, email: &str, password: &str) -> Staff {
        let reply = self.post("/api/v1/staff/session", serde_json::json!({"email": email, "password": password}), &[]).await;
        assert_eq!(reply.status, 200, "{}", reply.text());
        let cookie = reply.header("set-cookie").expect("cookie").split(';').next().expect("pair").to_owned();
        let csrf = reply.json()["csrf_token"].as_str().expect("csrf").to_owned();
        Staff { addr: self.addr, cookie, csrf }
    }

    /// Calls the API as a partner back end: `Authorization: Bearer <key>`, no cookie, no CSRF header.
    pub async fn with_key(&self, key: &str, method: &str, path: &str, body: Option<Value>) -> Reply {
        let mut h = vec![("authorization".to_owned(), format!("Bearer {key}"))];
        let bytes = match body {
            Some(b) => {
                h.push(("content-type".into(), "application/json".into()));
                b.to_string().into_bytes()
            }
            None => Vec::new(),
        };
        request(self.addr, method, path, &bytes, &h).await
    }
}

impl Staff {
    /// PATCHes JSON as this user.
    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        let mut h = self.headers();
        h.push(("content-type".into(), "application/json".into()));
        request(self.addr, "PATCH", path, body.to_string().as_bytes(), &h).await
    }

    /// DELETEs as this user.
    pub async fn delete(&self, path: &str) -> Reply {
        request(self.addr, "DELETE", path, b"", &self.headers()).await
    }
}
