//! What organisers read on the moderation page: open reports by post, hidden posts, the
//! members (never their house numbers or contact details), removed members, and the audit
//! log. Organisers only; the reporter's name is withheld from an organiser who wrote the post.

use model::refusal::{OrganiserAction, Refusal};
use model::{
    ids::{BoardId, PostId, Slug, UserId},
    moderation::{
        may_moderate, removal_refusal, sees_reporter, AuditAction, AuditEntry, HiddenPost,
        MemberView, ModerationPage, RemovedMember, ReportReason, ReportView, ReportedPost,
    },
    views::Viewer,
    AppError, PostKind, Role,
};

use crate::{error::OrInternal, rows::looks_alike_on_board, Db};

/// The most log lines the page shows, newest first.
const LOG_LIMIT: i64 = 200;

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: String,
    #[sqlx(try_from = "String")]
    post_id: PostId,
    reason: String,
    note: String,
    created_at_ms: i64,
    reporter_name: String,
    title: String,
    kind: String,
    #[sqlx(try_from = "String")]
    author_id: UserId,
    author_name: String,
    hidden: i64,
}

#[derive(sqlx::FromRow)]
struct HiddenRow {
    #[sqlx(try_from = "String")]
    id: PostId,
    title: String,
    author_name: String,
    hidden_by: Option<String>,
    hidden_at_ms: Option<i64>,
    reason: Option<String>,
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    #[sqlx(try_from = "String")]
    user_id: UserId,
    display_name: String,
    role: String,
    street: String,
    name_mark: Option<String>,
    joined_at_ms: i64,
}

#[derive(sqlx::FromRow)]
struct LogRow {
    at_ms: i64,
    actor_name: String,
    action: String,
    post_id: Option<String>,
    post_title: Option<String>,
    member_name: Option<String>,
    reason: String,
}

impl Db {
    pub async fn moderation_page(
        &self,
        viewer: &Viewer,
        slug: &Slug,
    ) -> Result<ModerationPage, AppError> {
        let membership = self.require_membership(viewer, slug).await?;
        if !may_moderate(membership.role) {
            return Err(AppError::Refused(Refusal::OrganisersOnly {
                action: OrganiserAction::SeeModeration,
            }));
        }
        let board_id = &membership.board_id;
        let board = self
            .my_boards(viewer)
            .await?
            .into_iter()
            .find(|b| b.id == *board_id)
            .ok_or(AppError::Internal)?;
        Ok(ModerationPage {
            board,
            reports: self.open_reports(viewer, board_id).await?,
            hidden: self.hidden_posts(board_id).await?,
            members: self.members(viewer, membership.role, board_id).await?,
            removed: self.removed_members(board_id).await?,
            log: self.audit_log(board_id).await?,
        })
    }

    /// Open reports, grouped by post, posts in the order of their first report.
    async fn open_reports(
        &self,
        viewer: &Viewer,
        board_id: &BoardId,
    ) -> Result<Vec<ReportedPost>, AppError> {
        let rows: Vec<ReportRow> = sqlx::query_as(
            "SELECT r.id, r.post_id, r.reason, r.note, r.created_at_ms, u.display_name AS reporter_name, \
             p.title, p.kind, p.author_id, a.display_name AS author_name, \
             CASE WHEN p.hidden THEN 1 ELSE 0 END AS hidden \
             FROM reports r JOIN posts p ON p.id = r.post_id JOIN users u ON u.id = r.reporter_id \
             JOIN users a ON a.id = p.author_id \
             WHERE r.board_id = $1 AND r.status = 'open' AND p.removed = FALSE \
             ORDER BY r.created_at_ms, r.id",
        )
        .bind(board_id.as_str())
        .fetch_all(self.pool())
        .await
        .internal()?;
        let mut posts: Vec<ReportedPost> = Vec::new();
        for row in rows {
            let report = ReportView {
                id: row.id,
                reason: ReportReason::parse(&row.reason).unwrap_or(ReportReason::Other),
                note: row.note,
                reporter_name: sees_reporter(&viewer.user_id, &row.author_id)
                    .then_some(row.reporter_name),
                created_at_ms: row.created_at_ms,
            };
            match posts.iter_mut().find(|p| p.post_id == row.post_id) {
                Some(post) => post.reports.push(report),
                None => posts.push(ReportedPost {
                    post_id: row.post_id,
                    title: row.title,
                    kind: PostKind::parse(&row.kind).unwrap_or(PostKind::Request),
                    author_name: row.author_name,
                    hidden: row.hidden != 0,
                    reports: vec![report],
                }),
            }
        }
        Ok(posts)
    }

    /// Hidden posts, most recently hidden first, with who hid them last and why.
    async fn hidden_posts(&self, board_id: &BoardId) -> Result<Vec<HiddenPost>, AppError> {
        let rows: Vec<HiddenRow> = sqlx::query_as(
            "SELECT p.id, p.title, a.display_name AS author_name, h.display_name AS hidden_by, \
             l.at_ms AS hidden_at_ms, l.reason \
             FROM posts p JOIN users a ON a.id = p.author_id \
             LEFT JOIN audit_log l ON l.id = (SELECT l2.id FROM audit_log l2 \
                 WHERE l2.post_id = p.id AND l2.action = $2 ORDER BY l2.at_ms DESC, l2.id DESC LIMIT 1) \
             LEFT JOIN users h ON h.id = l.actor_id \
             WHERE p.board_id = $1 AND p.hidden = TRUE AND p.removed = FALSE \
             ORDER BY p.updated_at_ms DESC, p.id",
        )
        .bind(board_id.as_str())
        .bind(AuditAction::HidePost.as_str())
        .fetch_all(self.pool())
        .await
        .internal()?;
        Ok(rows
            .into_iter()
            .map(|row| HiddenPost {
                post_id: row.id,
                title: row.title,
                author_name: row.author_name,
                hidden_by: row.hidden_by,
                hidden_at_ms: row.hidden_at_ms,
                reason: row.reason.unwrap_or_default(),
            })
            .collect())
    }

    async fn members(
        &self,
        viewer: &Viewer,
        viewer_role: Role,
        board_id: &BoardId,
    ) -> Result<Vec<MemberView>, AppError> {
        let rows: Vec<MemberRow> = sqlx::query_as(concat!(
            "SELECT m.user_id, u.display_name, m.role, m.street, m.joined_at_ms, \
             CASE WHEN ",
            looks_alike_on_board!("u", "m.board_id"),
            " THEN m.street END AS name_mark \
             FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.board_id = $1 ORDER BY u.name_key",
        ))
        .bind(board_id.as_str())
        .fetch_all(self.pool())
        .await
        .internal()?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let role = Role::parse(&row.role).unwrap_or(Role::Neighbour);
                let actor = (&viewer.user_id, viewer_role);
                MemberView {
                    can_remove: removal_refusal(actor, (&row.user_id, role)).is_none(),
                    user_id: row.user_id,
                    display_name: row.display_name,
                    name_mark: row.name_mark,
                    role,
                    street: row.street,
                    joined_at_ms: row.joined_at_ms,
                }
            })
            .collect())
    }

    async fn removed_members(&self, board_id: &BoardId) -> Result<Vec<RemovedMember>, AppError> {
        let rows: Vec<(String, String, String, i64, String)> = sqlx::query_as(
            "SELECT r.user_id, u.display_name, b.display_name, r.removed_at_ms, r.reason \
             FROM board_removals r JOIN users u ON u.id = r.user_id \
             JOIN users b ON b.id = r.removed_by \
             WHERE r.board_id = $1 ORDER BY r.removed_at_ms DESC, r.user_id",
        )
        .bind(board_id.as_str())
        .fetch_all(self.pool())
        .await
        .internal()?;
        Ok(rows
            .into_iter()
            .map(
                |(user_id, display_name, removed_by, removed_at_ms, reason)| RemovedMember {
                    user_id: UserId::from(user_id),
                    display_name,
                    removed_by,
                    removed_at_ms,
                    reason,
                },
            )
            .collect())
    }

    /// The board's audit log, newest first.
    async fn audit_log(&self, board_id: &BoardId) -> Result<Vec<AuditEntry>, AppError> {
        let rows: Vec<LogRow> = sqlx::query_as(&format!(
            "SELECT l.at_ms, u.display_name AS actor_name, l.action, l.post_id, \
             p.title AS post_title, m.display_name AS member_name, l.reason \
             FROM audit_log l JOIN users u ON u.id = l.actor_id \
             LEFT JOIN posts p ON p.id = l.post_id LEFT JOIN users m ON m.id = l.member_id \
             WHERE l.board_id = $1 ORDER BY l.at_ms DESC, l.id DESC LIMIT {LOG_LIMIT}"
        ))
        .bind(board_id.as_str())
        .fetch_all(self.pool())
        .await
        .internal()?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                Some(AuditEntry {
                    at_ms: row.at_ms,
                    actor_name: row.actor_name,
                    action: AuditAction::parse(&row.action)?,
                    post_id: row.post_id.map(PostId::from),
                    post_title: row.post_title,
                    member_name: row.member_name,
                    reason: row.reason,
                })
            })
            .collect())
    }
}
