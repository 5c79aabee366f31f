//! `cargo xtask fuzz [SECONDS]`: runs the push decoder's fuzz target (`fuzz/`, libFuzzer through
//! `cargo fuzz` on nightly Rust) for a fixed time, 60 s unless told, installing cargo-fuzz when
//! it is missing. Not part of `cargo xtask test`: it needs nightly and sanitizers, and finds
//! more the longer it runs. A crash is saved under `fuzz/artifacts/push_decoder/` and fails
//! the command; `cargo +nightly fuzz run push_decoder --fuzz-dir fuzz <that file>` replays it.

use std::process::Command;

use crate::cmd::{output, run, step};

/// Built with the stable toolchain (0.13.1's locked dependencies no longer build on nightly);
/// only the fuzzing itself needs nightly.
const CARGO_FUZZ_VERSION: &str = "0.13.2";
const DEFAULT_SECONDS: u64 = 60;
const TARGET: &str = "push_decoder";

pub fn fuzz(args: &[String]) -> Result<(), String> {
    let seconds = match args {
        [] => DEFAULT_SECONDS,
        [seconds] => seconds
            .parse()
            .ok()
            .filter(|s| *s > 0)
            .ok_or_else(|| format!("{seconds:?} is not a number of seconds"))?,
        _ => return Err("usage: cargo xtask fuzz [SECONDS]".into()),
    };
    step("checking fuzzing tools");
    ensure_nightly()?;
    ensure_cargo_fuzz()?;
    step(&format!("fuzzing the push decoder for {seconds} s"));
    run(Command::new("cargo")
        .current_dir(crate::root())
        .args([
            "+nightly",
            "fuzz",
            "run",
            TARGET,
            "--fuzz-dir",
            "fuzz",
            "--",
        ])
        .arg("-dict=fuzz/push.dict")
        .arg(format!("-max_total_time={seconds}")))
}

fn ensure_nightly() -> Result<(), String> {
    let toolchains = output(Command::new("rustup").args(["toolchain", "list"])).unwrap_or_default();
    if toolchains.lines().any(|l| l.starts_with("nightly")) {
        println!("    ok: nightly Rust");
        return Ok(());
    }
    println!("    installing nightly Rust (cargo fuzz needs it)");
    run(Command::new("rustup").args(["toolchain", "install", "nightly", "--profile", "minimal"]))
}

fn ensure_cargo_fuzz() -> Result<(), String> {
    let found = output(Command::new("cargo").args(["+nightly", "fuzz", "--version"]));
    if let Some(version) = found.as_deref().filter(|v| v.ends_with(CARGO_FUZZ_VERSION)) {
        println!("    ok: cargo-fuzz ({version})");
        return Ok(());
    }
    println!(
        "    installing cargo-fuzz {CARGO_FUZZ_VERSION} (found: {}), once",
        found.as_deref().unwrap_or("none")
    );
    run(Command::new("cargo").args([
        "install",
        "cargo-fuzz",
        "--locked",
        "--version",
        CARGO_FUZZ_VERSION,
    ]))
}
