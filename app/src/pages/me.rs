//! A person's own page: what they asked for and are helping with, their private contact
//! details, their boards (leave one), and signing out.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::components::LoadProblem;
use crate::{
    api::{
        auth::SignOut,
        boards::{load_profile, my_boards, LeaveBoard, UpdateProfile},
        posts::my_activity,
    },
    components::form::{form_error, ErrorSummary, TextField},
    hooks::forget_cached_pages,
    offline::use_sync,
};
use model::{validate, views::PostCard, AppError};

#[component]
pub fn MePage() -> impl IntoView {
    let profile = Resource::new(|| (), |_| load_profile());
    let activity = Resource::new(|| (), |_| my_activity());
    let boards = Resource::new(|| (), |_| my_boards());
    view! {
        <Title text="Me" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                profile
                    .get()
                    .map(|result| match result {
                        Err(AppError::NotSignedIn) => {
                            view! {
                                <h1>"You"</h1>
                                <p>
                                    <A href="/signin?next=/me">"Sign in"</A>
                                    " to see your requests, what you are helping with, and your details."
                                </p>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <LoadProblem error with_heading=true /> }.into_any(),
                        Ok(profile) => {
                            view! {
                                <h1>{profile.display_name.clone()}</h1>
                                <p class="board-links">
                                    <A href="/tasks">"My tasks"</A>
                                    ": requests an organiser has asked you to help with"
                                </p>
                                <Activity activity=activity />
                                <ContactForm phone=profile.phone email=profile.email />
                                <MyBoards boards=boards />
                                <super::me_account::YourAccount />
                                <SignOutButton />
                            }
                                .into_any()
                        }
                    })
            }}
        </Suspense>
    }
}

type ActivityResource = Resource<Result<(Vec<PostCard>, Vec<PostCard>), AppError>>;

#[component]
fn Activity(activity: ActivityResource) -> impl IntoView {
    let list = |posts: Vec<PostCard>, empty: &'static str| {
        if posts.is_empty() {
            return view! { <p>{empty}</p> }.into_any();
        }
        view! {
            <ul class="activity-list">
                {posts
                    .into_iter()
                    .map(|p| {
                        view! {
                            <li>
                                <A href=format!("/p/{}", p.id)>{p.title}</A>
                                " · "
                                {p.status.label()}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    move || {
        activity.get().map(|result| match result {
            Ok((mine, helping)) => view! {
                <section aria-labelledby="mine-heading">
                    <h2 id="mine-heading">"My posts"</h2>
                    {list(mine, "You have not posted anything yet.")}
                </section>
                <section aria-labelledby="helping-heading">
                    <h2 id="helping-heading">"What I have taken on"</h2>
                    {list(helping, "Nothing yet.")}
                </section>
            }
            .into_any(),
            Err(e) => view! { <p role="alert">{crate::words::problem(&e)}</p> }.into_any(),
        })
    }
}

#[component]
fn ContactForm(phone: String, email: String) -> impl IntoView {
    let action = ServerAction::<UpdateProfile>::new();
    let error = form_error(action);
    view! {
        <section aria-labelledby="contact-heading">
            <h2 id="contact-heading">"How a helper can reach you"</h2>
            <p class="hint">"Private: shown only to a neighbour who is helping you, while they help."</p>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <ErrorSummary error=error />
                <TextField name="phone"
                check=validate::phone label="Phone" input_type="tel" autocomplete="tel" value=phone error=error />
                <TextField name="email"
                check=validate::email label="Email" input_type="email" autocomplete="email" value=email error=error />
                <button type="submit" class="button">
                    "Save"
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn MyBoards(boards: Resource<Result<Vec<model::views::BoardSummary>, AppError>>) -> impl IntoView {
    let leave = ServerAction::<LeaveBoard>::new();
    move || {
        boards.get().map(|result| {
            let boards = result.unwrap_or_default();
            view! {
                <section aria-labelledby="boards-heading">
                    <h2 id="boards-heading">"My boards"</h2>
                    <ul class="board-list">
                        {boards
                            .into_iter()
                            .map(|b| {
                                let label = format!("Leave {}", b.name);
                                view! {
                                    <li class="board-row">
                                        <A href=format!("/b/{}", b.slug)>{b.name.clone()}</A>
                                        <ActionForm action=leave attr:class="inline-form">
                                            <input type="hidden" name="slug" value=b.slug.to_string() />
                                            <button type="submit" class="button button-secondary" aria-label=label>
                                                "Leave"
                                            </button>
                                        </ActionForm>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    <p>
                        <A href="/boards/new">"Start a board"</A>
                    </p>
                </section>
            }
        })
    }
}

#[component]
fn SignOutButton() -> impl IntoView {
    let action = ServerAction::<SignOut>::new();
    let sync = use_sync();
    // A shared phone keeps nothing of this person's boards or pages for the next one; their
    // unsent writes stay, kept under their id, until they sign in again.
    let forget = move |_| {
        sync.forget_person();
        forget_cached_pages();
    };
    view! {
        <ActionForm action=action attr:class="form">
            <button type="submit" class="button button-secondary" on:click=forget>
                "Sign out"
            </button>
        </ActionForm>
    }
}
