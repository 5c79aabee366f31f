//! `/healthz`: tells a load balancer or a person whether this process can serve, database included:
//! it must answer a read and take a write within a short time, so a process whose database is
//! stuck (a lock that is never let go, every connection taken) is restarted or taken out of
//! service instead of being kept in it while it refuses every post.

use std::time::Duration;

use axum::{extract::State, http::StatusCode, response::IntoResponse, Json};
use serde::Serialize;

use store::Db;

/// How long the read and the write together may wait before the check says the database is
/// stuck. Well under a load
/// balancer's usual check timeout (5 s), and far longer than a write waits on a healthy server.
pub const WRITE_WITHIN: Duration = Duration::from_secs(2);

#[derive(Serialize)]
struct Health {
    status: &'static str,
    database: &'static str,
}

/// 200 with `{"status":"ok"}` when the database answers and takes writes; 503 otherwise.
pub async fn healthz(State(db): State<Db>) -> impl IntoResponse {
    // One budget for the read and the write together.
    let started = tokio::time::Instant::now();
    let read = tokio::time::timeout(WRITE_WITHIN, db.ping()).await;
    let database = match read {
        Err(_) => {
            tracing::error!("health check: the database did not answer within {WRITE_WITHIN:?}");
            Err("unreachable")
        }
        Ok(Err(e)) => {
            tracing::error!("health check: {e}");
            Err("unreachable")
        }
        Ok(Ok(())) => db
            .check_writable(WRITE_WITHIN.saturating_sub(started.elapsed()))
            .await
            .map_err(|e| {
                tracing::error!("health check: {e}");
                "not taking writes"
            }),
    };
    let (status, body) = match database {
        Ok(()) => (
            StatusCode::OK,
            Health {
                status: "ok",
                database: "ok",
            },
        ),
        Err(database) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Health {
                status: "unavailable",
                database,
            },
        ),
    };
    let no_store = [(axum::http::header::CACHE_CONTROL, "no-store")];
    (status, no_store, Json(body))
}
