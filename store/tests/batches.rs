//! A push is applied in one transaction with a savepoint per write (issue 12, item 6): later
//! writes of a batch build on earlier ones, a write that is not allowed is undone alone and
//! the others keep their answers, copies of one batch sent at once are each applied once with
//! every copy answered alike, and a batch resent after its answer was lost is answered from
//! the records without changing anything.

use std::sync::Arc;

use model::{
    ids::{new_id, PostId},
    refusal::Refusal,
    sync::wire::{PushResult, MAX_PUSH_BATCH},
    views::Viewer,
    AppError, Mutation, MutationKind, Outcome,
};
use store::story::{claim, count, create_post, mutation, reply, street, Street};
use store::{on_both_backends, racing_on_both_backends, Db};

/// Everything a batch could change: (posts, replies, recorded writes, board sequence).
async fn snapshot(s: &Street) -> (i64, i64, i64, i64) {
    (
        count(&s.db, "posts").await,
        count(&s.db, "replies").await,
        count(&s.db, "mutations").await,
        s.last_seq().await,
    )
}

fn post_id_of(create: &Mutation) -> PostId {
    create.kind.post_id().cloned().expect("a new post's id")
}

/// A full outbox from `who`'s phone: posts, each followed by a reply to it.
fn posts_and_replies(s: &Street, count: usize) -> Vec<Mutation> {
    let mut writes = Vec::new();
    while writes.len() < count {
        let create = create_post(&s.board.id, &format!("Post {}", writes.len()));
        let answer = mutation(reply(&post_id_of(&create), "Thanks, all"));
        writes.push(create);
        writes.push(answer);
    }
    writes.truncate(count);
    writes
}

fn outcomes(results: &[PushResult]) -> Vec<Outcome> {
    results.iter().map(|r| r.outcome.clone()).collect()
}

on_both_backends! {
    async fn a_refused_write_is_undone_alone_and_later_writes_build_on_earlier_ones(backend: Backend) {
        let s = street(backend).await;
        let cara_asks = s.request(&s.cara, "A lift to the surgery").await;
        let ben_asks = s.request(&s.ben, "Milk and bread").await;
        let before = snapshot(&s).await;

        let create = create_post(&s.board.id, "Bulbs for the planters");
        let on_it = mutation(reply(&post_id_of(&create), "Tulips, ideally"));
        // Not there at all: refused and never recorded.
        let on_nothing = mutation(reply(&PostId::from(new_id()), "Still needed?"));
        // Ben's own post: refused, and that answer recorded.
        let own = mutation(claim(&ben_asks));
        let help_cara = mutation(claim(&cara_asks));
        let batch = [create.clone(), on_it, on_nothing.clone(), own, help_cara];
        let results = s.db.push(&s.ben, &batch).await.expect("pushed");
        let ids: Vec<&str> = results.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, batch.iter().map(|m| m.id.as_str()).collect::<Vec<_>>());
        let answers = outcomes(&results);
        assert_eq!(answers[0], Outcome::Applied);
        assert_eq!(answers[1], Outcome::Applied, "a reply to a post made earlier in the batch");
        assert_eq!(answers[2], Outcome::Rejected { reason: Refusal::PostGone });
        assert!(matches!(answers[3], Outcome::Rejected { .. }), "{:?}", answers[3]);
        assert_eq!(answers[4], Outcome::Applied, "after two refusals, the rest still applies");

        let (posts, replies, recorded, seq) = snapshot(&s).await;
        assert_eq!((posts, replies), (before.0 + 1, before.1 + 1));
        assert_eq!(recorded, before.2 + 4, "every write but the one to nothing");
        assert!(seq > before.3);
        assert_eq!(
            s.detail(&s.cara, &cara_asks).await.card.claimed_by_name.as_deref(),
            Some("Ben")
        );

        // The answer was lost; the phone sends the batch again: the same answers, nothing new.
        let after = snapshot(&s).await;
        let again = s.db.push(&s.ben, &batch).await.expect("pushed again");
        assert_eq!(outcomes(&again), answers);
        assert_eq!(snapshot(&s).await, after);
        let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mutations WHERE id = $1")
            .bind(&on_nothing.id)
            .fetch_one(s.db.pool())
            .await
            .expect("count");
        assert_eq!(kept, 0, "a write not allowed at all leaves no record");
    }
}

on_both_backends! {
    async fn an_invalid_write_in_a_batch_is_answered_with_its_fields(backend: Backend) {
        let s = street(backend).await;
        let mut blank = create_post(&s.board.id, "Anything");
        if let MutationKind::CreatePost { title, .. } = &mut blank.kind {
            title.clear();
        }
        let fine = create_post(&s.board.id, "Seedlings to give away");
        let results = s.db.push(&s.ben, &[blank, fine]).await.expect("pushed");
        let Outcome::Rejected { reason: Refusal::Invalid { fields } } = &results[0].outcome else {
            panic!("a post without a title is refused: {:?}", results[0]);
        };
        assert!(fields.get("title").is_some(), "{fields:?}");
        assert_eq!(results[1].outcome, Outcome::Applied);
        // Through the form's way in, the same write is a field error to show.
        let mut blank = create_post(&s.board.id, "Anything");
        if let MutationKind::CreatePost { title, .. } = &mut blank.kind {
            title.clear();
        }
        assert!(matches!(s.db.apply(&s.ben, &blank).await, Err(AppError::Invalid(_))));
    }
}

/// Sends the same batch from `copies` tasks at the same moment.
async fn all_at_once(
    db: &Db,
    who: &Viewer,
    batch: &[Mutation],
    copies: usize,
) -> Vec<Vec<Outcome>> {
    let start = Arc::new(tokio::sync::Barrier::new(copies));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..copies {
        let (db, who, batch, start) = (db.clone(), who.clone(), batch.to_vec(), start.clone());
        tasks.spawn(async move {
            start.wait().await;
            outcomes(&db.push(&who, &batch).await.expect("pushed"))
        });
    }
    tasks.join_all().await
}

racing_on_both_backends! {
    async fn a_full_batch_sent_four_times_at_once_is_applied_once(backend: Backend) {
        let mut s = street(backend).await;
        s.db = s.db.clone().with_writes_per_minute(1_000);
        let cara_asks = s.request(&s.cara, "A lift to the surgery").await;
        let mut batch = posts_and_replies(&s, MAX_PUSH_BATCH - 1);
        batch.push(mutation(claim(&cara_asks)));
        let before = snapshot(&s).await;

        let answers = all_at_once(&s.db, &s.ben, &batch, 4).await;
        assert!(answers.iter().all(|a| *a == answers[0]), "every copy answered alike");
        assert!(answers[0].iter().all(|o| *o == Outcome::Applied), "{:?}", answers[0]);
        let (posts, replies, recorded, _) = snapshot(&s).await;
        let made = MAX_PUSH_BATCH as i64 - 1;
        assert_eq!(posts - before.0, (made + 1) / 2);
        assert_eq!(replies - before.1, made / 2);
        assert_eq!(recorded - before.2, MAX_PUSH_BATCH as i64, "each write recorded once");
    }
}

on_both_backends! {
    async fn writes_refused_outright_do_not_use_up_the_minute(backend: Backend) {
        let mut s = street(backend).await;
        s.db = s.db.clone().with_writes_per_minute(2);
        // Three replies to posts that are not there (answered, never recorded), then two posts.
        let mut batch: Vec<Mutation> = (0..3)
            .map(|_| mutation(reply(&PostId::from(new_id()), "Still needed?")))
            .collect();
        batch.push(create_post(&s.board.id, "Seedlings to give away"));
        batch.push(create_post(&s.board.id, "A ladder to lend"));
        let results = s.db.push(&s.ben, &batch).await.expect("within the limit");
        let answers = outcomes(&results);
        assert!(answers[..3]
            .iter()
            .all(|o| *o == Outcome::Rejected { reason: Refusal::PostGone }));
        assert_eq!(answers[3..], [Outcome::Applied, Outcome::Applied]);
        // The minute's two writes are the two posts: a third is held back.
        let third = [create_post(&s.board.id, "Jam jars")];
        let held = s.db.push(&s.ben, &third).await;
        assert!(matches!(held, Err(AppError::TooManyAttempts { .. })), "{held:?}");
    }
}
