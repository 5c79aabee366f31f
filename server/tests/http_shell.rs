//! The router in-process (no port): pages, 404, health, security headers, body limit, compression.

mod support;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    Router,
};
use store::{on_both_backends, Backend};
use support::{body_text, fresh_app, get};
use tower::ServiceExt;

async fn app() -> Router {
    fresh_app(Backend::Sqlite).await.0
}

on_both_backends! {
    async fn healthz_checks_the_database(backend: Backend) {
        let (app, db) = fresh_app(backend).await;
        let response = app.clone().oneshot(get("/healthz")).await.expect("response");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
        assert!(body_text(response).await.contains(r#""status":"ok""#));

        db.close().await;
        let response = app.oneshot(get("/healthz")).await.expect("response");
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(body_text(response).await.contains(r#""database":"unreachable""#));
    }
}

/// `/healthz`'s status and body, asked afresh.
async fn health(app: &Router) -> (StatusCode, String) {
    let response = app
        .clone()
        .oneshot(get("/healthz"))
        .await
        .expect("response");
    (response.status(), body_text(response).await)
}

/// Asks `/healthz` until it answers 200, for at most ten seconds.
async fn healthy_again(app: &Router) {
    for _ in 0..100 {
        if health(app).await.0 == StatusCode::OK {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("/healthz never answered 200 again: {:?}", health(app).await);
}

on_both_backends! {
    async fn healthz_fails_while_every_connection_is_taken(backend: Backend) {
        let (app, db) = fresh_app(backend).await;
        let most = db.pool().options().get_max_connections();
        let mut taken = Vec::new();
        for _ in 0..most {
            taken.push(db.pool().acquire().await.expect("a connection"));
        }
        let (status, body) = health(&app).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert!(body.contains(r#""status":"unavailable""#), "{body}");

        drop(taken);
        healthy_again(&app).await;
    }
}

on_both_backends! {
    async fn healthz_probes_arriving_together_all_answer_ok(backend: Backend) {
        // Several balancers and a watchdog ask at the same moment: checks take turns.
        let (app, _db) = fresh_app(backend).await;
        let answers = futures_util::future::join_all((0..6).map(|_| health(&app))).await;
        for (status, body) in answers {
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    }
}

/// What the wedged server of issue 18 showed: reads answered, every write "database is locked",
/// and `/healthz` still said ok. Here another process holds SQLite's write lock.
#[tokio::test]
async fn healthz_fails_while_sqlite_cannot_take_a_write() {
    use sqlx::{ConnectOptions, Connection, Executor};

    let (app, db) = fresh_app(Backend::Sqlite).await;
    let file = db.pool().connect_options().to_url_lossy().to_string();
    let mut other_process = sqlx::AnyConnection::connect(&file).await.expect("connect");
    other_process
        .execute("BEGIN IMMEDIATE")
        .await
        .expect("take the write lock");

    let (status, body) = health(&app).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body.contains(r#""database":"not taking writes""#), "{body}");
    // Reads still work: it is writes the check caught.
    db.ping().await.expect("a read");

    other_process.execute("ROLLBACK").await.expect("let go");
    healthy_again(&app).await;
}

#[tokio::test]
async fn home_page_is_server_rendered_with_a_nonced_hydration_script() {
    let response = app().await.oneshot(get("/")).await.expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(!csp.contains("'unsafe-inline'"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("page CSP carries a nonce")
        .to_string();

    let html = body_text(response).await;
    assert!(html.contains("help board</h1>"), "{html}");
    assert!(html.contains(r#"<nav aria-label="Main""#), "{html}");
    assert!(html.contains("<title>Streetboard</title>"), "{html}");
    // Every inline script the page carries must be allowed by this response's policy.
    let inline_scripts = html.matches("<script").count();
    assert!(
        inline_scripts > 0,
        "the hydration script is missing: {html}"
    );
    assert_eq!(
        html.matches(&format!(r#"nonce="{nonce}""#)).count(),
        inline_scripts,
        "{html}"
    );
    // Only the browser knows it has hydrated.
    assert!(!html.contains("data-hydrated"), "{html}");
}

#[tokio::test]
async fn each_page_gets_its_own_nonce() {
    let app = app().await;
    let first = app.clone().oneshot(get("/")).await.expect("response");
    let second = app.oneshot(get("/")).await.expect("response");
    assert_ne!(
        first.headers()[header::CONTENT_SECURITY_POLICY],
        second.headers()[header::CONTENT_SECURITY_POLICY]
    );
}

#[tokio::test]
async fn unknown_addresses_get_the_not_found_page_with_status_404() {
    let response = app()
        .await
        .oneshot(get("/no-such-page"))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let html = body_text(response).await;
    assert!(html.contains("<h1>Page not found</h1>"), "{html}");
    assert!(
        html.contains("<title>Page not found · Streetboard</title>"),
        "{html}"
    );
    assert!(html.contains("Back to the board"), "{html}");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    for uri in ["/", "/healthz", "/no-such-page"] {
        let response = app().await.oneshot(get(uri)).await.expect("response");
        let headers = response.headers();
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{uri}");
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY", "{uri}");
        assert_eq!(headers[header::REFERRER_POLICY], "same-origin", "{uri}");
        let csp = headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("ascii");
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
    }
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let limit = server::config::DEFAULT_MAX_BODY_BYTES;
    let request = Request::post("/api/anything")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::CONTENT_LENGTH, limit + 1)
        .body(Body::from(vec![b'a'; limit + 1]))
        .expect("request");
    let response = app().await.oneshot(request).await.expect("response");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn pages_are_compressed_when_the_browser_asks() {
    let request = Request::get("/")
        .header(header::ACCEPT_ENCODING, "br")
        .body(Body::empty())
        .expect("request");
    let response = app().await.oneshot(request).await.expect("response");
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
}
