//! `/b/:slug/moderate`, for a board's organisers: open reports (hide the post or dismiss the
//! report), hidden posts (restore), members (remove, let back), the export, and the log of
//! every organiser action. Each button is its own small form, so it works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use super::moderate_members::{Members, Removed};
use crate::components::{
    form::{problem_text, successes},
    moderation_forms::{HideForm, RestoreForm},
    post_badges::day_and_month,
    LoadProblem,
};
use crate::{
    api::moderation::{load_moderation, DismissReport, ModerateMember, ModeratePost},
    components::form::{form_error, use_fresh_id, HiddenId},
    offline::use_sync,
};
use model::{
    dates::time_of_day,
    ids::Slug,
    moderation::{AuditEntry, HiddenPost, ModerationPage, ReportView, ReportedPost},
};

/// The page's three kinds of button, with the mutation id each form sends next.
#[derive(Clone, Copy)]
struct Actions {
    post: ServerAction<ModeratePost>,
    post_id: Signal<String>,
    dismiss: ServerAction<DismissReport>,
    dismiss_id: Signal<String>,
    member: ServerAction<ModerateMember>,
    member_id: Signal<String>,
}

#[component]
pub fn ModeratePage() -> impl IntoView {
    let params = use_params_map();
    let slug =
        Memo::new(move |_| params.with(|p| p.get("slug").map(Slug::from).unwrap_or_default()));
    let (post, dismiss, member) = (
        ServerAction::<ModeratePost>::new(),
        ServerAction::<DismissReport>::new(),
        ServerAction::<ModerateMember>::new(),
    );
    let actions = Actions {
        post,
        post_id: use_fresh_id(post),
        dismiss,
        dismiss_id: use_fresh_id(dismiss),
        member,
        member_id: use_fresh_id(member),
    };
    let done = (successes(post), successes(dismiss), successes(member));
    let sync = use_sync();
    let page = Resource::new(
        move || (slug.get(), done.0.get(), done.1.get(), done.2.get()),
        |(slug, ..)| load_moderation(slug),
    );
    // What was hidden, restored or released reaches the board kept on this phone at once.
    Effect::new(move |previous: Option<usize>| {
        let count = done.0.get() + done.1.get() + done.2.get();
        if previous.is_some_and(|p| p != count) {
            sync.sync_now();
        }
        count
    });
    view! {
        <Transition fallback=|| view! { <p>"Loading reports…"</p> }>
            {move || {
                page.get()
                    .map(|result| match result {
                        Ok(page) => view! { <ModerationContents page actions /> }.into_any(),
                        Err(error) => view! { <LoadProblem error with_heading=true /> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn ModerationContents(page: ModerationPage, actions: Actions) -> impl IntoView {
    let ModerationPage {
        board,
        reports,
        hidden,
        members,
        removed,
        log,
    } = page;
    let errors = [
        form_error(actions.post),
        form_error(actions.dismiss),
        form_error(actions.member),
    ];
    let problem = move || errors.iter().find_map(|e| e.get());
    let slug = board.slug.clone();
    let name = board.name.clone();
    let back_to = format!("Back to {name}");
    view! {
        <Title text=format!("Reports and moderation · {name}") />
        <p class="back-link">
            <A href=format!("/b/{slug}")>{back_to}</A>
        </p>
        <h1>"Reports and moderation"</h1>
        <p class="board-summary">{name.clone()}</p>
        {move || {
            problem().map(|e| view! { <p class="action-error" role="alert">{problem_text(&e)}</p> })
        }}
        <Reports reports slug=slug.clone() actions />
        <HiddenPosts hidden slug=slug.clone() actions />
        <Members members board=board.clone() action=actions.member id=actions.member_id />
        <Removed removed board=board.clone() action=actions.member id=actions.member_id />
        <Export slug=slug.clone() />
        <AuditLog log />
    }
}

#[component]
fn Reports(reports: Vec<ReportedPost>, slug: Slug, actions: Actions) -> impl IntoView {
    let none = reports.is_empty();
    let posts = reports.into_iter().map(|post| {
        let heading = format!("reported-{}", post.post_id);
        let title = post.title.clone();
        let heading_for = heading.clone();
        let list = post
            .reports
            .into_iter()
            .map(|report| view! { <ReportItem report title=title.clone() slug=slug.clone() actions /> })
            .collect_view();
        let hide = (!post.hidden).then(|| {
            view! {
                <HideForm
                    post_id=post.post_id.clone()
                    title=post.title.clone()
                    slug=slug.clone()
                    back="moderate"
                    action=actions.post
                    id=actions.post_id
                />
            }
        });
        view! {
            <li>
                <article class="moderation-item" aria-labelledby=heading_for>
                    <h3 id=heading>
                        <A href=format!("/p/{}", post.post_id)>{title}</A>
                    </h3>
                    <p class="post-meta">
                        {post.kind.label()} " · by " {post.author_name}
                        {post.hidden.then_some(" · Hidden: only organisers can see it")}
                    </p>
                    <ul class="report-list">{list}</ul>
                    {hide}
                </article>
            </li>
        }
    });
    view! {
        <section class="moderation-section" aria-labelledby="reports-heading">
            <h2 id="reports-heading">"Reports"</h2>
            {if none {
                view! { <p class="empty-state">"No open reports."</p> }.into_any()
            } else {
                view! { <ul class="moderation-list">{posts.collect_view()}</ul> }.into_any()
            }}
        </section>
    }
}

#[component]
fn ReportItem(report: ReportView, title: String, slug: Slug, actions: Actions) -> impl IntoView {
    let reporter = report
        .reporter_name
        .map(|name| format!("Reported by {name}"))
        .unwrap_or_else(|| "Reported by a member (you wrote this post, so not who)".into());
    let label = format!("Dismiss the report of “{title}”: {}", report.reason.label());
    let note = report.note.trim().to_string();
    view! {
        <li class="report">
            <p class="report-reason">
                <strong>{report.reason.label()}</strong>
            </p>
            {(!note.is_empty()).then(|| view! { <p class="report-note">{note}</p> })}
            <p class="post-meta">{reporter} " · " {day_and_month(report.created_at_ms)}</p>
            <ActionForm action=actions.dismiss attr:class="inline-form">
                <HiddenId name="id" value=actions.dismiss_id />
                <input type="hidden" name="report_id" value=report.id />
                <input type="hidden" name="slug" value=slug.to_string() />
                <button type="submit" class="button button-secondary" aria-label=label>
                    "Dismiss"
                </button>
            </ActionForm>
        </li>
    }
}

#[component]
fn HiddenPosts(hidden: Vec<HiddenPost>, slug: Slug, actions: Actions) -> impl IntoView {
    let none = hidden.is_empty();
    let items = hidden.into_iter().map(|post| {
        let when = match (post.hidden_by, post.hidden_at_ms) {
            (Some(by), Some(at)) => format!("Hidden by {by} on {}", day_and_month(at)),
            _ => "Hidden".to_string(),
        };
        let reason = (!post.reason.is_empty()).then(|| format!(": {}", post.reason));
        let title = post.title.clone();
        view! {
            <li class="moderation-row">
                <p>
                    <A href=format!("/p/{}", post.post_id)>{title}</A>
                    " · by " {post.author_name}
                </p>
                <p class="post-meta">{when} {reason}</p>
                <RestoreForm
                    post_id=post.post_id
                    title=post.title
                    slug=slug.clone()
                    back="moderate"
                    action=actions.post
                    id=actions.post_id
                />
            </li>
        }
    });
    view! {
        <section class="moderation-section" aria-labelledby="hidden-heading">
            <h2 id="hidden-heading">"Hidden posts"</h2>
            <p class="hint">"Only organisers can see these. Restore one to put it back on the board."</p>
            {if none {
                view! { <p class="empty-state">"No hidden posts."</p> }.into_any()
            } else {
                view! { <ul class="moderation-list">{items.collect_view()}</ul> }.into_any()
            }}
        </section>
    }
}

#[component]
fn Export(slug: Slug) -> impl IntoView {
    view! {
        <section class="moderation-section" aria-labelledby="export-heading">
            <h2 id="export-heading">"Export for reporting"</h2>
            <p>
                "A spreadsheet (CSV) of this board's requests, for your group or a funder: when "
                "each was posted, its category, how soon it was needed, its status, when someone "
                "took it on and when it was done, and the hours in between."
            </p>
            <p class="hint">
                "It has no names, no streets or house numbers, no contact details and no titles "
                "or details (what people write can name someone)."
            </p>
            // `download` makes the router leave the link to the browser.
            <a class="button button-secondary" href=format!("/b/{slug}/export.csv") download="">
                "Download requests (CSV)"
            </a>
        </section>
    }
}

#[component]
fn AuditLog(log: Vec<AuditEntry>) -> impl IntoView {
    let none = log.is_empty();
    let items = log.into_iter().map(|entry| {
        let what = match (entry.post_title, entry.member_name) {
            (Some(title), _) => Some(format!("“{title}”")),
            (None, Some(name)) => Some(name),
            (None, None) => None,
        };
        let reason = (!entry.reason.is_empty()).then(|| format!("Reason: {}", entry.reason));
        view! {
            <li class="audit-entry">
                <p class="post-meta">
                    {day_and_month(entry.at_ms)} " " {time_of_day(entry.at_ms)} " UTC"
                </p>
                <p>
                    <strong>{entry.actor_name}</strong> " · " {entry.action.label()}
                    {what.map(|w| format!(" · {w}"))}
                </p>
                {reason.map(|r| view! { <p class="report-note">{r}</p> })}
            </li>
        }
    });
    view! {
        <section class="moderation-section" aria-labelledby="log-heading">
            <h2 id="log-heading">"Log of organiser actions"</h2>
            <p class="hint">
                "Every hide, restore, dismissal, removal, pin and new invite link, newest first. "
                "Only organisers can read it."
            </p>
            {if none {
                view! { <p class="empty-state">"Nothing yet."</p> }.into_any()
            } else {
                view! { <ol class="audit-log">{items.collect_view()}</ol> }.into_any()
            }}
        </section>
    }
}
