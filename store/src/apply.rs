//! Applying a mutation exactly once: in one transaction, check its id has not been seen, make
//! the change (or decide to reject it) through one exhaustive dispatch, and record the outcome
//! under the id; once committed, announce the board number the change moved. A repeat of the
//! id returns the recorded outcome and changes nothing.

use model::refusal::{OrganiserAction, PostAction, Refusal};
use model::{
    coordination::Coordination,
    ids::now_ms,
    moderation::{sees_hidden_posts, AuditAction},
    rules::permissions,
    views::Viewer,
    AppError, Category, Mutation, MutationKind, Outcome, PostKind, PostStatus, Urgency,
};
use sqlx::{Any, Transaction};

use crate::{
    access::membership_in,
    audit::Audit,
    changes::{bump_sequence, rejected, Written},
    coordination::{settle_assignments, Acting},
    error::{is_unique_violation, OrInternal},
    moderation::resolve_reports,
    rows::PostRow,
    vetting::is_vetted,
    write::OnItsOwn,
    Backend, Db,
};

const DAY_MS: i64 = 24 * 3600 * 1000;

impl Db {
    /// Applies `mutation` for `viewer`. `Ok(Rejected)` is a refusal the person must be told
    /// about (someone else claimed first); `Err` is a request that was not allowed or not
    /// valid at all, and is not recorded.
    pub async fn apply(&self, viewer: &Viewer, mutation: &Mutation) -> Result<Outcome, AppError> {
        mutation.validate()?;
        if let Some(outcome) = self.recorded_outcome(viewer, &mutation.id).await? {
            return Ok(outcome);
        }
        // Once begun, applying and recording go on to the end even if the phone that sent it
        // loses signal: the record and the change always agree (see `write`).
        let (viewer, mutation) = (viewer.clone(), mutation.clone());
        self.to_the_end(move |db, on_its_own| async move {
            db.apply_once(&on_its_own, &viewer, &mutation).await
        })
        .await
    }

    async fn apply_once(
        &self,
        on_its_own: &OnItsOwn,
        viewer: &Viewer,
        mutation: &Mutation,
    ) -> Result<Outcome, AppError> {
        let mut tx = self.begin_write(on_its_own).await?;
        match take_turn(&mut tx, self.backend(), viewer, &mutation.id).await {
            Ok(None) => {}
            Ok(Some(outcome)) => {
                tx.rollback().await;
                return Ok(outcome);
            }
            Err(e) => {
                tx.rollback().await;
                return Err(e);
            }
        }
        let (outcome, moved) = match self.apply_in(&mut tx, viewer, mutation).await {
            Ok(Written::Applied(moved)) => (Outcome::Applied, moved),
            Ok(Written::Refused(reason)) => (Outcome::Rejected { reason }, None),
            Err(e) => {
                tx.rollback().await;
                return Err(e);
            }
        };
        let outcome_json = serde_json::to_string(&outcome).map_err(|_| AppError::Internal)?;
        let recorded = sqlx::query(
            "INSERT INTO mutations (id, user_id, kind, outcome, applied_at_ms) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&mutation.id)
        .bind(&viewer.user_id)
        .bind(mutation.kind.name())
        .bind(&outcome_json)
        .bind(now_ms())
        .execute(&mut **tx)
        .await;
        match recorded {
            Ok(_) => {
                tx.commit().await?;
                if let Some(moved) = moved {
                    self.announce(moved);
                }
                Ok(outcome)
            }
            // The same id arrived twice at once and the other copy committed first: undo ours
            // and answer as the first did.
            Err(e) if is_unique_violation(&e) => {
                tx.rollback().await;
                self.recorded_outcome(viewer, &mutation.id)
                    .await?
                    .ok_or(AppError::Internal)
            }
            Err(e) => Err(e).internal(),
        }
    }

    async fn recorded_outcome(
        &self,
        viewer: &Viewer,
        id: &str,
    ) -> Result<Option<Outcome>, AppError> {
        recorded_outcome_in(self.pool(), viewer, id).await
    }

    /// Every kind of write, to the code that makes it: one exhaustive dispatch.
    async fn apply_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        viewer: &Viewer,
        mutation: &Mutation,
    ) -> Result<Written, AppError> {
        let now = now_ms();
        let (post_id, change) = match &mutation.kind {
            MutationKind::CreatePost {
                post_id,
                board_id,
                post_kind,
                category,
                title,
                details,
                urgency,
                expires_in_days,
                needs_vetting,
            } => {
                let post = NewPost {
                    post_id,
                    board_id,
                    kind: *post_kind,
                    category: *category,
                    title,
                    details,
                    urgency: *urgency,
                    expires_in_days: *expires_in_days,
                    needs_vetting: *needs_vetting,
                };
                return create_post(tx, viewer, post, now).await;
            }
            MutationKind::Moderate(action) => {
                return self.apply_moderation(tx, viewer, action).await
            }
            MutationKind::Volunteer(change) => {
                return self.apply_volunteer(tx, viewer, change, now).await
            }
            MutationKind::Claim { post_id } => (post_id, PostChange::Claim),
            MutationKind::Release { post_id } => (post_id, PostChange::Release),
            MutationKind::MarkDone { post_id } => (post_id, PostChange::MarkDone),
            MutationKind::Withdraw { post_id } => (post_id, PostChange::Withdraw),
            MutationKind::SetPinned { post_id, pinned } => {
                (post_id, PostChange::SetPinned(*pinned))
            }
            MutationKind::Remove { post_id } => (post_id, PostChange::Remove),
            MutationKind::Coordinate(change) => {
                let post_id = mutation.kind.post_id();
                return self
                    .change_post(
                        tx,
                        viewer,
                        &mutation.id,
                        post_id,
                        PostChange::Coordinate(change),
                        now,
                    )
                    .await;
            }
            MutationKind::Reply {
                reply_id,
                post_id,
                body,
            } => (post_id, PostChange::Reply { reply_id, body }),
        };
        self.change_post(tx, viewer, &mutation.id, post_id, change, now)
            .await
    }

    /// A change to an existing post: its state, its pin, its coordination, or a reply.
    async fn change_post(
        &self,
        tx: &mut Transaction<'static, Any>,
        viewer: &Viewer,
        mutation_id: &str,
        post_id: &str,
        change: PostChange<'_>,
        now: i64,
    ) -> Result<Written, AppError> {
        let gone = || AppError::Refused(Refusal::PostGone);
        let post = self.post_row(&mut **tx, post_id).await?.ok_or_else(gone)?;
        let membership = membership_in(&mut **tx, viewer, &post.board_id)
            .await
            .map_err(|_| gone())?;
        if post.hidden != 0 && !sees_hidden_posts(membership.role) {
            return Err(gone());
        }
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
                // Compare-and-set on the status: of two claims, the first to commit wins.
                let updated = sqlx::query(
                    "UPDATE posts SET status = 'claimed', claimed_by = $1, claimed_at_ms = $2, updated_at_ms = $2 \
                     WHERE id = $3 AND status = 'open' AND (expires_at_ms IS NULL OR expires_at_ms > $2)",
                )
                .bind(&viewer.user_id)
                .bind(now)
                .bind(post_id)
                .execute(&mut **tx)
                .await
                .internal()?;
                if updated.rows_affected() == 0 {
                    let latest = self.post_row(&mut **tx, post_id).await?.ok_or_else(gone)?;
                    return Ok(claim_refusal(&latest, viewer));
                }
                settle_assignments(tx, post_id, &viewer.user_id, now).await?;
                Change::Post
            }
            PostChange::Release => {
                if !may.can_release {
                    return Ok(not_now(&post, PostAction::LetGo));
                }
                set_post(
                    tx,
                    post_id,
                    "status = 'open', claimed_by = NULL, claimed_at_ms = NULL",
                    now,
                )
                .await?;
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
                organiser_did(tx, viewer, &post, action).await?;
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
                organiser_did(tx, viewer, &post, AuditAction::RemovePost).await?;
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
                Change::Reply { reply_id, body }
            }
        };

        let moved = bump_sequence(tx, &post.board_id).await?;
        // The post's card changes either way (a reply changes its count), so a pull by
        // sequence brings it.
        sqlx::query("UPDATE posts SET seq = $1 WHERE id = $2")
            .bind(moved.seq)
            .bind(post_id)
            .execute(&mut **tx)
            .await
            .internal()?;
        if let Change::Reply { reply_id, body } = change {
            sqlx::query(
                "INSERT INTO replies (id, post_id, board_id, author_id, body, created_at_ms, seq) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(reply_id)
            .bind(post_id)
            .bind(&post.board_id)
            .bind(&viewer.user_id)
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
struct NewPost<'a> {
    post_id: &'a str,
    board_id: &'a str,
    kind: PostKind,
    category: Category,
    title: &'a str,
    details: &'a str,
    urgency: Urgency,
    expires_in_days: Option<u32>,
    needs_vetting: bool,
}

/// A change to an existing post, as its mutation asks.
enum PostChange<'a> {
    Claim,
    Release,
    MarkDone,
    Withdraw,
    SetPinned(bool),
    Remove,
    Coordinate(&'a Coordination),
    Reply { reply_id: &'a str, body: &'a str },
}

/// Puts a new post on its board, with the author's street and the board's next number.
async fn create_post(
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
        .bind(post.post_id)
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
    .bind(post.post_id)
    .bind(post.board_id)
    .bind(&viewer.user_id)
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
    Ok(Written::Applied(Some(moved)))
}

/// The outcome recorded under the mutation id `id`, read through `executor`.
async fn recorded_outcome_in<'e, E>(
    executor: E,
    viewer: &Viewer,
    id: &str,
) -> Result<Option<Outcome>, AppError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT user_id, outcome FROM mutations WHERE id = $1")
            .bind(id)
            .fetch_optional(executor)
            .await
            .internal()?;
    match row {
        None => Ok(None),
        Some((user_id, _)) if user_id != viewer.user_id => Err(AppError::Refused(Refusal::IdInUse)),
        Some((_, outcome)) => serde_json::from_str(&outcome).map(Some).map_err(|e| {
            tracing::error!("stored outcome of mutation {id} is unreadable: {e}");
            AppError::Internal
        }),
    }
}

/// Waits for this mutation id's turn, then returns the outcome an earlier copy recorded, if
/// any. Copies of one mutation can be applied at the same moment when a retry reaches another
/// server process while the first is still at work: on PostgreSQL they queue on a lock on the
/// id (for this transaction), as SQLite's `BEGIN IMMEDIATE` makes every writer queue; the
/// later ones then answer as the first did instead of colliding with its rows.
async fn take_turn(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    viewer: &Viewer,
    id: &str,
) -> Result<Option<Outcome>, AppError> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext($1))) AS turn")
            .bind(id)
            .execute(&mut **tx)
            .await
            .internal()?;
    }
    recorded_outcome_in(&mut **tx, viewer, id).await
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
        if post.claimed_by.as_deref() == Some(viewer.user_id.as_str()) {
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
    post_id: &str,
    assignment: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(&format!(
        "UPDATE posts SET {assignment}, updated_at_ms = $1 WHERE id = $2"
    ))
    .bind(now)
    .bind(post_id)
    .execute(&mut **tx)
    .await
    .internal()?;
    Ok(())
}

/// Writes the audit-log line for an organiser's action on `post`, in the action's transaction.
async fn organiser_did(
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
