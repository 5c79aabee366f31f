//! A person's own data (issue 11, item 13) over HTTP: `GET /me/data.json` gives everything held
//! about the person asking and nothing of anyone else's, never stored; signed out it is 401.

mod support;

use axum::http::{header, Request};
use store::{on_both_backends, story, testing};
use support::{
    app_on, body_json, create_post, default_config, elm_road, send, sign_up, with_session,
};

fn data_request(token: Option<&str>) -> Request<axum::body::Body> {
    with_session(Request::get("/me/data.json"), token)
        .body(axum::body::Body::empty())
        .expect("request")
}

on_both_backends! {
    async fn my_data_is_mine_alone_and_never_stored(backend: Backend) {
        let db = testing::fresh_db(backend).await;
        let app = app_on(db.clone(), &default_config());
        let (ben, ben_token) = sign_up(&db, "Ben").await;
        let board = elm_road(&db, &ben, "12").await;
        let (cara, _) = sign_up(&db, "Cara").await;
        story::join(&db, &ben, &board, &cara, "3").await;
        let create = create_post(&board.id, "Milk and bread");
        db.apply(&ben, &create).await.expect("post");
        let post_id = create.kind.post_id().expect("an id").clone();
        story::act(&db, &cara, story::reply(&post_id, "I can go at 5")).await.expect("reply");

        assert_eq!(send(&app, data_request(None)).await.status(), 401);
        let response = send(&app, data_request(Some(&ben_token))).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
        assert!(response.headers()[header::CONTENT_DISPOSITION].to_str().expect("ascii").starts_with("attachment"));
        let data: serde_json::Value = body_json(response).await;
        assert_eq!(data["format"], store::MY_DATA_FORMAT);
        assert_eq!(data["profile"]["display_name"], "Ben");
        assert_eq!(data["boards"][0]["house_number"], "12", "his own house number");
        assert_eq!(data["posts"][0]["title"], "Milk and bread");
        let text = data.to_string();
        // Cara's reply is hers, not his; her house number is nowhere.
        assert!(!text.contains("I can go at 5") && !text.contains("\"3\""), "{text}");
        assert_eq!(data["replies"], serde_json::json!([]));
    }
}
