//! The moderation page's members: remove someone (a second step, with a reason for the log),
//! and let back someone who was removed.

use leptos::prelude::*;

use crate::components::{name_mark::MarkedName, post_badges::day_and_month};
use crate::{api::moderation::ModerateMember, components::form::HiddenId};
use model::{
    moderation::{MemberView, RemovedMember, MODERATION_REASON_MAX},
    views::BoardSummary,
    Role,
};

#[component]
pub(super) fn Members(
    members: Vec<MemberView>,
    board: BoardSummary,
    action: ServerAction<ModerateMember>,
    id: Signal<String>,
) -> impl IntoView {
    let items = members.into_iter().map(|member| {
        let remove = member.can_remove.then(
            || view! { <RemoveMemberForm member=member.clone() board=board.clone() action id /> },
        );
        // A marked name carries the street in its mark; said once is enough.
        let street = member.name_mark.is_none().then(|| view! { " · " {member.street.clone()} });
        view! {
            <li class="moderation-row">
                <p>
                    <strong>
                        <MarkedName name=member.display_name.clone() mark=member.name_mark.clone() />
                    </strong>
                    " · "
                    {role_label(member.role)}
                    {street}
                </p>
                {remove}
            </li>
        }
    });
    view! {
        <section class="moderation-section" aria-labelledby="members-heading">
            <h2 id="members-heading">"Members"</h2>
            <p class="hint">
                "Removing someone takes the board away from them: what they were helping with "
                "is open again, and they cannot join again, with any invite link, until you let "
                "them back. Their posts stay; hide any that should go."
            </p>
            <ul class="moderation-list">{items.collect_view()}</ul>
        </section>
    }
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Neighbour => "Neighbour",
        Role::Volunteer => "Volunteer",
        Role::Organiser => "Organiser",
        Role::Partner => "Partner",
    }
}

/// A second step before removing someone: the form opens under their name.
#[component]
fn RemoveMemberForm(
    member: MemberView,
    board: BoardSummary,
    action: ServerAction<ModerateMember>,
    id: Signal<String>,
) -> impl IntoView {
    let field = format!("remove-reason-{}", member.user_id);
    // Two members whose names look alike must not be two "Remove Ben" buttons.
    let name = match member.name_mark {
        Some(street) => format!("{} of {street}", member.display_name),
        None => member.display_name,
    };
    view! {
        <details class="remove-member">
            <summary>"Remove " {name.clone()} "…"</summary>
            <ActionForm action=action attr:class="form moderation-form">
                <HiddenId name="id" value=id />
                <input type="hidden" name="board_id" value=board.id.to_string() />
                <input type="hidden" name="member_id" value=member.user_id.into_string() />
                <input type="hidden" name="action" value="remove" />
                <input type="hidden" name="slug" value=board.slug.to_string() />
                <div class="field">
                    <label for=field.clone()>"Reason, for the log (optional)"</label>
                    <input
                        id=field
                        name="reason"
                        type="text"
                        maxlength=MODERATION_REASON_MAX.to_string()
                    />
                </div>
                <button type="submit" class="button button-danger">
                    "Remove " {name} " from the board"
                </button>
            </ActionForm>
        </details>
    }
}

#[component]
pub(super) fn Removed(
    removed: Vec<RemovedMember>,
    board: BoardSummary,
    action: ServerAction<ModerateMember>,
    id: Signal<String>,
) -> impl IntoView {
    if removed.is_empty() {
        return ().into_any();
    }
    let items = removed.into_iter().map(|person| {
        let reason = (!person.reason.is_empty()).then(|| format!(": {}", person.reason));
        let (board_id, slug) = (board.id.clone(), board.slug.clone());
        view! {
            <li class="moderation-row">
                <p>
                    <strong>{person.display_name.clone()}</strong>
                </p>
                <p class="post-meta">
                    "Removed by " {person.removed_by} " on " {day_and_month(person.removed_at_ms)}
                    {reason}
                </p>
                <ActionForm action=action attr:class="inline-form">
                    <HiddenId name="id" value=id />
                    <input type="hidden" name="board_id" value=board_id.to_string() />
                    <input type="hidden" name="member_id" value=person.user_id.into_string() />
                    <input type="hidden" name="action" value="allow_back" />
                    <input type="hidden" name="slug" value=slug.to_string() />
                    <button type="submit" class="button button-secondary">
                        "Let " {person.display_name} " back"
                    </button>
                </ActionForm>
            </li>
        }
    });
    view! {
        <section class="moderation-section" aria-labelledby="removed-heading">
            <h2 id="removed-heading">"Removed members"</h2>
            <p class="hint">"Let someone back and they can join again with the invite link."</p>
            <ul class="moderation-list">{items.collect_view()}</ul>
        </section>
    }
    .into_any()
}
