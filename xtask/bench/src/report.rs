//! BENCHMARKS.md: sections of figures, each a median with its spread, the budget beside it and
//! whether it holds, plus the figures furthest from their budgets.

use std::fmt::Write;

use crate::stats::Runs;

/// How a figure is written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Unit {
    /// Bytes, shown in KB (1 KB = 1,000 bytes, as budgets are usually written).
    Bytes,
    Millis,
    /// Requests or mutations per second.
    PerSecond,
    /// Megabytes of memory (1 MB = 1,000,000 bytes).
    Megabytes,
    /// A plain ratio, e.g. a route's throughput over the trivial route's.
    Ratio,
}

impl Unit {
    pub fn format(self, value: f64) -> String {
        if value.is_nan() {
            return "—".into();
        }
        match self {
            Unit::Bytes if value >= 1000.0 => format!("{:.1} KB", value / 1000.0),
            Unit::Bytes => format!("{value:.0} B"),
            Unit::Millis if value >= 1000.0 => format!("{:.2} s", value / 1000.0),
            Unit::Millis if value >= 10.0 => format!("{value:.0} ms"),
            Unit::Millis => format!("{value:.2} ms"),
            Unit::PerSecond => format!("{}/s", thousands(value)),
            Unit::Megabytes => format!("{:.1} MB", value / 1e6),
            Unit::Ratio => format!("{value:.3}×"),
        }
    }
}

/// A count as people write it: `100000` as `100,000`.
pub fn count(n: usize) -> String {
    thousands(n as f64)
}

/// `12345.6` as `12,346`.
fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// A ceiling the median should stay under (a time, a weight), or a floor it should stay over
/// (a throughput).
#[derive(Clone, Debug, PartialEq)]
pub struct Budget {
    pub limit: f64,
    /// The median must reach the limit rather than stay under it.
    pub floor: bool,
    /// How the budget is written in the table, e.g. "≤ 2.5 s".
    pub text: String,
}

impl Budget {
    pub fn at_most(limit: f64, unit: Unit) -> Self {
        Self {
            limit,
            floor: false,
            text: format!("≤ {}", unit.format(limit)),
        }
    }

    pub fn at_least(limit: f64, unit: Unit) -> Self {
        Self {
            limit,
            floor: true,
            text: format!("≥ {}", unit.format(limit)),
        }
    }

    /// A budget set by another figure of the same run, e.g. "no slower than the warm start".
    pub fn no_more_than(limit: f64, what: &str) -> Self {
        Self {
            limit,
            floor: false,
            text: format!("≤ {what}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub what: String,
    pub runs: Runs,
    pub unit: Unit,
    pub budget: Option<Budget>,
}

impl Row {
    pub fn new(what: impl Into<String>, runs: Runs, unit: Unit) -> Self {
        Self {
            what: what.into(),
            runs,
            unit,
            budget: None,
        }
    }

    pub fn with_budget(mut self, budget: Budget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Median over the budget's limit (limit over median for a floor): above 1 the budget is
    /// broken, by that factor.
    pub fn budget_use(&self) -> Option<f64> {
        self.budget.as_ref().map(|budget| {
            if budget.floor {
                budget.limit / self.runs.median()
            } else {
                self.runs.median() / budget.limit
            }
        })
    }

    fn holds(&self) -> Option<bool> {
        self.budget_use().map(|used| used <= 1.0)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Section {
    pub title: String,
    /// What was measured and how, in a sentence or two.
    pub how: String,
    pub rows: Vec<Row>,
    pub notes: Vec<String>,
}

impl Section {
    pub fn new(title: &str, how: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            how: how.into(),
            ..Self::default()
        }
    }

    pub fn row(&mut self, row: Row) {
        self.rows.push(row);
    }

    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    fn write(&self, out: &mut String) {
        let _ = writeln!(out, "## {}\n\n{}\n", self.title, self.how);
        out.push_str("| What | Median | Spread (min – max, runs) | Budget | Holds |\n");
        out.push_str("|---|---:|---|---|---|\n");
        for row in &self.rows {
            let spread = if row.runs.len() > 1 {
                format!(
                    "{} – {} ({}, ±{:.0} %)",
                    row.unit.format(row.runs.min()),
                    row.unit.format(row.runs.max()),
                    row.runs.len(),
                    row.runs.relative_spread() * 50.0
                )
            } else {
                format!("{} run", row.runs.len())
            };
            let (budget, holds) = match (&row.budget, row.holds()) {
                (Some(budget), Some(true)) => (budget.text.as_str(), "yes"),
                (Some(budget), _) => (budget.text.as_str(), "**no**"),
                (None, _) => ("", ""),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                row.what,
                row.unit.format(row.runs.median()),
                spread,
                budget,
                holds
            );
        }
        for note in &self.notes {
            let _ = writeln!(out, "\n{note}");
        }
        out.push('\n');
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// Lines under the title: machine, date, commit, how to reproduce.
    pub preamble: Vec<String>,
    pub sections: Vec<Section>,
}

impl Report {
    /// The budgeted figures, furthest over (or nearest to) their budget first.
    pub fn furthest_from_budget(&self) -> Vec<(&Row, f64)> {
        let mut rows: Vec<(&Row, f64)> = self
            .sections
            .iter()
            .flat_map(|section| &section.rows)
            .filter_map(|row| row.budget_use().map(|used| (row, used)))
            .collect();
        rows.sort_by(|a, b| b.1.total_cmp(&a.1));
        rows
    }

    pub fn to_markdown(&self) -> String {
        let mut out = String::from("# Streetboard benchmarks\n\n");
        for line in &self.preamble {
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
        let ranked = self.furthest_from_budget();
        if !ranked.is_empty() {
            out.push_str("## Budgets, furthest first\n\n| Figure | Median | Budget | Median ÷ budget |\n|---|---:|---|---:|\n");
            for (row, used) in ranked {
                let budget = row.budget.as_ref().map_or("", |b| b.text.as_str());
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {:.2} |",
                    row.what,
                    row.unit.format(row.runs.median()),
                    budget,
                    used
                );
            }
            out.push('\n');
        }
        for section in &self.sections {
            section.write(&mut out);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_read_as_people_write_them() {
        assert_eq!(Unit::Bytes.format(512.0), "512 B");
        assert_eq!(Unit::Bytes.format(204_800.0), "204.8 KB");
        assert_eq!(Unit::Millis.format(2512.0), "2.51 s");
        assert_eq!(Unit::Millis.format(37.4), "37 ms");
        assert_eq!(Unit::Millis.format(1.234), "1.23 ms");
        assert_eq!(Unit::PerSecond.format(12345.6), "12,346/s");
        assert_eq!(Unit::Megabytes.format(47_200_000.0), "47.2 MB");
        assert_eq!(Unit::Ratio.format(0.1234), "0.123×");
        assert_eq!(Unit::Millis.format(f64::NAN), "—");
        assert_eq!(count(100_000), "100,000");
        assert_eq!(count(50), "50");
    }

    #[test]
    fn a_broken_budget_is_marked_and_ranked_first() {
        let mut section = Section::new("Weight", "Bytes of the board page.");
        section.row(
            Row::new("Total, brotli", Runs(vec![300_000.0]), Unit::Bytes)
                .with_budget(Budget::at_most(200_000.0, Unit::Bytes)),
        );
        section.row(
            Row::new("LCP", Runs(vec![1000.0, 1200.0, 1100.0]), Unit::Millis)
                .with_budget(Budget::at_most(2500.0, Unit::Millis)),
        );
        section.row(Row::new("HTML", Runs(vec![5000.0]), Unit::Bytes));
        let report = Report {
            preamble: vec!["Machine: test".into()],
            sections: vec![section],
        };
        let ranked = report.furthest_from_budget();
        assert_eq!(ranked.len(), 2);
        assert_eq!(ranked[0].0.what, "Total, brotli");
        assert!((ranked[0].1 - 1.5).abs() < 1e-9);

        let markdown = report.to_markdown();
        assert!(markdown.contains("| Total, brotli | 300.0 KB | 1 run | ≤ 200.0 KB | **no** |"));
        assert!(markdown.contains("| LCP | 1.10 s | 1.00 s – 1.20 s (3, ±9 %) | ≤ 2.50 s | yes |"));
        assert!(markdown.contains("| HTML | 5.0 KB | 1 run |  |  |"));
    }

    #[test]
    fn a_floor_holds_when_the_median_reaches_it() {
        let slow = Row::new("Pages", Runs(vec![500.0]), Unit::PerSecond)
            .with_budget(Budget::at_least(1000.0, Unit::PerSecond));
        assert_eq!(slow.budget_use(), Some(2.0));
        assert_eq!(slow.holds(), Some(false));
        let fast = Row::new("Pages", Runs(vec![1250.0]), Unit::PerSecond)
            .with_budget(Budget::at_least(1000.0, Unit::PerSecond));
        assert_eq!(fast.holds(), Some(true));
        assert_eq!(fast.budget.expect("budget").text, "≥ 1,000/s");
    }
}
