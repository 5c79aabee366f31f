//! The release build (server binary, hashed js/wasm/css) and the command that runs it.

use std::process::Command;

use crate::{
    cmd::{self, run, step},
    tools::Tools,
};

/// `cargo leptos build --release --precompress`: the server binary and the site in
/// `target/site`, with brotli and gzip copies of its files made once, at their best setting,
/// for the server to send as they are (see server/src/static_files.rs).
pub fn build(tools: &Tools) -> Result<(), String> {
    build_project(tools, "streetboard", &["--precompress"])
}

/// One of the workspace's cargo-leptos projects (`streetboard`, or the bench's `floor`).
pub fn build_project(tools: &Tools, project: &str, extra: &[&str]) -> Result<(), String> {
    step(&format!(
        "building {project} in release mode (cargo leptos build --release --project {project} {})",
        extra.join(" ")
    ));
    let started = std::time::Instant::now();
    run(cmd::cargo()
        .args(["leptos", "build", "--release", "--project", project])
        .args(extra)
        .env("PATH", tools.path()))?;
    println!("    built in {} s", started.elapsed().as_secs());
    Ok(())
}

/// The built server, serving the built site. Settings not given here come from the caller's
/// environment (see README.md, "Configuration").
pub fn server_command() -> Command {
    let root = crate::root();
    let mut command = Command::new(root.join("target/release/streetboard"));
    command
        .current_dir(&root)
        .env("STREETBOARD_SITE_ROOT", root.join("target/site"));
    command
}
