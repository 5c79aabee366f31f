//! Storage failures: `StorageError` for operators (start-up, migrations, the change feed), and
//! turning a failed query into the plain `AppError::Internal`, logging the detail once.

use model::AppError;

/// `.internal()?` on a database result: log what happened, tell the person only that it
/// failed on our side and nothing changed (the transaction was rolled back).
pub(crate) trait OrInternal<T> {
    fn internal(self) -> Result<T, AppError>;
}

/// How long a person is asked to wait when every database connection stayed busy.
const BUSY_RETRY_SECS: u64 = 5;

impl<T> OrInternal<T> for Result<T, sqlx::Error> {
    fn internal(self) -> Result<T, AppError> {
        self.map_err(|e| match e {
            // Every connection stayed busy for the pool's whole wait: the server is overloaded,
            // not broken, and nothing was done; the phone (or person) tries again shortly.
            sqlx::Error::PoolTimedOut => {
                tracing::warn!("database: every connection stayed busy");
                AppError::Busy {
                    retry_after_secs: BUSY_RETRY_SECS,
                }
            }
            e => {
                tracing::error!("database: {e}");
                AppError::Internal
            }
        })
    }
}

/// Whether `error` is a unique-constraint violation (by kind, never by message text).
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}

/// A storage failure. Its text is for logs and operators; people see a plain message instead.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error(
        "DATABASE_URL={0:?} is not supported: use sqlite://path/to/file.db or postgres://user:password@host/database"
    )]
    UnsupportedUrl(String),
    #[error("cannot create the folder for the SQLite file {path}: {source}")]
    CreateFolder {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database at {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("the database could not be brought up to date (migrations failed), so the server will not start: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the names of accounts made before this version could not be keyed anew (the database failed: see the error logged above), so the server will not start")]
    RekeyNames,
    #[error("database query failed: {0}")]
    Query(#[from] sqlx::Error),
}
