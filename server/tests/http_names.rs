//! Names that impersonate (issue 11, item 4) through the whole router, on SQLite and
//! PostgreSQL: the sign-up page says which invisible character to take out, and where two
//! members' names look alike, the pages people read (the board, a post with who is helping
//! and who replied, the organisers' members) put each one's street beside the name.

mod support;

use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use store::on_both_backends;
use store::story::{self, account_from_before, claim, reply, street, PASSWORD};
use support::{app_on, body_text, default_config, form_post, send, with_session};

/// The mark as the pages draw it: the street in a tag after the name.
fn marked(street: &str) -> String {
    format!("</span>of {street}</span>")
}

on_both_backends! {
    async fn the_sign_up_page_says_which_invisible_character_to_take_out(backend: Backend) {
        let (app, _db) = support::fresh_app(backend).await;
        let id = model::ids::new_id();
        let fields = [("id", id.as_str()), ("display_name", "Margaret\u{200B}"), ("password", PASSWORD)];
        let response = send(&app, form_post("/api/sign_up", &fields, None, Some("/signup"))).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = body_text(response).await;
        assert!(html.contains("an invisible character (U+200B)"), "{html}");
    }
}

on_both_backends! {
    async fn look_alike_members_are_shown_with_their_streets(backend: Backend) {
        let s = street(backend).await;
        // "Bеn" with a Cyrillic е, from before sign-up refused names made to look like one.
        let other_ben = account_from_before(&s.db, "Bеn").await;
        s.db.migrate().await.expect("keyed at the next start");
        let code = story::invite_code(&s.db, &s.asha, &s.board).await;
        s.db.join_board(&other_ben, &code, "Ash Grove", "7", "test")
            .await
            .expect("join");
        let milk = s.request(&s.ben, "Milk, please").await;
        s.applies(&other_ben, claim(&milk)).await;
        s.applies(&other_ben, reply(&milk, "On my way")).await;
        s.request(&s.cara, "A lift to the surgery").await;

        let app = app_on(s.db.clone(), &default_config());
        let (_, session) = s.db.sign_in("Asha", PASSWORD.into(), "test", None).await.expect("sign in");
        let page = |path: String| {
            let request = with_session(Request::get(path), Some(&session.0));
            let response = send(&app, request.body(Body::empty()).expect("request"));
            async { body_text(response.await).await }
        };

        let post = page(format!("/p/{milk}")).await;
        assert!(post.contains(&marked("Elm Road")), "Ben, the author: {post}");
        assert_eq!(post.matches(&marked("Ash Grove")).count(), 2, "Bеn helping, and replying: {post}");
        let board = page(format!("/b/{}", s.board.slug)).await;
        assert!(board.contains(&marked("Elm Road")), "{board}");
        assert_eq!(board.matches("name-mark").count(), 1, "Cara's post is not marked: {board}");
        let members = page(format!("/b/{}/moderate", s.board.slug)).await;
        assert!(members.contains(&marked("Elm Road")) && members.contains(&marked("Ash Grove")), "{members}");
        assert_eq!(members.matches("class=\"name-mark\"").count(), 2, "{members}");
        assert!(members.contains(">Bеn of Ash Grove<"), "which Ben to remove: {members}");
    }
}
