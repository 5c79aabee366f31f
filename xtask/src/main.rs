//! `cargo xtask serve | test | bench`: installs what is missing, then builds, serves or tests
//! Streetboard. Uses only the standard library so it builds before any tool exists.

mod bench;
mod cmd;
mod e2e;
mod fuzz;
mod lint;
mod postgres;
mod release;
mod soak;
mod summary;
mod tools;

use std::{path::PathBuf, process::ExitCode};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  serve   install what is missing, build in release mode and serve the app
          (STREETBOARD_ADDR, default 127.0.0.1:3000; DATABASE_URL, default an SQLite file in ./data/)
          --demo  also fill a demo street to try it out (sign in as Margaret, password \"streetboard demo\")
  test    install what is missing and run every test: Rust unit and storage tests on SQLite and
          PostgreSQL, end-to-end tests in headless Chromium; then rustfmt and clippy (server
          and browser builds)
  bench   install what is missing, build in release mode and measure first-visit weight, a
          phone's experience (headless Chromium, slowed CPU and network), server throughput,
          sync ingest and growth on SQLite and PostgreSQL; writes BENCHMARKS.md (about 15
          minutes once built)
  soak    build once, then run end-to-end specs again and again on SQLite and PostgreSQL and
          print the tally: runs, failures, and every request a cut signal refused
          --runs N (default 20); spec files to run (default offline.spec.ts live.spec.ts)
  fuzz    install cargo-fuzz (nightly Rust) if missing and fuzz the push decoder for SECONDS
          (default 60); not part of `test`";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(args.iter().any(|a| a == "--demo")),
        Some("test") => test(),
        Some("bench") => bench::bench(),
        Some("soak") => soak::soak(&args[1..]),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown or missing command\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the folder above this crate).
pub fn root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}

fn serve(demo: bool) -> Result<(), String> {
    let tools = tools::ensure_build_tools()?;
    release::build(&tools)?;
    cmd::step("serving (Ctrl-C stops)");
    let mut server = release::server_command();
    if demo {
        server.env("STREETBOARD_DEMO", "true");
        // The demo street has a published password, so the server refuses to add it to a
        // database with other boards: the demo gets a file of its own unless one is named.
        if std::env::var_os("DATABASE_URL").is_none() {
            server.env("DATABASE_URL", "sqlite://data/demo.db");
        }
    }
    let status = server
        .status()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    // 130 is the usual status after Ctrl-C: a normal way to stop serving.
    match status.code() {
        Some(0 | 130) | None => Ok(()),
        Some(code) => Err(format!("the server stopped with status {code}")),
    }
}

fn test() -> Result<(), String> {
    let started = std::time::Instant::now();
    let tools = tools::ensure_build_tools()?;
    tools::ensure_chromium()?;
    e2e::ensure_npm_packages()?;
    let postgres = postgres::RunDatabase::create()?;
    let mut totals = summary::Totals::default();

    cmd::step("Rust tests (unit, storage and HTTP on SQLite and PostgreSQL)");
    let rust = cmd::run_counting(
        cmd::cargo()
            .args([
                "test",
                "--workspace",
                "--exclude",
                "frontend",
                // Every test binary runs even after one fails, so the summary counts them all.
                "--no-fail-fast",
                "--color",
                "always",
            ])
            .env(postgres::TEST_URL_ENV, postgres.url()),
        summary::count_cargo_line,
    )?;
    totals.add("Rust", rust);

    release::build(&tools)?;
    totals.add(
        "Playwright on SQLite",
        e2e::run("sqlite", None, &[], |_| {})?,
    );
    totals.add(
        "Playwright on PostgreSQL",
        e2e::run("postgres", Some(postgres.e2e_url()), &[], |_| {})?,
    );
    drop(postgres);

    let lint = lint::check();
    totals.print(started.elapsed());
    if !totals.all_passed() {
        return Err("some tests failed (see above)".into());
    }
    lint
}
