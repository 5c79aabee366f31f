//! Re-checking every live stream of a board at once (`Db::stream_access`): each session asked
//! about is answered as a member, no longer a member, or signed out, the same as checking it on
//! its own would say, however many sessions are asked (they go in several queries).

use std::collections::HashSet;

use store::{
    on_both_backends, session_key,
    story::{elm_road, join, sign_up},
    testing, StreamAccess,
};

on_both_backends! {
    async fn each_session_is_answered_as_checking_it_alone_would(backend: Backend) {
        let db = testing::fresh_db(backend).await;
        let (asha, asha_token) = sign_up(&db, "Asha").await;
        let (ben, ben_token) = sign_up(&db, "Ben").await;
        let (cara, cara_token) = sign_up(&db, "Cara").await;
        let (_dev, dev_token) = sign_up(&db, "Dev").await;
        let board = elm_road(&db, &asha, "1").await;
        join(&db, &asha, &board, &ben, "2").await;
        join(&db, &asha, &board, &cara, "3").await;
        // Cara leaves the board; Ben signs out; Dev never joined.
        db.leave_board(&cara, &board.slug).await.expect("leave");
        db.sign_out(&ben_token).await.expect("sign out");

        // Past one query's worth of sessions, with sessions nobody holds among them.
        let mut keys: HashSet<String> =
            (0..1_200).map(|n| session_key(&format!("nobody's token {n}"))).collect();
        for token in [&asha_token, &ben_token, &cara_token, &dev_token] {
            keys.insert(session_key(token));
        }
        let access = db.stream_access(&board.id, &keys).await.expect("checked");

        assert_eq!(access.len(), keys.len(), "every session asked about is answered");
        assert_eq!(access[&session_key(&asha_token)], StreamAccess::Member);
        assert_eq!(access[&session_key(&ben_token)], StreamAccess::SignedOut);
        assert_eq!(access[&session_key(&cara_token)], StreamAccess::NotAMember);
        assert_eq!(access[&session_key(&dev_token)], StreamAccess::NotAMember);
        let signed_out = access.values().filter(|a| **a == StreamAccess::SignedOut).count();
        assert_eq!(signed_out, 1_201, "the made-up sessions and Ben's");

        // The same as each alone: a current session is one `viewer` finds.
        for token in [&asha_token, &cara_token, &dev_token] {
            assert!(db.viewer(token).await.expect("viewer").is_some());
        }
        assert!(db.viewer(&ben_token).await.expect("viewer").is_none());
    }
}
