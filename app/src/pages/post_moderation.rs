//! On a post's page: "Report this post" for members (not its author, not organisers), and for
//! organisers the post's moderation (hide it, with a reason for the log, or restore it).

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_query_map};

use crate::components::{
    form::{invalid, problem_text, successes, typed_value},
    moderation_forms::{HideForm, RestoreForm},
};
use crate::{
    api::moderation::{ModeratePost, ReportPost},
    components::form::{form_error, use_fresh_id, FieldMessage, HiddenId},
    offline::use_sync,
};
use model::{
    ids::PostId,
    moderation::{ReportReason, REPORT_NOTE_MAX},
    views::{PostCard, PostPermissions},
};

/// What a post's page adds for moderation: the report form, or the organisers' box. Each is
/// drawn again only if the viewer's standing changes, so an open report box stays open.
#[component]
pub(super) fn PostModeration(
    card: Memo<PostCard>,
    permissions: Memo<PostPermissions>,
) -> impl IntoView {
    let is_organiser = Memo::new(move |_| permissions.with(|p| p.is_organiser));
    // Organisers hide what is wrong themselves; authors withdraw their own posts.
    let may_report = Memo::new(move |_| permissions.with(|p| !p.is_author && !p.is_organiser));
    let post_id = card.with_untracked(|c| c.id.clone());
    view! {
        {move || is_organiser.get().then(|| view! { <OrganiserBox card /> })}
        {move || may_report.get().then(|| view! { <ReportBox post_id=post_id.clone() /> })}
    }
}

/// Any member but the author: tell the organisers what is wrong. After sending (the server
/// function comes back to `?reported=1`), a thank-you instead of the form.
#[component]
fn ReportBox(post_id: PostId) -> impl IntoView {
    let action = ServerAction::<ReportPost>::new();
    let error = form_error(action);
    let (id, report_id) = (use_fresh_id(action), use_fresh_id(action));
    let query = use_query_map();
    let reported = move || {
        query.with(|q| q.get("reported").is_some()) || matches!(action.value().get(), Some(Ok(())))
    };
    let open = RwSignal::new(false);
    let chosen = RwSignal::new(typed_value("reason").unwrap_or_default());
    let note = RwSignal::new(typed_value("note").unwrap_or_default());
    let reasons = ReportReason::ALL
        .iter()
        .map(|reason| {
            let value = reason.as_str();
            let field = format!("report-reason-{value}");
            let checked = chosen.with_untracked(|chosen| chosen == value);
            view! {
                <div class="choice">
                    <input
                        type="radio"
                        id=field.clone()
                        name="reason"
                        value=value
                        checked=checked
                        on:change=move |_| chosen.set(value.to_string())
                    />
                    <label for=field>{reason.label()}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <p class="report-thanks" role="status" hidden=move || !reported()>
            "Thank you. The board's organisers will look at this post; "
            "whoever wrote it is not told who reported it."
        </p>
        <details
            class="report-box"
            open=move || open.get() || error.get().is_some()
            hidden=reported
            on:toggle=move |ev| {
                let now_open = event_target::<leptos::web_sys::HtmlDetailsElement>(&ev).open();
                if now_open != open.get_untracked() {
                    open.set(now_open);
                }
            }
        >
            <summary>"Report this post"</summary>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <p class="hint">
                    "Tell the board's organisers if something is wrong with this post. "
                    "Whoever wrote it is not told who reported it."
                </p>
                <HiddenId name="id" value=id />
                <HiddenId name="report_id" value=report_id />
                <input type="hidden" name="post_id" value=post_id.to_string() />
                <fieldset class="choices" aria-describedby="reason-error">
                    <legend>"What is wrong?"</legend>
                    {reasons}
                    <FieldMessage name="reason" error=error />
                </fieldset>
                <div class="field">
                    <label for="report-note">"Anything to add (optional)"</label>
                    <textarea
                        id="report-note"
                        name="note"
                        rows="3"
                        maxlength=REPORT_NOTE_MAX.to_string()
                        aria-describedby="note-error"
                        aria-invalid=invalid(error, "note")
                        prop:value=note
                        on:input=move |ev| note.set(event_target_value(&ev))
                    >
                        {note.get_untracked()}
                    </textarea>
                    <FieldMessage name="note" error=error />
                </div>
                <button type="submit" class="button button-secondary">
                    "Send report"
                </button>
            </ActionForm>
            {move || {
                error
                    .get()
                    .filter(|e| e.field_message("reason").is_none() && e.field_message("note").is_none())
                    .map(|e| view! { <p class="action-error" role="alert">{problem_text(&e)}</p> })
            }}
        </details>
    }
}

/// Organisers: hide the post (with a reason for the log) or, when hidden, restore it.
#[component]
fn OrganiserBox(card: Memo<PostCard>) -> impl IntoView {
    let action = ServerAction::<ModeratePost>::new();
    let id = use_fresh_id(action);
    let error = form_error(action);
    let sync = use_sync();
    let done = successes(action);
    // The board kept on this phone hears of it at once.
    Effect::new(move |previous: Option<usize>| {
        let count = done.get();
        if previous.is_some_and(|p| p != count) {
            sync.sync_now();
        }
        count
    });
    let hidden = Memo::new(move |_| card.with(|c| (c.hidden, c.title.clone())));
    let (post_id, slug) = card.with_untracked(|c| (c.id.clone(), c.board_slug.clone()));
    let change = {
        let (post_id, slug) = (post_id.clone(), slug.clone());
        move || {
            let (hidden, title) = hidden.get();
            let (post_id, slug) = (post_id.clone(), slug.clone());
            if hidden {
                view! {
                    <p>
                        <strong>"Hidden: "</strong>
                        "only organisers can see this post. Restore it to put it back on the board."
                    </p>
                    <RestoreForm post_id title slug=slug.clone() back="post" action id />
                }
                .into_any()
            } else {
                view! {
                    <details class="hide-post">
                        <summary>"Hide this post…"</summary>
                        <p class="hint">
                            "Only organisers will see it, until one of you restores it. "
                            "Its open reports are closed."
                        </p>
                        <HideForm post_id title slug=slug.clone() back="post" action id />
                    </details>
                }
                .into_any()
            }
        }
    };
    view! {
        <section class="moderation-box" aria-labelledby="moderation-heading">
            <h2 id="moderation-heading">"Moderation"</h2>
            {change}
            {move || {
                error
                    .get()
                    .map(|e| view! { <p class="action-error" role="alert">{problem_text(&e)}</p> })
            }}
            <p>
                <A href=format!("/b/{slug}/moderate")>"Reports and moderation"</A>
            </p>
        </section>
    }
}
