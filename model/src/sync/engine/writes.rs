//! Writes made on this phone: shown at once, stored, then (and only then) sent; and the
//! store's answers about the outbox.

use super::{Command, Engine, OutboxChange, Part};
use crate::{ids::UserId, sync::outbox::Outbox, Mutation};

impl Engine {
    pub(super) fn enqueue(&mut self, mutation: Mutation) {
        match self.user_id.clone() {
            // Shown at once; stored before it is sent, so a closed tab cannot lose it. The
            // round that sends it is asked for once it is stored.
            Some(user_id) => self.change_outbox(user_id, OutboxChange::Enqueue(mutation)),
            // Pages only queue writes once the engine is ready; should one come sooner, it is
            // still sent (by this page), rather than lost.
            None => {
                self.outbox.change_here(&OutboxChange::Enqueue(mutation));
                self.show(Part::Outbox);
                self.wanted.full = true;
            }
        }
    }

    pub(super) fn ticket(&mut self) -> u64 {
        self.tickets += 1;
        self.tickets
    }

    pub(super) fn change_outbox(&mut self, user_id: UserId, change: OutboxChange) {
        let ticket = self.ticket();
        self.outbox.change(ticket, change.clone());
        self.command(Command::ChangeOutbox {
            ticket,
            user_id,
            change,
        });
        self.show(Part::Outbox);
    }

    pub(super) fn outbox_stored(&mut self, ticket: u64, stored: Result<Outbox, String>) {
        if let Err(e) = &stored {
            self.command(Command::Log(e.clone()));
        }
        if let Some(change) = self.outbox.stored(ticket, stored) {
            // A write now safe to send, or a person's stored writes now loaded.
            if matches!(change, OutboxChange::Enqueue(_) | OutboxChange::Read) {
                self.wanted.full = true;
            }
            self.show(Part::Outbox);
        }
    }
}
