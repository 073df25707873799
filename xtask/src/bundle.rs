//! The interview bundle's size, as browsers download it: each served file
//! (wasm, js, css in `dist/`) compressed with brotli at quality 11. The budget
//! is 150 KB for all of them together.
//!
//! `build` also writes the compressed copies beside the files (`*.br`), which
//! the host sends to browsers that accept brotli.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// The budget for the compressed bundle: 150 KB.
pub const BUDGET_BYTES: u64 = 150 * 1024;

/// The extensions of the files a browser loads for the interview.
const SERVED: &[&str] = &["wasm", "js", "css"];

/// One served file's size.
pub struct FileSize {
    /// Path relative to `dist/`.
    pub name: String,
    /// Bytes on disk.
    pub raw: u64,
    /// Bytes after brotli quality 11.
    pub brotli: u64,
    compressed: Vec<u8>,
}

/// The served files of `dist/`, sorted by name.
fn served_files(dist: &Path) -> Result<Vec<PathBuf>> {
    if !dist.join("index.html").is_file() {
        bail!(
            "{} has no index.html: the bundle was not built (`cargo xtask build`)",
            dist.display()
        );
    }
    let mut files = Vec::new();
    let mut pending = vec![dist.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .and_then(|ext| ext.to_str())
                .is_some_and(|ext| SERVED.contains(&ext))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    if !files
        .iter()
        .any(|file| file.extension().is_some_and(|ext| ext == "wasm"))
    {
        bail!(
            "{} has no .wasm file: the bundle build is incomplete",
            dist.display()
        );
    }
    Ok(files)
}

/// Compresses every served file of `dist/` in memory.
pub fn measure(dist: &Path) -> Result<Vec<FileSize>> {
    served_files(dist)?
        .into_iter()
        .map(|path| {
            let data =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            let compressed = brotli_11(&data)?;
            Ok(FileSize {
                name: path
                    .strip_prefix(dist)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .into_owned(),
                raw: data.len() as u64,
                brotli: compressed.len() as u64,
                compressed,
            })
        })
        .collect()
}

/// Measures `dist/` and writes each file's brotli copy (`name.br`) beside it.
pub fn compress(dist: &Path) -> Result<Vec<FileSize>> {
    let sizes = measure(dist)?;
    for file in &sizes {
        let target = dist.join(format!("{}.br", file.name));
        std::fs::write(&target, &file.compressed)
            .with_context(|| format!("writing {}", target.display()))?;
    }
    Ok(sizes)
}

fn brotli_11(data: &[u8]) -> Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let mut output = Vec::new();
    brotli::BrotliCompress(&mut &data[..], &mut output, &params).context("brotli compression")?;
    Ok(output)
}

/// Prints one line per file and the totals against the budget.
pub fn print(sizes: &[FileSize]) {
    println!("  {:<52} {:>10} {:>10}", "file", "raw", "brotli");
    for file in sizes {
        println!("  {:<52} {:>10} {:>10}", file.name, file.raw, file.brotli);
    }
    let raw: u64 = sizes.iter().map(|file| file.raw).sum();
    let brotli = total(sizes);
    println!("  {:<52} {:>10} {:>10}", "total", raw, brotli);
    println!(
        "  budget {BUDGET_BYTES} bytes brotli: {brotli} used ({:.1}%), {} left",
        brotli as f64 * 100.0 / BUDGET_BYTES as f64,
        BUDGET_BYTES as i64 - brotli as i64
    );
}

fn total(sizes: &[FileSize]) -> u64 {
    sizes.iter().map(|file| file.brotli).sum()
}

/// Fails when the compressed bundle is over [`BUDGET_BYTES`].
pub fn check_budget(sizes: &[FileSize]) -> Result<()> {
    let brotli = total(sizes);
    if brotli > BUDGET_BYTES {
        bail!(
            "the interview bundle is {brotli} bytes brotli-compressed, over the budget of {BUDGET_BYTES} bytes (150 KB) by {}",
            brotli - BUDGET_BYTES
        );
    }
    println!("bundle size: within budget");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brotli_output_round_trips_and_shrinks_repetitive_input() {
        let data = b"interview ".repeat(1000);
        let compressed = brotli_11(&data).unwrap();
        assert!(compressed.len() < data.len() / 10);
        let mut restored = Vec::new();
        brotli::BrotliDecompress(&mut &compressed[..], &mut restored).unwrap();
        assert_eq!(restored, data);
    }

    #[test]
    fn the_budget_is_exceeded_only_above_150_kb() {
        let file = |brotli| FileSize {
            name: "x.wasm".into(),
            raw: 0,
            brotli,
            compressed: Vec::new(),
        };
        assert!(check_budget(&[file(100_000), file(53_600)]).is_ok());
        assert!(check_budget(&[file(100_000), file(53_601)]).is_err());
    }
}
