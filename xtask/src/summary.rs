//! Counting tests across suites and printing one closing line for the whole run.

use std::{ops::Add, time::Duration};

/// Passed and failed tests of one suite (or several added together).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: u32,
    pub failed: u32,
}

impl Add for Counts {
    type Output = Self;
    fn add(self, other: Self) -> Self {
        Self {
            passed: self.passed + other.passed,
            failed: self.failed + other.failed,
        }
    }
}

/// Reads cargo's `test result: ok. 8 passed; 0 failed; …` lines.
pub fn count_cargo_line(line: &str) -> Option<Counts> {
    let rest = line.strip_prefix("test result: ")?;
    Some(Counts {
        passed: number_before(rest, " passed")?,
        failed: number_before(rest, " failed")?,
    })
}

/// Reads Playwright's closing lines (`  6 passed (3.2s)`, `  1 failed`, `  1 flaky`).
pub fn count_playwright_line(line: &str) -> Option<Counts> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let (count, kind) = match words.as_slice() {
        [count, kind] | [count, kind, _] => (count.parse::<u32>().ok()?, *kind),
        _ => return None,
    };
    match kind {
        "passed" => Some(Counts {
            passed: count,
            failed: 0,
        }),
        // A flaky test failed at least once, and a skipped one hides a gap: both count as failures.
        "failed" | "flaky" | "interrupted" | "timedOut" | "skipped" => Some(Counts {
            passed: 0,
            failed: count,
        }),
        _ => None,
    }
}

fn number_before(text: &str, word: &str) -> Option<u32> {
    let end = text.find(word)?;
    text[..end]
        .rsplit(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// Counts per suite, in the order they ran.
#[derive(Default)]
pub struct Totals {
    suites: Vec<(&'static str, Counts)>,
}

impl Totals {
    pub fn add(&mut self, suite: &'static str, counts: Counts) {
        self.suites.push((suite, counts));
    }

    pub fn all_passed(&self) -> bool {
        self.suites
            .iter()
            .all(|(_, c)| c.failed == 0 && c.passed > 0)
    }

    pub fn print(&self, elapsed: Duration) {
        println!("\n==> summary ({} s)", elapsed.as_secs());
        let mut total = Counts::default();
        for (suite, counts) in &self.suites {
            println!(
                "    {suite}: {} passed, {} failed",
                counts.passed, counts.failed
            );
            total = total + *counts;
        }
        println!("total: {} passed, {} failed", total.passed, total.failed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_result_lines_are_counted() {
        let line = "test result: FAILED. 7 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.14s";
        assert_eq!(
            count_cargo_line(line),
            Some(Counts {
                passed: 7,
                failed: 1
            })
        );
        assert_eq!(count_cargo_line("running 8 tests"), None);
    }

    #[test]
    fn playwright_closing_lines_are_counted() {
        assert_eq!(
            count_playwright_line("  6 passed (3.2s)"),
            Some(Counts {
                passed: 6,
                failed: 0
            })
        );
        assert_eq!(
            count_playwright_line("  2 failed"),
            Some(Counts {
                passed: 0,
                failed: 2
            })
        );
        assert_eq!(
            count_playwright_line("  1 flaky"),
            Some(Counts {
                passed: 0,
                failed: 1
            })
        );
        assert_eq!(
            count_playwright_line("Running 6 tests using 1 worker"),
            None
        );
    }

    #[test]
    fn a_suite_that_ran_nothing_is_not_a_pass() {
        let mut totals = Totals::default();
        totals.add(
            "Rust",
            Counts {
                passed: 3,
                failed: 0,
            },
        );
        assert!(totals.all_passed());
        totals.add("Playwright", Counts::default());
        assert!(!totals.all_passed());
    }
}
