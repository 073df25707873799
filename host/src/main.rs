//! `interview`: the host binary. Parses the command line and hands over to
//! the library; see `interview_host::cli`.

use std::io::{BufRead, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;
use interview_host::bootstrap::{self, Bootstrap};
use interview_host::cli::{Cli, Command};
use interview_host::clock::{Clock, SystemClock};
use interview_host::remote::{self, Remote, RemoteArgs};
use interview_host::storage::records::Role;
use interview_host::{background, ServeConfig, Storage};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Serve(args) => serve(args),
        Command::CheckTemplate { file } => return interview_host::cli::check_template(&file),
        Command::Validate { template, answers, today, locale } => {
            return interview_host::cli::validate(&template, &answers, today.as_deref(), &locale)
        }
        Command::AddUser { email, role, data_dir } => add_user(&data_dir, &email, &role),
        Command::ResetPassword { email, data_dir } => reset_password(&data_dir, &email),
        Command::DisableUser { email, data_dir } => set_disabled(&data_dir, &email, true),
        Command::EnableUser { email, data_dir } => set_disabled(&data_dir, &email, false),
        Command::Backup { file, data_dir, remote } => backup(&data_dir, &file, &remote),
        Command::Check { data_dir, remote } => return check(&data_dir, &remote),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Runtime::new().context("starting the async runtime")
}

fn serve(args: interview_host::config::ServeArgs) -> anyhow::Result<()> {
    let config = ServeConfig::resolve(args).map_err(anyhow::Error::msg)?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("INTERVIEW_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    runtime()?.block_on(async {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("listening on {}", config.listen))?;
        let addr = listener.local_addr().context("reading the bound address")?;
        let mut config = config;
        if config.public_url.is_none() {
            config.public_url = Some(format!("http://{addr}"));
        }
        let state = interview_host::AppState::open_with_clock(&config, clock.clone())
            .await
            .with_context(|| format!("opening the data directory {}", config.data_dir.display()))?;
        match bootstrap::first_admin(&state.storage, &state.hasher, clock.now(), config.admin_email.clone(), config.admin_password.clone())
            .await?
        {
            Bootstrap::Generated { email, password } => {
                say(&format!("Created the first admin. Sign in as {email} with the password {password}"));
                say("(shown once; change it with `interview reset-password`)");
            }
            Bootstrap::FromEnvironment { email } => say(&format!("Created the first admin {email} from the environment.")),
            Bootstrap::AlreadyDone => {}
        }
        match &config.bundle_dir {
            None if interview_host::bundle::is_embedded() => {}
            dir => {
                let dir = dir.clone().unwrap_or_else(|| std::path::PathBuf::from("./dist"));
                if !dir.join("index.html").is_file() {
                    eprintln!(
                        "warning: {} has no index.html; build the bundle with `cargo xtask build`",
                        dir.display()
                    );
                }
            }
        }
        let (stop_tasks, tasks_stopped) = tokio::sync::watch::channel(false);
        let tasks = tokio::spawn(background::run(state.clone(), tasks_stopped));
        let shutdown = interview_host::shutdown_signal();
        say(&format!("Open http://{addr}/dashboard/ to sign in as staff (clients' links open under /i/)"));
        interview_host::run(listener, state, shutdown).await?;
        let _ = stop_tasks.send(true);
        let _ = tasks.await;
        say("Stopped.");
        Ok(())
    })
}

/// The new password from INTERVIEW_NEW_PASSWORD, or the first line of standard input.
fn new_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("INTERVIEW_NEW_PASSWORD") {
        return Ok(p);
    }
    eprint!("New password: ");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the password")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

fn add_user(data_dir: &Path, email: &str, role: &str) -> anyhow::Result<()> {
    let role = match role {
        "admin" => Role::Admin,
        "staff" => Role::Staff,
        other => anyhow::bail!("`{other}` is not a role: admin or staff"),
    };
    let password = new_password()?;
    let store = Storage::open(data_dir)?;
    runtime()?.block_on(async {
        let hasher = interview_host::auth::passphrase::Hasher::new(1);
        let user = bootstrap::add_user(&store, &hasher, SystemClock.now(), email, &password, role).await?;
        say(&format!("Added {} ({:?}).", user.email, user.role));
        Ok(())
    })
}

fn reset_password(data_dir: &Path, email: &str) -> anyhow::Result<()> {
    let password = new_password()?;
    let store = Storage::open(data_dir)?;
    runtime()?.block_on(async {
        let hasher = interview_host::auth::passphrase::Hasher::new(1);
        let ended = bootstrap::reset_password(&store, &hasher, email, &password).await?;
        say(&format!("Changed the password of {email} and ended {}.", sessions(ended)));
        Ok(())
    })
}

fn sessions(n: usize) -> String {
    if n == 1 { "1 session".to_owned() } else { format!("{n} sessions") }
}

fn set_disabled(data_dir: &Path, email: &str, disabled: bool) -> anyhow::Result<()> {
    let store = Storage::open(data_dir)?;
    let changed = interview_host::domain::users::set_disabled_by_email(&store, email, disabled)?;
    let email = &changed.user.email;
    let line = if changed.disabled_now() {
        let keys = match changed.keys_revoked {
            1 => "1 API key".to_owned(),
            n => format!("{n} API keys"),
        };
        format!("Disabled {email}: ended {} and revoked {keys}.", sessions(changed.sessions_ended))
    } else if changed.enabled_now() {
        format!("Enabled {email}; API keys revoked when they were disabled stay revoked.")
    } else if disabled {
        format!("{email} was disabled already.")
    } else {
        format!("{email} was enabled already.")
    };
    say(&line);
    Ok(())
}

/// The running host `--host` names, with the API key from `--api-key-file` or INTERVIEW_API_KEY.
fn remote_host(url: &str, args: &RemoteArgs) -> anyhow::Result<Remote> {
    let key = remote::api_key(args.api_key_file.as_deref(), std::env::var(remote::API_KEY_ENV).ok())?;
    let host = Remote::new(url, key)?;
    if host.is_insecure() {
        eprintln!("warning: {url} is plain http to another machine: the API key and the data travel unencrypted");
    }
    Ok(host)
}

fn backup(data_dir: &Path, file: &Path, args: &RemoteArgs) -> anyhow::Result<()> {
    if let Some(url) = &args.host {
        let host = remote_host(url, args)?;
        let bytes = runtime()?.block_on(host.backup(file))?;
        say(&format!("Wrote a consistent copy of the database from {url} to {} ({bytes} bytes).", file.display()));
        return Ok(());
    }
    let instead = format!("interview backup {} --host http://<the host's address>", file.display());
    let store = remote::open_offline(data_dir, &instead)?;
    store.backup(file)?;
    say(&format!("Wrote a consistent copy of the database to {}.", file.display()));
    Ok(())
}

fn check(data_dir: &Path, args: &RemoteArgs) -> ExitCode {
    let outcome = match &args.host {
        Some(url) => remote_host(url, args).and_then(|host| runtime()?.block_on(host.check())),
        None => remote::open_offline(data_dir, "interview check --host http://<the host's address>")
            .and_then(|store| Ok(store.check()?))
            .and_then(|report| Ok((report.is_ok(), serde_json::to_value(&report)?))),
    };
    match outcome {
        Ok((sound, report)) => {
            say(&serde_json::to_string_pretty(&report).unwrap_or_default());
            if sound {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Prints a line to stdout, ignoring a closed stdout (a supervisor that
/// stopped reading must not turn a clean shutdown into a panic).
fn say(line: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}").and_then(|()| stdout.flush());
}
