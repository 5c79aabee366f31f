//! Storage: the one home of every database query. One SQLite file by default, PostgreSQL when
//! `DATABASE_URL` says so; the same code and the same tests run against both.

use std::{sync::Arc, time::Duration};

use sqlx::{
    any::{AnyPoolOptions, AnyQueryResult},
    AnyPool, Executor,
};

use crate::{
    error::StorageError,
    live::Announcer,
    url::{self, redact, Backend},
};

/// How long start-up and requests wait for a database connection before giving up.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// A handle to the database: a connection pool plus which kind of database it is.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// Tells this process's live-update streams about changes (see `live`).
    announcer: Announcer,
    /// SQLite takes one writer at a time. Writers of this process wait their turn here, first
    /// come first served, rather than in SQLite's busy handler, whose growing sleeps (up to
    /// 100 ms a try) gave a push among eight at once a p99 of 0.7 s (BENCHMARKS.md).
    write_turn: Arc<tokio::sync::Mutex<()>>,
    /// Held while `/healthz` checks the database takes writes, so checks never pile up.
    pub(crate) health_check: Arc<tokio::sync::Mutex<()>>,
    /// Password hashing slots, shared by every sign-up and sign-in of this process.
    pub(crate) hashing: crate::password::HashingGate,
    /// Sign-ups one address may make in the window, when set (`with_sign_ups_per_address`);
    /// otherwise `accounts::MAX_SIGN_UPS_PER_ADDRESS`.
    pub(crate) sign_ups_per_address: Option<i64>,
    /// Claims and hand-backs one member may make in a day, when set (`with_claims_per_day`);
    /// otherwise `claims::MAX_CLAIMS_PER_DAY`.
    pub(crate) claims_per_day: Option<i64>,
    /// Writes one member may make in a minute, when set (`with_writes_per_minute`); otherwise
    /// `apply::MAX_WRITES_PER_MINUTE`.
    pub(crate) writes_per_minute: Option<i64>,
    /// The URL it was opened with, for tests that look at it from a connection of their own.
    #[cfg(feature = "test-support")]
    url: Arc<str>,
}

impl Db {
    /// Opens `url`, creating the SQLite file (and its folder) when it does not exist yet.
    pub async fn connect(url: &str) -> Result<Self, StorageError> {
        sqlx::any::install_default_drivers();
        let backend =
            Backend::of_url(url).ok_or_else(|| StorageError::UnsupportedUrl(redact(url)))?;
        let url = match backend {
            Backend::Sqlite => url::prepare_sqlite(url)?,
            Backend::Postgres => url.to_string(),
        };

        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                // SQLite has one writer at a time; a few readers beside it are plenty.
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers carry on while a write commits. FULL syncs the
                        // log at every commit: NORMAL would survive the process dying but could
                        // lose the last commits to a power cut or a kernel crash, after their
                        // phones were told "sent" and forgot them. A push commits once for its
                        // whole batch (`batch`), so the sync is paid once per batch.
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .map_err(|source| StorageError::Connect {
                url: redact(&url),
                source,
            })?;
        Ok(Self {
            pool,
            backend,
            announcer: Announcer::new(&url),
            write_turn: Arc::default(),
            health_check: Arc::default(),
            hashing: crate::password::HashingGate::new(),
            sign_ups_per_address: None,
            claims_per_day: None,
            writes_per_minute: None,
            #[cfg(feature = "test-support")]
            url: url.as_str().into(),
        })
    }

    /// With at most `most` sign-ups per address in the window (default
    /// `MAX_SIGN_UPS_PER_ADDRESS`): more where many neighbours share one address.
    pub fn with_sign_ups_per_address(mut self, most: i64) -> Self {
        self.sign_ups_per_address = Some(most);
        self
    }

    /// With at most `most` claims and hand-backs per member a day (default
    /// `MAX_CLAIMS_PER_DAY`).
    pub fn with_claims_per_day(mut self, most: i64) -> Self {
        self.claims_per_day = Some(most);
        self
    }

    /// With at most `most` writes per member a minute (default `MAX_WRITES_PER_MINUTE`).
    pub fn with_writes_per_minute(mut self, most: i64) -> Self {
        self.writes_per_minute = Some(most);
        self
    }

    /// Checks the database answers, for `/healthz`.
    pub async fn ping(&self) -> Result<(), StorageError> {
        let _: AnyQueryResult = sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    #[cfg(feature = "test-support")]
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// This process's turn to write, on SQLite (held until dropped); nothing to wait for on
    /// PostgreSQL, where writers to different rows go side by side. Taken by `begin_write`.
    pub(crate) async fn write_turn(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        match self.backend {
            Backend::Sqlite => Some(self.write_turn.clone().lock_owned().await),
            Backend::Postgres => None,
        }
    }

    pub(crate) fn announcer(&self) -> &Announcer {
        &self.announcer
    }

    /// Waits for open connections to finish, so SQLite checkpoints its WAL on the way out.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
