//! Settings of the `serve` command, layered: built-in defaults, then a TOML
//! file (`--config`), then `INTERVIEW_*` environment variables, then
//! command-line flags. Secrets can come from files so they stay out of
//! process listings, shells and the TOML file: the admin password from
//! `INTERVIEW_ADMIN_PASSWORD_FILE`, and the SMS and SMTP secrets from a
//! `<key>_file` key of their section or from `INTERVIEW_<SECTION>_<KEY>_FILE`
//! (see [`SECRETS`]).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use interview_runtime::Locale;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::notify::mail::SmtpConfig;
use crate::notify::sms::SmsConfig;

/// The `serve` command's flags (each also an environment variable).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ServeArgs {
    /// TOML file with settings (flags and environment variables override it).
    ///
    /// Secrets can be read from files instead of being written in it: the keys
    /// `password_file` (in `[smtp]`), `auth_token_file` and `secret_file` (in `[sms]`), or
    /// the variables INTERVIEW_SMTP_PASSWORD_FILE, INTERVIEW_SMS_AUTH_TOKEN_FILE,
    /// INTERVIEW_SMS_SECRET_FILE and INTERVIEW_ADMIN_PASSWORD_FILE, each naming a
    /// file whose content (less a trailing newline) is the secret.
    #[arg(long, env = "INTERVIEW_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "INTERVIEW_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Directory for the database (`interview.redb`), uploads and documents; created if missing [default: ./data].
    #[arg(long, env = "INTERVIEW_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Directory of the built interview bundle (Trunk's output), served at `/i/` [default: the bundle built into this binary, else ./dist].
    #[arg(long, env = "INTERVIEW_BUNDLE_DIR")]
    pub bundle_dir: Option<PathBuf>,
    /// Directory of the built staff dashboard (Trunk's output), served at `/dashboard/` [default: the one built into this binary, else ./dist-dashboard].
    #[arg(long, env = "INTERVIEW_DASHBOARD_DIR")]
    pub dashboard_dir: Option<PathBuf>,
    /// The URL clients reach this host at; links are built from it [default: http://<listen>].
    #[arg(long, env = "INTERVIEW_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Passphrase and password hashes computed at once [default: 2].
    #[arg(long, env = "INTERVIEW_HASH_CONCURRENCY")]
    pub hash_concurrency: Option<usize>,
    /// Sign-in and link calls allowed per IP address per minute [default: 60].
    #[arg(long, env = "INTERVIEW_IP_RATE_LIMIT")]
    pub ip_rate_limit: Option<u32>,
    /// Language of an interview sent without one: en, fr or de [default: en].
    #[arg(long, env = "INTERVIEW_DEFAULT_LOCALE")]
    pub default_locale: Option<String>,
}

/// The TOML file's shape.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    bundle_dir: Option<PathBuf>,
    dashboard_dir: Option<PathBuf>,
    public_url: Option<String>,
    hash_concurrency: Option<usize>,
    ip_rate_limit: Option<u32>,
    default_locale: Option<String>,
    /// Read as a table first: its secrets may be named by `<key>_file`.
    sms: Option<toml::Table>,
    /// Read as a table first, like `sms`.
    smtp: Option<toml::Table>,
}

/// The resolved settings of a running host.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Database, uploads and documents.
    pub data_dir: PathBuf,
    /// The built interview bundle's folder (None: the one built into the binary, else `./dist`).
    pub bundle_dir: Option<PathBuf>,
    /// The built dashboard's folder (None: the one built into the binary, else `./dist-dashboard`).
    pub dashboard_dir: Option<PathBuf>,
    /// The URL clients reach this host at (None: `http://<listen>`).
    pub public_url: Option<String>,
    /// Concurrent argon2 hashes.
    pub hash_concurrency: usize,
    /// Auth calls per IP per minute.
    pub ip_rate_limit: u32,
    /// The language of an interview sent without one.
    pub default_locale: Locale,
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
            bundle_dir: Some(bundle_dir),
            dashboard_dir: None,
            public_url: Some("http://127.0.0.1".to_owned()),
            hash_concurrency: 2,
            ip_rate_limit: 10_000,
            default_locale: Locale::En,
            sms: None,
            smtp: None,
            admin_email: None,
            admin_password: None,
        }
    }

    /// Resolves the layers: flags and environment (already merged by clap) over the file over defaults.
    pub fn resolve(args: ServeArgs) -> Result<ServeConfig, String> {
        Self::resolve_with_env(args, &|name| std::env::var(name).ok())
    }

    /// [`ServeConfig::resolve`], reading the secrets' and the first admin's
    /// variables through `env` (the other variables are clap's business).
    pub fn resolve_with_env(args: ServeArgs, env: &dyn Fn(&str) -> Option<String>) -> Result<ServeConfig, String> {
        let mut file = match &args.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        for secret in &SECRETS {
            let table = match secret.section {
                "sms" => file.sms.as_mut(),
                _ => file.smtp.as_mut(),
            };
            fill_secret(table, secret, env)?;
        }
        let origin = args.config.as_deref().unwrap_or(Path::new("the configuration"));
        let sms = section::<SmsConfig>(file.sms, "sms", origin)?;
        let smtp = section::<SmtpConfig>(file.smtp, "smtp", origin)?;
        let listen = args.listen.or(file.listen).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
        let default_locale = match args.default_locale.or(file.default_locale) {
            Some(tag) => Locale::from_tag(&tag)
                .ok_or_else(|| format!("default_locale: {}", interview_runtime::locale::unsupported(&tag)))?,
            None => Locale::En,
        };
        Ok(ServeConfig {
            listen,
            data_dir: args.data_dir.or(file.data_dir).unwrap_or_else(|| PathBuf::from("./data")),
            bundle_dir: args.bundle_dir.or(file.bundle_dir),
            dashboard_dir: args.dashboard_dir.or(file.dashboard_dir),
            public_url: args.public_url.or(file.public_url),
            hash_concurrency: args.hash_concurrency.or(file.hash_concurrency).unwrap_or(2).clamp(1, 64),
            ip_rate_limit: args.ip_rate_limit.or(file.ip_rate_limit).unwrap_or(60).max(1),
            default_locale,
            sms,
            smtp,
            admin_email: env_or_file("INTERVIEW_ADMIN_EMAIL", env)?,
            admin_password: env_or_file("INTERVIEW_ADMIN_PASSWORD", env)?,
        })
    }
}

fn read_file(path: &Path) -> Result<FileConfig, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// A setting from `NAME`, or from the file named by `NAME_FILE` (trailing newline removed).
fn env_or_file(name: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Option<String>, String> {
    if let Some(value) = env(name) {
        return Ok(Some(value));
    }
    match env(&format!("{name}_FILE")) {
        Some(path) => read_secret(Path::new(&path)).map(Some).map_err(|e| format!("cannot read {name}_FILE {path}: {e}")),
        None => Ok(None),
    }
}

/// A secret file's content, less the line break an editor or `echo` leaves at its end.
fn read_secret(path: &Path) -> std::io::Result<String> {
    std::fs::read_to_string(path).map(|s| s.trim_end_matches(['\n', '\r']).to_owned())
}

/// A secret of a section of the file, which may instead come from a file.
#[derive(Debug, Clone, Copy)]
pub struct SecretSetting {
    /// The section (`sms`, `smtp`).
    pub section: &'static str,
    /// The `provider` whose key it is, for sections that name one.
    pub provider: Option<&'static str>,
    /// The key; `<key>_file` names a file holding the secret instead.
    pub key: &'static str,
    /// The variable that overrides the file; `<env>_FILE` names a file holding it.
    pub env: &'static str,
}

/// The secrets of the file's sections. Each is taken from, in order: the
/// variable, the file the variable's `_FILE` form names, the file `<key>_file`
/// names, the key itself.
pub const SECRETS: [SecretSetting; 3] = [
    SecretSetting { section: "smtp", provider: None, key: "password", env: "INTERVIEW_SMTP_PASSWORD" },
    SecretSetting { section: "sms", provider: Some("twilio"), key: "auth_token", env: "INTERVIEW_SMS_AUTH_TOKEN" },
    SecretSetting { section: "sms", provider: Some("webhook"), key: "secret", env: "INTERVIEW_SMS_SECRET" },
];

/// Puts one secret into its section of the file: from the environment, else
/// from the file `<key>_file` names, else it stays as written.
fn fill_secret(
    section: Option<&mut toml::Table>,
    secret: &SecretSetting,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(), String> {
    let from_env = env_or_file(secret.env, env)?;
    let SecretSetting { section: name, key, env: variable, .. } = *secret;
    let Some(table) = section else {
        return match from_env {
            Some(_) => Err(format!("{variable} is set, but the configuration has no [{name}] section to use it in")),
            None => Ok(()),
        };
    };
    if let Some(wanted) = secret.provider {
        let provider = table.get("provider").and_then(toml::Value::as_str).unwrap_or_default();
        if provider != wanted {
            return match from_env {
                Some(_) => Err(format!("{variable} is set, but the [{name}] provider is `{provider}`, not `{wanted}`")),
                // A `<key>_file` left here is refused as an unknown key of this provider.
                None => Ok(()),
            };
        }
    }
    let file_key = format!("{key}_file");
    let path = match table.remove(&file_key) {
        None => None,
        Some(toml::Value::String(path)) => Some(path),
        Some(_) => return Err(format!("[{name}] {file_key} must be a path (a string)")),
    };
    if path.is_some() && table.contains_key(key) {
        return Err(format!("[{name}] has both {key} and {file_key}: give one of them"));
    }
    let value = match (from_env, path) {
        (Some(value), _) => value,
        (None, Some(path)) => {
            read_secret(Path::new(&path)).map_err(|e| format!("cannot read [{name}] {file_key} {path}: {e}"))?
        }
        (None, None) => return Ok(()),
    };
    table.insert(key.to_owned(), toml::Value::String(value));
    Ok(())
}

/// A section of the file, its secrets filled in, as the type it configures.
fn section<T: DeserializeOwned>(table: Option<toml::Table>, name: &str, origin: &Path) -> Result<Option<T>, String> {
    table
        .map(|t| toml::Value::Table(t).try_into::<T>().map_err(|e| format!("{}: [{name}]: {e}", origin.display())))
        .transpose()
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
        assert_eq!(config.bundle_dir, None);
    }

    #[test]
    fn the_default_locale_is_read_from_the_file_and_an_unknown_one_is_refused() {
        assert_eq!(resolve(ServeArgs::default(), &[]).expect("resolves").default_locale, Locale::En);
        let (_dir, args) = setup("default_locale = \"de-AT\"\n", &[]);
        assert_eq!(resolve(args.clone(), &[]).expect("resolves").default_locale, Locale::De);
        let flag = ServeArgs { default_locale: Some("fr".to_owned()), ..args };
        assert_eq!(resolve(flag, &[]).expect("resolves").default_locale, Locale::Fr, "the flag wins");
        let (_dir, args) = setup("default_locale = \"nl\"\n", &[]);
        let error = resolve(args, &[]).expect_err("refused");
        assert_eq!(error, "default_locale: the locale `nl` is not supported; use one of en, fr, de");
    }

    #[test]
    fn an_unknown_key_in_the_file_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("host.toml");
        std::fs::write(&path, "lisen = \"x\"\n").expect("write");
        let error = ServeConfig::resolve(ServeArgs { config: Some(path), ..ServeArgs::default() }).expect_err("refused");
        assert!(error.contains("lisen"), "{error}");
    }

    use std::collections::HashMap;

    use crate::notify::Secret;

    /// A folder with `host.toml` holding `toml` (`{dir}` replaced by the folder) and the given files.
    fn setup(toml: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, ServeArgs) {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, content) in files {
            std::fs::write(dir.path().join(name), content).expect("write");
        }
        let path = dir.path().join("host.toml");
        let folder = dir.path().display().to_string();
        std::fs::write(&path, toml.replace("{dir}", &folder)).expect("write");
        (dir, ServeArgs { config: Some(path), ..ServeArgs::default() })
    }

    fn resolve(args: ServeArgs, vars: &[(&str, String)]) -> Result<ServeConfig, String> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        ServeConfig::resolve_with_env(args, &|name| vars.get(name).cloned())
    }

    const SMTP: &str = "[smtp]\nhost = \"smtp.example.com\"\nport = 587\nusername = \"u\"\nfrom = \"a@example.com\"\n";
    const TWILIO: &str = "[sms]\nprovider = \"twilio\"\naccount_sid = \"AC1\"\nfrom = \"+15005550006\"\n";
    const WEBHOOK: &str = "[sms]\nprovider = \"webhook\"\nurl = \"https://gw.example/send\"\n";

    fn smtp_password(config: &ServeConfig) -> Option<String> {
        config.smtp.as_ref().and_then(|s| s.password.as_ref()).map(|p| p.expose().to_owned())
    }

    #[test]
    fn secrets_come_from_files_named_in_the_file_without_the_trailing_newline() {
        let toml = format!("{SMTP}password_file = \"{{dir}}/smtp\"\n{TWILIO}auth_token_file = \"{{dir}}/twilio\"\n");
        let (_dir, args) = setup(&toml, &[("smtp", "mail pass\n"), ("twilio", "tok en\r\n")]);
        let config = resolve(args, &[]).expect("resolves");
        assert_eq!(smtp_password(&config).as_deref(), Some("mail pass"));
        match config.sms {
            Some(SmsConfig::Twilio { auth_token, account_sid, .. }) => {
                assert_eq!((auth_token, account_sid.as_str()), (Secret::new("tok en"), "AC1"));
            }
            other => panic!("not twilio: {other:?}"),
        }

        let (_dir, args) = setup(&format!("{WEBHOOK}secret_file = \"{{dir}}/hook\"\n"), &[("hook", "signing key\n")]);
        match resolve(args, &[]).expect("resolves").sms {
            Some(SmsConfig::Webhook { secret, .. }) => assert_eq!(secret, Secret::new("signing key")),
            other => panic!("not webhook: {other:?}"),
        }
    }

    #[test]
    fn the_environment_overrides_the_file_and_its_file_form_works_too() {
        let toml = format!("{SMTP}password = \"in the file\"\n{WEBHOOK}secret_file = \"{{dir}}/missing\"\n");
        let (dir, args) = setup(&toml, &[("env-smtp", "from env file\n")]);
        let smtp_file = dir.path().join("env-smtp").display().to_string();
        let config = resolve(
            args,
            &[("INTERVIEW_SMTP_PASSWORD_FILE", smtp_file), ("INTERVIEW_SMS_SECRET", "direct".to_owned())],
        )
        .expect("resolves: the variable wins, so the missing file is never read");
        assert_eq!(smtp_password(&config).as_deref(), Some("from env file"));
        assert!(matches!(config.sms, Some(SmsConfig::Webhook { secret, .. }) if secret == Secret::new("direct")));

        // Without any of it, the key as written.
        let (_dir, args) = setup(&format!("{SMTP}password = \"in the file\"\n"), &[]);
        assert_eq!(smtp_password(&resolve(args, &[]).expect("resolves")).as_deref(), Some("in the file"));
    }

    #[test]
    fn an_unreadable_secret_file_is_an_error_naming_the_path() {
        let (dir, args) = setup(&format!("{TWILIO}auth_token_file = \"{{dir}}/nope\"\n"), &[]);
        let missing = dir.path().join("nope").display().to_string();
        let error = resolve(args, &[]).expect_err("refused");
        assert!(error.contains("auth_token_file") && error.contains(&missing), "{error}");

        let (dir, args) = setup(SMTP, &[]);
        let missing = dir.path().join("gone").display().to_string();
        let error = resolve(args, &[("INTERVIEW_SMTP_PASSWORD_FILE", missing.clone())]).expect_err("refused");
        assert!(error.contains("INTERVIEW_SMTP_PASSWORD_FILE") && error.contains(&missing), "{error}");

        // A directory is no secret either; the error shows where, never what.
        let (dir, args) = setup(&format!("{SMTP}password_file = \"{{dir}}\"\n"), &[]);
        let error = resolve(args, &[]).expect_err("refused");
        assert!(error.contains(&dir.path().display().to_string()), "{error}");
    }

    #[test]
    fn secrets_given_where_they_cannot_apply_are_errors() {
        // A variable for a section the file does not have.
        let (_dir, args) = setup("", &[]);
        let error = resolve(args, &[("INTERVIEW_SMTP_PASSWORD", "x".to_owned())]).expect_err("refused");
        assert!(error.contains("INTERVIEW_SMTP_PASSWORD") && error.contains("[smtp]"), "{error}");
        // A variable for another provider's secret.
        let (_dir, args) = setup(WEBHOOK, &[]);
        let error = resolve(args, &[("INTERVIEW_SMS_AUTH_TOKEN", "x".to_owned())]).expect_err("refused");
        assert!(error.contains("`webhook`") && error.contains("`twilio`"), "{error}");
        // Both the key and its file.
        let (_dir, args) = setup(&format!("{SMTP}password = \"a\"\npassword_file = \"{{dir}}/p\"\n"), &[("p", "b")]);
        let error = resolve(args, &[]).expect_err("refused");
        assert!(error.contains("password_file"), "{error}");
        // Another provider's key file is an unknown key.
        let (_dir, args) = setup(&format!("{WEBHOOK}secret = \"s\"\nauth_token_file = \"{{dir}}/t\"\n"), &[("t", "t")]);
        let error = resolve(args, &[]).expect_err("refused");
        assert!(error.contains("auth_token_file") && error.contains("[sms]"), "{error}");
    }

    #[test]
    fn the_first_admin_can_come_from_files() {
        let (dir, args) = setup("", &[("email", "root@example.com\n"), ("password", "a long enough password\n")]);
        let file = |name: &str| dir.path().join(name).display().to_string();
        let config = resolve(
            args,
            &[("INTERVIEW_ADMIN_EMAIL_FILE", file("email")), ("INTERVIEW_ADMIN_PASSWORD_FILE", file("password"))],
        )
        .expect("resolves");
        assert_eq!(config.admin_email.as_deref(), Some("root@example.com"));
        assert_eq!(config.admin_password.as_deref(), Some("a long enough password"));
    }
}
