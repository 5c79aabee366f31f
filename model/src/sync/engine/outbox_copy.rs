//! The engine's copy of the person's outbox: the outbox as last stored, the changes on their
//! way to the store (oldest first), and the batch out now. A write is shown as soon as it is
//! made but sent only once it is stored, so a tab closed in between cannot lose it.

use std::collections::VecDeque;

use super::OutboxChange;
use crate::{
    sync::{
        outbox::Outbox,
        wire::{MAX_PUSH_BATCH, MAX_PUSH_BYTES},
    },
    Mutation,
};

#[derive(Debug, Default)]
pub(super) struct OutboxCopy {
    /// As the store last said it is.
    stored: Outbox,
    /// Changes handed to the store and not yet confirmed, by ticket, oldest first (the store
    /// carries them out in order).
    unstored: VecDeque<(u64, OutboxChange)>,
    /// Ids of the batch sent and not yet answered.
    sending: Vec<String>,
}

impl OutboxCopy {
    /// A person's outbox as read from the store.
    pub fn loaded(stored: Outbox) -> Self {
        Self {
            stored,
            ..Self::default()
        }
    }

    /// What pages show: every change made, whether or not the store has confirmed it.
    pub fn shown(&self) -> Outbox {
        let mut outbox = self.stored.clone();
        for (_, change) in &self.unstored {
            change.apply(&mut outbox);
        }
        outbox
    }

    /// A change handed to the store under `ticket`.
    pub fn change(&mut self, ticket: u64, change: OutboxChange) {
        self.unstored.push_back((ticket, change));
    }

    /// A change kept only here (there is nobody to store it under).
    pub fn change_here(&mut self, change: &OutboxChange) {
        change.apply(&mut self.stored);
    }

    /// The store finished the change under `ticket`: adopt what it holds now (which may
    /// include another tab's writes). If it could not store it, the change is kept here, so
    /// this page still sends it. Returns the change, or `None` if the ticket is not this
    /// copy's (a change for the person before).
    pub fn stored(&mut self, ticket: u64, stored: Result<Outbox, String>) -> Option<OutboxChange> {
        if self.unstored.front().map(|(t, _)| *t) != Some(ticket) {
            return None;
        }
        let (_, change) = self.unstored.pop_front()?;
        match stored {
            Ok(outbox) => self.stored = outbox,
            Err(_) => change.apply(&mut self.stored),
        }
        Some(change)
    }

    /// The next batch to send, oldest first; empty while a batch is out (so writes reach the
    /// server in the order made) and without writes not stored yet.
    pub fn take_batch(&mut self) -> Vec<Mutation> {
        if !self.sending.is_empty() {
            return Vec::new();
        }
        let mut sendable = self.stored.clone();
        for (_, change) in &self.unstored {
            if !matches!(change, OutboxChange::Enqueue(_)) {
                change.apply(&mut sendable);
            }
        }
        let batch = sendable.next_batch(MAX_PUSH_BATCH, MAX_PUSH_BYTES);
        self.sending = batch.iter().map(|m| m.id.clone()).collect();
        batch
    }

    /// The batch out now has been answered, or will not be (sent again next time).
    pub fn batch_done(&mut self) {
        self.sending.clear();
    }
}
