//! Moderation: any member reports a post; organisers read the moderation page, hide and
//! restore posts, dismiss reports, and remove members or let them back. Each write is a
//! mutation with the id the form carries, applied once; each form works without JavaScript
//! (the server function redirects to the page to show next).

use leptos::prelude::*;

use model::{
    ids::{BoardId, PostId, Slug, UserId},
    moderation::ModerationPage,
    AppError,
};

#[server(prefix = "/api", endpoint = "load_moderation")]
pub async fn load_moderation(slug: Slug) -> Result<ModerationPage, AppError> {
    use super::server::*;
    let viewer = require_viewer().await?;
    // Reports and the log are for organisers' eyes only.
    keep_off_the_phone();
    respond(store()?.moderation_page(&viewer, &slug).await)
}

/// Applies a moderation write as mutation `id` (see `posts::submit`).
#[cfg(feature = "ssr")]
async fn moderate(
    id: String,
    action: Result<model::moderation::Moderation, AppError>,
) -> Result<(), AppError> {
    let action = action.map_err(super::server::fail)?;
    super::posts::submit(id, model::MutationKind::Moderate(action)).await
}

/// "Report this post". `reason` is absent when no choice was ticked.
#[server(prefix = "/api", endpoint = "report_post")]
pub async fn report_post(
    id: String,
    report_id: String,
    post_id: PostId,
    reason: Option<String>,
    note: Option<String>,
) -> Result<(), AppError> {
    use model::moderation::report_form;
    let (reason, note) = (reason.unwrap_or_default(), note.unwrap_or_default());
    moderate(id, report_form(&report_id, &post_id, &reason, &note)).await?;
    leptos_axum::redirect(&format!("/p/{post_id}?reported=1"));
    Ok(())
}

/// Organisers' `hide` and `restore` buttons; back to the post (`back=post`) or to the board's
/// moderation page.
#[server(prefix = "/api", endpoint = "moderate_post")]
pub async fn moderate_post(
    id: String,
    post_id: PostId,
    action: String,
    reason: Option<String>,
    slug: Slug,
    back: Option<String>,
) -> Result<(), AppError> {
    use model::moderation::post_form;
    let reason = reason.unwrap_or_default();
    moderate(id, post_form(&post_id, &action, &reason)).await?;
    leptos_axum::redirect(&match back.as_deref() {
        Some("post") => format!("/p/{post_id}"),
        _ => format!("/b/{slug}/moderate"),
    });
    Ok(())
}

#[server(prefix = "/api", endpoint = "dismiss_report")]
pub async fn dismiss_report(id: String, report_id: String, slug: Slug) -> Result<(), AppError> {
    use model::moderation::Moderation;
    moderate(id, Ok(Moderation::DismissReport { report_id })).await?;
    leptos_axum::redirect(&format!("/b/{slug}/moderate"));
    Ok(())
}

/// Organisers' `remove` and `allow_back` buttons on a member.
#[server(prefix = "/api", endpoint = "moderate_member")]
pub async fn moderate_member(
    id: String,
    board_id: BoardId,
    member_id: UserId,
    action: String,
    reason: Option<String>,
    slug: Slug,
) -> Result<(), AppError> {
    use model::moderation::member_form;
    let reason = reason.unwrap_or_default();
    moderate(id, member_form(&board_id, &member_id, &action, &reason)).await?;
    leptos_axum::redirect(&format!("/b/{slug}/moderate"));
    Ok(())
}
