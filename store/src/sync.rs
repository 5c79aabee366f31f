//! Sync for the offline-first browser: push a batch of mutations (each applied exactly once,
//! each answered), and pull a board's changes since a cursor, paged, with tombstones.

use std::collections::HashMap;

use model::{
    ids::{now_ms, BoardId, PostId},
    moderation::sees_hidden_posts,
    views::{BoardMember, ReplyView, Viewer},
    AppError, Mutation, Outcome,
};

use model::sync::wire::{
    BoardHeader, PullResponse, PushResult, SyncedPost, MAX_PUSH_BATCH, PULL_PAGE, PULL_REPLIES,
};

use crate::{
    error::OrInternal,
    rows::{PostRow, ReplyRow, REPLY_SELECT},
    Db,
};

#[derive(sqlx::FromRow)]
struct PullRow {
    #[sqlx(flatten)]
    post: PostRow,
    seq: i64,
    removed_flag: i64,
}

impl Db {
    /// Applies `mutations` in order, in one transaction (`batch`). Each gets an answer:
    /// applied, or rejected with a reason the person can read (a write that is not valid or not
    /// allowed is rejected too, so the browser stops sending it and says why). A limit or a
    /// failure on our side answers the push with an error: the writes stay in the browser's
    /// outbox and come again.
    pub async fn push(
        &self,
        viewer: &Viewer,
        mutations: &[Mutation],
    ) -> Result<Vec<PushResult>, AppError> {
        if mutations.len() > MAX_PUSH_BATCH {
            return Err(AppError::field(
                "mutations",
                format!(
                    "Send at most {MAX_PUSH_BATCH} changes at a time (this batch has {}).",
                    mutations.len()
                ),
            ));
        }
        let answers = self.apply_all(viewer, mutations).await;
        // Writes answered before a stop are committed; the phone resends the whole batch and
        // hears their recorded answers again, so a stop is simply the push's answer.
        if let Some(stopped) = answers.stopped {
            return Err(stopped);
        }
        let results = mutations
            .iter()
            .zip(answers.answered)
            .map(|(mutation, answer)| PushResult {
                id: mutation.id.clone(),
                outcome: answer.unwrap_or_else(|reason| Outcome::Rejected { reason }),
                reason: None,
            })
            .collect();
        Ok(results)
    }

    /// Every board the viewer belongs to, with their place on it: the browser keeps (and
    /// pulls) these, and forgets any board it holds that is not listed.
    pub async fn board_headers(&self, viewer: &Viewer) -> Result<Vec<BoardHeader>, AppError> {
        let boards = self.my_boards(viewer).await?;
        let places: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT m.board_id, m.street, b.invite_code FROM memberships m \
             JOIN boards b ON b.id = m.board_id WHERE m.user_id = $1",
        )
        .bind(viewer.user_id.as_str())
        .fetch_all(self.pool())
        .await
        .internal()?;
        let vetted_on = crate::vetting::vetted_boards(self.pool(), &viewer.user_id).await?;
        Ok(boards
            .into_iter()
            .filter_map(|board| {
                let (_, street, invite_code) =
                    places.iter().find(|(id, ..)| board.id == id.as_str())?;
                Some(BoardHeader {
                    invite_code: board.role.is_organiser().then(|| invite_code.clone()),
                    me: BoardMember {
                        user_id: viewer.user_id.clone(),
                        display_name: viewer.display_name.clone(),
                        street: street.clone(),
                        vetted: vetted_on.contains(&board.id),
                    },
                    board,
                })
            })
            .collect())
    }

    /// The board's changes after `since`, oldest first, at most `PULL_PAGE` of them.
    pub async fn pull(
        &self,
        viewer: &Viewer,
        board_id: &BoardId,
        since: i64,
    ) -> Result<PullResponse, AppError> {
        // Most pulls find nothing new (a phone checking on its timer): the board's number,
        // read with the membership, says so, instead of the listing with its joins. Every
        // post's number is at most the board's, so nothing after `since` is missed.
        let (membership, last_seq) =
            crate::access::membership_and_last_seq(self.pool(), viewer, board_id).await?;
        if since >= last_seq {
            return Ok(PullResponse {
                posts: Vec::new(),
                removed: Vec::new(),
                cursor: since,
                more: false,
            });
        }
        let columns = crate::rows::POST_COLUMNS;
        let joins = crate::rows::POST_JOINS;
        let rows: Vec<PullRow> = sqlx::query_as(&format!(
            "SELECT {columns}, p.seq AS seq, CASE WHEN p.removed THEN 1 ELSE 0 END AS removed_flag {joins} \
             WHERE p.board_id = $2 AND p.seq > $3 ORDER BY p.seq LIMIT $4"
        ))
        .bind(now_ms())
        .bind(board_id.as_str())
        .bind(since)
        .bind(PULL_PAGE + 1)
        .fetch_all(self.pool())
        .await
        .internal()?;
        let more = rows.len() as i64 > PULL_PAGE;
        let page = &rows[..rows.len().min(PULL_PAGE as usize)];
        let cursor = page.last().map_or(since, |r| r.seq);
        // A hidden post leaves the phones of everyone but organisers, as a removed one does.
        let gone = |r: &&PullRow| {
            r.removed_flag != 0 || (r.post.hidden != 0 && !sees_hidden_posts(membership.role))
        };
        let (removed, kept): (Vec<&PullRow>, Vec<&PullRow>) = page.iter().partition(gone);
        let mut replies = self.replies_of(&kept).await?;
        Ok(PullResponse {
            posts: kept
                .into_iter()
                .map(|r| SyncedPost {
                    card: r.post.card_for(&viewer.user_id),
                    author_id: r.post.author_id.clone(),
                    claimed_by_id: r.post.claimed_by.clone(),
                    details: r.post.details.clone(),
                    replies: replies.remove(&r.post.id).unwrap_or_default(),
                })
                .collect(),
            removed: removed.into_iter().map(|r| r.post.id.clone()).collect(),
            cursor,
            more,
        })
    }

    /// The replies of the posts in `rows`, oldest first, by post id: one query for the page.
    async fn replies_of(
        &self,
        rows: &[&PullRow],
    ) -> Result<HashMap<PostId, Vec<ReplyView>>, AppError> {
        let mut by_post: HashMap<PostId, Vec<ReplyView>> = HashMap::new();
        if rows.is_empty() {
            return Ok(by_post);
        }
        let placeholders: Vec<String> = (1..=rows.len()).map(|n| format!("${n}")).collect();
        // The newest `PULL_REPLIES` of each post, oldest first: a long thread costs every
        // phone the same small page, again and again; the card's count says how many there are.
        let sql = format!(
            "SELECT post_id, id, author_name, body, created_at_ms, author_mark FROM (\
             SELECT t.*, ROW_NUMBER() OVER \
             (PARTITION BY t.post_id ORDER BY t.created_at_ms DESC, t.id DESC) AS newest \
             FROM ({REPLY_SELECT} WHERE r.post_id IN ({})) t) w \
             WHERE newest <= {PULL_REPLIES} ORDER BY created_at_ms, id",
            placeholders.join(", ")
        );
        let mut query = sqlx::query_as::<_, ReplyRow>(&sql);
        for row in rows {
            query = query.bind(row.post.id.as_str());
        }
        for reply in query.fetch_all(self.pool()).await.internal()? {
            by_post
                .entry(reply.post_id.clone())
                .or_default()
                .push(reply.view());
        }
        Ok(by_post)
    }
}
