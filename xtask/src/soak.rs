//! `cargo xtask soak`: the end-to-end specs that take phones offline, run again and again against
//! one build on SQLite and on PostgreSQL, with the tally printed at the end: whether they pass by
//! design or by luck (issue 17). No retries and no longer timeouts: one failure is a failure.
//!
//! The tally also counts the requests a phone's cut signal refused (the `[signal]` lines the
//! end-to-end fixtures print, see end2end/tests/signal.ts), by why they were sent: a page fetch
//! sent while `navigator.onLine` was false would be the app's fault; the rest are Chromium's
//! offline emulation not covering a request (its own worker checks, a document it unloads or
//! closes), which the real cut refuses.

use crate::{cmd::step, e2e, postgres, release, summary::Counts, tools};

const DEFAULT_RUNS: u32 = 20;
const DEFAULT_SPECS: [&str; 2] = ["offline.spec.ts", "live.spec.ts"];

/// Why a request the cut refused was sent, as signal.ts's report marks it.
const REASONS: [(&str, &str); 7] = [
    (
        "(page: onLine=false)",
        "sent by the page while it knew it was offline (the app's fault)",
    ),
    (
        "(page: onLine=true)",
        "sent by the page while it believed it was online",
    ),
    (
        "(service worker script)",
        "Chromium checking for a new service worker",
    ),
    (
        "(begun before the cut",
        "begun while the phone still had signal",
    ),
    (
        "(as the phone was closed)",
        "sent as the test closed the phone",
    ),
    (
        "(as the page left for ",
        "sent as the page was left for a new document",
    ),
    ("(unexplained)", "unexplained"),
];

struct Tally {
    label: &'static str,
    runs: u32,
    failed_runs: u32,
    tests: Counts,
    /// Each refused request's description, in order.
    refused: Vec<String>,
}

pub fn soak(args: &[String]) -> Result<(), String> {
    let (runs, specs) = parse(args)?;
    let tools = tools::ensure_build_tools()?;
    tools::ensure_chromium()?;
    e2e::ensure_npm_packages()?;
    let postgres = postgres::RunDatabase::create()?;
    release::build(&tools)?;

    // Run after run, SQLite then PostgreSQL, so a soak cut short still has both.
    let backends = [("sqlite", None), ("postgres", Some(postgres.e2e_url()))];
    let mut tallies: Vec<Tally> = backends
        .iter()
        .map(|(label, _)| Tally {
            label,
            runs: 0,
            failed_runs: 0,
            tests: Counts::default(),
            refused: Vec::new(),
        })
        .collect();
    for run in 1..=runs {
        for ((label, database_url), tally) in backends.iter().zip(&mut tallies) {
            let mut refused = Vec::new();
            let counts = e2e::run(label, database_url.clone(), &specs, |line| {
                if let Some((_, rest)) = line.split_once("[signal] ") {
                    refused.extend(requests_in(rest));
                }
            })?;
            step(&format!(
                "soak on {label}, run {run} of {runs}: {} passed, {} failed; {} requests refused while cut",
                counts.passed,
                counts.failed,
                refused.len()
            ));
            tally.runs += 1;
            tally.failed_runs += u32::from(counts.failed > 0);
            tally.tests = tally.tests + counts;
            tally.refused.extend(refused);
        }
    }
    drop(postgres);

    step(&format!("soak tally ({})", specs.join(" ")));
    for tally in &tallies {
        println!(
            "    {}: {} runs, {} with a failure; tests {} passed, {} failed",
            tally.label, tally.runs, tally.failed_runs, tally.tests.passed, tally.tests.failed
        );
        println!(
            "      requests a cut signal refused: {}",
            tally.refused.len()
        );
        for (mark, meaning) in REASONS {
            let count = tally.refused.iter().filter(|r| r.contains(mark)).count();
            println!("        {count:>4} {meaning}");
        }
    }
    if tallies.iter().any(|t| t.failed_runs > 0) {
        return Err("some soak runs failed (see above)".into());
    }
    Ok(())
}

/// `--runs N` and spec file names, in any order.
fn parse(args: &[String]) -> Result<(u32, Vec<String>), String> {
    let mut runs = DEFAULT_RUNS;
    let mut specs = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--runs" {
            runs = args
                .next()
                .and_then(|n| n.parse().ok())
                .filter(|n| *n > 0)
                .ok_or("--runs takes a number of runs, at least 1")?;
        } else {
            specs.push(arg.clone());
        }
    }
    if specs.is_empty() {
        specs = DEFAULT_SPECS.map(String::from).to_vec();
    }
    Ok((runs, specs))
}

/// The refused requests in one `[signal]` line: `Asha x: 2 refused while cut: A; B`.
fn requests_in(line: &str) -> Vec<String> {
    line.split_once(" refused while cut: ")
        .map(|(_, requests)| requests.split("; ").map(String::from).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn runs_and_specs_are_read_in_any_order() {
        assert_eq!(
            parse(&strings(&["--runs", "3", "live.spec.ts"])),
            Ok((3, strings(&["live.spec.ts"])))
        );
        assert_eq!(
            parse(&[]),
            Ok((20, strings(&["offline.spec.ts", "live.spec.ts"])))
        );
        assert!(parse(&strings(&["--runs", "none"])).is_err());
        assert!(parse(&strings(&["--runs", "0"])).is_err());
    }

    #[test]
    fn refused_requests_are_read_from_a_signal_line() {
        let line = "Asha x: 2 refused while cut: POST /sync/push HTTP/1.1 (page: onLine=true); GET /sw.js HTTP/1.1 (service worker script)";
        assert_eq!(
            requests_in(line),
            strings(&[
                "POST /sync/push HTTP/1.1 (page: onLine=true)",
                "GET /sw.js HTTP/1.1 (service worker script)"
            ])
        );
        assert!(requests_in("something else").is_empty());
    }
}
