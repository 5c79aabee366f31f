//! A board's change numbers: every write that changes what a board shows takes the next one,
//! which is what pulls follow (by cursor) and live announcements carry; what a write did (the
//! number it moved, or why it was refused); and telling this process's listeners (SQLite) or
//! opening a feed of every process's changes (PostgreSQL).

use model::ids::{BoardId, UserId};
use model::{AppError, Refusal};
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
    board_id: &BoardId,
) -> Result<Moved, AppError> {
    let seq = sqlx::query_scalar(
        "UPDATE boards SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq",
    )
    .bind(board_id.as_str())
    .fetch_one(&mut **tx)
    .await
    .internal()?;
    Ok(Moved {
        board_id: board_id.clone(),
        seq,
    })
}

/// The ids of the posts on `board_id` that `condition` picks (`$2` is `user_id`), in order.
pub(crate) async fn posts_where(
    tx: &mut Transaction<'static, Any>,
    board_id: &BoardId,
    user_id: &UserId,
    condition: &str,
) -> Result<Vec<String>, AppError> {
    sqlx::query_scalar(&format!(
        "SELECT id FROM posts WHERE board_id = $1 AND {condition} ORDER BY id"
    ))
    .bind(board_id.as_str())
    .bind(user_id.as_str())
    .fetch_all(&mut **tx)
    .await
    .internal()
}

/// Gives each of `posts` the board's next number (and `assignment`, a fixed SQL fragment), so
/// every phone's next pull brings it; the last number moved to, if any.
pub(crate) async fn renumber(
    tx: &mut Transaction<'static, Any>,
    board_id: &BoardId,
    posts: &[String],
    assignment: &str,
) -> Result<Option<Moved>, AppError> {
    let mut moved = None;
    for post_id in posts {
        let next = bump_sequence(tx, board_id).await?;
        sqlx::query(&format!(
            "UPDATE posts SET seq = $1{assignment} WHERE id = $2"
        ))
        .bind(next.seq)
        .bind(post_id.as_str())
        .execute(&mut **tx)
        .await
        .internal()?;
        moved = Some(next);
    }
    Ok(moved)
}

/// Locks the board's row until the transaction ends, without changing it: writes that must
/// not interleave for one board (a removal and a re-join) take it first. SQLite's single writer
/// needs nothing more; on PostgreSQL this is the row lock `SELECT … FOR UPDATE` would take.
pub(crate) async fn lock_board(
    tx: &mut Transaction<'static, Any>,
    board_id: &BoardId,
) -> Result<(), AppError> {
    sqlx::query("UPDATE boards SET last_seq = last_seq WHERE id = $1")
        .bind(board_id.as_str())
        .execute(&mut **tx)
        .await
        .internal()?;
    Ok(())
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
    pub async fn board_seqs(&self, board_ids: &[BoardId]) -> Result<Vec<(BoardId, i64)>, AppError> {
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
                query = query.bind(id.as_str());
            }
            let found = query.fetch_all(self.pool()).await.internal()?;
            seqs.extend(found.into_iter().map(|(id, seq)| (BoardId::from(id), seq)));
        }
        Ok(seqs)
    }

    /// After a write committed: on SQLite, tell this process's subscribers the board's new
    /// number, as the write moved it (nothing to read again). PostgreSQL needs nothing here:
    /// its trigger has notified every process.
    pub(crate) fn announce(&self, moved: Moved) {
        if self.backend() != Backend::Sqlite {
            return;
        }
        let Moved { board_id, seq } = moved;
        // Err only when nobody in this process listens.
        let _ = self
            .announcer()
            .local
            .send(Notice::Changed(BoardChanged { board_id, seq }));
    }
}

/// A board's change number as a write moved it: what phones following the board must hear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Moved {
    pub board_id: BoardId,
    pub seq: i64,
}

/// What a write did: applied (moving its board's number, if phones must hear of it), or
/// refused for a reason the person can act on, which is recorded as its outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Written {
    Applied(Option<Moved>),
    Refused(Refusal),
}

/// A write refused because `reason`.
pub(crate) fn rejected(reason: Refusal) -> Written {
    Written::Refused(reason)
}
