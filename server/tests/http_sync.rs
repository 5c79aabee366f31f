//! The sync endpoints through the whole router, on SQLite and PostgreSQL: a pushed batch is
//! applied exactly once however often it is sent, every write gets an answer, bad and
//! unauthorised pushes change nothing, and pulls page through changes with tombstones.

mod support;

use model::ids::BoardId;
use model::{ids::new_id, views::Viewer, FieldErrors, Mutation, MutationKind, Outcome, Refusal};

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use model::sync::wire::{
    BoardHeader, PullResponse, PushRequest, PushResponse, MAX_PUSH_BATCH, PULL_PAGE,
};
use store::{on_both_backends, Db};
use support::{
    body_json, body_text, create_post, elm_road, fresh_app, send, sign_up, with_session,
};
use tower::ServiceExt;

struct World {
    app: Router,
    db: Db,
    board_id: BoardId,
    ben: (Viewer, String),
}

async fn world(backend: store::Backend) -> World {
    let (app, db) = fresh_app(backend).await;
    let ben = sign_up(&db, "Ben").await;
    let board = elm_road(&db, &ben.0, "12").await;
    World {
        app,
        db,
        board_id: board.id,
        ben,
    }
}

async fn push(app: &Router, token: Option<&str>, body: String) -> (StatusCode, String) {
    let request = with_session(Request::post("/sync/push"), token)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .expect("request");
    let response = send(app, request).await;
    let status = response.status();
    (status, body_text(response).await)
}

async fn pull(app: &Router, token: &str, board_id: &BoardId, since: i64) -> PullResponse {
    let request = Request::get(format!("/sync/pull?board_id={board_id}&since={since}"))
        .header(header::COOKIE, format!("sb_session={token}"))
        .body(Body::empty())
        .expect("request");
    let response = send(app, request).await;
    assert_eq!(response.status(), StatusCode::OK);
    body_json(response).await
}

async fn posts(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM posts")
        .fetch_one(db.pool())
        .await
        .expect("count")
}

on_both_backends! {
    async fn a_batch_pushed_twice_is_applied_once_and_answered_the_same(backend: Backend) {
        let w = world(backend).await;
        let batch = serde_json::json!({ "mutations": [create_post(&w.board_id, "Milk and bread"), create_post(&w.board_id, "A lift on Thursday")] }).to_string();
        let (status, first) = push(&w.app, Some(&w.ben.1), batch.clone()).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        // The reply was lost on the way back: the browser sends the same batch again.
        let (_, second) = push(&w.app, Some(&w.ben.1), batch).await;
        assert_eq!(first, second);
        let answers: PushResponse = serde_json::from_str(&first).expect("json");
        assert_eq!(answers.results.len(), 2);
        assert_eq!(posts(&w.db).await, 2);
    }
}

on_both_backends! {
    async fn bad_and_unauthorised_pushes_change_nothing(backend: Backend) {
        let w = world(backend).await;
        let good = serde_json::json!({ "mutations": [create_post(&w.board_id, "Milk and bread")] }).to_string();
        let (status, body) = push(&w.app, None, good.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        let (status, body) = push(&w.app, Some("not-a-session"), good).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        let (status, body) = push(&w.app, Some(&w.ben.1), "{\"mutations\": [{\"id\": 5}]}".into()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains("could not be read"), "{body}");
        let too_many: Vec<Mutation> = (0..=MAX_PUSH_BATCH).map(|i| create_post(&w.board_id, &format!("Post {i}"))).collect();
        let (status, body) = push(&w.app, Some(&w.ben.1), serde_json::json!({ "mutations": too_many }).to_string()).await;
        assert!(status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::PAYLOAD_TOO_LARGE, "{status} {body}");
        assert_eq!(posts(&w.db).await, 0);
    }
}

on_both_backends! {
    async fn an_invalid_write_in_a_batch_is_rejected_with_its_reason_and_the_rest_apply(backend: Backend) {
        let w = world(backend).await;
        let batch = serde_json::json!({ "mutations": [create_post(&w.board_id, ""), create_post(&w.board_id, "Milk and bread")] }).to_string();
        let (status, body) = push(&w.app, Some(&w.ben.1), batch).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let answer: PushResponse = serde_json::from_str(&body).expect("push answer");
        let title_too_short = FieldErrors(vec![("title".into(), "The title needs at least 3 characters.".into())]);
        assert_eq!(answer.results[0].outcome, Outcome::Rejected { reason: Refusal::Invalid { fields: title_too_short } });
        assert_eq!(answer.results[1].outcome, Outcome::Applied);
        // In words too, for phones still running a version that reads only those.
        assert_eq!(answer.results[0].reason.as_deref(), Some("The title needs at least 3 characters."));
        assert_eq!(answer.results[1].reason, None);
        assert_eq!(posts(&w.db).await, 1);
    }
}

on_both_backends! {
    async fn pulls_bring_changes_since_the_cursor_with_tombstones(backend: Backend) {
        let w = world(backend).await;
        let first = create_post(&w.board_id, "Milk and bread");
        let first_post = first.kind.post_id().cloned().expect("a new post's id");
        w.db.apply(&w.ben.0, &first).await.expect("apply");
        let all = pull(&w.app, &w.ben.1, &w.board_id, 0).await;
        assert_eq!(all.posts.len(), 1);
        assert!(!all.more);
        // Nothing new: an empty page and the same cursor.
        let none = pull(&w.app, &w.ben.1, &w.board_id, all.cursor).await;
        assert!(none.posts.is_empty() && none.removed.is_empty());
        assert_eq!(none.cursor, all.cursor);
        // A removal arrives as a tombstone.
        let remove = Mutation { id: new_id(), created_at_ms: 0, kind: MutationKind::Remove { post_id: first_post.clone() } };
        w.db.apply(&w.ben.0, &remove).await.expect("remove");
        let after = pull(&w.app, &w.ben.1, &w.board_id, all.cursor).await;
        assert_eq!(after.removed, [first_post]);
        assert!(after.posts.is_empty());
        assert!(after.cursor > all.cursor);
    }
}

on_both_backends! {
    async fn writes_from_one_persons_outbox_are_refused_under_another_persons_session(backend: Backend) {
        let w = world(backend).await;
        let (_, cara_token) = sign_up(&w.db, "Cara").await;
        // Ben wrote this offline; by the time the signal came back, Cara had signed in on
        // the phone.
        let bens = |title: &str| {
            serde_json::to_string(&PushRequest {
                owner: Some(w.ben.0.user_id.clone()),
                mutations: vec![create_post(&w.board_id, title)],
            })
            .expect("json")
        };
        let (status, body) = push(&w.app, Some(&cara_token), bens("Milk and bread")).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body.contains("someone else"), "{body}");
        // And as data, so the phone knows it is this refusal (not any 409).
        assert!(body.contains(r#""kind":"not_your_writes""#), "{body}");
        assert_eq!(posts(&w.db).await, 0, "nothing was made as Cara");
        // Under Ben's own session the same writes go through.
        let (status, body) = push(&w.app, Some(&w.ben.1), bens("Milk and bread")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(posts(&w.db).await, 1);
        // A phone running a version that names no owner is taken as before.
        let unnamed = serde_json::to_string(&PushRequest {
            owner: None,
            mutations: vec![create_post(&w.board_id, "A lift on Thursday")],
        })
        .expect("json");
        let (status, body) = push(&w.app, Some(&w.ben.1), unnamed).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

on_both_backends! {
    async fn only_members_can_pull_a_board(backend: Backend) {
        let w = world(backend).await;
        w.db.apply(&w.ben.0, &create_post(&w.board_id, "Milk and bread")).await.expect("apply");
        let (_, eve_token) = sign_up(&w.db, "Eve").await;
        let request = Request::get(format!("/sync/pull?board_id={}&since=0", w.board_id))
            .header(header::COOKIE, format!("sb_session={eve_token}"))
            .body(Body::empty())
            .expect("request");
        let response = w.app.clone().oneshot(request).await.expect("response");
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let body = response.into_body().collect().await.expect("body").to_bytes();
        assert!(!String::from_utf8_lossy(&body).contains("Milk"), "nothing of the board leaks");
    }
}

on_both_backends! {
    async fn pulled_posts_carry_details_replies_and_ids_but_no_house_number(backend: Backend) {
        let w = world(backend).await;
        let mut post = create_post(&w.board_id, "Milk and bread");
        if let MutationKind::CreatePost { details, .. } = &mut post.kind {
            *details = "From the corner shop".into();
        }
        let post_id = post.kind.post_id().cloned().expect("a new post's id");
        w.db.apply(&w.ben.0, &post).await.expect("post");
        for body in ["First", "Second"] {
            let reply = Mutation {
                id: new_id(),
                created_at_ms: 0,
                kind: MutationKind::Reply { reply_id: new_id(), post_id: post_id.clone(), body: body.into() },
            };
            w.db.apply(&w.ben.0, &reply).await.expect("reply");
        }
        let (status, raw) = {
            let request = Request::get(format!("/sync/pull?board_id={}&since=0", w.board_id))
                .header(header::COOKIE, format!("sb_session={}", w.ben.1))
                .body(Body::empty())
                .expect("request");
            let response = w.app.clone().oneshot(request).await.expect("response");
            let status = response.status();
            let body = response.into_body().collect().await.expect("body").to_bytes();
            (status, String::from_utf8_lossy(&body).to_string())
        };
        assert_eq!(status, StatusCode::OK, "{raw}");
        assert!(!raw.contains("\"12\""), "the house number never travels in a pull: {raw}");
        let pulled: PullResponse = serde_json::from_str(&raw).expect("json");
        assert_eq!(pulled.posts.len(), 1, "a post and its replies arrive once");
        let synced = &pulled.posts[0];
        assert_eq!(synced.details, "From the corner shop");
        assert_eq!(synced.author_id, w.ben.0.user_id);
        assert_eq!(synced.claimed_by_id, None);
        let bodies: Vec<&str> = synced.replies.iter().map(|r| r.body.as_str()).collect();
        assert_eq!(bodies, ["First", "Second"], "oldest first");
        assert_eq!(synced.card.reply_count, 2);
    }
}

on_both_backends! {
    async fn a_long_history_comes_in_pages_without_gaps_or_repeats(backend: Backend) {
        let w = world(backend).await;
        // Ben writes more than a page of posts at once: past the limit on writes a minute,
        // which has a test of its own (`store/tests/write_flood.rs`).
        let db = w.db.clone().with_writes_per_minute(1_000_000);
        let total = PULL_PAGE as usize + 5;
        for i in 0..total {
            db.apply(&w.ben.0, &create_post(&w.board_id, &format!("Post {i}"))).await.expect("post");
        }
        let first = pull(&w.app, &w.ben.1, &w.board_id, 0).await;
        assert_eq!(first.posts.len(), PULL_PAGE as usize);
        assert!(first.more);
        let second = pull(&w.app, &w.ben.1, &w.board_id, first.cursor).await;
        assert!(!second.more);
        let mut ids: Vec<&str> = first.posts.iter().chain(&second.posts).map(|p| p.card.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), total);
    }
}

on_both_backends! {
    async fn the_board_list_gives_each_board_with_my_street_and_the_invite_only_to_organisers(backend: Backend) {
        let w = world(backend).await;
        let get = |token: Option<String>| {
            let app = w.app.clone();
            async move {
                let mut request = Request::get("/sync/boards");
                if let Some(token) = token {
                    request = request.header(header::COOKIE, format!("sb_session={token}"));
                }
                let response = app.oneshot(request.body(Body::empty()).expect("request")).await.expect("response");
                let status = response.status();
                let body = response.into_body().collect().await.expect("body").to_bytes();
                (status, String::from_utf8_lossy(&body).to_string())
            }
        };
        let (status, _) = get(None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, body) = get(Some(w.ben.1.clone())).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let boards: Vec<BoardHeader> = serde_json::from_str(&body).expect("json");
        assert_eq!(boards.len(), 1);
        assert_eq!(boards[0].board.id, w.board_id);
        assert_eq!(boards[0].me.street, "Elm Road");
        assert!(boards[0].invite_code.is_some(), "Ben started the board");
        assert!(!body.contains("\"12\""), "never the house number: {body}");
        // A neighbour who joins sees the board, without its invite code.
        let code = boards[0].invite_code.clone().expect("code");
        let (cara, cara_token) = sign_up(&w.db, "Cara").await;
        w.db.join_board(&cara, &code, "Elm Road", "3", "test").await.expect("join");
        let (_, body) = get(Some(cara_token)).await;
        let boards: Vec<BoardHeader> = serde_json::from_str(&body).expect("json");
        assert_eq!(boards.len(), 1);
        assert_eq!(boards[0].me.display_name, "Cara");
        assert!(boards[0].invite_code.is_none());
    }
}
