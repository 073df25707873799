//! Fixtures for the end-to-end tests: the real host binary serving the built
//! bundle on `127.0.0.1:0` with a fresh data directory, and headless Chromium
//! driven through ChromeDriver (started per test, in its own process group so
//! a failing test cannot leave a browser behind).
//!
//! Both are built by `cargo xtask build`; `cargo xtask test` builds them before
//! it runs these tests. Paths can be overridden with `INTERVIEW_E2E_HOST_BIN`,
//! `INTERVIEW_E2E_DIST`, `CHROMEDRIVER` and `CHROMIUM`;
//! `INTERVIEW_E2E_CHROMEDRIVER_LOG` names a file for ChromeDriver's verbose log.
//!
//! Accessibility: [`Browser::assert_accessible`] runs axe-core (installed by
//! `cargo xtask setup` into `.tools/node_modules/axe-core/`) with the WCAG 2.2
//! A and AA rules on the page as it is, shadow roots included, and
//! [`Browser::assert_no_horizontal_overflow`] checks reflow after
//! [`Browser::set_width`].

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::{Element, ShadowRoot};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod find;
pub use find::Scope;

/// How long a page, the host or the driver may take to be ready.
pub const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// The flags Chromium needs on these machines: headless as root, and no
/// background connections (the network is closed, they would only fail).
pub const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];

/// The workspace root (this crate lives in `tests/`).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// `$env` or `default`, which must exist; the panic says which command makes it.
fn required_file(env: &str, default: PathBuf, what: &str, command: &str) -> PathBuf {
    let path = std::env::var_os(env).map(PathBuf::from).unwrap_or(default);
    assert!(
        path.exists(),
        "{what} not found at {}: run `{command}` first (`cargo xtask test` does it for you)",
        path.display()
    );
    path
}

const BUILD: &str = "cargo xtask build";
const SETUP: &str = "cargo xtask setup";

/// The built interview bundle (`dist/`), or a panic saying how to build it.
pub fn dist_dir() -> PathBuf {
    let dist = required_file(
        "INTERVIEW_E2E_DIST",
        workspace_root().join("dist"),
        "the interview bundle (dist/)",
        BUILD,
    );
    assert!(
        dist.join("index.html").is_file(),
        "{} has no index.html: run `{BUILD}` first (`cargo xtask test` does it for you)",
        dist.display()
    );
    dist
}

/// The first admin the host makes at its first start (from the environment).
pub const ADMIN_EMAIL: &str = "admin@example.com";
/// The first admin's password.
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

/// The host binary built with the `release-host` profile.
pub fn host_binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    required_file(
        "INTERVIEW_E2E_HOST_BIN",
        target.join("release-host").join("interview"),
        "the host binary (target/release-host/interview)",
        BUILD,
    )
}

/// A running host: its own data directory, the built bundle, a free port.
pub struct Host {
    child: Child,
    addr: SocketAddr,
    /// The data directory, deleted with the host.
    pub data_dir: TempDir,
}

impl Host {
    /// Starts `interview serve` and waits until `/healthz` answers. The host
    /// serves the bundle built into it (one-file deploy): it runs in its data
    /// directory, where no `dist/` could stand in for a missing one. The
    /// first admin is [`ADMIN_EMAIL`] / [`ADMIN_PASSWORD`]; SMS goes to the
    /// log provider's outbox in the data directory.
    pub async fn start() -> Host {
        // The binary embeds dist/ at build time; require it so a stale or
        // missing bundle fails here with a clear message.
        dist_dir();
        let data_dir = tempfile::tempdir().expect("temp data dir");
        let mut command = Command::new(host_binary());
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir.path());
        let mut child = command
            .env("INTERVIEW_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("INTERVIEW_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .current_dir(data_dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the host binary");

        // The host prints `Open http://ADDR/dashboard/ …` once it listens; a thread reads
        // its output (and keeps draining it so the host never blocks on it).
        let stdout = child.stdout.take().expect("host stdout");
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in
                std::io::BufRead::lines(std::io::BufReader::new(stdout)).map_while(Result::ok)
            {
                if let Some(rest) = line.strip_prefix("Open http://") {
                    let _ = sender.send(rest.split('/').next().unwrap_or_default().to_owned());
                }
            }
        });
        let mut host = Host {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir,
        };
        let addr = receiver
            .recv_timeout(READY_TIMEOUT)
            .expect("the host did not print its address (did it fail to start?)");
        host.addr = addr.parse().expect("the host printed an address");
        host.wait_healthy().await;
        host
    }

    /// The URL of `path` on this host.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The host's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    async fn wait_healthy(&self) {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Ok((200, _)) = http_get(self.addr, "/healthz").await {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the host never answered /healthz"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// ChromeDriver on a free port, in its own process group; dropping it kills
/// the whole group, Chromium included, even when a test panics.
pub struct Driver {
    child: Child,
    port: u16,
    /// Chromium's TMPDIR: a killed browser cannot tidy its own scratch
    /// folders (about 70 MB each), so they go here and leave with the driver.
    _scratch: TempDir,
}

impl Driver {
    /// Starts ChromeDriver and waits until it accepts connections.
    pub async fn start() -> Driver {
        use std::os::unix::process::CommandExt;

        let chromedriver = required_file(
            "CHROMEDRIVER",
            PathBuf::from("/usr/bin/chromedriver"),
            "chromedriver",
            SETUP,
        );
        let port = free_port();
        let scratch = tempfile::tempdir().expect("temp folder for Chromium");
        let mut command = Command::new(chromedriver);
        command
            .arg(format!("--port={port}"))
            .env("TMPDIR", scratch.path());
        // For debugging a failing run: INTERVIEW_E2E_CHROMEDRIVER_LOG=/tmp/cd.log
        if let Some(log) = std::env::var_os("INTERVIEW_E2E_CHROMEDRIVER_LOG") {
            command
                .arg("--verbose")
                .arg(format!("--log-path={}", Path::new(&log).display()));
        }
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start chromedriver");
        let driver = Driver {
            child,
            port,
            _scratch: scratch,
        };
        let deadline = Instant::now() + READY_TIMEOUT;
        while http_get(SocketAddr::from(([127, 0, 0, 1], port)), "/status")
            .await
            .map(|r| r.0)
            .ok()
            != Some(200)
        {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not start on port {port}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        driver
    }

    /// A new headless Chromium session with a fresh profile.
    pub async fn browser(&self) -> Browser {
        let profile = tempfile::tempdir().expect("temp browser profile");
        let chromium = required_file(
            "CHROMIUM",
            PathBuf::from("/usr/bin/chromium"),
            "chromium",
            SETUP,
        );
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|arg| (*arg).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            serde_json::json!({ "binary": chromium, "args": args }),
        );
        let mut builder = ClientBuilder::new(HttpConnector::new());
        let client = builder
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("open a Chromium session through chromedriver");
        Browser {
            client,
            _profile: profile,
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Negative pid: the whole process group (chromedriver and its browsers).
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// A browser session with the actions and checks the tests use.
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    _profile: TempDir,
}

impl Browser {
    /// Opens `url` and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|error| panic!("open {url}: {error}"));
    }

    /// The shadow root of the first element matching `css`, once the page
    /// has attached one (the wasm module mounts after it loads).
    pub async fn shadow_root(&self, css: &str) -> ShadowRoot {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                if let Ok(root) = element.shadow_root().await {
                    return root;
                }
            }
            assert!(
                Instant::now() < deadline,
                "no shadow root on {css} after {READY_TIMEOUT:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the element matching `css` inside `root` shows `text`.
    pub async fn wait_for_text(&self, root: &impl Scope, css: &str, text: &str) -> Element {
        let deadline = Instant::now() + READY_TIMEOUT;
        let mut last = String::new();
        loop {
            if let Ok(element) = root.find(Locator::Css(css)).await {
                if let Ok(shown) = element.text().await {
                    if shown == text {
                        return element;
                    }
                    last = shown;
                }
            }
            assert!(
                Instant::now() < deadline,
                "{css} never showed {text:?} (last seen: {last:?})"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Ends the session (closing the browser).
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// A minimal HTTP/1.1 GET over a fresh connection: status and body. The
/// body ends at `Content-Length` (ChromeDriver keeps the connection open even
/// when asked to close it) or at the end of the stream; the whole exchange
/// gives up after a few seconds.
pub async fn http_get(addr: SocketAddr, path: &str) -> std::io::Result<(u16, String)> {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await?;
        let mut raw = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            let read = stream.read(&mut buffer).await?;
            raw.extend_from_slice(&buffer[..read]);
            if let Some(end) = raw.windows(4).position(|window| window == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|value| value.trim().parse::<usize>().ok());
                if read == 0 || length.is_some_and(|length| raw.len() >= end + 4 + length) {
                    let status = head
                        .split(' ')
                        .nth(1)
                        .and_then(|code| code.parse().ok())
                        .unwrap_or(0);
                    let body = String::from_utf8_lossy(&raw[end + 4..]).into_owned();
                    return Ok((status, body));
                }
            }
            if read == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "incomplete response",
                ));
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(5), exchange)
        .await
        .unwrap_or_else(|_| {
            Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "no answer",
            ))
        })
}

/// Waits until `probe` gives `Ok`, trying every 100 ms for [`READY_TIMEOUT`];
/// the panic names `what` and the last reason the probe gave.
pub async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        match probe().await {
            Ok(value) => return value,
            Err(last) => assert!(
                Instant::now() < deadline,
                "{what}: not after {READY_TIMEOUT:?} (last: {last})"
            ),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The staff API, signed in as the first admin (cookie and CSRF token).
pub struct Staff {
    http: reqwest::Client,
    base: String,
    cookie: String,
    csrf: String,
}

impl Staff {
    /// Signs in to `host` as [`ADMIN_EMAIL`].
    pub async fn sign_in(host: &Host) -> Staff {
        let http = reqwest::Client::new();
        let base = host.url("");
        let answer = http
            .post(format!("{base}/api/v1/staff/session"))
            .json(&serde_json::json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }))
            .send()
            .await
            .expect("staff sign-in");
        assert_eq!(answer.status().as_u16(), 200, "staff sign-in");
        let cookie = answer
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("interview_staff="))
            .and_then(|v| v.split(';').next())
            .expect("the staff session cookie")
            .to_owned();
        let body: serde_json::Value = answer.json().await.expect("sign-in JSON");
        let csrf = body["csrf_token"].as_str().expect("csrf_token").to_owned();
        Staff {
            http,
            base,
            cookie,
            csrf,
        }
    }

    /// Calls `method path` with an optional JSON body: status and JSON answer.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = request.send().await.expect("staff call");
        let status = answer.status().as_u16();
        let text = answer.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    }

    /// `POST path` that must answer `expect`; the JSON answer.
    pub async fn post(
        &self,
        path: &str,
        body: serde_json::Value,
        expect: u16,
    ) -> serde_json::Value {
        let (status, answer) = self.call("POST", path, Some(body)).await;
        assert_eq!(status, expect, "POST {path}: {answer}");
        answer
    }

    /// `GET path`, which must answer 200; the JSON answer.
    pub async fn get(&self, path: &str) -> serde_json::Value {
        let (status, answer) = self.call("GET", path, None).await;
        assert_eq!(status, 200, "GET {path}: {answer}");
        answer
    }
}

/// A client API call without a session or with one (`POST` with a body, or
/// `GET`): status and JSON answer.
pub async fn client_call(
    host: &Host,
    path: &str,
    session: Option<&str>,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let http = reqwest::Client::new();
    let url = host.url(&format!("/api/v1/client/{path}"));
    let mut request = match &body {
        Some(body) => http.post(url).json(body),
        None => http.get(url),
    };
    if let Some(session) = session {
        request = request.bearer_auth(session);
    }
    let answer = request.send().await.expect("client call");
    let status = answer.status().as_u16();
    let text = answer.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

/// Does what a client does through the client API with a link protected by
/// `passphrase`: opens it, signs in, and submits `answers` as the first
/// section's; the receipt.
pub async fn submit_as_client(host: &Host, token: &str, passphrase: &str, answers: serde_json::Value) -> String {
    let (status, opened) = client_call(host, "open", None, Some(serde_json::json!({ "token": token }))).await;
    assert_eq!(status, 200, "open: {opened}");
    let (status, signed) = client_call(
        host,
        "auth/passphrase",
        None,
        Some(serde_json::json!({ "token": token, "passphrase": passphrase })),
    )
    .await;
    assert_eq!(status, 200, "passphrase: {signed}");
    let session = signed["session"].as_str().expect("session").to_owned();
    let (status, interview) = client_call(host, "interview", Some(&session), None).await;
    assert_eq!(status, 200, "interview: {interview}");
    let section = interview["sections"][0]["id"].as_str().expect("section id").to_owned();
    let answer = reqwest::Client::new()
        .post(host.url("/api/v1/client/submit"))
        .bearer_auth(&session)
        .header("idempotency-key", format!("e2e-{section}"))
        .json(&serde_json::json!({ "answers": { section: answers } }))
        .send()
        .await
        .expect("submit");
    let status = answer.status().as_u16();
    let body: serde_json::Value = answer.json().await.unwrap_or(serde_json::Value::Null);
    assert_eq!(status, 200, "submit: {body}");
    body["receipt"].as_str().expect("receipt").to_owned()
}

/// A Chrome DevTools Protocol command, sent through ChromeDriver.
#[derive(Debug)]
struct DevTools {
    command: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.command, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

impl Browser {
    /// Makes the requests whose URL matches one of `patterns` (`*` for any
    /// text) fail as if the host could not be reached; an empty list lets
    /// everything through again.
    pub async fn block_urls(&self, patterns: &[&str]) {
        self.devtools("Network.enable", serde_json::json!({})).await;
        self.devtools(
            "Network.setBlockedURLs",
            serde_json::json!({ "urls": patterns }),
        )
        .await;
    }

    /// Takes the browser off the network (`true`) or back on it, as the
    /// device losing its connection would (`navigator.onLine` and the
    /// `online`/`offline` events follow).
    pub async fn set_offline(&self, offline: bool) {
        let conditions = serde_json::json!({
            "offline": offline,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": -1,
        });
        self.devtools("Network.enable", serde_json::json!({})).await;
        self.devtools("Network.emulateNetworkConditions", conditions)
            .await;
    }

    /// Sends one DevTools command to the page's browser.
    async fn devtools(&self, command: &'static str, params: serde_json::Value) {
        self.client
            .issue_cmd(DevTools {
                command,
                params: params.clone(),
            })
            .await
            .unwrap_or_else(|e| panic!("{command} {params}: {e}"));
    }
}

/// The WCAG rule sets axe checks (WCAG 2.0, 2.1 and 2.2, levels A and AA).
pub const AXE_TAGS: &[&str] = &["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// axe-core's script, installed by `cargo xtask setup` into `.tools/`.
fn axe_source() -> &'static str {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = workspace_root().join(".tools/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "axe-core not found at {} ({e}): run `cargo xtask setup` first",
                path.display()
            )
        })
    })
}

/// Runs axe in the page: `arguments[0]` the rule tags; calls back with the
/// violations, or `{error}` when axe itself failed.
const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
window.axe.run(document, {
    runOnly: {type: 'tag', values: arguments[0]},
    resultTypes: ['violations'],
}).then(results => done(results.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map(n => ({
        target: JSON.stringify(n.target),
        html: n.html.slice(0, 200),
        summary: n.failureSummary,
    })),
}))), error => done({error: String(error && error.stack || error)}));
"#;

/// One node of an accessibility violation: where it is and why it fails.
#[derive(Debug, Clone, PartialEq)]
pub struct AxeNode {
    /// axe's selector path (one selector per shadow root crossed).
    pub target: String,
    /// The start of the element's HTML.
    pub html: String,
    /// axe's own words for what to fix.
    pub summary: String,
}

/// An axe rule the page breaks, with every node that breaks it.
#[derive(Debug, Clone, PartialEq)]
pub struct AxeViolation {
    /// The rule (`color-contrast`, `label`, ...).
    pub id: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: String,
    /// What the rule asks for.
    pub help: String,
    /// The elements that break it.
    pub nodes: Vec<AxeNode>,
}

impl std::fmt::Display for AxeViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{} ({}): {}", self.id, self.impact, self.help)?;
        for node in &self.nodes {
            writeln!(f, "    at {}  {}", node.target, node.html)?;
            for line in node.summary.lines() {
                writeln!(f, "        {line}")?;
            }
        }
        Ok(())
    }
}

/// How wide the page is against the window, with the elements that reach
/// past its right edge and those whose content spills past it.
const OVERFLOW_CHECK: &str = r#"
const width = document.documentElement.clientWidth;
const scroller = document.scrollingElement;
const wide = [];
const spill = [];
const walk = root => {
    for (const el of root.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        const hiddenText = style.position === 'absolute' && box.width <= 1 && box.height <= 1;
        if (box.width > 0 && !hiddenText && box.right > width + 0.5) {
            wide.push(`<${el.localName}${el.id ? ' id=' + el.id : ''}${el.className ? ' class=' + el.className : ''}> right edge ${Math.round(box.right)}`);
        }
        // Text wider than its box (a long word) widens the page, not the box.
        if (!['input', 'textarea', 'select'].includes(el.localName)
            && style.overflowX === 'visible' && el.scrollWidth > el.clientWidth + 1
            && el.clientWidth > 0 && box.right + el.scrollWidth - el.clientWidth > width + 0.5) {
            spill.push(`<${el.localName}${el.className ? ' class=' + el.className : ''}> content ${el.scrollWidth} px wide in ${el.clientWidth} px`);
        }
        if (el.shadowRoot) walk(el.shadowRoot);
    }
};
walk(document);
return {
    viewport: width,
    inner: window.innerWidth,
    scroll_width: scroller.scrollWidth,
    client_width: scroller.clientWidth,
    wide: wide.slice(0, 20),
    spill: spill.slice(0, 20),
};
"#;

impl Browser {
    /// Runs axe-core on the whole document (open shadow roots included)
    /// with the WCAG 2.2 A and AA rules; the violations found. `context`
    /// names the screen in panics. axe is injected once per page load.
    pub async fn axe(&self, context: &str) -> Vec<AxeViolation> {
        let loaded = self
            .client
            .execute("return typeof window.axe === 'object';", Vec::new())
            .await
            .unwrap_or_else(|e| panic!("{context}: check for axe: {e}"));
        if loaded != serde_json::json!(true) {
            self.client
                .execute(&format!("{}\n;return null;", axe_source()), Vec::new())
                .await
                .unwrap_or_else(|e| panic!("{context}: inject axe-core: {e}"));
        }
        let found = self
            .client
            .execute_async(AXE_RUN, vec![serde_json::json!(AXE_TAGS)])
            .await
            .unwrap_or_else(|e| panic!("{context}: run axe: {e}"));
        if let Some(error) = found.get("error") {
            panic!("{context}: axe failed: {error}");
        }
        let text = |v: &serde_json::Value, key: &str| {
            v.get(key)
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        found
            .as_array()
            .unwrap_or_else(|| panic!("{context}: axe answered {found}"))
            .iter()
            .map(|v| AxeViolation {
                id: text(v, "id"),
                impact: text(v, "impact"),
                help: text(v, "help"),
                nodes: v
                    .get("nodes")
                    .and_then(serde_json::Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|n| AxeNode {
                        target: text(n, "target"),
                        html: text(n, "html"),
                        summary: text(n, "summary"),
                    })
                    .collect(),
            })
            .collect()
    }

    /// Panics, listing every rule and node, unless axe finds nothing on the
    /// page as it is now (see [`Browser::axe`]).
    pub async fn assert_accessible(&self, context: &str) {
        let violations = self.axe(context).await;
        if !violations.is_empty() {
            let listed: Vec<String> = violations.iter().map(ToString::to_string).collect();
            panic!(
                "{context}: {} accessibility violation(s) (axe-core, WCAG 2.2 AA):\n{}",
                violations.len(),
                listed.join("\n")
            );
        }
    }

    /// Sets the window's size through WebDriver and waits until the page's
    /// viewport follows.
    pub async fn set_width(&self, width: u32) {
        self.client
            .set_window_size(width, 900)
            .await
            .unwrap_or_else(|e| panic!("set the window to {width} px: {e}"));
        eventually(&format!("a viewport {width} px wide"), || async {
            let inner = self.script("return window.innerWidth;").await;
            if inner.as_u64() == Some(u64::from(width)) {
                Ok(())
            } else {
                Err(format!("window.innerWidth is {inner}"))
            }
        })
        .await;
    }

    /// Panics unless the page fits the window's width: no horizontal
    /// scrolling, and no element (in the page or its shadow roots) reaching
    /// past the right edge. `context` names the screen.
    pub async fn assert_no_horizontal_overflow(&self, context: &str) {
        let seen = self.script(OVERFLOW_CHECK).await;
        let number = |key: &str| seen[key].as_f64().unwrap_or(f64::NAN);
        let wide = seen["wide"].as_array().cloned().unwrap_or_default();
        assert!(
            number("scroll_width") <= number("client_width") && wide.is_empty(),
            "{context}: the page scrolls sideways or overflows at {} px ({seen:#})",
            number("inner"),
        );
    }
}
