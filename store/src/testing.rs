//! Test support: a fresh, migrated database per test on SQLite or PostgreSQL, and the macro
//! that runs one test body against both. PostgreSQL comes from `cargo xtask test`, which
//! creates a database for the run and drops it after. The story builders the tests share are
//! in [`crate::story`].

use std::sync::atomic::{AtomicU32, Ordering};

use std::time::Duration;

use sqlx::{Connection, Executor};

use crate::{Backend, Db};

/// The PostgreSQL database that `cargo xtask test` creates for the run.
pub const POSTGRES_ENV: &str = "STREETBOARD_TEST_POSTGRES_URL";

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A URL for a database nobody else uses, not yet migrated.
///
/// # Panics
/// When PostgreSQL is asked for but `STREETBOARD_TEST_POSTGRES_URL` is not set: the test
/// fails with advice rather than being skipped.
pub async fn fresh_url(backend: Backend) -> String {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join("streetboard-tests");
            std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("temp folder: {e}"));
            format!("sqlite://{}/{}.db", dir.display(), unique_name("t"))
        }
        Backend::Postgres => {
            let run_url = std::env::var(POSTGRES_ENV).unwrap_or_else(|_| {
                panic!(
                    "{POSTGRES_ENV} is not set. PostgreSQL storage tests need a real server: \
                     run them with `cargo xtask test`, which starts one and sets it."
                )
            });
            // Each test gets its own schema in the run's database, so tests run in parallel
            // without seeing each other's rows.
            let schema = unique_name("t");
            sqlx::any::install_default_drivers();
            let mut admin = sqlx::AnyConnection::connect(&run_url)
                .await
                .unwrap_or_else(|e| panic!("connect to the test PostgreSQL: {e}"));
            admin
                .execute(format!("CREATE SCHEMA {schema}").as_str())
                .await
                .unwrap_or_else(|e| panic!("create schema: {e}"));
            let _ = admin.close().await;
            let separator = if run_url.contains('?') { '&' } else { '?' };
            // The schema's name as the connections' application name too, so a test can find
            // its own connections in `pg_stat_activity` (see `transactions_left_open`).
            format!(
                "{run_url}{separator}options=-c%20search_path%3D{schema}&application_name={schema}"
            )
        }
    }
}

/// Takes every password hashing slot of `db` until the returned value is dropped: a server
/// at capacity, for tests of what a sign-up or sign-in is told then.
pub fn occupy_password_hashing(db: &Db) -> tokio::sync::OwnedSemaphorePermit {
    db.hashing.take_all()
}

/// A fresh database with every migration applied.
pub async fn fresh_db(backend: Backend) -> Db {
    let db = Db::connect(&fresh_url(backend).await)
        .await
        .unwrap_or_else(|e| panic!("connect to the test database: {e}"));
    db.migrate()
        .await
        .unwrap_or_else(|e| panic!("migrations apply to an empty database: {e}"));
    db
}

/// How long [`transactions_left_open`] lets a write still at work finish before calling what it
/// holds left open. What it looks for is held for good (a lock nothing will let go), so this is
/// generous: a test run on a loaded machine must not mistake a slow write for a stuck one.
pub const SETTLE: Duration = Duration::from_secs(5);

/// What `db`'s connections hold open after every caller has gone: empty when nothing is. Asked
/// over a connection of its own, never one from the pool (a pooled one may be the culprit).
///
/// - SQLite: whether a writer from outside can take the write lock within [`SETTLE`]. A pooled
///   connection left inside `BEGIN IMMEDIATE` holds it for good; a write still at work lets go.
/// - PostgreSQL: the pool's connections `idle in transaction` for longer than [`SETTLE`], found
///   by application name in `pg_stat_activity`, and advisory locks they still hold.
pub async fn transactions_left_open(db: &Db) -> Vec<String> {
    let mut outside = sqlx::AnyConnection::connect(db.url())
        .await
        .unwrap_or_else(|e| panic!("a second connection to the test database: {e}"));
    let found = match db.backend() {
        Backend::Sqlite => sqlite_write_lock_held(&mut outside).await,
        Backend::Postgres => postgres_open_transactions(&mut outside, db.url()).await,
    };
    let _ = outside.close().await;
    found
}

async fn sqlite_write_lock_held(outside: &mut sqlx::AnyConnection) -> Vec<String> {
    let millis = SETTLE.as_millis();
    outside
        .execute(format!("PRAGMA busy_timeout = {millis}").as_str())
        .await
        .unwrap_or_else(|e| panic!("busy timeout: {e}"));
    match outside.execute("BEGIN IMMEDIATE").await {
        Ok(_) => {
            outside
                .execute("ROLLBACK")
                .await
                .unwrap_or_else(|e| panic!("rollback: {e}"));
            Vec::new()
        }
        Err(e) => vec![format!(
            "the SQLite write lock is still held after {millis} ms: {e}"
        )],
    }
}

async fn postgres_open_transactions(outside: &mut sqlx::AnyConnection, url: &str) -> Vec<String> {
    let name = url
        .split("application_name=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap_or_else(|| panic!("the test database URL names no application"));
    let deadline = tokio::time::Instant::now() + SETTLE;
    loop {
        // Connections of this pool in a transaction that has waited, idle, for the client;
        // and locks of any kind that an idle connection still holds (advisory ones included).
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT a.state, COALESCE(string_agg(DISTINCT l.locktype, ','), '') \
             FROM pg_stat_activity a LEFT JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'advisory' \
             WHERE a.application_name = $1 AND a.pid <> pg_backend_pid() \
             AND (a.state LIKE 'idle in transaction%' OR (a.state = 'idle' AND l.pid IS NOT NULL)) \
             GROUP BY a.pid, a.state",
        )
        .bind(name)
        .fetch_all(&mut *outside)
        .await
        .unwrap_or_else(|e| panic!("read pg_stat_activity: {e}"));
        if rows.is_empty() {
            return Vec::new();
        }
        if tokio::time::Instant::now() >= deadline {
            return rows
                .into_iter()
                .map(|(state, locks)| {
                    format!("a pooled connection is {state:?}, holding [{locks}]")
                })
                .collect();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Runs the same async test body on SQLite and on PostgreSQL, as two named tests.
#[macro_export]
macro_rules! on_both_backends {
    ($(#[$meta:meta])* async fn $name:ident($backend:ident: Backend) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            $(#[$meta])*
            async fn run($backend: $crate::Backend) $body

            #[tokio::test]
            async fn sqlite() {
                run($crate::Backend::Sqlite).await
            }

            #[tokio::test]
            async fn postgres() {
                run($crate::Backend::Postgres).await
            }
        }
    };
}

/// Like `on_both_backends!`, but on a multi-threaded runtime, so concurrent copies of a write
/// really run at the same time rather than taking turns on one thread.
#[macro_export]
macro_rules! racing_on_both_backends {
    (async fn $name:ident($backend:ident: Backend) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($backend: $crate::Backend) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                run($crate::Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                run($crate::Backend::Postgres).await
            }
        }
    };
}
