//! Posts whose shown names change without a write of their own: a member whose name looks like
//! another's joins or leaves a board (the street marks that tell them apart appear or go), or an
//! account is deleted (its name becomes "a former neighbour"). Each such post gets a new change
//! number, so a phone holding it pulls it again instead of keeping the old name or mark.

use model::{
    ids::{BoardId, UserId},
    AppError,
};
use sqlx::{Any, Transaction};

use crate::{
    changes::{posts_where, renumber, Moved},
    error::OrInternal,
};

/// `person` joined or left `board_id` (whose memberships are already as they are now): if a
/// member there has a name that looks like theirs, the marks on the posts naming any of them
/// (as author, helper or in a reply) change. The last change number it moved the board to.
pub(crate) async fn renumber_for_look_alikes(
    tx: &mut Transaction<'static, Any>,
    board_id: &BoardId,
    person: &UserId,
) -> Result<Option<Moved>, AppError> {
    let look_alike_member: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id \
         JOIN users me ON me.id = $2 \
         WHERE m.board_id = $1 AND u.id <> me.id AND me.name_likeness <> '' \
         AND u.name_likeness = me.name_likeness",
    )
    .bind(board_id.as_str())
    .bind(person.as_str())
    .fetch_one(&mut **tx)
    .await
    .internal()?;
    if look_alike_member == 0 {
        return Ok(None);
    }
    renumber_posts_naming(
        tx,
        board_id,
        person,
        "SELECT u.id FROM users u JOIN users me ON me.id = $2 \
         WHERE u.id = me.id OR u.name_likeness = me.name_likeness",
    )
    .await
}

/// Every post on `board_id` naming `person` (as author, helper or in a reply), whose name is
/// about to change. The last change number it moved the board to.
pub(crate) async fn renumber_posts_of(
    tx: &mut Transaction<'static, Any>,
    board_id: &BoardId,
    person: &UserId,
) -> Result<Option<Moved>, AppError> {
    renumber_posts_naming(
        tx,
        board_id,
        person,
        "SELECT u.id FROM users u WHERE u.id = $2",
    )
    .await
}

/// Renumbers the posts on `board_id` naming anyone `people` selects (SQL with `$2` bound to
/// `person`).
async fn renumber_posts_naming(
    tx: &mut Transaction<'static, Any>,
    board_id: &BoardId,
    person: &UserId,
    people: &str,
) -> Result<Option<Moved>, AppError> {
    let naming = format!(
        "(author_id IN ({people}) OR claimed_by IN ({people}) OR EXISTS (SELECT 1 FROM replies r \
         WHERE r.post_id = posts.id AND r.author_id IN ({people})))"
    );
    let posts = posts_where(tx, board_id, person, &naming).await?;
    renumber(tx, board_id, &posts, "").await
}
