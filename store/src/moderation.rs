//! Moderation writes, applied inside `apply`'s transaction and so exactly once like every
//! write: reports, hiding and restoring posts, dismissing reports, removing members and
//! letting them back. Every organiser action writes its audit-log line in that same
//! transaction, so the log never misses an action and never records one that did not happen.

use model::refusal::{OrganiserAction, Refusal};
use model::{
    ids::{now_ms, BoardId, PostId, UserId},
    moderation::{
        may_moderate, may_report, removal_refusal, AuditAction, Moderation, ReportReason,
    },
    views::Viewer,
    AppError, Role,
};
use sqlx::{Any, Transaction};

use crate::{
    access::membership_in,
    audit::Audit,
    changes::{bump_sequence, lock_board, rejected, Written},
    departure::depart,
    error::{is_unique_violation, OrInternal},
    Db,
};

type Tx = Transaction<'static, Any>;

/// Closes the open reports on a post that was hidden or removed: they were acted on.
pub(crate) async fn resolve_reports(
    tx: &mut Tx,
    post_id: &PostId,
    organiser_id: &UserId,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE reports SET status = 'actioned', resolved_by = $1, resolved_at_ms = $2 \
         WHERE post_id = $3 AND status = 'open'",
    )
    .bind(organiser_id.as_str())
    .bind(now_ms())
    .bind(post_id.as_str())
    .execute(&mut **tx)
    .await
    .internal()?;
    Ok(())
}

impl Db {
    /// Applies one moderation write for `viewer` in `apply`'s transaction.
    pub(crate) async fn apply_moderation(
        &self,
        tx: &mut Tx,
        viewer: &Viewer,
        action: &Moderation,
    ) -> Result<Written, AppError> {
        match action {
            Moderation::Report {
                report_id,
                post_id,
                reason,
                note,
            } => {
                self.report(tx, viewer, report_id, post_id, *reason, note)
                    .await
            }
            Moderation::HidePost { post_id, reason } => {
                self.set_hidden(tx, viewer, post_id, true, reason).await
            }
            Moderation::RestorePost { post_id, reason } => {
                self.set_hidden(tx, viewer, post_id, false, reason).await
            }
            Moderation::DismissReport { report_id } => dismiss_report(tx, viewer, report_id).await,
            Moderation::RemoveMember {
                board_id,
                member_id,
                reason,
            } => remove_member(tx, viewer, board_id, member_id, reason).await,
            Moderation::AllowBack {
                board_id,
                member_id,
            } => allow_back(tx, viewer, board_id, member_id).await,
        }
    }

    async fn report(
        &self,
        tx: &mut Tx,
        viewer: &Viewer,
        report_id: &str,
        post_id: &PostId,
        reason: ReportReason,
        note: &str,
    ) -> Result<Written, AppError> {
        let (post, _) = self.post_for_member(tx, viewer, post_id).await?;
        if !may_report(&viewer.user_id, &post.author_id) {
            return Err(AppError::Refused(Refusal::CannotReportOwnPost));
        }
        let already: Option<String> = sqlx::query_scalar(
            "SELECT id FROM reports WHERE id = $1 OR (post_id = $2 AND reporter_id = $3 AND status = 'open')",
        )
        .bind(report_id)
        .bind(post_id.as_str())
        .bind(viewer.user_id.as_str())
        .fetch_optional(&mut **tx)
        .await
        .internal()?;
        if already.is_some() {
            return Ok(rejected(Refusal::AlreadyReported));
        }
        let inserted = sqlx::query(
            "INSERT INTO reports (id, board_id, post_id, reporter_id, reason, note, status, created_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, 'open', $7)",
        )
        .bind(report_id)
        .bind(post.board_id.as_str())
        .bind(post_id.as_str())
        .bind(viewer.user_id.as_str())
        .bind(reason.as_str())
        .bind(note.trim())
        .bind(now_ms())
        .execute(&mut **tx)
        .await;
        match inserted {
            // Nothing a board shows changes: only organisers see reports.
            Ok(_) => Ok(Written::Applied(None)),
            // The same person's other report of this post committed a moment ago.
            Err(e) if is_unique_violation(&e) => Err(AppError::Refused(Refusal::AlreadyReported)),
            Err(e) => Err(e).internal(),
        }
    }

    async fn set_hidden(
        &self,
        tx: &mut Tx,
        viewer: &Viewer,
        post_id: &PostId,
        hide: bool,
        reason: &str,
    ) -> Result<Written, AppError> {
        // A hidden post is gone for anyone but organisers, who alone may hide or restore.
        let (post, membership) = self.post_for_member(tx, viewer, post_id).await?;
        if !may_moderate(membership.role) {
            return Err(AppError::Refused(Refusal::OrganisersOnly {
                action: OrganiserAction::HideOrRestore,
            }));
        }
        if (post.hidden != 0) == hide {
            return Ok(rejected(if hide {
                Refusal::AlreadyHidden
            } else {
                Refusal::NotHidden
            }));
        }
        // A new sequence number, so the next pull sends the post (to organisers) or its
        // tombstone (to everyone else), and after a restore sends it back.
        let moved = bump_sequence(tx, &post.board_id).await?;
        let hidden = if hide { "TRUE" } else { "FALSE" };
        sqlx::query(&format!(
            "UPDATE posts SET hidden = {hidden}, updated_at_ms = $1, seq = $2 WHERE id = $3"
        ))
        .bind(now_ms())
        .bind(moved.seq)
        .bind(post_id.as_str())
        .execute(&mut **tx)
        .await
        .internal()?;
        if hide {
            resolve_reports(tx, post_id, &viewer.user_id).await?;
        }
        let action = if hide {
            AuditAction::HidePost
        } else {
            AuditAction::RestorePost
        };
        let audit = Audit {
            board_id: &post.board_id,
            actor_id: &viewer.user_id,
            action,
            post_id: Some(post_id),
            member_id: None,
            reason,
        };
        audit.record(&mut **tx).await?;
        Ok(Written::Applied(Some(moved)))
    }
}

async fn dismiss_report(
    tx: &mut Tx,
    viewer: &Viewer,
    report_id: &str,
) -> Result<Written, AppError> {
    let not_found = || AppError::Refused(Refusal::ReportNotFound);
    let row: Option<(String, String, String, String)> =
        sqlx::query_as("SELECT board_id, post_id, status, reason FROM reports WHERE id = $1")
            .bind(report_id)
            .fetch_optional(&mut **tx)
            .await
            .internal()?;
    let (board_id, post_id, status, reason) = row.ok_or_else(not_found)?;
    let (board_id, post_id) = (BoardId::from(board_id), PostId::from(post_id));
    let membership = membership_in(&mut **tx, viewer, &board_id)
        .await
        .map_err(|_| not_found())?;
    if !may_moderate(membership.role) {
        return Err(AppError::Refused(Refusal::OrganisersOnly {
            action: OrganiserAction::DismissReports,
        }));
    }
    if status != "open" {
        return Ok(rejected(Refusal::ReportDealtWith));
    }
    sqlx::query(
        "UPDATE reports SET status = 'dismissed', resolved_by = $1, resolved_at_ms = $2 WHERE id = $3",
    )
    .bind(viewer.user_id.as_str())
    .bind(now_ms())
    .bind(report_id)
    .execute(&mut **tx)
    .await
    .internal()?;
    // The log says what the report was about; the reporter stays out of it.
    let about = ReportReason::parse(&reason).map_or(reason.clone(), |r| r.label().to_string());
    let audit = Audit {
        board_id: &board_id,
        actor_id: &viewer.user_id,
        action: AuditAction::DismissReport,
        post_id: Some(&post_id),
        member_id: None,
        reason: &format!("Reported as: {about}"),
    };
    audit.record(&mut **tx).await?;
    Ok(Written::Applied(None))
}

/// The member's role on the board and their name, if they are on it.
async fn member_of(
    tx: &mut Tx,
    board_id: &BoardId,
    member_id: &UserId,
) -> Result<Option<(Role, String)>, AppError> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT m.role, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.board_id = $1 AND m.user_id = $2",
    )
    .bind(board_id.as_str())
    .bind(member_id.as_str())
    .fetch_optional(&mut **tx)
    .await
    .internal()?;
    Ok(row.map(|(role, name)| (Role::parse(&role).unwrap_or(Role::Neighbour), name)))
}

async fn remove_member(
    tx: &mut Tx,
    viewer: &Viewer,
    board_id: &BoardId,
    member_id: &UserId,
    reason: &str,
) -> Result<Written, AppError> {
    // The board first, as a join and leaving take it: a removal and a re-join of the same
    // person cannot interleave, and an organiser who leaves at the same moment has either
    // gone (and may not remove) or is still here for the whole removal.
    lock_board(tx, board_id).await?;
    let membership = membership_in(&mut **tx, viewer, board_id).await?;
    if !may_moderate(membership.role) {
        return Err(AppError::Refused(Refusal::OrganisersOnly {
            action: OrganiserAction::RemoveMembers,
        }));
    }
    let Some((role, _name)) = member_of(tx, board_id, member_id).await? else {
        return Ok(rejected(Refusal::TheyLeftBoard));
    };
    let actor = (&viewer.user_id, membership.role);
    if let Some(why) = removal_refusal(actor, (member_id, role)) {
        return Err(AppError::Refused(why));
    }
    let now = now_ms();
    // The membership goes, and what they were helping with (or taking up) is open again.
    let moved = depart(tx, board_id, member_id, now).await?;
    sqlx::query(
        "INSERT INTO board_removals (board_id, user_id, removed_by, reason, removed_at_ms) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(board_id.as_str())
    .bind(member_id.as_str())
    .bind(viewer.user_id.as_str())
    .bind(reason.trim())
    .bind(now)
    .execute(&mut **tx)
    .await
    .internal()?;
    let audit = Audit {
        board_id,
        actor_id: &viewer.user_id,
        action: AuditAction::RemoveMember,
        post_id: None,
        member_id: Some(member_id),
        reason,
    };
    audit.record(&mut **tx).await?;
    Ok(Written::Applied(moved))
}

async fn allow_back(
    tx: &mut Tx,
    viewer: &Viewer,
    board_id: &BoardId,
    member_id: &UserId,
) -> Result<Written, AppError> {
    let membership = membership_in(&mut **tx, viewer, board_id).await?;
    if !may_moderate(membership.role) {
        return Err(AppError::Refused(Refusal::OrganisersOnly {
            action: OrganiserAction::LetMembersBack,
        }));
    }
    let deleted = sqlx::query("DELETE FROM board_removals WHERE board_id = $1 AND user_id = $2")
        .bind(board_id.as_str())
        .bind(member_id.as_str())
        .execute(&mut **tx)
        .await
        .internal()?;
    if deleted.rows_affected() == 0 {
        return Ok(rejected(Refusal::NotRemoved));
    }
    let audit = Audit {
        board_id,
        actor_id: &viewer.user_id,
        action: AuditAction::AllowBack,
        post_id: None,
        member_id: Some(member_id),
        reason: "",
    };
    audit.record(&mut **tx).await?;
    Ok(Written::Applied(None))
}
