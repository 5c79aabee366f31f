//! Volunteering and coordination: a member's offer to volunteer, organisers' coordination
//! view (assigning, vetting), and a volunteer's tasks and answers. Every write is a mutation
//! with the form's id, applied exactly once; each form lands back on its page.

// A form's server function takes one argument per field; the generated client functions
// carry them all, so the lint is off for this module rather than for one function.
#![allow(clippy::too_many_arguments)]

use std::collections::HashMap;

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use model::{coordination::Coordination, volunteer::VolunteerChange, MutationKind};
use model::{
    coordination::{CoordinationPage, Task, VolunteerPage},
    ids::{BoardId, PostId, Slug, UserId},
    AppError,
};

/// A board's slug as it may appear in a path we redirect to.
#[cfg(feature = "ssr")]
fn board_path(slug: &Slug, page: &str) -> Result<String, AppError> {
    let text = slug.as_str();
    let safe = !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if safe {
        Ok(format!("/b/{slug}/{page}"))
    } else {
        Err(super::server::fail(AppError::Refused(
            model::Refusal::NoSuchBoard,
        )))
    }
}

#[server(prefix = "/api", endpoint = "load_volunteer")]
pub async fn load_volunteer(slug: Slug) -> Result<VolunteerPage, AppError> {
    use super::server::*;
    let viewer = require_viewer().await?;
    keep_off_the_phone();
    respond(store()?.volunteer_page(&viewer, &slug).await)
}

/// The volunteer form: ticked boxes arrive as `skills[shopping]=on` and
/// `slots[mon_morning]=on` (named keys, so a form without JavaScript sends them as they are).
#[server(prefix = "/api", endpoint = "save_volunteer")]
pub async fn save_volunteer(
    id: String,
    board_id: BoardId,
    slug: Slug,
    skills: Option<HashMap<String, String>>,
    slots: Option<HashMap<String, String>>,
    other_skills: String,
    max_per_week: String,
) -> Result<(), AppError> {
    use super::{posts::submit, server::fail};
    use model::volunteer::VolunteerProfile;
    let (skills, slots) = (skills.unwrap_or_default(), slots.unwrap_or_default());
    let profile = VolunteerProfile::from_form(
        skills.keys().map(String::as_str),
        slots.keys().map(String::as_str),
        &other_skills,
        &max_per_week,
    )
    .map_err(fail)?;
    let path = board_path(&slug, "volunteer")?;
    submit(
        id,
        MutationKind::Volunteer(VolunteerChange::SetProfile { board_id, profile }),
    )
    .await?;
    leptos_axum::redirect(&path);
    Ok(())
}

/// `pause`, `resume` or `stop` volunteering on the board.
#[server(prefix = "/api", endpoint = "volunteer_status")]
pub async fn volunteer_status(
    id: String,
    board_id: BoardId,
    slug: Slug,
    action: String,
) -> Result<(), AppError> {
    use super::{posts::submit, server::fail};
    let change = match action.as_str() {
        "pause" | "resume" => VolunteerChange::SetPaused {
            board_id,
            paused: action == "pause",
        },
        "stop" => VolunteerChange::StopVolunteering { board_id },
        _ => {
            return Err(fail(AppError::field(
                "action",
                "That is not something you can do with your offer to volunteer.",
            )))
        }
    };
    let path = board_path(&slug, "volunteer")?;
    submit(id, MutationKind::Volunteer(change)).await?;
    leptos_axum::redirect(&path);
    Ok(())
}

#[server(prefix = "/api", endpoint = "load_coordination")]
pub async fn load_coordination(slug: Slug) -> Result<CoordinationPage, AppError> {
    use super::server::*;
    let viewer = require_viewer().await?;
    keep_off_the_phone();
    respond(store()?.coordination_page(&viewer, &slug).await)
}

/// Organisers: ask a volunteer to help with an open request.
#[server(prefix = "/api", endpoint = "assign_volunteer")]
pub async fn assign_volunteer(
    id: String,
    slug: Slug,
    post_id: PostId,
    volunteer_id: UserId,
) -> Result<(), AppError> {
    use super::posts::submit;
    let path = board_path(&slug, "coordinate")?;
    submit(
        id,
        MutationKind::Coordinate(Coordination::Assign {
            post_id,
            volunteer_id,
        }),
    )
    .await?;
    leptos_axum::redirect(&path);
    Ok(())
}

/// Organisers and partners: a volunteer has been vetted.
#[server(prefix = "/api", endpoint = "record_vetting")]
pub async fn record_vetting(
    id: String,
    slug: Slug,
    vetting_id: String,
    board_id: BoardId,
    volunteer_id: UserId,
    kind: String,
    expires_on: String,
) -> Result<(), AppError> {
    use super::posts::submit;
    let path = board_path(&slug, "coordinate")?;
    submit(
        id,
        MutationKind::Volunteer(VolunteerChange::RecordVetting {
            vetting_id,
            board_id,
            volunteer_id,
            kind,
            expires_on,
        }),
    )
    .await?;
    leptos_axum::redirect(&format!("{path}#roster"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "my_tasks")]
pub async fn my_tasks() -> Result<Vec<Task>, AppError> {
    use super::server::*;
    let viewer = require_viewer().await?;
    keep_off_the_phone();
    respond(store()?.my_tasks(&viewer).await)
}

/// The volunteer's answer: `accept` (to the request's page, where they now help) or
/// `decline` (back to their tasks).
#[server(prefix = "/api", endpoint = "answer_task")]
pub async fn answer_task(id: String, post_id: PostId, answer: String) -> Result<(), AppError> {
    use super::{posts::submit, server::fail};
    let change = match answer.as_str() {
        "accept" => Coordination::Accept {
            post_id: post_id.clone(),
        },
        "decline" => Coordination::Decline {
            post_id: post_id.clone(),
        },
        _ => {
            return Err(fail(AppError::field(
                "answer",
                "Answer with accept or decline.",
            )))
        }
    };
    submit(id, MutationKind::Coordinate(change)).await?;
    leptos_axum::redirect(&if answer == "accept" {
        format!("/p/{post_id}")
    } else {
        "/tasks".to_string()
    });
    Ok(())
}
