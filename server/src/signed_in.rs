//! `SignedIn`: who a request's session cookie belongs to, for the axum handlers (sync, the live
//! stream, the CSV export). Server functions reach the same through
//! `app::api::server::require_viewer`.

use app::api::server::{session_token_in, SessionSettings};
use axum::{
    extract::{FromRef, FromRequestParts},
    http::{request::Parts, HeaderMap},
};
use model::{views::Viewer, AppError};
use store::Db;

use crate::sync_api::SyncError;

/// The person signed in, and the session they came with (a long-lived stream checks it again).
pub struct SignedIn {
    pub viewer: Viewer,
    pub token: String,
}

impl<S> FromRequestParts<S> for SignedIn
where
    Db: FromRef<S>,
    SessionSettings: FromRef<S>,
    S: Send + Sync,
{
    /// 401 when there is no cookie or its session is over; the status of a failed read else.
    type Rejection = SyncError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let (db, settings) = (Db::from_ref(state), SessionSettings::from_ref(state));
        Self::from_headers(&db, settings, &parts.headers).await
    }
}

impl SignedIn {
    /// For a handler that must answer something else first (the live stream, while the server
    /// stops) before it reads the session.
    pub async fn from_headers(
        db: &Db,
        settings: SessionSettings,
        headers: &HeaderMap,
    ) -> Result<Self, SyncError> {
        let token = session_token_in(headers, settings).ok_or(AppError::NotSignedIn)?;
        let viewer = db.viewer(&token).await?.ok_or(AppError::NotSignedIn)?;
        Ok(Self { viewer, token })
    }
}
