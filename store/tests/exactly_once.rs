//! Exactly-once mutations: a repeated mutation id returns the first outcome and changes
//! nothing, copies racing each other apply once, rival claims have one winner, and refused or
//! invalid mutations store nothing at all.

use std::sync::Arc;

use model::refusal::Refusal;
use model::{
    ids::PostId, views::Viewer, AppError, Category, Mutation, MutationKind, Outcome, PostKind,
};
use store::story::{self, claim, count, join, mutation, person, release, reply, street, Street};
use store::{on_both_backends, racing_on_both_backends, Db};

/// Everything a mutation could change: (posts, replies, recorded mutations, board sequence).
async fn snapshot(s: &Street) -> (i64, i64, i64, i64) {
    let db = &s.db;
    let tables = (count(db, "posts").await, count(db, "replies").await);
    (
        tables.0,
        tables.1,
        count(db, "mutations").await,
        s.last_seq().await,
    )
}

async fn is_recorded(db: &Db, mutation: &Mutation) -> bool {
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mutations WHERE id = $1")
        .bind(&mutation.id)
        .fetch_one(db.pool())
        .await
        .expect("count");
    rows == 1
}

/// Sends every `(who, mutation)` at the same moment, each from its own task.
async fn all_at_once(db: &Db, sends: Vec<(Viewer, Mutation)>) -> Vec<Result<Outcome, AppError>> {
    let start = Arc::new(tokio::sync::Barrier::new(sends.len()));
    let mut tasks = tokio::task::JoinSet::new();
    for (who, mutation) in sends {
        let (db, start) = (db.clone(), start.clone());
        tasks.spawn(async move {
            start.wait().await;
            db.apply(&who, &mutation).await
        });
    }
    tasks.join_all().await
}

on_both_backends! {
    async fn repeating_a_mutation_returns_the_first_outcome_and_changes_nothing(backend: Backend) {
        let s = street(backend).await;
        let create = mutation(s.new_post(PostKind::Request, Category::Chat, "A cup of tea"));
        let post_id = create.kind.post_id().cloned().expect("a new post's id");
        let claim_it = mutation(claim(&post_id));
        let answer = mutation(reply(&post_id, "Happy to pop round"));

        // A retry after a lost answer, a reload or a resubmitted form: same id, sent again.
        for (who, m) in [(&s.ben, &create), (&s.cara, &claim_it), (&s.cara, &answer)] {
            let name = m.kind.name();
            assert_eq!(s.db.apply(who, m).await, Ok(Outcome::Applied), "{name}");
            let before = snapshot(&s).await;
            assert_eq!(
                s.db.apply(who, m).await,
                Ok(Outcome::Applied),
                "repeat of {name}"
            );
            assert_eq!(
                snapshot(&s).await,
                before,
                "repeat of {name} changed something"
            );
        }
        assert_eq!(s.detail(&s.ben, &post_id).await.replies.len(), 1);

        // A rejection is replayed as it was, even after the post has moved on: the answer
        // to one id never changes.
        let dev_claims = mutation(claim(&post_id));
        let first = s.db.apply(&s.dev, &dev_claims).await;
        let cara_helps = Refusal::AlreadyHelping { helper: Some("Cara".into()) };
        assert_eq!(first, Ok(Outcome::Rejected { reason: cara_helps }));
        s.applies(&s.cara, release(&post_id)).await;
        let before = snapshot(&s).await;
        assert_eq!(s.db.apply(&s.dev, &dev_claims).await, first);
        assert_eq!(snapshot(&s).await, before);
        let card = s.detail(&s.dev, &post_id).await.card;
        assert_eq!(
            card.claimed_by_name, None,
            "still open: the repeat did not claim"
        );
    }
}

racing_on_both_backends! {
    async fn the_same_claim_sent_eight_times_at_once_applies_once(backend: Backend) {
        let s = street(backend).await;
        let post_id = s.request(&s.ben, "Carry a sofa upstairs").await;
        let claim_it = mutation(claim(&post_id));
        let seq_before = s.last_seq().await;

        let outcomes = all_at_once(&s.db, vec![(s.cara.clone(), claim_it.clone()); 8]).await;
        // Every copy gets the one answer; only one of them did anything.
        assert_eq!(outcomes, vec![Ok(Outcome::Applied); 8]);
        assert!(is_recorded(&s.db, &claim_it).await);
        assert_eq!(
            count(&s.db, "mutations").await,
            2,
            "the post and the claim, once each"
        );
        assert_eq!(
            s.last_seq().await,
            seq_before + 1,
            "one change, one sequence number"
        );
        let card = s.detail(&s.ben, &post_id).await.card;
        assert_eq!(card.claimed_by_name.as_deref(), Some("Cara"));
    }
}

racing_on_both_backends! {
    async fn two_neighbours_claiming_at_once_have_exactly_one_winner(backend: Backend) {
        let s = street(backend).await;
        // A few rounds, so either may win and both orders of arrival are exercised.
        for round in 0..3 {
            let post_id = s.request(&s.ben, &format!("Help with round {round}")).await;
            let seq_before = s.last_seq().await;
            let rivals = [&s.cara, &s.dev].map(|who| (who.clone(), mutation(claim(&post_id))));
            let outcomes = all_at_once(&s.db, rivals.into()).await;

            let applied = outcomes
                .iter()
                .filter(|o| **o == Ok(Outcome::Applied))
                .count();
            assert_eq!(applied, 1, "round {round}: {outcomes:?}");
            let card = s.detail(&s.ben, &post_id).await.card;
            let winner = card.claimed_by_name.expect("claimed");
            let reason = outcomes.iter().find_map(|o| match o {
                Ok(Outcome::Rejected { reason }) => Some(reason.clone()),
                _ => None,
            });
            // The loser is told who is helping, so they know it is in hand.
            let reason = reason.unwrap_or_else(|| panic!("round {round}: {outcomes:?}"));
            assert_eq!(
                reason,
                Refusal::AlreadyHelping { helper: Some(winner) },
                "round {round}"
            );
            assert_eq!(s.last_seq().await, seq_before + 1, "round {round}");
        }
    }
}

racing_on_both_backends! {
    async fn a_burst_of_more_writers_than_connections_all_apply(backend: Backend) {
        let s = street(backend).await;
        let post_id = s
            .request(&s.ben, "Who is coming to the street party?")
            .await;
        let seq_before = s.last_seq().await;
        // More at once than either pool holds (8 SQLite, 16 PostgreSQL connections): a write
        // must not wait for a second connection while holding its first, or the burst stalls
        // until the pool's timeout and most of it fails.
        // Ben, whose post it is, may reply as often as he likes (a neighbour only so often).
        let burst = 32;
        let me = |i| {
            (
                s.ben.clone(),
                mutation(reply(&post_id, &format!("Me {i}"))),
            )
        };
        let outcomes = all_at_once(&s.db, (0..burst).map(me).collect()).await;
        assert_eq!(outcomes, vec![Ok(Outcome::Applied); burst]);
        assert_eq!(count(&s.db, "replies").await, burst as i64);
        assert_eq!(s.last_seq().await, seq_before + burst as i64);
    }
}

on_both_backends! {
    async fn a_mutation_id_reused_by_someone_else_is_a_conflict(backend: Backend) {
        let s = street(backend).await;
        let post_id = s.request(&s.ben, "Water the plants").await;
        let cara_claims = mutation(claim(&post_id));
        assert_eq!(
            s.db.apply(&s.cara, &cara_claims).await,
            Ok(Outcome::Applied)
        );
        let before = snapshot(&s).await;

        // Another person's id must never hand back (or replay) someone else's outcome.
        let same_id = Mutation {
            kind: reply(&post_id, "Me too"),
            ..cara_claims.clone()
        };
        let result = s.db.apply(&s.dev, &same_id).await;
        assert!(matches!(result, Err(AppError::Refused(ref r)) if r.status() == 409), "{result:?}");
        let result = s.db.apply(&s.dev, &cara_claims).await;
        assert!(matches!(result, Err(AppError::Refused(ref r)) if r.status() == 409), "{result:?}");
        assert_eq!(snapshot(&s).await, before);
    }
}

on_both_backends! {
    async fn invalid_mutations_are_refused_by_field_and_store_nothing(backend: Backend) {
        let s = street(backend).await;
        let post = |title: &str| s.new_post(PostKind::Request, Category::Other, title);
        let mut long = post("Long story");
        if let MutationKind::CreatePost { details, .. } = &mut long {
            *details = "x".repeat(10_000);
        }
        let bad_id = Mutation {
            id: "1; DROP TABLE posts".into(),
            ..mutation(post("Fine"))
        };
        let cases = [
            (bad_id, "id", "reload"),
            (mutation(post("")), "title", "at least 3"),
            (mutation(long), "details", "(it has 10,000)"),
            (mutation(reply(&PostId::new(), "   ")), "body", "empty"),
            (mutation(claim(&"not-a-post-id".into())), "post_id", "reload"),
        ];
        for (m, field, expected) in cases {
            match s.db.apply(&s.ben, &m).await {
                Err(AppError::Invalid(errors)) => {
                    let message = errors.get(field).unwrap_or_else(|| panic!("{errors:?}"));
                    assert!(message.contains(expected), "{field}: {message}");
                }
                other => panic!("{field}: expected Invalid, got {other:?}"),
            }
            assert!(
                !is_recorded(&s.db, &m).await,
                "{field}: invalid, yet recorded"
            );
        }
        assert_eq!(snapshot(&s).await, (0, 0, 0, 0), "nothing stored");
    }
}

on_both_backends! {
    async fn a_mutation_for_a_board_you_are_not_on_is_refused_and_not_recorded(backend: Backend) {
        let s = street(backend).await;
        let post_id = s.request(&s.ben, "Feed the cat").await;
        let stranger = person(&s.db, "Stranger").await;
        let before = snapshot(&s).await;

        let create = mutation(s.new_post(PostKind::Offer, Category::Other, "Cheap loans"));
        let result = s.db.apply(&stranger, &create).await;
        assert!(matches!(result, Err(AppError::Refused(ref r)) if r.status() == 403), "{result:?}");
        let claim_it = mutation(claim(&post_id));
        let result = s.db.apply(&stranger, &claim_it).await;
        assert!(story::is_refused(&result), "{result:?}");
        assert!(!is_recorded(&s.db, &create).await && !is_recorded(&s.db, &claim_it).await);
        assert_eq!(snapshot(&s).await, before);

        // Because a refusal is not recorded, the same mutation works once they are allowed:
        // a write sent before the invite was accepted is not refused forever.
        join(&s.db, &s.asha, &s.board, &stranger, "").await;
        assert_eq!(s.db.apply(&stranger, &create).await, Ok(Outcome::Applied));
    }
}
