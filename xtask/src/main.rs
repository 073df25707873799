//! `cargo xtask <task>`: everything beyond a plain `cargo build`, so that a
//! fresh machine needs two commands (`cargo xtask run`, `cargo xtask test`).
//!
//! - `setup`: installs what is missing (wasm32 target, trunk, wasm-bindgen-cli,
//!   binaryen's wasm-opt, axe-core for the accessibility checks, Chromium and
//!   ChromeDriver), skipping what is there.
//! - `build`: setup, the two browser bundles (`trunk build --release`: the
//!   interview page into `dist/`, the staff dashboard into `dist-dashboard/`,
//!   plus brotli copies), the host binary (profile `release-host`) with both
//!   inside.
//! - `run`: build, then `interview serve` with its database in `./data`.
//! - `test`: build, native tests, in-browser wasm tests, the bundles' size
//!   budgets and that they share no file, end-to-end tests; a summary at the end.
//! - `bench`: the engine's benchmarks.
//!
//! Layout: [`setup`] installs tools, [`bundle`] measures and compresses the
//! bundle, this file holds the tasks and the process helpers.

mod bundle;
mod setup;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  setup   install the tools the build and tests need (skips what is there)
  build   build the browser bundles (dist/, dist-dashboard/) and the host binary
  run     build, then serve the dashboard at http://127.0.0.1:8080/dashboard/ (data in ./data)
  test    build, then run every test: native, in-browser (wasm), bundle size, end to end
  bench   run the engine's benchmarks";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let task = args.first().map(String::as_str).unwrap_or("");
    let ctx = match Ctx::new() {
        Ok(ctx) => ctx,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    let result = match task {
        "setup" => setup::setup(&ctx),
        "build" => build(&ctx),
        "run" => run(&ctx),
        "test" => test(&ctx),
        "bench" => bench(&ctx),
        "" | "help" | "-h" | "--help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        other => {
            eprintln!("xtask: unknown task {other:?}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nxtask {task} FAILED: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Paths and environment shared by the tasks.
pub struct Ctx {
    /// The workspace root.
    pub root: PathBuf,
    /// `PATH` for child processes: the project's tools first.
    pub path: OsString,
    /// Cargo's `bin` directory (where `cargo install` puts tools).
    pub cargo_bin: PathBuf,
}

impl Ctx {
    fn new() -> Result<Self> {
        let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let root = manifest_dir
            .parent()
            .context("xtask/ has no parent directory")?
            .to_path_buf();
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
            .context("neither CARGO_HOME nor HOME is set")?;
        let cargo_bin = cargo_home.join("bin");
        let mut dirs = vec![setup::npm_bin_dir(&root), cargo_bin.clone()];
        dirs.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        let path = std::env::join_paths(dirs).context("building PATH")?;
        Ok(Self {
            root,
            path,
            cargo_bin,
        })
    }

    /// A command run from the workspace root with the project's `PATH`.
    pub fn cmd(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.current_dir(&self.root).env("PATH", &self.path);
        command
    }

    /// `cargo`, the same one that runs this task.
    pub fn cargo(&self) -> Command {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        self.cmd(&cargo)
    }

    /// The directory of the built interview page.
    pub fn dist(&self) -> PathBuf {
        self.root.join(bundle::INTERVIEW.dist)
    }

    /// Cargo's target folder (`CARGO_TARGET_DIR`, else `target/`).
    pub fn target_dir(&self) -> PathBuf {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| self.root.join("target"));
        if target.is_absolute() {
            target
        } else {
            self.root.join(target)
        }
    }

    /// The host binary built by `build`.
    pub fn host_binary(&self) -> PathBuf {
        self.target_dir().join("release-host").join("interview")
    }
}

/// Prints a section header.
pub fn section(title: &str) {
    println!("\n==> {title}");
}

/// Runs `command`, echoing it first; fails naming `what` when it fails.
pub fn run_step(what: &str, command: &mut Command) -> Result<()> {
    println!("$ {}", describe(command));
    let status = command.status().with_context(|| {
        format!(
            "{what}: could not start `{}`",
            command.get_program().to_string_lossy()
        )
    })?;
    if !status.success() {
        bail!("{what} failed ({status}); see the output above");
    }
    Ok(())
}

/// Output of `program args` when it runs and succeeds, `None` otherwise.
pub fn probe(ctx: &Ctx, program: &str, args: &[&str]) -> Option<String> {
    let output = ctx.cmd(program).args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// Formats a duration as `1m 05s` or `4.2s`.
pub fn elapsed(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds >= 60 {
        format!("{}m {:02}s", seconds / 60, seconds % 60)
    } else {
        format!("{:.1}s", duration.as_secs_f64())
    }
}

fn build(ctx: &Ctx) -> Result<()> {
    setup::setup(ctx)?;
    for bundle in bundle::ALL {
        build_bundle(ctx, bundle)?;
    }
    build_host(ctx)
}

/// Builds one browser bundle with Trunk into a staging folder, minifies and
/// compresses it there, then copies over the served folder only the files
/// whose bytes changed (so an unchanged bundle does not rebuild the host).
fn build_bundle(ctx: &Ctx, bundle: &bundle::Bundle) -> Result<()> {
    section(&format!(
        "{}: trunk build --release ({} -> {}/)",
        bundle.name, bundle.html, bundle.dist
    ));
    let started = Instant::now();
    let staging = ctx.target_dir().join("bundles").join(bundle.dist);
    let cargo_target = match bundle.rustflags {
        Some(_) => ctx.target_dir().join(format!("{}-build", bundle.dist)),
        None => ctx.target_dir(),
    };
    // wasm-bindgen writes each inline-JS snippet here and Trunk copies the
    // whole folder, so a snippet the code no longer has would stay in the
    // bundle: start it empty.
    let snippets = cargo_target.join("wasm-bindgen").join("release").join("snippets");
    if snippets.exists() {
        std::fs::remove_dir_all(&snippets).with_context(|| format!("removing {}", snippets.display()))?;
    }
    let mut trunk = ctx.cmd("trunk");
    trunk
        .args(["build", bundle.html, "--release", "--public-url", bundle.public_url, "--dist"])
        .arg(&staging);
    if let Some(flags) = bundle.rustflags {
        trunk.env("RUSTFLAGS", flags).env("CARGO_TARGET_DIR", &cargo_target);
    }
    run_step(&format!("the {} build", bundle.name), &mut trunk)?;
    minify_js(ctx, &staging)?;
    let sizes = bundle::compress(&staging)?;
    let changed = bundle::sync(&staging, &ctx.root.join(bundle.dist))?;
    bundle::print(bundle, &sizes);
    println!(
        "{} built in {} ({changed} file(s) changed in {}/)",
        bundle.name,
        elapsed(started.elapsed()),
        bundle.dist
    );
    Ok(())
}

/// Minifies a built bundle's JavaScript with terser (`xtask/minify-js.mjs`),
/// keeping index.html's integrity hashes true.
fn minify_js(ctx: &Ctx, dist: &Path) -> Result<()> {
    run_step(
        "minifying the bundle's JavaScript",
        ctx.cmd("node")
            .arg(ctx.root.join("xtask").join("minify-js.mjs"))
            .arg(dist)
            .arg(setup::npm_prefix(&ctx.root)),
    )
}

fn build_host(ctx: &Ctx) -> Result<()> {
    section("Host: cargo build --profile release-host -p interview-host --features embed-bundle");
    let started = Instant::now();
    // The bundle goes inside the binary (host/build.rs), so the one file deploys.
    run_step(
        "the host build",
        ctx.cargo()
            .args(["build", "--profile", "release-host", "-p", "interview-host", "--features", "embed-bundle"])
            .env("INTERVIEW_EMBED_DIR", ctx.dist())
            .env("INTERVIEW_EMBED_DASHBOARD_DIR", ctx.root.join(bundle::DASHBOARD.dist)),
    )?;
    println!(
        "host built in {}: {}",
        elapsed(started.elapsed()),
        ctx.host_binary().display()
    );
    Ok(())
}

fn run(ctx: &Ctx) -> Result<()> {
    build(ctx)?;
    section("Serving (Ctrl-C stops it)");
    let data_dir = ctx.root.join("data");
    let listen = std::env::var("INTERVIEW_LISTEN").unwrap_or_else(|_| "127.0.0.1:8080".to_owned());
    println!("database: {}", data_dir.join("interview.redb").display());
    println!("the dashboard for staff: http://{listen}/dashboard/");
    println!(
        "sign in with the admin the host prints at its first start (or INTERVIEW_ADMIN_EMAIL and INTERVIEW_ADMIN_PASSWORD)"
    );
    let mut command = ctx.cmd(&ctx.host_binary().to_string_lossy());
    command
        .arg("serve")
        .arg("--listen")
        .arg(&listen)
        .arg("--data-dir")
        .arg(&data_dir);
    run_step("the host", &mut command)
}

/// One row of the test summary.
struct Outcome {
    step: &'static str,
    result: Result<()>,
    took: Duration,
}

fn test(ctx: &Ctx) -> Result<()> {
    let started = Instant::now();
    build(ctx)?;

    let mut outcomes = Vec::new();
    let mut step = |step: &'static str, f: &dyn Fn() -> Result<()>| {
        section(step);
        let began = Instant::now();
        let result = f();
        if let Err(error) = &result {
            eprintln!("{step}: FAILED: {error:#}");
        }
        outcomes.push(Outcome {
            step,
            result,
            took: began.elapsed(),
        });
    };

    step("Native tests (workspace)", &|| native_tests(ctx));
    step(
        "Wasm tests: interview-runtime (no default features)",
        &|| wasm_tests(ctx, &["-p", "interview-runtime", "--no-default-features"]),
    );
    step(
        "Wasm tests: interview-components (headless Chromium)",
        &|| wasm_tests(ctx, &["-p", "interview-components"]),
    );
    step(
        "Wasm tests: the dashboard's components (headless Chromium)",
        &|| {
            wasm_tests(
                ctx,
                &[
                    "-p",
                    "interview-components",
                    "--features",
                    "dashboard",
                    "--test",
                    "dashboard",
                ],
            )
        },
    );
    step("Bundle sizes: budgets (brotli -q 11), no file shared", &|| {
        let mut failures = Vec::new();
        for bundle in bundle::ALL {
            let sizes = bundle::measure(&ctx.root.join(bundle.dist))?;
            bundle::print(bundle, &sizes);
            if let Err(error) = bundle::check_budget(bundle, &sizes) {
                failures.push(error.to_string());
            }
        }
        bundle::check_disjoint(&ctx.dist(), &ctx.root.join(bundle::DASHBOARD.dist))?;
        if !failures.is_empty() {
            bail!("{}", failures.join("; "));
        }
        Ok(())
    });
    step(
        "End-to-end tests (host binary + headless Chromium)",
        &|| e2e_tests(ctx),
    );

    section("Summary");
    for outcome in &outcomes {
        let mark = if outcome.result.is_ok() {
            "ok    "
        } else {
            "FAILED"
        };
        println!("  {mark}  {:<55} {}", outcome.step, elapsed(outcome.took));
    }
    let failed: Vec<&str> = outcomes
        .iter()
        .filter(|outcome| outcome.result.is_err())
        .map(|outcome| outcome.step)
        .collect();
    println!("total time {}", elapsed(started.elapsed()));
    if !failed.is_empty() {
        bail!("{} step(s) failed: {}", failed.len(), failed.join("; "));
    }
    println!("all test steps passed");
    Ok(())
}

fn has_nextest(ctx: &Ctx) -> bool {
    probe(ctx, "cargo-nextest", &["nextest", "--version"]).is_some()
}

/// Native tests of every crate but the two with their own steps: the
/// components (their tests need a browser) and the end-to-end tests.
fn native_tests(ctx: &Ctx) -> Result<()> {
    let exclude = [
        "--exclude",
        "interview-components",
        "--exclude",
        "interview-e2e",
    ];
    if has_nextest(ctx) {
        run_step(
            "native tests",
            ctx.cargo()
                .args(["nextest", "run", "--workspace", "--no-fail-fast"])
                .args(exclude),
        )?;
        // nextest does not run doctests.
        run_step(
            "doctests",
            ctx.cargo()
                .args(["test", "--doc", "--workspace"])
                .args(exclude),
        )
    } else {
        println!("cargo-nextest not found: using cargo test");
        run_step(
            "native tests",
            ctx.cargo()
                .args(["test", "--workspace", "--no-fail-fast"])
                .args(exclude),
        )
    }
}

/// Browser flags and driver for wasm-bindgen-test-runner.
fn browser_env(ctx: &Ctx, command: &mut Command) {
    command
        .env("CHROMEDRIVER", setup::CHROMEDRIVER)
        .env(
            "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
            ctx.root.join("webdriver.json"),
        )
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
}

fn wasm_tests(ctx: &Ctx, crate_args: &[&str]) -> Result<()> {
    let mut command = ctx.cargo();
    command
        .args(["test", "--target", "wasm32-unknown-unknown"])
        .args(crate_args);
    browser_env(ctx, &mut command);
    run_step("wasm tests", &mut command)
}

fn e2e_tests(ctx: &Ctx) -> Result<()> {
    let mut command = ctx.cargo();
    if has_nextest(ctx) {
        command.args(["nextest", "run", "-p", "interview-e2e", "--no-fail-fast"]);
    } else {
        command.args(["test", "-p", "interview-e2e", "--no-fail-fast"]);
    }
    command
        .env("INTERVIEW_E2E_DIST", ctx.dist())
        .env("INTERVIEW_E2E_HOST_BIN", ctx.host_binary())
        .env("CHROMEDRIVER", setup::CHROMEDRIVER)
        .env("CHROMIUM", setup::CHROMIUM);
    run_step("end-to-end tests", &mut command)
}

fn bench(ctx: &Ctx) -> Result<()> {
    section("Benchmarks: cargo bench -p interview-runtime");
    run_step(
        "the benchmarks",
        ctx.cargo().args(["bench", "-p", "interview-runtime"]),
    )?;
    run_step("the staff lists", ctx.cargo().args(["bench", "-p", "interview-host", "--bench", "lists"]))
}
