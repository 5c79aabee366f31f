//! Phones that lose signal in the middle of sending their outbox, over a real port: many pushes
//! at once, a random share of them cut (the connection reset) while the phone is still sending,
//! or at a random moment while the server is reading, applying or answering. Afterwards the server still takes a write,
//! nothing is left holding a transaction or a lock, and every push answered `applied` is
//! stored exactly once, as is every post the server recorded (the cut ones included).
//!
//! Issue 18: before writes ran to the end on a task of their own, such a cut could leave a
//! pooled SQLite connection inside `BEGIN IMMEDIATE`, and every later write failed.

mod support;

use model::ids::BoardId;
use std::{collections::HashSet, net::SocketAddr, time::Duration};

use model::Outcome;

use model::sync::wire::{PushRequest, PushResponse};
use rand::Rng;
use store::{on_both_backends, testing, Db};
use support::{app_on, create_post, default_config, elm_road, rows_with, sign_up};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

/// Phones sending at once, and pushes each.
const PHONES: usize = 8;
const PUSHES_EACH: usize = 40;
/// Latest moment a cut comes, after the request is written: longer than a push takes here.
const LATEST_CUT: Duration = Duration::from_millis(6);

/// The server on a port of its own, as `main.rs` serves it.
async fn serve(db: Db) -> SocketAddr {
    let app = app_on(db, &default_config());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let address = listener.local_addr().expect("its address");
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    address
}

/// One push of one new post, as raw HTTP/1.1 (the body, and the request's bytes).
fn push_request(address: SocketAddr, token: &str, board_id: &BoardId) -> (String, Vec<u8>) {
    let mutation = create_post(board_id, "Milk and bread");
    let id = mutation.id.clone();
    let body = serde_json::to_string(&PushRequest {
        owner: None,
        mutations: vec![mutation],
    })
    .expect("json");
    let request = format!(
        "POST /sync/push HTTP/1.1\r\nHost: {address}\r\nCookie: sb_session={token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    (id, request.into_bytes())
}

/// What became of one push, as its phone saw it.
enum Seen {
    /// The answer arrived: the mutation's id and its outcome.
    Answered(String, Outcome),
    /// The phone lost signal before the answer: the mutation's id, and whether it was lost
    /// before the whole request was sent.
    Cut(String, bool),
}

/// When, if at all, a phone loses signal during one push.
#[derive(Clone, Copy)]
enum Signal {
    /// It stays: the phone reads the whole answer.
    Kept,
    /// Lost half way through sending the request: the server never has all of it.
    LostWhileSending,
    /// Lost this long after the whole request was sent: the server is reading, applying or
    /// answering it.
    LostAfter(Duration),
}

impl Signal {
    /// One in three pushes keeps signal, one in six loses it while sending, and half lose it at
    /// any moment up to LATEST_CUT after sending. The ones lost while sending make sure some cuts
    /// come before the server took a push in, however loaded the machine is.
    fn random() -> Self {
        let mut rng = rand::rng();
        match rng.random_range(0..6) {
            0 | 1 => Signal::Kept,
            2 => Signal::LostWhileSending,
            _ => Signal::LostAfter(Duration::from_micros(
                rng.random_range(0..=LATEST_CUT.as_micros() as u64),
            )),
        }
    }
}

/// Sends one push and either reads the whole answer or resets the connection as `signal` says
/// (SO_LINGER 0: what a phone going into a lift looks like to the server, no polite goodbye).
async fn push_once(address: SocketAddr, token: &str, board_id: &BoardId, signal: Signal) -> Seen {
    let (id, request) = push_request(address, token, board_id);
    let mut stream = TcpStream::connect(address).await.expect("connect");
    let cut_after = match signal {
        Signal::Kept => None,
        Signal::LostWhileSending => {
            stream
                .write_all(&request[..request.len() / 2])
                .await
                .expect("send half");
            Some(Duration::ZERO)
        }
        Signal::LostAfter(after) => {
            stream.write_all(&request).await.expect("send");
            Some(after)
        }
    };
    if let Some(after) = cut_after {
        tokio::time::sleep(after).await;
        stream.set_zero_linger().expect("linger");
        drop(stream);
        return Seen::Cut(id, matches!(signal, Signal::LostWhileSending));
    }
    stream.write_all(&request).await.expect("send");
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .await
        .expect("read the answer");
    let answer = String::from_utf8(answer).expect("utf-8");
    let (head, body) = answer.split_once("\r\n\r\n").expect("a head and a body");
    assert!(
        head.starts_with("HTTP/1.1 200"),
        "push answered {head}\n{body}"
    );
    let response: PushResponse = serde_json::from_str(body).expect("a push response");
    let result = response.results.into_iter().next().expect("one result");
    assert_eq!(result.id, id, "the answer names the push");
    Seen::Answered(id, result.outcome)
}

on_both_backends! {
    async fn pushes_cut_off_mid_way_leave_every_write_working_and_each_post_once(backend: Backend) {
        // Every phone here is Ben, pushing as fast as it can: past the limit on writes a
        // minute, which has a test of its own (`store/tests/write_flood.rs`).
        let db = testing::fresh_db(backend).await.with_writes_per_minute(1_000_000);
        let (ben, token) = sign_up(&db, "Ben").await;
        let board = elm_road(&db, &ben, "12").await;
        let address = serve(db.clone()).await;

        let mut phones = tokio::task::JoinSet::new();
        for _ in 0..PHONES {
            let (token, board_id) = (token.clone(), board.id.clone());
            phones.spawn(async move {
                let mut seen = Vec::new();
                for _ in 0..PUSHES_EACH {
                    seen.push(push_once(address, &token, &board_id, Signal::random()).await);
                }
                seen
            });
        }
        let seen: Vec<Seen> = phones.join_all().await.into_iter().flatten().collect();

        // The server still takes a write at once: nothing was left holding the database.
        let left_open = testing::transactions_left_open(&db).await;
        assert!(left_open.is_empty(), "after the cuts: {left_open:?}");
        // Stuck, it would be refused ("database is locked" after SQLite's 5 s busy timeout)
        // or hang: the bound is long enough that a loaded machine is not mistaken for that.
        let next = tokio::time::timeout(
            Duration::from_secs(15),
            push_once(address, &token, &board.id, Signal::Kept),
        )
        .await
        .expect("the next push is answered");
        assert!(
            matches!(next, Seen::Answered(_, Outcome::Applied)),
            "the next push is applied"
        );

        // Every push answered `applied` is stored exactly once, with its record.
        let (mut cut, mut half_sent) = (HashSet::new(), HashSet::new());
        for push in &seen {
            match push {
                Seen::Answered(id, outcome) => {
                    assert_eq!(outcome, &Outcome::Applied, "push {id}");
                    assert_eq!(rows_with(&db, "mutations", "id", id).await, 1, "record of {id}");
                }
                Seen::Cut(id, while_sending) => {
                    cut.insert(id.clone());
                    if *while_sending {
                        half_sent.insert(id.clone());
                    }
                }
            }
        }
        // And nothing is half-stored: each post has its record and each record its post, the
        // cut pushes' included (a cut push is either wholly applied or not at all).
        let posts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM posts")
            .fetch_one(db.pool())
            .await
            .expect("count posts");
        let recorded: Vec<String> =
            sqlx::query_scalar("SELECT id FROM mutations WHERE kind = 'create_post'")
                .fetch_all(db.pool())
                .await
                .expect("recorded pushes");
        assert_eq!(posts, recorded.len() as i64, "posts against recorded pushes");
        let answered = seen.len() - cut.len() + 1;
        let cut_but_applied = recorded.iter().filter(|id| cut.contains(*id)).count();
        assert_eq!(
            recorded.len(),
            answered + cut_but_applied,
            "every recorded push is one that was answered or one that was cut"
        );
        // The cuts really came at every stage: some before the server took the push in, some
        // after it had started applying it (run to the end all the same).
        eprintln!(
            "{} pushes: {} answered, {} cut ({} of them applied all the same)",
            seen.len(),
            answered - 1,
            cut.len(),
            cut_but_applied
        );
        assert!(cut_but_applied > 0, "no cut came after the server had started a push");
        // A push whose phone lost signal half way through sending it never reached the server
        // whole, so it cannot have been applied.
        assert!(!half_sent.is_empty(), "no push was cut while it was being sent");
        let half_sent_applied = recorded.iter().filter(|id| half_sent.contains(*id)).count();
        assert_eq!(half_sent_applied, 0, "a push the server never had whole was applied");
    }
}
