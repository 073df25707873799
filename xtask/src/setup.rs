//! `cargo xtask setup`: installs the tools the build and tests need, each only
//! when it is missing or at the wrong version, saying what it does.
//!
//! Versions: trunk is pinned here; wasm-bindgen-cli must equal the
//! `wasm-bindgen` in Cargo.lock (the CLI and the library share a schema);
//! binaryen 132 comes from npm (its `wasm-opt`), because Trunk.toml asks for
//! `version_132` and runs offline; axe-core (pinned) comes from npm too, for
//! the end-to-end accessibility checks; Chromium and ChromeDriver come from
//! Debian.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};

use crate::{elapsed, probe, run_step, section, Ctx};

/// The trunk release the bundle is built with.
pub const TRUNK_VERSION: &str = "0.21.14";
/// The binaryen release Trunk.toml asks for (`[tools] wasm_opt`).
pub const BINARYEN_VERSION: &str = "132";
/// The axe-core release the end-to-end tests inject into each screen
/// (`.tools/node_modules/axe-core/axe.min.js`).
pub const AXE_CORE_VERSION: &str = "4.14.1";
/// The terser release that minifies the bundle's JavaScript glue after Trunk
/// (Trunk's own minifier cannot parse it; `xtask/minify-js.mjs`).
pub const TERSER_VERSION: &str = "5.51.4";
/// Where Debian puts ChromeDriver.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Where Debian puts Chromium.
pub const CHROMIUM: &str = "/usr/bin/chromium";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The project's npm tools directory (binaryen, axe-core, terser), kept out of git.
pub fn npm_prefix(root: &Path) -> PathBuf {
    root.join(".tools")
}

/// Where npm puts the tools' executables.
pub fn npm_bin_dir(root: &Path) -> PathBuf {
    npm_prefix(root).join("node_modules").join(".bin")
}

/// Installs whatever is missing.
pub fn setup(ctx: &Ctx) -> Result<()> {
    section("Setup: tools (installs only what is missing)");
    let started = Instant::now();
    wasm_target(ctx)?;
    trunk(ctx)?;
    wasm_bindgen(ctx)?;
    binaryen(ctx)?;
    axe_core(ctx)?;
    terser(ctx)?;
    chromium(ctx)?;
    println!("setup done in {}", elapsed(started.elapsed()));
    Ok(())
}

fn report(tool: &str, what: &str) {
    println!("  {tool:<22} {what}");
}

fn timed(tool: &str, install: impl FnOnce() -> Result<()>) -> Result<()> {
    let started = Instant::now();
    install()?;
    report(
        tool,
        &format!("installed in {}", elapsed(started.elapsed())),
    );
    Ok(())
}

fn wasm_target(ctx: &Ctx) -> Result<()> {
    let installed = probe(ctx, "rustup", &["target", "list", "--installed"])
        .context("`rustup` is needed to add the wasm32 target; install Rust with rustup")?;
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        report(WASM_TARGET, "present");
        return Ok(());
    }
    report(WASM_TARGET, "missing: rustup target add");
    timed(WASM_TARGET, || {
        run_step(
            "adding the wasm32 target",
            ctx.cmd("rustup").args(["target", "add", WASM_TARGET]),
        )
    })
}

fn trunk(ctx: &Ctx) -> Result<()> {
    let found = probe(ctx, "trunk", &["--version"]);
    let wanted = format!("trunk {TRUNK_VERSION}");
    if found.as_deref().map(str::trim) == Some(wanted.as_str()) {
        report("trunk", &format!("{TRUNK_VERSION} present"));
        return Ok(());
    }
    report(
        "trunk",
        &format!(
            "{} -> cargo install trunk {TRUNK_VERSION} (a few minutes)",
            found.as_deref().map(str::trim).unwrap_or("missing")
        ),
    );
    timed("trunk", || {
        run_step(
            "installing trunk",
            ctx.cargo()
                .args(["install", "--locked", "trunk", "--version", TRUNK_VERSION])
                .arg("--force"),
        )
    })
}

/// The `wasm-bindgen` version recorded in Cargo.lock.
pub fn locked_wasm_bindgen_version(root: &Path) -> Result<String> {
    let lock_path = root.join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .with_context(|| format!("reading {}", lock_path.display()))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines
                .next()
                .and_then(|next| next.trim().strip_prefix("version = \""))
                .and_then(|rest| rest.strip_suffix('"'))
            {
                return Ok(version.to_owned());
            }
        }
    }
    bail!("Cargo.lock has no wasm-bindgen package")
}

fn wasm_bindgen(ctx: &Ctx) -> Result<()> {
    let version = locked_wasm_bindgen_version(&ctx.root)?;
    let found = probe(ctx, "wasm-bindgen", &["--version"]);
    let runner = probe(ctx, "wasm-bindgen-test-runner", &["--version"]);
    let wanted = format!("wasm-bindgen {version}");
    let matches = |found: &Option<String>| {
        found
            .as_deref()
            .is_some_and(|text| text.split_whitespace().nth(1) == wanted.split_whitespace().nth(1))
    };
    if matches(&found) && runner.is_some() {
        report(
            "wasm-bindgen-cli",
            &format!("{version} present (matches Cargo.lock)"),
        );
        return Ok(());
    }
    report(
        "wasm-bindgen-cli",
        &format!(
            "{} -> cargo install wasm-bindgen-cli {version} (matches Cargo.lock; a few minutes)",
            found.as_deref().map(str::trim).unwrap_or("missing")
        ),
    );
    // Without --locked: the CLI's own lock file pins crates that no longer
    // build with this toolchain.
    timed("wasm-bindgen-cli", || {
        run_step(
            "installing wasm-bindgen-cli",
            ctx.cargo().args([
                "install",
                "wasm-bindgen-cli",
                "--version",
                &version,
                "--force",
            ]),
        )
    })
}

fn binaryen(ctx: &Ctx) -> Result<()> {
    let wasm_opt = npm_bin_dir(&ctx.root).join("wasm-opt");
    let found = probe(ctx, &wasm_opt.to_string_lossy(), &["--version"]);
    if found
        .as_deref()
        .is_some_and(|text| text.contains(&format!("version {BINARYEN_VERSION}")))
    {
        report(
            "binaryen (wasm-opt)",
            &format!("{BINARYEN_VERSION} present in .tools/"),
        );
        return Ok(());
    }
    if probe(ctx, "npm", &["--version"]).is_none() {
        bail!("npm is needed to install binaryen {BINARYEN_VERSION} (wasm-opt); install Node.js and npm");
    }
    report(
        "binaryen (wasm-opt)",
        &format!("missing -> npm install --prefix .tools binaryen@{BINARYEN_VERSION}"),
    );
    let prefix = npm_prefix(&ctx.root);
    std::fs::create_dir_all(&prefix).with_context(|| format!("creating {}", prefix.display()))?;
    timed("binaryen (wasm-opt)", || {
        run_step(
            "installing binaryen",
            ctx.cmd("npm")
                .arg("install")
                .arg("--prefix")
                .arg(&prefix)
                .args(["--no-audit", "--no-fund", "--loglevel=error"])
                .arg(format!("binaryen@{BINARYEN_VERSION}")),
        )
    })
}

/// The version in an installed npm package's `package.json`, if any.
fn npm_package_version(root: &Path, package: &str) -> Option<String> {
    let manifest = npm_prefix(root)
        .join("node_modules")
        .join(package)
        .join("package.json");
    let text = std::fs::read_to_string(manifest).ok()?;
    // npm writes `"version": "x.y.z"` on a line of its own near the top.
    text.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("\"version\"")?;
        let value = rest.trim_start().strip_prefix(':')?.trim();
        Some(value.trim_end_matches(',').trim_matches('"').to_owned())
    })
}

fn axe_core(ctx: &Ctx) -> Result<()> {
    npm_package(ctx, "axe-core", AXE_CORE_VERSION)
}

fn terser(ctx: &Ctx) -> Result<()> {
    npm_package(ctx, "terser", TERSER_VERSION)
}

/// Installs an npm package at exactly `version` into `.tools/`, unless it is there.
fn npm_package(ctx: &Ctx, package: &str, version: &str) -> Result<()> {
    let found = npm_package_version(&ctx.root, package);
    if found.as_deref() == Some(version) {
        report(package, &format!("{version} present in .tools/"));
        return Ok(());
    }
    if probe(ctx, "npm", &["--version"]).is_none() {
        bail!("npm is needed to install {package} {version}; install Node.js and npm");
    }
    report(
        package,
        &format!(
            "{} -> npm install --prefix .tools {package}@{version}",
            found.as_deref().unwrap_or("missing")
        ),
    );
    let prefix = npm_prefix(&ctx.root);
    std::fs::create_dir_all(&prefix).with_context(|| format!("creating {}", prefix.display()))?;
    timed(package, || {
        run_step(
            &format!("installing {package}"),
            ctx.cmd("npm")
                .arg("install")
                .arg("--prefix")
                .arg(&prefix)
                .args([
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                    "--save-exact",
                ])
                .arg(format!("{package}@{version}")),
        )
    })
}

fn chromium(ctx: &Ctx) -> Result<()> {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|path| !Path::new(path).exists())
        .collect();
    if missing.is_empty() {
        report("chromium, chromedriver", "present");
        return Ok(());
    }
    report(
        "chromium, chromedriver",
        &format!(
            "missing {} -> apt-get install chromium chromium-driver",
            missing.join(", ")
        ),
    );
    let as_root = probe(ctx, "id", &["-u"]).is_some_and(|uid| uid.trim() == "0");
    let apt = |args: &[&str]| {
        let mut command = if as_root {
            ctx.cmd("apt-get")
        } else {
            let mut sudo = ctx.cmd("sudo");
            sudo.arg("apt-get");
            sudo
        };
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    timed("chromium, chromedriver", || {
        run_step("apt-get update", &mut apt(&["update", "-q"]))?;
        run_step(
            "installing chromium and chromium-driver",
            &mut apt(&["install", "-y", "-q", "chromium", "chromium-driver"]),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::{locked_wasm_bindgen_version, npm_package_version};

    #[test]
    fn reads_the_wasm_bindgen_version_from_cargo_lock() {
        let dir = std::env::temp_dir().join(format!("xtask-lock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("Cargo.lock"),
            "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"9.9.9\"\n\n\
             [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n",
        )
        .unwrap();
        assert_eq!(locked_wasm_bindgen_version(&dir).unwrap(), "0.2.130");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn reads_an_installed_npm_packages_version() {
        let dir = std::env::temp_dir().join(format!("xtask-npm-{}", std::process::id()));
        let package = dir.join(".tools/node_modules/axe-core");
        std::fs::create_dir_all(&package).unwrap();
        assert_eq!(npm_package_version(&dir, "axe-core"), None);
        std::fs::write(
            package.join("package.json"),
            "{\n  \"name\": \"axe-core\",\n  \"version\": \"4.14.1\",\n  \"license\": \"MPL-2.0\"\n}\n",
        )
        .unwrap();
        assert_eq!(
            npm_package_version(&dir, "axe-core").as_deref(),
            Some("4.14.1")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
