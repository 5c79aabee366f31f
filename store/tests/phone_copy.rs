//! The phone's copy of a board lists what the server lists. A board with a post of every kind
//! and in every state (pinned, claimed, done, withdrawn, expired, hidden, removed, replied to)
//! is pulled into a `LocalBoard` page by page, as the sync engine does, and for every filter
//! and every member the copy's cards equal the server's board page. The two listings are
//! written twice (SQL, and Rust for offline); this is what ties them together. And a pull that
//! finds nothing new, answered from the board's number alone, still misses nothing.

use model::{
    ids::now_ms,
    sync::local::LocalBoard,
    views::{BoardFilter, Viewer},
    Category, PostKind, PostStatus,
};
use store::on_both_backends;
use store::story::{
    backdate_expiry, claim, expiring, hide, mark_done, pin, remove, reply, street, withdraw, Street,
};

/// Every filter a board page can be asked for: each kind, category and status, or any.
fn every_filter() -> Vec<BoardFilter> {
    let kinds = std::iter::once(None).chain(PostKind::ALL.iter().copied().map(Some));
    let mut filters = Vec::new();
    for kind in kinds {
        let categories = std::iter::once(None).chain(Category::ALL.iter().copied().map(Some));
        for category in categories {
            let statuses = std::iter::once(None).chain(PostStatus::ALL.iter().copied().map(Some));
            for status in statuses {
                filters.push(BoardFilter {
                    kind,
                    category,
                    status,
                });
            }
        }
    }
    filters
}

/// A board with something of everything on it.
async fn busy_board(s: &Street) {
    let open = s.request(&s.ben, "Milk and bread").await;
    s.applies(&s.dev, reply(&open, "I pass the shop at six"))
        .await;
    let claimed = s.request(&s.ben, "Lift to the surgery").await;
    s.applies(&s.cara, claim(&claimed)).await;
    let done = s
        .post(
            &s.dev,
            PostKind::Request,
            Category::OddJobs,
            "Move a wardrobe",
        )
        .await;
    s.applies(&s.cara, claim(&done)).await;
    s.applies(&s.dev, mark_done(&done)).await;
    let withdrawn = s.request(&s.cara, "Stamps").await;
    s.applies(&s.cara, withdraw(&withdrawn)).await;
    let offer = s
        .post(
            &s.cara,
            PostKind::Offer,
            Category::Lending,
            "Spare tomato plants",
        )
        .await;
    s.applies(&s.ben, claim(&offer)).await;
    let notice = s
        .post(
            &s.asha,
            PostKind::Notice,
            Category::Other,
            "Bins out on Tuesday",
        )
        .await;
    s.applies(&s.asha, pin(&notice)).await;
    let hidden = s
        .post(&s.dev, PostKind::Offer, Category::Other, "Cheap watches")
        .await;
    s.applies(&s.asha, hide(&hidden, "An advert")).await;
    let removed = s.request(&s.dev, "Something unkind").await;
    s.applies(&s.asha, remove(&removed)).await;
    let create = expiring(
        s.new_post(PostKind::Request, Category::Shopping, "Walk my dog"),
        1,
    );
    let expired = create.post_id().cloned().expect("a new post's id");
    s.applies(&s.ben, create).await;
    backdate_expiry(&s.db, &expired).await;
}

/// The board as `who`'s phone keeps it after pulling from the start, a page at a time.
async fn pulled_copy(s: &Street, who: &Viewer) -> LocalBoard {
    let headers = s.db.board_headers(who).await.expect("their boards");
    let header = headers
        .into_iter()
        .find(|h| h.board.id == s.board.id)
        .expect("on the board");
    let mut copy = LocalBoard::new(header);
    loop {
        let page =
            s.db.pull(who, &s.board.id, copy.cursor)
                .await
                .expect("pull");
        let more = page.more;
        copy.apply_pull(page, now_ms());
        if !more {
            return copy;
        }
    }
}

on_both_backends! {
    async fn a_pulled_copy_lists_what_the_server_lists_for_every_filter(backend: Backend) {
        let s = street(backend).await;
        busy_board(&s).await;
        let filters = every_filter();
        for who in [&s.asha, &s.ben, &s.cara, &s.dev] {
            let copy = pulled_copy(&s, who).await;
            let now = now_ms();
            let mut seen = 0;
            for filter in &filters {
                let server = s.db.board_page(who, &s.board.slug, filter).await.expect("board page");
                let phone = copy.cards(filter, now);
                assert_eq!(phone, server.posts, "{} with {filter:?}", who.display_name);
                seen += phone.len();
            }
            assert!(seen > 0, "the filters found posts");
        }
        // Organisers see the hidden post; neighbours do not, on the phone as on the server.
        let hidden_for = |copy: &LocalBoard| copy.posts.iter().any(|p| p.card.hidden);
        assert!(hidden_for(&pulled_copy(&s, &s.asha).await));
        assert!(!hidden_for(&pulled_copy(&s, &s.cara).await));
    }
}

on_both_backends! {
    async fn a_pull_with_nothing_new_answers_from_the_boards_number_and_still_only_members(backend: Backend) {
        let s = street(backend).await;
        let first = s.request(&s.ben, "Milk, please").await;
        let second = s.request(&s.cara, "A lift on Thursday").await;
        let all = s.db.pull(&s.dev, &s.board.id, 0).await.expect("pull");
        assert_eq!(all.posts.len(), 2);

        // Up to date: nothing, the same cursor, no more to come.
        let nothing = s.db.pull(&s.dev, &s.board.id, all.cursor).await.expect("pull");
        assert!(nothing.posts.is_empty() && nothing.removed.is_empty() && !nothing.more);
        assert_eq!(nothing.cursor, all.cursor);
        // One behind: the last change, so the shortcut never hides one.
        let last = s.db.pull(&s.dev, &s.board.id, all.cursor - 1).await.expect("pull");
        let ids: Vec<_> = last.posts.iter().map(|p| p.card.id.clone()).collect();
        assert_eq!(ids, [second]);
        assert_ne!(ids[0], first);

        // Someone who is not a member learns nothing, not even that nothing changed.
        let stranger = store::story::person(&s.db, "Esme").await;
        let refused = s.db.pull(&stranger, &s.board.id, all.cursor).await;
        assert!(matches!(refused, Err(model::AppError::Refused(_))), "{refused:?}");
    }
}
