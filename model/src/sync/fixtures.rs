//! Test stories' building blocks for the sync rules: a board header, a post, a pulled page.

use super::wire::{BoardHeader, PullResponse, PushResult, SyncedPost};
use crate::{
    ids::PostId,
    views::{BoardMember, BoardSummary, PostCard},
    Category, Mutation, MutationKind, Outcome, PostKind, PostStatus, Role, Urgency,
};

/// A claim of post `post-<id>`, made at time 0.
pub fn claim(id: &str) -> Mutation {
    Mutation {
        id: id.into(),
        created_at_ms: 0,
        kind: MutationKind::Claim {
            post_id: format!("post-{id}").into(),
        },
    }
}

/// The server applied write `id`.
pub fn applied(id: &str) -> PushResult {
    PushResult {
        id: id.into(),
        outcome: Outcome::Applied,
        reason: None,
    }
}

/// An open shopping request by Ben on Elm Road, made at `created`.
pub fn post(id: &str, created: i64) -> SyncedPost {
    SyncedPost {
        card: PostCard {
            id: id.into(),
            board_slug: "elm-road".into(),
            kind: PostKind::Request,
            category: Category::Shopping,
            title: format!("Post {id}"),
            urgency: Urgency::Today,
            needs_vetting: false,
            status: PostStatus::Open,
            street: "Ash Grove".into(),
            author_name: "Ben".into(),
            author_mark: None,
            claimed_by_name: None,
            claimed_by_mark: None,
            pinned: false,
            created_at_ms: created,
            expires_at_ms: None,
            reply_count: 0,
            hidden: false,
            share_details: false,
            details_shared: false,
            handed_back_by_name: None,
        },
        author_id: "ben".into(),
        claimed_by_id: None,
        details: "Milk".into(),
        replies: Vec::new(),
    }
}

/// Board `board_id` (slug "elm-road" for "board", else the id) as neighbour `user_id` sees it.
pub fn header(board_id: &str, user_id: &str) -> BoardHeader {
    BoardHeader {
        board: BoardSummary {
            id: board_id.into(),
            slug: if board_id == "board" {
                "elm-road".into()
            } else {
                board_id.into()
            },
            name: "Elm Road".into(),
            streets: vec!["Elm Road".into(), "Ash Grove".into()],
            role: Role::Neighbour,
            member_count: 3,
        },
        me: BoardMember {
            user_id: user_id.into(),
            display_name: "Cara".into(),
            street: "Elm Road".into(),
            vetted: false,
        },
        invite_code: None,
    }
}

pub fn pull(posts: Vec<SyncedPost>, removed: &[&str], cursor: i64, more: bool) -> PullResponse {
    PullResponse {
        posts,
        removed: removed.iter().map(|&id| PostId::from(id)).collect(),
        cursor,
        more,
    }
}
