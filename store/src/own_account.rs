//! A person's hold on their own account: change the password (every other device is signed
//! out), sign out everywhere, and the clearing away of what is kept only for a while (ended
//! sessions, old sign-in attempts, the record of writes once no phone can send them again).

use model::dates::DAY_MS;
use model::{
    ids::{now_ms, BoardId, UserId},
    moderation::AuditAction,
    validate,
    views::Viewer,
    AppError, FieldErrors,
};
use sqlx::{Any, Transaction};

use crate::{
    accounts::{live_session_bounds, token_hash},
    audit::Audit,
    changes::{lock_board, posts_where, renumber, Moved},
    departure::depart,
    error::OrInternal,
    name_changes::renumber_posts_of,
    password,
    schema::DELETED_KEY_PREFIX,
    Db,
};

/// What a deleted account's posts and replies are shown under.
pub const FORMER_NEIGHBOUR: &str = "A former neighbour";

/// Wrong current passwords one account may give in the window before it waits: a stolen
/// session must not become a free way to guess the password.
const WRONG_CURRENT_PASSWORDS: i64 = 5;

/// The longest a phone may stay offline and still send what it kept: its writes are answered
/// from the record of writes until then. Records older than this are cleared.
pub const OFFLINE_DAYS: i64 = 90;

/// What was cleared by one `purge`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub attempts: u64,
    pub write_records: u64,
}

impl Db {
    /// Changes the viewer's password, given the current one, and signs out every other device
    /// (the one asking, holding `current_token`, stays signed in).
    pub async fn change_password(
        &self,
        viewer: &Viewer,
        current_token: &str,
        current: String,
        new: String,
    ) -> Result<(), AppError> {
        let mut errors = FieldErrors::new();
        errors.check(
            "new_password",
            validate::password(&new, &viewer.display_name),
        );
        errors.into_result()?;

        self.confirm_password(viewer, current, "current_password")
            .await?;
        let hash = password::hash(&self.hashing, new).await?;
        // One transaction, carried to its end even if the phone goes: the new password and
        // the other devices signed out, or neither.
        let (user_id, keep) = (viewer.user_id.clone(), token_hash(current_token));
        self.to_the_end(move |db, on_its_own| async move {
            let mut tx = db.begin_write(&on_its_own).await?;
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(&hash.0)
                .bind(user_id.as_str())
                .execute(&mut **tx)
                .await
                .internal()?;
            end_sessions(&mut tx, &user_id, Some(&keep)).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Checks `password` is the viewer's own, counting a wrong one against a small limit (a
    /// stolen session must not become a free way to guess it); `field` names the form's box.
    async fn confirm_password(
        &self,
        viewer: &Viewer,
        password: String,
        field: &str,
    ) -> Result<(), AppError> {
        // Counted before the slow check, as sign-in does, so guesses sent in parallel count
        // against each other; taken back when the password is right.
        let now = now_ms();
        let key = format!("confirm-password:{}", viewer.user_id);
        let attempt = self.record_attempt(&[&key], now).await?;
        if let Err(refusal) = self
            .refuse_if_rate_limited(&key, WRONG_CURRENT_PASSWORDS, now)
            .await
        {
            self.forget_attempt(&attempt).await?;
            return Err(refusal);
        }
        let stored: Option<String> =
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
                .bind(viewer.user_id.as_str())
                .fetch_optional(self.pool())
                .await
                .internal()?;
        let right = password::verify(&self.hashing, password, stored).await;
        if !matches!(right, Ok(false)) {
            // Right, or not checked at all (busy): not a wrong guess.
            self.forget_attempt(&attempt).await?;
        }
        if !right? {
            return Err(AppError::field(field, "That is not your password."));
        }
        Ok(())
    }

    /// Deletes the viewer's account, given their password. At once: their contact details,
    /// house numbers, volunteering and vetting go, what they were helping with opens again,
    /// every session ends, and their name becomes "a former neighbour" (`FORMER_NEIGHBOUR`).
    /// Their posts and replies stay for the street under that name, unless `remove_posts`:
    /// then their posts leave every board (those they left before too) and their replies are
    /// deleted. Kept posts still open or claimed are withdrawn: nobody is left to accept a
    /// helper or say thank you. Each board they were on records the deletion, under no name.
    pub async fn delete_account(
        &self,
        viewer: &Viewer,
        password: String,
        remove_posts: bool,
    ) -> Result<(), AppError> {
        self.confirm_password(viewer, password, "password").await?;
        let user_id = viewer.user_id.clone();
        let moved = self
            .to_the_end(move |db, on_its_own| async move {
                let mut tx = db.begin_write(&on_its_own).await?;
                let now = now_ms();
                // Every board they are on or wrote on, in one order (the board's row first, as
                // a join, a removal and leaving take it).
                let boards: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT board_id, MAX(member) FROM (\
                     SELECT board_id, 1 AS member FROM memberships WHERE user_id = $1 \
                     UNION ALL SELECT board_id, 0 FROM posts WHERE author_id = $1 \
                     UNION ALL SELECT board_id, 0 FROM replies WHERE author_id = $1) t \
                     GROUP BY board_id ORDER BY board_id",
                )
                .bind(user_id.as_str())
                .fetch_all(&mut **tx)
                .await
                .internal()?;
                let mut moved = Vec::new();
                for (board_id, member) in boards {
                    let board_id = BoardId::from(board_id);
                    lock_board(&mut tx, &board_id).await?;
                    if member == 1 {
                        let deleted = Audit {
                            board_id: &board_id,
                            actor_id: &user_id,
                            action: AuditAction::DeleteAccount,
                            post_id: None,
                            member_id: None,
                            reason: "",
                        };
                        deleted.record(&mut **tx).await?;
                        moved.extend(depart(&mut tx, &board_id, &user_id, now).await?);
                    }
                    let writing = if remove_posts {
                        take_down_their_writing(&mut tx, &board_id, &user_id).await?
                    } else {
                        withdraw_live_posts(&mut tx, &board_id, &user_id).await?
                    };
                    moved.extend(writing);
                    // Their name on what stays (posts done, helped with, replied to) becomes
                    // "a former neighbour" on the phones too.
                    moved.extend(renumber_posts_of(&mut tx, &board_id, &user_id).await?);
                }
                // The name goes, and is free again; what it looks like now is "a former
                // neighbour", so nobody can sign up to pass for the deleted.
                sqlx::query(
                    "UPDATE users SET display_name = $1, name_key = $2, name_likeness = $3, \
                     password_hash = '', phone = '', email = '' WHERE id = $4",
                )
                .bind(FORMER_NEIGHBOUR)
                .bind(format!("{DELETED_KEY_PREFIX}{user_id}"))
                .bind(model::names::likeness(FORMER_NEIGHBOUR))
                .bind(user_id.as_str())
                .execute(&mut **tx)
                .await
                .internal()?;
                end_sessions(&mut tx, &user_id, None).await?;
                tx.commit().await?;
                Ok(moved)
            })
            .await?;
        for moved in moved {
            self.announce(moved);
        }
        Ok(())
    }

    /// Ends every session of `user_id`, on every device, this one included.
    pub async fn sign_out_everywhere(&self, user_id: &UserId) -> Result<(), AppError> {
        let user_id = user_id.clone();
        self.to_the_end(move |db, on_its_own| async move {
            let mut tx = db.begin_write(&on_its_own).await?;
            end_sessions(&mut tx, &user_id, None).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Clears what is kept only for a while, as of `now`: sessions past their end or unused
    /// for `SESSION_IDLE_DAYS`, attempts past their window, and records of writes older than
    /// `OFFLINE_DAYS` (a phone offline longer than that sends its writes as new, and each is
    /// checked again: a post that exists already is refused, not doubled). Writers take their
    /// turn as any write does.
    pub async fn purge(&self, now: i64) -> Result<Purged, AppError> {
        self.to_the_end(move |db, on_its_own| async move {
            let mut tx = db.begin_write(&on_its_own).await?;
            // Exactly the sessions `LIVE_SESSION_AT_2_3` no longer finds, by the same bounds.
            let (not_expired_at, used_since) = live_session_bounds(now);
            let sessions = sqlx::query(
                "DELETE FROM sessions WHERE expires_at_ms <= $1 OR last_used_at_ms <= $2",
            )
            .bind(not_expired_at)
            .bind(used_since)
            .execute(&mut **tx)
            .await
            .internal()?;
            let attempts = sqlx::query("DELETE FROM sign_in_failures WHERE at_ms <= $1")
                .bind(now - crate::attempts::FAILURE_WINDOW_MS)
                .execute(&mut **tx)
                .await
                .internal()?;
            let write_records = sqlx::query("DELETE FROM mutations WHERE applied_at_ms <= $1")
                .bind(now - OFFLINE_DAYS * DAY_MS)
                .execute(&mut **tx)
                .await
                .internal()?;
            tx.commit().await?;
            Ok(Purged {
                sessions: sessions.rows_affected(),
                attempts: attempts.rows_affected(),
                write_records: write_records.rows_affected(),
            })
        })
        .await
    }
}

/// Ends every session of `user_id` but the one whose token hash is `keeping`, if any.
async fn end_sessions(
    tx: &mut Transaction<'static, Any>,
    user_id: &UserId,
    keeping: Option<&str>,
) -> Result<(), AppError> {
    // No stored hash is empty, so with nothing to keep every session ends.
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id.as_str())
        .bind(keeping.unwrap_or_default())
        .execute(&mut **tx)
        .await
        .internal()?;
    Ok(())
}

/// Takes `user_id`'s posts on `board_id` off the board and deletes their replies there, each
/// post changed under a new board number so phones hear of it (a removed post reaches them as
/// a tombstone, a post that lost a reply as its new self).
async fn take_down_their_writing(
    tx: &mut Transaction<'static, Any>,
    board_id: &BoardId,
    user_id: &UserId,
) -> Result<Option<Moved>, AppError> {
    let theirs = posts_where(tx, board_id, user_id, "author_id = $2").await?;
    let replied_on = posts_where(
        tx,
        board_id,
        user_id,
        "author_id <> $2 AND id IN (SELECT post_id FROM replies WHERE author_id = $2)",
    )
    .await?;
    sqlx::query("DELETE FROM replies WHERE board_id = $1 AND author_id = $2")
        .bind(board_id.as_str())
        .bind(user_id.as_str())
        .execute(&mut **tx)
        .await
        .internal()?;
    let removed = renumber(tx, board_id, &theirs, ", removed = TRUE").await?;
    Ok(renumber(tx, board_id, &replied_on, "").await?.or(removed))
}

/// Withdraws `user_id`'s posts on `board_id` that are still open or claimed, each under a new
/// board number so phones hear of it: a deleted account cannot accept a helper or be helped.
async fn withdraw_live_posts(
    tx: &mut Transaction<'static, Any>,
    board_id: &BoardId,
    user_id: &UserId,
) -> Result<Option<Moved>, AppError> {
    let live = posts_where(
        tx,
        board_id,
        user_id,
        "author_id = $2 AND status IN ('open', 'claimed')",
    )
    .await?;
    let withdrawn =
        ", status = 'withdrawn', claimed_by = NULL, claimed_at_ms = NULL, details_shared = FALSE";
    renumber(tx, board_id, &live, withdrawn).await
}
