//! Who is on a board, and in what role: the membership every board read and write starts
//! from, and whether an organiser removed someone.

use model::ids::BoardId;
use model::refusal::Refusal;
use model::{ids::UserId, views::Viewer, AppError, Role};
use sqlx::Any;

use crate::error::OrInternal;

/// The viewer's membership of one board.
pub struct Membership {
    pub board_id: BoardId,
    pub role: Role,
    pub street: String,
    pub house_number: String,
}

/// The viewer's membership of the board with this id, read through `executor`. Inside a write
/// transaction this must be the transaction's own connection: taking a second one from the
/// pool deadlocks (until the acquire timeout) once a burst of writers holds every connection.
pub(crate) async fn membership_in<'e, E>(
    executor: E,
    viewer: &Viewer,
    board_id: &BoardId,
) -> Result<Membership, AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row: Option<(String, String, String, String)> = sqlx::query_as(
        "SELECT board_id, role, street, house_number FROM memberships WHERE user_id = $1 AND board_id = $2",
    )
    .bind(viewer.user_id.as_str())
    .bind(board_id.as_str())
    .fetch_optional(executor)
    .await
    .internal()?;
    not_a_member_unless(row)
}

/// The viewer's membership of the board with this id, and the board's change number, in one
/// read: what a pull needs before anything else (most pulls need nothing more).
pub(crate) async fn membership_and_last_seq<'e, E>(
    executor: E,
    viewer: &Viewer,
    board_id: &BoardId,
) -> Result<(Membership, i64), AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row: Option<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT m.board_id, m.role, m.street, m.house_number, b.last_seq FROM memberships m \
         JOIN boards b ON b.id = m.board_id WHERE m.user_id = $1 AND m.board_id = $2",
    )
    .bind(viewer.user_id.as_str())
    .bind(board_id.as_str())
    .fetch_optional(executor)
    .await
    .internal()?;
    let last_seq = row.as_ref().map_or(0, |row| row.4);
    let membership =
        not_a_member_unless(row.map(|(id, role, street, house, _)| (id, role, street, house)))?;
    Ok((membership, last_seq))
}

pub(crate) fn not_a_member_unless(
    row: Option<(String, String, String, String)>,
) -> Result<Membership, AppError> {
    match row {
        Some((board_id, role, street, house_number)) => Ok(Membership {
            board_id: BoardId::from(board_id),
            role: Role::parse(&role).unwrap_or(Role::Neighbour),
            street,
            house_number,
        }),
        None => Err(AppError::Refused(Refusal::MembersOnly)),
    }
}

/// Whether an organiser removed `user_id` from the board (and has not let them back).
pub(crate) async fn is_removed<'e, E>(
    executor: E,
    board_id: &BoardId,
    user_id: &UserId,
) -> Result<bool, AppError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    let row: Option<String> = sqlx::query_scalar(
        "SELECT user_id FROM board_removals WHERE board_id = $1 AND user_id = $2",
    )
    .bind(board_id.as_str())
    .bind(user_id.as_str())
    .fetch_optional(executor)
    .await
    .internal()?;
    Ok(row.is_some())
}
