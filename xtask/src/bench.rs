//! `cargo xtask bench`: installs what is missing, builds Streetboard and the framework's floor
//! page in release mode, builds the measuring program (xtask/bench) and runs it against a real
//! PostgreSQL; it writes BENCHMARKS.md. Nothing here asserts a time: figures are reported.

use std::process::Command;

use crate::{
    cmd::{self, output, run, step},
    e2e, postgres, release, tools,
};

pub fn bench() -> Result<(), String> {
    let started = std::time::Instant::now();
    let build_tools = tools::ensure_build_tools()?;
    tools::ensure_chromium()?;
    tools::ensure_wrk()?;
    tools::ensure_twiggy()?;
    e2e::ensure_npm_packages()?;
    let database = postgres::RunDatabase::create()?;

    release::build(&build_tools)?;
    release::build_project(&build_tools, "floor", &[])?;
    step("building the measuring program (cargo build --release -p bench)");
    run(cmd::cargo().args(["build", "--release", "-p", "bench"]))?;

    step("measuring (about 10 minutes; progress below, the report goes to BENCHMARKS.md)");
    let root = crate::root();
    let result = run(Command::new(root.join("target/release/bench"))
        .current_dir(&root)
        .arg("--root")
        .arg(&root)
        .args(["--postgres-url", &database.url()])
        .args(["--commit", &commit()])
        .args(["--chromium", tools::CHROMIUM])
        .arg("--out")
        .arg(root.join("BENCHMARKS.md")));
    drop(database);
    result?;
    println!(
        "\n    BENCHMARKS.md written in {} minutes",
        started.elapsed().as_secs() / 60
    );
    Ok(())
}

/// The commit measured, marked when the working tree differs from it.
fn commit() -> String {
    let root = crate::root();
    let head = output(
        Command::new("git")
            .args(["rev-parse", "--short", "HEAD"])
            .current_dir(&root),
    )
    .unwrap_or_else(|| "unknown".into());
    let changed = output(
        Command::new("git")
            .args(["status", "--porcelain", "--untracked-files=no"])
            .current_dir(&root),
    )
    .is_some_and(|status| !status.is_empty());
    if changed {
        format!("{head} with uncommitted changes")
    } else {
        head
    }
}
