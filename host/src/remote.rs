//! `backup` and `check` beside a running host. redb lets one process open the
//! database, so while `interview serve` runs these commands cannot open the
//! data directory; [`open_offline`] then says so plainly, and with `--host`
//! they ask the running host over its admin API ([`Remote`]) instead.
//!
//! The API key comes from `INTERVIEW_API_KEY` or a file (`--api-key-file`),
//! never from the command line, where process listings and shell history
//! would show it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context as _};
use serde_json::Value;
use tokio::io::AsyncWriteExt as _;

use crate::storage::{StorageError, DATABASE_FILE};
use crate::{Error, Storage};

/// The variable holding the admin API key for `--host`.
pub const API_KEY_ENV: &str = "INTERVIEW_API_KEY";

/// How `backup` and `check` reach a running host.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RemoteArgs {
    /// Ask the host running at this URL (such as http://127.0.0.1:8080) instead of opening the
    /// data directory, which a running host keeps locked. Needs an admin API key in
    /// INTERVIEW_API_KEY or in the file named by --api-key-file.
    #[arg(long, value_name = "URL")]
    pub host: Option<String>,
    /// A file holding the admin API key for --host (instead of INTERVIEW_API_KEY). The key itself
    /// is never taken on the command line.
    #[arg(long, value_name = "PATH", requires = "host")]
    pub api_key_file: Option<PathBuf>,
}

/// The API key: the content of `file` when given, else the value of `from_env`
/// ([`API_KEY_ENV`]); surrounding white space removed.
pub fn api_key(file: Option<&Path>, from_env: Option<String>) -> anyhow::Result<String> {
    let key = match file {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read --api-key-file {}", path.display()))?,
        None => from_env.unwrap_or_default(),
    };
    let key = key.trim();
    if key.is_empty() {
        bail!("--host needs an admin API key: put it in {API_KEY_ENV}, or in a file named by --api-key-file");
    }
    Ok(key.to_owned())
}

/// Opens the database in `data_dir` for a command run without `--host`, or
/// says why it cannot: there is none, or a running host has it open (then the
/// message shows `instead`, the same command asking the host).
pub fn open_offline(data_dir: &Path, instead: &str) -> anyhow::Result<Storage> {
    let path = data_dir.join(DATABASE_FILE);
    if !path.is_file() {
        bail!(
            "there is no database at {} (check --data-dir)",
            path.display()
        );
    }
    match Storage::open(data_dir) {
        Ok(storage) => Ok(storage),
        Err(Error::Storage(StorageError::Locked(_))) => bail!(
            "the database {} is in use by a running host, and only one process can open it at a time.\n\
             Ask the running host instead:\n    {instead}\n\
             with an admin API key in {API_KEY_ENV} or in a file named by --api-key-file.",
            path.display()
        ),
        Err(e) => Err(e.into()),
    }
}

/// A running host, called with an admin API key.
pub struct Remote {
    base: reqwest::Url,
    key: String,
    client: reqwest::Client,
}

impl Remote {
    /// The host at `url` (http or https), signing in with `key`.
    pub fn new(url: &str, key: String) -> anyhow::Result<Remote> {
        let mut base = reqwest::Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .with_context(|| {
                format!("--host {url}: give the host's URL, such as http://127.0.0.1:8080")
            })?;
        // A base path (a host behind a proxy at /intake) keeps its last segment when joined.
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            // A redirect could carry the key to another server.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("setting up the HTTP client")?;
        Ok(Remote { base, key, client })
    }

    /// Whether the key and the data travel unencrypted to another machine (plain http, not loopback).
    pub fn is_insecure(&self) -> bool {
        let host = self
            .base
            .host_str()
            .unwrap_or_default()
            .trim_start_matches('[')
            .trim_end_matches(']');
        let loopback = host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        self.base.scheme() == "http" && !loopback
    }

    async fn post(&self, path: &str) -> anyhow::Result<reqwest::Response> {
        let url = self
            .base
            .join(path)
            .with_context(|| format!("joining {path} to {}", self.base))?;
        self.client
            .post(url)
            .bearer_auth(&self.key)
            .header(reqwest::header::CONTENT_LENGTH, "0")
            .send()
            .await
            .with_context(|| format!("cannot reach the host at {}", self.base))
    }

    /// Has the host back its database up and writes the copy to `dest`
    /// atomically: into a partial file beside it, synced, then renamed over
    /// `dest`, so `dest` is only ever a complete backup. Returns its size.
    pub async fn backup(&self, dest: &Path) -> anyhow::Result<u64> {
        let mut response = self.post("api/v1/admin/backup").await?;
        if !response.status().is_success() {
            return Err(refusal(response).await);
        }
        let expected = response.content_length();
        let (dir, partial) = partial_path(dest)?;
        let written = async {
            let mut file = tokio::fs::File::from_std(create_private(&partial)?);
            let mut written = 0u64;
            while let Some(chunk) = response
                .chunk()
                .await
                .context("the backup broke off before its end")?
            {
                file.write_all(&chunk)
                    .await
                    .with_context(|| format!("writing {}", partial.display()))?;
                written += chunk.len() as u64;
            }
            if expected.is_some_and(|n| n != written) {
                bail!(
                    "the backup broke off: {written} of {} bytes arrived",
                    expected.unwrap_or_default()
                );
            }
            file.sync_all()
                .await
                .with_context(|| format!("syncing {}", partial.display()))?;
            drop(file);
            tokio::fs::rename(&partial, dest)
                .await
                .with_context(|| format!("moving the backup to {}", dest.display()))?;
            sync_dir(&dir).with_context(|| format!("syncing {}", dir.display()))?;
            Ok(written)
        }
        .await;
        if written.is_err() {
            // Best effort: a leftover partial file is replaced by the next backup anyway.
            let _ = tokio::fs::remove_file(&partial).await;
        }
        written
    }

    /// Has the host check its database: whether it is sound, and the report.
    pub async fn check(&self) -> anyhow::Result<(bool, Value)> {
        let response = self.post("api/v1/admin/check").await?;
        let status = response.status();
        if !status.is_success() && status != reqwest::StatusCode::INTERNAL_SERVER_ERROR {
            return Err(refusal(response).await);
        }
        let body: Value = response
            .json()
            .await
            .context("the host's answer to the check is not JSON")?;
        if status.is_success() {
            return Ok((true, body));
        }
        match body["error"]["report"].clone() {
            Value::Object(report) if body["error"]["code"] == crate::http::admin::PROBLEMS_CODE => {
                Ok((false, Value::Object(report)))
            }
            _ => bail!(
                "the host could not check its database: {}",
                message_of(status, &body)
            ),
        }
    }
}

/// Why the host refused a call, in words for the person at the command line.
async fn refusal(response: reqwest::Response) -> anyhow::Error {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let message = message_of(status, &body);
    match status.as_u16() {
        401 => anyhow::anyhow!("the host did not accept the API key ({message})"),
        403 => anyhow::anyhow!("the API key is not an admin's; backups and checks need an admin key ({message})"),
        404 | 405 => anyhow::anyhow!("the host does not offer this ({message}); is it an older version, or is --host the wrong URL?"),
        _ => anyhow::anyhow!("the host refused: {message}"),
    }
}

/// `<status> <code>: <message>` from an answer in the API's error shape.
fn message_of(status: reqwest::StatusCode, body: &Value) -> String {
    let error = &body["error"];
    match (error["code"].as_str(), error["message"].as_str()) {
        (Some(code), Some(message)) => format!("{} {code}: {message}", status.as_u16()),
        _ => status.to_string(),
    }
}

/// The folder of `dest` and the partial file beside it that becomes `dest`.
fn partial_path(dest: &Path) -> anyhow::Result<(PathBuf, PathBuf)> {
    let name = dest
        .file_name()
        .with_context(|| format!("{} is not a file name", dest.display()))?;
    let dir = match dest.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    let partial = dir.join(format!(".{}.partial", name.to_string_lossy()));
    Ok((dir, partial))
}

/// Creates (or empties) `path`, readable by its owner only where the system has modes: a backup holds everything.
fn create_private(path: &Path) -> anyhow::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

// Directories cannot be opened as files on Windows; the rename is durable there
// once the file system journals it.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_comes_from_the_file_or_the_environment_trimmed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("key");
        std::fs::write(&file, "abc123\n").expect("write");
        assert_eq!(
            api_key(Some(&file), Some("from-env".into())).expect("key"),
            "abc123"
        );
        assert_eq!(
            api_key(None, Some(" from-env\n".into())).expect("key"),
            "from-env"
        );
        let none = api_key(None, None).expect_err("no key");
        assert!(none.to_string().contains(API_KEY_ENV), "{none}");
        let missing = api_key(Some(&dir.path().join("nope")), None).expect_err("no file");
        assert!(format!("{missing:#}").contains("nope"), "{missing:#}");
        std::fs::write(&file, "\n").expect("write");
        assert!(api_key(Some(&file), Some("ignored".into())).is_err());
    }

    #[test]
    fn urls_are_checked_and_keep_their_base_path() {
        let remote = Remote::new("http://127.0.0.1:8080", "k".into()).expect("url");
        assert_eq!(
            remote
                .base
                .join("api/v1/admin/check")
                .expect("join")
                .as_str(),
            "http://127.0.0.1:8080/api/v1/admin/check"
        );
        assert!(!remote.is_insecure());
        let proxied = Remote::new("https://intake.example/host", "k".into()).expect("url");
        assert_eq!(
            proxied
                .base
                .join("api/v1/admin/check")
                .expect("join")
                .as_str(),
            "https://intake.example/host/api/v1/admin/check"
        );
        assert!(!proxied.is_insecure());
        assert!(Remote::new("http://intake.example", "k".into())
            .expect("url")
            .is_insecure());
        assert!(!Remote::new("http://localhost:1", "k".into())
            .expect("url")
            .is_insecure());
        for bad in ["127.0.0.1:8080", "ftp://x", "not a url"] {
            assert!(Remote::new(bad, "k".into()).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_partial_file_sits_beside_the_destination() {
        let (dir, partial) = partial_path(Path::new("/backups/a.redb")).expect("path");
        assert_eq!(
            (dir.as_path(), partial.as_path()),
            (Path::new("/backups"), Path::new("/backups/.a.redb.partial"))
        );
        let (dir, partial) = partial_path(Path::new("a.redb")).expect("path");
        assert_eq!(
            (dir.as_path(), partial.as_path()),
            (Path::new("."), Path::new("./.a.redb.partial"))
        );
    }

    #[test]
    fn without_host_a_missing_database_is_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let error = open_offline(&dir.path().join("data"), "x")
            .err()
            .expect("refused");
        assert!(error.to_string().contains("no database"), "{error}");
        assert!(!dir.path().join("data").exists(), "nothing is created");
    }
}
