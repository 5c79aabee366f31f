//! Pending writes shown on top of the board as the server last sent it: the person sees what
//! they did at once, marked as waiting to send, until the server's answer replaces it.

use crate::{
    coordination::Coordination,
    ids::{BoardId, PostId, Slug},
    views::PostCard,
    MutationKind, PostStatus,
};

/// Who is looking, as far as their own pending writes need: their name and their street on
/// this board (the two things a new post or a claim shows).
pub struct Me<'a> {
    pub name: &'a str,
    pub street: &'a str,
}

/// A card on the board and whether it shows a write not yet sent.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ShownCard {
    pub card: PostCard,
    pub waiting: bool,
}

/// The board's cards with `pending` writes (oldest first) applied on top. Posts written here
/// for another board are left out.
pub fn overlay<'m>(
    cards: Vec<PostCard>,
    board: (&BoardId, &Slug),
    pending: impl IntoIterator<Item = &'m MutationKind>,
    me: &Me<'_>,
) -> Vec<ShownCard> {
    let (board_id, board_slug) = board;
    let mut shown: Vec<ShownCard> = cards
        .into_iter()
        .map(|card| ShownCard {
            card,
            waiting: false,
        })
        .collect();
    // Removed posts leave the board at once.
    let mut removed: Vec<PostId> = Vec::new();
    for kind in pending {
        if let MutationKind::CreatePost {
            post_id,
            board_id: for_board,
            ..
        } = kind
        {
            let known = shown.iter().any(|s| &s.card.id == post_id);
            if let (false, true, Some(card)) = (
                known,
                for_board == board_id,
                new_post_card(kind, board_slug, me),
            ) {
                shown.insert(
                    0,
                    ShownCard {
                        card,
                        waiting: true,
                    },
                );
            }
            continue;
        }
        if let MutationKind::Remove { post_id } = kind {
            removed.push(post_id.clone());
            continue;
        }
        if let Some(shown_card) = shown
            .iter_mut()
            .find(|s| Some(&s.card.id) == kind.post_id())
        {
            apply_to_card(&mut shown_card.card, kind, me);
            shown_card.waiting = true;
        }
    }
    shown.retain(|s| !removed.contains(&s.card.id));
    shown
}

/// The card a post written here shows before the server has it: the author's name and
/// street, never more.
pub fn new_post_card(kind: &MutationKind, board_slug: &Slug, me: &Me<'_>) -> Option<PostCard> {
    let MutationKind::CreatePost {
        post_id,
        post_kind,
        category,
        title,
        urgency,
        needs_vetting,
        share_details,
        ..
    } = kind
    else {
        return None;
    };
    Some(PostCard {
        id: post_id.clone(),
        board_slug: board_slug.clone(),
        kind: *post_kind,
        category: *category,
        title: title.trim().to_string(),
        urgency: *urgency,
        needs_vetting: *needs_vetting,
        status: PostStatus::Open,
        street: me.street.to_string(),
        author_name: me.name.to_string(),
        author_mark: None,
        claimed_by_name: None,
        claimed_by_mark: None,
        pinned: false,
        created_at_ms: i64::MAX, // newest: not yet on the server
        expires_at_ms: None,
        reply_count: 0,
        hidden: false,
        share_details: *share_details,
        details_shared: false,
        handed_back_by_name: None,
    })
}

/// What a write not yet sent does to the card it is about, as the server will do it.
pub fn apply_to_card(card: &mut PostCard, kind: &MutationKind, me: &Me<'_>) {
    match kind {
        MutationKind::Claim { .. } => {
            card.status = PostStatus::Claimed;
            card.claimed_by_name = Some(me.name.to_string());
            card.details_shared = card.share_details;
            card.handed_back_by_name = None;
            // Whether my name looks like another member's is the server's to say.
            card.claimed_by_mark = None;
        }
        MutationKind::ShareDetails { .. } => card.details_shared = true,
        MutationKind::Release { .. } => {
            card.status = PostStatus::Open;
            card.claimed_by_name = None;
            card.details_shared = false;
            card.claimed_by_mark = None;
        }
        MutationKind::MarkDone { .. } => card.status = PostStatus::Done,
        MutationKind::Withdraw { .. } => card.status = PostStatus::Withdrawn,
        MutationKind::SetPinned { pinned, .. } => card.pinned = *pinned,
        MutationKind::Reply { .. } => card.reply_count += 1,
        MutationKind::Coordinate(Coordination::SetNeedsVetting { needs_vetting, .. }) => {
            card.needs_vetting = *needs_vetting;
        }
        // Assignments and volunteering are sent from the open page, never from the outbox.
        MutationKind::Coordinate(_) | MutationKind::Volunteer(_) => {}
        // Moderation goes straight to the server, never through the outbox.
        MutationKind::Remove { .. }
        | MutationKind::CreatePost { .. }
        | MutationKind::Moderate(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Category, PostKind, Urgency};

    fn card(id: &str) -> PostCard {
        let mut card = crate::sync::fixtures::post(id, 1).card;
        card.title = "Milk".into();
        card
    }

    const ME: Me<'static> = Me {
        name: "Cara",
        street: "Elm Road",
    };

    /// The cards with `pending` on top, as Cara sees them on Elm Road (board `b`).
    fn on_elm_road(cards: Vec<PostCard>, pending: &[MutationKind]) -> Vec<ShownCard> {
        overlay(cards, (&"b".into(), &"elm-road".into()), pending, &ME)
    }

    #[test]
    fn a_claim_made_offline_shows_at_once_marked_waiting() {
        let pending = [MutationKind::Claim {
            post_id: "p1".into(),
        }];
        let shown = on_elm_road(vec![card("p1"), card("p2")], &pending);
        assert_eq!(shown[0].card.status, PostStatus::Claimed);
        assert_eq!(shown[0].card.claimed_by_name.as_deref(), Some("Cara"));
        assert!(shown[0].waiting);
        assert!(
            !shown[1].waiting,
            "untouched cards are as the server sent them"
        );
    }

    #[test]
    fn a_new_post_made_offline_comes_first_with_my_street_only() {
        let pending = [MutationKind::CreatePost {
            post_id: "new".into(),
            board_id: "b".into(),
            post_kind: PostKind::Offer,
            category: Category::OddJobs,
            title: " Shelves put up ".into(),
            details: "I live at number 3".into(),
            urgency: Urgency::Whenever,
            expires_in_days: None,
            needs_vetting: false,
            share_details: false,
            confirmed_public: false,
        }];
        let shown = on_elm_road(vec![card("p1")], &pending);
        assert_eq!(shown[0].card.id, "new");
        assert_eq!(shown[0].card.title, "Shelves put up");
        assert_eq!(shown[0].card.street, "Elm Road");
        assert!(shown[0].waiting);
        // Once the server has it, the server's card is shown and nothing is doubled.
        let shown = on_elm_road(vec![card("new")], &pending);
        assert_eq!(shown.len(), 1);
        // Another board's page does not show it.
        let shown = overlay(
            vec![card("p1")],
            (&"other".into(), &"other".into()),
            &pending,
            &ME,
        );
        assert_eq!(shown.len(), 1);
    }

    #[test]
    fn a_removed_post_leaves_the_board_at_once() {
        let pending = [MutationKind::Remove {
            post_id: "p1".into(),
        }];
        let shown = on_elm_road(vec![card("p1"), card("p2")], &pending);
        assert_eq!(
            shown.iter().map(|s| s.card.id.as_str()).collect::<Vec<_>>(),
            ["p2"]
        );
    }

    #[test]
    fn accepting_a_helper_offline_shows_at_once_and_a_hand_back_ends_it() {
        let mut claimed = card("p1");
        claimed.status = PostStatus::Claimed;
        claimed.claimed_by_name = Some("Sam".into());
        let accept = [MutationKind::ShareDetails {
            post_id: "p1".into(),
            claimant: "sam".into(),
        }];
        let shown = on_elm_road(vec![claimed.clone()], &accept);
        assert!(shown[0].card.details_shared && shown[0].waiting);
        // A release after it: the agreement went with the claim.
        let release = MutationKind::Release {
            post_id: "p1".into(),
        };
        let shown = on_elm_road(vec![claimed], &[accept[0].clone(), release]);
        assert!(!shown[0].card.details_shared);
        // A claim on a request whose author agreed beforehand is agreed at once.
        let mut open = card("p2");
        open.share_details = true;
        let claim = [MutationKind::Claim {
            post_id: "p2".into(),
        }];
        assert!(on_elm_road(vec![open], &claim)[0].card.details_shared);
    }

    #[test]
    fn later_writes_win_over_earlier_ones() {
        let pending = [
            MutationKind::Claim {
                post_id: "p1".into(),
            },
            MutationKind::Release {
                post_id: "p1".into(),
            },
            MutationKind::Reply {
                reply_id: "r".into(),
                post_id: "p1".into(),
                body: "Sorry!".into(),
            },
        ];
        let shown = on_elm_road(vec![card("p1")], &pending);
        assert_eq!(shown[0].card.status, PostStatus::Open);
        assert_eq!(shown[0].card.claimed_by_name, None);
        assert_eq!(shown[0].card.reply_count, 1);
    }
}
