//! The home page: what Streetboard is for, and for a signed-in person their boards.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{api::boards::my_boards, offline::use_sync};

use model::{views::BoardSummary, AppError};

/// Signed out: what the app is for and how to start. Signed in: the person's boards.
#[component]
pub fn HomePage() -> impl IntoView {
    let boards = Resource::new(|| (), |_| my_boards());
    let sync = use_sync();
    // Signed in and on some boards: the phone can keep them all, even before one is opened.
    Effect::new(move |_| {
        if boards.get().is_some_and(|r| r.is_ok_and(|b| !b.is_empty())) {
            sync.signed_in();
        }
    });
    view! {
        <Title text="" />
        <h1>"Your street's help board"</h1>
        <Suspense fallback=|| view! { <p>"Loading your boards…"</p> }>
            {move || {
                boards
                    .get()
                    .map(|result| match result {
                        Ok(boards) if boards.is_empty() => view! { <NoBoardYet /> }.into_any(),
                        Ok(boards) => view! { <BoardList boards /> }.into_any(),
                        // No signal: the boards kept on this phone.
                        Err(AppError::Transport(_)) if !sync.boards().is_empty() => {
                            let boards = sync.boards().into_iter().map(|b| b.board).collect();
                            view! { <BoardList boards /> }.into_any()
                        }
                        Err(AppError::NotSignedIn) => view! { <Welcome /> }.into_any(),
                        Err(e) => view! { <p role="alert">{crate::words::problem(&e)}</p> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

#[component]
fn BoardList(boards: Vec<BoardSummary>) -> impl IntoView {
    view! {
        <h2>"Your boards"</h2>
        <ul class="board-list">
            {boards
                .into_iter()
                .map(|b| {
                    view! {
                        <li>
                            <A href=format!("/b/{}", b.slug) attr:class="board-link">
                                <span class="board-link-name">{b.name}</span>
                                <span class="board-link-streets">{b.streets.join(", ")}</span>
                            </A>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <p>
            <A href="/boards/new">"Start another board"</A>
        </p>
    }
}

/// For someone who is not signed in: what this is, and the two ways in.
#[component]
fn Welcome() -> impl IntoView {
    view! {
        <section class="empty-state" aria-labelledby="welcome-heading">
            <h2 id="welcome-heading">"Nothing on the board yet"</h2>
            <p>
                "Streetboard is a noticeboard for the few streets around you. "
                "Neighbours use it to ask for help, offer help, and look out for each other: "
                "a lift to the surgery, a prescription to collect, a chat over the fence."
            </p>
            <ul class="reassurances">
                <li>"Posts show your street, never your house number."</li>
                <li>"Only the neighbour who helps you sees how to reach you."</li>
            </ul>
            <p class="actions">
                <A href="/signup" attr:class="button">
                    "Join Streetboard"
                </A>
                <A href="/signin" attr:class="button button-secondary">
                    "Sign in"
                </A>
            </p>
        </section>
    }
}

/// Signed in but on no board yet: start one, or use an invite link.
#[component]
fn NoBoardYet() -> impl IntoView {
    view! {
        <section class="empty-state" aria-labelledby="no-board-heading">
            <h2 id="no-board-heading">"You are not on a board yet"</h2>
            <p>"If a neighbour sent you an invite link, open it to join their board."</p>
            <p>"Or start a board for your street, and invite your neighbours."</p>
            <p class="actions">
                <A href="/boards/new" attr:class="button">
                    "Start a board"
                </A>
            </p>
        </section>
    }
}
