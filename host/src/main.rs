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
use interview_host::storage::records::Role;
use interview_host::{background, ServeConfig, Storage};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Serve(args) => serve(args),
        Command::CheckTemplate { file } => return interview_host::cli::check_template(&file),
        Command::Validate { template, answers, today } => {
            return interview_host::cli::validate(&template, &answers, today.as_deref())
        }
        Command::AddUser { email, role, data_dir } => add_user(&data_dir, &email, &role),
        Command::ResetPassword { email, data_dir } => reset_password(&data_dir, &email),
        Command::Backup { file, data_dir } => backup(&data_dir, &file),
        Command::Check { data_dir } => return check(&data_dir),
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
        if !config.bundle_dir.join("index.html").is_file() {
            eprintln!(
                "warning: {} has no index.html; build the bundle with `cargo xtask build`",
                config.bundle_dir.display()
            );
        }
        let (stop_tasks, tasks_stopped) = tokio::sync::watch::channel(false);
        let tasks = tokio::spawn(background::run(state.clone(), tasks_stopped));
        let shutdown = interview_host::shutdown_signal();
        say(&format!("Open http://{addr}/i/"));
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
        bootstrap::reset_password(&store, &hasher, email, &password).await?;
        say(&format!("Changed the password of {email}."));
        Ok(())
    })
}

fn backup(data_dir: &Path, file: &Path) -> anyhow::Result<()> {
    let store = Storage::open(data_dir)?;
    store.backup(file)?;
    say(&format!("Wrote a consistent copy of the database to {}.", file.display()));
    Ok(())
}

fn check(data_dir: &Path) -> ExitCode {
    let report = Storage::open(data_dir).and_then(|s| s.check());
    match report {
        Ok(report) => {
            say(&serde_json::to_string_pretty(&report).unwrap_or_default());
            if report.is_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
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
