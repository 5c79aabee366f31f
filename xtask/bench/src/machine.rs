//! The lines at the top of BENCHMARKS.md: which machine, when, which commit, which tools.

use std::{path::Path, process::Command};

fn output(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// `model name : AMD EPYC …` from /proc/cpuinfo.
fn cpu_model(cpuinfo: &str) -> Option<String> {
    cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, model)| model.trim().to_string())
}

/// `MemTotal: 24592000 kB` → GiB.
fn memory_gib(meminfo: &str) -> Option<f64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0 / 1024.0)
}

pub fn describe(commit: &str, chromium: &Path) -> Vec<String> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let chromium = output(&chromium.display().to_string(), &["--version"]);
    let rustc = output("rustc", &["--version"]);
    let postgres = output("psql", &["--version"]);
    // `wrk --version` prints its version, then its usage, and exits 1.
    let wrk = Command::new("wrk")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let wrk = wrk
        .lines()
        .next()
        .and_then(|line| line.split(" Copyright").next())
        .unwrap_or("wrk")
        .to_string();
    vec![
        format!(
            "- Machine: {}, {cores} cores, {:.0} GiB memory, Linux {}. Shared and noisy: every \
             server figure is read beside a baseline measured in the same run.",
            cpu_model(&cpuinfo).unwrap_or_else(|| "unknown CPU".into()),
            memory_gib(&meminfo).unwrap_or(0.0),
            output("uname", &["-r"])
        ),
        format!("- Date: {}", output("date", &["-u", "+%Y-%m-%d %H:%M UTC"])),
        format!("- Commit: {commit}"),
        format!("- Tools: {rustc}; {chromium}; {postgres}; {wrk}."),
        "- Reproduce: `cargo xtask bench` (builds release, seeds, measures, rewrites this file). \
         Each figure is the median of the runs, with the lowest and highest run and ± half \
         their range as a share of the median."
            .into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_and_memory_are_read_from_proc() {
        assert_eq!(
            cpu_model("processor : 0\nmodel name\t: AMD EPYC 7B13\n").as_deref(),
            Some("AMD EPYC 7B13")
        );
        assert_eq!(memory_gib("MemTotal:       25165824 kB\n"), Some(24.0));
        assert_eq!(cpu_model(""), None);
    }
}
