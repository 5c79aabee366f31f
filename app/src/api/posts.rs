//! Posts: read one, "my activity", and every write as a mutation with a client-made id, so a
//! repeated form post or a retry changes nothing twice.

// A form's server function takes one argument per field; the generated client functions
// carry them all, so the lint is off for this module rather than for one function.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use model::{
    ids::{BoardId, PostId},
    views::{PostCard, PostDetail as PostView},
    AppError,
};
#[cfg(feature = "ssr")]
use model::{Mutation, MutationKind};

#[server(prefix = "/api", endpoint = "load_post")]
pub async fn load_post(post_id: PostId) -> Result<PostView, AppError> {
    use super::server::*;
    let viewer = require_viewer().await?;
    let detail = respond(store()?.post_detail(&viewer, &post_id).await)?;
    if detail.contact.is_some() {
        keep_off_the_phone();
    }
    Ok(detail)
}

/// (my posts, posts I have claimed)
#[server(prefix = "/api", endpoint = "my_activity")]
pub async fn my_activity() -> Result<(Vec<PostCard>, Vec<PostCard>), AppError> {
    use super::server::*;
    let viewer = require_viewer().await?;
    respond(store()?.my_activity(&viewer).await)
}

/// Applies `kind` as mutation `id`; a rejection becomes a 409 that says why.
#[cfg(feature = "ssr")]
pub(super) async fn submit(id: String, kind: MutationKind) -> Result<(), AppError> {
    use super::server::*;
    use model::{ids::now_ms, Outcome};
    let viewer = require_viewer().await?;
    let mutation = Mutation {
        id,
        created_at_ms: now_ms(),
        kind,
    };
    match respond(store()?.apply(&viewer, &mutation).await)? {
        Outcome::Applied => Ok(()),
        Outcome::Rejected { reason } => Err(fail(AppError::Refused(reason))),
    }
}

#[server(prefix = "/api", endpoint = "create_post")]
pub async fn create_post(
    id: String,
    post_id: PostId,
    board_id: BoardId,
    post_kind: String,
    category: String,
    title: String,
    details: String,
    urgency: String,
    expires_in_days: Option<String>,
    needs_vetting: Option<String>,
    share_details: Option<String>,
    confirm_public: Option<String>,
) -> Result<(), AppError> {
    use super::server::fail;
    use model::form_writes::PostForm;
    let kind = PostForm {
        post_id: &post_id,
        board_id: &board_id,
        post_kind: &post_kind,
        category: &category,
        title: &title,
        details: &details,
        urgency: &urgency,
        expires_in_days: expires_in_days.as_deref(),
        needs_vetting: needs_vetting.as_deref(),
        share_details: share_details.as_deref(),
        confirm_public: confirm_public.as_deref(),
    }
    .to_mutation()
    .map_err(fail)?;
    submit(id, kind).await?;
    leptos_axum::redirect(&format!("/p/{post_id}"));
    Ok(())
}

/// The buttons on a post: `claim`, `share_details`, `release`, `done`, `withdraw`, `pin`, `unpin`,
/// `remove`; `claimant` is who held the claim as the page showed it.
#[server(prefix = "/api", endpoint = "post_action")]
pub async fn post_action(
    id: String,
    post_id: PostId,
    action: String,
    claimant: Option<String>,
) -> Result<(), AppError> {
    use super::server::fail;
    let claimant = claimant.unwrap_or_default();
    let kind = model::form_writes::post_action(&post_id, &action, &claimant).map_err(fail)?;
    let removed = action == "remove";
    submit(id, kind).await?;
    leptos_axum::redirect(&if removed {
        "/".to_string()
    } else {
        format!("/p/{post_id}")
    });
    Ok(())
}

#[server(prefix = "/api", endpoint = "reply")]
pub async fn reply(
    id: String,
    reply_id: String,
    post_id: PostId,
    body: String,
) -> Result<(), AppError> {
    submit(
        id,
        MutationKind::Reply {
            reply_id,
            post_id: post_id.clone(),
            body,
        },
    )
    .await?;
    leptos_axum::redirect(&format!("/p/{post_id}#replies"));
    Ok(())
}
