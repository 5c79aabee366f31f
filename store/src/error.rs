//! Turning database failures into the plain `AppError::Internal`, logging the detail once.

use model::AppError;

/// `.internal()?` on a database result: log what happened, tell the person only that it
/// failed on our side and nothing changed (the transaction was rolled back).
pub(crate) trait OrInternal<T> {
    fn internal(self) -> Result<T, AppError>;
}

impl<T> OrInternal<T> for Result<T, sqlx::Error> {
    fn internal(self) -> Result<T, AppError> {
        self.map_err(|e| {
            tracing::error!("database: {e}");
            AppError::Internal
        })
    }
}

/// Whether `error` is a unique-constraint violation (by kind, never by message text).
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}
