//! The main navigation: a thumb-reachable bar at the bottom of a phone screen.

use leptos::prelude::*;
use leptos_router::components::A;

/// The three places a neighbour goes: the board, writing a post, and their own things.
///
/// Links, not buttons, so it works before (and without) JavaScript; the router marks the
/// current page with `aria-current="page"`.
#[component]
pub fn BottomNav() -> impl IntoView {
    view! {
        <nav class="bottom-nav" aria-label="Main">
            <A href="/" exact=true>
                <span class="nav-icon" aria-hidden="true">"▦"</span>
                "Board"
            </A>
            <A href="/post">
                <span class="nav-icon" aria-hidden="true">"+"</span>
                "Post"
            </A>
            <A href="/me">
                <span class="nav-icon" aria-hidden="true">"◉"</span>
                "Me"
            </A>
        </nav>
    }
}
