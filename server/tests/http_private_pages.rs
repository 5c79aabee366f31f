//! Pages with private details are never kept on the phone: `/me`, a post page that shows how
//! to reach someone, the volunteer, tasks, coordination and moderation pages are sent with
//! `Cache-Control: no-store` (which the service worker's pages cache also obeys), while the
//! board and a post without anyone's details stay storable for reading offline. Signing out
//! tells the browser to drop what it cached of the site.

mod support;

use axum::http::{header, HeaderName, Request};
use store::{on_both_backends, story, testing};
use support::{
    app_on, create_post, default_config, elm_road, form_post, send, sign_up, with_session,
};

/// A page as a browser asks for it, signed in with `token`.
fn page(path: &str, token: &str) -> Request<axum::body::Body> {
    with_session(Request::get(path), Some(token))
        .header(header::ACCEPT, "text/html")
        .body(axum::body::Body::empty())
        .expect("request")
}

on_both_backends! {
    async fn pages_with_private_details_are_sent_to_be_forgotten(backend: Backend) {
        let db = testing::fresh_db(backend).await;
        let app = app_on(db.clone(), &default_config());
        let (ben, ben_token) = sign_up(&db, "Ben").await;
        let board = elm_road(&db, &ben, "12").await;
        let (cara, cara_token) = sign_up(&db, "Cara").await;
        story::join(&db, &ben, &board, &cara, "3").await;
        // Ben asks; Cara offers to help.
        let create = create_post(&board.id, "Milk and bread");
        let post_id = create.kind.post_id().expect("a new post names its id").clone();
        db.apply(&ben, &create).await.expect("post");
        story::act(&db, &cara, story::claim(&post_id)).await.expect("claim");
        let post = format!("/p/{post_id}");
        // Until Ben accepts her, Cara's page of the post has nothing of his on it.
        let waiting = send(&app, page(&post, &cara_token)).await;
        assert_eq!(waiting.headers().get(header::CACHE_CONTROL), None, "storable while waiting");
        let html = support::body_text(waiting).await;
        assert!(html.contains("Waiting for Ben to accept") && !html.contains("How to reach"));
        // Ben accepts with the page's own button, without JavaScript: now she sees how to
        // reach him at number 12.
        let fields = [
            ("id", model::ids::new_id()),
            ("post_id", post_id.to_string()),
            ("action", "share_details".into()),
            // The claim the page showed: Cara's.
            ("claimant", cara.user_id.to_string()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let accepted = send(&app, form_post("/api/post_action", &fields, Some(&ben_token), Some(&post))).await;
        assert!(accepted.status().is_redirection(), "{}", accepted.status());
        let html = support::body_text(send(&app, page(&post, &cara_token)).await).await;
        assert!(html.contains("How to reach") && html.contains("12 Elm Road"), "{html}");
        let slug = &board.slug;

        let code = story::invite_code(&db, &ben, &board).await;
        let table: [(String, &str, bool); 11] = [
            (post.clone(), &cara_token, true),
            ("/me".into(), &cara_token, true),
            ("/tasks".into(), &cara_token, true),
            (format!("/b/{slug}/volunteer"), &cara_token, true),
            (format!("/b/{slug}/coordinate"), &ben_token, true),
            (format!("/b/{slug}/moderate"), &ben_token, true),
            // The organiser's board page shows the invite code.
            (format!("/b/{slug}"), &ben_token, true),
            (format!("/b/{slug}/new"), &ben_token, true),
            // An invite page's address is the code itself.
            (format!("/join/{code}"), &cara_token, true),
            // Ben's own request shows nobody's details to him: it may be read offline.
            (post.clone(), &ben_token, false),
            (format!("/b/{slug}"), &cara_token, false),
        ];
        for (path, token, private) in table {
            let response = send(&app, page(&path, token)).await;
            assert_eq!(response.status(), 200, "{path}");
            let cache = response.headers().get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok());
            assert_eq!(cache == Some("no-store"), private, "{path} as {token}: {cache:?}");
        }
        let sign_out = send(&app, form_post("/api/sign_out", &[], Some(&cara_token), Some("/me"))).await;
        assert!(sign_out.status().is_redirection(), "{}", sign_out.status());
        // To the home page, marked so the service worker forgets its stored pages too.
        assert_eq!(sign_out.headers()[header::LOCATION], app::api::auth::SIGNED_OUT_PAGE);
        let cleared = sign_out.headers().get(HeaderName::from_static("clear-site-data"));
        assert_eq!(cleared.and_then(|v| v.to_str().ok()), Some("\"cache\""));
    }
}

on_both_backends! {
    async fn every_page_says_whose_it_is_so_the_phone_keeps_one_persons_pages(backend: Backend) {
        let db = testing::fresh_db(backend).await;
        let app = app_on(db.clone(), &default_config());
        let (_, ben_token) = sign_up(&db, "Ben").await;
        let (_, cara_token) = sign_up(&db, "Cara").await;
        let owner = |response: &axum::http::Response<axum::body::Body>| {
            response.headers().get("x-streetboard-person").map(|v| v.to_str().expect("ascii").to_string())
        };
        let signed_out = send(&app, Request::get("/signin").header(header::ACCEPT, "text/html").body(axum::body::Body::empty()).expect("request")).await;
        assert_eq!(owner(&signed_out).as_deref(), Some("none"));
        let bens = owner(&send(&app, page("/signin", &ben_token)).await).expect("a tag");
        let again = owner(&send(&app, page("/", &ben_token)).await).expect("a tag");
        let caras = owner(&send(&app, page("/signin", &cara_token)).await).expect("a tag");
        assert_eq!(bens, again, "one session, one tag");
        assert_ne!(bens, caras, "another person, another tag");
        assert!(!bens.contains(&ben_token) && bens.len() == 16, "opaque: {bens}");
    }
}
