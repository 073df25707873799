//! With the `embed-bundle` feature, embeds the two built browser bundles
//! (Trunk's output, with their brotli copies) in the binary, so one file
//! deploys: the interview page and the staff dashboard.
//!
//! The folders are `INTERVIEW_EMBED_DIR` and `INTERVIEW_EMBED_DASHBOARD_DIR`
//! when set, else `dist/` and `dist-dashboard/` at the workspace root. Without
//! the feature the generated lists are empty and the host serves the bundles
//! from folders.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let embed = std::env::var_os("CARGO_FEATURE_EMBED_BUNDLE").is_some();
    for (list, variable, default, what) in [
        ("embedded_bundle.rs", "INTERVIEW_EMBED_DIR", "dist", "interview page"),
        ("embedded_dashboard.rs", "INTERVIEW_EMBED_DASHBOARD_DIR", "dist-dashboard", "dashboard"),
    ] {
        println!("cargo:rerun-if-env-changed={variable}");
        let code = if embed { embedded_list(variable, default, what) } else { "&[\n]\n".to_owned() };
        std::fs::write(out.join(list), code).expect("writing the embedded bundle list");
    }
}

/// The Rust list of the files of one bundle folder: `variable` when set, else
/// `default` at the workspace root.
fn embedded_list(variable: &str, default: &str, what: &str) -> String {
    let dir = match std::env::var_os(variable) {
        Some(dir) => PathBuf::from(dir),
        None => {
            let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
            manifest.join("..").join(default)
        }
    };
    let dir = dir.canonicalize().unwrap_or_else(|e| {
        panic!("embed-bundle: cannot find the {what} folder {}: {e}; build it first (`cargo xtask build`)", dir.display())
    });
    assert!(
        dir.join("index.html").is_file(),
        "embed-bundle: {} has no index.html; build the {what} first (`cargo xtask build`)",
        dir.display()
    );
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    collect(&dir, &dir, &mut files);
    files.sort();
    let mut code = String::from("&[\n");
    for relative in &files {
        if relative.ends_with(".br") {
            continue;
        }
        let path = dir.join(relative);
        println!("cargo:rerun-if-changed={}", path.display());
        let body = std::fs::read(&path).unwrap_or_else(|e| panic!("embed-bundle: reading {}: {e}", path.display()));
        let br_path = dir.join(format!("{relative}.br"));
        let br = if br_path.is_file() {
            println!("cargo:rerun-if-changed={}", br_path.display());
            format!("Some(include_bytes!({:?}))", br_path.display().to_string())
        } else {
            "None".to_owned()
        };
        let _ = writeln!(
            code,
            "    EmbeddedFile {{ path: {relative:?}, body: include_bytes!({:?}), br: {br}, etag: \"\\\"{:016x}\\\"\" }},",
            path.display().to_string(),
            fnv1a(&body),
        );
    }
    code.push_str("]\n");
    code
}

/// Every file under `dir`, as `/`-separated paths relative to `root`.
fn collect(root: &Path, dir: &Path, files: &mut Vec<String>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("embed-bundle: reading {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("embed-bundle: listing the bundle").path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(root, &path, files);
        } else if let Ok(relative) = path.strip_prefix(root) {
            let parts: Vec<_> = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            files.push(parts.join("/"));
        }
    }
}

/// A 64-bit FNV-1a hash of the content, for the ETag.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}
