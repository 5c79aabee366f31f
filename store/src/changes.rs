//! A board's change numbers: every write that changes what a board shows takes the next one,
//! which is what pulls follow (by cursor) and live announcements carry; and telling this
//! process's listeners (SQLite) or opening a feed of every process's changes (PostgreSQL).

use model::AppError;
use sqlx::{postgres::PgListener, Any, Transaction};

use crate::{
    error::{OrInternal, StorageError},
    live::{BoardChanged, ChangeFeed, Notice, CHANNEL},
    url::{redact, Backend},
    Db,
};

/// The board's next change number, taken under the board row's lock so that, per board,
/// changes commit in the order of their numbers (pulls by cursor never skip one).
pub(crate) async fn bump_sequence(
    tx: &mut Transaction<'static, Any>,
    board_id: &str,
) -> Result<i64, AppError> {
    sqlx::query_scalar("UPDATE boards SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq")
        .bind(board_id)
        .fetch_one(&mut **tx)
        .await
        .internal()
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

    /// After a committed change to posts of `board_id` that names no one post (a member
    /// removed): on SQLite, tell this process's subscribers (PostgreSQL's trigger covers every
    /// change).
    pub(crate) fn announce_board_change(&self, board_id: &str) {
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
