//! Finding, and installing when missing or at the wrong version, every tool the build and the
//! tests need. Each check runs first; nothing is installed that is already there.

use std::{
    path::{Path, PathBuf},
    process::Command,
    sync::Once,
};

use crate::cmd::{output, run, step};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const CARGO_LEPTOS_VERSION: &str = "0.3.11";
/// npm's binaryen; Debian's (108) is too old: the page then fails to hydrate.
const BINARYEN_VERSION: &str = "132.0.0";
const MIN_WASM_OPT: u32 = 116;
pub const CHROMIUM: &str = "/usr/bin/chromium";
const TWIGGY_VERSION: &str = "0.8.0";

/// Where the build tools are, for commands that need them.
pub struct Tools {
    /// Folders to put in front of `PATH` (npm's binaryen, cargo's bin).
    pub extra_path: Vec<PathBuf>,
}

impl Tools {
    /// `PATH` with our tool folders first.
    pub fn path(&self) -> String {
        let mut parts: Vec<String> = self
            .extra_path
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        parts.push(std::env::var("PATH").unwrap_or_default());
        parts.join(":")
    }
}

/// Everything `cargo leptos build --release` needs.
pub fn ensure_build_tools() -> Result<Tools, String> {
    step("checking build tools");
    ensure_wasm_target()?;
    ensure_cargo_leptos()?;
    ensure_wasm_bindgen()?;
    let binaryen_bin = ensure_wasm_opt()?;
    let cargo_bin = home().join(".cargo/bin");
    Ok(Tools {
        extra_path: vec![binaryen_bin, cargo_bin],
    })
}

fn home() -> PathBuf {
    PathBuf::from(std::env::var("HOME").unwrap_or_else(|_| "/root".into()))
}

fn ok(what: &str, detail: &str) {
    println!("    ok: {what} ({detail})");
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        ok("Rust target", WASM_TARGET);
        return Ok(());
    }
    println!("    installing the Rust target {WASM_TARGET}");
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

fn ensure_cargo_leptos() -> Result<(), String> {
    let found = output(Command::new("cargo").args(["leptos", "--version"]));
    if let Some(version) = found
        .as_deref()
        .filter(|v| v.ends_with(CARGO_LEPTOS_VERSION))
    {
        ok("cargo-leptos", version);
        return Ok(());
    }
    println!(
        "    installing cargo-leptos {CARGO_LEPTOS_VERSION} (found: {}); it needs nightly Rust and takes about 13 minutes on 2 cores, once",
        found.as_deref().unwrap_or("none")
    );
    run(Command::new("cargo").args([
        "+nightly",
        "install",
        "cargo-leptos",
        "--locked",
        "--version",
        CARGO_LEPTOS_VERSION,
    ]))
}

/// The `wasm-bindgen` version in Cargo.lock: the CLI must match it exactly.
pub fn locked_wasm_bindgen_version(lock: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == r#"name = "wasm-bindgen""# {
            let version = lines.next()?.trim().strip_prefix("version = ")?;
            return Some(version.trim_matches('"').to_string());
        }
    }
    None
}

fn ensure_wasm_bindgen() -> Result<(), String> {
    let lock_path = crate::root().join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .map_err(|e| format!("cannot read {}: {e}", lock_path.display()))?;
    let wanted =
        locked_wasm_bindgen_version(&lock).ok_or("Cargo.lock names no wasm-bindgen version")?;
    let found = output(Command::new("wasm-bindgen").arg("--version"));
    if found.as_deref() == Some(&format!("wasm-bindgen {wanted}")) {
        ok("wasm-bindgen", &wanted);
        return Ok(());
    }
    println!(
        "    installing wasm-bindgen-cli {wanted} to match Cargo.lock (found: {}); about 2 minutes",
        found.as_deref().unwrap_or("none")
    );
    run(Command::new("cargo").args([
        "install",
        "wasm-bindgen-cli",
        "--force",
        "--version",
        &wanted,
    ]))
}

/// The version number in `wasm-opt version 132 (version_132)`.
pub fn wasm_opt_version(text: &str) -> Option<u32> {
    text.split_whitespace().nth(2)?.parse().ok()
}

/// Returns the folder holding a recent enough `wasm-opt`, installing npm's binaryen if needed.
fn ensure_wasm_opt() -> Result<PathBuf, String> {
    let prefix = home().join(".cache/streetboard/binaryen");
    let bin = prefix.join("node_modules/.bin");
    let ours = output(Command::new(bin.join("wasm-opt")).arg("--version"));
    if let Some(version) = ours
        .as_deref()
        .and_then(wasm_opt_version)
        .filter(|v| *v >= MIN_WASM_OPT)
    {
        ok("wasm-opt", &format!("binaryen {version}"));
        return Ok(bin);
    }
    println!(
        "    installing wasm-opt from npm's binaryen {BINARYEN_VERSION} into {}",
        prefix.display()
    );
    std::fs::create_dir_all(&prefix)
        .map_err(|e| format!("cannot create {}: {e}", prefix.display()))?;
    npm_install(&prefix, &format!("binaryen@{BINARYEN_VERSION}"))?;
    Ok(bin)
}

fn npm_install(prefix: &Path, package: &str) -> Result<(), String> {
    run(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(prefix)
        .arg(package))
}

/// Installs Debian packages, refreshing the package lists once per run first.
pub fn apt_install(packages: &[&str]) -> Result<(), String> {
    static UPDATE: Once = Once::new();
    let mut updated = Ok(());
    UPDATE.call_once(|| updated = run(Command::new("apt-get").arg("update")));
    updated?;
    run(Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// Debian's Chromium, for the end-to-end tests.
pub fn ensure_chromium() -> Result<(), String> {
    if let Some(version) = output(Command::new(CHROMIUM).arg("--version")) {
        ok("chromium", &version);
        return Ok(());
    }
    println!("    installing Debian's chromium");
    apt_install(&["chromium"])
}

/// `twiggy`, which `cargo xtask bench` asks where the wasm's bytes go.
pub fn ensure_twiggy() -> Result<(), String> {
    if let Some(version) = output(Command::new("twiggy").arg("--version")) {
        ok("twiggy", &version);
        return Ok(());
    }
    step(&format!(
        "installing twiggy {TWIGGY_VERSION} (cargo install)"
    ));
    run(Command::new("cargo").args(["install", "twiggy", "--locked", "--version", TWIGGY_VERSION]))
}

/// Debian's `wrk`, the load generator `cargo xtask bench` drives. (`wrk --version` prints its
/// version and exits 1, so the output is read, not the status.)
pub fn ensure_wrk() -> Result<(), String> {
    let found = Command::new("wrk")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .filter(|text| text.starts_with("wrk "));
    if let Some(text) = found {
        ok("wrk", text.lines().next().unwrap_or("wrk").trim());
        return Ok(());
    }
    println!("    installing Debian's wrk (the load generator)");
    apt_install(&["wrk"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locked_wasm_bindgen_version_is_found() {
        let lock = "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"0.2.1\"\n\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            locked_wasm_bindgen_version(lock).as_deref(),
            Some("0.2.130")
        );
        assert_eq!(
            locked_wasm_bindgen_version("[[package]]\nname = \"serde\"\n"),
            None
        );
    }

    #[test]
    fn wasm_opt_versions_are_read() {
        assert_eq!(
            wasm_opt_version("wasm-opt version 132 (version_132)"),
            Some(132)
        );
        assert_eq!(wasm_opt_version("wasm-opt version 108"), Some(108));
        assert_eq!(wasm_opt_version("nonsense"), None);
    }
}
