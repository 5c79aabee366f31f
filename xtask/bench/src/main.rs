//! `cargo xtask bench` runs this after building: it seeds boards, starts the release server on
//! SQLite and on PostgreSQL, measures first-visit weight, a phone's experience, throughput,
//! sync ingest and growth, and writes BENCHMARKS.md. Every server figure comes with a baseline
//! from the same run; every figure is a median over repeated runs with its spread.

mod growth;
mod http;
mod ingest;
mod machine;
mod measure;
mod phone;
mod process;
mod report;
mod seed;
mod settings;
mod stats;
mod throughput;
mod wasm_parts;
mod weight;
mod wrk;

use std::{process::ExitCode, time::Instant};

use settings::Settings;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nbench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn step(what: &str) {
    eprintln!("\n==> {what}");
}

async fn run() -> Result<(), String> {
    let started = Instant::now();
    let settings = Settings::from_args()?;
    let scratch = std::env::temp_dir().join(format!("streetboard-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let result = measure::measure_everything(&settings, &scratch).await;
    let _ = std::fs::remove_dir_all(&scratch);
    let mut report = result?;
    report.preamble.push(format!(
        "- Whole run: {:.0} minutes.",
        started.elapsed().as_secs_f64() / 60.0
    ));
    std::fs::write(&settings.out, report.to_markdown())
        .map_err(|e| format!("{}: {e}", settings.out.display()))?;
    eprintln!("\nwrote {}", settings.out.display());
    for (row, used) in report.furthest_from_budget() {
        eprintln!(
            "    {:>5.2} of budget: {} = {}",
            used,
            row.what,
            row.unit.format(row.runs.median())
        );
    }
    Ok(())
}
