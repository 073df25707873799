//! Fixtures for the end-to-end tests: the real host binary serving the built
//! bundle on `127.0.0.1:0` with a fresh data directory, and headless Chromium
//! driven through ChromeDriver (started per test, in its own process group so
//! a failing test cannot leave a browser behind).
//!
//! Both are built by `cargo xtask build`; `cargo xtask test` builds them before
//! it runs these tests. Paths can be overridden with `INTERVIEW_E2E_HOST_BIN`,
//! `INTERVIEW_E2E_DIST`, `CHROMEDRIVER` and `CHROMIUM`;
//! `INTERVIEW_E2E_CHROMEDRIVER_LOG` names a file for ChromeDriver's verbose log.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::{Element, ShadowRoot};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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
    /// directory, where no `dist/` could stand in for a missing one.
    pub async fn start() -> Host {
        let data_dir = tempfile::tempdir().expect("temp data dir");
        // The binary embeds dist/ at build time; require it so a stale or
        // missing bundle fails here with a clear message.
        dist_dir();
        let mut child = Command::new(host_binary())
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir.path())
            .current_dir(data_dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the host binary");

        // The host prints `Open http://ADDR/i/` once it listens; a thread reads
        // its output (and keeps draining it so the host never blocks on it).
        let stdout = child.stdout.take().expect("host stdout");
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in
                std::io::BufRead::lines(std::io::BufReader::new(stdout)).map_while(Result::ok)
            {
                if let Some(rest) = line.strip_prefix("Open http://") {
                    let _ = sender.send(rest.trim_end_matches("/i/").to_owned());
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
        let mut command = Command::new(chromedriver);
        command.arg(format!("--port={port}"));
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
        let driver = Driver { child, port };
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
    pub async fn wait_for_text(&self, root: &ShadowRoot, css: &str, text: &str) -> Element {
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
