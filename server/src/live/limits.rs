//! How many live streams may be open at once: a few per session, more per network address (a
//! household, a library's wifi), and a cap for the whole process below its open-files limit.
//! Each open stream holds a `StreamPermit`; the count goes down when the stream ends, however it
//! ends (the phone lost signal, the page closed, the server stopped), because the permit is
//! dropped with it. Without these, one person could open streams until the server had no file
//! descriptors left for anyone.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

/// Streams one session may hold by default: a few tabs and the installed app.
pub const PER_SESSION: usize = 6;
/// Streams one address (an IPv6 /64) may hold by default: everyone behind one router.
pub const PER_ADDRESS: usize = 100;

/// How many streams may be open: in the process, per session, per address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamLimits {
    pub total: usize,
    pub per_session: usize,
    pub per_address: usize,
}

/// Which limit a new stream met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooMany {
    /// This session already has `PER_SESSION` open.
    Session,
    /// This address already has `PER_ADDRESS` open.
    Address,
    /// The process holds as many as it may.
    Server,
}

/// The open streams of this process, counted; cheap to clone.
#[derive(Clone)]
pub struct OpenStreams {
    counts: Arc<Mutex<Counts>>,
    limits: StreamLimits,
}

#[derive(Default)]
struct Counts {
    total: usize,
    by_session: HashMap<String, usize>,
    by_address: HashMap<String, usize>,
}

/// One open stream's place in the counts, given back when dropped.
pub struct StreamPermit {
    counts: Arc<Mutex<Counts>>,
    session: String,
    address: String,
}

impl OpenStreams {
    pub fn new(limits: StreamLimits) -> Self {
        Self {
            counts: Arc::default(),
            limits,
        }
    }

    /// A place for one more stream of `session` from `address`, if every limit allows it.
    pub fn open(&self, session: &str, address: &str) -> Result<StreamPermit, TooMany> {
        let mut counts = lock(&self.counts);
        if counts.total >= self.limits.total {
            return Err(TooMany::Server);
        }
        if counts.by_session.get(session).copied().unwrap_or(0) >= self.limits.per_session {
            return Err(TooMany::Session);
        }
        if counts.by_address.get(address).copied().unwrap_or(0) >= self.limits.per_address {
            return Err(TooMany::Address);
        }
        counts.total += 1;
        *counts.by_session.entry(session.to_string()).or_default() += 1;
        *counts.by_address.entry(address.to_string()).or_default() += 1;
        Ok(StreamPermit {
            counts: self.counts.clone(),
            session: session.to_string(),
            address: address.to_string(),
        })
    }

    /// Streams open now.
    pub fn total(&self) -> usize {
        lock(&self.counts).total
    }
}

impl Drop for StreamPermit {
    fn drop(&mut self) {
        let mut counts = lock(&self.counts);
        counts.total -= 1;
        release(&mut counts.by_session, &self.session);
        release(&mut counts.by_address, &self.address);
    }
}

/// One fewer for `key`; the entry goes at zero, so the maps hold only what is open.
fn release(map: &mut HashMap<String, usize>, key: &str) {
    if let Some(count) = map.get_mut(key) {
        *count -= 1;
        if *count == 0 {
            map.remove(key);
        }
    }
}

fn lock(counts: &Mutex<Counts>) -> std::sync::MutexGuard<'_, Counts> {
    // Nothing under this lock can panic half-way, so poisoned counts are still whole.
    counts.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_limit_holds_and_a_closed_stream_gives_its_place_back() {
        let streams = OpenStreams::new(StreamLimits {
            total: PER_ADDRESS + 1,
            per_session: PER_SESSION,
            per_address: PER_ADDRESS,
        });
        let mine: Vec<StreamPermit> = (0..PER_SESSION)
            .map(|_| {
                streams
                    .open("session-a", "10.0.0.1")
                    .expect("within the limit")
            })
            .collect();
        assert_eq!(
            streams.open("session-a", "10.0.0.1").err(),
            Some(TooMany::Session)
        );
        drop(mine);
        assert_eq!(streams.total(), 0, "every place is given back");
        assert!(streams.open("session-a", "10.0.0.1").is_ok());

        // Many sessions from one address, as one person signing in again and again.
        let many: Vec<StreamPermit> = (0..PER_ADDRESS)
            .map(|i| streams.open(&format!("s{i}"), "10.0.0.2").expect("within"))
            .collect();
        assert_eq!(
            streams.open("another", "10.0.0.2").err(),
            Some(TooMany::Address)
        );
        // The process is full: nobody else gets one until a stream ends.
        let last = streams.open("last", "10.0.0.3").expect("the last place");
        assert_eq!(streams.open("x", "10.0.0.4").err(), Some(TooMany::Server));
        drop(last);
        assert!(streams.open("x", "10.0.0.4").is_ok());
        drop(many);
    }
}
