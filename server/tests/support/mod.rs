//! What the in-process HTTP tests share: the router on a database, a request sent through it
//! without a port, what comes back read as bytes, text or JSON; and, from the store's story builders,
//! the people, board and post most of them start from.

// Cargo builds each file in `tests/` as a crate of its own, each including this module and
// using a different subset of it; what one crate leaves unused is not dead.
#![allow(dead_code)]

use axum::{
    body::Body,
    http::{header, request, HeaderName, Request, StatusCode},
    response::Response,
    Router,
};
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use server::{router, AppState, Config};
use store::{testing, Backend, Db};
use tower::ServiceExt;

/// The configuration with no environment variable set: every default.
pub fn default_config() -> Config {
    Config::from_lookup(|_| None).expect("default config")
}

/// The configuration with only the environment variable `name` set, to `value`.
pub fn config_with(name: &'static str, value: impl Into<String>) -> Config {
    let value = value.into();
    Config::from_lookup(move |asked| (asked == name).then(|| value.clone())).expect("config")
}

/// The whole router, as the server builds it, over `db` with `config`.
pub fn app_on(db: Db, config: &Config) -> Router {
    router(AppState::new(db, config.leptos_options()), config)
}

/// The router with the default configuration on a fresh database of `backend`, and that
/// database, for setting up and checking what the requests did.
pub async fn fresh_app(backend: Backend) -> (Router, Db) {
    let db = testing::fresh_db(backend).await;
    (app_on(db.clone(), &default_config()), db)
}

/// Sends one request through `app`; the router itself never fails, only answers with a status.
pub async fn send(app: &Router, request: Request<Body>) -> Response {
    app.clone().oneshot(request).await.expect("response")
}

/// Adds the session cookie for `token` when there is one (a signed-out request has none).
pub fn with_session(request: request::Builder, token: Option<&str>) -> request::Builder {
    match token {
        Some(token) => request.header(header::COOKIE, format!("sb_session={token}")),
        None => request,
    }
}

/// A GET of `uri` with no headers at all.
pub fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

/// A server function called with form fields. Without `from_page`, as the app's JavaScript
/// calls it (answered in JSON); with it, as a browser without JavaScript posts a plain HTML
/// form from that page (it takes HTML and says where it came from, so the answer can be the
/// page again or a redirect).
pub fn form_post(
    path: &str,
    fields: &[(&str, &str)],
    token: Option<&str>,
    from_page: Option<&str>,
) -> Request<Body> {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let mut request = with_session(
        Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
        token,
    );
    if let Some(page) = from_page {
        request = request
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::REFERER, format!("http://127.0.0.1:3000{page}"));
    }
    request.body(Body::from(body)).expect("request")
}

/// The value of header `name`, or "" when it is missing or not text.
pub fn header_of(response: &Response, name: HeaderName) -> &str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The whole body.
pub async fn body_bytes(response: Response) -> Vec<u8> {
    response
        .into_body()
        .collect()
        .await
        .expect("read body")
        .to_bytes()
        .to_vec()
}

/// The whole body as text: everything these tests read is UTF-8 (HTML, CSV, JSON, scripts).
pub async fn body_text(response: Response) -> String {
    String::from_utf8(body_bytes(response).await).expect("utf-8 body")
}

/// The whole body read as JSON into `T`.
pub async fn body_json<T: DeserializeOwned>(response: Response) -> T {
    serde_json::from_slice(&body_bytes(response).await).expect("a JSON body")
}

/// The status and the body as text, for asserting on one with the other in the message. Bytes
/// that are not UTF-8 are replaced, not refused: a refusal to a request that takes gzip or br
/// may come compressed, and the tests only show such a body or check what it lacks.
pub async fn status_and_lossy_text(response: Response) -> (StatusCode, String) {
    let status = response.status();
    let bytes = body_bytes(response).await;
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// How many rows of `table` have `column` equal to `value`: a write stored once, or not at all.
pub async fn rows_with(db: &Db, table: &str, column: &str, value: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1");
    sqlx::query_scalar(&sql)
        .bind(value)
        .fetch_one(db.pool())
        .await
        .expect("count")
}

// The people, boards and posts these tests start from are the store's story builders, the
// same ones the storage tests use. (Each test crate uses its own subset, as above.)
#[allow(unused_imports)]
pub use store::story::{create_post, elm_road, sign_up};
