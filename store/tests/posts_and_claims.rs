//! Posts and claims, the street board's main flow: asking, helping, offering, replying,
//! withdrawing, releasing and expiry, and who gets to see a neighbour's house number.

use std::time::Duration;

use model::refusal::{PostAction, Refusal};
use model::{
    views::{BoardFilter, ContactDetails, Profile},
    AppError, Category, Outcome, PostKind, PostStatus,
};
use store::on_both_backends;
use store::story::{
    self, act, backdate_expiry, claim, expiring, mark_done, new_post, pin, release, reply,
    share_details, street, withdraw,
};

/// Posts are ordered by creation time in milliseconds; a short pause keeps two posts made
/// back to back from sharing a millisecond, so "newest first" has one right answer.
async fn tick() {
    tokio::time::sleep(Duration::from_millis(3)).await;
}

fn only(status: PostStatus) -> BoardFilter {
    BoardFilter {
        status: Some(status),
        ..BoardFilter::default()
    }
}

on_both_backends! {
    async fn only_the_helper_of_an_active_claim_sees_where_to_go(backend: Backend) {
        let s = street(backend).await;
        let phone = "07700 900123".to_string();
        let profile = Profile {
            display_name: "Ben".into(),
            phone: phone.clone(),
            email: "".into(),
        };
        s.db.update_profile(&s.ben, profile)
            .await
            .expect("Ben adds his phone");
        let post_id = s.request(&s.ben, "Milk and bread, please").await;
        s.applies(&s.cara, claim(&post_id)).await;
        s.applies(&s.ben, share_details(&post_id, &s.cara)).await;

        // Ben sees who is coming, but his own address is no news to him.
        let for_ben = s.detail(&s.ben, &post_id).await;
        assert_eq!(for_ben.card.status, PostStatus::Claimed);
        assert_eq!(for_ben.card.claimed_by_name.as_deref(), Some("Cara"));
        assert_eq!(for_ben.contact, None);

        // Cara, who is helping, gets where to go and how to reach him.
        let expected = ContactDetails {
            name: "Ben".into(),
            phone: Some(phone),
            email: None,
            street: "Elm Road".into(),
            house_number: Some("12".into()),
        };
        assert_eq!(s.detail(&s.cara, &post_id).await.contact, Some(expected));

        // Everyone else, the organiser included, sees the street only.
        for other in [&s.dev, &s.asha] {
            let seen = s.detail(other, &post_id).await;
            assert_eq!(
                seen.contact, None,
                "{} sees Ben's address",
                other.display_name
            );
            assert_eq!(seen.card.street, "Elm Road");
            // Who is helping is public, so nobody else sets off too.
            assert_eq!(seen.card.claimed_by_name.as_deref(), Some("Cara"));
        }

        // Once the help has happened the address is not needed, so it is not shown.
        s.applies(&s.cara, mark_done(&post_id)).await;
        let after = s.detail(&s.cara, &post_id).await;
        assert_eq!(after.card.status, PostStatus::Done);
        assert_eq!(after.contact, None);
    }
}

on_both_backends! {
    async fn the_board_shows_pinned_notices_first_then_newest_and_filters(backend: Backend) {
        let s = street(backend).await;
        let notice = s
            .post(
                &s.asha,
                PostKind::Notice,
                Category::Other,
                "Party on Sunday",
            )
            .await;
        tick().await;
        let shopping = s.request(&s.ben, "Shopping on Friday").await;
        tick().await;
        s.post(
            &s.ben,
            PostKind::Request,
            Category::Lifts,
            "Lift to the clinic",
        )
        .await;
        tick().await;
        s.post(&s.cara, PostKind::Offer, Category::Meals, "Spare soup")
            .await;
        tick().await;
        let ladder = s
            .post(&s.cara, PostKind::Offer, Category::Lending, "Ladder")
            .await;

        s.applies(&s.asha, pin(&notice)).await;
        s.applies(&s.cara, claim(&shopping)).await;
        s.applies(&s.cara, withdraw(&ladder)).await;

        // The oldest post is on top because it is pinned; the rest are newest first; the
        // withdrawn offer is not shown by default (open and claimed posts only).
        let all = s.titles(&s.ben, BoardFilter::default()).await;
        let expected = [
            "Party on Sunday",
            "Spare soup",
            "Lift to the clinic",
            "Shopping on Friday",
        ];
        assert_eq!(all, expected);
        let filter = BoardFilter::default();
        let page =
            s.db.board_page(&s.ben, &s.board.slug, &filter)
                .await
                .expect("page");
        assert!(page.posts[0].pinned && page.posts[1..].iter().all(|card| !card.pinned));

        let offers = BoardFilter {
            kind: Some(PostKind::Offer),
            ..BoardFilter::default()
        };
        assert_eq!(s.titles(&s.ben, offers).await, ["Spare soup"]);
        let lifts = BoardFilter {
            category: Some(Category::Lifts),
            ..BoardFilter::default()
        };
        assert_eq!(s.titles(&s.ben, lifts).await, ["Lift to the clinic"]);
        assert_eq!(
            s.titles(&s.ben, only(PostStatus::Claimed)).await,
            ["Shopping on Friday"]
        );
        assert_eq!(
            s.titles(&s.ben, only(PostStatus::Withdrawn)).await,
            ["Ladder"]
        );
        let open_requests = BoardFilter {
            kind: Some(PostKind::Request),
            ..only(PostStatus::Open)
        };
        assert_eq!(
            s.titles(&s.ben, open_requests).await,
            ["Lift to the clinic"]
        );
    }
}

on_both_backends! {
    async fn an_offer_taken_up_shows_the_taker_to_the_one_offering(backend: Backend) {
        let s = street(backend).await;
        let offer = s
            .post(&s.cara, PostKind::Offer, Category::Meals, "Spare lasagne")
            .await;
        s.applies(&s.ben, claim(&offer)).await;
        assert_eq!(
            s.detail(&s.cara, &offer).await.contact,
            None,
            "nothing until Ben agrees"
        );
        s.applies(&s.ben, share_details(&offer, &s.ben)).await;

        // With an offer it is the author who helps, so the author is told where to go.
        let for_cara = s.detail(&s.cara, &offer).await;
        assert_eq!(for_cara.card.claimed_by_name.as_deref(), Some("Ben"));
        let contact = for_cara
            .contact
            .expect("Cara is delivering, so sees Ben's address");
        assert_eq!(
            (contact.name.as_str(), contact.house_number.as_deref()),
            ("Ben", Some("12"))
        );
        // Ben is the one being helped: Cara's house number stays hers.
        assert_eq!(s.detail(&s.ben, &offer).await.contact, None);
    }
}

on_both_backends! {
    async fn replies_appear_in_the_order_they_were_sent(backend: Backend) {
        let s = street(backend).await;
        let post_id = s.request(&s.ben, "Anyone got a drill?").await;
        let thread = [
            (&s.cara, "I have one"),
            (&s.dev, "Mine broke"),
            (&s.ben, "Thanks Cara!"),
        ];
        for (who, body) in thread {
            s.applies(who, reply(&post_id, body)).await;
            tick().await;
        }
        let page = s.detail(&s.dev, &post_id).await;
        let shown: Vec<(&str, &str)> = page
            .replies
            .iter()
            .map(|r| (r.author_name.as_str(), r.body.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("Cara", "I have one"),
                ("Dev", "Mine broke"),
                ("Ben", "Thanks Cara!")
            ]
        );
        assert_eq!(page.card.reply_count, 3);
    }
}

on_both_backends! {
    async fn withdrawing_and_releasing_follow_who_is_involved(backend: Backend) {
        let s = street(backend).await;
        let bins = s.request(&s.ben, "Bins out on Tuesday").await;
        let by_dev = s.act(&s.dev, withdraw(&bins)).await;
        assert!(
            matches!(by_dev, Err(AppError::Refused(ref r)) if r.status() == 403),
            "not Dev's post: {by_dev:?}"
        );
        s.applies(&s.ben, withdraw(&bins)).await;
        assert_eq!(
            s.detail(&s.ben, &bins).await.card.status,
            PostStatus::Withdrawn
        );

        // Either side of a claim can let it go, and the request is open for someone else.
        let chemist = s.request(&s.ben, "Prescription from the chemist").await;
        for releaser in [&s.ben, &s.cara] {
            s.applies(&s.cara, claim(&chemist)).await;
            s.applies(releaser, release(&chemist)).await;
            let card = s.detail(&s.dev, &chemist).await.card;
            assert_eq!(
                (card.status, card.claimed_by_name),
                (PostStatus::Open, None)
            );
        }
        s.applies(&s.dev, claim(&chemist)).await;

        // Notices speak for the board, so only organisers post them.
        let notice = s.new_post(PostKind::Notice, Category::Other, "Road closed Monday");
        let refused = s.act(&s.dev, notice).await;
        assert!(
            matches!(refused, Err(AppError::Refused(ref r)) if r.status() == 403),
            "{refused:?}"
        );
        assert_eq!(story::count(&s.db, "posts").await, 2);
    }
}

on_both_backends! {
    async fn an_expired_post_reads_as_expired_and_cannot_be_claimed(backend: Backend) {
        let s = street(backend).await;
        let create = expiring(s.new_post(PostKind::Request, Category::Pets, "Walk my dog tomorrow"), 1);
        let post_id = create.post_id().cloned().expect("a new post's id");
        s.applies(&s.ben, create).await;
        let card = s.detail(&s.ben, &post_id).await.card;
        let expires = card.expires_at_ms.expect("an expiry was asked for");
        assert_eq!(
            expires - card.created_at_ms,
            24 * 3600 * 1000,
            "a day after posting"
        );

        backdate_expiry(&s.db, &post_id).await;

        assert_eq!(
            s.detail(&s.ben, &post_id).await.card.status,
            PostStatus::Expired
        );
        let default = s.titles(&s.ben, BoardFilter::default()).await;
        assert!(default.is_empty(), "hidden by default: {default:?}");
        assert_eq!(
            s.titles(&s.ben, only(PostStatus::Expired)).await,
            ["Walk my dog tomorrow"]
        );
        match s.act(&s.cara, claim(&post_id)).await {
            Ok(Outcome::Rejected { reason }) => assert_eq!(
                reason,
                Refusal::NotNow { action: PostAction::Claim, status: PostStatus::Expired }
            ),
            other => panic!("an expired request cannot be claimed: {other:?}"),
        }
    }
}

on_both_backends! {
    async fn my_activity_lists_my_posts_and_what_i_have_taken_on(backend: Backend) {
        let s = street(backend).await;
        let request = new_post(&s.board.id, PostKind::Request, Category::Meals, "Soup for a poorly neighbour");
        let post_id = request.post_id().cloned().expect("a new post's id");
        act(&s.db, &s.ben, request).await.expect("post");
        act(&s.db, &s.cara, claim(&post_id)).await.expect("claim");

        let (bens, ben_helping) = s.db.my_activity(&s.ben).await.expect("activity");
        assert_eq!(bens.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), [post_id.as_str()]);
        assert!(ben_helping.is_empty());
        let (caras, cara_helping) = s.db.my_activity(&s.cara).await.expect("activity");
        assert!(caras.is_empty());
        assert_eq!(cara_helping[0].id, post_id);
        // Leaving the board takes its posts out of "my activity".
        s.db.leave_board(&s.cara, &s.board.slug).await.expect("leave");
        assert!(s.db.my_activity(&s.cara).await.expect("activity").1.is_empty());
    }
}
