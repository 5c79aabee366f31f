//! Backing up and restoring an SQLite database while the server runs: `VACUUM INTO` writes a
//! consistent copy of the whole database, as of one moment, into a new file, without stopping
//! writers for longer than one read (every write committed before it is in the copy, none
//! half). Restoring copies a backup into a database file that does not exist yet, checked to
//! be a Streetboard database first. PostgreSQL has its own tools (`pg_dump`, `pg_restore`:
//! README says how), so both refuse there.

use std::path::Path;

use sqlx::Connection;

use crate::{url, Backend, Db};

/// Why a backup or restore was not made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("backups of PostgreSQL are made with pg_dump (see README, \"Backups\")")]
    Postgres,
    #[error("{0} exists already: back up to a new file, or restore into a new one")]
    Exists(String),
    #[error("{0} is not a Streetboard database")]
    NotStreetboard(String),
    #[error("{0}")]
    Database(String),
}

impl Db {
    /// Writes a consistent copy of this (SQLite) database to `path`, a file that must not
    /// exist yet.
    pub async fn backup_to(&self, path: &Path) -> Result<(), BackupError> {
        if self.backend() != Backend::Sqlite {
            return Err(BackupError::Postgres);
        }
        if path.exists() {
            return Err(BackupError::Exists(path.display().to_string()));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(path.to_string_lossy().into_owned())
            .execute(self.pool())
            .await
            .map_err(|e| BackupError::Database(e.to_string()))?;
        Ok(())
    }
}

/// Restores the backup at `backup` into `database_url`, an SQLite file that must not exist
/// yet (move the damaged one away first): the backup is opened, checked to be a Streetboard
/// database, and copied there as one consistent file. The server is started on it afterwards.
pub async fn restore(backup: &Path, database_url: &str) -> Result<(), BackupError> {
    if Backend::of_url(database_url) != Some(Backend::Sqlite) {
        return Err(BackupError::Postgres);
    }
    let target = url::sqlite_path(database_url)
        .ok_or_else(|| BackupError::Database("DATABASE_URL names no SQLite file".into()))?;
    if Path::new(&target).exists() {
        return Err(BackupError::Exists(target));
    }
    if let Some(folder) = Path::new(&target)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(folder).map_err(|e| BackupError::Database(e.to_string()))?;
    }
    let shown = backup.display().to_string();
    if !backup.is_file() {
        return Err(BackupError::NotStreetboard(shown));
    }
    // Read only, and none of the server's settings: a restore never changes the backup.
    sqlx::any::install_default_drivers();
    let source = format!("sqlite://{}?mode=ro", backup.to_string_lossy());
    let mut conn = sqlx::AnyConnection::connect(&source)
        .await
        .map_err(|_| BackupError::NotStreetboard(shown.clone()))?;
    let streetboard: Result<i64, _> =
        sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut conn)
            .await;
    if !matches!(streetboard, Ok(n) if n > 0) {
        return Err(BackupError::NotStreetboard(shown));
    }
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(&mut conn)
        .await
        .map_err(|e| BackupError::Database(e.to_string()))?;
    Ok(())
}
