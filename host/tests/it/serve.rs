//! The server's own behaviour (health, the bundle at `/i/`, shutdown) and the
//! `interview` binary's commands run as a user would run them.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use interview_host::{AppState, ServeConfig};
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

// ---------------------------------------------------------------- fixtures

/// A server running in this process until dropped or [`Server::stop`]ped.
struct Server {
    addr: SocketAddr,
    data_dir: TempDir,
    bundle_dir: TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<interview_host::Result<()>>,
}

impl Server {
    /// Starts a server whose bundle directory holds `files` (name, content).
    async fn start(files: &[(&str, &[u8])]) -> Server {
        let data_dir = tempfile::tempdir().unwrap();
        let bundle_dir = tempfile::tempdir().unwrap();
        for (name, content) in files {
            std::fs::write(bundle_dir.path().join(name), content).unwrap();
        }
        let config = ServeConfig::for_tests(data_dir.path().join("data"), bundle_dir.path().to_path_buf());
        let state = AppState::open(&config).await.unwrap();
        let listener = tokio::net::TcpListener::bind(config.listen).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(interview_host::run(listener, state, async {
            let _ = stopped.await;
        }));
        Server {
            addr,
            data_dir,
            bundle_dir,
            stop: Some(stop),
            task,
        }
    }

    async fn get(&self, path: &str) -> Response {
        self.get_with(path, &[]).await
    }

    async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        http_get(self.addr, path, headers).await
    }

    /// Asks for a graceful shutdown and waits for the server to finish.
    async fn stop(mut self) -> interview_host::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task).await.unwrap()
    }
}

/// A parsed HTTP/1.1 response.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// GET over a fresh TCP connection (`Connection: close`, so the body ends
/// with the stream; the host answers static files and JSON without chunking).
async fn http_get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Response {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();

    let split = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .expect("a complete response head");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    Response {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

const INDEX: &[u8] = b"<!doctype html><title>Interview</title><main></main>";
const WASM_NAME: &str = "interview-page-0123456789abcdef_bg.wasm";
const WASM: &[u8] = b"\0asm\x01\0\0\0";

// ------------------------------------------------------------------ server

#[tokio::test]
async fn healthz_answers_ok_as_json() {
    let server = Server::start(&[]).await;
    let response = server.get("/healthz").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(body, serde_json::json!({"status": "ok"}));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn starting_creates_the_data_dir_and_its_database() {
    let server = Server::start(&[]).await;
    let database = server.data_dir.path().join("data").join("interview.redb");
    assert!(database.is_file(), "no database at {}", database.display());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_interview_page_is_served_at_i_and_always_revalidated() {
    let server = Server::start(&[("index.html", INDEX), (WASM_NAME, WASM)]).await;

    let page = server.get("/i/").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body, INDEX);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(page.header("cache-control"), Some("no-cache"));

    let by_name = server.get("/i/index.html").await;
    assert_eq!(by_name.status, 200);
    assert_eq!(by_name.header("cache-control"), Some("no-cache"));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn hashed_assets_are_served_with_their_type_and_cached_for_good() {
    let server = Server::start(&[("index.html", INDEX), (WASM_NAME, WASM)]).await;
    let asset = server.get(&format!("/i/{WASM_NAME}")).await;
    assert_eq!(asset.status, 200);
    assert_eq!(asset.body, WASM);
    assert_eq!(asset.header("content-type"), Some("application/wasm"));
    assert_eq!(
        asset.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn brotli_copies_are_sent_to_browsers_that_accept_them() {
    let compressed: &[u8] = b"pretend-brotli";
    let br_name = format!("{WASM_NAME}.br");
    let server = Server::start(&[
        ("index.html", INDEX),
        (WASM_NAME, WASM),
        (&br_name, compressed),
    ])
    .await;

    let accepted = server
        .get_with(
            &format!("/i/{WASM_NAME}"),
            &[("Accept-Encoding", "gzip, br")],
        )
        .await;
    assert_eq!(accepted.status, 200);
    assert_eq!(accepted.header("content-encoding"), Some("br"));
    assert_eq!(accepted.header("content-type"), Some("application/wasm"));
    assert_eq!(accepted.body, compressed);

    let plain = server.get(&format!("/i/{WASM_NAME}")).await;
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.body, WASM);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn unknown_bundle_files_are_not_found() {
    let server = Server::start(&[("index.html", INDEX)]).await;
    let missing = server.get("/i/interview-page-ffffffffffffffff.js").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("cache-control"), None);
    // Nothing outside the bundle directory is reachable.
    let escape = server.get("/i/../Cargo.toml").await;
    assert_ne!(escape.status, 200);
    assert!(server.bundle_dir.path().join("index.html").is_file());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn shutdown_lets_the_server_finish_cleanly() {
    let server = Server::start(&[]).await;
    let addr = server.addr;
    assert_eq!(server.get("/healthz").await.status, 200);
    server.stop().await.unwrap();
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "still listening after shutdown"
    );
}

// -------------------------------------------------------------------- CLI

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
        .join(name)
}

fn interview(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_interview"))
        .args(args)
        .output()
        .expect("run the interview binary")
}

fn stdout_json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "stdout is not JSON ({error}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn path(name: &str) -> String {
    data(name).to_string_lossy().into_owned()
}

/// Runs `interview validate` on the intake template with the answers file
/// `answers` (from the test data) and the further arguments `more`.
fn validate_intake(answers: &str, more: &[&str]) -> Output {
    let (template, answers) = (path("intake.json"), path(answers));
    let mut args = vec!["validate", "--template", &template, "--answers", &answers];
    args.extend_from_slice(more);
    interview(&args)
}

#[test]
fn check_template_accepts_a_good_template() {
    let output = interview(&["check-template", &path("intake.json")]);
    assert_eq!(stdout_json(&output), serde_json::json!({"problems": []}));
    assert_eq!(output.status.code(), Some(0));
}

/// The `path` of every problem `check-template` prints for `file` (exit 1).
fn problem_paths(file: &str) -> Vec<String> {
    let output = interview(&["check-template", &path(file)]);
    assert_eq!(output.status.code(), Some(1));
    let report = stdout_json(&output);
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|problem| {
            assert!(
                !problem["message"].as_str().unwrap().is_empty(),
                "{problem}"
            );
            problem["path"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[test]
fn check_template_lists_every_problem_with_its_path() {
    assert_eq!(
        problem_paths("invalid-template.json"),
        ["pages[0].items[1].type", "pages[0].items[2].min"]
    );
    assert_eq!(
        problem_paths("invalid-references.json"),
        ["pages[0].items[1].id", "pages[0].items[2].visible_if"]
    );
}

#[test]
fn check_template_reports_malformed_json_as_a_problem_at_the_root() {
    let output = interview(&["check-template", &path("malformed.json")]);
    assert_eq!(output.status.code(), Some(1));
    let report = stdout_json(&output);
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{report}");
    assert_eq!(problems[0]["path"], "");
}

#[test]
fn check_template_on_a_missing_file_is_a_usage_error() {
    let output = interview(&["check-template", &path("no-such-file.json")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no-such-file.json"));
}

#[test]
fn validate_accepts_good_answers() {
    let output = validate_intake("intake-answers-valid.json", &["--today", "2025-01-15"]);
    let report = stdout_json(&output);
    assert_eq!(report["valid"], true, "{report}");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn validate_reports_each_error_and_exits_1() {
    let output = validate_intake("intake-answers-invalid.json", &["--today", "2025-01-15"]);
    assert_eq!(output.status.code(), Some(1));
    let report = stdout_json(&output);
    assert_eq!(report["valid"], false);
    let errors = report["errors"].as_array().unwrap();
    let has = |path: &str, code: &str| {
        errors
            .iter()
            .any(|e| e["path"] == path && e["code"] == code)
    };
    assert!(has("full_name", "required"), "{report}");
    assert!(has("partner_name", "required"), "{report}");
    assert!(has("age", "too_small"), "{report}");
}

#[test]
fn validate_words_its_messages_in_the_locale_asked_for() {
    let run = |locale: &str| {
        validate_intake("intake-answers-invalid.json", &["--today", "2025-01-15", "--locale", locale])
    };
    let french = run("fr-BE");
    assert_eq!(french.status.code(), Some(1));
    let report = stdout_json(&french);
    let required = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "full_name" && e["code"] == "required")
        .cloned()
        .unwrap_or_default();
    let message = required["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("Renseignez "), "{report}");

    let unknown = run("xx");
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(stderr.contains("--locale: the locale `xx` is not supported; use one of en, fr, de"), "{stderr}");
}

#[test]
fn validate_uses_today_for_date_rules() {
    // signed_on (2024-05-01) may not be after today.
    let run = |today: &str| {
        validate_intake("intake-answers-valid.json", &["--today", today])
    };
    assert_eq!(run("2024-05-01").status.code(), Some(0));
    let before = run("2024-04-30");
    assert_eq!(before.status.code(), Some(1));
    let report = stdout_json(&before);
    assert!(
        report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["path"] == "signed_on"),
        "{report}"
    );
}

#[test]
fn validate_defaults_today_to_the_current_date() {
    let output = validate_intake("intake-answers-valid.json", &[]);
    assert_eq!(stdout_json(&output)["valid"], true);
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn validate_rejects_a_bad_date_and_answers_that_are_not_an_object() {
    let bad_date = validate_intake("intake-answers-valid.json", &["--today", "15/01/2025"]);
    assert_eq!(bad_date.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_date.stderr).contains("--today"));

    let not_an_object = validate_intake("malformed.json", &["--today", "2025-01-15"]);
    assert_eq!(not_an_object.status.code(), Some(2));
}

#[test]
fn validate_with_an_invalid_template_prints_its_problems() {
    let output = interview(&[
        "validate",
        "--template",
        &path("invalid-template.json"),
        "--answers",
        &path("intake-answers-valid.json"),
        "--today",
        "2025-01-15",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(!stdout_json(&output)["problems"]
        .as_array()
        .unwrap()
        .is_empty());
}

fn example(kind: &str, name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(kind)
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// Every example template in `examples/templates/` passes the check.
#[test]
fn the_example_templates_pass_check_template() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/templates");
    let mut checked = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().path();
        if file.extension().is_none_or(|ext| ext != "json") {
            continue;
        }
        let output = interview(&["check-template", &file.to_string_lossy()]);
        assert_eq!(
            (output.status.code(), stdout_json(&output)),
            (Some(0), serde_json::json!({"problems": []})),
            "{}",
            file.display()
        );
        checked.push(file.file_name().unwrap().to_string_lossy().into_owned());
    }
    checked.sort();
    for expected in ["intake.json", "kyc.json"] {
        assert!(
            checked.iter().any(|name| name == expected),
            "{expected} missing: {checked:?}"
        );
    }
}

/// The intake example's answers show the errors a client sees.
#[test]
fn validate_reports_the_intake_examples_errors() {
    let output = interview(&[
        "validate",
        "--template",
        &example("templates", "intake.json"),
        "--answers",
        &example("answers", "intake.json"),
        "--today",
        "2025-06-01",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report = stdout_json(&output);
    assert_eq!(report["valid"], false);
    let errors = report["errors"].as_array().unwrap();
    let has = |path: &str, code: &str| {
        errors
            .iter()
            .any(|e| e["path"] == path && e["code"] == code)
    };
    assert!(has("children[1].name", "required"), "{report}");
    assert!(has("favourite_colour", "unknown_field"), "{report}");
    for error in errors {
        assert!(!error["message"].as_str().unwrap().is_empty(), "{error}");
    }
}

/// The KYC example is valid from the day its document is dated, not before.
#[test]
fn validate_judges_the_kyc_example_as_of_today() {
    let run = |today: &str| {
        interview(&[
            "validate",
            "--template",
            &example("templates", "kyc.json"),
            "--answers",
            &example("answers", "kyc.json"),
            "--today",
            today,
        ])
    };
    let on_the_day = run("2026-10-02");
    assert_eq!(stdout_json(&on_the_day)["valid"], true);
    assert_eq!(on_the_day.status.code(), Some(0));

    let day_before = run("2026-10-01");
    assert_eq!(day_before.status.code(), Some(1));
    let report = stdout_json(&day_before);
    assert_eq!(report["errors"][0]["path"], "address_date", "{report}");
    assert_eq!(report["errors"][0]["code"], "too_large", "{report}");
}
