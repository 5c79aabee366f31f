//! The one error type server functions return: it travels to the browser intact, so the page
//! can say *why* ("Sam is already helping with this"; the words are the app's,
//! `app::words::problem`), and it knows its HTTP status. Its `Display` is for logs.

use serde::{Deserialize, Serialize};

use super::{FieldErrors, Refusal};

/// What went wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Some fields need fixing; each has its own message.
    #[error("invalid fields: {0:?}")]
    Invalid(FieldErrors),
    #[error("not signed in")]
    NotSignedIn,
    /// Not theirs to do, not there, or not now: see the refusal.
    #[error("refused: {0:?}")]
    Refused(Refusal),
    #[error("too many attempts (retry after {retry_after_secs} s)")]
    TooManyAttempts { retry_after_secs: u64 },
    /// The server is at capacity for this kind of work (checking passwords): nothing was
    /// done; try again shortly.
    #[error("busy (retry after {retry_after_secs} s)")]
    Busy { retry_after_secs: u64 },
    /// Our fault: details are in the server's log, never in the page.
    #[error("internal error")]
    Internal,
    /// The request did not reach the server, or its answer did not reach the page.
    #[error("transport: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status this error is sent with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid(_) => 422,
            Self::NotSignedIn => 401,
            Self::Refused(refusal) => refusal.status(),
            Self::TooManyAttempts { .. } => 429,
            Self::Busy { .. } => 503,
            Self::Internal => 500,
            Self::Transport(_) => 400,
        }
    }

    /// A single field's problem, as a form shows it.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(FieldErrors(vec![(field.to_string(), message.into())]))
    }

    /// The message for `field`, when this error is about the form's fields.
    pub fn field_message(&self, field: &str) -> Option<&str> {
        match self {
            Self::Invalid(errors) => errors.get(field),
            _ => None,
        }
    }
}

impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        Self::Refused(refusal)
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        Self::Invalid(errors)
    }
}

/// A server function's error travels as JSON; what goes wrong on the way is `Transport`.
#[cfg(feature = "server-fn")]
impl server_fn::error::FromServerFnError for AppError {
    type Encoder = server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: server_fn::error::ServerFnErrorErr) -> Self {
        Self::Transport(value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_survive_the_trip_to_the_browser() {
        let error = AppError::field("title", "The title needs at least 3 characters.");
        // Server functions carry it as JSON (`server_fn`'s `JsonEncoding`; app tests that path).
        let json = serde_json::to_string(&error).expect("an error is JSON");
        let back: AppError = serde_json::from_str(&json).expect("and back");
        assert_eq!(back, error);
        assert_eq!(
            back.field_message("title"),
            Some("The title needs at least 3 characters.")
        );
        assert_eq!(back.status(), 422);
    }
}
