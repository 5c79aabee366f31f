//! Reading posts: the board page, a post's own page and "my activity". Members only; contact
//! details and house numbers are read only for the one helping on an active claim.

use model::refusal::Refusal;
use model::{
    ids::{now_ms, BoardId, PostId, Slug, UserId},
    moderation::sees_hidden_posts,
    posts_shown::PostsShown,
    rules::{permissions, sees_contact_of_other_party},
    views::{BoardFilter, BoardMember, BoardPage, ContactDetails, PostCard, PostDetail, Viewer},
    AppError, PostKind,
};

use sqlx::{Any, Transaction};

use crate::{
    access::{membership_in, Membership},
    error::OrInternal,
    rows::{post_status_as_read, PostRow, ReplyRow, POST_COLUMNS, POST_JOINS, REPLY_SELECT},
    Db,
};

impl Db {
    /// One post with expiry applied, not removed; `None` when there is no such post.
    pub(crate) async fn post_row<'e, E>(
        &self,
        executor: E,
        post_id: &PostId,
    ) -> Result<Option<PostRow>, AppError>
    where
        E: sqlx::Executor<'e, Database = sqlx::Any>,
    {
        sqlx::query_as(&format!(
            "SELECT {POST_COLUMNS} {POST_JOINS} WHERE p.id = $2 AND p.removed = FALSE"
        ))
        .bind(now_ms())
        .bind(post_id.as_str())
        .fetch_optional(executor)
        .await
        .internal()
    }

    /// The post someone acts on inside a write, and their place on its board. A post that is
    /// not there, not on one of their boards, or hidden from them is gone, all alike, so nothing
    /// tells an outsider that it exists.
    pub(crate) async fn post_for_member(
        &self,
        tx: &mut Transaction<'static, Any>,
        viewer: &Viewer,
        post_id: &PostId,
    ) -> Result<(PostRow, Membership), AppError> {
        let gone = || AppError::Refused(Refusal::PostGone);
        let post = self.post_row(&mut **tx, post_id).await?.ok_or_else(gone)?;
        let membership = membership_in(&mut **tx, viewer, &post.board_id)
            .await
            .map_err(|_| gone())?;
        if post.hidden != 0 && !sees_hidden_posts(membership.role) {
            return Err(gone());
        }
        Ok((post, membership))
    }

    /// The board page as it first opens: its newest posts, one page of them.
    pub async fn board_page(
        &self,
        viewer: &Viewer,
        slug: &Slug,
        filter: &BoardFilter,
    ) -> Result<BoardPage, AppError> {
        self.board_page_showing(viewer, slug, filter, PostsShown::default())
            .await
    }

    /// The board page for `filter`, its newest `shown` posts (pinned first), and whether
    /// there are more.
    pub async fn board_page_showing(
        &self,
        viewer: &Viewer,
        slug: &Slug,
        filter: &BoardFilter,
        shown: PostsShown,
    ) -> Result<BoardPage, AppError> {
        let membership = self.require_membership(viewer, slug).await?;
        let board = self
            .my_boards(viewer)
            .await?
            .into_iter()
            .find(|b| b.id == membership.board_id)
            .ok_or(AppError::Internal)?;

        // Hidden posts are listed (and marked) for organisers only.
        let hidden = if sees_hidden_posts(membership.role) {
            ""
        } else {
            " AND p.hidden = FALSE"
        };
        // The page's posts are picked from the posts table alone (filters, order, one page),
        // and only those are then read whole, with names, reply counts and marks: a board of
        // thousands of posts costs one pass over its index, not the joins for every post.
        let mut picked =
            format!("SELECT p.id FROM posts p WHERE p.board_id = $2 AND p.removed = FALSE{hidden}");
        let mut binds: Vec<&'static str> = Vec::new();
        if let Some(kind) = filter.kind {
            binds.push(kind.as_str());
            picked.push_str(&format!(" AND p.kind = ${}", binds.len() + 2));
        }
        if let Some(category) = filter.category {
            binds.push(category.as_str());
            picked.push_str(&format!(" AND p.category = ${}", binds.len() + 2));
        }
        // The status filter applies to the status as read (with expiry).
        let status = post_status_as_read!();
        match filter.status {
            Some(wanted) => {
                binds.push(wanted.as_str());
                picked.push_str(&format!(" AND {status} = ${}", binds.len() + 2));
            }
            None => picked.push_str(&format!(" AND {status} IN ('open', 'claimed')")),
        }
        let order = "ORDER BY p.pinned DESC, p.created_at_ms DESC, p.id DESC";
        let sql = format!(
            "SELECT {POST_COLUMNS} {POST_JOINS} WHERE p.id IN ({picked} {order} LIMIT {}) {order}",
            // One more than shown says whether there are more.
            shown.count() + 1
        );
        let mut query = sqlx::query_as::<_, PostRow>(&sql)
            .bind(now_ms())
            .bind(membership.board_id.as_str());
        for value in binds {
            query = query.bind(value);
        }
        let (rows, more) = shown.first_of(query.fetch_all(self.pool()).await.internal()?);

        let invite_code = if membership.role.is_organiser() {
            sqlx::query_scalar("SELECT invite_code FROM boards WHERE id = $1")
                .bind(membership.board_id.as_str())
                .fetch_optional(self.pool())
                .await
                .internal()?
        } else {
            None
        };
        Ok(BoardPage {
            board,
            me: BoardMember {
                user_id: viewer.user_id.clone(),
                display_name: viewer.display_name.clone(),
                street: membership.street,
                vetted: crate::vetting::is_vetted(
                    self.pool(),
                    &membership.board_id,
                    &viewer.user_id,
                    now_ms(),
                )
                .await?,
            },
            invite_code,
            posts: rows
                .iter()
                .map(|row| row.card_for(&viewer.user_id))
                .collect(),
            more,
        })
    }

    pub async fn post_detail(
        &self,
        viewer: &Viewer,
        post_id: &PostId,
    ) -> Result<PostDetail, AppError> {
        let not_found = || AppError::Refused(Refusal::PostNotOnYourBoards);
        let row = self
            .post_row(self.pool(), post_id)
            .await?
            .ok_or_else(not_found)?;
        // Someone who is not a member learns nothing, not even that the post exists.
        let membership = self
            .membership_by_board_id(viewer, &row.board_id)
            .await
            .map_err(|_| not_found())?;
        if row.hidden != 0 && !sees_hidden_posts(membership.role) {
            return Err(not_found());
        }
        let vetted =
            crate::vetting::is_vetted(self.pool(), &row.board_id, &viewer.user_id, now_ms())
                .await?;
        let facts = row
            .facts(viewer, membership.role)
            .with_viewer_vetted(vetted);

        let contact = if sees_contact_of_other_party(&facts) {
            let other = if row.kind() == PostKind::Request {
                Some(&row.author_id)
            } else {
                row.claimed_by.as_ref()
            };
            match other {
                Some(user_id) => self.contact_details(user_id, &row.board_id).await?,
                None => None,
            }
        } else {
            None
        };
        let replies: Vec<ReplyRow> = sqlx::query_as(&format!(
            "{REPLY_SELECT} WHERE r.post_id = $1 ORDER BY r.created_at_ms, r.id"
        ))
        .bind(row.id.as_str())
        .fetch_all(self.pool())
        .await
        .internal()?;
        let board_name: String = sqlx::query_scalar("SELECT name FROM boards WHERE id = $1")
            .bind(row.board_id.as_str())
            .fetch_one(self.pool())
            .await
            .internal()?;

        Ok(PostDetail {
            permissions: permissions(&facts),
            card: row.card_for(&viewer.user_id),
            board_name,
            details: row.details.clone(),
            replies: replies.into_iter().map(ReplyRow::view).collect(),
            contact,
            claimed_by_id: row.claimed_by.clone(),
        })
    }

    async fn contact_details(
        &self,
        user_id: &UserId,
        board_id: &BoardId,
    ) -> Result<Option<ContactDetails>, AppError> {
        let row: Option<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT u.display_name, u.phone, u.email, m.street, m.house_number FROM users u \
             JOIN memberships m ON m.user_id = u.id AND m.board_id = $2 WHERE u.id = $1",
        )
        .bind(user_id.as_str())
        .bind(board_id.as_str())
        .fetch_optional(self.pool())
        .await
        .internal()?;
        let non_empty = |s: String| if s.trim().is_empty() { None } else { Some(s) };
        Ok(row.map(
            |(name, phone, email, street, house_number)| ContactDetails {
                name,
                phone: non_empty(phone),
                email: non_empty(email),
                street,
                house_number: non_empty(house_number),
            },
        ))
    }

    /// The viewer's own posts and the ones they have claimed, across their boards.
    pub async fn my_activity(
        &self,
        viewer: &Viewer,
    ) -> Result<(Vec<PostCard>, Vec<PostCard>), AppError> {
        let mine = self.posts_of(viewer, PostsOf::Author).await?;
        let claimed = self.posts_of(viewer, PostsOf::Claimant).await?;
        Ok((mine, claimed))
    }

    /// The viewer's most recent posts in one role, on boards they still belong to.
    async fn posts_of(&self, viewer: &Viewer, role: PostsOf) -> Result<Vec<PostCard>, AppError> {
        let column = match role {
            PostsOf::Author => "p.author_id",
            PostsOf::Claimant => "p.claimed_by",
        };
        let rows: Vec<PostRow> = sqlx::query_as(&format!(
            "SELECT {POST_COLUMNS} {POST_JOINS} \
             JOIN memberships m ON m.board_id = p.board_id AND m.user_id = $2 \
             WHERE {column} = $2 AND p.removed = FALSE \
             AND (p.hidden = FALSE OR m.role = 'organiser') ORDER BY p.created_at_ms DESC LIMIT 100"
        ))
        .bind(now_ms())
        .bind(viewer.user_id.as_str())
        .fetch_all(self.pool())
        .await
        .internal()?;
        Ok(rows
            .iter()
            .map(|row| row.card_for(&viewer.user_id))
            .collect())
    }
}

/// Which of the viewer's posts "my activity" lists.
enum PostsOf {
    Author,
    Claimant,
}
