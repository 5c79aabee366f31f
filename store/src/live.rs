//! Telling server processes that a board changed, so their open pages can pull.
//!
//! On PostgreSQL a trigger on `boards.last_seq` (migration 0005) runs
//! `pg_notify('board_changed', '<board id>:<seq>')` inside the changing transaction, so every
//! process listening hears of it when, and only if, the change commits, whichever code path
//! made it. SQLite is one process: the `Db` announces each applied mutation itself, after its
//! commit, to whoever in this process subscribed.
//!
//! This module holds the feed's types (below `Db`, which carries an `Announcer`); announcing
//! and opening a feed are `Db` methods in `changes`.

use model::ids::BoardId;
use std::{fmt, sync::Arc};

use sqlx::postgres::PgListener;
use tokio::sync::broadcast;

use crate::{error::StorageError, url::redact};

/// The PostgreSQL notification channel (named in migration 0005 too).
pub const CHANNEL: &str = "board_changed";

/// Local announcements not yet read by a slow subscriber; past this, it is told it may have
/// missed some and reads the boards' numbers again.
const LOCAL_CAPACITY: usize = 256;

/// Longest board id + ':' + seq accepted from a notification (ids are UUIDs).
const MAX_PAYLOAD: usize = 200;

/// A board's change sequence reached `seq`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardChanged {
    pub board_id: BoardId,
    pub seq: i64,
}

impl BoardChanged {
    /// Reads a notification's payload, `<board id>:<seq>`.
    pub fn parse(payload: &str) -> Option<Self> {
        if payload.len() > MAX_PAYLOAD {
            return None;
        }
        let (board_id, seq) = payload.rsplit_once(':')?;
        Some(Self {
            board_id: BoardId::from(board_id),
            seq: seq.parse().ok().filter(|s| *s >= 0)?,
        })
    }
}

/// What a change feed says next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    Changed(BoardChanged),
    /// Some changes may have gone unheard (the connection dropped, or the reader fell
    /// behind): read the current numbers of the boards you care about.
    MayHaveMissed,
}

/// The announcement side a `Db` carries; its clones share it.
#[derive(Clone)]
pub(crate) struct Announcer {
    pub(crate) local: broadcast::Sender<Notice>,
    /// Where to LISTEN on PostgreSQL (never printed: it may hold a password).
    pub(crate) url: Arc<str>,
}

impl Announcer {
    pub(crate) fn new(url: &str) -> Self {
        Self {
            local: broadcast::channel(LOCAL_CAPACITY).0,
            url: url.into(),
        }
    }
}

impl fmt::Debug for Announcer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Announcer")
            .field("url", &redact(&self.url))
            .field("local_subscribers", &self.local.receiver_count())
            .finish()
    }
}

/// Changes committed to the database, as one process hears them.
pub enum ChangeFeed {
    /// SQLite: what this process's `Db` announces.
    Local(broadcast::Receiver<Notice>),
    /// PostgreSQL: notifications from every process.
    Postgres(Box<PgListener>),
}

impl ChangeFeed {
    /// The next notice. An error means the feed is broken: open a new one (after a pause).
    pub async fn next(&mut self) -> Result<Notice, StorageError> {
        match self {
            Self::Local(receiver) => match receiver.recv().await {
                Ok(notice) => Ok(notice),
                Err(broadcast::error::RecvError::Lagged(_)) => Ok(Notice::MayHaveMissed),
                // The `Db` holds the sender, so this only happens once it is gone.
                Err(broadcast::error::RecvError::Closed) => {
                    Err(StorageError::Query(sqlx::Error::PoolClosed))
                }
            },
            Self::Postgres(listener) => loop {
                // `None`: the connection dropped and has been made again (LISTEN included);
                // anything sent meanwhile was lost.
                let Some(notification) = listener.try_recv().await? else {
                    return Ok(Notice::MayHaveMissed);
                };
                match BoardChanged::parse(notification.payload()) {
                    Some(change) => return Ok(Notice::Changed(change)),
                    None => tracing::warn!(
                        payload = notification.payload(),
                        "ignoring an unreadable {CHANNEL} notification"
                    ),
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_read_strictly() {
        assert_eq!(
            BoardChanged::parse("0190a1b2-c3d4:42"),
            Some(BoardChanged {
                board_id: "0190a1b2-c3d4".into(),
                seq: 42
            })
        );
        assert_eq!(BoardChanged::parse("no-seq"), None);
        assert_eq!(BoardChanged::parse("board:-1"), None);
        assert_eq!(BoardChanged::parse("board:lots"), None);
        assert_eq!(BoardChanged::parse(&"x".repeat(300)), None);
    }
}
