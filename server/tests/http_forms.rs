//! Forms as a browser without JavaScript sends them, through the whole router: sign-up sets
//! a safe session cookie and redirects; a bad field re-renders the form with the message,
//! status 4xx and what was typed (never the password); pages need a session.

mod support;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};
use store::{on_both_backends, testing};
use support::{app_on, body_text, config_with, form_post, fresh_app, send};
use tower::ServiceExt;

async fn app(backend: store::Backend) -> axum::Router {
    fresh_app(backend).await.0
}

/// A sign-up as a browser without JavaScript posts the form from the sign-up page.
fn sign_up_form(fields: &[(&str, &str)]) -> Request<Body> {
    form_post("/api/sign_up", fields, None, Some("/signup"))
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
    model::ids::new_id()
}

on_both_backends! {
    async fn sign_up_sets_a_safe_cookie_and_redirects(backend: Backend) {
        let app = app(backend).await;
        let id = new_id();
        let response = app
            .oneshot(sign_up_form(&[("id", &id), ("display_name", "Margaret"), ("password", "kettle orange bicycle")]))
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
            .oneshot(sign_up_form(&[("id", &id), ("display_name", "Margaret"), ("password", "qwertyuiop")]))
            .await
            .expect("response");
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(session_cookie(&response).is_none());
        let html = body_text(response).await;
        assert!(html.contains("<h1>Join Streetboard</h1>"), "{html}");
        assert!(html.contains("one of the most common"), "the field's message is shown: {html}");
        assert!(html.contains(r#"value="Margaret""#), "the typed name is kept: {html}");
        assert!(!html.contains("qwertyuiop"), "the password is never echoed");

        // Nothing was stored: the same name can still sign up.
        let retry = app
            .oneshot(sign_up_form(&[("id", &new_id()), ("display_name", "Margaret"), ("password", "kettle orange bicycle")]))
            .await
            .expect("response");
        assert!(retry.status().is_redirection(), "{}", retry.status());
    }
}

on_both_backends! {
    async fn after_signing_up_only_a_page_of_this_site_is_followed(backend: Backend) {
        let app = app(backend).await;
        // `next=/%09/evil.example` arrives decoded as "/\t/evil.example"; a browser strips
        // the tab from a Location and goes to //evil.example.
        for (name, next, location) in [
            ("Margaret", "/b/elm-road", "/b/elm-road"),
            ("Mona", "/\t/evil.example", "/"),
            ("Mina", "//evil.example", "/"),
        ] {
            let form = sign_up_form(&[("id", &new_id()), ("display_name", name), ("password", "kettle orange bicycle"), ("next", next)]);
            let response = app.clone().oneshot(form).await.expect("response");
            assert!(response.status().is_redirection(), "{next:?}: {}", response.status());
            assert_eq!(response.headers()[header::LOCATION], location, "{next:?}");
        }
    }
}

/// Password hashing is bounded: with every slot taken, a sign-up waits a moment, then is told
/// the server is busy (503, with when to try again), and nothing is stored.
#[tokio::test]
async fn a_sign_up_when_password_hashing_is_full_is_told_to_come_back() {
    let db = testing::fresh_db(store::Backend::Sqlite).await;
    let app = app_on(db.clone(), &support::default_config());
    let slots = testing::occupy_password_hashing(&db);
    let form = sign_up_form(&[
        ("id", &new_id()),
        ("display_name", "Sam"),
        ("password", "kettle orange bicycle"),
    ]);
    let response = app.clone().oneshot(form).await.expect("response");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()[header::RETRY_AFTER], "5");
    assert!(session_cookie(&response).is_none());
    drop(slots);
    let form = sign_up_form(&[
        ("id", &new_id()),
        ("display_name", "Sam"),
        ("password", "kettle orange bicycle"),
    ]);
    let response = app.oneshot(form).await.expect("response");
    assert!(response.status().is_redirection(), "{}", response.status());
}

/// Signing in over a session ends the earlier one: an old token cannot linger on a phone
/// passed on, nor be planted beforehand and shared.
#[tokio::test]
async fn signing_in_again_ends_the_earlier_session() {
    let db = testing::fresh_db(store::Backend::Sqlite).await;
    let app = app_on(db.clone(), &support::default_config());
    let (_, earlier) = support::sign_up(&db, "Sam").await;
    let form = support::form_post(
        "/api/sign_in",
        &[
            ("display_name", "Sam"),
            ("password", store::story::PASSWORD),
        ],
        Some(&earlier),
        Some("/signin"),
    );
    let response = app.clone().oneshot(form).await.expect("response");
    assert!(response.status().is_redirection(), "{}", response.status());
    assert!(session_cookie(&response).is_some(), "a new session");
    assert_eq!(
        db.viewer(&earlier).await.expect("look up"),
        None,
        "the earlier one is over"
    );
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
    assert!(body_text(response).await.contains("NotSignedIn"));
}

/// Over HTTPS the session travels as `__Host-sb_session`, which browsers take only from this
/// host (Secure, Path=/, no Domain); a plain `sb_session`, as a sibling subdomain could plant
/// for the whole site, is not read.
#[tokio::test]
async fn over_https_the_session_cookie_is_the_hosts_own() {
    let db = testing::fresh_db(store::Backend::Sqlite).await;
    let app = app_on(db, &config_with("STREETBOARD_SECURE_COOKIES", "true"));
    let response = app
        .clone()
        .oneshot(sign_up_form(&[
            ("id", &new_id()),
            ("display_name", "Sam"),
            ("password", "kettle orange bicycle"),
        ]))
        .await
        .expect("response");
    let cookie = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__Host-sb_session="))
        .expect("the host's own session cookie")
        .to_string();
    assert!(
        cookie.contains("; Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "{cookie}");
    let token = cookie
        .split(';')
        .next()
        .and_then(|pair| pair.split_once('='))
        .map(|(_, token)| token.to_string())
        .expect("a token");

    for (name, status) in [
        ("__Host-sb_session", StatusCode::OK),
        ("sb_session", StatusCode::UNAUTHORIZED),
    ] {
        let server_function = Request::post("/api/my_boards")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("{name}={token}"))
            .body(Body::empty())
            .expect("request");
        let answer = app
            .clone()
            .oneshot(server_function)
            .await
            .expect("response");
        assert_eq!(answer.status(), status, "{name} to a server function");
        let sync = Request::get("/sync/boards")
            .header(header::COOKIE, format!("{name}={token}"))
            .body(Body::empty())
            .expect("request");
        let answer = app.clone().oneshot(sync).await.expect("response");
        assert_eq!(answer.status(), status, "{name} to the sync API");
    }
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
        let request = form_post(&format!("/api/{endpoint}"), &fields, None, None);
        let response = send(&app, request).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
        assert!(
            body_text(response).await.contains("NotSignedIn"),
            "{endpoint}"
        );
    }
}
