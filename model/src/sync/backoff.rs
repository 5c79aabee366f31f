//! When to try sending again after a failed attempt: exponential backoff with jitter, so a
//! street's phones coming back online together do not all knock at once.

/// First retry after about this long.
pub const BASE_DELAY_MS: u64 = 2_000;
/// Never wait longer than this between attempts (a phone should catch up soon after signal returns).
pub const MAX_DELAY_MS: u64 = 5 * 60 * 1_000;

/// The wait before attempt number `failures + 1`, after `failures` failed attempts in a row.
/// `jitter` is a random number in `[0, 1)` from the caller (so tests can fix it): the wait is
/// spread between half and all of the exponential step ("equal jitter").
pub fn retry_delay_ms(failures: u32, jitter: f64) -> u64 {
    let step = BASE_DELAY_MS
        .saturating_mul(1u64 << failures.min(20))
        .min(MAX_DELAY_MS);
    let jitter = jitter.clamp(0.0, 1.0);
    let half = step / 2;
    half + (half as f64 * jitter) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_then_stop_growing() {
        let waits: Vec<u64> = (0..12).map(|n| retry_delay_ms(n, 1.0)).collect();
        assert_eq!(&waits[..4], &[2_000, 4_000, 8_000, 16_000]);
        assert!(waits.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(*waits.last().unwrap(), MAX_DELAY_MS);
        assert_eq!(
            retry_delay_ms(u32::MAX, 1.0),
            MAX_DELAY_MS,
            "no overflow after many failures"
        );
    }

    #[test]
    fn jitter_spreads_a_wait_between_half_and_all_of_its_step() {
        assert_eq!(retry_delay_ms(2, 0.0), 4_000);
        assert_eq!(retry_delay_ms(2, 0.5), 6_000);
        assert_eq!(retry_delay_ms(2, 0.999_999), 7_999);
        assert_eq!(
            retry_delay_ms(2, 7.0),
            8_000,
            "out-of-range jitter is clamped"
        );
    }
}
