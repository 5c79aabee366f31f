//! When someone stops being a member of a board (they leave, or its organisers remove them):
//! what they were helping with, or taking up, is open again for someone else, each post with a
//! new change number so every phone hears of it. Nobody is left waiting on a helper who can no
//! longer see the board, and a departed helper keeps no hold on a neighbour's contact details.
//! When the last organiser goes (they leave, or delete their account), the member longest on the
//! board becomes its organiser, so a street is never left with nobody who can invite a neighbour
//! or hide a post.

use model::{
    ids::{BoardId, UserId},
    moderation::AuditAction,
    AppError, Role,
};
use sqlx::{Any, Transaction};

use crate::{
    audit::Audit,
    changes::{bump_sequence, Moved},
    claims::REOPENED,
    error::OrInternal,
    name_changes::renumber_for_look_alikes,
};

/// Ends `member_id`'s membership of `board_id` (the house number kept in it goes with it) and
/// opens again what they held; the last change number it moved the board to, if it moved it.
pub(crate) async fn depart(
    tx: &mut Transaction<'static, Any>,
    board_id: &BoardId,
    member_id: &UserId,
    now: i64,
) -> Result<Option<Moved>, AppError> {
    let role: Option<String> =
        sqlx::query_scalar("SELECT role FROM memberships WHERE board_id = $1 AND user_id = $2")
            .bind(board_id.as_str())
            .bind(member_id.as_str())
            .fetch_optional(&mut **tx)
            .await
            .internal()?;
    sqlx::query("DELETE FROM memberships WHERE board_id = $1 AND user_id = $2")
        .bind(board_id.as_str())
        .bind(member_id.as_str())
        .execute(&mut **tx)
        .await
        .internal()?;
    // Only an organiser's going hands organising on: a neighbour leaving a board that has
    // none (one left before hand-overs existed) is not made the one who chose the next.
    if role.as_deref() == Some(Role::Organiser.as_str()) {
        keep_an_organiser(tx, board_id, member_id).await?;
    }
    let reopened = reopen_what_they_held(tx, board_id, member_id, now).await?;
    // A look-alike still here no longer needs their street beside their name.
    let renumbered = renumber_for_look_alikes(tx, board_id, member_id).await?;
    Ok(renumbered.or(reopened))
}

/// `departed`, an organiser, has gone: if they were the last, makes the member longest on the
/// board its organiser (never a partner's staff: partners support a street, they do not run it), and
/// says so in the board's log.
async fn keep_an_organiser(
    tx: &mut Transaction<'static, Any>,
    board_id: &BoardId,
    departed: &UserId,
) -> Result<(), AppError> {
    let organisers: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE board_id = $1 AND role = $2")
            .bind(board_id.as_str())
            .bind(Role::Organiser.as_str())
            .fetch_one(&mut **tx)
            .await
            .internal()?;
    if organisers > 0 {
        return Ok(());
    }
    let longest: Option<String> = sqlx::query_scalar(
        "SELECT user_id FROM memberships WHERE board_id = $1 AND role <> $2 \
         ORDER BY joined_at_ms, user_id LIMIT 1",
    )
    .bind(board_id.as_str())
    .bind(Role::Partner.as_str())
    .fetch_optional(&mut **tx)
    .await
    .internal()?;
    let Some(longest) = longest.map(UserId::from) else {
        return Ok(());
    };
    sqlx::query("UPDATE memberships SET role = $1 WHERE board_id = $2 AND user_id = $3")
        .bind(Role::Organiser.as_str())
        .bind(board_id.as_str())
        .bind(longest.as_str())
        .execute(&mut **tx)
        .await
        .internal()?;
    let handed_over = Audit {
        board_id,
        actor_id: departed,
        action: AuditAction::HandOverOrganising,
        post_id: None,
        member_id: Some(&longest),
        reason: "",
    };
    handed_over.record(&mut **tx).await
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
