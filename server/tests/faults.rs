//! The fault harness (issue 11, item 14): the real `streetboard` binary on a loopback port,
//! killed with SIGKILL at random moments (six times) and started again, while 20 phones push
//! 1,000 writes (posts, replies, claims and hand-backs), cut their own connections mid-answer,
//! resend writes already answered and send some batches twice at once; on PostgreSQL two
//! processes serve the one database, the phones spread over both. A reader phone pulls the
//! whole time, keeping its cursor across the kills.
//!
//! Afterwards: every write was answered at last (the phones retry as the outbox does), each is
//! recorded once and made once (every answered `applied` post and reply is in the database
//! exactly once, no refused one is, nothing the phones did not send), a write sent again is
//! answered as it was the first time, both copies of a doubled batch are answered alike, the
//! reader's copy built from pulls made during the kills equals a fresh pull (no change slipped
//! between pages: the board's sequence has no gap a pull misses), and nothing holds a
//! transaction or a lock.

mod real_server;
mod support;

use real_server::{
    exchange, push_and_cut, push_once, push_request, Pushed, Servers, REQUEST_TIMEOUT,
};

use support::rows_with;

use std::{
    collections::{HashMap, HashSet},
    net::SocketAddr,
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use model::{
    ids::{new_id, now_ms, BoardId, PostId, UserId},
    sync::wire::{PullResponse, PushRequest, SyncedPost},
    views::{BoardSummary, Viewer},
    Mutation, MutationKind, Outcome,
};
use rand::{rngs::SmallRng, Rng, SeedableRng};
use store::{
    on_both_backends,
    story::{create_post, join, sign_up},
    testing, Backend, Db,
};

/// Phones writing, and writes each: 1,000 in all.
const PHONES: usize = 20;
const WRITES_EACH: usize = 50;
/// SIGKILLs while the phones write (the issue asks for at least five).
const KILLS: usize = 6;
/// The most writes one push carries here (the app's own limit is larger; small batches make
/// more pushes, so more of them meet a kill).
const MOST_IN_A_PUSH: usize = 4;
/// The whole run's bound: far longer than it takes (seconds), short enough that a server that
/// stopped answering fails the run instead of hanging CI.
const RUN_BOUND: Duration = Duration::from_secs(300);

/// One phone: its person, session, and the writes it will make, oldest first.
struct Phone {
    viewer: Viewer,
    token: String,
    writes: Vec<Mutation>,
}

/// What the phones were told, by write id, and what they saw on the way.
#[derive(Default)]
struct Told {
    outcomes: HashMap<String, Outcome>,
    /// Pushes that failed because the server was down, being killed or busy.
    lost: usize,
    /// Of those, pushes sent whole whose answer never came: the server killed under them.
    lost_in_flight: usize,
    /// Pushes the phone cut on purpose.
    cut: usize,
    /// Writes sent again after their answer; each answered as the first time.
    resent: usize,
    /// Batches sent twice at once whose two answers both arrived, and agreed.
    doubled: usize,
}

/// Plans `WRITES_EACH` writes for `viewer`: new posts (each one open to replies once posted),
/// replies to the street's posts and to their own, and claims of others' posts, each followed
/// later by handing it back. Some are refused when they arrive (another phone claimed first): a
/// refusal is an answer too, recorded once.
fn plan(
    rng: &mut SmallRng,
    viewer: &Viewer,
    board: &BoardId,
    street: &[(PostId, Viewer)],
) -> Vec<Mutation> {
    let mut writes = Vec::with_capacity(WRITES_EACH);
    let mut own_posts: Vec<PostId> = Vec::new();
    let mut holding: Vec<PostId> = Vec::new();
    let others: Vec<&PostId> = street
        .iter()
        .filter(|(_, author)| author.user_id != viewer.user_id)
        .map(|(post, _)| post)
        .collect();
    while writes.len() < WRITES_EACH {
        let kind = match rng.random_range(0..10) {
            0 | 1 => {
                let mutation = create_post(board, "Milk and bread");
                if let MutationKind::CreatePost { post_id, .. } = &mutation.kind {
                    own_posts.push(post_id.clone());
                }
                writes.push(mutation);
                continue;
            }
            2..=6 => {
                let on_own = !own_posts.is_empty() && rng.random_bool(0.3);
                let post_id = if on_own {
                    own_posts[rng.random_range(0..own_posts.len())].clone()
                } else {
                    street[rng.random_range(0..street.len())].0.clone()
                };
                MutationKind::Reply {
                    reply_id: new_id(),
                    post_id,
                    body: "I can do Thursday".into(),
                }
            }
            7 | 8 => {
                let post_id = others[rng.random_range(0..others.len())].clone();
                holding.push(post_id.clone());
                MutationKind::Claim { post_id }
            }
            _ => match holding.pop() {
                Some(post_id) => MutationKind::Release { post_id },
                None => continue,
            },
        };
        writes.push(Mutation {
            id: new_id(),
            created_at_ms: now_ms(),
            kind,
        });
    }
    writes
}

/// Sends the phone's writes until every one is answered, as the outbox does: the oldest few at
/// a time, the same batch again after a lost connection. Now and then it cuts a push itself,
/// sends a batch twice at once, or sends again a write already answered.
async fn run_phone(
    servers: Arc<Servers>,
    phone: Phone,
    seed: u64,
    answered_so_far: Arc<AtomicUsize>,
) -> Told {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut told = Told::default();
    let mut queue: std::collections::VecDeque<Mutation> = phone.writes.into_iter().collect();
    let mut answered: Vec<(Mutation, Outcome)> = Vec::new();
    while !queue.is_empty() {
        let take = rng.random_range(1..=MOST_IN_A_PUSH).min(queue.len());
        let mut batch: Vec<Mutation> = queue.iter().take(take).cloned().collect();
        let resend = !answered.is_empty() && rng.random_bool(0.1);
        if resend {
            batch.insert(0, answered[rng.random_range(0..answered.len())].0.clone());
        }
        let push = PushRequest {
            owner: Some(phone.viewer.user_id.clone()),
            mutations: batch.clone(),
        };
        let request = push_request(&phone.token, &push);
        let address = servers.any_address(&mut rng);
        if rng.random_bool(0.15) {
            let after = Duration::from_micros(rng.random_range(0..5_000));
            push_and_cut(address, request, after).await;
            told.cut += 1;
            continue;
        }
        let answers = if rng.random_bool(0.1) {
            let twin = servers.any_address(&mut rng);
            let (one, two) = tokio::join!(
                push_once(address, request.clone()),
                push_once(twin, request)
            );
            match (one, two) {
                (Pushed::Answered(one), Pushed::Answered(two)) => {
                    assert_eq!(one, two, "the two copies of one batch are answered alike");
                    told.doubled += 1;
                    Pushed::Answered(one)
                }
                (Pushed::Answered(one), _) | (_, Pushed::Answered(one)) => Pushed::Answered(one),
                (one, _) => one,
            }
        } else {
            push_once(address, request).await
        };
        let results = match answers {
            Pushed::Answered(results) => results,
            lost => {
                told.lost += 1;
                told.lost_in_flight += usize::from(lost == Pushed::LostInFlight);
                tokio::time::sleep(Duration::from_millis(rng.random_range(5..40))).await;
                continue;
            }
        };
        assert_eq!(results.len(), batch.len(), "one answer per write");
        for (mutation, result) in batch.into_iter().zip(results) {
            assert_eq!(result.id, mutation.id, "answers in the order sent");
            if let Some(before) = told.outcomes.get(&mutation.id) {
                assert_eq!(
                    before, &result.outcome,
                    "a write sent again is answered as it was the first time"
                );
                told.resent += 1;
                continue;
            }
            told.outcomes
                .insert(mutation.id.clone(), result.outcome.clone());
            answered_so_far.fetch_add(1, Ordering::Relaxed);
            let first = queue.pop_front().expect("the oldest write");
            assert_eq!(first.id, mutation.id, "the outbox is answered oldest first");
            answered.push((mutation, result.outcome));
        }
    }
    told
}

/// The reader phone's copy of the board: posts by id, as the engine merges pulled pages.
#[derive(Default)]
struct Copy {
    posts: HashMap<PostId, SyncedPost>,
    cursor: i64,
}

impl Copy {
    /// Pulls once from `cursor`; `Some(more)` when a page arrived and was merged.
    async fn pull_page(
        &mut self,
        address: SocketAddr,
        token: &str,
        board: &BoardId,
    ) -> Option<bool> {
        let request = format!(
            "GET /sync/pull?board_id={}&since={} HTTP/1.1\r\nHost: 127.0.0.1\r\n\
             Cookie: sb_session={token}\r\nConnection: close\r\n\r\n",
            board.as_str(),
            self.cursor
        );
        let (status, body) = tokio::time::timeout(REQUEST_TIMEOUT, exchange(address, request))
            .await
            .ok()?
            .ok()?;
        if status == 503 {
            return None;
        }
        assert_eq!(status, 200, "a pull was refused: {body}");
        let page: PullResponse = serde_json::from_str(&body).expect("a pull response");
        for post in page.posts {
            self.posts.insert(post.card.id.clone(), post);
        }
        for gone in page.removed {
            self.posts.remove(&gone);
        }
        assert!(page.cursor >= self.cursor, "the cursor never goes back");
        self.cursor = page.cursor;
        Some(page.more)
    }

    /// Pulls until the server says there is no more (within the run's bound).
    async fn pull_all(&mut self, servers: &Servers, token: &str, board: &BoardId) {
        tokio::time::timeout(RUN_BOUND, self.pull_until_done(servers, token, board))
            .await
            .expect("the board pulled to its end within the run's bound");
    }

    async fn pull_until_done(&mut self, servers: &Servers, token: &str, board: &BoardId) {
        let mut rng = SmallRng::seed_from_u64(0);
        loop {
            match self
                .pull_page(servers.any_address(&mut rng), token, board)
                .await
            {
                Some(false) => return,
                Some(true) => {}
                None => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(db.pool())
        .await
        .expect("count")
}

/// One name a phone (names that look alike are refused at sign-up, so no letters that pass for
/// each other).
const NAMES: [&str; PHONES] = [
    "Asha", "Ben", "Cara", "Dev", "Esme", "Farid", "Gwen", "Hamid", "Ines", "Jonah", "Kemi",
    "Lars", "Mina", "Noor", "Owen", "Petra", "Quinn", "Rosa", "Sami", "Tomasz",
];

/// The street: an organiser, 19 neighbours who joined, and one open request from each.
async fn street(db: &Db) -> (BoardSummary, Vec<(Viewer, String)>, Vec<(PostId, Viewer)>) {
    let mut people = Vec::new();
    for name in NAMES {
        people.push(sign_up(db, name).await);
    }
    let board = store::story::elm_road(db, &people[0].0, "1").await;
    for (viewer, _) in &people[1..] {
        join(db, &people[0].0, &board, viewer, "2").await;
    }
    let mut posts = Vec::new();
    for (viewer, _) in &people {
        let mutation = create_post(&board.id, "Milk and bread");
        let MutationKind::CreatePost { post_id, .. } = &mutation.kind else {
            unreachable!("create_post makes a post")
        };
        let post_id = post_id.clone();
        assert_eq!(db.apply(viewer, &mutation).await, Ok(Outcome::Applied));
        posts.push((post_id, viewer.clone()));
    }
    (board, people, posts)
}

on_both_backends! {
    async fn writes_survive_kills_cuts_and_repeats_exactly_once(backend: Backend) {
        let url = testing::fresh_url(backend).await;
        let db = Db::connect(&url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let (board, people, street_posts) = street(&db).await;
        let recorded_before = count(&db, "SELECT COUNT(*) FROM mutations").await;
        let posts_before = count(&db, "SELECT COUNT(*) FROM posts").await;

        // SQLite is one process's file; PostgreSQL is served by two processes at once.
        let process_count = match backend {
            Backend::Sqlite => 1,
            Backend::Postgres => 2,
        };
        let servers = Servers::start(&url, process_count, "warn").await;
        let seed: u64 = std::env::var("STREETBOARD_FAULT_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(rand::random);
        eprintln!("fault harness on {backend:?}: seed {seed} (STREETBOARD_FAULT_SEED)");
        let mut rng = SmallRng::seed_from_u64(seed);

        // Every write the phones will send, and whose it is; and each phone's, in order.
        let mut planned: HashMap<String, (Mutation, UserId)> = HashMap::new();
        let mut plans: Vec<(UserId, Vec<Mutation>)> = Vec::new();
        // Writes answered so far, across phones: the killer's clock.
        let answered_so_far = Arc::new(AtomicUsize::new(0));
        let mut phones = tokio::task::JoinSet::new();
        for (viewer, token) in &people {
            let writes = plan(&mut rng, viewer, &board.id, &street_posts);
            planned.extend(writes.iter().map(|m| (m.id.clone(), (m.clone(), viewer.user_id.clone()))));
            plans.push((viewer.user_id.clone(), writes.clone()));
            let phone = Phone { viewer: viewer.clone(), token: token.clone(), writes };
            phones.spawn(run_phone(
                servers.clone(),
                phone,
                rng.random(),
                answered_so_far.clone(),
            ));
        }
        assert_eq!(planned.len(), PHONES * WRITES_EACH);

        let seq_at_start: i64 = sqlx::query_scalar("SELECT last_seq FROM boards WHERE id = $1")
            .bind(board.id.as_str())
            .fetch_one(db.pool())
            .await
            .expect("the board's number");
        // The reader pulls the whole time, its cursor kept across kills, until told to stop.
        let stop_reading = Arc::new(AtomicBool::new(false));
        let reader = {
            let (servers, stop, token, board_id) =
                (servers.clone(), stop_reading.clone(), people[0].1.clone(), board.id.clone());
            tokio::spawn(async move {
                let mut rng = SmallRng::seed_from_u64(1);
                let mut copy = Copy::default();
                // Whether a page taken during the run carried a change the phones made.
                let mut followed_the_run = false;
                while !stop.load(Ordering::Relaxed) {
                    copy.pull_page(servers.any_address(&mut rng), &token, &board_id).await;
                    followed_the_run |= copy.cursor > seq_at_start;
                    tokio::time::sleep(Duration::from_millis(rng.random_range(0..15))).await;
                }
                (copy, followed_the_run)
            })
        };

        // The killer: one SIGKILL each time another seventh of the writes has been answered,
        // a random moment after, on a random process.
        let total = PHONES * WRITES_EACH;
        let killer = {
            let (servers, answered_so_far) = (servers.clone(), answered_so_far.clone());
            let mut rng = SmallRng::seed_from_u64(rng.random());
            tokio::spawn(async move {
                let mut while_writing = 0;
                for kill in 1..=KILLS {
                    while answered_so_far.load(Ordering::Relaxed) < kill * total / (KILLS + 1) {
                        tokio::time::sleep(Duration::from_millis(2)).await;
                    }
                    tokio::time::sleep(Duration::from_micros(rng.random_range(0..20_000))).await;
                    while_writing += usize::from(answered_so_far.load(Ordering::Relaxed) < total);
                    servers.kill_and_restart(rng.random_range(0..process_count)).await;
                }
                while_writing
            })
        };

        let (phones_told, kills) = tokio::time::timeout(RUN_BOUND, async {
            (phones.join_all().await, killer.await.expect("the killer"))
        })
        .await
        .expect("every write answered within the run's bound");
        stop_reading.store(true, Ordering::Relaxed);
        let (mut reading, followed_the_run) = reader.await.expect("the reader");
        assert!(followed_the_run, "the reader took pages while the phones wrote");
        assert_eq!(kills, KILLS, "every kill came while the phones were writing");

        let mut told: HashMap<String, Outcome> = HashMap::new();
        let (mut lost, mut in_flight, mut cut, mut resent, mut doubled) = (0, 0, 0, 0, 0);
        for phone in phones_told {
            told.extend(phone.outcomes);
            (lost, in_flight, cut, resent, doubled) = (
                lost + phone.lost,
                in_flight + phone.lost_in_flight,
                cut + phone.cut,
                resent + phone.resent,
                doubled + phone.doubled,
            );
        }
        eprintln!(
            "{} writes answered ({} applied); {kills} kills; {lost} pushes lost to a kill or a \
             busy server ({in_flight} sent whole), {cut} cut by the phone, {resent} writes sent \
             again, {doubled} batches doubled",
            told.len(),
            told.values().filter(|o| **o == Outcome::Applied).count(),
        );
        assert_eq!(told.len(), total, "every write was answered at last");
        assert!(in_flight > 0, "no kill came while a push was being answered");
        assert!(cut > 0 && resent > 0 && doubled > 0, "every kind of fault came");

        // Each write is recorded once, as it was answered, and made once.
        let (mut posts_made, mut replies_made) = (0, 0);
        for (id, outcome) in &told {
            assert_eq!(rows_with(&db, "mutations", "id", id).await, 1, "the record of {id}");
            let stored: String = sqlx::query_scalar("SELECT outcome FROM mutations WHERE id = $1")
                .bind(id)
                .fetch_one(db.pool())
                .await
                .expect("the record's outcome");
            let stored: Outcome = serde_json::from_str(&stored).expect("an outcome");
            assert_eq!(&stored, outcome, "write {id} is recorded as it was answered");
            let made = *outcome == Outcome::Applied;
            match &planned[id].0.kind {
                MutationKind::CreatePost { post_id, .. } => {
                    assert_eq!(
                        rows_with(&db, "posts", "id", post_id.as_str()).await,
                        i64::from(made),
                        "post {post_id:?}, answered {outcome:?}"
                    );
                    posts_made += i64::from(made);
                }
                MutationKind::Reply { reply_id, .. } => {
                    assert_eq!(
                        rows_with(&db, "replies", "id", reply_id).await,
                        i64::from(made),
                        "reply {reply_id}, answered {outcome:?}"
                    );
                    replies_made += i64::from(made);
                }
                _ => {}
            }
        }
        // Claims and hand-backs made as answered: replaying each phone's writes in its own
        // order (no one else can take a post from its helper here), a phone holds a post now
        // exactly when its last claim or hand-back of it that applied was a claim.
        let mut holds: HashSet<(PostId, UserId)> = HashSet::new();
        for (whose, writes) in &plans {
            for mutation in writes {
                if told[&mutation.id] != Outcome::Applied {
                    continue;
                }
                match &mutation.kind {
                    MutationKind::Claim { post_id } => {
                        holds.insert((post_id.clone(), whose.clone()));
                    }
                    MutationKind::Release { post_id } => {
                        holds.remove(&(post_id.clone(), whose.clone()));
                    }
                    _ => {}
                }
            }
        }
        let held: Vec<(String, String)> =
            sqlx::query_as("SELECT id, claimed_by FROM posts WHERE status = 'claimed'")
                .fetch_all(db.pool())
                .await
                .expect("claimed posts");
        let held: HashSet<(PostId, UserId)> = held
            .into_iter()
            .map(|(post, holder)| (PostId::from(post), UserId::from(holder)))
            .collect();
        assert_eq!(held, holds, "who holds which post, against the claims and hand-backs answered");
        // Nothing more: no record, post or reply of a write the phones did not send.
        assert_eq!(
            count(&db, "SELECT COUNT(*) FROM mutations").await,
            recorded_before + total as i64,
            "records"
        );
        assert_eq!(
            count(&db, "SELECT COUNT(*) FROM posts").await,
            posts_before + posts_made,
            "posts"
        );
        assert_eq!(count(&db, "SELECT COUNT(*) FROM replies").await, replies_made, "replies");

        // The reader's copy, made of pages pulled between kills, is the board as a fresh pull
        // sees it: no change committed out of order behind the reader's cursor.
        let token = &people[0].1;
        reading.pull_all(&servers, token, &board.id).await;
        let mut fresh = Copy::default();
        fresh.pull_all(&servers, token, &board.id).await;
        assert_eq!(fresh.posts.len() as i64, posts_before + posts_made);
        let missed: Vec<&PostId> =
            fresh.posts.keys().filter(|id| !reading.posts.contains_key(*id)).collect();
        assert!(missed.is_empty(), "posts the reader's pulls missed: {missed:?}");
        let stale: HashSet<&PostId> = fresh
            .posts
            .iter()
            .filter(|(id, post)| reading.posts.get(*id) != Some(*post))
            .map(|(id, _)| id)
            .collect();
        assert!(stale.is_empty(), "posts the reader holds an old version of: {stale:?}");

        // Asked while the processes still run: one of them holding a transaction open would show.
        let left_open = testing::transactions_left_open(&db).await;
        assert!(left_open.is_empty(), "after the kills: {left_open:?}");
        servers.stop().await;
    }
}
