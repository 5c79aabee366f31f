//! Re-checking many live-update streams at once: when a board changes, whether each stream's
//! session is still current and its person still a member, in one query for every few hundred
//! streams instead of two queries per stream (a change reaching 10,000 open pages).

use std::collections::{HashMap, HashSet};

use model::{ids::now_ms, ids::BoardId, AppError};

use crate::{
    accounts::{live_session_bounds, token_hash, LIVE_SESSION_AT_2_3},
    error::OrInternal,
    Db,
};

/// What a stream may still hear of a board.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamAccess {
    /// The session is current and its person a member: tell them.
    Member,
    /// The session is current but its person is no longer a member of the board.
    NotAMember,
    /// The session ended (signed out, expired, idle too long, the account deleted).
    SignedOut,
}

/// Sessions asked about in one query: well under SQLite's and PostgreSQL's limits on bound
/// values, and few enough that the query plan stays an index lookup per session.
const SESSIONS_PER_QUERY: usize = 500;

/// The lengths a query's list of sessions is padded to (repeating one), so a few statements
/// are prepared and cached, not one per number of streams.
const LIST_LENGTHS: [usize; 4] = [1, 10, 100, SESSIONS_PER_QUERY];

/// The key a stream is checked by: the session token's stored hash, so what a process keeps
/// per open stream is no secret.
pub fn session_key(token: &str) -> String {
    token_hash(token)
}

impl Db {
    /// What each of `session_keys` (from [`session_key`]) may still hear of `board_id`. Every
    /// key asked about has an answer; a key nobody signed in with reads as signed out.
    pub async fn stream_access(
        &self,
        board_id: &BoardId,
        session_keys: &HashSet<String>,
    ) -> Result<HashMap<String, StreamAccess>, AppError> {
        let (not_expired_at, used_since) = live_session_bounds(now_ms());
        let mut access: HashMap<String, StreamAccess> = session_keys
            .iter()
            .map(|key| (key.clone(), StreamAccess::SignedOut))
            .collect();
        let keys: Vec<&String> = session_keys.iter().collect();
        for chunk in keys.chunks(SESSIONS_PER_QUERY) {
            let length = LIST_LENGTHS
                .into_iter()
                .find(|length| *length >= chunk.len())
                .unwrap_or(SESSIONS_PER_QUERY);
            let placeholders: Vec<String> = (4..4 + length).map(|n| format!("${n}")).collect();
            // Membership is a row in `memberships`, as `access::membership_in` reads it.
            let sql = format!(
                "SELECT s.token_hash, \
                        (SELECT COUNT(*) FROM memberships m \
                         WHERE m.user_id = s.user_id AND m.board_id = $1) \
                 FROM sessions s \
                 WHERE {LIVE_SESSION_AT_2_3} AND s.token_hash IN ({})",
                placeholders.join(", ")
            );
            let mut query = sqlx::query_as::<_, (String, i64)>(&sql)
                .bind(board_id.as_str())
                .bind(not_expired_at)
                .bind(used_since);
            for n in 0..length {
                query = query.bind(chunk[n.min(chunk.len() - 1)].as_str());
            }
            for (key, memberships) in query.fetch_all(self.pool()).await.internal()? {
                let found = if memberships > 0 {
                    StreamAccess::Member
                } else {
                    StreamAccess::NotAMember
                };
                access.insert(key, found);
            }
        }
        Ok(access)
    }
}
