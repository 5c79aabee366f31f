//! A push of 50 writes, killed part-way (issue 12, item 6). The server applies a push in one
//! transaction, a savepoint per write, and answers only after the commit. So the real
//! `streetboard` binary, SIGKILLed at a random moment while it applies a batch, leaves either
//! every write of it or none; the phone, which heard nothing, sends the batch again after the
//! restart, and each write is then applied exactly once, answered as applied, and a write that
//! is not allowed (a reply to a post that is not there) is refused each time without
//! undoing the others.
//!
//! That the kills land inside the transaction is checked, not hoped: the server logs (at
//! `debug`, for `store::batch`) when it begins a batch and when it commits one, and the test
//! counts the kills that came between the two.

mod real_server;

use std::time::Duration;

use model::{
    ids::{new_id, now_ms, BoardId, PostId},
    sync::wire::{PushRequest, PushResult, MAX_PUSH_BATCH},
    Mutation, MutationKind, Outcome, Refusal,
};
use rand::{rngs::SmallRng, Rng, SeedableRng};
use real_server::{push_once, push_request, Pushed, Servers};
use store::{
    on_both_backends,
    story::{create_post, sign_up},
    testing, Db,
};

/// Kills that must land between a batch's beginning and its commit.
const KILLS_INSIDE: usize = 3;
/// Kills that must land after a commit (the answer lost, or sent just before), so the resend
/// is answered from the records.
const KILLS_AFTER_COMMIT: usize = 1;
/// Batches tried at most to get them (each takes well under a second).
const MOST_TRIALS: usize = 60;

/// A phone's full outbox: posts each followed by a reply to it (so later writes of the batch
/// build on earlier ones), and one reply to a post that does not exist, which is refused.
fn batch(board: &BoardId) -> (Vec<Mutation>, String) {
    let mut writes = Vec::with_capacity(MAX_PUSH_BATCH);
    let missing = Mutation {
        id: new_id(),
        created_at_ms: now_ms(),
        kind: MutationKind::Reply {
            reply_id: new_id(),
            post_id: PostId::from(new_id()),
            body: "Is this still needed?".into(),
        },
    };
    while writes.len() < MAX_PUSH_BATCH - 1 {
        let post = create_post(board, "Milk and bread");
        let MutationKind::CreatePost { post_id, .. } = &post.kind else {
            unreachable!("create_post makes a post")
        };
        let reply = Mutation {
            id: new_id(),
            created_at_ms: now_ms(),
            kind: MutationKind::Reply {
                reply_id: new_id(),
                post_id: post_id.clone(),
                body: "I can do Thursday".into(),
            },
        };
        writes.push(post);
        writes.push(reply);
    }
    writes.truncate(MAX_PUSH_BATCH - 1);
    let missing_id = missing.id.clone();
    writes.insert(MAX_PUSH_BATCH / 2, missing);
    (writes, missing_id)
}

/// How many of `ids` are recorded as written, and how many posts and replies they made.
async fn made(db: &Db, writes: &[Mutation]) -> (i64, i64, i64) {
    let (mut recorded, mut posts, mut replies) = (0, 0, 0);
    for write in writes {
        recorded += count(
            db,
            "SELECT COUNT(*) FROM mutations WHERE id = $1",
            &write.id,
        )
        .await;
        match &write.kind {
            MutationKind::CreatePost { post_id, .. } => {
                posts += count(
                    db,
                    "SELECT COUNT(*) FROM posts WHERE id = $1",
                    post_id.as_str(),
                )
                .await;
            }
            MutationKind::Reply { reply_id, .. } => {
                replies += count(db, "SELECT COUNT(*) FROM replies WHERE id = $1", reply_id).await;
            }
            _ => unreachable!("the batch holds posts and replies"),
        }
    }
    (recorded, posts, replies)
}

async fn count(db: &Db, sql: &str, id: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(db.pool())
        .await
        .expect("count")
}

/// Each write's answer as it must be: applied, and the reply to the missing post refused.
fn check_answers(results: &[PushResult], writes: &[Mutation], missing: &str) {
    assert_eq!(results.len(), writes.len(), "one answer a write");
    for (result, write) in results.iter().zip(writes) {
        assert_eq!(result.id, write.id, "answers in the batch's order");
        if result.id == missing {
            assert_eq!(
                result.outcome,
                Outcome::Rejected {
                    reason: Refusal::PostGone
                }
            );
        } else {
            assert_eq!(result.outcome, Outcome::Applied, "write {}", write.id);
        }
    }
}

on_both_backends! {
    async fn a_batch_killed_part_way_is_applied_exactly_once_when_sent_again(backend: Backend) {
        let url = testing::fresh_url(backend).await;
        let db = Db::connect(&url).await.expect("connect");
        db.migrate().await.expect("migrate");
        let (ben, token) = sign_up(&db, "Ben").await;
        let board = store::story::elm_road(&db, &ben, "1").await;
        let servers = Servers::start(&url, 1, "warn,store::batch=debug").await;
        let seed: u64 = std::env::var("STREETBOARD_FAULT_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(rand::random);
        eprintln!("batch kills on {backend:?}: seed {seed} (STREETBOARD_FAULT_SEED)");
        let mut rng = SmallRng::seed_from_u64(seed);
        let push = |writes: &[Mutation]| {
            push_request(
                &token,
                &PushRequest {
                    owner: Some(ben.user_id.clone()),
                    mutations: writes.to_vec(),
                },
            )
        };

        // How long one batch takes here, unkilled: the kills are spread over that and a half.
        let (writes, missing) = batch(&board.id);
        let started = std::time::Instant::now();
        let Pushed::Answered(results) = push_once(servers.address_of(0), push(&writes)).await
        else {
            panic!("an unkilled batch is answered")
        };
        let whole = started.elapsed();
        check_answers(&results, &writes, &missing);
        assert_eq!(made(&db, &writes).await, (49, 25, 24), "the refused reply is not recorded");

        let (mut inside, mut after_commit, mut trials, mut answered_before_kill) = (0, 0, 0, 0);
        while (inside < KILLS_INSIDE || after_commit < KILLS_AFTER_COMMIT) && trials < MOST_TRIALS {
            trials += 1;
            let (writes, missing) = batch(&board.id);
            let request = push(&writes);
            let sent = tokio::spawn(push_once(servers.address_of(0), request.clone()));
            let wait = rng.random_range(0..whole.as_micros() as u64 * 3 / 2);
            tokio::time::sleep(Duration::from_micros(wait)).await;
            let log = servers.kill_and_restart(0).await;
            let first = &writes[0].id;
            let begun = log.lines().any(|l| l.contains("applying a batch") && l.contains(first.as_str()));
            let committed =
                log.lines().any(|l| l.contains("committed a batch") && l.contains(first.as_str()));

            // All or nothing, whatever moment the kill chose.
            let after_kill = made(&db, &writes).await;
            assert!(
                after_kill == (0, 0, 0) || after_kill == (49, 25, 24),
                "a killed batch left part of itself: {after_kill:?} (recorded, posts, replies)"
            );
            if begun && !committed {
                inside += 1;
                assert_eq!(after_kill, (0, 0, 0), "killed before its commit, so nothing of it stays");
            }
            if committed {
                after_commit += 1;
                assert_eq!(after_kill, (49, 25, 24), "a committed batch stays whole");
            }
            // Answered only after the commit: an answer the phone got is a batch that stays.
            if let Ok(Pushed::Answered(results)) = sent.await {
                answered_before_kill += 1;
                check_answers(&results, &writes, &missing);
                assert_eq!(after_kill.0, 49, "answered before its commit");
            }

            // The phone heard nothing (or the answer), and sends the batch again.
            let results = loop {
                match push_once(servers.address_of(0), request.clone()).await {
                    Pushed::Answered(results) => break results,
                    _ => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            };
            check_answers(&results, &writes, &missing);
            assert_eq!(made(&db, &writes).await, (49, 25, 24), "each write made exactly once");
        }
        eprintln!(
            "batch kills on {backend:?}: {trials} batches, {inside} killed inside their \
             transaction, {after_commit} after their commit ({answered_before_kill} answered \
             before the kill), one batch {whole:?}"
        );
        assert!(
            inside >= KILLS_INSIDE,
            "only {inside} of {trials} kills landed inside a batch's transaction"
        );
        assert!(
            after_commit >= KILLS_AFTER_COMMIT,
            "only {after_commit} of {trials} kills landed after a batch's commit"
        );
        servers.stop().await;
    }
}
