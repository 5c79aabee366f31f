//! "Post" in the navigation: choose which board to post on (most people have one).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::boards::my_boards;

use model::AppError;

#[component]
pub fn PostPage() -> impl IntoView {
    let boards = Resource::new(|| (), |_| my_boards());
    view! {
        <Title text="Post" />
        <h1>"Ask or offer"</h1>
        <Suspense fallback=|| view! { <p>"Loading your boards…"</p> }>
            {move || {
                boards
                    .get()
                    .map(|result| match result {
                        Ok(boards) if boards.is_empty() => {
                            view! {
                                <p>"Join your street's board first, or "<A href="/boards/new">"start one"</A>"."</p>
                            }
                                .into_any()
                        }
                        Ok(boards) => {
                            view! {
                                <ul class="board-list">
                                    {boards
                                        .into_iter()
                                        .map(|b| {
                                            view! {
                                                <li class="board-row">
                                                    <span>{b.name.clone()}</span>
                                                    <A href=format!("/b/{}/new?kind=request", b.slug) attr:class="button">
                                                        "Ask for help"
                                                    </A>
                                                    <A href=format!("/b/{}/new?kind=offer", b.slug) attr:class="button button-secondary">
                                                        "Offer help"
                                                    </A>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(AppError::NotSignedIn) => {
                            view! { <p><A href="/signin?next=/post">"Sign in"</A>" to post on your street's board."</p> }
                                .into_any()
                        }
                        Err(e) => view! { <p role="alert">{crate::words::problem(&e)}</p> }.into_any(),
                    })
            }}
        </Suspense>
    }
}
