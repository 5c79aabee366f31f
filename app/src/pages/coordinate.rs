//! `/b/:slug/coordinate`, for organisers: open requests with the most pressing first (overdue
//! ones marked), suggested volunteers for each with a button to ask one, and the roster of
//! volunteers with their load this week and their vetting. Partners see the roster only, to
//! record vetting.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use crate::components::{
    form::problem_text,
    name_mark::AuthorAndStreet,
    post_badges::{day_and_month, PostBadges},
    LoadProblem,
};
use crate::{
    api::volunteers::{load_coordination, AssignVolunteer, RecordVetting},
    components::form::{form_error, typed_value, use_fresh_id, FieldMessage, FormError, HiddenId},
};
use model::{
    coordination::{
        overdue_after_days, CoordinationPage, OpenRequest, RosterEntry, Suggestion, VettingView,
    },
    dates::iso_date,
    ids::{new_id, BoardId, PostId, Slug, UserId},
    volunteer::{DEFAULT_VETTING_KIND, VETTING_KIND_MAX},
    Urgency,
};

#[component]
pub fn CoordinateScreen() -> impl IntoView {
    let params = use_params_map();
    let assign = ServerAction::<AssignVolunteer>::new();
    let vetting = ServerAction::<RecordVetting>::new();
    let slug =
        Memo::new(move |_| params.with(|p| p.get("slug").map(Slug::from).unwrap_or_default()));
    let page = Resource::new(
        move || (slug.get(), assign.version().get(), vetting.version().get()),
        |(slug, _, _)| load_coordination(slug),
    );
    view! {
        <Title text="Coordinate volunteers" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                page.get()
                    .map(|result| match result {
                        Ok(page) => view! { <CoordinationContents page assign vetting /> }.into_any(),
                        Err(error) => view! { <LoadProblem error with_heading=true /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

#[component]
fn CoordinationContents(
    page: CoordinationPage,
    assign: ServerAction<AssignVolunteer>,
    vetting: ServerAction<RecordVetting>,
) -> impl IntoView {
    let CoordinationPage {
        board,
        now_ms,
        requests,
        roster,
    } = page;
    let organiser = board.role.is_organiser();
    let assign_error = form_error(assign);
    let slug = board.slug.clone();
    view! {
        <p class="back-link">
            <A href=format!("/b/{}", board.slug)>"Back to " {board.name.clone()}</A>
        </p>
        <h1>"Coordinate volunteers"</h1>
        {organiser
            .then(|| {
                view! {
                    <section aria-labelledby="queue-heading">
                        <h2 id="queue-heading">"Open requests"</h2>
                        <p class="hint">{queue_explained()}</p>
                        {move || {
                            assign_error
                                .get()
                                .map(|e| {
                                    view! { <p class="action-error" role="alert">{problem_text(&e)}</p> }
                                })
                        }}
                        <RequestQueue requests now_ms slug=slug.clone() action=assign />
                    </section>
                }
            })}
        <Roster roster board_id=board.id slug=board.slug organiser action=vetting />
    }
}

/// How the queue is ordered and what "overdue" means, in words.
fn queue_explained() -> String {
    let days = |u: Urgency| match overdue_after_days(u) {
        1 => "1 day".to_string(),
        n => format!("{n} days"),
    };
    format!(
        "Overdue requests first, then the most urgent, then whoever has waited longest. A \
         request is overdue when nobody has taken it on after {} (needed today), {} (this \
         week) or {} (whenever).",
        days(Urgency::Today),
        days(Urgency::ThisWeek),
        days(Urgency::Whenever)
    )
}

/// "Waiting 5 hours", "Waiting 3 days".
fn waited(ms: i64) -> String {
    let hours = ms.max(0) / 3_600_000;
    match hours {
        0 => "Waiting less than an hour".to_string(),
        1 => "Waiting 1 hour".to_string(),
        2..=47 => format!("Waiting {hours} hours"),
        _ => format!("Waiting {} days", hours / 24),
    }
}

#[component]
fn RequestQueue(
    requests: Vec<OpenRequest>,
    now_ms: i64,
    slug: Slug,
    action: ServerAction<AssignVolunteer>,
) -> impl IntoView {
    if requests.is_empty() {
        return view! { <p class="empty-state">"No open requests. Nothing is waiting."</p> }
            .into_any();
    }
    view! {
        <ul class="post-list">
            {requests
                .into_iter()
                .map(|request| {
                    view! { <QueuedRequest request now_ms slug=slug.clone() action /> }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn QueuedRequest(
    request: OpenRequest,
    now_ms: i64,
    slug: Slug,
    action: ServerAction<AssignVolunteer>,
) -> impl IntoView {
    let OpenRequest {
        card,
        overdue,
        asked_name,
        declined_by_name,
        suggestions,
    } = request;
    let class = if overdue {
        "post-card post-card-overdue"
    } else {
        "post-card"
    };
    let asked = match (asked_name, declined_by_name) {
        (Some(name), _) => Some(format!("Asked {name}: waiting for an answer.")),
        (None, Some(name)) => Some(format!("{name} declined: ask someone else.")),
        (None, None) => None,
    };
    let title = card.title.clone();
    let (aria_title, link, link_text) = (title.clone(), format!("/p/{}", card.id), title.clone());
    let none_free = if card.needs_vetting {
        "Nobody suggested: no vetted volunteer who offers this kind of help is free then with room this week."
    } else {
        "Nobody suggested: no volunteer who offers this kind of help is free then with room this week."
    };
    view! {
        <li>
            <article class=class aria-label=aria_title>
                <h3 class="post-card-title">
                    <A href=link>{link_text}</A>
                </h3>
                <PostBadges kind=card.kind urgency=card.urgency needs_vetting=card.needs_vetting />
                {overdue.then(|| view! { <p class="badge badge-overdue">"Overdue"</p> })}
                <p class="post-meta">
                    {card.category.label()} " · "
                    <AuthorAndStreet
                        name=card.author_name.clone()
                        mark=card.author_mark.clone()
                        street=card.street.clone()
                    />
                    " · "
                    {waited(now_ms - card.created_at_ms)}
                </p>
                {asked.map(|line| view! { <p class="asked-line">{line}</p> })}
                {if suggestions.is_empty() {
                    view! { <p class="hint">{none_free}</p> }.into_any()
                } else {
                    view! {
                        <p class="suggestions-heading">"Suggested, fairest first:"</p>
                        <ul class="suggestions">
                            {suggestions
                                .into_iter()
                                .map(|volunteer| {
                                    view! {
                                        <SuggestedVolunteer
                                            volunteer
                                            post_id=card.id.clone()
                                            title=title.clone()
                                            slug=slug.clone()
                                            action
                                        />
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </article>
        </li>
    }
}

#[component]
fn SuggestedVolunteer(
    volunteer: Suggestion,
    post_id: PostId,
    title: String,
    slug: Slug,
    action: ServerAction<AssignVolunteer>,
) -> impl IntoView {
    // Each button is its own write; a fresh id each time the page loads.
    let id = RwSignal::new(new_id());
    let load = format!(
        "{} of {} tasks this week",
        volunteer.recent_tasks, volunteer.max_per_week
    );
    let label = format!("Ask {} to help with “{title}”", volunteer.name);
    view! {
        <li class="suggestion">
            <span>
                <strong>{volunteer.name.clone()}</strong>
                " · "
                {load}
                {volunteer.vetted.then(|| view! { " " <span class="badge badge-vetted">"Vetted"</span> })}
            </span>
            <ActionForm action=action attr:class="inline-form">
                <HiddenId name="id" value=id />
                <input type="hidden" name="slug" value=slug.to_string() />
                <input type="hidden" name="post_id" value=post_id.to_string() />
                <input type="hidden" name="volunteer_id" value=volunteer.user_id.into_string() />
                <button type="submit" class="button button-secondary" aria-label=label>
                    "Ask " {volunteer.name}
                </button>
            </ActionForm>
        </li>
    }
}

#[component]
fn Roster(
    roster: Vec<RosterEntry>,
    board_id: BoardId,
    slug: Slug,
    organiser: bool,
    action: ServerAction<RecordVetting>,
) -> impl IntoView {
    let error = form_error(action);
    let empty = roster.is_empty();
    view! {
        <section id="roster" aria-labelledby="roster-heading">
            <h2 id="roster-heading">"Volunteers"</h2>
            {organiser
                .then(|| {
                    view! {
                        <p class="hint">
                            "Load is the requests each has taken on, or been asked about and not yet "
                            "answered, in the last 7 days."
                        </p>
                    }
                })}
            {move || {
                error
                    .get()
                    .filter(|e| e.field_message("kind").is_none() && e.field_message("expires_on").is_none())
                    .map(|e| view! { <p class="action-error" role="alert">{problem_text(&e)}</p> })
            }}
            {empty.then(|| view! { <p class="empty-state">"Nobody has offered to volunteer yet."</p> })}
            <ul class="post-list">
                {roster
                    .into_iter()
                    .map(|entry| {
                        view! {
                            <RosterItem
                                entry
                                board_id=board_id.clone()
                                slug=slug.clone()
                                error
                                action
                            />
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn RosterItem(
    entry: RosterEntry,
    board_id: BoardId,
    slug: Slug,
    error: FormError,
    action: ServerAction<RecordVetting>,
) -> impl IntoView {
    let RosterEntry {
        user_id,
        name,
        vetted,
        load,
        vettings,
    } = entry;
    let load = load.map(|load| {
        let skills: Vec<&str> = load.profile.skills.iter().map(|c| c.label()).collect();
        let other = load.profile.other_skills.trim().to_string();
        view! {
            <p class="post-meta">
                {format!("{} of {} tasks this week", load.recent_tasks, load.profile.max_per_week)}
                {load.paused.then_some(" · Paused")}
            </p>
            <p class="post-meta">"Helps with: " {skills.join(", ")}</p>
            {(!other.is_empty()).then(|| view! { <p class="post-meta">"Also: " {other}</p> })}
            <p class="post-meta">"Usually free: " {load.profile.availability.summary()}</p>
        }
    });
    let (aria_name, heading) = (name.clone(), name.clone());
    view! {
        <li>
            <article class="post-card" aria-label=aria_name>
                <h3 class="post-card-title">{heading}</h3>
                {vetted.then(|| view! { <p class="badges"><span class="badge badge-vetted">"Vetted"</span></p> })}
                {load}
                {(!vettings.is_empty())
                    .then(|| {
                        view! {
                            <ul class="vetting-list">
                                {vettings.into_iter().map(|v| view! { <VettingLine vetting=v /> }).collect_view()}
                            </ul>
                        }
                    })}
                <VettingForm volunteer_id=user_id name board_id slug error action />
            </article>
        </li>
    }
}

#[component]
fn VettingLine(vetting: VettingView) -> impl IntoView {
    let until = match vetting.expires_at_ms {
        // Stored as the moment it ends: the day before is the last day it counts.
        Some(ends) => format!(", current until {}", iso_date(ends - 1)),
        None => ", no expiry".to_string(),
    };
    let state = if vetting.current { "" } else { " (expired)" };
    view! {
        <li>
            {format!(
                "{}: recorded by {} on {}{until}{state}",
                vetting.kind,
                vetting.recorded_by_name,
                day_and_month(vetting.recorded_at_ms),
            )}
        </li>
    }
}

/// Organisers and partners: record that this volunteer has been vetted.
#[component]
fn VettingForm(
    volunteer_id: UserId,
    name: String,
    board_id: BoardId,
    slug: Slug,
    error: FormError,
    action: ServerAction<RecordVetting>,
) -> impl IntoView {
    let id = use_fresh_id(action);
    let vetting_id = RwSignal::new(new_id());
    // The fields are named per volunteer on the page, so labels stay unique.
    let field = |what: &str| format!("{what}-{volunteer_id}");
    let (kind_id, expires_id) = (field("kind"), field("expires"));
    // After a failed post without JavaScript, the form that failed opens again, as typed.
    let failed_here = typed_value("volunteer_id").as_deref() == Some(volunteer_id.as_str());
    let typed = |name: &str| typed_value(name).filter(|_| failed_here);
    let kind = typed("kind").unwrap_or_else(|| DEFAULT_VETTING_KIND.to_string());
    let expires = typed("expires_on").unwrap_or_default();
    let error: FormError = Signal::derive(move || error.get().filter(|_| failed_here));
    view! {
        <details class="vetting-form" open=failed_here>
            <summary>"Record vetting for " {name.clone()}</summary>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <HiddenId name="id" value=id />
                <HiddenId name="vetting_id" value=vetting_id />
                <input type="hidden" name="slug" value=slug.to_string() />
                <input type="hidden" name="board_id" value=board_id.to_string() />
                <input type="hidden" name="volunteer_id" value=volunteer_id.to_string() />
                <div class="field">
                    <label for=kind_id.clone()>"Kind of check"</label>
                    <input
                        id=kind_id
                        name="kind"
                        type="text"
                        value=kind
                        maxlength=VETTING_KIND_MAX.to_string()
                        aria-describedby=failed_here.then_some("kind-error")
                    />
                    // One form's messages on the page at a time, so their ids stay unique.
                    {failed_here.then(|| view! { <FieldMessage name="kind" error=error /> })}
                </div>
                <div class="field">
                    <label for=expires_id.clone()>"Current until (optional)"</label>
                    <p class="hint">"The last day it counts. Leave empty if it does not expire."</p>
                    <input
                        id=expires_id
                        name="expires_on"
                        type="date"
                        value=expires
                        aria-describedby=failed_here.then_some("expires_on-error")
                    />
                    {failed_here.then(|| view! { <FieldMessage name="expires_on" error=error /> })}
                </div>
                <button type="submit" class="button">
                    "Record vetting for " {name}
                </button>
            </ActionForm>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_says_when_a_request_is_overdue_and_how_long_it_waited() {
        let text = queue_explained();
        assert!(
            text.contains("after 1 day (needed today), 7 days (this week) or 14 days (whenever)")
        );
        assert_eq!(waited(30 * 60_000), "Waiting less than an hour");
        assert_eq!(waited(5 * 3_600_000), "Waiting 5 hours");
        assert_eq!(waited(3 * 24 * 3_600_000 + 1), "Waiting 3 days");
    }
}
