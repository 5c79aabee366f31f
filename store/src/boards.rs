//! Boards and memberships: start a board, join by invite code, new invite codes, leave, and
//! the boards a person belongs to. Boards are visible to their members only.

use model::refusal::{OrganiserAction, Refusal};
use model::{
    ids::{now_ms, BoardId, Slug, UserId},
    moderation::AuditAction,
    validate,
    views::BoardSummary,
    views::Viewer,
    AppError, FieldErrors, Role,
};
use rand::Rng as _;

use crate::{
    access::{is_removed, membership_in, not_a_member_unless, Membership},
    audit::Audit,
    changes::lock_board,
    departure::depart,
    error::{is_unique_violation, OrInternal},
    name_changes::renumber_for_look_alikes,
    write::OnItsOwn,
    Db,
};

/// Invite codes avoid letters and digits that are easy to misread (0/O, 1/l/I).
const INVITE_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
const INVITE_LENGTH: usize = 10;

/// What a person fills in to start a board.
pub struct NewBoard {
    pub board_id: BoardId,
    pub name: String,
    pub streets: String,
    /// The starter's own street (one of `streets`); the first street when empty.
    pub my_street: String,
    pub house_number: String,
}

/// A board checked and ready to store, with its organiser: owned, so it can be stored on a task
/// of its own (see `write`).
struct BoardToMake {
    id: BoardId,
    name: String,
    streets: Vec<String>,
    organiser_id: UserId,
    organiser_street: String,
    organiser_house_number: String,
}

fn new_invite_code() -> String {
    let mut rng = rand::rng();
    (0..INVITE_LENGTH)
        .map(|_| INVITE_ALPHABET[rng.random_range(0..INVITE_ALPHABET.len())] as char)
        .collect()
}

/// "Elm Road & Ash Grove" becomes "elm-road-ash-grove".
pub fn slug_of(name: &str) -> String {
    let mut slug = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug
        .trim_end_matches('-')
        .chars()
        .take(40)
        .collect::<String>();
    if slug.is_empty() {
        "board".to_string()
    } else {
        slug
    }
}

fn pick_street(streets: &[String], chosen: &str) -> Result<String, AppError> {
    let chosen = chosen.trim();
    if chosen.is_empty() {
        return streets
            .first()
            .cloned()
            .ok_or_else(|| AppError::field("streets", "Name at least one street."));
    }
    streets
        .iter()
        .find(|s| s.eq_ignore_ascii_case(chosen))
        .cloned()
        .ok_or_else(|| {
            AppError::field(
                "street",
                format!(
                    "Choose one of this board's streets: {}.",
                    streets.join(", ")
                ),
            )
        })
}

/// Wrong invite codes one address may try within the window before it must wait.
pub const MAX_INVITE_MISSES_PER_ADDRESS: i64 = 20;

impl Db {
    pub async fn create_board(
        &self,
        viewer: &Viewer,
        form: NewBoard,
    ) -> Result<BoardSummary, AppError> {
        let mut errors = FieldErrors::new();
        errors.check("name", validate::board_name(&form.name));
        errors.check("streets", validate::streets(&form.streets));
        errors.check("house_number", validate::house_number(&form.house_number));
        if !model::ids::is_valid_id(form.board_id.as_str()) {
            errors.check(
                "id",
                Err("This form is out of date; please reload the page.".into()),
            );
        }
        errors.into_result()?;
        let streets = validate::parse_streets(&form.streets);
        let my_street = pick_street(&streets, &form.my_street)?;
        let name = form.name.trim().to_string();

        // A resubmitted form (same id) gives the board it already made.
        if let Some(existing) = self.board_summary_by_id(viewer, &form.board_id).await? {
            return Ok(existing);
        }
        let board = BoardToMake {
            id: form.board_id.clone(),
            name,
            streets,
            organiser_id: viewer.user_id.clone(),
            organiser_street: my_street,
            organiser_house_number: form.house_number.trim().to_string(),
        };
        let made = self
            .to_the_end(
                move |db, on_its_own| async move { db.make_board(&on_its_own, &board).await },
            )
            .await?;
        if !made {
            return Err(AppError::field(
                "name",
                "Many boards already have a name like this; please choose another.",
            ));
        }
        self.board_summary_by_id(viewer, &form.board_id)
            .await?
            .ok_or(AppError::Internal)
    }

    /// Stores `board` with its organiser under the first free slug made from its name; `false`
    /// when twenty are taken.
    async fn make_board(
        &self,
        on_its_own: &OnItsOwn,
        board: &BoardToMake,
    ) -> Result<bool, AppError> {
        let base = slug_of(&board.name);
        for attempt in 1..=20 {
            let slug = if attempt == 1 {
                base.clone()
            } else {
                format!("{base}-{attempt}")
            };
            let mut tx = self.begin_write(on_its_own).await?;
            let inserted = sqlx::query(
                "INSERT INTO boards (id, slug, name, streets, invite_code, created_by, created_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(board.id.as_str())
            .bind(&slug)
            .bind(&board.name)
            .bind(board.streets.join("\n"))
            .bind(new_invite_code())
            .bind(board.organiser_id.as_str())
            .bind(now_ms())
            .execute(&mut **tx)
            .await;
            match inserted {
                Ok(_) => {}
                // The slug (or, vanishingly rarely, the invite code) is taken: try the next.
                Err(e) if is_unique_violation(&e) => {
                    tx.rollback().await;
                    // The same form again (a retry after a lost answer) while or after the
                    // first made it: the board is there, with this organiser.
                    if self.board_made_by(&board.id, &board.organiser_id).await? {
                        return Ok(true);
                    }
                    continue;
                }
                Err(e) => return Err(e).internal(),
            }
            sqlx::query(
                "INSERT INTO memberships (board_id, user_id, role, street, house_number, joined_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(board.id.as_str())
            .bind(board.organiser_id.as_str())
            .bind(Role::Organiser.as_str())
            .bind(&board.organiser_street)
            .bind(&board.organiser_house_number)
            .bind(now_ms())
            .execute(&mut **tx)
            .await
            .internal()?;
            tx.commit().await?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Whether the board `board_id` exists with `organiser_id` as its organiser.
    async fn board_made_by(
        &self,
        board_id: &BoardId,
        organiser_id: &UserId,
    ) -> Result<bool, AppError> {
        let found: Option<String> = sqlx::query_scalar(
            "SELECT board_id FROM memberships WHERE board_id = $1 AND user_id = $2 AND role = $3",
        )
        .bind(board_id.as_str())
        .bind(organiser_id.as_str())
        .bind(Role::Organiser.as_str())
        .fetch_optional(self.pool())
        .await
        .internal()?;
        Ok(found.is_some())
    }

    /// The board's name and streets for the invite page (anyone holding the code may see them).
    /// `address` is the client's network address: wrong codes from it are counted, and past
    /// `MAX_INVITE_MISSES_PER_ADDRESS` it must wait (a code cannot be guessed by trying).
    pub async fn invite_preview(
        &self,
        code: &str,
        address: &str,
    ) -> Result<Option<(String, Vec<String>)>, AppError> {
        let misses = self.refuse_invite_guessing(address).await?;
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT name, streets FROM boards WHERE invite_code = $1")
                .bind(code.trim())
                .fetch_optional(self.pool())
                .await
                .internal()?;
        if row.is_none() {
            self.record_attempt(&[&misses], now_ms()).await?;
        }
        Ok(row.map(|(name, streets)| (name, streets.lines().map(String::from).collect())))
    }

    /// Refuses an address that has tried too many wrong invite codes; the key its next wrong
    /// code is counted under.
    async fn refuse_invite_guessing(&self, address: &str) -> Result<String, AppError> {
        let now = now_ms();
        let key = format!("invite:{address}");
        // Checked before this try is counted: at the limit already, it waits.
        self.refuse_if_rate_limited(&key, MAX_INVITE_MISSES_PER_ADDRESS - 1, now)
            .await?;
        Ok(key)
    }

    /// Joins the board whose invite code this is; joining twice is harmless. Returns the slug.
    /// `address` is the client's network address (wrong codes are counted, as for previews).
    pub async fn join_board(
        &self,
        viewer: &Viewer,
        code: &str,
        street: &str,
        house_number: &str,
        address: &str,
    ) -> Result<Slug, AppError> {
        validate::house_number(house_number).map_err(|m| AppError::field("house_number", m))?;
        let misses = self.refuse_invite_guessing(address).await?;
        let row: Option<(String, String, String)> =
            sqlx::query_as("SELECT id, slug, streets FROM boards WHERE invite_code = $1")
                .bind(code.trim())
                .fetch_optional(self.pool())
                .await
                .internal()?;
        let Some((board_id, slug, streets)) = row else {
            self.record_attempt(&[&misses], now_ms()).await?;
            return Err(AppError::Refused(Refusal::InviteExpired));
        };
        let board_id = BoardId::from(board_id);
        let streets: Vec<String> = streets.lines().map(String::from).collect();
        let street = pick_street(&streets, street)?;
        let (user_id, house_number) = (viewer.user_id.clone(), house_number.trim().to_string());
        let moved = self
            .to_the_end(move |db, on_its_own| async move {
                let mut tx = db.begin_write(&on_its_own).await?;
                // The board's row is locked first, as a removal locks it: a removal and a join by
                // the same person cannot interleave, so "not removed" still holds when the
                // membership is made (a removal racing a re-join can no longer lose).
                lock_board(&mut tx, &board_id).await?;
                if is_removed(&mut **tx, &board_id, &user_id).await? {
                    return Err(AppError::Refused(Refusal::RemovedFromBoard));
                }
                let inserted = sqlx::query(
                    "INSERT INTO memberships (board_id, user_id, role, street, house_number, \
                 joined_at_ms) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (board_id, user_id) DO NOTHING",
                )
                .bind(board_id.as_str())
                .bind(user_id.as_str())
                .bind(Role::Neighbour.as_str())
                .bind(&street)
                .bind(&house_number)
                .bind(now_ms())
                .execute(&mut **tx)
                .await;
                // A member whose name looks like the newcomer's is told apart from now on.
                let moved = if inserted.internal()?.rows_affected() == 1 {
                    renumber_for_look_alikes(&mut tx, &board_id, &user_id).await?
                } else {
                    None
                };
                tx.commit().await?;
                Ok(moved)
            })
            .await?;
        if let Some(moved) = moved {
            self.announce(moved);
        }
        Ok(Slug::from(slug))
    }

    /// Organisers: a new invite code; the old one stops working.
    pub async fn new_invite(&self, viewer: &Viewer, slug: &Slug) -> Result<String, AppError> {
        let membership = self.require_membership(viewer, slug).await?;
        if !membership.role.is_organiser() {
            return Err(AppError::Refused(Refusal::OrganisersOnly {
                action: OrganiserAction::NewInvite,
            }));
        }
        let (code, board_id, organiser_id) = (
            new_invite_code(),
            membership.board_id,
            viewer.user_id.clone(),
        );
        let stored = code.clone();
        self.to_the_end(move |db, on_its_own| async move {
            let mut tx = db.begin_write(&on_its_own).await?;
            sqlx::query("UPDATE boards SET invite_code = $1 WHERE id = $2")
                .bind(&stored)
                .bind(board_id.as_str())
                .execute(&mut **tx)
                .await
                .internal()?;
            let audit = Audit {
                board_id: &board_id,
                actor_id: &organiser_id,
                action: AuditAction::NewInvite,
                post_id: None,
                member_id: None,
                reason: "",
            };
            audit.record(&mut **tx).await?;
            tx.commit().await
        })
        .await?;
        Ok(code)
    }

    /// Leaves the board: the membership goes (with the house number kept in it), and what
    /// they were helping with is open again for someone else.
    pub async fn leave_board(&self, viewer: &Viewer, slug: &Slug) -> Result<(), AppError> {
        let membership = self.require_membership(viewer, slug).await?;
        let (board_id, user_id) = (membership.board_id, viewer.user_id.clone());
        let moved = self
            .to_the_end(move |db, on_its_own| async move {
                let mut tx = db.begin_write(&on_its_own).await?;
                // The board's row first, as a removal and a join take it: the same order
                // everywhere, so they queue rather than deadlock.
                lock_board(&mut tx, &board_id).await?;
                let moved = depart(&mut tx, &board_id, &user_id, now_ms()).await?;
                tx.commit().await?;
                Ok(moved)
            })
            .await?;
        if let Some(moved) = moved {
            self.announce(moved);
        }
        Ok(())
    }

    pub async fn my_boards(&self, viewer: &Viewer) -> Result<Vec<BoardSummary>, AppError> {
        let rows: Vec<BoardRow> = sqlx::query_as(BOARD_SUMMARY_SQL_BY_USER)
            .bind(viewer.user_id.as_str())
            .fetch_all(self.pool())
            .await
            .internal()?;
        Ok(rows.into_iter().map(BoardRow::into_summary).collect())
    }

    async fn board_summary_by_id(
        &self,
        viewer: &Viewer,
        board_id: &BoardId,
    ) -> Result<Option<BoardSummary>, AppError> {
        Ok(self
            .my_boards(viewer)
            .await?
            .into_iter()
            .find(|b| b.id == *board_id))
    }

    /// The viewer's membership of the board `slug`, or a refusal that gives nothing away.
    pub async fn require_membership(
        &self,
        viewer: &Viewer,
        slug: &Slug,
    ) -> Result<Membership, AppError> {
        let row: Option<(String, String, String, String)> = sqlx::query_as(
            "SELECT b.id, m.role, m.street, m.house_number FROM boards b \
             JOIN memberships m ON m.board_id = b.id AND m.user_id = $1 WHERE b.slug = $2",
        )
        .bind(viewer.user_id.as_str())
        .bind(slug.as_str())
        .fetch_optional(self.pool())
        .await
        .internal()?;
        not_a_member_unless(row)
    }

    /// The viewer's membership of the board with this id.
    pub async fn membership_by_board_id(
        &self,
        viewer: &Viewer,
        board_id: &BoardId,
    ) -> Result<Membership, AppError> {
        membership_in(self.pool(), viewer, board_id).await
    }
}

const BOARD_SUMMARY_SQL_BY_USER: &str = "\
    SELECT b.id, b.slug, b.name, b.streets, m.role, \
           (SELECT COUNT(*) FROM memberships c WHERE c.board_id = b.id) AS member_count \
    FROM boards b JOIN memberships m ON m.board_id = b.id \
    WHERE m.user_id = $1 ORDER BY b.name";

#[derive(sqlx::FromRow)]
struct BoardRow {
    #[sqlx(try_from = "String")]
    id: BoardId,
    #[sqlx(try_from = "String")]
    slug: Slug,
    name: String,
    streets: String,
    role: String,
    member_count: i64,
}

impl BoardRow {
    fn into_summary(self) -> BoardSummary {
        BoardSummary {
            id: self.id,
            slug: self.slug,
            name: self.name,
            streets: self.streets.lines().map(String::from).collect(),
            role: Role::parse(&self.role).unwrap_or(Role::Neighbour),
            member_count: self.member_count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_readable() {
        assert_eq!(slug_of("Elm Road & Ash Grove"), "elm-road-ash-grove");
        assert_eq!(slug_of("  !!  "), "board");
    }

    #[test]
    fn invite_codes_avoid_lookalike_characters() {
        let code = new_invite_code();
        assert_eq!(code.len(), INVITE_LENGTH);
        assert!(!code.contains(['0', 'o', '1', 'l', 'i']));
    }
}
