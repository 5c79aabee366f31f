//! A board page shows its newest 50 posts, pinned ones first, and says when there are more;
//! each "Show more" adds 50, with the filters kept (issue 12, item 5).

use model::{
    posts_shown::PostsShown,
    views::{BoardFilter, BoardPage},
    Category, PostKind,
};
use store::on_both_backends;
use store::story::{pin, street, Street};

async fn page(s: &Street, filter: &BoardFilter, show: &str) -> BoardPage {
    s.db.board_page_showing(
        &s.dev,
        &s.board.slug,
        filter,
        PostsShown::from_query(Some(show)),
    )
    .await
    .expect("board page")
}

fn titles(page: &BoardPage) -> Vec<String> {
    page.posts.iter().map(|card| card.title.clone()).collect()
}

on_both_backends! {
    async fn a_board_shows_fifty_posts_at_a_time_pinned_first(backend: Backend) {
        let mut s = street(backend).await;
        s.db = s.db.clone().with_writes_per_minute(1_000);
        // 120 posts: first an organiser's notice, pinned; then every third an offer, the rest
        // requests.
        let notice = s.post(&s.asha, PostKind::Notice, Category::Other, "Post 000").await;
        s.applies(&s.asha, pin(&notice)).await;
        for n in 1..120 {
            let kind = if n % 3 == 0 { PostKind::Offer } else { PostKind::Request };
            s.post(&s.ben, kind, Category::Shopping, &format!("Post {n:03}")).await;
        }
        let everything = page(&s, &BoardFilter::default(), "1000").await;
        assert_eq!(everything.posts.len(), 120);
        assert!(!everything.more);
        assert_eq!(everything.posts[0].title, "Post 000", "pinned first");

        let first = s.db.board_page(&s.dev, &s.board.slug, &BoardFilter::default()).await.expect("page");
        assert_eq!(titles(&first), titles(&everything)[..50]);
        assert!(first.more);
        let second = page(&s, &BoardFilter::default(), "100").await;
        assert_eq!(titles(&second), titles(&everything)[..100]);
        assert!(second.more);
        let third = page(&s, &BoardFilter::default(), "150").await;
        assert_eq!(titles(&third), titles(&everything));
        assert!(!third.more, "nothing left to show");

        // Filters hold across pages: 39 offers fit on the first page.
        let offers = BoardFilter { kind: Some(PostKind::Offer), ..BoardFilter::default() };
        let offered = page(&s, &offers, "50").await;
        assert_eq!(offered.posts.len(), 39);
        assert!(!offered.more);
        assert!(offered.posts.iter().all(|card| card.kind == PostKind::Offer));
        let requests = BoardFilter { kind: Some(PostKind::Request), ..BoardFilter::default() };
        let asked = page(&s, &requests, "50").await;
        assert_eq!(asked.posts.len(), 50);
        assert!(asked.more, "80 requests: 30 more");
    }
}
