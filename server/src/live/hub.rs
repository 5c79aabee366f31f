//! The per-process hub: one `watch` channel per board someone here is following, made when
//! the first stream asks for it and dropped when the last one leaves. The database's change
//! feed (see `feed`) publishes each board's new change number into it.
//!
//! A `watch` channel holds only the latest number. That is all a page needs ("the board is at
//! 42: pull if you are behind"), so a slow client can never hold up the others or the
//! publisher, never needs a queue, and cannot fall behind by more than "changed".

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use model::ids::BoardId;
use store::Db;
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
    channels: HashMap<BoardId, watch::Sender<i64>>,
    /// Whether the task that feeds the hub from the database runs (started by the first
    /// stream, so a process or test nobody follows opens no listening connection).
    fed: bool,
}

/// One stream's hold on one board's channel; the channel goes when the last hold does.
pub struct Following {
    pub board_id: BoardId,
    pub changes: watch::Receiver<i64>,
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

    /// Starts following `board_id` (the caller has checked the person may).
    pub fn follow(&self, board_id: &BoardId) -> Following {
        let mut boards = self.inner.lock();
        if !boards.fed {
            boards.fed = true;
            feed::start(&self.inner);
        }
        let changes = boards
            .channels
            .entry(board_id.clone())
            .or_insert_with(|| watch::channel(0).0)
            .subscribe();
        Following {
            board_id: board_id.clone(),
            changes,
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
            .map(watch::Sender::receiver_count)
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
            channel.send_if_modified(|latest| {
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
}

impl Drop for Following {
    fn drop(&mut self) {
        let mut boards = self.hub.lock();
        // Our own receiver still counts here; under the lock nobody can subscribe meanwhile.
        if boards
            .channels
            .get(&self.board_id)
            .is_some_and(|channel| channel.receiver_count() <= 1)
        {
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
        let first = hub.follow(&elm);
        let second = hub.follow(&elm);
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
        let mut a = hub.follow(&elm);
        let mut b = hub.follow(&elm);
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
