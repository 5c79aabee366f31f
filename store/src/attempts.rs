//! Attempts counted against limits (failed sign-ins, sign-ups, wrong invite codes), each under
//! a key such as `addr:<address>`, over a window of `FAILURE_WINDOW_MS`. Stored in the database
//! (table `sign_in_failures`, which holds every kind), so the limits hold across restarts and
//! across every server process.

use model::AppError;

use crate::{error::OrInternal, Db};

/// Attempts are counted over this window.
pub const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;

impl Db {
    /// Counts one attempt against each of `keys`; its id, to take it back. Attempts older
    /// than the window are forgotten here, where the table is written anyway, so the table
    /// stays small and checks (which count only the window) stay reads.
    pub(crate) async fn record_attempt(&self, keys: &[&str], now: i64) -> Result<String, AppError> {
        sqlx::query("DELETE FROM sign_in_failures WHERE at_ms <= $1")
            .bind(now - FAILURE_WINDOW_MS)
            .execute(self.pool())
            .await
            .internal()?;
        let attempt_id = model::ids::new_id();
        for key in keys {
            sqlx::query(
                "INSERT INTO sign_in_failures (attempt_id, limit_key, at_ms) VALUES ($1, $2, $3)",
            )
            .bind(&attempt_id)
            .bind(key)
            .bind(now)
            .execute(self.pool())
            .await
            .internal()?;
        }
        Ok(attempt_id)
    }

    /// Attempts under `key` in the window, the one being made included.
    pub(crate) async fn attempts_in_window(&self, key: &str, now: i64) -> Result<i64, AppError> {
        let count = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sign_in_failures WHERE limit_key = $1 AND at_ms > $2",
        )
        .bind(key)
        .bind(now - FAILURE_WINDOW_MS)
        .fetch_one(self.pool())
        .await
        .internal()?;
        Ok(count)
    }

    pub(crate) async fn forget_attempt(&self, attempt_id: &str) -> Result<(), AppError> {
        sqlx::query("DELETE FROM sign_in_failures WHERE attempt_id = $1")
            .bind(attempt_id)
            .execute(self.pool())
            .await
            .internal()?;
        Ok(())
    }

    pub(crate) async fn refuse_if_rate_limited(
        &self,
        key: &str,
        max: i64,
        now: i64,
    ) -> Result<(), AppError> {
        let since = now - FAILURE_WINDOW_MS;
        let (count, oldest): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MIN(at_ms) FROM sign_in_failures WHERE limit_key = $1 AND at_ms > $2",
        )
        .bind(key)
        .bind(since)
        .fetch_one(self.pool())
        .await
        .internal()?;
        // The count includes the attempt being made.
        if count > max {
            let retry_after_ms = oldest.unwrap_or(now) + FAILURE_WINDOW_MS - now;
            return Err(AppError::TooManyAttempts {
                retry_after_secs: (retry_after_ms.max(1000) / 1000) as u64,
            });
        }
        Ok(())
    }
}
