//! Writes to posts: a new post, and every change to an existing one (claim, let go, mark
//! done, withdraw, pin, remove, coordination, a reply), each deciding inside the mutation's
//! transaction whether it may happen now and which board number it moves.

use model::dates::DAY_MS;
use model::refusal::{OrganiserAction, PostAction, Refusal};
use model::{
    coordination::Coordination,
    ids::BoardId,
    ids::PostId,
    ids::UserId,
    moderation::AuditAction,
    rules::permissions,
    validate::{REPLIES_PER_MEMBER_MAX, REPLIES_PER_POST_HARD_MAX, REPLIES_PER_POST_MAX},
    views::Viewer,
    AppError, Category, PostKind, PostStatus, Urgency,
};
use sqlx::{Any, Transaction};

use crate::{
    access::membership_in,
    audit::Audit,
    changes::{bump_sequence, lock_board, rejected, Written},
    claims::{claims_and_hand_backs_today, take_on, MAX_CLAIMS_PER_DAY, REOPENED},
    coordination::{settle_assignments, Acting},
    error::OrInternal,
    moderation::resolve_reports,
    rows::PostRow,
    vetting::is_vetted,
    Db,
};

impl Db {
    /// A change to an existing post: its state, its pin, its coordination, or a reply.
    pub(crate) async fn change_post(
        &self,
        tx: &mut Transaction<'static, Any>,
        viewer: &Viewer,
        mutation_id: &str,
        post_id: &PostId,
        change: PostChange<'_>,
        now: i64,
    ) -> Result<Written, AppError> {
        let gone = || AppError::Refused(Refusal::PostGone);
        let (post, membership) = self.post_for_member(tx, viewer, post_id).await?;
        // The board's row before the post's, as departures and joins take them: the same
        // order everywhere, so on PostgreSQL they queue rather than deadlock.
        lock_board(tx, &post.board_id).await?;
        let vetted = is_vetted(&mut **tx, &post.board_id, &viewer.user_id, now).await?;
        let may = permissions(
            &post
                .facts(viewer, membership.role)
                .with_viewer_vetted(vetted),
        );

        let change = match change {
            PostChange::Claim => {
                if !may.can_claim {
                    let facts = post.facts(viewer, membership.role).with_viewer_vetted(true);
                    if permissions(&facts).can_claim {
                        return Ok(rejected(Refusal::NeedsVetting));
                    }
                    return Ok(claim_refusal(&post, viewer));
                }
                let per_day = self.claims_per_day.unwrap_or(MAX_CLAIMS_PER_DAY);
                if claims_and_hand_backs_today(tx, &viewer.user_id, now).await? >= per_day {
                    return Ok(rejected(Refusal::TooManyClaims { per_day }));
                }
                if !take_on(tx, post_id, &viewer.user_id, now).await? {
                    let latest = self.post_row(&mut **tx, post_id).await?.ok_or_else(gone)?;
                    return Ok(claim_refusal(&latest, viewer));
                }
                settle_assignments(tx, post_id, &viewer.user_id, now).await?;
                member_did(tx, viewer, &post, AuditAction::ClaimPost).await?;
                Change::Post
            }
            PostChange::ShareDetails { claimant } => {
                // Agreed on the claim the person saw; it may have passed to someone else since.
                if post.claimed_by.as_ref() != Some(claimant) {
                    return Ok(rejected(Refusal::HelperChanged {
                        helper: post.claimed_by_name.clone(),
                    }));
                }
                if !may.can_share_details {
                    let mut before = post.facts(viewer, membership.role);
                    before.details_shared = false;
                    if post.details_shared != 0 && permissions(&before).can_share_details {
                        // Already agreed (a repeat from another phone): nothing to change.
                        return Ok(Written::Applied(None));
                    }
                    return Ok(not_now(&post, PostAction::ShareDetails));
                }
                // Only while that same claim stands, whatever committed since it was read.
                let agreed = sqlx::query(
                    "UPDATE posts SET details_shared = TRUE, updated_at_ms = $1 \
                     WHERE id = $2 AND status = 'claimed' AND claimed_by = $3",
                )
                .bind(now)
                .bind(post_id.as_str())
                .bind(claimant.as_str())
                .execute(&mut **tx)
                .await
                .internal()?;
                if agreed.rows_affected() == 0 {
                    return Ok(rejected(Refusal::HelperChanged { helper: None }));
                }
                member_did(tx, viewer, &post, AuditAction::ShareDetails).await?;
                Change::Post
            }
            PostChange::Release => {
                if !may.can_release {
                    return Ok(not_now(&post, PostAction::LetGo));
                }
                // The helper handing back is counted (and the author told); the author letting
                // the helper go is not.
                let (handed_back_by, action) = if may.is_claimant {
                    (Some(&viewer.user_id), AuditAction::HandBack)
                } else {
                    (None, AuditAction::LetHelperGo)
                };
                sqlx::query(&format!(
                    "UPDATE posts SET {REOPENED}, handed_back_by = $1, updated_at_ms = $2 WHERE id = $3"
                ))
                .bind(handed_back_by.map(UserId::as_str))
                .bind(now)
                .bind(post_id.as_str())
                .execute(&mut **tx)
                .await
                .internal()?;
                member_did(tx, viewer, &post, action).await?;
                Change::Post
            }
            PostChange::MarkDone => {
                if !may.can_mark_done {
                    return Ok(not_now(&post, PostAction::MarkDone));
                }
                set_post(tx, post_id, "status = 'done', done_at_ms = $1", now).await?;
                Change::Post
            }
            PostChange::Withdraw => {
                if !may.is_author {
                    return Err(AppError::Refused(Refusal::OnlyAuthorWithdraws));
                }
                if !may.can_withdraw {
                    return Ok(not_now(&post, PostAction::Withdraw));
                }
                set_post(tx, post_id, "status = 'withdrawn'", now).await?;
                Change::Post
            }
            PostChange::SetPinned(pinned) => {
                if !may.is_organiser {
                    return Err(AppError::Refused(Refusal::OrganisersOnly {
                        action: OrganiserAction::Pin,
                    }));
                }
                if !may.can_pin {
                    return Ok(rejected(Refusal::OnlyOpenNoticesPinned));
                }
                let assignment = if pinned {
                    "pinned = TRUE"
                } else {
                    "pinned = FALSE"
                };
                set_post(tx, post_id, assignment, now).await?;
                let action = if pinned {
                    AuditAction::PinPost
                } else {
                    AuditAction::UnpinPost
                };
                member_did(tx, viewer, &post, action).await?;
                Change::Post
            }
            PostChange::Remove => {
                if !may.can_remove {
                    return Err(AppError::Refused(Refusal::OrganisersOnly {
                        action: OrganiserAction::RemovePosts,
                    }));
                }
                set_post(tx, post_id, "removed = TRUE", now).await?;
                resolve_reports(tx, post_id, &viewer.user_id).await?;
                member_did(tx, viewer, &post, AuditAction::RemovePost).await?;
                Change::Post
            }
            PostChange::Coordinate(change) => {
                let acting = Acting {
                    viewer,
                    mutation_id,
                    role: membership.role,
                    may: &may,
                    vetted,
                    now,
                };
                if let Some(refusal) = self.apply_coordination(tx, acting, &post, change).await? {
                    return Ok(refusal);
                }
                Change::Post
            }
            PostChange::Reply { reply_id, body } => {
                let exists: Option<String> =
                    sqlx::query_scalar("SELECT id FROM replies WHERE id = $1")
                        .bind(reply_id)
                        .fetch_optional(&mut **tx)
                        .await
                        .internal()?;
                if exists.is_some() {
                    return Ok(rejected(Refusal::ReplyAlreadySent));
                }
                // The two people the post is between can always talk on it (up to a hard
                // cap); anyone else has a share, so no one member can fill it and close it.
                let between_them = may.is_author || may.is_claimant;
                let most = if between_them {
                    REPLIES_PER_POST_HARD_MAX
                } else {
                    REPLIES_PER_POST_MAX
                };
                if post.reply_count >= most {
                    return Ok(rejected(Refusal::RepliesFull { most }));
                }
                if !between_them {
                    let mine: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM replies WHERE post_id = $1 AND author_id = $2",
                    )
                    .bind(post_id.as_str())
                    .bind(viewer.user_id.as_str())
                    .fetch_one(&mut **tx)
                    .await
                    .internal()?;
                    if mine >= REPLIES_PER_MEMBER_MAX {
                        return Ok(rejected(Refusal::YourRepliesFull {
                            most: REPLIES_PER_MEMBER_MAX,
                        }));
                    }
                }
                Change::Reply { reply_id, body }
            }
        };

        let moved = bump_sequence(tx, &post.board_id).await?;
        // The post's card changes either way (a reply changes its count), so a pull by
        // sequence brings it.
        sqlx::query("UPDATE posts SET seq = $1 WHERE id = $2")
            .bind(moved.seq)
            .bind(post_id.as_str())
            .execute(&mut **tx)
            .await
            .internal()?;
        if let Change::Reply { reply_id, body } = change {
            sqlx::query(
                "INSERT INTO replies (id, post_id, board_id, author_id, body, created_at_ms, seq) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(reply_id)
            .bind(post_id.as_str())
            .bind(post.board_id.as_str())
            .bind(viewer.user_id.as_str())
            .bind(body.trim())
            .bind(now)
            .bind(moved.seq)
            .execute(&mut **tx)
            .await
            .internal()?;
        }
        Ok(Written::Applied(Some(moved)))
    }
}

/// A new post's fields, as a `CreatePost` carries them.
pub(crate) struct NewPost<'a> {
    pub post_id: &'a PostId,
    pub board_id: &'a BoardId,
    pub kind: PostKind,
    pub category: Category,
    pub title: &'a str,
    pub details: &'a str,
    pub urgency: Urgency,
    pub expires_in_days: Option<u32>,
    pub needs_vetting: bool,
    pub share_details: bool,
}

/// A change to an existing post, as its mutation asks.
pub(crate) enum PostChange<'a> {
    Claim,
    ShareDetails { claimant: &'a UserId },
    Release,
    MarkDone,
    Withdraw,
    SetPinned(bool),
    Remove,
    Coordinate(&'a Coordination),
    Reply { reply_id: &'a str, body: &'a str },
}

/// Puts a new post on its board, with the author's street and the board's next number.
pub(crate) async fn create_post(
    tx: &mut Transaction<'static, Any>,
    viewer: &Viewer,
    post: NewPost<'_>,
    now: i64,
) -> Result<Written, AppError> {
    let membership = membership_in(&mut **tx, viewer, post.board_id).await?;
    if post.kind == PostKind::Notice && !membership.role.is_organiser() {
        return Err(AppError::Refused(Refusal::OrganisersOnly {
            action: OrganiserAction::PostNotices,
        }));
    }
    let exists: Option<String> = sqlx::query_scalar("SELECT id FROM posts WHERE id = $1")
        .bind(post.post_id.as_str())
        .fetch_optional(&mut **tx)
        .await
        .internal()?;
    if exists.is_some() {
        return Ok(rejected(Refusal::PostAlreadySent));
    }
    let moved = bump_sequence(tx, post.board_id).await?;
    sqlx::query(
        "INSERT INTO posts (id, board_id, author_id, kind, category, title, details, urgency, street, status, \
         expires_at_ms, created_at_ms, updated_at_ms, seq) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10, $11, $11, $12)",
    )
    .bind(post.post_id.as_str())
    .bind(post.board_id.as_str())
    .bind(viewer.user_id.as_str())
    .bind(post.kind.as_str())
    .bind(post.category.as_str())
    .bind(post.title.trim())
    .bind(post.details.trim())
    .bind(post.urgency.as_str())
    .bind(&membership.street)
    .bind(post.expires_in_days.map(|d| now + i64::from(d) * DAY_MS))
    .bind(now)
    .bind(moved.seq)
    .execute(&mut **tx)
    .await
    .internal()?;
    if post.needs_vetting && post.kind == PostKind::Request {
        set_post(tx, post.post_id, "needs_vetting = TRUE", now).await?;
    }
    if post.share_details && post.kind == PostKind::Request {
        set_post(tx, post.post_id, "share_details = TRUE", now).await?;
    }
    Ok(Written::Applied(Some(moved)))
}

/// What an applied mutation changed, so its row gets the new sequence number.
enum Change<'a> {
    Post,
    Reply { reply_id: &'a str, body: &'a str },
}

/// Why a claim did not go through, naming whoever has it.
fn claim_refusal(post: &PostRow, viewer: &Viewer) -> Written {
    let status = post.status();
    if status == PostStatus::Claimed {
        if post.claimed_by.as_ref() == Some(&viewer.user_id) {
            // Already theirs (a repeat from another phone): nothing to change.
            return Written::Applied(None);
        }
        let name = post.claimed_by_name.clone();
        return rejected(match post.kind() {
            PostKind::Offer => Refusal::OfferTaken { claimant: name },
            _ => Refusal::AlreadyHelping { helper: name },
        });
    }
    if post.author_id == viewer.user_id {
        return rejected(Refusal::OwnPost);
    }
    match post.kind() {
        PostKind::Notice => rejected(Refusal::NoticeCannotBeClaimed),
        _ => not_now(post, PostAction::Claim),
    }
}

fn not_now(post: &PostRow, action: PostAction) -> Written {
    rejected(Refusal::NotNow {
        action,
        status: post.status(),
    })
}

async fn set_post(
    tx: &mut Transaction<'static, Any>,
    post_id: &PostId,
    assignment: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(&format!(
        "UPDATE posts SET {assignment}, updated_at_ms = $1 WHERE id = $2"
    ))
    .bind(now)
    .bind(post_id.as_str())
    .execute(&mut **tx)
    .await
    .internal()?;
    Ok(())
}

/// Writes the audit-log line for a member's action on `post`, in the action's transaction.
async fn member_did(
    tx: &mut Transaction<'static, Any>,
    viewer: &Viewer,
    post: &PostRow,
    action: AuditAction,
) -> Result<(), AppError> {
    let audit = Audit {
        board_id: &post.board_id,
        actor_id: &viewer.user_id,
        action,
        post_id: Some(&post.id),
        member_id: None,
        reason: "",
    };
    audit.record(&mut **tx).await
}
