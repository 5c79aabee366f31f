//! Whether a volunteer's vetting is current: what a request needing vetting is checked
//! against, by claims, assignments, the board page and the pull.

use model::ids::BoardId;
use std::collections::HashSet;

use model::{ids::UserId, AppError};
use sqlx::Any;

use crate::error::OrInternal;

/// The condition that a vetting `t` is current at `$n` (no expiry, or not yet reached).
pub(crate) fn current_vetting(now_param: &str) -> String {
    format!("(t.expires_at_ms IS NULL OR t.expires_at_ms > {now_param})")
}

/// Whether `user_id` holds a current vetting on the board.
pub(crate) async fn is_vetted<'e, E>(
    executor: E,
    board_id: &BoardId,
    user_id: &UserId,
    now_ms: i64,
) -> Result<bool, AppError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let found: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT 1 FROM vettings t WHERE t.board_id = $1 AND t.user_id = $2 AND {} LIMIT 1",
        current_vetting("$3")
    ))
    .bind(board_id.as_str())
    .bind(user_id.as_str())
    .bind(now_ms)
    .fetch_optional(executor)
    .await
    .internal()?;
    Ok(found.is_some())
}

/// The boards on which `user_id` holds a current vetting.
pub(crate) async fn vetted_boards<'e, E>(
    executor: E,
    user_id: &UserId,
) -> Result<HashSet<BoardId>, AppError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let boards: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT DISTINCT t.board_id FROM vettings t WHERE t.user_id = $1 AND {}",
        current_vetting("$2")
    ))
    .bind(user_id.as_str())
    .bind(model::ids::now_ms())
    .fetch_all(executor)
    .await
    .internal()?;
    Ok(boards.into_iter().map(BoardId::from).collect())
}
