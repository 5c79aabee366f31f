//! The board's audit log: one line per organiser action, written in the action's own
//! transaction, so the log never misses an action and never records one that did not happen.

use model::{
    ids::{new_id, now_ms, BoardId, PostId, UserId},
    moderation::AuditAction,
    AppError,
};
use sqlx::Any;

use crate::error::OrInternal;

/// One line of the audit log: who did what, to which post or member, and why.
pub(crate) struct Audit<'a> {
    pub board_id: &'a BoardId,
    pub actor_id: &'a UserId,
    pub action: AuditAction,
    pub post_id: Option<&'a PostId>,
    pub member_id: Option<&'a UserId>,
    pub reason: &'a str,
}

impl Audit<'_> {
    /// Writes the line through `executor`: the transaction of the action it records.
    pub(crate) async fn record<'e, E>(self, executor: E) -> Result<(), AppError>
    where
        E: sqlx::Executor<'e, Database = Any>,
    {
        sqlx::query(
            "INSERT INTO audit_log (id, board_id, actor_id, action, post_id, member_id, reason, at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new_id())
        .bind(self.board_id.as_str())
        .bind(self.actor_id.as_str())
        .bind(self.action.as_str())
        .bind(self.post_id.map(PostId::as_str))
        .bind(self.member_id.map(UserId::as_str))
        .bind(self.reason.trim())
        .bind(now_ms())
        .execute(executor)
        .await
        .internal()?;
        Ok(())
    }
}
