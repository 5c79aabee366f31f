//! The sync endpoints the browser's offline engine talks to: `POST /sync/push` (a batch of
//! mutations, JSON), `GET /sync/pull?board_id=…&since=…` and `GET /sync/boards` (the boards the
//! person belongs to, which the browser keeps). Session by cookie, as for pages.

use model::{AppError, Outcome, Refusal};

use axum::{
    extract::{rejection::JsonRejection, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use model::sync::wire::{
    BoardHeader, ErrorBody, PullRequest, PullResponse, PushRequest, PushResponse,
};
use store::Db;

use crate::signed_in::SignedIn;

/// An error as the sync client reads it: a status, a sentence, and the refusal as data.
pub struct SyncError(pub AppError);

impl IntoResponse for SyncError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::BAD_REQUEST);
        let error = match &self.0 {
            AppError::Invalid(fields) => app::words::fields(fields),
            other => app::words::problem(other),
        };
        let refusal = match self.0 {
            AppError::Refused(refusal) => Some(refusal),
            _ => None,
        };
        (status, Json(ErrorBody { error, refusal })).into_response()
    }
}

impl From<AppError> for SyncError {
    fn from(error: AppError) -> Self {
        Self(error)
    }
}

pub async fn push(
    State(db): State<Db>,
    SignedIn { viewer, .. }: SignedIn,
    body: Result<Json<PushRequest>, JsonRejection>,
) -> Result<Json<PushResponse>, SyncError> {
    let Json(request) = body.map_err(|rejection| {
        AppError::field(
            "mutations",
            format!("The changes could not be read: {}", rejection.body_text()),
        )
    })?;
    if request
        .owner
        .as_ref()
        .is_some_and(|owner| *owner != viewer.user_id)
    {
        return Err(AppError::Refused(Refusal::NotYourWrites).into());
    }
    let mut results = db.push(&viewer, &request.mutations).await?;
    // Each refusal also in words, for phones still running a version that reads only those.
    for result in &mut results {
        if let Outcome::Rejected { reason } = &result.outcome {
            result.reason = Some(app::words::refusal(reason));
        }
    }
    Ok(Json(PushResponse { results }))
}

pub async fn pull(
    State(db): State<Db>,
    SignedIn { viewer, .. }: SignedIn,
    query: Result<Query<PullRequest>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<PullResponse>, SyncError> {
    let Query(request) = query.map_err(|rejection| {
        AppError::field(
            "since",
            format!("Ask with ?board_id=…&since=…: {}", rejection.body_text()),
        )
    })?;
    Ok(Json(
        db.pull(&viewer, &request.board_id, request.since).await?,
    ))
}

pub async fn boards(
    State(db): State<Db>,
    SignedIn { viewer, .. }: SignedIn,
) -> Result<Json<Vec<BoardHeader>>, SyncError> {
    Ok(Json(db.board_headers(&viewer).await?))
}
