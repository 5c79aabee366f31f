//! Taking a post on and ending that claim, one way for every path that does it (a claim, an
//! organiser's ask accepted, a hand-back, someone leaving the board), and the daily count of
//! claims and hand-backs that keeps one member from working through a street's posts.

use model::dates::DAY_MS;
use model::{
    ids::{PostId, UserId},
    moderation::AuditAction,
    AppError,
};
use sqlx::{Any, Transaction};

use crate::error::OrInternal;

/// Claims and hand-backs one member may make in a day, unless the server is told otherwise
/// (`Db::with_claims_per_day`). Ten is more than a good neighbour makes; a script collecting a
/// street's posts meets it quickly.
pub const MAX_CLAIMS_PER_DAY: i64 = 10;

/// The assignment that opens a claimed post again. The agreement to share details belonged to
/// that claim, so it ends with it: the next helper waits to be accepted afresh.
pub(crate) const REOPENED: &str =
    "status = 'open', claimed_by = NULL, claimed_at_ms = NULL, details_shared = FALSE";

/// Gives the open post `post_id` to `helper`, if it is still open and unexpired when this
/// transaction writes (a compare-and-set: of two claims, the first to commit wins). The
/// details are shared at once only where the request's author said so beforehand.
pub(crate) async fn take_on(
    tx: &mut Transaction<'static, Any>,
    post_id: &PostId,
    helper: &UserId,
    now: i64,
) -> Result<bool, AppError> {
    let updated = sqlx::query(
        "UPDATE posts SET status = 'claimed', claimed_by = $1, claimed_at_ms = $2, \
         updated_at_ms = $2, details_shared = (kind = 'request' AND share_details), \
         handed_back_by = NULL \
         WHERE id = $3 AND status = 'open' AND (expires_at_ms IS NULL OR expires_at_ms > $2)",
    )
    .bind(helper.as_str())
    .bind(now)
    .bind(post_id.as_str())
    .execute(&mut **tx)
    .await
    .internal()?;
    Ok(updated.rows_affected() == 1)
}

/// How many claims and hand-backs `member` made in the day before `now`, on any board (the
/// audit log records each, in the write's own transaction).
pub(crate) async fn claims_and_hand_backs_today(
    tx: &mut Transaction<'static, Any>,
    member: &UserId,
    now: i64,
) -> Result<i64, AppError> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE actor_id = $1 AND at_ms > $2 \
         AND action IN ($3, $4)",
    )
    .bind(member.as_str())
    .bind(now - DAY_MS)
    .bind(AuditAction::ClaimPost.as_str())
    .bind(AuditAction::HandBack.as_str())
    .fetch_one(&mut **tx)
    .await
    .internal()
}
