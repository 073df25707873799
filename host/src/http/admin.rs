//! Admin operations on the running host (`/api/v1/admin/...`): a consistent
//! backup of the database, streamed back as a file, and the database check.
//!
//! redb lets one process open the database, so while the host runs the
//! command line's `backup` and `check` cannot; with `--host` they call these
//! instead. Both run on the bounded blocking pool ([`AppState::blocking`]).
//! A backup is written to a temporary file in the data directory and sent
//! from disk, never held in memory; the file is gone once the answer is.

use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use rand::Rng as _;
use serde_json::{json, Value};
use tokio::io::{AsyncRead, ReadBuf};
use tokio_util::io::ReaderStream;

use super::staff::Admin;
use super::AppState;
use crate::clock::Timestamp;
use crate::error::Error;
use crate::storage::{CheckReport, Integrity};

/// Folder of the data directory that backups are written to before they are sent.
pub const BACKUP_TMP_DIR: &str = "backup-tmp";

/// A file in [`BACKUP_TMP_DIR`] older than this is a leftover (of a host
/// stopped mid-backup where open files cannot be unlinked) and is removed by
/// the next backup.
pub const STALE_AFTER: Duration = Duration::from_secs(24 * 3600);

/// The error code of a check that found problems.
pub const PROBLEMS_CODE: &str = "database_problems";

/// The admin operations' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/backup", post(backup))
        .route("/api/v1/admin/check", post(check))
}

/// The name a backup taken at `at` is offered under: `interview-20261124T090000Z.redb`.
pub fn backup_file_name(at: Timestamp) -> String {
    format!("interview-{}.redb", at.to_rfc3339().replace(['-', ':'], ""))
}

/// `POST /api/v1/admin/backup`: a consistent copy of the database, as a download.
async fn backup(State(state): State<AppState>, Admin(admin): Admin) -> Result<Response, Error> {
    let dir = state.data_dir.join(BACKUP_TMP_DIR);
    let path = dir.join(format!("backup-{}.redb", random_hex()));
    let store = state.storage.clone();
    let copy = path.clone();
    let made = state
        .blocking(move || {
            std::fs::create_dir_all(&dir)?;
            remove_stale(&dir, STALE_AFTER);
            store.backup(&copy)?;
            Ok(std::fs::metadata(&copy)?.len())
        })
        .await;
    let size = match made {
        Ok(size) => size,
        Err(e) => {
            // `Storage::backup` removes its own partial file; this is the finished one, if any.
            let _ = tokio::fs::remove_file(&path).await;
            return Err(e);
        }
    };
    let file = TempFile::open(path).await?;
    let name = backup_file_name(state.now());
    // Operators' log, not the audit log (which is per work item): who, when, how big; no content.
    tracing::info!(by = %admin.actor.as_string(), bytes = size, file = %name, "database backup taken");

    let mut response = Body::from_stream(ReaderStream::new(file)).into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// `POST /api/v1/admin/check`: the check report; 200 when the database is sound.
async fn check(State(state): State<AppState>, Admin(admin): Admin) -> Result<Response, Error> {
    let store = state.storage.clone();
    let report = state.blocking(move || store.check()).await?;
    let by = admin.actor.as_string();
    if report.is_ok() {
        tracing::info!(by = %by, "database checked: sound");
    } else {
        tracing::error!(by = %by, integrity = ?report.integrity, problems = report.problems.len(), "database checked: problems found");
    }
    Ok(check_answer(&report))
}

/// The answer to a check: the report with `healthy`; when it is not, a 500
/// in the API's error shape, saying what was found and carrying the report.
pub fn check_answer(report: &CheckReport) -> Response {
    let mut body = serde_json::to_value(report).unwrap_or_else(|_| json!({}));
    body["healthy"] = json!(report.is_ok());
    if report.is_ok() {
        return (StatusCode::OK, Json(body)).into_response();
    }
    let mut found = Vec::new();
    if report.integrity == Integrity::Repaired {
        found.push("redb found damage in the file and repaired it".to_owned());
    }
    if !report.problems.is_empty() {
        found.push(format!(
            "{} unsound record(s) or index entries (listed in `report.problems`)",
            report.problems.len()
        ));
    }
    let message = format!("The database check found problems: {}.", found.join("; "));
    let error: Value =
        json!({"error": {"code": PROBLEMS_CODE, "message": message, "report": body}});
    (StatusCode::INTERNAL_SERVER_ERROR, Json(error)).into_response()
}

/// 16 random hex digits, for a temporary file name.
fn random_hex() -> String {
    let mut bytes = [0u8; 8];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Removes the files in `dir` last changed longer than `age` ago (best effort).
fn remove_stale(dir: &Path, age: Duration) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|at| now.duration_since(at).is_ok_and(|d| d > age));
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A backup being sent: read from disk, and deleted once sent or given up.
struct TempFile {
    file: tokio::fs::File,
    /// Set while the name still exists, to be removed on drop.
    path: Option<PathBuf>,
}

impl TempFile {
    /// Opens the file and removes its name at once where the system allows
    /// it (the open file lives on until sent), so a host stopped mid-answer
    /// leaves nothing behind; otherwise the name goes when this is dropped.
    async fn open(path: PathBuf) -> Result<TempFile, Error> {
        let file = match tokio::fs::File::open(&path).await {
            Ok(file) => file,
            Err(e) => {
                let _ = tokio::fs::remove_file(&path).await;
                return Err(e.into());
            }
        };
        let path = match tokio::fs::remove_file(&path).await {
            Ok(()) => None,
            Err(_) => Some(path),
        };
        Ok(TempFile { file, path })
    }
}

impl AsyncRead for TempFile {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.file).poll_read(cx, buf)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            // Best effort; a file that stays is removed by a later backup (see `STALE_AFTER`).
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    async fn body_of(response: Response) -> (StatusCode, Value) {
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .expect("body");
        (status, serde_json::from_slice(&bytes).expect("json"))
    }

    fn report(integrity: Integrity, problems: &[&str]) -> CheckReport {
        CheckReport {
            integrity,
            rows: BTreeMap::from([("clients".to_owned(), 2)]),
            problems: problems.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    #[tokio::test]
    async fn a_sound_database_is_a_200_with_the_report() {
        let (status, body) = body_of(check_answer(&report(Integrity::Clean, &[]))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body,
            json!({"healthy": true, "integrity": "clean", "rows": {"clients": 2}, "problems": []})
        );
    }

    #[tokio::test]
    async fn problems_are_a_500_in_the_error_shape_saying_what_was_found() {
        let (status, body) = body_of(check_answer(&report(
            Integrity::Repaired,
            &["clients/cli_1: cannot decode"],
        )))
        .await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"]["code"], PROBLEMS_CODE);
        let message = body["error"]["message"].as_str().expect("message");
        assert!(
            message.contains("repaired") && message.contains("1 unsound"),
            "{message}"
        );
        assert_eq!(body["error"]["report"]["healthy"], false);
        assert_eq!(
            body["error"]["report"]["problems"],
            json!(["clients/cli_1: cannot decode"])
        );

        let (_, body) = body_of(check_answer(&report(Integrity::Repaired, &[]))).await;
        let message = body["error"]["message"].as_str().expect("message");
        assert!(
            message.contains("repaired") && !message.contains("unsound"),
            "{message}"
        );
    }

    #[test]
    fn backups_are_named_by_their_utc_time() {
        let at = Timestamp::parse_rfc3339("2026-11-24T09:05:07Z").expect("time");
        assert_eq!(backup_file_name(at), "interview-20261124T090507Z.redb");
    }

    #[test]
    fn only_stale_files_are_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("backup-x.redb");
        std::fs::write(&file, b"x").expect("write");
        remove_stale(dir.path(), Duration::from_secs(3600));
        assert!(file.exists());
        // A file changed "now" may not be older than zero seconds on a coarse clock; wait a tick.
        std::thread::sleep(Duration::from_millis(20));
        remove_stale(dir.path(), Duration::ZERO);
        assert!(!file.exists());
    }

    #[tokio::test]
    async fn a_sent_backup_leaves_no_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("backup-y.redb");
        std::fs::write(&path, b"abc").expect("write");
        let mut file = TempFile::open(path.clone()).await.expect("opens");
        let mut read = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut file, &mut read)
            .await
            .expect("reads");
        assert_eq!(read, b"abc");
        drop(file);
        assert!(!path.exists());
    }
}
