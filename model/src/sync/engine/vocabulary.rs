//! What the engine hears and says: the moment's surroundings (`Env`), what happened
//! (`Event`), what to do (`Command`), and the words they use.

use super::super::{
    local::LocalBoard,
    outbox::Outbox,
    wire::{BoardHeader, ErrorBody, PullResponse, PushRequest, PushResponse, PushResult},
};
use crate::{
    ids::{BoardId, UserId},
    Mutation, Refusal,
};

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
        viewer: Option<UserId>,
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
        board_id: BoardId,
        seq: i64,
    },
    /// The live stream was refused or closed for good (signed out, or off a board).
    StreamGone,
    /// The live stream was ended to make room for a newer one of the same person (past their
    /// share: many pages open at once). This page goes on without one, on its timer, until it
    /// is looked at again, so the person's pages do not end each other's streams in turn.
    StreamReplaced,
    /// A [`Command::ChangeOutbox`] finished: the outbox as now stored, or why it could not be.
    OutboxStored {
        ticket: u64,
        stored: Result<Outbox, String>,
    },
    Pushed(Result<PushResponse, NetError>),
    Listed(Result<Vec<BoardHeader>, NetError>),
    Pulled {
        board_id: BoardId,
        answer: Result<PullResponse, NetError>,
    },
}

/// What to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Remember who is signed in here, for the next page load.
    SaveViewer(UserId),
    ForgetViewer,
    SaveBoard(LocalBoard),
    ForgetBoard(BoardId),
    /// Change this person's stored outbox in one read-and-write (another tab may be writing
    /// too), then answer with [`Event::OutboxStored`] and the same ticket. Changes must be
    /// carried out in the order given.
    ChangeOutbox {
        ticket: u64,
        user_id: UserId,
        change: OutboxChange,
    },
    /// Send a batch; answer with [`Event::Pushed`].
    Push(PushRequest),
    /// Ask for the person's boards; answer with [`Event::Listed`].
    ListBoards,
    /// Ask what changed on a board since a cursor; answer with [`Event::Pulled`].
    Pull {
        board_id: BoardId,
        since: i64,
    },
    /// Send [`Event::Timer`] after this long, replacing any timer set before.
    Schedule {
        delay_ms: u64,
    },
    CancelTimer,
    /// Keep one live stream open for exactly these boards (opening it again if the browser
    /// gave up on it).
    Follow(Vec<BoardId>),
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
    /// 409 on a push: the session is not the writes' owner's. The writes wait for them.
    NotTheirSession,
    /// Anything else (a 5xx, a refused batch): try again later.
    Failed(String),
}

impl NetError {
    /// What an answer other than 200 means.
    pub fn from_status(status: u16, body: &str) -> Self {
        match status {
            401 => Self::SignedOut,
            403 | 404 => Self::Gone,
            409 if refused_as(body, &Refusal::NotYourWrites) => Self::NotTheirSession,
            _ => Self::Failed(format!("{status}: {body}")),
        }
    }
}

/// Whether an error body (`wire::ErrorBody`) carries `refusal`.
fn refused_as(body: &str, refusal: &Refusal) -> bool {
    serde_json::from_str::<ErrorBody>(body).is_ok_and(|body| body.refusal.as_ref() == Some(refusal))
}

impl std::fmt::Display for NetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unreachable => f.write_str("the server could not be reached"),
            Self::SignedOut => f.write_str("the session has ended"),
            Self::Gone => f.write_str("no longer on the board"),
            Self::NotTheirSession => f.write_str("the session is someone else's"),
            Self::Failed(detail) => write!(f, "the server refused: {detail}"),
        }
    }
}
