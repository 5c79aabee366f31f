//! Write transactions that cannot outlive their work: each runs on a task of its own, to the
//! end, whatever happens to the request that asked for it.
//!
//! Why: the server drops a request's future when its client goes away (a phone losing signal
//! in the middle of sending its outbox) or a timeout fires, and sqlx 0.8 cannot always clean up
//! after a transaction dropped at an `.await`. Dropped while `BEGIN` is under way it leaves the
//! pooled connection inside a transaction that nothing will end: on SQLite, `begin_with("BEGIN
//! IMMEDIATE")` waits once more after SQLite has started the transaction (to check it did), so
//! the write lock stays held and every later write fails with "database is locked"; on
//! PostgreSQL the connection goes back `idle in transaction`, and the next borrower's writes
//! land in a transaction that may never commit. `tests/cancelled_writes.rs` drops writes at
//! every await point in turn and shows both on sqlx 0.8.6.
//!
//! So a write transaction is begun only inside [`Db::to_the_end`], which spawns the work and
//! awaits it: if the caller goes, the work still runs on to `COMMIT` or `ROLLBACK`, releases its
//! turn and returns its connection clean, and the mutation's exactly-once record and its change
//! always agree. [`Db::begin_write`] asks for the [`OnItsOwn`] that only `to_the_end` gives, so
//! the compiler holds every write transaction to this; clippy refuses `Pool::begin` elsewhere.

use std::{future::Future, time::Duration};

use model::AppError;
use sqlx::{Any, Transaction};
use tokio::sync::OwnedMutexGuard;
use tracing::Instrument;

use crate::{error::OrInternal, Backend, Db};

/// Proof that the code holding it runs on a task of its own, to the end (see the module notes).
/// Only [`Db::to_the_end`] makes one.
pub(crate) struct OnItsOwn(());

/// An open write transaction, holding this process's write turn (on SQLite) until it ends.
pub(crate) struct WriteTx {
    // Declared first so it is dropped (and its rollback queued) before the turn is let go.
    tx: Transaction<'static, Any>,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl std::ops::Deref for WriteTx {
    type Target = Transaction<'static, Any>;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl WriteTx {
    pub(crate) async fn commit(self) -> Result<(), AppError> {
        self.tx.commit().await.internal()
    }

    /// Undoes everything; a failure is logged and otherwise ignored, since nothing was kept
    /// either way (sqlx rolls the transaction back again when the connection is next used).
    pub(crate) async fn rollback(self) {
        if let Err(e) = self.tx.rollback().await {
            tracing::error!("database: rolling back: {e}");
        }
    }
}

/// Why the database is not fit to take writes, for `/healthz`.
#[derive(Debug, thiserror::Error)]
pub enum NotWritable {
    #[error("the database did not take a write within {0:?}")]
    TooSlow(Duration),
    #[error("the checks before this one were still waiting for the database")]
    StillChecking,
    #[error("the database refused a write")]
    Refused,
}

impl Db {
    /// Runs `work` on a task of its own and waits for it. If this future is dropped, `work`
    /// still runs to the end: give it owned values (clones), never borrows of the request.
    pub(crate) async fn to_the_end<T, Work>(
        &self,
        work: impl FnOnce(Db, OnItsOwn) -> Work,
    ) -> Result<T, AppError>
    where
        T: Send + 'static,
        Work: Future<Output = Result<T, AppError>> + Send + 'static,
    {
        // In the request's span, so what the work logs still says which request it was for.
        let task =
            tokio::spawn(work(self.clone(), OnItsOwn(())).instrument(tracing::Span::current()));
        task.await.unwrap_or_else(|e| {
            // A panic in the work: its transaction was dropped, so rolled back.
            tracing::error!("a write stopped before its end: {e}");
            Err(AppError::Internal)
        })
    }

    /// A write transaction, after this process's turn to write. SQLite takes its write lock at
    /// once (`BEGIN IMMEDIATE`), so writers queue for the lock instead of one failing when it
    /// upgrades a read lock half-way.
    pub(crate) async fn begin_write(&self, _: &OnItsOwn) -> Result<WriteTx, AppError> {
        let turn = self.write_turn().await;
        // The one place a transaction is begun (clippy.toml refuses `begin` elsewhere).
        #[allow(clippy::disallowed_methods)]
        let tx = match self.backend() {
            Backend::Sqlite => self.pool().begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool().begin().await,
        }
        .internal()?;
        Ok(WriteTx { tx, _turn: turn })
    }

    /// Whether a write can start within `within`, for `/healthz`: a write transaction is begun
    /// (on SQLite that takes the write lock; on PostgreSQL it is given a transaction id, which a
    /// read-only server refuses) and rolled back. Checks take turns, so however many probes come
    /// at once only one write waits on the database; each probe waits at most `within` in all.
    pub async fn check_writable(&self, within: Duration) -> Result<(), NotWritable> {
        let deadline = tokio::time::Instant::now() + within;
        let turn = tokio::time::timeout_at(deadline, self.health_check.clone().lock_owned());
        let Ok(checking) = turn.await else {
            return Err(NotWritable::StillChecking);
        };
        let check = self.to_the_end(move |db, on_its_own| async move {
            // Held until the check ends, even if the probe that started it has given up.
            let _checking = checking;
            let mut tx = db.begin_write(&on_its_own).await?;
            if db.backend() == Backend::Postgres {
                sqlx::query("SELECT txid_current()")
                    .execute(&mut **tx)
                    .await
                    .internal()?;
            }
            tx.rollback().await;
            Ok(())
        });
        match tokio::time::timeout_at(deadline, check).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(NotWritable::Refused),
            Err(_) => Err(NotWritable::TooSlow(within)),
        }
    }
}
