//! Live updates through the whole router, on SQLite and PostgreSQL: only members may open a
//! board's stream, it starts with the board's current number, a committed change arrives as
//! an event, a reconnection misses nothing, someone signed out or removed hears nothing more,
//! and stopping the server ends the streams. Streams are limited per person (the oldest makes
//! way) and per process, and a stream that ends gives its place back. On PostgreSQL, a change made through one server
//! instance (its own pool and hub) reaches a stream open on another.

use std::time::Duration;

mod support;

use axum::{
    body::Body,
    http::{header, Request, Response, StatusCode},
    Router,
};
use http_body_util::BodyExt;
use model::{
    ids::{new_id, BoardId, PostId, Slug},
    views::Viewer,
    Mutation, MutationKind,
};
use server::{router, AppState};
use store::{on_both_backends, testing, Backend, Db, NewBoard};
use support::{
    config_with, create_post, default_config, elm_road, send, sign_up, status_and_lossy_text,
    with_session,
};

/// How long a test waits for an event that should come at once.
const PATIENCE: Duration = Duration::from_secs(10);
/// How long a test listens to be sure an event does not come.
const QUIET: Duration = Duration::from_millis(700);

struct Person {
    viewer: Viewer,
    token: String,
}

struct World {
    app: Router,
    state: AppState,
    db: Db,
    board_id: BoardId,
    slug: Slug,
    /// Started the board (its organiser).
    ben: Person,
    /// Joined the board.
    dee: Person,
    /// On no board.
    eve: Person,
}

/// The router over `db`, and its state, whose hub the tests look into.
fn server_on(db: &Db) -> (Router, AppState) {
    let config = default_config();
    let state = AppState::new(db.clone(), config.leptos_options());
    (router(state.clone(), &config), state)
}

async fn person(db: &Db, name: &str) -> Person {
    let (viewer, token) = sign_up(db, name).await;
    Person { viewer, token }
}

async fn world(backend: Backend) -> World {
    world_at(&testing::fresh_url(backend).await).await
}

/// A board with Ben (organiser) and Dee on it, and Eve on none, in the database at `url`.
async fn world_at(url: &str) -> World {
    let db = Db::connect(url).await.expect("connect");
    db.migrate().await.expect("migrate");
    let (app, state) = server_on(&db);
    let ben = person(&db, "Ben").await;
    let dee = person(&db, "Dee").await;
    let eve = person(&db, "Eve").await;
    let board = elm_road(&db, &ben.viewer, "12").await;
    let code = db
        .new_invite(&ben.viewer, &board.slug)
        .await
        .expect("invite");
    db.join_board(&dee.viewer, &code, "Elm Road", "3", "test")
        .await
        .expect("join");
    World {
        app,
        state,
        db,
        board_id: board.id,
        slug: board.slug,
        ben,
        dee,
        eve,
    }
}

async fn open(app: &Router, token: Option<&str>, query: &str) -> Response<Body> {
    let request = with_session(Request::get(format!("/sync/events?{query}")), token)
        .header(header::ACCEPT, "text/event-stream")
        .header(header::ACCEPT_ENCODING, "gzip, br")
        .body(Body::empty())
        .expect("request");
    send(app, request).await
}

/// `open` for a client that takes no compression, so a refusal's body can be read as text.
async fn open_plain(app: &Router, token: Option<&str>, query: &str) -> Response<Body> {
    let request = with_session(Request::get(format!("/sync/events?{query}")), token)
        .header(header::ACCEPT, "text/event-stream")
        .body(Body::empty())
        .expect("request");
    send(app, request).await
}

/// One server-sent event as the browser reads it.
#[derive(Debug, Default)]
struct Sse {
    event: Option<String>,
    data: String,
    retry_ms: Option<u64>,
}

impl Sse {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.data).expect("event data is JSON")
    }

    fn seq(&self) -> i64 {
        assert_eq!(self.event, None, "a change event: {self:?}");
        self.json()["seq"].as_i64().expect("seq")
    }
}

/// Reads a streaming body event by event, each wait bounded.
struct Events {
    body: Body,
    buffer: String,
    ended: bool,
}

impl Events {
    async fn of(response: Response<Body>) -> Self {
        assert_eq!(response.status(), StatusCode::OK);
        Self {
            body: response.into_body(),
            buffer: String::new(),
            ended: false,
        }
    }

    /// The next event (keep-alive comments skipped), or `None` if the stream ended or nothing
    /// came within `within`.
    async fn next_within(&mut self, within: Duration) -> Option<Sse> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = Sse::default();
                let mut any = false;
                for line in block.lines() {
                    if let Some(value) = line.strip_prefix("data:") {
                        event.data.push_str(value.trim_start());
                        any = true;
                    } else if let Some(value) = line.strip_prefix("event:") {
                        event.event = Some(value.trim().to_string());
                        any = true;
                    } else if let Some(value) = line.strip_prefix("retry:") {
                        event.retry_ms = value.trim().parse().ok();
                    }
                }
                if any {
                    return Some(event);
                }
                continue;
            }
            if self.ended {
                return None;
            }
            match tokio::time::timeout_at(deadline, self.body.frame()).await {
                Err(_) => return None,
                Ok(None) => self.ended = true,
                Ok(Some(frame)) => {
                    if let Ok(data) = frame.expect("frame").into_data() {
                        self.buffer
                            .push_str(std::str::from_utf8(&data).expect("utf-8"));
                    }
                }
            }
        }
    }

    async fn next(&mut self) -> Sse {
        self.next_within(PATIENCE)
            .await
            .expect("an event within the patience")
    }

    /// Whether the stream ends (rather than stays open) within `within` of its last event.
    async fn ends_within(&mut self, within: Duration) -> bool {
        while self.next_within(within).await.is_some() {}
        self.ended
    }
}

fn board(id: &BoardId) -> String {
    format!("board_id={id}")
}

on_both_backends! {
    async fn only_members_may_open_a_boards_stream(backend: Backend) {
        let w = world(backend).await;
        w.db.apply(&w.ben.viewer, &create_post(&w.board_id, "Milk and bread")).await.expect("apply");
        let query = board(&w.board_id);

        let (status, body) = status_and_lossy_text(open(&w.app, None, &query).await).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        let (status, body) = status_and_lossy_text(open(&w.app, Some("not-a-session"), &query).await).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");

        let (status, _) = status_and_lossy_text(open(&w.app, Some(&w.eve.token), &query).await).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // Read uncompressed, so the check below reads the words actually sent.
        let (status, body) = status_and_lossy_text(open_plain(&w.app, Some(&w.eve.token), &query).await).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(body.contains("error"), "a refusal in words: {body}");
        assert!(!body.contains("Milk") && !body.contains("Elm") && !body.contains("seq"), "nothing of the board leaks: {body}");
        // A member asking for their board and someone else's gets neither.
        let (status, _) = status_and_lossy_text(open(&w.app, Some(&w.dee.token), &format!("{query}&board_id={}", new_id())).await).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let (status, body) = status_and_lossy_text(open(&w.app, Some(&w.dee.token), "").await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(w.state.live.counts(), (0, 0), "refused streams follow nothing");
    }
}

on_both_backends! {
    async fn a_stream_starts_with_the_current_number_and_is_not_buffered_or_compressed(backend: Backend) {
        let w = world(backend).await;
        w.db.apply(&w.ben.viewer, &create_post(&w.board_id, "Milk and bread")).await.expect("apply");
        let response = open(&w.app, Some(&w.dee.token), &board(&w.board_id)).await;
        let headers = response.headers().clone();
        assert_eq!(headers[header::CONTENT_TYPE], "text/event-stream");
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
        assert_eq!(headers["x-accel-buffering"], "no");
        assert!(headers.get(header::CONTENT_ENCODING).is_none(), "a compressed stream would be held back");
        let mut events = Events::of(response).await;
        let first = events.next().await;
        assert_eq!(first.json()["board_id"], w.board_id.as_str());
        assert_eq!(first.seq(), 1);
        let retry = first.retry_ms.expect("a retry hint on the first event");
        assert!((2_000..=5_000).contains(&retry), "{retry}");
        assert_eq!(w.state.live.counts(), (1, 1));
    }
}

on_both_backends! {
    async fn a_committed_change_reaches_every_open_stream_of_the_board(backend: Backend) {
        let w = world(backend).await;
        let mut dee = Events::of(open(&w.app, Some(&w.dee.token), &board(&w.board_id)).await).await;
        let mut ben = Events::of(open(&w.app, Some(&w.ben.token), &board(&w.board_id)).await).await;
        assert_eq!(dee.next().await.seq(), 0);
        assert_eq!(ben.next().await.seq(), 0);

        w.db.apply(&w.ben.viewer, &create_post(&w.board_id, "Milk and bread")).await.expect("apply");
        assert_eq!(dee.next().await.seq(), 1);
        assert_eq!(ben.next().await.seq(), 1);

        // A write refused (nothing changed) and a repeat of an applied one say nothing.
        let post_id = create_post_id(&w.db).await;
        let own = Mutation { id: new_id(), created_at_ms: 0, kind: MutationKind::Claim { post_id: post_id.clone() } };
        let outcome = w.db.apply(&w.ben.viewer, &own).await.expect("claim own post");
        assert!(matches!(outcome, model::Outcome::Rejected { .. }), "{outcome:?}");
        assert!(dee.next_within(QUIET).await.is_none(), "a refused write changes nothing");
        let help = Mutation { id: new_id(), created_at_ms: 0, kind: MutationKind::Claim { post_id } };
        w.db.apply(&w.dee.viewer, &help).await.expect("claim");
        assert_eq!(dee.next().await.seq(), 2);
        w.db.apply(&w.dee.viewer, &help).await.expect("the same claim again");
        assert!(dee.next_within(QUIET).await.is_none(), "a repeated write changes nothing");

        // Two streams, one board: one channel in the hub.
        assert_eq!(w.state.live.counts(), (1, 2));
        drop(dee);
        drop(ben);
        assert_eq!(w.state.live.counts(), (0, 0), "the board's channel goes with its last stream");
    }
}

/// The id of the one post on the board.
async fn create_post_id(db: &Db) -> PostId {
    let id: String = sqlx::query_scalar("SELECT id FROM posts")
        .fetch_one(db.pool())
        .await
        .expect("a post");
    id.into()
}

on_both_backends! {
    async fn one_stream_follows_several_boards(backend: Backend) {
        let w = world(backend).await;
        let second = w.db.create_board(&w.ben.viewer, NewBoard {
            board_id: BoardId::new(),
            name: "Ash Grove".into(),
            streets: "Ash Grove".into(),
            my_street: String::new(),
            house_number: "1".into(),
        }).await.expect("second board");
        let mut ben = Events::of(open(&w.app, Some(&w.ben.token), &format!("{}&{}&{}", board(&w.board_id), board(&second.id), board(&second.id))).await).await;
        let mut first = vec![ben.next().await.json(), ben.next().await.json()];
        first.sort_by_key(|e| e["board_id"].as_str().map(str::to_string));
        let mut expected = vec![
            serde_json::json!({ "board_id": w.board_id, "seq": 0 }),
            serde_json::json!({ "board_id": second.id, "seq": 0 }),
        ];
        expected.sort_by_key(|e| e["board_id"].as_str().map(str::to_string));
        assert_eq!(first, expected);
        assert_eq!(w.state.live.counts(), (2, 2), "each board once");

        w.db.apply(&w.ben.viewer, &create_post(&second.id, "A lift on Thursday")).await.expect("apply");
        let change = ben.next().await;
        assert_eq!(change.json()["board_id"], second.id.as_str());
        assert_eq!(change.seq(), 1);
    }
}

on_both_backends! {
    async fn a_reconnection_starts_from_the_current_number_so_nothing_is_missed(backend: Backend) {
        let w = world(backend).await;
        let mut events = Events::of(open(&w.app, Some(&w.dee.token), &board(&w.board_id)).await).await;
        assert_eq!(events.next().await.seq(), 0);
        // The phone loses the stream; meanwhile two posts are made.
        drop(events);
        for title in ["Milk and bread", "A lift on Thursday"] {
            w.db.apply(&w.ben.viewer, &create_post(&w.board_id, title)).await.expect("apply");
        }
        let mut events = Events::of(open(&w.app, Some(&w.dee.token), &board(&w.board_id)).await).await;
        assert_eq!(events.next().await.seq(), 2);
    }
}

on_both_backends! {
    async fn someone_who_leaves_or_signs_out_hears_nothing_more(backend: Backend) {
        let w = world(backend).await;
        let mut dee = Events::of(open(&w.app, Some(&w.dee.token), &board(&w.board_id)).await).await;
        assert_eq!(dee.next().await.seq(), 0);
        w.db.leave_board(&w.dee.viewer, &w.slug).await.expect("leave");
        w.db.apply(&w.ben.viewer, &create_post(&w.board_id, "Milk and bread")).await.expect("apply");
        let gone = dee.next().await;
        assert_eq!(gone.event.as_deref(), Some("gone"));
        assert_eq!(gone.json(), serde_json::json!({ "board_id": w.board_id }), "no number");
        assert!(dee.ends_within(PATIENCE).await, "nothing left to follow");

        let mut ben = Events::of(open(&w.app, Some(&w.ben.token), &board(&w.board_id)).await).await;
        assert_eq!(ben.next().await.seq(), 1);
        w.db.sign_out(&w.ben.token).await.expect("sign out");
        w.db.apply(&w.ben.viewer, &create_post(&w.board_id, "A lift on Thursday")).await.expect("apply");
        let gone = ben.next().await;
        assert_eq!(gone.event.as_deref(), Some("gone"));
        assert_eq!(gone.json(), serde_json::json!({}));
        assert!(ben.ends_within(PATIENCE).await);
    }
}

on_both_backends! {
    async fn one_check_of_a_boards_streams_answers_each_for_its_own_person(backend: Backend) {
        // The streams of one board are checked together (`hub`): the one who left hears
        // nothing more, the one still there is told, and a stream of someone signed out ends.
        let w = world(backend).await;
        let mut dee = Events::of(open(&w.app, Some(&w.dee.token), &board(&w.board_id)).await).await;
        let mut ben = Events::of(open(&w.app, Some(&w.ben.token), &board(&w.board_id)).await).await;
        assert_eq!(dee.next().await.seq(), 0);
        assert_eq!(ben.next().await.seq(), 0);
        w.db.leave_board(&w.dee.viewer, &w.slug).await.expect("leave");
        w.db.apply(&w.ben.viewer, &create_post(&w.board_id, "Milk and bread")).await.expect("apply");
        assert_eq!(ben.next().await.seq(), 1, "Ben is still a member");
        let gone = dee.next().await;
        assert_eq!(gone.event.as_deref(), Some("gone"));
        assert_eq!(gone.json(), serde_json::json!({ "board_id": w.board_id }));

        // Ben's second page, opened after that check: the next change is checked afresh.
        let mut ben_again = Events::of(open(&w.app, Some(&w.ben.token), &board(&w.board_id)).await).await;
        assert_eq!(ben_again.next().await.seq(), 1);
        w.db.sign_out(&w.ben.token).await.expect("sign out");
        w.db.apply(&w.ben.viewer, &create_post(&w.board_id, "A lift on Thursday")).await.expect("apply");
        for stream in [&mut ben, &mut ben_again] {
            let gone = stream.next().await;
            assert_eq!(gone.event.as_deref(), Some("gone"));
            assert_eq!(gone.json(), serde_json::json!({}), "signed out: the whole stream ends");
        }
    }
}

on_both_backends! {
    async fn a_person_past_their_share_of_streams_ends_their_oldest_for_the_new_one(backend: Backend) {
        let w = world(backend).await;
        let query = format!("board_id={}", w.board_id);
        // Dee's phone keeps losing signal: each lost stream is still open as far as the
        // server knows.
        let mut dees = Vec::new();
        for _ in 0..server::live::PER_PERSON {
            let stream = open(&w.app, Some(&w.dee.token), &query).await;
            assert_eq!(stream.status(), StatusCode::OK);
            dees.push(Events::of(stream).await);
        }
        let newest = open(&w.app, Some(&w.dee.token), &query).await;
        assert_eq!(newest.status(), StatusCode::OK, "never turned away by her own lost streams");
        let oldest = &mut dees[0];
        oldest.next().await;
        let replaced = oldest.next().await;
        assert_eq!(
            replaced.event.as_deref(),
            Some("replaced"),
            "told why, so its page does not reconnect and end the next oldest in turn"
        );
        assert!(oldest.ends_within(PATIENCE).await, "her oldest stream ends");
        // Someone else on the board is not held up by Dee's streams.
        assert_eq!(open(&w.app, Some(&w.ben.token), &query).await.status(), StatusCode::OK);
    }
}

on_both_backends! {
    async fn a_full_server_answers_503_until_a_stream_ends(backend: Backend) {
        let w = world(backend).await;
        let config = config_with("STREETBOARD_MAX_STREAMS", "2");
        let app = router(AppState::new(w.db.clone(), config.leptos_options()), &config);
        let query = format!("board_id={}", w.board_id);
        let first = open(&app, Some(&w.ben.token), &query).await;
        let second = open(&app, Some(&w.dee.token), &query).await;
        assert_eq!((first.status(), second.status()), (StatusCode::OK, StatusCode::OK));
        let full = open_plain(&app, Some(&w.ben.token), &query).await;
        assert_eq!(full.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(full.headers().contains_key(header::RETRY_AFTER));
        drop(first);
        assert_eq!(open(&app, Some(&w.ben.token), &query).await.status(), StatusCode::OK);
    }
}

on_both_backends! {
    async fn stopping_the_server_ends_every_stream(backend: Backend) {
        let w = world(backend).await;
        let mut dee = Events::of(open(&w.app, Some(&w.dee.token), &board(&w.board_id)).await).await;
        assert_eq!(dee.next().await.seq(), 0);
        w.state.live.close();
        assert!(dee.ends_within(PATIENCE).await, "graceful shutdown must not wait on streams");
        let response = open(&w.app, Some(&w.dee.token), &board(&w.board_id)).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
}

/// Two server processes on one PostgreSQL database, as two router instances in this test,
/// each with its own pool, hub and listening connection.
#[tokio::test]
async fn postgres_a_change_through_one_server_reaches_a_stream_on_another() {
    let url = testing::fresh_url(Backend::Postgres).await;
    let w = world_at(&url).await;
    let other_db = Db::connect(&url).await.expect("a second pool");
    let (other_app, other_state) = server_on(&other_db);

    let mut on_other =
        Events::of(open(&other_app, Some(&w.dee.token), &board(&w.board_id)).await).await;
    assert_eq!(on_other.next().await.seq(), 0);

    // Ben posts through the first server's sync endpoint.
    let push = Request::post("/sync/push")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, format!("sb_session={}", w.ben.token))
        .body(Body::from(
            serde_json::json!({ "mutations": [create_post(&w.board_id, "Milk and bread")] })
                .to_string(),
        ))
        .expect("request");
    let (status, body) = status_and_lossy_text(send(&w.app, push).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(on_other.next().await.seq(), 1);

    // The listening connection drops (a database restart, a network blip): the hub connects
    // again and catches up, so a change made meanwhile still arrives.
    // (Other tests' listeners in this database drop too, and recover the same way.)
    let listeners: Vec<i32> = sqlx::query_scalar(
        "SELECT pid FROM pg_stat_activity \
         WHERE datname = current_database() AND query = 'LISTEN \"board_changed\"'",
    )
    .fetch_all(other_db.pool())
    .await
    .expect("the listening connections");
    assert!(!listeners.is_empty(), "the second server listens");
    for pid in &listeners {
        sqlx::query("SELECT pg_terminate_backend($1)")
            .bind(pid)
            .execute(other_db.pool())
            .await
            .expect("terminate");
    }
    // Only once they are gone, so the change cannot reach an old connection.
    for pid in &listeners {
        for _ in 0..100 {
            let alive: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = $1")
                    .bind(pid)
                    .fetch_one(other_db.pool())
                    .await
                    .expect("count");
            if alive == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    w.db.apply(
        &w.ben.viewer,
        &create_post(&w.board_id, "A lift on Thursday"),
    )
    .await
    .expect("apply");
    assert_eq!(on_other.next().await.seq(), 2);
    assert_eq!(other_state.live.counts(), (1, 1));
    assert_eq!(
        w.state.live.counts(),
        (0, 0),
        "the first server follows nothing"
    );
}
