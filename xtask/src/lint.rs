//! The code checks `cargo xtask test` ends with: formatting, and clippy on both the server
//! (`ssr`) and the browser (`hydrate`, wasm32) builds, warnings as errors.

use crate::cmd::{self, run, step};

/// Runs every check, reporting all failures rather than stopping at the first.
pub fn check() -> Result<(), String> {
    step("rustfmt and clippy (server and browser builds)");
    let checks = [
        run(cmd::cargo().args(["fmt", "--all", "--", "--check"])),
        run(cmd::cargo().args([
            "clippy",
            "-p",
            "model",
            "-p",
            "app",
            "-p",
            "server",
            "-p",
            "store",
            "-p",
            "xtask",
            "-p",
            "bench",
            "-p",
            "floor",
            "--features",
            "app/ssr,floor/ssr",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])),
        run(cmd::cargo().args([
            "clippy",
            "-p",
            "model",
            "-p",
            "app",
            "-p",
            "frontend",
            "-p",
            "floor",
            "--features",
            "app/hydrate,floor/hydrate",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ])),
    ];
    let failures: Vec<String> = checks.into_iter().filter_map(Result::err).collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}
