//! Another site's page cannot write as a neighbour, nor sign them in as someone else (login
//! CSRF): writes to `/api/*` and `/sync/*` that the browser marks as from elsewhere are refused
//! with 403 and nothing happens; the same writes from this site's own pages go through. Over
//! HTTPS, browsers are told to keep to it (HSTS).

mod support;

use axum::http::{header, HeaderName, Request, StatusCode};
use model::sync::wire::PushRequest;
use store::{on_both_backends, story, testing, Backend};
use support::{
    app_on, body_text, config_with, create_post, default_config, elm_road, form_post, send, sign_up,
};

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// A plain-form sign-in, as a browser without JavaScript posts it, with `headers` added.
fn sign_in_form(name: &str, headers: &[(HeaderName, &str)]) -> Request<axum::body::Body> {
    let mut request = form_post(
        "/api/sign_in",
        &[("display_name", name), ("password", story::PASSWORD)],
        None,
        Some("/signin"),
    );
    for (name, value) in headers {
        request
            .headers_mut()
            .insert(name.clone(), value.parse().expect("header value"));
    }
    request
}

fn sets_a_session(response: &axum::response::Response) -> bool {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| {
            v.to_str()
                .is_ok_and(|v| v.contains("session=") && !v.contains("Max-Age=0"))
        })
}

on_both_backends! {
    async fn another_sites_page_cannot_sign_a_neighbour_in_as_someone_else(backend: Backend) {
        let db = testing::fresh_db(backend).await;
        let app = app_on(db.clone(), &default_config());
        // The attacker's own account, which their page would sign the victim into.
        sign_up(&db, "Mallory").await;
        for headers in [
            vec![(SEC_FETCH_SITE, "cross-site")],
            vec![(SEC_FETCH_SITE, "same-site")],
            vec![(header::ORIGIN, "https://evil.example")],
        ] {
            let response = send(&app, sign_in_form("Mallory", &headers)).await;
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{headers:?}");
            assert!(!sets_a_session(&response), "{headers:?}: no session is set");
            let text = body_text(response).await;
            assert!(text.contains("another website"), "{headers:?}: {text}");
        }
        // From Streetboard's own sign-in page the same form signs in.
        for headers in [
            vec![(SEC_FETCH_SITE, "same-origin")],
            vec![(header::ORIGIN, "http://127.0.0.1:3000"), (header::HOST, "127.0.0.1:3000")],
        ] {
            let response = send(&app, sign_in_form("Mallory", &headers)).await;
            assert!(response.status().is_redirection(), "{headers:?}: {}", response.status());
            assert!(sets_a_session(&response), "{headers:?}");
        }
    }
}

on_both_backends! {
    async fn another_sites_page_cannot_push_writes_with_a_neighbours_cookie(backend: Backend) {
        let db = testing::fresh_db(backend).await;
        let app = app_on(db.clone(), &default_config());
        let (ben, token) = sign_up(&db, "Ben").await;
        let board = elm_road(&db, &ben, "12").await;
        let push = |site: &str| {
            let body = serde_json::to_string(&PushRequest {
                owner: None,
                mutations: vec![create_post(&board.id, "Free hot meals, tell me your address")],
            })
            .expect("json");
            Request::post("/sync/push")
                .header(header::COOKIE, format!("sb_session={token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .header(SEC_FETCH_SITE, site)
                .body(axum::body::Body::from(body))
                .expect("request")
        };
        let refused = send(&app, push("cross-site")).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert_eq!(story::count(&db, "posts").await, 0, "nothing was written");
        assert_eq!(story::count(&db, "mutations").await, 0, "nor recorded");

        let accepted = send(&app, push("same-origin")).await;
        assert_eq!(accepted.status(), StatusCode::OK);
        assert_eq!(story::count(&db, "posts").await, 1);
    }
}

#[tokio::test]
async fn over_https_browsers_are_told_to_keep_to_it() {
    let hsts = |config| async move {
        let db = testing::fresh_db(Backend::Sqlite).await;
        let response = send(&app_on(db, &config), support::get("/healthz")).await;
        response
            .headers()
            .get(header::STRICT_TRANSPORT_SECURITY)
            .map(|v| v.to_str().unwrap_or_default().to_string())
    };
    let https = hsts(config_with("STREETBOARD_SECURE_COOKIES", "true")).await;
    assert_eq!(https.as_deref(), Some("max-age=31536000"));
    assert_eq!(hsts(default_config()).await, None, "not over plain HTTP");
}
