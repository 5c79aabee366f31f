//! What a neighbour on a cheap phone feels: headless Chromium through the DevTools protocol
//! with a 4× slower CPU and a 150 ms, 1.6 Mbps network (end2end/bench/phone.mjs does the
//! driving; this reads its runs and sets them against the budgets).

use std::{net::SocketAddr, path::Path};

use serde::Deserialize;
use tokio::process::Command;

use crate::{
    report::{Budget, Row, Section, Unit},
    stats::Runs,
};

/// Largest contentful paint budget under the phone profile.
pub const BUDGET_LCP_MS: f64 = 2500.0;
/// Until the buttons work on a first visit, on the slowed phone (issue 12).
pub const BUDGET_HYDRATED_MS: f64 = 1500.0;

/// The runs phone.mjs reports, each list one number per run, in milliseconds.
#[derive(Debug, Deserialize)]
pub struct PhoneRuns {
    pub fcp_ms: Vec<f64>,
    pub lcp_ms: Vec<f64>,
    pub hydrated_ms: Vec<f64>,
    /// Where the time until hydrated goes (marks from the first visit): the HTML in, the
    /// wasm downloaded, the wasm started (compiled and instantiated), `hydrate_body` done.
    #[serde(default)]
    pub html_in_ms: Vec<f64>,
    #[serde(default)]
    pub wasm_downloaded_ms: Vec<f64>,
    #[serde(default)]
    pub wasm_started_ms: Vec<f64>,
    #[serde(default)]
    pub hydrate_done_ms: Vec<f64>,
    pub online_warm_ms: Vec<f64>,
    pub offline_cold_ms: Vec<f64>,
    #[serde(default)]
    pub offline_served_by_service_worker: bool,
    #[serde(default)]
    pub chromium: String,
}

pub struct Visit<'a> {
    pub script: &'a Path,
    pub chromium: &'a Path,
    pub addr: SocketAddr,
    pub token: &'a str,
    pub path: &'a str,
    pub runs: usize,
}

pub async fn measure(visit: &Visit<'_>) -> Result<PhoneRuns, String> {
    let output = Command::new("node")
        .arg(visit.script)
        .args(["--base", &format!("http://{}", visit.addr)])
        .args([
            "--cookie",
            &format!("{}={}", app::api::server::SESSION_COOKIE, visit.token),
        ])
        .args(["--path", visit.path])
        .args(["--runs", &visit.runs.to_string()])
        .arg("--chromium")
        .arg(visit.chromium)
        // Its progress shows as it goes; only the report on stdout is kept.
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run node {}: {e}", visit.script.display()))?
        .wait_with_output()
        .await
        .map_err(|e| format!("node {}: {e}", visit.script.display()))?;
    if !output.status.success() {
        return Err(format!(
            "{} failed ({}): {}",
            visit.script.display(),
            output.status,
            String::from_utf8_lossy(&output.stdout)
        ));
    }
    parse(&output.stdout)
}

fn parse(stdout: &[u8]) -> Result<PhoneRuns, String> {
    let runs: PhoneRuns =
        serde_json::from_slice(stdout).map_err(|e| format!("phone.mjs printed no report: {e}"))?;
    let counts = [
        runs.fcp_ms.len(),
        runs.lcp_ms.len(),
        runs.hydrated_ms.len(),
        runs.online_warm_ms.len(),
        runs.offline_cold_ms.len(),
    ];
    if counts.iter().any(|&n| n == 0 || n != counts[0]) {
        return Err(format!("phone.mjs reported uneven runs: {counts:?}"));
    }
    Ok(runs)
}

pub fn section(runs: &PhoneRuns, board_posts: usize) -> Section {
    let mut section = Section::new(
        "2. On a phone",
        format!(
            "Headless Chromium{} at 360×740 through the DevTools protocol: CPU slowed 4× \
             (`Emulation.setCPUThrottlingRate`), network 150 ms latency, 1.6 Mbps down, \
             750 kbps up (`Network.emulateNetworkConditions`). The board page, {board_posts} \
             posts, signed in. First visit: a fresh profile. Warm start: the browser restarted \
             on that profile (service worker installed, board kept on the phone), online. \
             Offline cold start: restarted again, offline before the page opens; only the \
             service worker and IndexedDB can answer{}.",
            if runs.chromium.is_empty() {
                String::new()
            } else {
                format!(" ({})", runs.chromium)
            },
            if runs.offline_served_by_service_worker {
                " (the page was checked to come from the service worker)"
            } else {
                ""
            }
        ),
    );
    let to_runs = |values: &[f64]| Runs(values.to_vec());
    section.row(Row::new(
        "First visit: first contentful paint",
        to_runs(&runs.fcp_ms),
        Unit::Millis,
    ));
    section.row(
        Row::new(
            "First visit: largest contentful paint",
            to_runs(&runs.lcp_ms),
            Unit::Millis,
        )
        .with_budget(Budget::at_most(BUDGET_LCP_MS, Unit::Millis)),
    );
    section.row(
        Row::new(
            "First visit: until hydrated (buttons work)",
            to_runs(&runs.hydrated_ms),
            Unit::Millis,
        )
        .with_budget(Budget::at_most(BUDGET_HYDRATED_MS, Unit::Millis)),
    );
    for (what, values) in [
        ("First visit: the HTML in", &runs.html_in_ms),
        ("First visit: the wasm downloaded", &runs.wasm_downloaded_ms),
        (
            "First visit: the wasm compiled and started",
            &runs.wasm_started_ms,
        ),
        ("First visit: hydrate_body done", &runs.hydrate_done_ms),
    ] {
        if !values.is_empty() {
            section.row(Row::new(what, to_runs(values), Unit::Millis));
        }
    }
    // Online, a board the phone holds opens from its copy, as offline does (issue 12): no
    // slower than the offline cold start.
    let offline = to_runs(&runs.offline_cold_ms);
    section.row(
        Row::new(
            "Warm start online: until the posts show",
            to_runs(&runs.online_warm_ms),
            Unit::Millis,
        )
        .with_budget(Budget::no_more_than(
            offline.median(),
            "the offline cold start",
        )),
    );
    section.row(Row::new(
        "Offline cold start: until the posts show",
        offline,
        Unit::Millis,
    ));
    section
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_with_even_runs_is_read() {
        let runs = parse(
            br#"{"runs":2,"fcp_ms":[900,950],"lcp_ms":[1200,1300],"hydrated_ms":[2000,2100],"online_warm_ms":[800,850],"offline_cold_ms":[400,420],"offline_served_by_service_worker":true,"chromium":"Chromium 140"}"#,
        )
        .expect("parses");
        assert_eq!(runs.lcp_ms, vec![1200.0, 1300.0]);
        let section = section(&runs, 200);
        let warm = section
            .rows
            .iter()
            .find(|row| row.what.starts_with("Warm start"))
            .expect("warm row");
        // The warm start is held to the offline cold start's median: 825 ms over 410 ms.
        assert_eq!(warm.budget.as_ref().map(|b| b.limit), Some(410.0));
        assert_eq!(warm.budget_use().map(|u| u > 1.0), Some(true));
    }

    #[test]
    fn missing_or_uneven_runs_are_refused() {
        assert!(parse(b"not json").is_err());
        assert!(parse(
            br#"{"fcp_ms":[1],"lcp_ms":[1,2],"hydrated_ms":[1],"online_warm_ms":[1],"offline_cold_ms":[1]}"#
        )
        .is_err());
        assert!(parse(
            br#"{"fcp_ms":[],"lcp_ms":[],"hydrated_ms":[],"online_warm_ms":[],"offline_cold_ms":[]}"#
        )
        .is_err());
    }
}
