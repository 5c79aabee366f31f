//! Medians and spreads of repeated runs: every figure in BENCHMARKS.md is one of these.

/// The runs of one measurement, in the order they were taken.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Runs(pub Vec<f64>);

impl Runs {
    pub fn push(&mut self, value: f64) {
        self.0.push(value);
    }

    fn sorted(&self) -> Vec<f64> {
        let mut values = self.0.clone();
        values.sort_by(f64::total_cmp);
        values
    }

    /// The middle run (the mean of the two middle ones for an even count); NaN with no runs.
    pub fn median(&self) -> f64 {
        let values = self.sorted();
        let n = values.len();
        match n {
            0 => f64::NAN,
            _ if n % 2 == 1 => values[n / 2],
            _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
        }
    }

    pub fn min(&self) -> f64 {
        self.sorted().first().copied().unwrap_or(f64::NAN)
    }

    pub fn max(&self) -> f64 {
        self.sorted().last().copied().unwrap_or(f64::NAN)
    }

    /// How far the runs strayed, as a share of the median: (max − min) / median.
    pub fn relative_spread(&self) -> f64 {
        (self.max() - self.min()) / self.median()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Each run divided by the matching run of `baseline` (same repetition, same conditions),
    /// so a noisy moment on a shared machine moves both and cancels out.
    pub fn ratio_to(&self, baseline: &Runs) -> Runs {
        Runs(
            self.0
                .iter()
                .zip(&baseline.0)
                .map(|(value, base)| value / base)
                .collect(),
        )
    }
}

impl FromIterator<f64> for Runs {
    fn from_iter<I: IntoIterator<Item = f64>>(iter: I) -> Self {
        Runs(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_is_the_middle_run() {
        assert_eq!(Runs(vec![5.0, 1.0, 3.0]).median(), 3.0);
        assert_eq!(Runs(vec![4.0, 1.0, 3.0, 2.0]).median(), 2.5);
        assert!(Runs::default().median().is_nan());
    }

    #[test]
    fn the_spread_is_relative_to_the_median() {
        let runs = Runs(vec![9.0, 10.0, 12.0]);
        assert_eq!(runs.min(), 9.0);
        assert_eq!(runs.max(), 12.0);
        assert!((runs.relative_spread() - 0.3).abs() < 1e-9);
    }

    #[test]
    fn ratios_pair_runs_taken_together() {
        let page = Runs(vec![100.0, 60.0]);
        let trivial = Runs(vec![1000.0, 500.0]);
        assert_eq!(page.ratio_to(&trivial), Runs(vec![0.1, 0.12]));
    }
}
