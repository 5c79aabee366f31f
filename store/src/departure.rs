//! When someone stops being a member of a board (they leave, or its organisers remove them):
//! what they were helping with, or taking up, is open again for someone else, each post with a
//! new change number so every phone hears of it. Nobody is left waiting on a helper who can no
//! longer see the board, and a departed helper keeps no hold on a neighbour's contact details.

use model::{
    ids::{BoardId, UserId},
    AppError,
};
use sqlx::{Any, Transaction};

use crate::{
    changes::{bump_sequence, Moved},
    claims::REOPENED,
    error::OrInternal,
};

/// Ends `member_id`'s membership of `board_id` (the house number kept in it goes with it) and
/// opens again what they held; the last change number it moved the board to, if it moved it.
pub(crate) async fn depart(
    tx: &mut Transaction<'static, Any>,
    board_id: &BoardId,
    member_id: &UserId,
    now: i64,
) -> Result<Option<Moved>, AppError> {
    sqlx::query("DELETE FROM memberships WHERE board_id = $1 AND user_id = $2")
        .bind(board_id.as_str())
        .bind(member_id.as_str())
        .execute(&mut **tx)
        .await
        .internal()?;
    reopen_what_they_held(tx, board_id, member_id, now).await
}

/// Opens again every post on `board_id` that `member_id` holds; the last change number it
/// moved the board to, if it moved it.
async fn reopen_what_they_held(
    tx: &mut Transaction<'static, Any>,
    board_id: &BoardId,
    member_id: &UserId,
    now: i64,
) -> Result<Option<Moved>, AppError> {
    let held: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM posts WHERE board_id = $1 AND claimed_by = $2 AND status = 'claimed' \
         ORDER BY id",
    )
    .bind(board_id.as_str())
    .bind(member_id.as_str())
    .fetch_all(&mut **tx)
    .await
    .internal()?;
    let mut moved = None;
    for post_id in &held {
        let next = bump_sequence(tx, board_id).await?;
        sqlx::query(&format!(
            "UPDATE posts SET {REOPENED}, handed_back_by = $4, updated_at_ms = $1, seq = $2 \
             WHERE id = $3"
        ))
        .bind(now)
        .bind(next.seq)
        .bind(post_id.as_str())
        // Their authors are told, as when a helper hands back.
        .bind(member_id.as_str())
        .execute(&mut **tx)
        .await
        .internal()?;
        moved = Some(next);
    }
    Ok(moved)
}
