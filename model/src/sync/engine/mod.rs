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
mod round;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use outbox_copy::OutboxCopy;
use round::Round;

use super::{
    local::LocalBoard,
    outbox::Outbox,
    status::Activity,
    wire::{BoardHeader, PullResponse, PushRequest, PushResponse, PushResult},
};
use crate::Mutation;

/// While the page is open and all is well, look for others' changes about this often.
pub const REFRESH_MS: u64 = 60_000;

/// What the engine is told about the page's surroundings with every event.
#[derive(Clone, Copy, Debug)]
pub struct Env {
    pub now_ms: i64,
    /// `navigator.onLine`.
    pub online: bool,
    /// The page is visible (not a background tab).
    pub visible: bool,
    /// A random number in `[0, 1)`, to spread retries.
    pub jitter: f64,
}

/// What happened.
#[derive(Clone, Debug)]
pub enum Event {
    /// The phone's store opened: who was signed in here last, the boards kept, and that
    /// person's outbox as stored.
    Opened {
        viewer: Option<String>,
        boards: Vec<LocalBoard>,
        outbox: Outbox,
    },
    /// The phone's store cannot be used: nothing is kept or sent by the engine (forms post to
    /// the server directly, as without JavaScript).
    StoreUnavailable,
    /// A page loaded this board from the server: its viewer is signed in and a member.
    BoardShown(BoardHeader),
    /// A page saw the person signed in (their boards listed).
    SignedIn,
    /// The person signed out on this phone.
    SignedOut,
    /// A write made on this phone.
    Enqueue(Mutation),
    /// The person has read the refusal of this write.
    Dismiss(String),
    /// A page asks for a round.
    SyncNow,
    Online,
    Offline,
    Visible,
    Hidden,
    /// The timer set by [`Command::Schedule`] went off.
    Timer,
    /// The live stream says this board reached `seq`.
    BoardChanged {
        board_id: String,
        seq: i64,
    },
    /// The live stream was refused or closed for good (signed out, or off a board).
    StreamGone,
    /// A [`Command::ChangeOutbox`] finished: the outbox as now stored, or why it could not be.
    OutboxStored {
        ticket: u64,
        stored: Result<Outbox, String>,
    },
    Pushed(Result<PushResponse, NetError>),
    Listed(Result<Vec<BoardHeader>, NetError>),
    Pulled {
        board_id: String,
        answer: Result<PullResponse, NetError>,
    },
}

/// What to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Remember who is signed in here, for the next page load.
    SaveViewer(String),
    ForgetViewer,
    SaveBoard(LocalBoard),
    ForgetBoard(String),
    /// Change this person's stored outbox in one read-and-write (another tab may be writing
    /// too), then answer with [`Event::OutboxStored`] and the same ticket. Changes must be
    /// carried out in the order given.
    ChangeOutbox {
        ticket: u64,
        user_id: String,
        change: OutboxChange,
    },
    /// Send a batch; answer with [`Event::Pushed`].
    Push(PushRequest),
    /// Ask for the person's boards; answer with [`Event::Listed`].
    ListBoards,
    /// Ask what changed on a board since a cursor; answer with [`Event::Pulled`].
    Pull {
        board_id: String,
        since: i64,
    },
    /// Send [`Event::Timer`] after this long, replacing any timer set before.
    Schedule {
        delay_ms: u64,
    },
    CancelTimer,
    /// Keep one live stream open for exactly these boards (opening it again if the browser
    /// gave up on it).
    Follow(Vec<String>),
    StopFollowing,
    /// A part of the engine's state that pages show has changed: show it again.
    Show(Part),
    /// Something worth a line in the console.
    Log(String),
}

/// The parts of the engine's state pages show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Boards,
    Outbox,
    Activity,
    Ready,
    Rounds,
}

/// A change to a stored outbox.
#[derive(Clone, Debug, PartialEq)]
pub enum OutboxChange {
    /// None: only read it (a person whose outbox is not loaded yet).
    Read,
    Enqueue(Mutation),
    Dismiss(String),
    Settle(Vec<PushResult>),
}

impl OutboxChange {
    pub fn apply(&self, outbox: &mut Outbox) {
        match self {
            Self::Read => {}
            Self::Enqueue(mutation) => outbox.enqueue(mutation.clone()),
            Self::Dismiss(id) => outbox.dismiss(id),
            Self::Settle(results) => outbox.settle(results),
        }
    }
}

/// Why a request gave no answer to use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetError {
    /// No connection, or it dropped mid-request: the answer (if any) never arrived.
    Unreachable,
    /// 401: the session has ended.
    SignedOut,
    /// 403/404 on a board: the person is no longer on it.
    Gone,
    /// Anything else (a 5xx, a refused batch): try again later.
    Failed(String),
}

impl NetError {
    /// What an answer other than 200 means.
    pub fn from_status(status: u16, body: &str) -> Self {
        match status {
            401 => Self::SignedOut,
            403 | 404 => Self::Gone,
            _ => Self::Failed(format!("{status}: {body}")),
        }
    }
}

impl std::fmt::Display for NetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unreachable => f.write_str("the server could not be reached"),
            Self::SignedOut => f.write_str("the session has ended"),
            Self::Gone => f.write_str("no longer on the board"),
            Self::Failed(detail) => write!(f, "the server refused: {detail}"),
        }
    }
}

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
    behind: BTreeMap<String, i64>,
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
    user_id: Option<String>,
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
    following: Option<Vec<String>>,
    /// The stream was closed for good: open it again only after a round has sorted out why.
    stream_gone: bool,
    /// `ready` as last shown.
    shown_ready: bool,
    /// The last ticket given to a change of a stored outbox.
    tickets: u64,
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
            shown_ready: false,
            tickets: 0,
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
                // boards. While the store is still opening nothing is kept yet: the round that
                // follows the opening lists the person's boards and keeps this one too.
                self.signed_in = true;
                if self.store == Store::Open {
                    self.keep(vec![header], false);
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
            Event::SyncNow | Event::Online | Event::Visible => self.wanted.full = true,
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

    fn opened(&mut self, viewer: Option<String>, boards: Vec<LocalBoard>, outbox: Outbox) {
        self.store = Store::Open;
        self.user_id = viewer;
        // A board kept for someone else (a sign-out cut short before it forgot everything)
        // is never shown to this person.
        let (mine, theirs): (Vec<_>, Vec<_>) = boards
            .into_iter()
            .partition(|b| self.user_id.as_ref() == Some(&b.me.user_id));
        for board in theirs {
            self.command(Command::ForgetBoard(board.board.id));
        }
        self.boards = mine;
        self.outbox = OutboxCopy::loaded(outbox);
        self.show(Part::Boards);
        self.show(Part::Outbox);
        self.wanted.full = true;
    }

    /// Keeps `headers` (refreshing the boards already held); with `complete`, they are all
    /// the person's boards, and any other board held is forgotten (they left it, or were
    /// removed). A board of someone other than the person held for means another person is
    /// using the phone: the last person's boards go, and this person's outbox is loaded.
    fn keep(&mut self, headers: Vec<BoardHeader>, complete: bool) {
        if let Some(header) = headers.first() {
            if self.user_id.as_ref() != Some(&header.me.user_id) {
                self.switch_person(header.me.user_id.clone());
            }
        }
        let listed: Vec<String> = headers.iter().map(|h| h.board.id.clone()).collect();
        for header in headers {
            let board = match self
                .boards
                .iter_mut()
                .find(|b| b.board.id == header.board.id)
            {
                Some(held) => {
                    held.refresh_from(header);
                    held.clone()
                }
                None => {
                    let board = LocalBoard::new(header);
                    self.boards.push(board.clone());
                    board
                }
            };
            self.command(Command::SaveBoard(board));
        }
        if complete {
            let gone: Vec<String> = self
                .boards
                .iter()
                .map(|b| b.board.id.clone())
                .filter(|id| !listed.contains(id))
                .collect();
            for id in gone {
                self.forget_board(&id);
            }
        }
        self.show(Part::Boards);
    }

    fn switch_person(&mut self, user_id: String) {
        for board in std::mem::take(&mut self.boards) {
            self.command(Command::ForgetBoard(board.board.id));
        }
        self.command(Command::SaveViewer(user_id.clone()));
        self.user_id = Some(user_id.clone());
        self.outbox = OutboxCopy::default();
        self.change_outbox(user_id, OutboxChange::Read);
    }

    fn forget_board(&mut self, board_id: &str) {
        self.boards.retain(|b| b.board.id != board_id);
        self.command(Command::ForgetBoard(board_id.to_string()));
        self.show(Part::Boards);
    }

    /// Someone signed out: forget the boards kept for them (a shared phone shows the next
    /// person nothing of theirs). Their unsent writes stay stored under their id, and go when
    /// they sign in again.
    fn forget_person(&mut self) {
        for board in std::mem::take(&mut self.boards) {
            self.command(Command::ForgetBoard(board.board.id));
        }
        if self.store == Store::Open {
            self.command(Command::ForgetViewer);
        }
        self.user_id = None;
        self.signed_in = false;
        self.outbox = OutboxCopy::default();
        self.show(Part::Boards);
        self.show(Part::Outbox);
    }

    fn enqueue(&mut self, mutation: Mutation) {
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

    fn ticket(&mut self) -> u64 {
        self.tickets += 1;
        self.tickets
    }

    fn change_outbox(&mut self, user_id: String, change: OutboxChange) {
        let ticket = self.ticket();
        self.outbox.change(ticket, change.clone());
        self.command(Command::ChangeOutbox {
            ticket,
            user_id,
            change,
        });
        self.show(Part::Outbox);
    }

    fn outbox_stored(&mut self, ticket: u64, stored: Result<Outbox, String>) {
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

    fn board_changed(&mut self, board_id: String, seq: i64) {
        match self.boards.iter().find(|b| b.board.id == board_id) {
            // Every connection starts with the current numbers: pull only what is news here.
            Some(board) if board.cursor >= seq => {}
            Some(_) => {
                let known = self.wanted.behind.entry(board_id).or_insert(seq);
                *known = (*known).max(seq);
            }
            // A board not kept here: a full round finds out whether it should be.
            None => self.wanted.full = true,
        }
    }

    /// Keeps the live stream open for the person's boards while it can help: once a round
    /// has reached the server (so a lapsed session does not knock on the stream too), while
    /// online and while the page is visible (hidden tabs would hold connections; coming back
    /// runs a round anyway).
    fn follow(&mut self, env: &Env) {
        let usable = !matches!(self.activity, Activity::Offline | Activity::SignedOut);
        let wanted = (self.rounds > 0
            && usable
            && !self.stream_gone
            && env.online
            && env.visible
            && !self.boards.is_empty())
        .then(|| {
            let mut ids: Vec<String> = self.boards.iter().map(|b| b.board.id.clone()).collect();
            ids.sort();
            ids
        });
        if wanted == self.following {
            return;
        }
        self.command(match &wanted {
            Some(ids) => Command::Follow(ids.clone()),
            None => Command::StopFollowing,
        });
        self.following = wanted;
    }
}
