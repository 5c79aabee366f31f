//! A board as the browser keeps it (IndexedDB): the board, the person's place on it, every
//! post with its details and replies, and the cursor of the last pull. Pulled changes merge in
//! here; the board and post pages render from it when there is no signal.

use serde::{Deserialize, Serialize};

use super::overlay::{apply_to_card, new_post_card, Me};
use super::wire::{BoardHeader, PullResponse, SyncedPost};
use crate::{
    ids::PostId,
    moderation::sees_hidden_posts,
    rules::{permissions, PostFacts},
    views::{BoardFilter, BoardMember, BoardSummary, PostCard, PostDetail, ReplyView},
    MutationKind, PostStatus,
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalBoard {
    pub board: BoardSummary,
    pub me: BoardMember,
    pub invite_code: Option<String>,
    /// Every post on the board the last pulls returned (any order).
    pub posts: Vec<SyncedPost>,
    /// The server's change sequence this copy is up to: the next pull's `since`.
    pub cursor: i64,
    /// When a pull last brought the board fully up to date (device clock), if ever.
    pub synced_at_ms: Option<i64>,
}

impl LocalBoard {
    /// A board first seen (on its page, or in the list of the person's boards): nothing
    /// pulled yet.
    pub fn new(header: BoardHeader) -> Self {
        Self {
            board: header.board,
            me: header.me,
            invite_code: header.invite_code,
            posts: Vec::new(),
            cursor: 0,
            synced_at_ms: None,
        }
    }

    /// The board's own details as the server just gave them (name, members, role, invite).
    /// When the person's role changes what they may see (they became the board's organiser
    /// when the last one left), the copy is pulled again from the start: hidden posts they may
    /// now see, or tombstones for those they no longer may, changed nothing after the cursor.
    pub fn refresh_from(&mut self, header: BoardHeader) {
        if sees_hidden_posts(header.board.role) != sees_hidden_posts(self.board.role) {
            self.cursor = 0;
        }
        self.board = header.board;
        self.me = header.me;
        self.invite_code = header.invite_code;
    }

    /// Whether the board has been pulled at least once, so its posts can be shown from here.
    pub fn is_synced(&self) -> bool {
        self.synced_at_ms.is_some()
    }

    /// Merges one page of pulled changes: changed posts replace the copies held, tombstoned
    /// ones leave. A page older than what is held (a slow reply to an earlier pull) changes
    /// nothing. `now_ms` is recorded when this was the last page.
    pub fn apply_pull(&mut self, pull: PullResponse, now_ms: i64) {
        if pull.cursor < self.cursor {
            return;
        }
        for changed in pull.posts {
            match self.posts.iter_mut().find(|p| p.card.id == changed.card.id) {
                Some(held) => *held = changed,
                None => self.posts.push(changed),
            }
        }
        self.posts.retain(|p| !pull.removed.contains(&p.card.id));
        self.cursor = pull.cursor;
        if !pull.more {
            self.synced_at_ms = Some(now_ms);
        }
    }

    /// The cards the board shows for `filter`, as the server would list them: pinned first,
    /// then newest first; without a status filter, only open and claimed posts.
    pub fn cards(&self, filter: &BoardFilter, now_ms: i64) -> Vec<PostCard> {
        let mut cards: Vec<PostCard> = self
            .posts
            .iter()
            .map(|p| with_expiry(p.card.clone(), now_ms))
            .filter(|card| matches_filter(card, filter))
            .collect();
        sort_for_board(&mut cards);
        cards
    }

    fn me(&self) -> Me<'_> {
        Me {
            name: &self.me.display_name,
            street: &self.me.street,
        }
    }

    /// A post's page from what is held here, with `pending` writes (oldest first) shown on
    /// top, or `None` when the post is neither held nor waiting to be created here.
    /// Contact details are never kept on the device: they come only from the server.
    pub fn post_detail<'m>(
        &self,
        post_id: &PostId,
        pending: impl IntoIterator<Item = &'m MutationKind> + Clone,
        now_ms: i64,
    ) -> Option<LocalDetail> {
        let me = self.me();
        let held = self.posts.iter().find(|p| p.card.id == *post_id).cloned();
        let created_here = pending.clone().into_iter().find_map(|kind| match kind {
            MutationKind::CreatePost {
                post_id: id,
                board_id,
                details,
                ..
            } if id == post_id && *board_id == self.board.id => Some((kind, details.clone())),
            _ => None,
        });
        let (mut post, mut waiting) = match (held, created_here) {
            (Some(post), _) => (post, false),
            (None, Some((kind, details))) => {
                let card = new_post_card(kind, &self.board.slug, &me)?;
                let post = SyncedPost {
                    card,
                    author_id: self.me.user_id.clone(),
                    claimed_by_id: None,
                    details: details.trim().to_string(),
                    replies: Vec::new(),
                };
                (post, true)
            }
            (None, None) => return None,
        };
        post.card = with_expiry(post.card, now_ms);
        let mut waiting_replies = Vec::new();
        for kind in pending {
            if kind.post_id() != Some(post_id) || matches!(kind, MutationKind::CreatePost { .. }) {
                continue;
            }
            waiting = true;
            match kind {
                MutationKind::Claim { .. } => post.claimed_by_id = Some(self.me.user_id.clone()),
                // Agreed on a claim that has passed to someone else: the server will refuse it.
                MutationKind::ShareDetails { claimant, .. }
                    if post.claimed_by_id.as_ref() != Some(claimant) =>
                {
                    continue;
                }
                MutationKind::Release { .. } => post.claimed_by_id = None,
                MutationKind::Reply { reply_id, body, .. } => {
                    waiting_replies.push(reply_id.clone());
                    post.replies.push(ReplyView {
                        id: reply_id.clone(),
                        author_name: me.name.to_string(),
                        author_mark: None,
                        body: body.trim().to_string(),
                        created_at_ms: i64::MAX,
                    });
                }
                MutationKind::Remove { .. } => return None,
                _ => {}
            }
            apply_to_card(&mut post.card, kind, &me);
        }
        let facts = PostFacts {
            kind: post.card.kind,
            status: post.card.status,
            author_id: &post.author_id,
            claimed_by: post.claimed_by_id.as_ref(),
            viewer_id: &self.me.user_id,
            viewer_role: self.board.role,
            needs_vetting: post.card.needs_vetting,
            viewer_vetted: self.me.vetted,
            details_shared: post.card.details_shared,
        };
        let detail = PostDetail {
            permissions: permissions(&facts),
            board_name: self.board.name.clone(),
            details: post.details,
            replies: post.replies,
            contact: None,
            claimed_by_id: post.claimed_by_id.clone(),
            card: post.card,
        };
        Some(LocalDetail {
            detail,
            waiting,
            waiting_replies,
        })
    }
}

/// A post's page built on the device, and which parts of it have not reached the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalDetail {
    pub detail: PostDetail,
    /// The post itself, or a change to it, is waiting to send.
    pub waiting: bool,
    /// Ids of replies still waiting to send.
    pub waiting_replies: Vec<String>,
}

/// An open post past its expiry reads as expired, as the server reads it.
fn with_expiry(mut card: PostCard, now_ms: i64) -> PostCard {
    if card.status == PostStatus::Open && card.expires_at_ms.is_some_and(|at| at <= now_ms) {
        card.status = PostStatus::Expired;
    }
    card
}

fn matches_filter(card: &PostCard, filter: &BoardFilter) -> bool {
    filter.kind.is_none_or(|kind| card.kind == kind)
        && filter.category.is_none_or(|c| card.category == c)
        && match filter.status {
            Some(status) => card.status == status,
            None => matches!(card.status, PostStatus::Open | PostStatus::Claimed),
        }
}

/// The board's order: pinned notices first, then newest first (ties by id, as the server).
pub fn sort_for_board(cards: &mut [PostCard]) {
    cards.sort_by(|a, b| {
        b.pinned
            .cmp(&a.pinned)
            .then(b.created_at_ms.cmp(&a.created_at_ms))
            .then(b.id.cmp(&a.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::fixtures::{header, post, pull};
    use crate::{Category, PostKind, Urgency};

    fn board() -> LocalBoard {
        LocalBoard::new(header("board", "cara"))
    }

    fn ids(cards: &[PostCard]) -> Vec<&str> {
        cards.iter().map(|c| c.id.as_str()).collect()
    }

    #[test]
    fn pulled_pages_merge_and_tombstones_remove() {
        let mut local = board();
        local.apply_pull(pull(vec![post("a", 1), post("b", 2)], &[], 2, true), 10);
        assert!(!local.is_synced(), "more pages to come");
        let mut claimed = post("a", 1);
        claimed.card.status = PostStatus::Claimed;
        local.apply_pull(pull(vec![claimed, post("c", 3)], &["b"], 5, false), 20);
        assert_eq!(local.cursor, 5);
        assert_eq!(local.synced_at_ms, Some(20));
        let cards = local.cards(&BoardFilter::default(), 0);
        assert_eq!(ids(&cards), ["c", "a"], "newest first, b removed");
        assert_eq!(cards[1].status, PostStatus::Claimed, "the newer copy won");
    }

    #[test]
    fn becoming_the_organiser_pulls_the_board_again_from_the_start() {
        let mut local = board();
        local.apply_pull(pull(vec![post("a", 1)], &[], 7, false), 10);
        let same = header("board", "cara");
        local.refresh_from(same.clone());
        assert_eq!(
            local.cursor, 7,
            "nothing new to see: carry on from the cursor"
        );

        // The last organiser left and Cara now runs the board: hidden posts, which no pull
        // after the cursor will bring, are hers to see.
        let mut organiser = same;
        organiser.board.role = crate::Role::Organiser;
        local.refresh_from(organiser.clone());
        assert_eq!(local.cursor, 0, "pulled again from the start");
        assert_eq!(
            ids(&local.cards(&BoardFilter::default(), 0)),
            ["a"],
            "the copy is kept meanwhile"
        );
        local.apply_pull(pull(vec![], &[], 9, false), 20);
        local.refresh_from(organiser);
        assert_eq!(local.cursor, 9, "and only once");
    }

    #[test]
    fn a_late_answer_to_an_older_pull_changes_nothing() {
        let mut local = board();
        local.apply_pull(pull(vec![post("a", 1)], &[], 7, false), 20);
        local.apply_pull(pull(vec![], &["a"], 3, false), 30);
        assert_eq!(local.cursor, 7);
        assert_eq!(local.posts.len(), 1);
        assert_eq!(local.synced_at_ms, Some(20));
    }

    #[test]
    fn filters_order_and_expiry_match_the_server() {
        let mut local = board();
        let mut pinned = post("pinned", 1);
        pinned.card.pinned = true;
        pinned.card.kind = PostKind::Notice;
        let mut expired = post("expired", 5);
        expired.card.expires_at_ms = Some(100);
        let mut done = post("done", 6);
        done.card.status = PostStatus::Done;
        let mut offer = post("offer", 4);
        offer.card.kind = PostKind::Offer;
        local.apply_pull(
            pull(
                vec![post("old", 2), pinned, expired, done, offer],
                &[],
                9,
                false,
            ),
            0,
        );
        let all = local.cards(&BoardFilter::default(), 200);
        assert_eq!(ids(&all), ["pinned", "offer", "old"]);
        let offers = BoardFilter {
            kind: Some(PostKind::Offer),
            ..BoardFilter::default()
        };
        assert_eq!(ids(&local.cards(&offers, 200)), ["offer"]);
        let expired_only = BoardFilter {
            status: Some(PostStatus::Expired),
            ..BoardFilter::default()
        };
        assert_eq!(ids(&local.cards(&expired_only, 200)), ["expired"]);
        assert_eq!(
            ids(&local.cards(&expired_only, 50)),
            Vec::<&str>::new(),
            "not expired yet"
        );
    }

    #[test]
    fn a_post_page_shows_pending_writes_and_offers_the_next_step() {
        let mut local = board();
        local.apply_pull(pull(vec![post("a", 1)], &[], 1, false), 0);
        let pending = [
            MutationKind::Claim {
                post_id: "a".into(),
            },
            MutationKind::Reply {
                reply_id: "r1".into(),
                post_id: "a".into(),
                body: " On my way ".into(),
            },
        ];
        let shown = local.post_detail(&"a".into(), &pending, 0).expect("held");
        assert!(shown.waiting);
        assert_eq!(shown.detail.card.status, PostStatus::Claimed);
        assert_eq!(shown.detail.card.claimed_by_name.as_deref(), Some("Cara"));
        assert!(shown.detail.permissions.is_claimant);
        assert!(shown.detail.permissions.can_release, "she can hand it back");
        assert!(!shown.detail.permissions.can_claim);
        assert_eq!(shown.detail.replies[0].body, "On my way");
        assert_eq!(shown.waiting_replies, ["r1"]);
        assert!(shown.detail.contact.is_none());
        let untouched = local.post_detail(&"a".into(), &[], 0).expect("held");
        assert!(!untouched.waiting);
        assert!(untouched.detail.permissions.can_claim);
    }

    #[test]
    fn a_post_written_offline_has_its_own_page_before_it_is_sent() {
        let local = board();
        let pending = [MutationKind::CreatePost {
            post_id: "new".into(),
            board_id: "board".into(),
            post_kind: PostKind::Request,
            category: Category::OddJobs,
            title: "Hedge".into(),
            details: "Just the front".into(),
            urgency: Urgency::Whenever,
            expires_in_days: None,
            needs_vetting: false,
            share_details: false,
            confirmed_public: false,
        }];
        let shown = local
            .post_detail(&"new".into(), &pending, 0)
            .expect("pending");
        assert!(shown.waiting);
        assert_eq!(shown.detail.card.author_name, "Cara");
        assert_eq!(shown.detail.details, "Just the front");
        assert!(shown.detail.permissions.is_author);
        assert!(shown.detail.permissions.can_withdraw);
        assert!(local.post_detail(&"other".into(), &pending, 0).is_none());
        let mut elsewhere = pending.clone();
        if let MutationKind::CreatePost { board_id, .. } = &mut elsewhere[0] {
            *board_id = "another board".into();
        }
        assert!(local.post_detail(&"new".into(), &elsewhere, 0).is_none());
    }

    #[test]
    fn a_pull_under_a_pending_claim_keeps_mine_shown_until_the_server_answers() {
        let mut local = board();
        local.apply_pull(pull(vec![post("a", 1)], &[], 1, false), 0);
        let pending = [MutationKind::Claim {
            post_id: "a".into(),
        }];
        // Meanwhile Sam claimed it on the server, and the pull brings that in.
        let mut sams = post("a", 1);
        sams.card.status = PostStatus::Claimed;
        sams.card.claimed_by_name = Some("Sam".into());
        sams.claimed_by_id = Some("sam".into());
        local.apply_pull(pull(vec![sams], &[], 2, false), 10);
        let me = Me {
            name: "Cara",
            street: "Elm Road",
        };
        let cards = local.cards(&BoardFilter::default(), 10);
        let shown = crate::sync::overlay::overlay(
            cards,
            (&local.board.id, &local.board.slug),
            &pending,
            &me,
        );
        assert!(shown[0].waiting, "my claim still shows as not sent");
        assert_eq!(shown[0].card.claimed_by_name.as_deref(), Some("Cara"));
        // Once the server has answered (refused, Sam was first), the pulled state shows.
        let cards = local.cards(&BoardFilter::default(), 10);
        let shown =
            crate::sync::overlay::overlay(cards, (&local.board.id, &local.board.slug), [], &me);
        assert!(!shown[0].waiting);
        assert_eq!(shown[0].card.claimed_by_name.as_deref(), Some("Sam"));
    }
}
