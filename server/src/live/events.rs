//! `GET /sync/events?board_id=…[&board_id=…]`: a server-sent-events stream telling an open
//! page that boards it keeps have changed, so it pulls. Members only (401 signed out, 403 if
//! any board asked for is not theirs, before anything is sent). One stream carries all of a
//! page's boards: browsers allow six connections per site over HTTP/1.1, so one stream per
//! board would soon starve the page's own requests.
//!
//! Each message is `{"board_id":"…","seq":N}`, the board's change number, so a page already
//! that far along skips the pull. On every (re)connection the current numbers come first, so
//! nothing made while the browser was reconnecting is missed. Before each later message the
//! session and membership are checked again (for all of a board's streams at once, see `hub`):
//! someone signed out or removed gets a `gone` event (`{"board_id":"…"}`, or `{}` for the
//! session) and hears nothing more of that board.
//!
//! Streams are limited (see `limits`): a person's newest stream ends their oldest past their
//! share; past an address's share the answer is 429, past the process's cap 503, each with
//! `Retry-After`; the page keeps syncing on its timer.

use std::{collections::VecDeque, convert::Infallible, time::Duration};

use app::api::server::ClientAddress;
use axum::{
    extract::{RawQuery, State},
    http::{
        header::{self, HeaderName},
        HeaderMap, HeaderValue, StatusCode,
    },
    response::{
        sse::{Event, KeepAlive, Sse},
        IntoResponse, Response,
    },
};
use futures_util::stream::{self, Stream};
use model::{
    ids::BoardId,
    sync::wire::{BoardReached, StreamGone},
    AppError,
};
use store::StreamAccess;
use tokio::sync::{oneshot, watch};

use super::{
    hub::Following,
    limits::{StreamPermit, TooMany},
};
use crate::{signed_in::SignedIn, state::AppState, sync_api::SyncError};

/// Most boards one stream may follow (people belong to a handful).
pub const MAX_BOARDS: usize = 50;
/// A comment this often keeps proxies and phones from closing a quiet stream (nginx's default
/// read timeout is 60 s).
pub const KEEP_ALIVE: Duration = Duration::from_secs(20);
/// How long a browser waits before reconnecting: at least this, plus up to `RETRY_SPREAD`, so
/// pages do not all come back at the same instant after a restart.
const RETRY_MIN: Duration = Duration::from_secs(2);
const RETRY_SPREAD_MS: u32 = 3_000;

/// How long a refused stream is asked to wait before trying again.
const RETRY_AFTER_SECS: u64 = 60;

pub async fn events(
    State(state): State<AppState>,
    address: Option<axum::Extension<ClientAddress>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, SyncError> {
    let (db, hub, session) = (state.db, state.live, state.session);
    if hub.is_closing() {
        return Ok(StatusCode::SERVICE_UNAVAILABLE.into_response());
    }
    let SignedIn { viewer, token } = SignedIn::from_headers(&db, session, &headers).await?;
    let board_ids = board_ids(query.as_deref().unwrap_or_default())?;
    for board_id in &board_ids {
        db.membership_by_board_id(&viewer, board_id).await?;
    }
    // Only a stream that will be served takes a place.
    let address = address.map(|a| a.0 .0).unwrap_or_default();
    let permit = match state.streams.open(viewer.user_id.as_str(), &address) {
        Ok(permit) => permit,
        Err(too_many) => return Ok(refused(too_many)),
    };

    // Follow first, then read: a change committed in between is in the read or published.
    let session_key = store::session_key(&token);
    let mut following: Vec<Follow> = board_ids
        .iter()
        .map(|id| Follow {
            following: hub.follow(id, &session_key),
            sent: -1,
        })
        .collect();
    for (board_id, seq) in db.board_seqs(&board_ids).await? {
        hub.publish(&board_id, seq);
    }
    let mut ready = VecDeque::new();
    for follow in &mut following {
        let seq = *follow.following.changes.borrow_and_update();
        follow.sent = seq;
        ready.push_back(changed(&follow.following.board_id, seq));
    }
    if let Some(first) = ready.pop_front() {
        ready.push_front(first.retry(retry_hint()));
    }

    let stream = events_stream(Live {
        permit,
        following,
        closing: hub.closing(),
        ready,
        done: false,
    });
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive"))
        .into_response();
    // nginx reads this and passes the stream on as it comes instead of buffering it.
    response.headers_mut().insert(
        HeaderName::from_static("x-accel-buffering"),
        HeaderValue::from_static("no"),
    );
    Ok(response)
}

/// The answer to a stream past a limit: 429 for an address's share, 503 when the server is
/// full; both say when to try again.
fn refused(too_many: TooMany) -> Response {
    let mut response = match too_many {
        TooMany::Address => SyncError(AppError::TooManyAttempts {
            retry_after_secs: RETRY_AFTER_SECS,
        })
        .into_response(),
        TooMany::Server => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
    response
}

/// The `board_id`s asked for, each once, in order.
fn board_ids(query: &str) -> Result<Vec<BoardId>, AppError> {
    let mut ids: Vec<BoardId> = Vec::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if name == "board_id" && !value.is_empty() && !ids.iter().any(|id| *id == *value) {
            ids.push(BoardId::from(value.into_owned()));
        }
    }
    if ids.is_empty() || ids.len() > MAX_BOARDS {
        return Err(AppError::field(
            "board_id",
            format!("Ask with ?board_id=… for 1 to {MAX_BOARDS} boards."),
        ));
    }
    Ok(ids)
}

fn retry_hint() -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    RETRY_MIN + Duration::from_millis(u64::from(nanos % RETRY_SPREAD_MS))
}

fn changed(board_id: &BoardId, seq: i64) -> Event {
    let reached = BoardReached {
        board_id: board_id.clone(),
        seq,
    };
    Event::default().data(serde_json::json!(reached).to_string())
}

fn gone(board_id: Option<&BoardId>) -> Event {
    let gone = StreamGone {
        board_id: board_id.cloned(),
    };
    Event::default()
        .event("gone")
        .data(serde_json::json!(gone).to_string())
}

/// One board this stream follows, and the last number sent for it.
struct Follow {
    following: Following,
    sent: i64,
}

struct Live {
    /// This stream's place in the limits, given back when the stream ends; it also says when
    /// a newer stream of the same person has taken the place.
    permit: StreamPermit,
    following: Vec<Follow>,
    closing: watch::Receiver<bool>,
    /// Events to send before waiting again.
    ready: VecDeque<Event>,
    /// End once `ready` is sent.
    done: bool,
}

fn events_stream(live: Live) -> impl Stream<Item = Result<Event, Infallible>> + Send {
    stream::unfold(live, |mut live| async move {
        loop {
            if let Some(event) = live.ready.pop_front() {
                return Some((Ok(event), live));
            }
            if live.done || live.following.is_empty() {
                return None;
            }
            match next_change(
                &mut live.following,
                &mut live.closing,
                &mut live.permit.ended,
            )
            .await
            {
                Next::Changed(index) => live.send_news(index).await,
                Next::Closing => return None,
                // Said, so the page does not reconnect at once and end the person's next
                // oldest stream in turn (`Event::StreamReplaced` in the engine).
                Next::Replaced => {
                    live.ready
                        .push_back(Event::default().event("replaced").data("{}"));
                    live.done = true;
                }
            }
        }
    })
}

/// What a stream waits for next.
enum Next {
    /// A followed board changed: its index.
    Changed(usize),
    /// The server stops (or the hub went): end at once.
    Closing,
    /// A newer stream of the same person took this one's place: say so, then end.
    Replaced,
}

/// Waits for a followed board to change, the server to stop, or a newer stream of the same
/// person to take this one's place.
async fn next_change(
    following: &mut [Follow],
    closing: &mut watch::Receiver<bool>,
    replaced: &mut oneshot::Receiver<()>,
) -> Next {
    let changes = following.iter_mut().enumerate().map(|(index, follow)| {
        Box::pin(async move {
            // The hub keeps the sender while we follow, so this fails only if it is gone.
            follow
                .following
                .changes
                .changed()
                .await
                .ok()
                .map(|()| index)
        })
    });
    tokio::select! {
        _ = closing.wait_for(|closing| *closing) => Next::Closing,
        _ = replaced => Next::Replaced,
        (index, _, _) = futures_util::future::select_all(changes) => {
            index.map_or(Next::Closing, Next::Changed)
        }
    }
}

impl Live {
    /// Queues the board's new number, if it is news and the person may still hear it.
    async fn send_news(&mut self, index: usize) {
        let follow = &mut self.following[index];
        let seq = *follow.following.changes.borrow_and_update();
        if seq <= follow.sent {
            return;
        }
        let board_id = follow.following.board_id.clone();
        match follow.following.access_at(seq).await {
            Some(StreamAccess::Member) => {
                self.following[index].sent = seq;
                self.ready.push_back(changed(&board_id, seq));
            }
            Some(StreamAccess::NotAMember) => {
                self.following.remove(index);
                self.ready.push_back(gone(Some(&board_id)));
            }
            Some(StreamAccess::SignedOut) => {
                self.ready.push_back(gone(None));
                self.done = true;
            }
            // The database is not answering: end; the browser reconnects when it can.
            None => self.done = true,
        }
    }
}
