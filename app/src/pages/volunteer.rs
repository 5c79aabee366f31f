//! `/b/:slug/volunteer`: a member's offer to volunteer on a board: what they can help with,
//! when they are usually free, how many tasks a week at most; pause, resume or stop.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use crate::components::LoadProblem;
use crate::{
    api::volunteers::{load_volunteer, SaveVolunteer, VolunteerStatus},
    components::form::{
        form_error, typed_value, use_fresh_id, ErrorSummary, FieldMessage, FormError, HiddenId,
    },
};
use model::{
    coordination::VolunteerPage,
    ids::{BoardId, Slug},
    volunteer::{
        Availability, PartOfDay, VolunteerProfile, Weekday, MAX_PER_WEEK_CHOICES, OTHER_SKILLS_MAX,
    },
    Category,
};

/// Suggested until the volunteer picks another.
const DEFAULT_MAX_PER_WEEK: u32 = 2;

#[component]
pub fn VolunteerScreen() -> impl IntoView {
    let params = use_params_map();
    let save = ServerAction::<SaveVolunteer>::new();
    let status = ServerAction::<VolunteerStatus>::new();
    let slug =
        Memo::new(move |_| params.with(|p| p.get("slug").map(Slug::from).unwrap_or_default()));
    let page = Resource::new(
        move || (slug.get(), save.version().get(), status.version().get()),
        |(slug, _, _)| load_volunteer(slug),
    );
    view! {
        <Title text="Volunteer" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                page.get()
                    .map(|result| match result {
                        Ok(page) => view! { <VolunteerContents page save status /> }.into_any(),
                        Err(error) => view! { <LoadProblem error with_heading=true /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

#[component]
fn VolunteerContents(
    page: VolunteerPage,
    save: ServerAction<SaveVolunteer>,
    status: ServerAction<VolunteerStatus>,
) -> impl IntoView {
    let VolunteerPage {
        board,
        profile,
        paused,
        vetted,
        recent_tasks,
    } = page;
    let state = profile.as_ref().map(|p| {
        if paused {
            "You have paused volunteering: organisers will not ask you until you resume."
                .to_string()
        } else {
            format!(
                "You are volunteering: {recent_tasks} of at most {} tasks in the last 7 days.",
                p.max_per_week
            )
        }
    });
    let volunteering = profile.is_some();
    let (back, heading) = (board.name.clone(), format!("Volunteer on {}", board.name));
    view! {
        <p class="back-link">
            <A href=format!("/b/{}", board.slug)>"Back to " {back}</A>
        </p>
        <h1>{heading}</h1>
        {vetted.then(|| view! { <p class="badges"><span class="badge badge-vetted">"Vetted"</span></p> })}
        <p>
            "Say what you can help with and when you are usually free. The organisers use it "
            "to ask you about requests that suit you, and never more often than you say."
        </p>
        <p class="hint">"Only the board's organisers see these details."</p>
        {state.map(|text| view! { <p class="volunteer-state" role="status">{text}</p> })}
        {volunteering
            .then(|| {
                view! {
                    <StatusButtons
                        board_id=board.id.clone()
                        slug=board.slug.clone()
                        paused
                        action=status
                    />
                }
            })}
        <VolunteerForm board_id=board.id slug=board.slug profile action=save />
    }
}

/// Pause or resume, and stop volunteering.
#[component]
fn StatusButtons(
    board_id: BoardId,
    slug: Slug,
    paused: bool,
    action: ServerAction<VolunteerStatus>,
) -> impl IntoView {
    let error = form_error(action);
    let id = use_fresh_id(action);
    let buttons = [
        if paused {
            ("resume", "Resume volunteering", "button")
        } else {
            ("pause", "Pause volunteering", "button button-secondary")
        },
        ("stop", "Stop volunteering", "button button-secondary"),
    ];
    view! {
        <div class="post-actions">
            {buttons
                .into_iter()
                .map(|(name, label, class)| {
                    let (board_id, slug) = (board_id.clone(), slug.clone());
                    view! {
                        <ActionForm action=action>
                            <HiddenId name="id" value=id />
                            <input type="hidden" name="board_id" value=board_id.to_string() />
                            <input type="hidden" name="slug" value=slug.to_string() />
                            <input type="hidden" name="action" value=name />
                            <button type="submit" class=class>
                                {label}
                            </button>
                        </ActionForm>
                    }
                })
                .collect_view()}
        </div>
        <ErrorSummary error=error />
    }
}

#[component]
fn VolunteerForm(
    board_id: BoardId,
    slug: Slug,
    profile: Option<VolunteerProfile>,
    action: ServerAction<SaveVolunteer>,
) -> impl IntoView {
    let error = form_error(action);
    let id = use_fresh_id(action);
    let submit_label = if profile.is_some() {
        "Save changes"
    } else {
        "Start volunteering"
    };
    // After a failed post without JavaScript, what was ticked comes back; else the saved offer.
    let retyped = typed_value("max_per_week").is_some();
    let ticked = move |field: String, saved: bool| {
        if retyped {
            typed_value(&field).is_some()
        } else {
            saved
        }
    };
    let skills = profile
        .as_ref()
        .map(|p| p.skills.clone())
        .unwrap_or_default();
    let free = profile
        .as_ref()
        .map_or(Availability::default(), |p| p.availability);
    let max_chosen = typed_value("max_per_week")
        .and_then(|v| v.parse().ok())
        .or(profile.as_ref().map(|p| p.max_per_week))
        .unwrap_or(DEFAULT_MAX_PER_WEEK);
    let other = typed_value("other_skills")
        .or(profile.as_ref().map(|p| p.other_skills.clone()))
        .unwrap_or_default();
    view! {
        <ActionForm action=action attr:class="form volunteer-form" attr:novalidate=true>
            <ErrorSummary error=error />
            <FieldMessage name="id" error=error />
            <HiddenId name="id" value=id />
            <input type="hidden" name="board_id" value=board_id.to_string() />
            <input type="hidden" name="slug" value=slug.to_string() />
            <fieldset class="choices" aria-describedby="skills-error">
                <legend>"What can you help with?"</legend>
                {Category::ALL
                    .iter()
                    .map(|c| {
                        let name = format!("skills[{}]", c.as_str());
                        let checked = ticked(name.clone(), skills.contains(c));
                        view! { <Tick name label=c.label().to_string() checked /> }
                    })
                    .collect_view()}
                <FieldMessage name="skills" error=error />
            </fieldset>
            <div class="field">
                <label for="other_skills">"Anything else you can offer (optional)"</label>
                <p class="hint" id="other_skills-hint">"For example: \"I drive\", \"I speak Polish\"."</p>
                <input
                    id="other_skills"
                    name="other_skills"
                    type="text"
                    value=other
                    maxlength=OTHER_SKILLS_MAX.to_string()
                    aria-describedby="other_skills-hint other_skills-error"
                />
                <FieldMessage name="other_skills" error=error />
            </div>
            <fieldset class="choices" aria-describedby="slots-hint slots-error">
                <legend>"When are you usually free?"</legend>
                <p class="hint" id="slots-hint">
                    "Mornings until noon, afternoons until 5 pm, evenings after that."
                </p>
                {Weekday::ALL
                    .iter()
                    .map(|day| {
                        view! {
                            <fieldset class="day-slots">
                                <legend>{day.label()}</legend>
                                {PartOfDay::ALL
                                    .iter()
                                    .map(|part| {
                                        let name = format!(
                                            "slots[{}]",
                                            Availability::slot_name(*day, *part),
                                        );
                                        let checked = ticked(name.clone(), free.contains(*day, *part));
                                        let label = part.label().to_string();
                                        view! { <Tick name label checked /> }
                                    })
                                    .collect_view()}
                            </fieldset>
                        }
                    })
                    .collect_view()}
                <FieldMessage name="slots" error=error />
            </fieldset>
            <MaxPerWeek chosen=max_chosen error=error />
            <button type="submit" class="button">
                {submit_label}
            </button>
        </ActionForm>
    }
}

/// One checkbox with its label; the whole row is the target.
#[component]
fn Tick(name: String, label: String, checked: bool) -> impl IntoView {
    let id = name.replace(['[', ']'], "-");
    view! {
        <div class="choice">
            <input type="checkbox" id=id.clone() name=name checked=checked />
            <label for=id>{label}</label>
        </div>
    }
}

#[component]
fn MaxPerWeek(chosen: u32, error: FormError) -> impl IntoView {
    view! {
        <div class="field">
            <label for="max_per_week">"At most how many tasks a week?"</label>
            <select id="max_per_week" name="max_per_week" aria-describedby="max_per_week-error">
                {MAX_PER_WEEK_CHOICES
                    .map(|n| {
                        view! {
                            <option value=n.to_string() selected=n == chosen>
                                {n.to_string()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <FieldMessage name="max_per_week" error=error />
        </div>
    }
}
