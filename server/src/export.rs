//! `GET /b/:slug/export.csv`: the board's requests as a CSV download, for organisers only
//! (403 for anyone else, 401 when signed out). What the file holds, and what it never holds,
//! is decided in `store::export`.

use axum::{
    extract::{Path, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use model::ids::Slug;
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
        Ok(file) => {
            let disposition = format!("attachment; filename=\"{}\"", file.filename);
            let mut response = (StatusCode::OK, file.body).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            if let Ok(value) = HeaderValue::from_str(&disposition) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            // A report for the organiser, not for caches on the way or on the phone.
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => {
            let status =
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, app::words::problem(&error)).into_response()
        }
    }
}
