//! Telling server processes that a board changed, so their open pages can pull.
//!
//! On PostgreSQL a trigger on `boards.last_seq` (migration 0005) runs
//! `pg_notify('board_changed', '<board id>:<seq>')` inside the changing transaction, so every
//! process listening hears of it when, and only if, the change commits, whichever code path
//! made it. SQLite is one process: the `Db` announces each applied mutation itself, after its
//! commit, to whoever in this process subscribed.

use std::{fmt, sync::Arc};

use model::AppError;
use sqlx::postgres::PgListener;
use tokio::sync::broadcast;

use crate::{error::OrInternal, redact, Backend, Db, StorageError};

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
    pub board_id: String,
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
            board_id: board_id.to_string(),
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
    local: broadcast::Sender<Notice>,
    /// Where to LISTEN on PostgreSQL (never printed: it may hold a password).
    url: Arc<str>,
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

impl Db {
    /// Opens a feed of committed board changes: on PostgreSQL its own connection, listening
    /// (changes from every process); on SQLite, this process's announcements.
    pub async fn change_feed(&self) -> Result<ChangeFeed, StorageError> {
        match self.backend() {
            Backend::Sqlite => Ok(ChangeFeed::Local(self.announcer().local.subscribe())),
            Backend::Postgres => {
                let mut listener =
                    PgListener::connect(&self.announcer().url)
                        .await
                        .map_err(|source| StorageError::Connect {
                            url: redact(&self.announcer().url),
                            source,
                        })?;
                listener.listen(CHANNEL).await?;
                Ok(ChangeFeed::Postgres(Box::new(listener)))
            }
        }
    }

    /// The current change number of each of these boards that exists.
    pub async fn board_seqs(&self, board_ids: &[String]) -> Result<Vec<(String, i64)>, AppError> {
        let mut seqs = Vec::with_capacity(board_ids.len());
        // Well under both databases' limits on bound parameters.
        for chunk in board_ids.chunks(500) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
            let sql = format!(
                "SELECT id, last_seq FROM boards WHERE id IN ({})",
                placeholders.join(", ")
            );
            let mut query = sqlx::query_as::<_, (String, i64)>(&sql);
            for id in chunk {
                query = query.bind(id);
            }
            seqs.extend(query.fetch_all(self.pool()).await.internal()?);
        }
        Ok(seqs)
    }

    /// After a mutation on the post `post_id` committed: on SQLite, tell this process's
    /// subscribers which board it changed. PostgreSQL needs nothing here: its trigger has
    /// notified every process.
    pub(crate) fn announce_post_change(&self, post_id: &str) {
        self.announce(Changed::Post(post_id.to_string()));
    }

    /// After a change to `board_id` committed by other means than [`Db::apply`]: on SQLite,
    /// tell this process's subscribers (PostgreSQL's trigger covers every change).
    pub fn announce_board_change(&self, board_id: &str) {
        self.announce(Changed::Board(board_id.to_string()));
    }

    /// Reads the board's new number in a task, off the caller's path; does nothing at all when
    /// nobody in this process listens.
    fn announce(&self, changed: Changed) {
        if self.backend() != Backend::Sqlite || self.announcer().local.receiver_count() == 0 {
            return;
        }
        let db = self.clone();
        tokio::spawn(async move {
            let (sql, id) = match &changed {
                Changed::Post(id) => (
                    "SELECT b.id, b.last_seq FROM posts p JOIN boards b ON b.id = p.board_id WHERE p.id = $1",
                    id,
                ),
                Changed::Board(id) => ("SELECT id, last_seq FROM boards WHERE id = $1", id),
            };
            let found: Result<Option<(String, i64)>, sqlx::Error> =
                sqlx::query_as(sql).bind(id).fetch_optional(db.pool()).await;
            let notice = match found {
                Ok(Some((board_id, seq))) => Notice::Changed(BoardChanged { board_id, seq }),
                // A change that names no post, or a failed read: subscribers read again.
                Ok(None) | Err(_) => Notice::MayHaveMissed,
            };
            // Err only when the last subscriber left meanwhile.
            let _ = db.announcer().local.send(notice);
        });
    }
}

/// What committed, as far as the writer knows.
enum Changed {
    Post(String),
    Board(String),
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
