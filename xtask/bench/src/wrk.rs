//! The load generator: Debian's `wrk` on loopback, its report read into numbers. A run with
//! any failed or non-2xx answer is an error, never a figure.

use std::{net::SocketAddr, path::Path};

use tokio::process::Command;

#[derive(Clone, Debug, PartialEq)]
pub struct Load {
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// How hard and how long to push.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub threads: u32,
    pub connections: u32,
    pub seconds: u32,
}

/// Many clients at once: throughput.
pub const BUSY: Shape = Shape {
    threads: 1,
    connections: 8,
    seconds: 5,
};

/// One client, one request after another: the time one request takes.
pub const ONE_BY_ONE: Shape = Shape {
    threads: 1,
    connections: 1,
    seconds: 3,
};

/// Runs wrk against `path`, with the session cookie if given and a Lua `script` (with its
/// arguments) if given.
pub async fn run(
    addr: SocketAddr,
    path: &str,
    shape: Shape,
    token: Option<&str>,
    script: Option<(&Path, &[String])>,
) -> Result<Load, String> {
    let mut command = Command::new("wrk");
    command.args([
        "--latency",
        "-t",
        &shape.threads.to_string(),
        "-c",
        &shape.connections.to_string(),
        "-d",
        &format!("{}s", shape.seconds),
    ]);
    if let Some(token) = token {
        command.args([
            "-H",
            &format!("Cookie: {}={token}", app::api::server::SESSION_COOKIE),
        ]);
    }
    if let Some((script, _)) = script {
        command.arg("-s").arg(script);
    }
    command.arg(format!("http://{addr}{path}"));
    if let Some((_, args)) = script {
        command.arg("--").args(args);
    }
    let output = command
        .output()
        .await
        .map_err(|e| format!("cannot run wrk: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "wrk {path} failed: {}{}",
            text,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    parse(&text).map_err(|e| format!("wrk {path}: {e}\n{text}"))
}

/// Reads wrk's `--latency` report.
pub fn parse(text: &str) -> Result<Load, String> {
    let mut load = Load {
        requests_per_second: f64::NAN,
        p50_ms: f64::NAN,
        p99_ms: f64::NAN,
    };
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("Requests/sec:") {
            load.requests_per_second = rest.trim().parse().map_err(|_| "bad Requests/sec")?;
        } else if let Some(rest) = line.strip_prefix("50%") {
            load.p50_ms = millis(rest.trim())?;
        } else if let Some(rest) = line.strip_prefix("99%") {
            load.p99_ms = millis(rest.trim())?;
        } else if line.starts_with("Non-2xx or 3xx responses:") {
            return Err(format!("some answers were not successes ({line})"));
        } else if line.starts_with("Push failures:") {
            return Err(format!("some pushes were not applied ({line})"));
        } else if line.starts_with("Socket errors:") {
            return Err(format!("requests failed ({line})"));
        }
    }
    if load.requests_per_second.is_nan() || load.p50_ms.is_nan() || load.p99_ms.is_nan() {
        return Err("no throughput or latency in the report".into());
    }
    Ok(load)
}

/// `812.00us`, `1.23ms`, `2.01s`, `1.50m` → milliseconds.
fn millis(text: &str) -> Result<f64, String> {
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .ok_or_else(|| format!("no unit in {text:?}"))?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("bad number in {text:?}"))?;
    let factor = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1000.0,
        "m" => 60_000.0,
        _ => return Err(format!("unknown unit in {text:?}")),
    };
    Ok(number * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Running 5s test @ http://127.0.0.1:3000/sw.js
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   812.00us  200.00us   5.00ms   90.00%
    Req/Sec     9.80k   500.00     10.50k    70.00%
  Latency Distribution
     50%  780.00us
     75%    0.90ms
     90%    1.10ms
     99%    2.50ms
  49000 requests in 5.00s, 200.00MB read
Requests/sec:   9800.12
Transfer/sec:     40.00MB
";

    #[test]
    fn a_report_is_read_into_numbers() {
        let load = parse(REPORT).expect("parses");
        assert_eq!(load.requests_per_second, 9800.12);
        assert!((load.p50_ms - 0.78).abs() < 1e-9);
        assert_eq!(load.p99_ms, 2.5);
    }

    #[test]
    fn failed_answers_make_the_run_an_error() {
        let failing = REPORT.replace(
            "Requests/sec",
            "  Non-2xx or 3xx responses: 12\nRequests/sec",
        );
        assert!(parse(&failing).unwrap_err().contains("not successes"));
        let broken = REPORT.replace(
            "Requests/sec",
            "  Socket errors: connect 0, read 3, write 0, timeout 0\nRequests/sec",
        );
        assert!(parse(&broken).is_err());
        assert!(parse("nothing useful").is_err());
    }

    #[test]
    fn every_latency_unit_is_understood() {
        assert!((millis("2.01s").expect("s") - 2010.0).abs() < 1e-9);
        assert_eq!(millis("1.50m").expect("m"), 90_000.0);
        assert!(millis("12").is_err());
        assert!(millis("3.0h").is_err());
    }
}
