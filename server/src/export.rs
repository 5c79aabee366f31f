//! Downloads: `GET /b/:slug/export.csv`, the board's requests for organisers only (403 for
//! anyone else, 401 when signed out; what the file holds, and never holds, is decided in
//! `store::export`), and `GET /me/data.json`, everything held about the person asking
//! (`store::my_data`). Neither is ever stored on the way or on the phone.

use axum::{
    extract::{Path, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use model::{ids::Slug, AppError};
use store::Db;

use crate::{signed_in::SignedIn, sync_api::SyncError};

pub async fn requests_csv(
    State(db): State<Db>,
    Path(slug): Path<Slug>,
    signed_in: Result<SignedIn, SyncError>,
) -> Response {
    let file = match signed_in {
        Ok(SignedIn { viewer, .. }) => db.requests_csv(&viewer, &slug).await,
        Err(SyncError(error)) => Err(error),
    };
    match file {
        Ok(file) => download(file.body, "text/csv; charset=utf-8", &file.filename),
        Err(error) => refused(&error),
    }
}

pub async fn my_data(State(db): State<Db>, signed_in: Result<SignedIn, SyncError>) -> Response {
    let data = match signed_in {
        Ok(SignedIn { viewer, .. }) => db.my_data(&viewer).await,
        Err(SyncError(error)) => Err(error),
    };
    let body =
        data.and_then(|data| serde_json::to_vec_pretty(&data).map_err(|_| AppError::Internal));
    match body {
        Ok(body) => download(body, "application/json", "my-streetboard-data.json"),
        Err(error) => refused(&error),
    }
}

/// A file to save, kept by no cache on the way or on the phone.
fn download(
    body: impl Into<axum::body::Body>,
    content_type: &'static str,
    filename: &str,
) -> Response {
    let mut response = (StatusCode::OK, body.into()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn refused(error: &AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, app::words::problem(error)).into_response()
}
