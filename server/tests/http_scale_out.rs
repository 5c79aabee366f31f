//! Several server processes on one database, as router instances each with its own pool:
//! a session made through one is good on another (no sticky sessions needed), and a write
//! pushed to two of them at the same moment is applied once, both answering alike.

use std::sync::Arc;

mod support;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    Router,
};
use model::sync::wire::{PullResponse, PushResponse};
use store::{testing, Backend, Db};
use support::{app_on, create_post, default_config, elm_road, sign_up, status_and_lossy_text};

/// One "process": a pool of its own on the shared database, and its router.
async fn server(url: &str) -> Router {
    let db = Db::connect(url).await.expect("connect");
    app_on(db, &default_config())
}

/// Sends `request` through `app`: the status and the body as text.
async fn send(app: &Router, request: Request<Body>) -> (StatusCode, String) {
    status_and_lossy_text(support::send(app, request).await).await
}

fn push(token: &str, body: &str) -> Request<Body> {
    Request::post("/sync/push")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, format!("sb_session={token}"))
        .body(Body::from(body.to_string()))
        .expect("request")
}

async fn run(backend: Backend) {
    let url = testing::fresh_url(backend).await;
    let setup = Db::connect(&url).await.expect("connect");
    setup.migrate().await.expect("migrate");
    let (ben, token) = sign_up(&setup, "Ben").await;
    let board = elm_road(&setup, &ben, "12").await;
    let servers = [server(&url).await, server(&url).await];

    for round in 0..5 {
        let title = format!("Milk and bread {round}");
        let batch = Arc::new(
            serde_json::json!({ "mutations": [create_post(&board.id, &title)] }).to_string(),
        );
        // The phone's answer was lost; its retry reached the other process while the first
        // copy was still being applied.
        let sends = servers.clone().map(|app| {
            let (batch, token) = (batch.clone(), token.clone());
            tokio::spawn(async move { send(&app, push(&token, &batch)).await })
        });
        let mut answers = Vec::new();
        for send in sends {
            answers.push(send.await.expect("task"));
        }
        for (status, body) in &answers {
            assert_eq!(*status, StatusCode::OK, "round {round}: {body}");
            let answer: PushResponse = serde_json::from_str(body).expect("json");
            assert_eq!(
                serde_json::to_value(&answer.results[0].outcome).expect("json")["outcome"],
                "applied",
                "round {round}: {body}"
            );
        }
        assert_eq!(answers[0].1, answers[1].1, "round {round}: the same answer");

        // Pulled from either process: the post, once.
        for app in &servers {
            let (status, body) = send(
                app,
                Request::get(format!("/sync/pull?board_id={}&since=0", board.id))
                    .header(header::COOKIE, format!("sb_session={token}"))
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let pulled: PullResponse = serde_json::from_str(&body).expect("json");
            let copies = pulled
                .posts
                .iter()
                .filter(|p| p.card.title == title)
                .count();
            assert_eq!(copies, 1, "round {round}: {title} once");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_a_write_pushed_to_two_servers_at_once_applies_once() {
    run(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_a_write_pushed_to_two_servers_at_once_applies_once() {
    run(Backend::Postgres).await;
}
