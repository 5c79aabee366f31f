//! `/healthz`: tells a load balancer or a person whether this process can serve, database included.

use axum::{extract::State, http::StatusCode, response::IntoResponse, Json};
use serde::Serialize;

use store::Db;

#[derive(Serialize)]
struct Health {
    status: &'static str,
    database: &'static str,
}

/// 200 with `{"status":"ok"}` when the database answers; 503 otherwise.
pub async fn healthz(State(db): State<Db>) -> impl IntoResponse {
    let no_store = [(axum::http::header::CACHE_CONTROL, "no-store")];
    match db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            no_store,
            Json(Health {
                status: "ok",
                database: "ok",
            }),
        ),
        Err(e) => {
            tracing::error!("health check: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                no_store,
                Json(Health {
                    status: "unavailable",
                    database: "unreachable",
                }),
            )
        }
    }
}
