//! Settings of the `serve` command, layered: built-in defaults, then a TOML
//! file (`--config`), then `INTERVIEW_*` environment variables, then
//! command-line flags. The admin password can come from a file
//! (`INTERVIEW_ADMIN_PASSWORD_FILE`) so it stays out of process listings and
//! shells; SMS and SMTP secrets live in the TOML file (keep it readable by the
//! host only).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::notify::mail::SmtpConfig;
use crate::notify::sms::SmsConfig;

/// The `serve` command's flags (each also an environment variable).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ServeArgs {
    /// TOML file with settings (flags and environment variables override it).
    #[arg(long, env = "INTERVIEW_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "INTERVIEW_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Directory for the database (`interview.redb`), uploads and documents; created if missing [default: ./data].
    #[arg(long, env = "INTERVIEW_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Directory of the built interview bundle (Trunk's output), served at `/i/` [default: ./dist].
    #[arg(long, env = "INTERVIEW_BUNDLE_DIR")]
    pub bundle_dir: Option<PathBuf>,
    /// The URL clients reach this host at; links are built from it [default: http://<listen>].
    #[arg(long, env = "INTERVIEW_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Passphrase and password hashes computed at once [default: 2].
    #[arg(long, env = "INTERVIEW_HASH_CONCURRENCY")]
    pub hash_concurrency: Option<usize>,
    /// Sign-in and link calls allowed per IP address per minute [default: 60].
    #[arg(long, env = "INTERVIEW_IP_RATE_LIMIT")]
    pub ip_rate_limit: Option<u32>,
}

/// The TOML file's shape.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    bundle_dir: Option<PathBuf>,
    public_url: Option<String>,
    hash_concurrency: Option<usize>,
    ip_rate_limit: Option<u32>,
    sms: Option<SmsConfig>,
    smtp: Option<SmtpConfig>,
}

/// The resolved settings of a running host.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Database, uploads and documents.
    pub data_dir: PathBuf,
    /// The built interview bundle.
    pub bundle_dir: PathBuf,
    /// The URL clients reach this host at (None: `http://<listen>`).
    pub public_url: Option<String>,
    /// Concurrent argon2 hashes.
    pub hash_concurrency: usize,
    /// Auth calls per IP per minute.
    pub ip_rate_limit: u32,
    /// SMS provider (None: the `log` provider writing to `<data_dir>/sms-outbox.jsonl`).
    pub sms: Option<SmsConfig>,
    /// SMTP server (None: emails are composed for staff to send themselves).
    pub smtp: Option<SmtpConfig>,
    /// First admin's email (from `INTERVIEW_ADMIN_EMAIL`).
    pub admin_email: Option<String>,
    /// First admin's password (from `INTERVIEW_ADMIN_PASSWORD` or `INTERVIEW_ADMIN_PASSWORD_FILE`).
    pub admin_password: Option<String>,
}

impl ServeConfig {
    /// Defaults for tests: everything local, the given folders.
    pub fn for_tests(data_dir: PathBuf, bundle_dir: PathBuf) -> ServeConfig {
        ServeConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir,
            bundle_dir,
            public_url: Some("http://127.0.0.1".to_owned()),
            hash_concurrency: 2,
            ip_rate_limit: 10_000,
            sms: None,
            smtp: None,
            admin_email: None,
            admin_password: None,
        }
    }

    /// Resolves the layers: flags and environment (already merged by clap) over the file over defaults.
    pub fn resolve(args: ServeArgs) -> Result<ServeConfig, String> {
        let file = match &args.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let listen = args.listen.or(file.listen).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
        Ok(ServeConfig {
            listen,
            data_dir: args.data_dir.or(file.data_dir).unwrap_or_else(|| PathBuf::from("./data")),
            bundle_dir: args.bundle_dir.or(file.bundle_dir).unwrap_or_else(|| PathBuf::from("./dist")),
            public_url: args.public_url.or(file.public_url),
            hash_concurrency: args.hash_concurrency.or(file.hash_concurrency).unwrap_or(2).clamp(1, 64),
            ip_rate_limit: args.ip_rate_limit.or(file.ip_rate_limit).unwrap_or(60).max(1),
            sms: file.sms,
            smtp: file.smtp,
            admin_email: env_or_file("INTERVIEW_ADMIN_EMAIL")?,
            admin_password: env_or_file("INTERVIEW_ADMIN_PASSWORD")?,
        })
    }
}

fn read_file(path: &Path) -> Result<FileConfig, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A setting from `NAME`, or from the file named by `NAME_FILE` (trailing newline removed).
fn env_or_file(name: &str) -> Result<Option<String>, String> {
    if let Ok(value) = std::env::var(name) {
        return Ok(Some(value));
    }
    match std::env::var(format!("{name}_FILE")) {
        Ok(path) => std::fs::read_to_string(&path)
            .map(|s| Some(s.trim_end_matches(['\n', '\r']).to_owned()))
            .map_err(|e| format!("cannot read {name}_FILE {path}: {e}")),
        Err(_) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_file_which_overrides_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("host.toml");
        std::fs::write(&path, "listen = \"127.0.0.1:9000\"\ndata_dir = \"/srv/interview\"\nip_rate_limit = 5\n").expect("write");
        let args = ServeArgs { config: Some(path), listen: Some("127.0.0.1:7000".parse().expect("addr")), ..ServeArgs::default() };
        let config = ServeConfig::resolve(args).expect("resolves");
        assert_eq!(config.listen.port(), 7000);
        assert_eq!(config.data_dir, PathBuf::from("/srv/interview"));
        assert_eq!(config.ip_rate_limit, 5);
        assert_eq!(config.bundle_dir, PathBuf::from("./dist"));
    }

    #[test]
    fn an_unknown_key_in_the_file_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("host.toml");
        std::fs::write(&path, "lisen = \"x\"\n").expect("write");
        let error = ServeConfig::resolve(ServeArgs { config: Some(path), ..ServeArgs::default() }).expect_err("refused");
        assert!(error.contains("lisen"), "{error}");
    }
}
