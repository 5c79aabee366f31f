//! The open-files limit. Every connection holds a file descriptor, a live stream for as long as
//! its page is open; a process out of descriptors cannot accept anyone, so the cap on streams
//! must sit below this limit. At start the soft limit is raised to the hard one (as far as the
//! system lets this process go; many start at 1,024), and the streams' cap fitted under it.

/// Descriptors kept for everything but live streams: the database's connections, the
/// listener, and ordinary requests in flight.
pub const KEPT_FOR_REQUESTS: u64 = 256;

/// What the soft limit is raised to where the hard limit is "unlimited" (macOS refuses that
/// as a soft limit).
const WHEN_UNLIMITED: u64 = 65_536;

/// Raises the soft open-files limit to the hard one; the soft limit in force afterwards, or
/// `None` where there is none (unlimited, or a system without one).
#[cfg(unix)]
pub fn raise_limit() -> Option<u64> {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let limit = getrlimit(Resource::Nofile);
    let wanted = limit.maximum.or(Some(WHEN_UNLIMITED));
    if limit.current.is_some() && limit.current < wanted {
        let raised = Rlimit {
            current: wanted,
            maximum: limit.maximum,
        };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            return raised.current;
        }
    }
    limit.current
}

#[cfg(not(unix))]
pub fn raise_limit() -> Option<u64> {
    None
}

/// The streams' cap under an open-files limit of `limit`: at most `wanted`, leaving
/// `KEPT_FOR_REQUESTS` descriptors for everything else (and at least one stream).
pub fn streams_that_fit(limit: Option<u64>, wanted: usize) -> usize {
    match limit {
        Some(limit) => {
            let room = limit.saturating_sub(KEPT_FOR_REQUESTS).max(1);
            wanted.min(usize::try_from(room).unwrap_or(usize::MAX))
        }
        None => wanted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_fit_under_the_open_files_limit() {
        assert_eq!(streams_that_fit(Some(1024), 10_000), 768);
        assert_eq!(streams_that_fit(Some(1_048_576), 10_000), 10_000);
        assert_eq!(streams_that_fit(Some(100), 10_000), 1);
        assert_eq!(streams_that_fit(None, 10_000), 10_000);
    }
}
