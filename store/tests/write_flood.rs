//! A member cannot flood the board (issue 11, item 8): writes are limited per member per minute
//! (a repeat of a recorded write is free, so a phone resending never loses anything), a post
//! takes at most `REPLIES_PER_POST_MAX` replies, and a pull carries each post's newest
//! `PULL_REPLIES` replies with the count of all of them.

use model::{
    refusal::Refusal,
    sync::wire::PULL_REPLIES,
    validate::{REPLIES_PER_MEMBER_MAX, REPLIES_PER_POST_MAX},
    AppError, Outcome,
};
use store::on_both_backends;
use store::story::{claim, join, mutation, person, reply, street};

on_both_backends! {
    async fn writes_are_limited_per_member_per_minute_and_repeats_are_free(backend: Backend) {
        let mut s = street(backend).await;
        s.db = s.db.clone().with_writes_per_minute(3);
        let post_id = s.request(&s.ben, "Milk").await;
        let first = mutation(reply(&post_id, "Thanks all"));
        assert_eq!(s.db.apply(&s.ben, &first).await, Ok(Outcome::Applied));
        s.applies(&s.ben, reply(&post_id, "Still need it")).await;
        // The fourth new write in a minute waits, told for how long; nothing is recorded.
        let before = s.last_seq().await;
        let fourth = mutation(reply(&post_id, "Anyone?"));
        let Err(AppError::TooManyAttempts { retry_after_secs }) = s.db.apply(&s.ben, &fourth).await
        else {
            panic!("a fourth write in a minute is held back");
        };
        assert!((1..=60).contains(&retry_after_secs), "{retry_after_secs}");
        assert_eq!(s.last_seq().await, before);
        // A phone sending a recorded write again is answered as before, not held back.
        assert_eq!(s.db.apply(&s.ben, &first).await, Ok(Outcome::Applied));
        // Another member is not held back by Ben.
        s.applies(&s.cara, reply(&post_id, "On my way")).await;
        // A push fails as a whole at the first held write; a new write before it in the
        // batch is applied and recorded. Sent again once the minute has passed (here: a server
        // allowing more), that write is answered from the record, not made twice.
        s.db = s.db.clone().with_writes_per_minute(4);
        let third = mutation(reply(&post_id, "Bread too, please"));
        let fifth = mutation(reply(&post_id, "And milk"));
        let batch = [third.clone(), fifth.clone()];
        let pushed = s.db.push(&s.ben, &batch).await;
        assert!(matches!(pushed, Err(AppError::TooManyAttempts { .. })), "{pushed:?}");
        s.db = s.db.clone().with_writes_per_minute(10);
        let again = s.db.push(&s.ben, &batch).await.expect("pushed");
        assert!(again.iter().all(|r| r.outcome == Outcome::Applied), "{again:?}");
        let bodies: Vec<String> = s.detail(&s.ben, &post_id).await.replies.into_iter().map(|r| r.body).collect();
        assert_eq!(
            bodies.iter().filter(|b| *b == "Bread too, please").count(),
            1,
            "once: {bodies:?}"
        );
    }
}

on_both_backends! {
    async fn a_post_takes_so_many_replies_and_a_pull_carries_the_newest(backend: Backend) {
        let mut s = street(backend).await;
        s.db = s.db.clone().with_writes_per_minute(1_000);
        let post_id = s.request(&s.ben, "Street party?").await;
        // Neighbours reply, each as much as one neighbour may.
        let per_member = REPLIES_PER_MEMBER_MAX as usize;
        let mut neighbours = Vec::new();
        for n in 0..(REPLIES_PER_POST_MAX as usize).div_ceil(per_member) {
            let who = person(&s.db, &format!("Neighbour {n}")).await;
            join(&s.db, &s.asha, &s.board, &who, "1").await;
            neighbours.push(who);
        }
        let mut made = 0;
        for (n, who) in neighbours.iter().enumerate() {
            for _ in 0..per_member {
                if made < REPLIES_PER_POST_MAX {
                    s.applies(who, reply(&post_id, &format!("Reply {made}"))).await;
                    made += 1;
                }
            }
            if n == 0 {
                // One neighbour cannot fill a post alone: the first is at their share.
                assert_eq!(
                    s.act(who, reply(&post_id, "And another thing")).await,
                    Ok(Outcome::Rejected {
                        reason: Refusal::YourRepliesFull {
                            most: REPLIES_PER_MEMBER_MAX
                        }
                    })
                );
            }
        }
        let before = s.last_seq().await;
        // The post is full for the street...
        assert_eq!(
            s.act(&s.dev, reply(&post_id, "One more")).await,
            Ok(Outcome::Rejected {
                reason: Refusal::RepliesFull {
                    most: REPLIES_PER_POST_MAX
                }
            })
        );
        assert_eq!(s.last_seq().await, before, "nothing changed");

        // The post's page has them all; a phone's pull only the newest, oldest first.
        let all = s.detail(&s.dev, &post_id).await.replies;
        assert_eq!(all.len() as i64, REPLIES_PER_POST_MAX);
        let pulled = s.db.pull(&s.dev, &s.board.id, 0).await.expect("pull");
        let post = pulled.posts.iter().find(|p| p.card.id == post_id).expect("the post");
        assert_eq!(post.card.reply_count, REPLIES_PER_POST_MAX);
        let newest = &all[all.len() - PULL_REPLIES as usize..];
        assert_eq!(post.replies, newest);

        // ...but not for the two it is between: Ben and whoever helps can still talk.
        s.applies(&s.ben, reply(&post_id, "Thanks everyone! Cara, can you help set up?")).await;
        s.applies(&s.cara, claim(&post_id)).await;
        s.applies(&s.cara, reply(&post_id, "Yes, from 10")).await;
    }
}
