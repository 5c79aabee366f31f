//! Contact details go to a helper only when the person whose details they are agrees (issue
//! 11, item 1): claiming shows nothing until then, handing back ends the agreement, a member
//! can claim and hand back only so often in a day, and organisers see each step in the log.

use model::refusal::{PostAction, Refusal};
use model::{
    moderation::AuditAction,
    views::{Profile, Viewer},
    Category, Outcome, PostKind, PostStatus,
};
use store::on_both_backends;
use store::story::{claim, new_post, release, share_details, street, Street};

/// Ben's phone number, so there is something to harvest.
async fn ben_gives_his_phone(s: &Street) {
    let profile = Profile {
        display_name: "Ben".into(),
        phone: "07700 900123".into(),
        email: "".into(),
    };
    s.db.update_profile(&s.ben, profile).await.expect("profile");
}

/// Whether `who` sees how to reach someone on the post.
async fn sees_contact(s: &Street, who: &Viewer, post_id: &model::ids::PostId) -> bool {
    s.detail(who, post_id).await.contact.is_some()
}

/// The board's log as (who, what), oldest first.
async fn log(s: &Street) -> Vec<(String, AuditAction)> {
    let page =
        s.db.moderation_page(&s.asha, &s.board.slug)
            .await
            .expect("page");
    let mut log: Vec<_> = page
        .log
        .into_iter()
        .map(|entry| (entry.actor_name, entry.action))
        .collect();
    log.reverse();
    log
}

on_both_backends! {
    async fn claiming_and_handing_back_harvests_nothing(backend: Backend) {
        let s = street(backend).await;
        ben_gives_his_phone(&s).await;
        let post_id = s.request(&s.ben, "Milk, please").await;

        // The attack the issue describes: claim, read, hand back. Nothing to read.
        s.applies(&s.cara, claim(&post_id)).await;
        let waiting = s.detail(&s.cara, &post_id).await;
        assert_eq!(waiting.contact, None, "claiming alone shows nothing");
        assert!(!waiting.card.details_shared, "Cara waits for Ben to accept");
        assert!(waiting.permissions.is_claimant && !waiting.permissions.can_share_details);
        s.applies(&s.cara, release(&post_id)).await;

        // Ben is told that Cara handed it back.
        let for_ben = s.detail(&s.ben, &post_id).await;
        assert_eq!(for_ben.card.status, PostStatus::Open);
        assert_eq!(for_ben.card.handed_back_by_name.as_deref(), Some("Cara"));
        // Only Ben: the rest of the street learns nothing of who handed back, on the post's
        // page, the board or their phone's copy.
        assert_eq!(s.detail(&s.dev, &post_id).await.card.handed_back_by_name, None);
        let board = s.db.board_page(&s.dev, &s.board.slug, &Default::default()).await;
        let on_board = board.expect("board").posts.into_iter().find(|c| c.id == post_id);
        assert_eq!(on_board.expect("listed").handed_back_by_name, None);
        let pulled = s.db.pull(&s.dev, &s.board.id, 0).await.expect("pull");
        assert!(pulled.posts.iter().all(|p| p.card.handed_back_by_name.is_none()));
        let for_ben_pulled = s.db.pull(&s.ben, &s.board.id, 0).await.expect("pull");
        let mine = for_ben_pulled.posts.iter().find(|p| p.card.id == post_id).expect("pulled");
        assert_eq!(mine.card.handed_back_by_name.as_deref(), Some("Cara"));

        // Dev takes it on next: Ben's earlier agreement, had there been one, is not carried
        // over; and the hand-back note goes once someone is helping again.
        s.applies(&s.dev, claim(&post_id)).await;
        let card = s.detail(&s.ben, &post_id).await.card;
        assert_eq!(card.handed_back_by_name, None);
        assert!(!card.details_shared);
        assert!(s.detail(&s.ben, &post_id).await.permissions.can_share_details);

        // An agreement Ben made on Cara's claim (kept offline, or from a page drawn before she
        // handed back) reaches the server now: it is not given to Dev.
        assert_eq!(
            s.act(&s.ben, share_details(&post_id, &s.cara)).await,
            Ok(Outcome::Rejected {
                reason: Refusal::HelperChanged {
                    helper: Some("Dev".into())
                }
            })
        );
        assert!(!sees_contact(&s, &s.dev, &post_id).await);

        // Ben accepts Dev with one tap: now, and only now, Dev sees how to reach him.
        s.applies(&s.ben, share_details(&post_id, &s.dev)).await;
        let contact = s.detail(&s.dev, &post_id).await.contact.expect("agreed");
        assert_eq!(contact.phone.as_deref(), Some("07700 900123"));
        // Asked again from another phone: nothing new, nothing refused.
        s.applies(&s.ben, share_details(&post_id, &s.dev)).await;

        // Dev hands back: the agreement ends with his claim.
        s.applies(&s.dev, release(&post_id)).await;
        s.applies(&s.cara, claim(&post_id)).await;
        assert!(!sees_contact(&s, &s.cara, &post_id).await, "a new helper waits afresh");

        // Only Ben may agree for Ben.
        let not_hers = s.act(&s.cara, share_details(&post_id, &s.cara)).await;
        assert_eq!(
            not_hers,
            Ok(Outcome::Rejected {
                reason: Refusal::NotNow {
                    action: PostAction::ShareDetails,
                    status: PostStatus::Claimed,
                }
            })
        );
    }
}

on_both_backends! {
    async fn a_request_can_agree_beforehand(backend: Backend) {
        let s = street(backend).await;
        ben_gives_his_phone(&s).await;
        let mut ask = new_post(&s.board.id, PostKind::Request, Category::Shopping, "Bread");
        if let model::MutationKind::CreatePost { share_details, .. } = &mut ask {
            *share_details = true;
        }
        let post_id = ask.post_id().cloned().expect("a post");
        s.applies(&s.ben, ask).await;
        assert!(s.detail(&s.dev, &post_id).await.card.share_details);

        s.applies(&s.cara, claim(&post_id)).await;
        assert!(sees_contact(&s, &s.cara, &post_id).await, "no waiting: Ben said so");
        assert!(!s.detail(&s.ben, &post_id).await.permissions.can_share_details);
        // Still only the helper.
        assert!(!sees_contact(&s, &s.dev, &post_id).await);
    }
}

on_both_backends! {
    async fn an_offer_shows_the_taker_only_once_they_agree(backend: Backend) {
        let s = street(backend).await;
        // The "free hot meals" offer: whoever takes it up is not collected by taking it up.
        let offer = s.post(&s.cara, PostKind::Offer, Category::Meals, "Free hot meals").await;
        s.applies(&s.ben, claim(&offer)).await;
        assert!(!sees_contact(&s, &s.cara, &offer).await);
        // Cara cannot agree on Ben's behalf.
        assert!(matches!(
            s.act(&s.cara, share_details(&offer, &s.ben)).await,
            Ok(Outcome::Rejected { .. })
        ));
        assert!(s.detail(&s.ben, &offer).await.permissions.can_share_details);
        s.applies(&s.ben, share_details(&offer, &s.ben)).await;
        assert!(sees_contact(&s, &s.cara, &offer).await);
    }
}

on_both_backends! {
    async fn claims_and_hand_backs_are_limited_per_member_per_day(backend: Backend) {
        let mut s = street(backend).await;
        s.db = s.db.clone().with_claims_per_day(3);
        let posts = [
            s.request(&s.ben, "One").await,
            s.request(&s.ben, "Two").await,
            s.request(&s.ben, "Three").await,
        ];
        // Claim, hand back, claim: three.
        s.applies(&s.cara, claim(&posts[0])).await;
        s.applies(&s.cara, release(&posts[0])).await;
        s.applies(&s.cara, claim(&posts[1])).await;
        // A fourth claim is refused, with the number, and changes nothing.
        let before = s.last_seq().await;
        assert_eq!(
            s.act(&s.cara, claim(&posts[2])).await,
            Ok(Outcome::Rejected {
                reason: Refusal::TooManyClaims { per_day: 3 }
            })
        );
        assert_eq!(s.last_seq().await, before);
        // Handing back is never refused: a helper who cannot go must be able to say so.
        s.applies(&s.cara, release(&posts[1])).await;
        // The limit is per member: Dev is not held back by Cara.
        s.applies(&s.dev, claim(&posts[2])).await;
        // Letting a helper go is the author's, and is not counted against the helper.
        s.applies(&s.ben, release(&posts[2])).await;
        s.applies(&s.dev, claim(&posts[2])).await;
    }
}

on_both_backends! {
    async fn every_claim_hand_back_and_agreement_is_in_the_log(backend: Backend) {
        let s = street(backend).await;
        let post_id = s.request(&s.ben, "Bulb changed").await;
        s.applies(&s.cara, claim(&post_id)).await;
        s.applies(&s.cara, release(&post_id)).await;
        s.applies(&s.dev, claim(&post_id)).await;
        s.applies(&s.ben, share_details(&post_id, &s.dev)).await;
        s.applies(&s.ben, release(&post_id)).await;
        let name = |v: &Viewer| v.display_name.clone();
        assert_eq!(
            log(&s).await,
            [
                (name(&s.cara), AuditAction::ClaimPost),
                (name(&s.cara), AuditAction::HandBack),
                (name(&s.dev), AuditAction::ClaimPost),
                (name(&s.ben), AuditAction::ShareDetails),
                (name(&s.ben), AuditAction::LetHelperGo),
            ]
        );
        // Letting a helper go is not a hand-back: Ben is not told he handed it back.
        assert_eq!(s.detail(&s.ben, &post_id).await.card.handed_back_by_name, None);
    }
}
