//! Forms as a browser without JavaScript sends them, through the whole router: sign-up sets
//! a safe session cookie and redirects; a bad field re-renders the form with the message,
//! status 4xx and what was typed (never the password); pages need a session.

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use server::{router, AppState, Config};
use store::{on_both_backends, testing};
use tower::ServiceExt;

async fn app(backend: store::Backend) -> Router {
    let db = testing::fresh_db(backend).await;
    let config = Config::from_lookup(|_| None).expect("default config");
    router(AppState::new(db, config.leptos_options()), &config)
}

/// A plain HTML form post, as a browser sends it.
fn form_post(
    path: &str,
    from_page: &str,
    fields: &[(&str, &str)],
    cookie: Option<&str>,
) -> Request<Body> {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let mut request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::REFERER, format!("http://127.0.0.1:3000{from_page}"));
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::from(body)).expect("request")
}

async fn text(response: axum::response::Response) -> String {
    String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec(),
    )
    .expect("utf-8")
}

fn session_cookie(response: &axum::response::Response) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("sb_session="))
        .map(str::to_string)
}

fn new_id() -> String {
    app::model::ids::new_id()
}

on_both_backends! {
    async fn sign_up_sets_a_safe_cookie_and_redirects(backend: Backend) {
        let app = app(backend).await;
        let id = new_id();
        let response = app
            .oneshot(form_post("/api/sign_up", "/signup", &[("id", &id), ("display_name", "Margaret"), ("password", "kettle orange bicycle")], None))
            .await
            .expect("response");
        assert!(response.status().is_redirection(), "{}", response.status());
        assert_eq!(response.headers()[header::LOCATION], "/");
        let cookie = session_cookie(&response).expect("session cookie");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
        assert!(!cookie.contains("Secure"), "not configured for TLS: {cookie}");
    }
}

on_both_backends! {
    async fn a_bad_field_re_renders_the_form_with_its_message_and_the_typed_values(backend: Backend) {
        let app = app(backend).await;
        let id = new_id();
        let response = app
            .clone()
            .oneshot(form_post("/api/sign_up", "/signup", &[("id", &id), ("display_name", "Margaret"), ("password", "qwertyuiop")], None))
            .await
            .expect("response");
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(session_cookie(&response).is_none());
        let html = text(response).await;
        assert!(html.contains("<h1>Join Streetboard</h1>"), "{html}");
        assert!(html.contains("one of the most common"), "the field's message is shown: {html}");
        assert!(html.contains(r#"value="Margaret""#), "the typed name is kept: {html}");
        assert!(!html.contains("qwertyuiop"), "the password is never echoed");

        // Nothing was stored: the same name can still sign up.
        let retry = app
            .oneshot(form_post("/api/sign_up", "/signup", &[("id", &new_id()), ("display_name", "Margaret"), ("password", "kettle orange bicycle")], None))
            .await
            .expect("response");
        assert!(retry.status().is_redirection(), "{}", retry.status());
    }
}

#[tokio::test]
async fn server_functions_that_need_a_session_answer_401_without_one() {
    let app = app(store::Backend::Sqlite).await;
    let request = Request::post("/api/my_boards")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::empty())
        .expect("request");
    let response = app.oneshot(request).await.expect("response");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(text(response).await.contains("NotSignedIn"));
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_configured_for_tls() {
    let db = testing::fresh_db(store::Backend::Sqlite).await;
    let config = Config::from_lookup(|name| {
        (name == "STREETBOARD_SECURE_COOKIES").then(|| "true".to_string())
    })
    .expect("config");
    let app = router(AppState::new(db, config.leptos_options()), &config);
    let response = app
        .oneshot(form_post(
            "/api/sign_up",
            "/signup",
            &[
                ("id", &new_id()),
                ("display_name", "Sam"),
                ("password", "kettle orange bicycle"),
            ],
            None,
        ))
        .await
        .expect("response");
    assert!(session_cookie(&response)
        .expect("cookie")
        .contains("; Secure"));
}

/// Every server function that reads or changes a board refuses someone who is not signed in,
/// whatever they send, with 401 and a message to sign in.
#[tokio::test]
async fn every_board_action_refuses_the_signed_out() {
    let app = app(store::Backend::Sqlite).await;
    let id = new_id();
    let post = new_id();
    let table: [(&str, Vec<(&str, &str)>); 12] = [
        ("my_boards", vec![]),
        (
            "create_board",
            vec![
                ("id", &id),
                ("name", "Elm Road"),
                ("streets", "Elm Road"),
                ("my_street", ""),
                ("house_number", ""),
            ],
        ),
        (
            "join_board",
            vec![("code", "abcdefghjk"), ("street", ""), ("house_number", "")],
        ),
        ("new_invite", vec![("slug", "elm-road")]),
        ("leave_board", vec![("slug", "elm-road")]),
        ("load_board", vec![("slug", "elm-road")]),
        ("load_profile", vec![]),
        ("update_profile", vec![("phone", ""), ("email", "")]),
        ("load_post", vec![("post_id", &post)]),
        ("my_activity", vec![]),
        (
            "post_action",
            vec![("id", &id), ("post_id", &post), ("action", "claim")],
        ),
        (
            "reply",
            vec![
                ("id", &id),
                ("reply_id", &post),
                ("post_id", &post),
                ("body", "Thanks!"),
            ],
        ),
    ];
    for (endpoint, fields) in table {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&fields)
            .finish();
        let request = Request::post(format!("/api/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("request");
        let response = app.clone().oneshot(request).await.expect("response");
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
        assert!(text(response).await.contains("NotSignedIn"), "{endpoint}");
    }
}
