//! Test support: a fresh, migrated database per test on SQLite or PostgreSQL, and the macro
//! that runs one test body against both. PostgreSQL comes from `cargo xtask test`, which
//! creates a database for the run and drops it after.

use std::sync::atomic::{AtomicU32, Ordering};

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
            format!("{run_url}{separator}options=-c%20search_path%3D{schema}")
        }
    }
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
