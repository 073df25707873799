//! `interview`: the host binary. Parses the command line and hands over to
//! the library; see `interview_host::cli`.

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use interview_host::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(config) => match serve(config) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error:#}");
                ExitCode::FAILURE
            }
        },
        Command::CheckTemplate { file } => interview_host::cli::check_template(&file),
        Command::Validate {
            template,
            answers,
            today,
        } => interview_host::cli::validate(&template, &answers, today.as_deref()),
    }
}

fn serve(config: interview_host::ServeConfig) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let state = interview_host::AppState::open(&config)
            .with_context(|| format!("opening the data directory {}", config.data_dir.display()))?;
        if !config.bundle_dir.join("index.html").is_file() {
            eprintln!(
                "warning: {} has no index.html; build the bundle with `cargo xtask build`",
                config.bundle_dir.display()
            );
        }
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("listening on {}", config.listen))?;
        let addr = listener.local_addr().context("reading the bound address")?;
        say(&format!("Open http://{addr}/i/"));
        interview_host::run(listener, state, interview_host::shutdown_signal()).await?;
        say("Stopped.");
        Ok(())
    })
}

/// Prints a line to stdout, ignoring a closed stdout (a supervisor that
/// stopped reading must not turn a clean shutdown into a panic).
fn say(line: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}").and_then(|()| stdout.flush());
}
