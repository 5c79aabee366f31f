//! How many live streams may be open at once: a dozen per person (a few tabs on a phone or
//! two), a hundred per network address (a household, a library's wifi), and a cap for the whole
//! process below its open-files limit. Each open stream holds a `StreamPermit`; the counts go
//! down when the stream ends, however it ends (the page closed, the server stopped), because the
//! permit is dropped with it.
//!
//! A phone that loses signal does not close its stream: the server learns it is gone only when
//! a write fails, many minutes later. So a person at their share is not refused: their oldest
//! stream is told to end (`StreamPermit::ended`) and the new one takes its place. One person
//! cannot hold more than their share, and a neighbour switching between wifi and 4G is never
//! turned away by their own lost streams.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use tokio::sync::oneshot;

/// Streams one person may hold by default.
pub const PER_PERSON: usize = 12;
/// Streams one address (an IPv6 /64) may hold by default: everyone behind one router.
pub const PER_ADDRESS: usize = 100;

/// How many streams may be open: in the process, per person, per address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamLimits {
    pub total: usize,
    pub per_person: usize,
    pub per_address: usize,
}

/// Which limit a new stream met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooMany {
    /// This address already has its share open.
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
    next_id: u64,
    /// Each person's open streams, oldest first.
    by_person: HashMap<String, VecDeque<Open>>,
    by_address: HashMap<String, usize>,
}

/// One open stream as the counts know it.
struct Open {
    id: u64,
    address: String,
    /// Tells the stream to end, when a newer one of the same person takes its place.
    end: oneshot::Sender<()>,
}

/// One open stream's place in the counts, given back when dropped.
pub struct StreamPermit {
    counts: Arc<Mutex<Counts>>,
    id: u64,
    person: String,
    /// Resolves when this stream should end to make room for a newer one of the same person.
    pub ended: oneshot::Receiver<()>,
}

impl OpenStreams {
    pub fn new(limits: StreamLimits) -> Self {
        Self {
            counts: Arc::default(),
            limits,
        }
    }

    /// A place for one more stream of `person` from `address`. At their share, the person's
    /// oldest stream is told to end and gives its place to this one.
    pub fn open(&self, person: &str, address: &str) -> Result<StreamPermit, TooMany> {
        let mut counts = lock(&self.counts);
        let counts = &mut *counts;
        let oldest = counts
            .by_person
            .get(person)
            .filter(|theirs| theirs.len() >= self.limits.per_person)
            .and_then(|theirs| theirs.front());
        let frees_one = usize::from(oldest.is_some());
        let frees_here = usize::from(oldest.is_some_and(|o| o.address == address));
        if counts.total + 1 - frees_one > self.limits.total {
            return Err(TooMany::Server);
        }
        let at_address = counts.by_address.get(address).copied().unwrap_or(0);
        if at_address + 1 - frees_here > self.limits.per_address {
            return Err(TooMany::Address);
        }
        // Only now is the person's entry made, so a refused stream leaves nothing behind.
        let theirs = counts.by_person.entry(person.to_string()).or_default();
        if frees_one == 1 {
            if let Some(oldest) = theirs.pop_front() {
                counts.total -= 1;
                release(&mut counts.by_address, &oldest.address);
                // Err only when that stream has ended already.
                let _ = oldest.end.send(());
            }
        }
        let (end, ended) = oneshot::channel();
        let id = counts.next_id;
        counts.next_id += 1;
        theirs.push_back(Open {
            id,
            address: address.to_string(),
            end,
        });
        counts.total += 1;
        *counts.by_address.entry(address.to_string()).or_default() += 1;
        Ok(StreamPermit {
            counts: self.counts.clone(),
            id,
            person: person.to_string(),
            ended,
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
        let counts = &mut *counts;
        let Some(theirs) = counts.by_person.get_mut(&self.person) else {
            return;
        };
        // Not there when a newer stream took its place: its counts went then.
        if let Some(at) = theirs.iter().position(|open| open.id == self.id) {
            if let Some(open) = theirs.remove(at) {
                counts.total -= 1;
                release(&mut counts.by_address, &open.address);
            }
        }
        if theirs.is_empty() {
            counts.by_person.remove(&self.person);
        }
    }
}

/// One fewer for `key`; the entry goes at zero, so the map holds only what is open.
fn release(map: &mut HashMap<String, usize>, key: &str) {
    if let Some(count) = map.get_mut(key) {
        *count -= 1;
        if *count == 0 {
            map.remove(key);
        }
    }
}

fn lock(counts: &Mutex<Counts>) -> MutexGuard<'_, Counts> {
    // Nothing under this lock can panic half-way, so poisoned counts are still whole.
    counts.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(total: usize) -> OpenStreams {
        OpenStreams::new(StreamLimits {
            total,
            per_person: PER_PERSON,
            per_address: PER_ADDRESS,
        })
    }

    #[test]
    fn a_person_at_their_share_ends_their_oldest_stream_for_the_new_one() {
        let streams = limits(1000);
        let mut cara: Vec<StreamPermit> = (0..PER_PERSON)
            .map(|_| streams.open("cara", "10.0.0.1").expect("within her share"))
            .collect();
        let newest = streams
            .open("cara", "10.0.0.1")
            .expect("takes the oldest's place");
        assert_eq!(streams.total(), PER_PERSON, "never more than her share");
        assert!(
            cara[0].ended.try_recv().is_ok(),
            "the oldest is told to end"
        );
        assert!(cara[1].ended.try_recv().is_err(), "the others carry on");
        drop(cara);
        assert_eq!(
            streams.total(),
            1,
            "the ended one's place was not given back twice"
        );
        drop(newest);
        assert_eq!(streams.total(), 0);
    }

    #[test]
    fn an_address_and_the_process_each_have_a_cap() {
        let streams = limits(PER_ADDRESS + 1);
        // Many people behind one address (or one person with many accounts).
        let many: Vec<StreamPermit> = (0..PER_ADDRESS)
            .map(|i| streams.open(&format!("p{i}"), "10.0.0.2").expect("within"))
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
        assert_eq!(streams.total(), 0, "every place is given back");
    }
}
