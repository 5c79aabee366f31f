//! `GET /b/:slug/export.csv`: the board's requests as a CSV download, for organisers only
//! (403 for anyone else, 401 when signed out). What the file holds, and what it never holds,
//! is decided in `store::export`.

use app::api::server::session_token_in;

use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use model::AppError;
use store::Db;

pub async fn requests_csv(
    State(db): State<Db>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    match csv(&db, &slug, &headers).await {
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
            (status, error.to_string()).into_response()
        }
    }
}

async fn csv(db: &Db, slug: &str, headers: &HeaderMap) -> Result<store::CsvFile, AppError> {
    let token = session_token_in(headers).ok_or(AppError::NotSignedIn)?;
    let viewer = db.viewer(&token).await?.ok_or(AppError::NotSignedIn)?;
    db.requests_csv(&viewer, slug).await
}
