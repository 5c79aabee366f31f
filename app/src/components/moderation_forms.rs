//! The organisers' two forms for a post's visibility, on the moderation page and on the
//! post's own page: hide it (with a reason for the log) or restore it.

use leptos::prelude::*;
use model::ids::PostId;

use super::form::HiddenId;
use crate::api::moderation::ModeratePost;
use model::{ids::Slug, moderation::MODERATION_REASON_MAX};

/// Hides a post, with an optional reason for the log. On the moderation page and the post's.
#[component]
pub fn HideForm(
    post_id: PostId,
    title: String,
    slug: Slug,
    /// `post` to come back to the post's page, else the moderation page.
    back: &'static str,
    action: ServerAction<ModeratePost>,
    id: Signal<String>,
) -> impl IntoView {
    let field = format!("hide-reason-{post_id}");
    view! {
        <ActionForm action=action attr:class="form moderation-form">
            <HiddenId name="id" value=id />
            <input type="hidden" name="post_id" value=post_id.to_string() />
            <input type="hidden" name="action" value="hide" />
            <input type="hidden" name="slug" value=slug.to_string() />
            <input type="hidden" name="back" value=back />
            <div class="field">
                <label for=field.clone()>"Reason, for the log (optional)"</label>
                <input
                    id=field
                    name="reason"
                    type="text"
                    maxlength=MODERATION_REASON_MAX.to_string()
                />
            </div>
            <button type="submit" class="button button-danger" aria-label=format!("Hide “{title}”")>
                "Hide this post"
            </button>
        </ActionForm>
    }
}

/// Puts a hidden post back on the board for everyone.
#[component]
pub fn RestoreForm(
    post_id: PostId,
    title: String,
    slug: Slug,
    back: &'static str,
    action: ServerAction<ModeratePost>,
    id: Signal<String>,
) -> impl IntoView {
    view! {
        <ActionForm action=action attr:class="inline-form">
            <HiddenId name="id" value=id />
            <input type="hidden" name="post_id" value=post_id.to_string() />
            <input type="hidden" name="action" value="restore" />
            <input type="hidden" name="slug" value=slug.to_string() />
            <input type="hidden" name="back" value=back />
            <button type="submit" class="button button-secondary" aria-label=format!("Restore “{title}”")>
                "Restore"
            </button>
        </ActionForm>
    }
}
