//! Volunteers and vetting: a member's offer to volunteer on a board (opt in, change, pause,
//! resume, stop), vetting recorded by organisers and partners, and who holds a current one.

use model::refusal::{OrganiserAction, Refusal};
use model::{
    coordination::VolunteerPage,
    ids::Slug,
    moderation::AuditAction,
    rules::may_record_vetting,
    views::Viewer,
    volunteer::{vetting_expiry, VolunteerChange},
    AppError,
};
use sqlx::{Any, Transaction};

use crate::{
    access::membership_in,
    audit::Audit,
    changes::{rejected, Written},
    error::OrInternal,
    rows::{ProfileRow, PROFILE_COLUMNS},
    vetting::is_vetted,
    Db,
};

impl Db {
    /// `/b/:slug/volunteer`: the viewer's own offer on the board, if any.
    pub async fn volunteer_page(
        &self,
        viewer: &Viewer,
        slug: &Slug,
    ) -> Result<VolunteerPage, AppError> {
        let membership = self.require_membership(viewer, slug).await?;
        let board = self
            .my_boards(viewer)
            .await?
            .into_iter()
            .find(|b| b.id == membership.board_id)
            .ok_or(AppError::Internal)?;
        let now = model::ids::now_ms();
        let row: Option<ProfileRow> = sqlx::query_as(&format!(
            "SELECT {PROFILE_COLUMNS} FROM volunteers v WHERE v.board_id = $1 AND v.user_id = $2"
        ))
        .bind(board.id.as_str())
        .bind(viewer.user_id.as_str())
        .fetch_optional(self.pool())
        .await
        .internal()?;
        let vetted = is_vetted(self.pool(), &board.id, &viewer.user_id, now).await?;
        let recent_tasks = match &row {
            Some(_) => {
                let load =
                    crate::coordination::candidates(self.pool(), &board.id, Some(&viewer.user_id))
                        .await?;
                load.first().map_or(0, |c| c.recent_tasks)
            }
            None => 0,
        };
        Ok(VolunteerPage {
            board,
            paused: row.as_ref().is_some_and(|r| r.paused != 0),
            profile: row.as_ref().map(ProfileRow::profile),
            vetted,
            recent_tasks,
        })
    }

    /// Applies a volunteering change inside the mutation's transaction.
    pub(crate) async fn apply_volunteer(
        &self,
        tx: &mut Transaction<'static, Any>,
        viewer: &Viewer,
        change: &VolunteerChange,
        now: i64,
    ) -> Result<Written, AppError> {
        let membership = membership_in(&mut **tx, viewer, change.board_id()).await?;
        let board_id = &membership.board_id;
        match change {
            VolunteerChange::SetProfile { profile, .. } => {
                let skills: Vec<&str> = profile.skills.iter().map(|c| c.as_str()).collect();
                sqlx::query(
                    "INSERT INTO volunteers (board_id, user_id, skills, other_skills, availability, \
                     max_per_week, paused, joined_at_ms, updated_at_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7, $7) \
                     ON CONFLICT (board_id, user_id) DO UPDATE SET skills = excluded.skills, \
                     other_skills = excluded.other_skills, availability = excluded.availability, \
                     max_per_week = excluded.max_per_week, paused = FALSE, \
                     updated_at_ms = excluded.updated_at_ms",
                )
                .bind(board_id.as_str())
                .bind(viewer.user_id.as_str())
                .bind(skills.join(","))
                .bind(profile.other_skills.trim())
                .bind(profile.availability.bits())
                .bind(i64::from(profile.max_per_week))
                .bind(now)
                .execute(&mut **tx)
                .await
                .internal()?;
            }
            VolunteerChange::SetPaused { paused, .. } => {
                let value = if *paused { "TRUE" } else { "FALSE" };
                let updated = sqlx::query(&format!(
                    "UPDATE volunteers SET paused = {value}, updated_at_ms = $1 \
                     WHERE board_id = $2 AND user_id = $3"
                ))
                .bind(now)
                .bind(board_id.as_str())
                .bind(viewer.user_id.as_str())
                .execute(&mut **tx)
                .await
                .internal()?;
                if updated.rows_affected() == 0 {
                    return Ok(not_a_volunteer());
                }
            }
            VolunteerChange::StopVolunteering { .. } => {
                let deleted =
                    sqlx::query("DELETE FROM volunteers WHERE board_id = $1 AND user_id = $2")
                        .bind(board_id.as_str())
                        .bind(viewer.user_id.as_str())
                        .execute(&mut **tx)
                        .await
                        .internal()?;
                if deleted.rows_affected() == 0 {
                    return Ok(not_a_volunteer());
                }
                // Requests they were asked about go back to the organisers as declined.
                sqlx::query(
                    "UPDATE assignments SET answer = 'declined', answered_at_ms = $1 \
                     WHERE board_id = $2 AND volunteer_id = $3 AND answer IS NULL",
                )
                .bind(now)
                .bind(board_id.as_str())
                .bind(viewer.user_id.as_str())
                .execute(&mut **tx)
                .await
                .internal()?;
            }
            VolunteerChange::RecordVetting {
                vetting_id,
                volunteer_id,
                kind,
                expires_on,
                ..
            } => {
                if !may_record_vetting(membership.role) {
                    return Err(AppError::Refused(Refusal::OrganisersOnly {
                        action: OrganiserAction::RecordVetting,
                    }));
                }
                if *volunteer_id == viewer.user_id {
                    return Err(AppError::Refused(Refusal::CannotVetSelf));
                }
                let volunteer = Viewer {
                    user_id: volunteer_id.clone(),
                    display_name: String::new(),
                };
                if membership_in(&mut **tx, &volunteer, board_id)
                    .await
                    .is_err()
                {
                    return Ok(rejected(Refusal::TheyLeftBoard));
                }
                let exists: Option<String> =
                    sqlx::query_scalar("SELECT id FROM vettings WHERE id = $1")
                        .bind(vetting_id)
                        .fetch_optional(&mut **tx)
                        .await
                        .internal()?;
                if exists.is_some() {
                    return Ok(rejected(Refusal::VettingAlreadyRecorded));
                }
                let expires_at_ms = vetting_expiry(expires_on, now)
                    .map_err(|m| AppError::field("expires_on", m))?;
                sqlx::query(
                    "INSERT INTO vettings (id, board_id, user_id, kind, recorded_by, recorded_at_ms, \
                     expires_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(vetting_id)
                .bind(board_id.as_str())
                .bind(volunteer_id.as_str())
                .bind(kind.trim())
                .bind(viewer.user_id.as_str())
                .bind(now)
                .bind(expires_at_ms)
                .execute(&mut **tx)
                .await
                .internal()?;
                // The log says who was vetted and by whom; the kind and dates stay in the record.
                let audit = Audit {
                    board_id,
                    actor_id: &viewer.user_id,
                    action: AuditAction::RecordVetting,
                    post_id: None,
                    member_id: Some(volunteer_id),
                    reason: "",
                };
                audit.record(&mut **tx).await?;
            }
        }
        // A volunteer's own offer: nothing a board shows changes.
        Ok(Written::Applied(None))
    }
}

fn not_a_volunteer() -> Written {
    rejected(Refusal::NotAVolunteer)
}
