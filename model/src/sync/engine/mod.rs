//! The sync engine's decisions, with no I/O: the browser hands it what happened (an
//! [`Event`]: a page showed a board, the signal came back, a pull answered) and carries out
//! the [`Command`]s it returns (store this, send that, set a timer). Everything the engine
//! decides (whose boards are kept, what to send and in what order, when to pull which board,
//! how long to wait after a failure) is here and tested natively; `app/src/offline/runner.rs`
//! only carries the commands out.
//!
//! A round pushes the outbox in batches, then lists the person's boards and pulls each one.
//! A live message about one board runs a shorter round that pulls only that board. One round
//! at a time; what is asked for during a round runs in the next.

mod outbox_copy;
mod people;
mod round;
mod stream;
#[cfg(test)]
mod tests;
mod vocabulary;
mod writes;

use std::collections::BTreeMap;

use outbox_copy::OutboxCopy;
use round::Round;
pub use vocabulary::{Command, Env, Event, NetError, OutboxChange, Part};

use super::{local::LocalBoard, outbox::Outbox, status::Activity, wire::BoardHeader};
use crate::ids::{BoardId, UserId};

/// While the page is open and all is well, look for others' changes about this often.
pub const REFRESH_MS: u64 = 60_000;

/// Whether the phone's store can be used yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Store {
    Opening,
    Open,
    Unavailable,
}

/// Rounds asked for and not yet run.
#[derive(Clone, Debug, Default)]
struct Wanted {
    /// Push, list the person's boards, pull every one.
    full: bool,
    /// Boards the live stream said are ahead of the copy here: (board id, its number).
    behind: BTreeMap<BoardId, i64>,
}

impl Wanted {
    fn any(&self) -> bool {
        self.full || !self.behind.is_empty()
    }
}

/// The engine of one page. See the module documentation.
#[derive(Debug)]
pub struct Engine {
    store: Store,
    /// The person whose boards and outbox are loaded.
    user_id: Option<UserId>,
    /// A page has seen the person signed in before any board of theirs is kept here: the
    /// engine may ask the server for their boards.
    signed_in: bool,
    boards: Vec<LocalBoard>,
    outbox: OutboxCopy,
    activity: Activity,
    /// Rounds that reached the server.
    rounds: u64,
    /// Failed rounds in a row.
    failures: u32,
    round: Option<Round>,
    wanted: Wanted,
    /// The boards the live stream follows, as last commanded.
    following: Option<Vec<BoardId>>,
    /// The stream was closed for good: open it again only after a round has sorted out why.
    stream_gone: bool,
    /// The stream was ended for a newer page of the same person: none until this page is
    /// looked at again.
    stream_replaced: bool,
    /// `ready` as last shown.
    shown_ready: bool,
    /// The last ticket given to a change of a stored outbox.
    tickets: u64,
    /// A board a page showed before the store had opened, to keep once it has.
    shown_while_opening: Option<BoardHeader>,
    commands: Vec<Command>,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    pub fn new() -> Self {
        Self {
            store: Store::Opening,
            user_id: None,
            signed_in: false,
            boards: Vec::new(),
            outbox: OutboxCopy::default(),
            activity: Activity::Idle,
            rounds: 0,
            failures: 0,
            round: None,
            wanted: Wanted::default(),
            following: None,
            stream_gone: false,
            stream_replaced: false,
            shown_ready: false,
            tickets: 0,
            shown_while_opening: None,
            commands: Vec::new(),
        }
    }

    /// The boards kept for the person signed in.
    pub fn boards(&self) -> &[LocalBoard] {
        &self.boards
    }

    /// The outbox as pages show it: every write made here, stored or about to be.
    pub fn outbox(&self) -> Outbox {
        self.outbox.shown()
    }

    pub fn activity(&self) -> Activity {
        self.activity
    }

    /// Writes can go through the outbox (the store is open and the person known).
    pub fn ready(&self) -> bool {
        self.store == Store::Open && self.user_id.is_some()
    }

    pub fn rounds(&self) -> u64 {
        self.rounds
    }

    /// Takes in what happened; returns what to do, in order.
    pub fn on(&mut self, event: Event, env: &Env) -> Vec<Command> {
        match event {
            Event::Opened {
                viewer,
                boards,
                outbox,
            } => self.opened(viewer, boards, outbox),
            Event::StoreUnavailable => {
                self.store = Store::Unavailable;
                self.command(Command::Log("the phone's store cannot be used".into()));
            }
            Event::BoardShown(header) => {
                // Only a signed-in member is shown a board, so the engine may ask for their
                // boards. While the store is still opening, the board waits to be kept until
                // it has opened: it says who is signed in now, whoever the store remembers.
                self.signed_in = true;
                if self.user_id.as_ref() != Some(&header.me.user_id) {
                    // Another person: what the round under way asked was asked for the last.
                    self.abandon_round();
                }
                match self.store {
                    Store::Open => self.keep(vec![header], false),
                    Store::Opening => self.shown_while_opening = Some(header),
                    Store::Unavailable => {}
                }
                self.wanted.full = true;
            }
            Event::SignedIn => {
                self.signed_in = true;
                self.wanted.full = true;
            }
            Event::SignedOut => self.forget_person(),
            Event::Enqueue(mutation) => self.enqueue(mutation),
            Event::Dismiss(mutation_id) => {
                if let Some(user_id) = self.user_id.clone() {
                    let change = OutboxChange::Dismiss(mutation_id);
                    self.change_outbox(user_id, change);
                }
            }
            Event::SyncNow | Event::Online => self.wanted.full = true,
            Event::Visible => {
                // The page being looked at takes a stream back (ending the person's oldest).
                self.stream_replaced = false;
                self.wanted.full = true;
            }
            Event::Offline => self.set_activity(Activity::Offline),
            Event::Hidden => {}
            Event::Timer => {
                // A background tab with nothing to send waits until it is looked at again.
                if env.visible || self.outbox.shown().waiting() > 0 {
                    self.wanted.full = true;
                }
            }
            Event::BoardChanged { board_id, seq } => self.board_changed(board_id, seq),
            Event::StreamGone => {
                // No longer on a board, or signed out: a round sorts out which, and a stream
                // for the boards that remain replaces this one.
                self.stream_gone = true;
                self.wanted.full = true;
            }
            Event::StreamReplaced => self.stream_replaced = true,
            Event::OutboxStored { ticket, stored } => self.outbox_stored(ticket, stored),
            Event::Pushed(answer) => self.pushed(answer, env),
            Event::Listed(answer) => self.listed(answer, env),
            Event::Pulled { board_id, answer } => self.pulled(board_id, answer, env),
        }
        self.start_round_if_wanted(env);
        self.follow(env);
        if self.ready() != self.shown_ready {
            self.shown_ready = self.ready();
            self.show(Part::Ready);
        }
        std::mem::take(&mut self.commands)
    }

    fn command(&mut self, command: Command) {
        self.commands.push(command);
    }

    /// Asks for `part` to be shown again (once per event, however often it changed).
    fn show(&mut self, part: Part) {
        let command = Command::Show(part);
        if !self.commands.contains(&command) {
            self.commands.push(command);
        }
    }

    fn set_activity(&mut self, activity: Activity) {
        if self.activity != activity {
            self.activity = activity;
            self.show(Part::Activity);
        }
    }
}
