//! The push and pull messages between the browser's sync engine and the server.

use serde::{Deserialize, Serialize};

use crate::{
    ids::{BoardId, PostId, UserId},
    views::{BoardMember, BoardPage, BoardSummary, PostCard, ReplyView},
    Mutation, Outcome,
};

/// The most mutations one push may carry; the outbox sends larger queues in several batches.
pub const MAX_PUSH_BATCH: usize = 50;

/// The most bytes of mutations one push carries, well under the server's default body limit
/// (64 KiB), so a batch of long posts is split rather than refused as too large.
pub const MAX_PUSH_BYTES: usize = 48 * 1024;

/// Writes the browser sends, oldest first, and whose they are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRequest {
    /// The person whose outbox these writes come from. The server refuses the push (409) when
    /// the session is someone else's (another person signed in on the phone, or the session
    /// renewed as someone else while the writes waited), so writes are only ever made by the
    /// person who wrote them; the phone keeps them for that person. Absent from phones
    /// running a version from before it was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<UserId>,
    pub mutations: Vec<Mutation>,
}

/// The body of a sync endpoint's refusal (any status but 200): the words to show, and the
/// refusal as data when there is one, so the phone can act on *which* refusal it was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<crate::Refusal>,
}

/// What became of each pushed mutation, by its id, in the order sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    pub results: Vec<PushResult>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResult {
    pub id: String,
    #[serde(flatten)]
    pub outcome: Outcome,
    /// A refusal in words, which the server adds to its answer: phones still running a
    /// version from before refusals were typed read only this, and a later refusal this
    /// version does not know is shown in these words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One board the person belongs to, as `GET /sync/boards` lists them: the engine keeps (and
/// pulls) every board listed and forgets any it holds that is not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardHeader {
    pub board: BoardSummary,
    pub me: BoardMember,
    /// Only for organisers: the current invite code.
    pub invite_code: Option<String>,
}

impl BoardHeader {
    /// The header of a board page just loaded.
    pub fn of_page(page: &BoardPage) -> Self {
        Self {
            board: page.board.clone(),
            me: page.me.clone(),
            invite_code: page.invite_code.clone(),
        }
    }
}

/// "What changed on this board since `since`?" (`since` is the cursor the last pull returned,
/// 0 the first time).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRequest {
    pub board_id: BoardId,
    pub since: i64,
}

/// The most changes one pull returns; the client pulls again while `more` is true.
pub const PULL_PAGE: i64 = 200;

/// The most replies a pulled post carries: its newest ones (the card's `reply_count` says how
/// many there are; the post's page online shows them all).
pub const PULL_REPLIES: i64 = 20;

/// One post as the browser keeps it to show the board and the post's page with no signal:
/// what every member may see (never contact details), plus the ids the permission rules need.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncedPost {
    pub card: PostCard,
    pub author_id: UserId,
    pub claimed_by_id: Option<UserId>,
    pub details: String,
    /// The newest `PULL_REPLIES`, oldest first.
    pub replies: Vec<ReplyView>,
}

/// Changes since the cursor, oldest first: posts as they are now, and the ids of posts that
/// left the board (tombstones). `cursor` goes in the next pull's `since`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse {
    pub posts: Vec<SyncedPost>,
    pub removed: Vec<PostId>,
    pub cursor: i64,
    pub more: bool,
}

/// A live message (`GET /sync/events`): this board's change number reached `seq`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardReached {
    pub board_id: BoardId,
    pub seq: i64,
}

/// A live `gone` event: no longer on this board, or (no board) signed out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamGone {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub board_id: Option<BoardId>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MutationKind, Refusal};

    #[test]
    fn push_results_are_flat_json() {
        let response = PushResponse {
            results: vec![
                PushResult {
                    id: "a".into(),
                    outcome: Outcome::Applied,
                    reason: None,
                },
                PushResult {
                    id: "b".into(),
                    outcome: Outcome::Rejected {
                        reason: Refusal::AlreadyHelping {
                            helper: Some("Sam".into()),
                        },
                    },
                    reason: Some("Sam is already helping with this.".into()),
                },
            ],
        };
        let json = serde_json::to_string(&response).unwrap();
        assert_eq!(
            json,
            r#"{"results":[{"id":"a","outcome":"applied"},{"id":"b","outcome":"rejected","refusal":{"kind":"already_helping","helper":"Sam"},"reason":"Sam is already helping with this."}]}"#
        );
        let request = PushRequest {
            owner: Some("u".into()),
            mutations: vec![Mutation {
                id: "m".into(),
                created_at_ms: 1,
                kind: MutationKind::Claim {
                    post_id: "p".into(),
                },
            }],
        };
        let back: PushRequest =
            serde_json::from_str(&serde_json::to_string(&request).unwrap()).unwrap();
        assert_eq!(back, request);
    }
}
