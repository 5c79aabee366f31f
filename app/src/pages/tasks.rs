//! `/tasks`: requests an organiser has asked the viewer to help with. Accepting makes them the
//! one helping; declining leaves the request open for the organisers to ask someone else.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::components::{
    form::problem_text,
    name_mark::AuthorAndStreet,
    post_badges::{day_and_month, PostBadges},
    LoadProblem,
};
use crate::{
    api::volunteers::{my_tasks, AnswerTask},
    components::form::{form_error, HiddenId},
    offline::use_sync,
};
use model::{coordination::Task, ids::new_id};

#[component]
pub fn TasksPage() -> impl IntoView {
    let answer = ServerAction::<AnswerTask>::new();
    let tasks = Resource::new(move || answer.version().get(), |_| my_tasks());
    let error = form_error(answer);
    // An answer changed a post on the server, not through the phone's outbox: bring the
    // phone's copy of the board up to date, so the post's page shows who is helping.
    let sync = use_sync();
    Effect::new(move |_| {
        if matches!(answer.value().get(), Some(Ok(()))) {
            sync.sync_now();
        }
    });
    view! {
        <Title text="My tasks" />
        <h1>"My tasks"</h1>
        <p>
            "Requests an organiser has asked you to help with. Accept, and you are the one "
            "helping: you will see how to reach the neighbour. Decline, and the organisers "
            "will ask someone else."
        </p>
        {move || {
            error.get().map(|e| view! { <p class="action-error" role="alert">{problem_text(&e)}</p> })
        }}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                tasks
                    .get()
                    .map(|result| match result {
                        Ok(tasks) if tasks.is_empty() => {
                            view! { <p class="empty-state">"Nothing is waiting for your answer."</p> }
                                .into_any()
                        }
                        Ok(tasks) => {
                            view! {
                                <ul class="post-list">
                                    {tasks
                                        .into_iter()
                                        .map(|task| view! { <TaskItem task action=answer /> })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <LoadProblem error /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

#[component]
fn TaskItem(task: Task, action: ServerAction<AnswerTask>) -> impl IntoView {
    let Task {
        card,
        board_name,
        asked_by_name,
        asked_at_ms,
    } = task;
    let title = card.title.clone();
    let (aria_title, link) = (title.clone(), format!("/p/{}", card.id));
    let buttons = [
        ("accept", format!("Accept “{title}”"), "Accept", "button"),
        (
            "decline",
            format!("Decline “{title}”"),
            "Decline",
            "button button-secondary",
        ),
    ];
    view! {
        <li>
            <article class="post-card" aria-label=aria_title>
                <h2 class="post-card-title">
                    <A href=link>{title}</A>
                </h2>
                <PostBadges kind=card.kind urgency=card.urgency needs_vetting=card.needs_vetting />
                <p class="post-meta">
                    {card.category.label()} " · "
                    <AuthorAndStreet
                        name=card.author_name
                        mark=card.author_mark
                        street=card.street
                    />
                    " · "
                    {board_name}
                </p>
                <p class="post-meta">
                    "Asked by " {asked_by_name} " on " {day_and_month(asked_at_ms)}
                </p>
                <div class="post-actions">
                    {buttons
                        .into_iter()
                        .map(|(answer, label, text, class)| {
                            // Each answer is its own write.
                            let id = RwSignal::new(new_id());
                            let post_id = card.id.to_string();
                            view! {
                                <ActionForm action=action>
                                    <HiddenId name="id" value=id />
                                    <input type="hidden" name="post_id" value=post_id />
                                    <input type="hidden" name="answer" value=answer />
                                    <button type="submit" class=class aria-label=label>
                                        {text}
                                    </button>
                                </ActionForm>
                            }
                        })
                        .collect_view()}
                </div>
            </article>
        </li>
    }
}
