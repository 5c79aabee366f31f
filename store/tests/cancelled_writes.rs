//! A write whose caller goes away mid-way (a phone losing signal in the middle of sending its
//! outbox, a request timing out) leaves nothing behind, wherever it was dropped: no connection
//! inside a transaction, no lock held, so the next write goes through; and a write is
//! either wholly stored with its exactly-once record or not at all.
//!
//! Each test drops the same kind of write at its first await point, then its second, and so on
//! until one runs to the end, so every point where a future can be dropped (before, during and
//! after `BEGIN`, between statements, before `COMMIT`) is tried in turn, a few sweeps over.

use std::{future::Future, task::Poll, time::Duration};

use model::{ids::new_id, AppError, Category, Outcome, PostKind};
use store::story::{claim, count, mutation, street, Street};
use store::{on_both_backends, testing, NewBoard};

/// Sweeps over every await point of one write; each sweep's timings differ a little, so the
/// same point is met in several states of the connection.
const SWEEPS: usize = 3;
/// More await points than any write here has: a sweep that reaches this has gone wrong.
const MOST_AWAITS: usize = 400;

/// Runs `work`, dropping it once it has stopped to wait `waits` times, as the server drops a
/// request's future when its client goes away; `Some` when it finished before that.
async fn dropped_after_waits<T>(waits: usize, work: impl Future<Output = T>) -> Option<T> {
    let mut work = std::pin::pin!(work);
    let mut waited = 0;
    std::future::poll_fn(|cx| match work.as_mut().poll(cx) {
        Poll::Ready(output) => Poll::Ready(Some(output)),
        Poll::Pending if waited == waits => Poll::Ready(None),
        Poll::Pending => {
            waited += 1;
            Poll::Pending
        }
    })
    .await
}

/// After a write was dropped: nothing is left open, and a new post goes through. (Stuck, it
/// fails: SQLite answers "database is locked" after its 5 s busy timeout; the bound only keeps
/// a hang from hanging the run, and is long enough that a loaded machine is not mistaken for it.)
async fn still_writable(s: &Street, after: &str) {
    let left_open = testing::transactions_left_open(&s.db).await;
    assert!(left_open.is_empty(), "{after}: {left_open:?}");
    let next = mutation(s.new_post(PostKind::Offer, Category::Chat, "Next write"));
    let outcome = tokio::time::timeout(Duration::from_secs(15), s.db.apply(&s.cara, &next))
        .await
        .unwrap_or_else(|_| panic!("{after}: the next write still waited after 15 s"));
    assert_eq!(outcome, Ok(Outcome::Applied), "{after}: the next write");
}

/// Drops `write()` at each of its await points in turn, checking after each, and that a write
/// that ran to the end succeeded.
async fn sweep<F, Fut, T>(s: &Street, what: &str, mut write: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
    T: std::fmt::Debug,
{
    for round in 0..SWEEPS {
        for waits in 0..MOST_AWAITS {
            let result = dropped_after_waits(waits, write()).await;
            let finished = result.is_some();
            if let Some(result) = result {
                assert!(result.is_ok(), "{what}, run to the end: {result:?}");
            }
            let after = if finished {
                format!("{what} run to the end (sweep {round})")
            } else {
                format!("{what} dropped at await point {waits} (sweep {round})")
            };
            still_writable(s, &after).await;
            if finished {
                break;
            }
            assert!(waits + 1 < MOST_AWAITS, "{what} never finished");
        }
    }
}

/// Every post has its exactly-once record and every recorded post creation its post: none was
/// half-written, whatever happened to its caller.
async fn posts_match_their_records(s: &Street) {
    let recorded: i64 = sqlx::query_scalar(
        r#"SELECT COUNT(*) FROM mutations WHERE kind = 'create_post' AND outcome = '{"outcome":"applied"}'"#,
    )
    .fetch_one(s.db.pool())
    .await
    .expect("count recorded creations");
    assert_eq!(
        count(&s.db, "posts").await,
        recorded,
        "posts stored against post creations recorded as applied"
    );
}

on_both_backends! {
    async fn a_push_dropped_at_any_await_point_leaves_the_database_writable(backend: Backend) {
        let s = &street(backend).await;
        sweep(s, "a new post", || {
            let post = mutation(s.new_post(PostKind::Request, Category::Shopping, "Milk"));
            async move { s.db.apply(&s.ben, &post).await }
        })
        .await;
        posts_match_their_records(s).await;

        let claimed = s.request(&s.ben, "A lift to the surgery").await;
        sweep(s, "a claim", || {
            let take_it = mutation(claim(&claimed));
            async move { s.db.apply(&s.dev, &take_it).await }
        })
        .await;
        let detail = s.detail(&s.ben, &claimed).await;
        assert_eq!(detail.card.claimed_by_name.as_deref(), Some("Dev"), "claimed once, by Dev");
        posts_match_their_records(s).await;
    }
}

on_both_backends! {
    async fn starting_a_board_dropped_at_any_await_point_leaves_the_database_writable(backend: Backend) {
        let s = &street(backend).await;
        sweep(s, "a new board", || {
            // A name of its own each time: boards dropped after they began are still made.
            let board_id = new_id();
            let name = format!("Ash Grove {}", &board_id[board_id.len() - 12..]);
            let form = NewBoard {
                board_id: board_id.into(),
                name,
                streets: "Ash Grove".into(),
                my_street: String::new(),
                house_number: "7".into(),
            };
            async move { s.db.create_board(&s.dev, form).await }
        })
        .await;
        // Each board that exists has its organiser: none was half-made.
        let orphans: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM boards b WHERE NOT EXISTS \
             (SELECT 1 FROM memberships m WHERE m.board_id = b.id AND m.role = 'organiser')",
        )
        .fetch_one(s.db.pool())
        .await
        .expect("count boards without an organiser");
        assert_eq!(orphans, 0, "boards without their organiser");
    }
}

on_both_backends! {
    async fn the_same_board_sent_twice_at_once_is_made_once_and_both_hear_so(backend: Backend) {
        // A phone that lost the answer sends the form again while the first is still at work.
        let s = &street(backend).await;
        let form = || NewBoard {
            board_id: "01a22c50-0000-7000-8000-00000000b0a4".into(),
            name: "Rowan Close".into(),
            streets: "Rowan Close".into(),
            my_street: String::new(),
            house_number: "4".into(),
        };
        let (first, again) = tokio::join!(
            s.db.create_board(&s.dev, form()),
            s.db.create_board(&s.dev, form())
        );
        let (first, again) = (first.expect("the first"), again.expect("the second"));
        assert_eq!(first.slug, again.slug, "one board");
        let boards: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM boards WHERE name = 'Rowan Close'")
            .fetch_one(s.db.pool())
            .await
            .expect("count");
        assert_eq!(boards, 1);
    }
}
