//! The board page without JavaScript: the newest 50 posts, and "Show more" as a plain link to
//! the same page with 50 more, keeping the filters; no link once everything is shown.

mod support;

use axum::http::{header, Request};
use model::{Category, PostKind};
use store::{on_both_backends, story, testing};
use support::{app_on, body_text, default_config, elm_road, send, sign_up, with_session};

fn page(path: &str, token: &str) -> Request<axum::body::Body> {
    with_session(Request::get(path), Some(token))
        .header(header::ACCEPT, "text/html")
        .body(axum::body::Body::empty())
        .expect("request")
}

/// The posts' cards on a rendered board page.
fn cards(html: &str) -> usize {
    html.matches("<article class=\"post-card").count()
}

/// The "Show more" link's target, if the page has one.
fn show_more(html: &str) -> Option<String> {
    let at = html.find(">Show more<")?;
    let start = html[..at].rfind("href=\"")? + "href=\"".len();
    let end = start + html[start..].find('"')?;
    Some(html[start..end].replace("&amp;", "&"))
}

on_both_backends! {
    async fn show_more_is_a_plain_link_that_keeps_the_filters(backend: Backend) {
        let db = testing::fresh_db(backend).await.with_writes_per_minute(1_000);
        let app = app_on(db.clone(), &default_config());
        let (ben, _) = sign_up(&db, "Ben").await;
        let board = elm_road(&db, &ben, "12").await;
        let (dev, dev_token) = sign_up(&db, "Dev").await;
        story::join(&db, &ben, &board, &dev, "5").await;
        // 60 requests and 5 offers.
        for n in 0..65 {
            let kind = if n < 60 { PostKind::Request } else { PostKind::Offer };
            let create = story::new_post(&board.id, kind, Category::Shopping, &format!("Post {n}"));
            story::act(&db, &ben, create).await.expect("post");
        }
        let slug = &board.slug;

        let first = body_text(send(&app, page(&format!("/b/{slug}"), &dev_token)).await).await;
        assert_eq!(cards(&first), 50);
        let more = show_more(&first).expect("a Show more link");
        assert!(more.ends_with("?show=100"), "{more}");
        let all = body_text(send(&app, page(&format!("/b/{slug}?show=100"), &dev_token)).await).await;
        assert_eq!(cards(&all), 65);
        assert_eq!(show_more(&all), None, "everything is shown");

        let requests = format!("/b/{slug}?kind=request");
        let first = body_text(send(&app, page(&requests, &dev_token)).await).await;
        assert_eq!(cards(&first), 50);
        let more = show_more(&first).expect("a Show more link");
        assert!(more.ends_with("?kind=request&show=100"), "{more}");
        let rest = body_text(send(&app, page(&format!("{requests}&show=100"), &dev_token)).await).await;
        assert_eq!(cards(&rest), 60);
        assert_eq!(show_more(&rest), None);

        // A hand-edited count shows whole pages, never an error.
        let odd = body_text(send(&app, page(&format!("/b/{slug}?show=lots"), &dev_token)).await).await;
        assert_eq!(cards(&odd), 50);
    }
}
