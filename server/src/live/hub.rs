//! The per-process hub: one `watch` channel per board someone here is following, made when
//! the first stream asks for it and dropped when the last one leaves. The database's change
//! feed (see `feed`) publishes each board's new change number into it.
//!
//! A `watch` channel holds only the latest number. That is all a page needs ("the board is at
//! 42: pull if you are behind"), so a slow client can never hold up the others or the
//! publisher, never needs a queue, and cannot fall behind by more than "changed".
//!
//! Before a stream passes a number on, its session and membership are checked again. The hub
//! does that once per board and number for all of the board's streams here (one query per few
//! hundred sessions, `Db::stream_access`), on a task of its own, every stream waiting for the
//! same answer; so a change reaching 10,000 open pages costs a few queries, not 20,000, and no
//! stream's request (one that went away, or one whose phone reads slowly) holds up the others.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use futures_util::{
    future::{BoxFuture, Shared},
    FutureExt,
};
use model::ids::BoardId;
use store::{Db, StreamAccess};
use tokio::sync::watch;

use super::feed;

/// The live-update hub of this process; cheap to clone.
#[derive(Clone)]
pub struct LiveHub {
    inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub(super) db: Db,
    boards: Mutex<Boards>,
    /// `true` once the server is stopping: every stream ends, so shutdown is not held up.
    closing: watch::Sender<bool>,
}

#[derive(Default)]
struct Boards {
    channels: HashMap<BoardId, Channel>,
    /// Whether the task that feeds the hub from the database runs (started by the first
    /// stream, so a process or test nobody follows opens no listening connection).
    fed: bool,
    /// The number the next stream to follow a board is known by.
    next_stream: u64,
}

/// One board's channel, and who follows it.
struct Channel {
    changes: watch::Sender<i64>,
    /// Each following stream's session key, by the stream's number.
    sessions: HashMap<u64, String>,
    /// The latest check of every stream here, and the board number it was made for.
    checked: Option<(i64, Check)>,
}

/// One check of all of a board's streams, running on a task of its own from the moment it is
/// made: `None` when the database did not answer. The sessions it asked about are its keys.
type Check = Shared<BoxFuture<'static, Option<Arc<HashMap<String, StreamAccess>>>>>;

/// One stream's hold on one board's channel; the channel goes when the last hold does.
pub struct Following {
    pub board_id: BoardId,
    pub changes: watch::Receiver<i64>,
    /// This stream's number on the board's channel, and its session's key.
    stream: u64,
    session_key: String,
    hub: Arc<Inner>,
}

impl LiveHub {
    pub fn new(db: Db) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                boards: Mutex::default(),
                closing: watch::channel(false).0,
            }),
        }
    }

    /// Starts following `board_id` for the session `session_key` (`store::session_key`; the
    /// caller has checked the person may).
    pub fn follow(&self, board_id: &BoardId, session_key: &str) -> Following {
        let mut boards = self.inner.lock();
        if !boards.fed {
            boards.fed = true;
            feed::start(&self.inner);
        }
        let stream = boards.next_stream;
        boards.next_stream += 1;
        let channel = boards
            .channels
            .entry(board_id.clone())
            .or_insert_with(|| Channel {
                changes: watch::channel(0).0,
                sessions: HashMap::new(),
                checked: None,
            });
        channel.sessions.insert(stream, session_key.to_string());
        Following {
            board_id: board_id.clone(),
            changes: channel.changes.subscribe(),
            stream,
            session_key: session_key.to_string(),
            hub: self.inner.clone(),
        }
    }

    /// The board reached `seq` (ignored when no one here follows it, or it is not news).
    pub fn publish(&self, board_id: &BoardId, seq: i64) {
        self.inner.publish(board_id, seq);
    }

    /// Ends every stream (the server is stopping) and refuses new ones.
    pub fn close(&self) {
        self.inner.closing.send_replace(true);
    }

    /// Resolves when the server starts stopping.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.inner.closing.subscribe()
    }

    pub fn is_closing(&self) -> bool {
        *self.inner.closing.borrow()
    }

    /// How many boards someone here follows, and how many streams follow them.
    pub fn counts(&self) -> (usize, usize) {
        let boards = self.inner.lock();
        let follows = boards
            .channels
            .values()
            .map(|channel| channel.changes.receiver_count())
            .sum();
        (boards.channels.len(), follows)
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Boards> {
        // Nothing under this lock can panic half-way, so a poisoned map is still whole.
        self.boards.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn publish(&self, board_id: &BoardId, seq: i64) {
        if let Some(channel) = self.lock().channels.get(board_id) {
            // Numbers only go up; an older or repeated one (two processes' notices, a
            // re-read after a reconnect) wakes nobody.
            channel.changes.send_if_modified(|latest| {
                let news = seq > *latest;
                if news {
                    *latest = seq;
                }
                news
            });
        }
    }

    /// The boards someone here follows, to read their numbers again after a gap.
    pub(super) fn followed(&self) -> Vec<BoardId> {
        self.lock().channels.keys().cloned().collect()
    }

    pub(super) fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// The check of `board_id`'s streams good for number `seq`: the latest one if it was made
    /// for `seq` or later (made after `seq` was published), else a new one, begun at once for
    /// every stream following the board now.
    fn check_for(&self, board_id: &BoardId, seq: i64) -> Option<Check> {
        let mut boards = self.lock();
        let channel = boards.channels.get_mut(board_id)?;
        if let Some((made_for, check)) = &channel.checked {
            if *made_for >= seq {
                return Some(check.clone());
            }
        }
        let sessions: HashSet<String> = channel.sessions.values().cloned().collect();
        let (db, board) = (self.db.clone(), board_id.clone());
        let running =
            tokio::spawn(
                async move { db.stream_access(&board, &sessions).await.ok().map(Arc::new) },
            );
        let check = async move { running.await.ok().flatten() }.boxed().shared();
        channel.checked = Some((seq, check.clone()));
        Some(check)
    }
}

impl Following {
    /// Whether this stream's person may still hear that the board reached `seq`, from one
    /// check of all the board's streams here; `None` when the database did not answer. A
    /// stream the check did not ask about is asked about alone, by the same rule (a safety
    /// net: a stream that follows later starts past the number checked).
    pub async fn access_at(&self, seq: i64) -> Option<StreamAccess> {
        if let Some(check) = self.hub.check_for(&self.board_id, seq) {
            if let Some(access) = check.await?.get(&self.session_key) {
                return Some(*access);
            }
        }
        let alone = HashSet::from([self.session_key.clone()]);
        let access = self
            .hub
            .db
            .stream_access(&self.board_id, &alone)
            .await
            .ok()?;
        access.get(&self.session_key).copied()
    }
}

impl Drop for Following {
    fn drop(&mut self) {
        let mut boards = self.hub.lock();
        let Some(channel) = boards.channels.get_mut(&self.board_id) else {
            return;
        };
        channel.sessions.remove(&self.stream);
        // Our own receiver still counts here; under the lock nobody can subscribe meanwhile.
        if channel.changes.receiver_count() <= 1 {
            boards.channels.remove(&self.board_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn hub() -> LiveHub {
        let url = format!(
            "sqlite://{}/hub-{}-{}.db",
            std::env::temp_dir().join("streetboard-tests").display(),
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        );
        LiveHub::new(Db::connect(&url).await.expect("sqlite"))
    }

    #[tokio::test]
    async fn a_channel_lives_while_someone_follows_the_board() {
        let hub = hub().await;
        let elm = BoardId::from("elm");
        let first = hub.follow(&elm, "a");
        let second = hub.follow(&elm, "b");
        assert_eq!(hub.counts(), (1, 2));
        drop(first);
        assert_eq!(hub.counts(), (1, 1));
        drop(second);
        assert_eq!(hub.counts(), (0, 0));
        hub.close();
    }

    #[tokio::test]
    async fn numbers_only_go_up_and_reach_every_follower() {
        let hub = hub().await;
        let [elm, ash] = ["elm", "ash"].map(BoardId::from);
        let mut a = hub.follow(&elm, "a");
        let mut b = hub.follow(&elm, "b");
        hub.publish(&elm, 3);
        hub.publish(&elm, 2);
        hub.publish(&ash, 9);
        assert!(a.changes.has_changed().expect("open"));
        assert_eq!(*a.changes.borrow_and_update(), 3);
        assert_eq!(*b.changes.borrow_and_update(), 3);
        hub.publish(&elm, 3);
        assert!(!a.changes.has_changed().expect("open"));
        hub.close();
    }
}
