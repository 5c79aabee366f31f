//! The sync endpoints the browser's offline engine talks to: `POST /sync/push` (a batch of
//! mutations, JSON), `GET /sync/pull?board_id=…&since=…` and `GET /sync/boards` (the boards the
//! person belongs to, which the browser keeps). Session by cookie, as for pages.

use app::api::server::session_token_in;

use model::{views::Viewer, AppError};

use axum::{
    extract::{rejection::JsonRejection, Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use model::sync::wire::{BoardHeader, PullRequest, PullResponse, PushRequest, PushResponse};
use serde::Serialize;
use store::Db;

/// An error as the sync client reads it: a status and a sentence.
pub struct SyncError(AppError);

#[derive(Serialize)]
struct ErrorBody {
    error: String,
}

impl IntoResponse for SyncError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::BAD_REQUEST);
        let error = match &self.0 {
            AppError::Invalid(errors) => errors
                .0
                .iter()
                .map(|(_, m)| m.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            other => other.to_string(),
        };
        (status, Json(ErrorBody { error })).into_response()
    }
}

impl From<AppError> for SyncError {
    fn from(error: AppError) -> Self {
        Self(error)
    }
}

async fn viewer(db: &Db, headers: &HeaderMap) -> Result<Viewer, SyncError> {
    let token = session_token_in(headers);
    match token {
        Some(token) => db
            .viewer(&token)
            .await?
            .ok_or(SyncError(AppError::NotSignedIn)),
        None => Err(SyncError(AppError::NotSignedIn)),
    }
}

pub async fn push(
    State(db): State<Db>,
    headers: HeaderMap,
    body: Result<Json<PushRequest>, JsonRejection>,
) -> Result<Json<PushResponse>, SyncError> {
    let viewer = viewer(&db, &headers).await?;
    let Json(request) = body.map_err(|rejection| {
        AppError::field(
            "mutations",
            format!("The changes could not be read: {}", rejection.body_text()),
        )
    })?;
    let results = db.push(&viewer, &request.mutations).await?;
    Ok(Json(PushResponse { results }))
}

pub async fn pull(
    State(db): State<Db>,
    headers: HeaderMap,
    query: Result<Query<PullRequest>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<PullResponse>, SyncError> {
    let viewer = viewer(&db, &headers).await?;
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
    headers: HeaderMap,
) -> Result<Json<Vec<BoardHeader>>, SyncError> {
    let viewer = viewer(&db, &headers).await?;
    Ok(Json(db.board_headers(&viewer).await?))
}
