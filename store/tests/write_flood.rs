//! A member cannot flood the board (issue 11, item 8): writes are limited per member per minute
//! (a repeat of a recorded write is free, so a phone resending never loses anything), a post
//! takes at most `REPLIES_PER_POST_MAX` replies, and a pull carries each post's newest
//! `PULL_REPLIES` replies with the count of all of them.

use model::{
    refusal::Refusal, sync::wire::PULL_REPLIES, validate::REPLIES_PER_POST_MAX, AppError, Outcome,
};
use store::on_both_backends;
use store::story::{mutation, reply, street};

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
        // A push with the held write in it fails as a whole (the phone keeps it and sends it
        // again later), the writes before it answered next time from the record.
        let pushed = s.db.push(&s.ben, &[first, fourth]).await;
        assert!(matches!(pushed, Err(AppError::TooManyAttempts { .. })), "{pushed:?}");
    }
}

on_both_backends! {
    async fn a_post_takes_so_many_replies_and_a_pull_carries_the_newest(backend: Backend) {
        let mut s = street(backend).await;
        s.db = s.db.clone().with_writes_per_minute(1_000);
        let post_id = s.request(&s.ben, "Street party?").await;
        for n in 0..REPLIES_PER_POST_MAX {
            s.applies(&s.cara, reply(&post_id, &format!("Reply {n}"))).await;
        }
        let before = s.last_seq().await;
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
    }
}
