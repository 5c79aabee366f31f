//! Applying a batch of writes exactly once, in one transaction: each write's id is checked
//! against the records, its change made (or refused) inside a savepoint of its own, and its
//! outcome recorded under the id; the batch commits once, and only then is anything answered
//! or announced. A repeat of an id returns the recorded outcome and changes nothing.
//!
//! Why one transaction: a commit is what costs (on SQLite, the write lock and a sync to disk),
//! and a phone back from a day offline sends its outbox fifty writes at a time. Why a savepoint
//! each: one write that is not valid or not allowed any more (a post removed meanwhile) is
//! undone alone, and the others keep their answers. Whatever stops the batch part-way (a
//! limit, a fault) commits the writes before it and leaves the rest to come again.

use std::collections::HashMap;

use model::{ids::now_ms, views::Viewer, AppError, Mutation, Outcome, Refusal};
use sqlx::{Any, Transaction};

use crate::{
    changes::{Moved, Written},
    error::{is_unique_violation, OrInternal},
    write::{OnItsOwn, WriteTx},
    Backend, Db,
};

/// Writes one member may make in a minute, unless the server is told otherwise
/// (`Db::with_writes_per_minute`). A phone back from a day offline sends what it kept in one go,
/// so this is well above what a person taps, and well below a flood.
pub const MAX_WRITES_PER_MINUTE: i64 = 60;

const MINUTE_MS: i64 = 60_000;

/// What became of a batch of writes.
#[derive(Debug, Default)]
pub(crate) struct Answers {
    /// The answers of the first writes, in order: the recorded outcome, or why the write is
    /// not valid or not allowed at all (such a write is answered but not recorded).
    pub answered: Vec<Result<Outcome, Refusal>>,
    /// Why the writes after `answered` got no answer (a limit, or a fault on our side): they
    /// stay on the phone and come again.
    pub stopped: Option<AppError>,
}

/// `error` as the answer to one write (it is not valid, or not allowed), or `Err` when it
/// stops the batch instead (a limit, a fault on our side).
fn as_answer(error: AppError) -> Result<Result<Outcome, Refusal>, AppError> {
    match error {
        AppError::Invalid(fields) => Ok(Err(Refusal::Invalid { fields })),
        AppError::Refused(reason) => Ok(Err(reason)),
        stop => Err(stop),
    }
}

impl Db {
    /// Applies `mutations` in order for `viewer`, in one transaction (see the module notes).
    /// Ids already recorded are answered from their records without waiting for a write turn,
    /// so a phone resending a batch whose answer it lost costs one read.
    pub(crate) async fn apply_all(&self, viewer: &Viewer, mutations: &[Mutation]) -> Answers {
        let mut known: Vec<Option<Result<Outcome, Refusal>>> = mutations
            .iter()
            .map(|mutation| {
                let fields = mutation.validate().err()?;
                Some(Err(Refusal::Invalid { fields }))
            })
            .collect();
        let mut recorded =
            match recorded_outcomes(self.pool(), viewer, &unknown_ids(mutations, &known)).await {
                Ok(recorded) => recorded,
                Err(e) => return Answers::stopped_at_once(e),
            };
        for (mutation, known) in mutations.iter().zip(known.iter_mut()) {
            if known.is_none() {
                *known = recorded.remove(mutation.id.as_str());
            }
        }
        if known.iter().all(Option::is_some) {
            return Answers {
                answered: known.into_iter().flatten().collect(),
                stopped: None,
            };
        }
        // Once begun, applying and recording go on to the end even if the phone that sent it
        // loses signal: the records and the changes always agree (see `write`).
        let (viewer, mutations) = (viewer.clone(), mutations.to_vec());
        self.to_the_end(move |db, on_its_own| async move {
            Ok(db
                .apply_in_one_transaction(&on_its_own, &viewer, &mutations, known)
                .await)
        })
        .await
        .unwrap_or_else(Answers::stopped_at_once)
    }

    async fn apply_in_one_transaction(
        &self,
        on_its_own: &OnItsOwn,
        viewer: &Viewer,
        mutations: &[Mutation],
        known: Vec<Option<Result<Outcome, Refusal>>>,
    ) -> Answers {
        let mut tx = match self.begin_write(on_its_own).await {
            Ok(tx) => tx,
            Err(e) => return Answers::stopped_at_once(e),
        };
        // The first write's id names the batch in the log (the kill tests look for it).
        let first = mutations.first().map_or("", |m| m.id.as_str());
        tracing::debug!(first, writes = mutations.len(), "applying a batch");
        let mut answers = Answers::default();
        let mut moved = Vec::new();
        let mut allowance = None;
        // The member's turn, then the records again: a copy of this batch that committed while
        // ours waited is answered from them (see `take_turn`).
        let unknown = unknown_ids(mutations, &known);
        let mut recorded = match take_turn(&mut tx, self.backend(), viewer, &unknown).await {
            Ok(recorded) => recorded,
            Err(e) => return Answers::stopped_at_once(e),
        };
        for (mutation, known) in mutations.iter().zip(known) {
            // Known before, recorded meanwhile, or made earlier in this batch (the same write
            // twice in one push).
            let answer = match known.or_else(|| recorded.remove(mutation.id.as_str())) {
                Some(answer) => Ok(answer),
                None => {
                    self.apply_one(&mut tx, viewer, mutation, &mut allowance, &mut moved)
                        .await
                }
            };
            match answer {
                Ok(answer) => {
                    if let Ok(outcome) = &answer {
                        recorded.insert(mutation.id.clone(), Ok(outcome.clone()));
                    }
                    answers.answered.push(answer);
                }
                Err(Stop::Clean(stopped)) => {
                    answers.stopped = Some(stopped);
                    break;
                }
                // A COMMIT now could keep a half-made write, or (on PostgreSQL) quietly roll
                // everything back while the answers said "applied".
                Err(Stop::Broken(error)) => {
                    tx.rollback().await;
                    return Answers::stopped_at_once(error);
                }
            }
        }
        // Nothing is answered until it is committed: a failed commit un-answers the batch.
        if let Err(e) = tx.commit().await {
            return Answers::stopped_at_once(e);
        }
        tracing::debug!(first, "committed a batch");
        for moved in moved {
            self.announce(moved);
        }
        answers
    }

    /// One write of a batch: its answer (`Ok`), or why the batch stops before it (`Err`).
    async fn apply_one(
        &self,
        tx: &mut WriteTx,
        viewer: &Viewer,
        mutation: &Mutation,
        allowance: &mut Option<Allowance>,
        moved: &mut Vec<Moved>,
    ) -> Result<Result<Outcome, Refusal>, Stop> {
        // Only new writes count: a repeat is answered from its record, free.
        if allowance.is_none() {
            let per_minute = self.writes_per_minute.unwrap_or(MAX_WRITES_PER_MINUTE);
            *allowance = Some(
                Allowance::count(tx, viewer, per_minute)
                    .await
                    .map_err(Stop::Broken)?,
            );
        }
        let allowance = allowance.as_mut().ok_or(Stop::Broken(AppError::Internal))?;
        allowance.take_one().map_err(Stop::Clean)?;
        savepoint(tx, "SAVEPOINT one_write")
            .await
            .map_err(Stop::Broken)?;
        let (outcome, board_moved) = match self.apply_in(tx, viewer, mutation).await {
            Ok(Written::Applied(board_moved)) => (Outcome::Applied, board_moved),
            Ok(Written::Refused(reason)) => (Outcome::Rejected { reason }, None),
            // Not valid or not allowed at all (answered, never recorded), or a fault: undone.
            Err(e) => {
                undo_one(tx).await.map_err(Stop::Broken)?;
                allowance.give_back();
                return as_answer(e).map_err(Stop::Clean);
            }
        };
        match record(tx, viewer, mutation, &outcome).await {
            Ok(()) => {
                savepoint(tx, "RELEASE SAVEPOINT one_write")
                    .await
                    .map_err(Stop::Broken)?;
                // Announced only once kept: an undone write's number is never heard of.
                moved.extend(board_moved);
                Ok(Ok(outcome))
            }
            // The same id committed meanwhile by another member's write (a member's own
            // copies take turns): undo ours and answer as the record says.
            Err(e) if is_unique_violation(&e) => {
                undo_one(tx).await.map_err(Stop::Broken)?;
                allowance.give_back();
                match recorded_outcome_in(&mut ***tx, viewer, &mutation.id).await {
                    Ok(Some(outcome)) => Ok(Ok(outcome)),
                    Ok(None) => Err(Stop::Broken(AppError::Internal)),
                    Err(e) => as_answer(e).map_err(Stop::Broken),
                }
            }
            // The write is half made (its change without its record): undo it, or give up on
            // the whole transaction.
            Err(e) => {
                tracing::error!("database: recording write {}: {e}", mutation.id);
                undo_one(tx).await.map_err(Stop::Broken)?;
                Err(Stop::Clean(AppError::Internal))
            }
        }
    }
}

/// Why a batch stops at a write.
enum Stop {
    /// The transaction is as it was before the write: the writes before it are committed.
    Clean(AppError),
    /// A statement failed where the transaction may not be trusted any more (on PostgreSQL it
    /// refuses everything until rolled back): nothing of the batch is kept or answered.
    Broken(AppError),
}

/// The ids of the writes whose answer is not known yet.
fn unknown_ids<'m>(
    mutations: &'m [Mutation],
    known: &[Option<Result<Outcome, Refusal>>],
) -> Vec<&'m str> {
    mutations
        .iter()
        .zip(known)
        .filter(|(_, known)| known.is_none())
        .map(|(mutation, _)| mutation.id.as_str())
        .collect()
}

impl Answers {
    fn stopped_at_once(error: AppError) -> Self {
        Self {
            answered: Vec::new(),
            stopped: Some(error),
        }
    }
}

async fn savepoint(tx: &mut Transaction<'static, Any>, sql: &str) -> Result<(), AppError> {
    sqlx::query(sql).execute(&mut **tx).await.internal()?;
    Ok(())
}

/// Undoes what the current write did, keeping the batch's earlier writes.
async fn undo_one(tx: &mut Transaction<'static, Any>) -> Result<(), AppError> {
    savepoint(tx, "ROLLBACK TO SAVEPOINT one_write").await?;
    savepoint(tx, "RELEASE SAVEPOINT one_write").await
}

/// Records `outcome` under the write's id: the exactly-once record.
async fn record(
    tx: &mut Transaction<'static, Any>,
    viewer: &Viewer,
    mutation: &Mutation,
    outcome: &Outcome,
) -> Result<(), sqlx::Error> {
    let outcome_json =
        serde_json::to_string(outcome).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(
        "INSERT INTO mutations (id, user_id, kind, outcome, applied_at_ms) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&mutation.id)
    .bind(viewer.user_id.as_str())
    .bind(mutation.kind.name())
    .bind(&outcome_json)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The outcomes recorded under `ids`, by id, read in one query: an id another member used is
/// answered with `IdInUse`.
async fn recorded_outcomes<'e, E>(
    executor: E,
    viewer: &Viewer,
    ids: &[&str],
) -> Result<HashMap<String, Result<Outcome, Refusal>>, AppError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let placeholders: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT id, user_id, outcome FROM mutations WHERE id IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as::<_, (String, String, String)>(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(executor).await.internal()?;
    rows.into_iter()
        .map(|(id, user_id, outcome)| {
            let answer = read_record(viewer, &id, &user_id, &outcome)?;
            Ok((id, answer))
        })
        .collect()
}

/// The outcome recorded under the mutation id `id`, read through `executor`.
pub(crate) async fn recorded_outcome_in<'e, E>(
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
        Some((user_id, outcome)) => read_record(viewer, id, &user_id, &outcome)?
            .map(Some)
            .map_err(AppError::Refused),
    }
}

/// A record as the answer to `viewer`: `Err` only when it cannot be read at all.
fn read_record(
    viewer: &Viewer,
    id: &str,
    user_id: &str,
    outcome: &str,
) -> Result<Result<Outcome, Refusal>, AppError> {
    if user_id != viewer.user_id.as_str() {
        return Ok(Err(Refusal::IdInUse));
    }
    serde_json::from_str(outcome).map(Ok).map_err(|e| {
        tracing::error!("stored outcome of mutation {id} is unreadable: {e}");
        AppError::Internal
    })
}

/// Waits for the member's turn, then reads what is recorded under `ids`. Copies of one batch
/// can be applied at the same moment when a retry reaches another server process while the
/// first is still at work: on PostgreSQL they queue on a lock on the member (for this
/// transaction), as SQLite's `BEGIN IMMEDIATE` makes every writer queue; the later ones then
/// answer as the first did instead of colliding with its rows. A member's writes taking turns
/// also makes their limits (writes a minute, claims a day) count exactly on both databases.
/// Another member's write under the same id is not held back by this turn: its record collides
/// with ours, and `apply_one` answers from the one that committed.
async fn take_turn(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    viewer: &Viewer,
    ids: &[&str],
) -> Result<HashMap<String, Result<Outcome, Refusal>>, AppError> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext($1))) AS turn")
            .bind(format!("member:{}", viewer.user_id))
            .execute(&mut **tx)
            .await
            .internal()?;
    }
    recorded_outcomes(&mut **tx, viewer, ids).await
}

/// The member's writes left this minute, counted once a batch (in its transaction, during
/// the member's turn, so exactly on both databases) and taken one by one as it records them.
struct Allowance {
    left: i64,
    /// When the oldest write counted was recorded (now, when none was).
    oldest: i64,
    now: i64,
}

impl Allowance {
    async fn count(
        tx: &mut Transaction<'static, Any>,
        viewer: &Viewer,
        per_minute: i64,
    ) -> Result<Self, AppError> {
        let now = now_ms();
        let (count, oldest): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MIN(applied_at_ms) FROM mutations WHERE user_id = $1 AND applied_at_ms > $2",
        )
        .bind(viewer.user_id.as_str())
        .bind(now - MINUTE_MS)
        .fetch_one(&mut **tx)
        .await
        .internal()?;
        Ok(Self {
            left: per_minute - count,
            oldest: oldest.unwrap_or(now),
            now,
        })
    }

    /// Gives back the write taken for one that was not recorded after all.
    fn give_back(&mut self) {
        self.left += 1;
    }

    /// Takes one write, or refuses it for now, saying when the oldest of the minute's writes
    /// leaves the window. The phone keeps a refused push's writes and sends them again later.
    fn take_one(&mut self) -> Result<(), AppError> {
        if self.left > 0 {
            self.left -= 1;
            return Ok(());
        }
        let wait_ms = self.oldest + MINUTE_MS - self.now;
        Err(AppError::TooManyAttempts {
            retry_after_secs: (wait_ms.max(1) as u64).div_ceil(1000),
        })
    }
}
