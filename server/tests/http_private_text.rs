//! A post that seems to give a house or phone number away (issue 11, item 5) comes back to its
//! writer, without JavaScript too, saying so, with a box to post it as it is; ticked, it posts.
//! The browser runs the same rule (`model::private_text`) before it queues the write.

mod support;

use axum::http::header;
use store::{on_both_backends, story, testing};
use support::{app_on, body_text, default_config, elm_road, form_post, send, sign_up};

on_both_backends! {
    async fn a_house_number_in_a_post_is_posted_only_once_the_writer_confirms(backend: Backend) {
        let db = testing::fresh_db(backend).await;
        let app = app_on(db.clone(), &default_config());
        let (ben, token) = sign_up(&db, "Ben").await;
        let board = elm_road(&db, &ben, "12").await;
        let compose = format!("/b/{}/new", board.slug);
        let (post_id, board_id) = (model::ids::new_id(), board.id.to_string());
        let mut fields = vec![
            ("id", model::ids::new_id()),
            ("post_id", post_id.clone()),
            ("board_id", board_id),
            ("post_kind", "request".to_string()),
            ("category", "chat".to_string()),
            ("title", "Tea and a chat".to_string()),
            ("details", "Pop round to number 14's any afternoon".to_string()),
            ("urgency", "whenever".to_string()),
        ];
        let post = |fields: &[(&'static str, String)]| {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            form_post("/api/create_post", &fields, Some(&token), Some(&compose))
        };
        let asked = send(&app, post(&fields)).await;
        assert_eq!(asked.status(), 422);
        let html = body_text(asked).await;
        assert!(html.contains("looks like it gives a house number"), "{html}");
        assert!(html.contains(r#"name="confirm_public""#), "the box to post it anyway: {html}");
        assert_eq!(story::count(&db, "posts").await, 0, "nothing posted yet");

        fields.push(("confirm_public", "on".to_string()));
        let posted = send(&app, post(&fields)).await;
        assert!(posted.status().is_redirection(), "{}", posted.status());
        assert_eq!(posted.headers()[header::LOCATION], format!("/p/{post_id}"));
        assert_eq!(story::count(&db, "posts").await, 1);
    }
}
