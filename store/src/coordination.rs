//! Coordination: the organisers' queue of open requests with suggested volunteers, the
//! roster with each volunteer's load, asking a volunteer to help (an assignment), the
//! volunteer's "my tasks", and their answer. The rules themselves (overdue, suggestion order)
//! are plain functions in `model::coordination`.

use model::refusal::{OrganiserAction, Refusal};
use std::collections::HashMap;

use model::{
    coordination::{
        queue_order, suggest, Candidate, Coordination, CoordinationPage, Need, OpenRequest,
        RosterEntry, Suggestion, Task, VettingView, VolunteerLoad, LOAD_WINDOW_MS,
        SUGGESTIONS_SHOWN,
    },
    ids::{now_ms, BoardId, PostId, Slug, UserId},
    moderation::AuditAction,
    rules::{may_coordinate, may_record_vetting, sees_vetting_details},
    views::{PostPermissions, Viewer},
    volunteer::is_current,
    AppError, PostKind, PostStatus, Role,
};
use sqlx::{Any, Transaction};

use crate::{
    audit::Audit,
    changes::{rejected, Written},
    claims::take_on,
    error::OrInternal,
    rows::{PostRow, ProfileRow, POST_COLUMNS, POST_JOINS, PROFILE_COLUMNS},
    vetting::current_vetting,
    Db,
};

#[derive(sqlx::FromRow)]
struct CandidateRow {
    #[sqlx(try_from = "String")]
    user_id: UserId,
    display_name: String,
    #[sqlx(flatten)]
    profile: ProfileRow,
    recent_tasks: i64,
    last_claim_ms: Option<i64>,
    last_asked_ms: Option<i64>,
    vetted: i64,
}

/// The board's volunteers (or just `only`) with their load: requests they took on in the
/// last 7 days plus those they are asked about and have not answered, and when they last
/// took one on or were asked.
pub(crate) async fn candidates<'e, E>(
    executor: E,
    board_id: &BoardId,
    only: Option<&UserId>,
) -> Result<Vec<Candidate>, AppError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let now = now_ms();
    let only_condition = if only.is_some() {
        " AND v.user_id = $4"
    } else {
        ""
    };
    let sql = format!(
        "SELECT v.user_id, u.display_name, {PROFILE_COLUMNS}, \
         (SELECT COUNT(*) FROM posts p WHERE p.board_id = v.board_id AND p.claimed_by = v.user_id \
            AND p.kind = 'request' AND p.claimed_at_ms >= $2) \
         + (SELECT COUNT(*) FROM assignments a JOIN posts p ON p.id = a.post_id \
            WHERE a.board_id = v.board_id AND a.volunteer_id = v.user_id AND a.answer IS NULL \
            AND p.status = 'open') AS recent_tasks, \
         (SELECT MAX(p.claimed_at_ms) FROM posts p WHERE p.board_id = v.board_id \
            AND p.claimed_by = v.user_id AND p.kind = 'request') AS last_claim_ms, \
         (SELECT MAX(a.assigned_at_ms) FROM assignments a WHERE a.board_id = v.board_id \
            AND a.volunteer_id = v.user_id AND a.answer IS NULL) AS last_asked_ms, \
         CASE WHEN EXISTS (SELECT 1 FROM vettings t WHERE t.board_id = v.board_id \
            AND t.user_id = v.user_id AND {}) THEN 1 ELSE 0 END AS vetted \
         FROM volunteers v JOIN users u ON u.id = v.user_id \
         WHERE v.board_id = $1{only_condition} ORDER BY u.display_name, v.user_id",
        current_vetting("$3")
    );
    let mut query = sqlx::query_as::<_, CandidateRow>(&sql)
        .bind(board_id.as_str())
        .bind(now - LOAD_WINDOW_MS)
        .bind(now);
    if let Some(user_id) = only {
        query = query.bind(user_id.as_str());
    }
    let rows = query.fetch_all(executor).await.internal()?;
    Ok(rows
        .into_iter()
        .map(|row| Candidate {
            profile: row.profile.profile(),
            paused: row.profile.paused != 0,
            vetted: row.vetted != 0,
            recent_tasks: u32::try_from(row.recent_tasks).unwrap_or(u32::MAX),
            last_task_at_ms: row.last_claim_ms.max(row.last_asked_ms),
            user_id: row.user_id,
            name: row.display_name,
        })
        .collect())
}

/// A claim went through: the claimant's own pending assignment is accepted, anyone else's is
/// overtaken (they need not answer any more).
pub(crate) async fn settle_assignments(
    tx: &mut Transaction<'static, Any>,
    post_id: &PostId,
    claimant_id: &UserId,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE assignments SET answer = CASE WHEN volunteer_id = $1 THEN 'accepted' \
         ELSE 'overtaken' END, answered_at_ms = $2 WHERE post_id = $3 AND answer IS NULL",
    )
    .bind(claimant_id.as_str())
    .bind(now)
    .bind(post_id.as_str())
    .execute(&mut **tx)
    .await
    .internal()?;
    Ok(())
}

/// Who is applying a coordination write, and what they may do to the post.
pub(crate) struct Acting<'a> {
    pub viewer: &'a Viewer,
    /// The mutation's id, which names the assignment it makes.
    pub mutation_id: &'a str,
    pub role: Role,
    pub may: &'a PostPermissions,
    /// The viewer holds a current vetting on the board.
    pub vetted: bool,
    pub now: i64,
}

/// Why nobody can be asked to help with (or accept) `post` now, or `None` when it is open.
fn not_open(post: &PostRow) -> Option<Written> {
    match post.status() {
        PostStatus::Open => None,
        PostStatus::Claimed => Some(rejected(Refusal::AlreadyHelping {
            helper: post.claimed_by_name.clone(),
        })),
        PostStatus::Done => Some(rejected(Refusal::NoLongerOpen {
            status: PostStatus::Done,
        })),
        PostStatus::Withdrawn => Some(rejected(Refusal::NoLongerOpen {
            status: PostStatus::Withdrawn,
        })),
        PostStatus::Expired => Some(rejected(Refusal::NoLongerOpen {
            status: PostStatus::Expired,
        })),
    }
}

impl Db {
    /// Applies `change` to `post` inside the mutation's transaction: `None` when applied (the
    /// post's sequence is bumped by the caller), else what it came to instead (a refusal, or
    /// nothing to change).
    pub(crate) async fn apply_coordination(
        &self,
        tx: &mut Transaction<'static, Any>,
        acting: Acting<'_>,
        post: &PostRow,
        change: &Coordination,
    ) -> Result<Option<Written>, AppError> {
        let Acting {
            viewer, now, may, ..
        } = acting;
        let needs_vetting = post.needs_vetting != 0;
        match change {
            Coordination::SetNeedsVetting {
                needs_vetting: wanted,
                ..
            } => {
                if !may.is_organiser {
                    return Err(AppError::Refused(Refusal::OrganisersOnly {
                        action: OrganiserAction::MarkNeedsVetting,
                    }));
                }
                if !may.can_set_needs_vetting {
                    return Ok(Some(rejected(Refusal::CannotMarkNow)));
                }
                let value = if *wanted { "TRUE" } else { "FALSE" };
                sqlx::query(&format!(
                    "UPDATE posts SET needs_vetting = {value}, updated_at_ms = $1 WHERE id = $2"
                ))
                .bind(now)
                .bind(post.id.as_str())
                .execute(&mut **tx)
                .await
                .internal()?;
                let action = if *wanted {
                    AuditAction::MarkNeedsVetting
                } else {
                    AuditAction::UnmarkNeedsVetting
                };
                audit(viewer, post, action, None).record(&mut **tx).await?;
            }
            Coordination::Assign { volunteer_id, .. } => {
                if !may_coordinate(acting.role) {
                    return Err(AppError::Refused(Refusal::OrganisersOnly {
                        action: OrganiserAction::AskVolunteers,
                    }));
                }
                if post.kind() != PostKind::Request {
                    return Ok(Some(rejected(Refusal::OnlyRequestsAssigned)));
                }
                if let Some(refusal) = not_open(post) {
                    return Ok(Some(refusal));
                }
                let found = candidates(&mut **tx, &post.board_id, Some(volunteer_id)).await?;
                let Some(volunteer) = found.first() else {
                    return Ok(Some(rejected(Refusal::TheyAreNotAVolunteer)));
                };
                let name = &volunteer.name;
                if volunteer.user_id == post.author_id {
                    return Ok(Some(rejected(Refusal::VolunteerIsAuthor {
                        name: name.clone(),
                    })));
                }
                if volunteer.paused {
                    return Ok(Some(rejected(Refusal::VolunteerPaused {
                        name: name.clone(),
                    })));
                }
                if needs_vetting && !volunteer.vetted {
                    return Ok(Some(rejected(Refusal::VolunteerNotVetted {
                        name: name.clone(),
                    })));
                }
                if volunteer.recent_tasks >= volunteer.profile.max_per_week {
                    return Ok(Some(rejected(Refusal::VolunteerAtLimit {
                        name: name.clone(),
                        tasks: volunteer.recent_tasks,
                    })));
                }
                // Whoever was asked before need not answer now.
                sqlx::query(
                    "UPDATE assignments SET answer = 'overtaken', answered_at_ms = $1 \
                     WHERE post_id = $2 AND answer IS NULL",
                )
                .bind(now)
                .bind(post.id.as_str())
                .execute(&mut **tx)
                .await
                .internal()?;
                sqlx::query(
                    "INSERT INTO assignments (id, post_id, board_id, volunteer_id, assigned_by, \
                     assigned_at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(acting.mutation_id)
                .bind(post.id.as_str())
                .bind(post.board_id.as_str())
                .bind(volunteer_id.as_str())
                .bind(viewer.user_id.as_str())
                .bind(now)
                .execute(&mut **tx)
                .await
                .internal()?;
                let asked = audit(viewer, post, AuditAction::AskVolunteer, Some(volunteer_id));
                asked.record(&mut **tx).await?;
            }
            Coordination::Accept { .. } => {
                if post.claimed_by.as_ref() == Some(&viewer.user_id) {
                    // Already theirs: nothing to change.
                    return Ok(Some(Written::Applied(None)));
                }
                if let Some(refusal) = not_open(post) {
                    return Ok(Some(refusal));
                }
                if !self.is_asked(tx, &post.id, &viewer.user_id).await? {
                    return Ok(not_asked());
                }
                if needs_vetting && !acting.vetted {
                    return Ok(Some(rejected(Refusal::YourVettingLapsed)));
                }
                // Compare-and-set, as a claim: if someone claimed it meanwhile, they have it.
                if !take_on(tx, &post.id, &viewer.user_id, now).await? {
                    return Ok(Some(rejected(Refusal::SomeoneElseFirst)));
                }
                let took_on = Audit {
                    board_id: &post.board_id,
                    actor_id: &viewer.user_id,
                    action: AuditAction::ClaimPost,
                    post_id: Some(&post.id),
                    member_id: None,
                    reason: "",
                };
                took_on.record(&mut **tx).await?;
                settle_assignments(tx, &post.id, &viewer.user_id, now).await?;
            }
            Coordination::Decline { .. } => {
                if !self.is_asked(tx, &post.id, &viewer.user_id).await? {
                    return Ok(not_asked());
                }
                sqlx::query(
                    "UPDATE assignments SET answer = 'declined', answered_at_ms = $1 \
                     WHERE post_id = $2 AND volunteer_id = $3 AND answer IS NULL",
                )
                .bind(now)
                .bind(post.id.as_str())
                .bind(viewer.user_id.as_str())
                .execute(&mut **tx)
                .await
                .internal()?;
            }
        }
        Ok(None)
    }

    /// Whether `user_id` has been asked to help with the post and not answered.
    async fn is_asked(
        &self,
        tx: &mut Transaction<'static, Any>,
        post_id: &PostId,
        user_id: &UserId,
    ) -> Result<bool, AppError> {
        let found: Option<String> = sqlx::query_scalar(
            "SELECT id FROM assignments WHERE post_id = $1 AND volunteer_id = $2 AND answer IS NULL",
        )
        .bind(post_id.as_str())
        .bind(user_id.as_str())
        .fetch_optional(&mut **tx)
        .await
        .internal()?;
        Ok(found.is_some())
    }

    /// `/b/:slug/coordinate`: for organisers, the queue and the roster; for partners, the
    /// roster only (to record vetting), without anyone's load or times.
    pub async fn coordination_page(
        &self,
        viewer: &Viewer,
        slug: &Slug,
    ) -> Result<CoordinationPage, AppError> {
        let membership = self.require_membership(viewer, slug).await?;
        let organiser = may_coordinate(membership.role);
        if !organiser && !may_record_vetting(membership.role) {
            return Err(AppError::Refused(Refusal::OrganisersOnly {
                action: OrganiserAction::Coordinate,
            }));
        }
        let board = self
            .my_boards(viewer)
            .await?
            .into_iter()
            .find(|b| b.id == membership.board_id)
            .ok_or(AppError::Internal)?;
        let now = now_ms();
        let volunteers = candidates(self.pool(), &board.id, None).await?;
        let vettings = self.vettings_on(&board.id, now).await?;
        let roster = volunteers
            .iter()
            .map(|v| RosterEntry {
                user_id: v.user_id.clone(),
                name: v.name.clone(),
                vetted: v.vetted,
                load: organiser.then(|| VolunteerLoad {
                    profile: v.profile.clone(),
                    paused: v.paused,
                    recent_tasks: v.recent_tasks,
                }),
                vettings: vettings
                    .iter()
                    .filter(|(user_id, recorded_by, _)| {
                        *user_id == v.user_id
                            && sees_vetting_details(membership.role, &viewer.user_id, recorded_by)
                    })
                    .map(|(_, _, vetting)| vetting.clone())
                    .collect(),
            })
            .collect();
        let requests = if organiser {
            self.open_requests(&board.id, &volunteers, now).await?
        } else {
            Vec::new()
        };
        Ok(CoordinationPage {
            board,
            now_ms: now,
            requests,
            roster,
        })
    }

    /// Every vetting on the board as (whose, recorded by, the record), newest first.
    async fn vettings_on(
        &self,
        board_id: &BoardId,
        now: i64,
    ) -> Result<Vec<(UserId, UserId, VettingView)>, AppError> {
        #[derive(sqlx::FromRow)]
        struct VettingRow {
            id: String,
            #[sqlx(try_from = "String")]
            user_id: UserId,
            #[sqlx(try_from = "String")]
            recorded_by: UserId,
            recorded_by_name: String,
            kind: String,
            recorded_at_ms: i64,
            expires_at_ms: Option<i64>,
        }
        let rows: Vec<VettingRow> = sqlx::query_as(
            "SELECT t.id, t.user_id, t.recorded_by, u.display_name AS recorded_by_name, t.kind, \
             t.recorded_at_ms, t.expires_at_ms FROM vettings t JOIN users u ON u.id = t.recorded_by \
             WHERE t.board_id = $1 ORDER BY t.recorded_at_ms DESC, t.id",
        )
        .bind(board_id.as_str())
        .fetch_all(self.pool())
        .await
        .internal()?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let view = VettingView {
                    id: row.id,
                    kind: row.kind,
                    recorded_by_name: row.recorded_by_name,
                    recorded_at_ms: row.recorded_at_ms,
                    expires_at_ms: row.expires_at_ms,
                    current: is_current(row.expires_at_ms, now),
                };
                (row.user_id, row.recorded_by, view)
            })
            .collect())
    }

    /// The board's open requests, most pressing first, each with who is asked (or last said
    /// no) and the volunteers to suggest.
    async fn open_requests(
        &self,
        board_id: &BoardId,
        volunteers: &[Candidate],
        now: i64,
    ) -> Result<Vec<OpenRequest>, AppError> {
        let mut rows: Vec<PostRow> = sqlx::query_as(&format!(
            "SELECT * FROM (SELECT {POST_COLUMNS} {POST_JOINS} WHERE p.board_id = $2 \
             AND p.removed = FALSE AND p.kind = 'request') AS requests WHERE status = 'open'"
        ))
        .bind(now)
        .bind(board_id.as_str())
        .fetch_all(self.pool())
        .await
        .internal()?;
        // Hidden posts are for moderation, not for helping.
        rows.retain(|row| row.hidden == 0);
        rows.sort_by(|a, b| queue_order(&a.card(), &b.card(), now));

        // The latest assignment of each request: asked and waiting, or declined.
        let assignments: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT a.post_id, a.volunteer_id, u.display_name, a.answer FROM assignments a \
             JOIN users u ON u.id = a.volunteer_id WHERE a.board_id = $1 \
             ORDER BY a.assigned_at_ms, a.id",
        )
        .bind(board_id.as_str())
        .fetch_all(self.pool())
        .await
        .internal()?;
        let latest: HashMap<&str, (&str, &str, Option<&str>)> = assignments
            .iter()
            .map(|(post_id, user_id, name, answer)| {
                (
                    post_id.as_str(),
                    (user_id.as_str(), name.as_str(), answer.as_deref()),
                )
            })
            .collect();

        Ok(rows
            .iter()
            .map(|row| {
                let card = row.card();
                let last = latest.get(row.id.as_str()).copied();
                let asked = last.filter(|(_, _, answer)| answer.is_none());
                let declined = last.filter(|(_, _, answer)| *answer == Some("declined"));
                let need = Need {
                    category: card.category,
                    urgency: card.urgency,
                    needs_vetting: card.needs_vetting,
                    author_id: &row.author_id,
                };
                let suggestions = suggest(&need, volunteers, now)
                    .into_iter()
                    .filter(|v| asked.is_none_or(|(asked_id, ..)| asked_id != v.user_id.as_str()))
                    .take(SUGGESTIONS_SHOWN)
                    .map(|v| Suggestion {
                        user_id: v.user_id.clone(),
                        name: v.name.clone(),
                        recent_tasks: v.recent_tasks,
                        max_per_week: v.profile.max_per_week,
                        vetted: v.vetted,
                    })
                    .collect();
                OpenRequest {
                    overdue: model::coordination::is_overdue(card.urgency, card.created_at_ms, now),
                    asked_name: asked.map(|(_, name, _)| name.to_string()),
                    declined_by_name: declined.map(|(_, name, _)| name.to_string()),
                    suggestions,
                    card,
                }
            })
            .collect())
    }

    /// Requests an organiser has asked the viewer to help with, waiting for their answer,
    /// across their boards, oldest first.
    pub async fn my_tasks(&self, viewer: &Viewer) -> Result<Vec<Task>, AppError> {
        #[derive(sqlx::FromRow)]
        struct TaskRow {
            #[sqlx(flatten)]
            post: PostRow,
            board_name: String,
            asked_by_name: String,
            asked_at_ms: i64,
        }
        let rows: Vec<TaskRow> = sqlx::query_as(&format!(
            "SELECT {POST_COLUMNS}, b.name AS board_name, s.display_name AS asked_by_name, \
             asg.assigned_at_ms AS asked_at_ms {POST_JOINS} \
             JOIN assignments asg ON asg.post_id = p.id JOIN users s ON s.id = asg.assigned_by \
             JOIN memberships m ON m.board_id = p.board_id AND m.user_id = asg.volunteer_id \
             WHERE asg.volunteer_id = $2 AND asg.answer IS NULL AND p.removed = FALSE \
             ORDER BY asg.assigned_at_ms, asg.id"
        ))
        .bind(now_ms())
        .bind(viewer.user_id.as_str())
        .fetch_all(self.pool())
        .await
        .internal()?;
        Ok(rows
            .into_iter()
            .filter(|row| row.post.status() == PostStatus::Open && row.post.hidden == 0)
            .map(|row| Task {
                card: row.post.card(),
                board_name: row.board_name,
                asked_by_name: row.asked_by_name,
                asked_at_ms: row.asked_at_ms,
            })
            .collect())
    }
}

/// The audit-log line for an organiser's coordination of `post`.
fn audit<'a>(
    viewer: &'a Viewer,
    post: &'a PostRow,
    action: AuditAction,
    member_id: Option<&'a UserId>,
) -> Audit<'a> {
    Audit {
        board_id: &post.board_id,
        actor_id: &viewer.user_id,
        action,
        post_id: Some(&post.id),
        member_id,
        reason: "",
    }
}

fn not_asked() -> Option<Written> {
    Some(rejected(Refusal::NoLongerAsked))
}
