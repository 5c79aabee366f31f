//! Applying a mutation exactly once: in one transaction, check its id has not been seen, make
//! the change (or decide to reject it) through one exhaustive dispatch, and record the outcome
//! under the id; once committed, announce the board number the change moved. A repeat of the
//! id returns the recorded outcome and changes nothing.

use model::{ids::now_ms, views::Viewer, AppError, Mutation, MutationKind, Outcome, Refusal};
use sqlx::{Any, Transaction};

use crate::{
    changes::Written,
    error::{is_unique_violation, OrInternal},
    post_writes::{create_post, NewPost, PostChange},
    write::OnItsOwn,
    Backend, Db,
};

/// Writes one member may make in a minute, unless the server is told otherwise
/// (`Db::with_writes_per_minute`). A phone back from a day offline sends what it kept in one go,
/// so this is well above what a person taps, and well below a flood.
pub const MAX_WRITES_PER_MINUTE: i64 = 60;

const MINUTE_MS: i64 = 60_000;

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
        let per_minute = self.writes_per_minute.unwrap_or(MAX_WRITES_PER_MINUTE);
        match take_turn(&mut tx, self.backend(), viewer, &mutation.id).await {
            // A repeat of a recorded write is answered above, free: only new writes count.
            Ok(None) => {
                if let Err(e) = within_write_limit(&mut tx, viewer, per_minute).await {
                    tx.rollback().await;
                    return Err(e);
                }
            }
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
        .bind(viewer.user_id.as_str())
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
                share_details,
                // Checked with the fields (`Mutation::validate`): nothing more to do with it.
                confirmed_public: _,
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
                    share_details: *share_details,
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
            MutationKind::ShareDetails { post_id, claimant } => {
                (post_id, PostChange::ShareDetails { claimant })
            }
            MutationKind::Release { post_id } => (post_id, PostChange::Release),
            MutationKind::MarkDone { post_id } => (post_id, PostChange::MarkDone),
            MutationKind::Withdraw { post_id } => (post_id, PostChange::Withdraw),
            MutationKind::SetPinned { post_id, pinned } => {
                (post_id, PostChange::SetPinned(*pinned))
            }
            MutationKind::Remove { post_id } => (post_id, PostChange::Remove),
            MutationKind::Coordinate(change) => {
                return self
                    .change_post(
                        tx,
                        viewer,
                        &mutation.id,
                        change.post_id(),
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
        Some((user_id, _)) if user_id != viewer.user_id.as_str() => {
            Err(AppError::Refused(Refusal::IdInUse))
        }
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
        // The member's turn, then the write's: a member's writes take turns, so their limits
        // (writes a minute, claims a day) count exactly on PostgreSQL as on SQLite, where all
        // writes take turns. Always in this order, so two writes cannot wait on each other.
        for turn in [format!("member:{}", viewer.user_id), id.to_string()] {
            sqlx::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext($1))) AS turn")
                .bind(turn)
                .execute(&mut **tx)
                .await
                .internal()?;
        }
    }
    recorded_outcome_in(&mut **tx, viewer, id).await
}

/// Refuses, for now, a write beyond `per_minute` of the member's in the last minute, saying
/// when the oldest of them leaves the window. Counted in the write's transaction, during the
/// member's turn (`take_turn`), so the count is exact on both databases. The phone keeps a
/// refused push's writes and sends them again later.
async fn within_write_limit(
    tx: &mut Transaction<'static, Any>,
    viewer: &Viewer,
    per_minute: i64,
) -> Result<(), AppError> {
    let now = now_ms();
    let (count, oldest): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(applied_at_ms) FROM mutations WHERE user_id = $1 AND applied_at_ms > $2",
    )
    .bind(viewer.user_id.as_str())
    .bind(now - MINUTE_MS)
    .fetch_one(&mut **tx)
    .await
    .internal()?;
    if count < per_minute {
        return Ok(());
    }
    let wait_ms = oldest.map_or(MINUTE_MS, |oldest| oldest + MINUTE_MS - now);
    Err(AppError::TooManyAttempts {
        retry_after_secs: (wait_ms.max(1) as u64).div_ceil(1000),
    })
}
