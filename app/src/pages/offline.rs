//! The offline shell: a page the service worker stores when it installs, and serves for any
//! address it cannot fetch and has no copy of. In the browser the app then mounts over it and
//! renders the real page for that address (see `frontend`'s `hydrate`).

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;

/// The id the browser looks for to tell the offline shell from the page it stands in for.
pub const OFFLINE_SHELL_ID: &str = "offline-shell";

/// Says plainly that there is no connection, and what still works.
#[component]
pub fn OfflinePage() -> impl IntoView {
    view! {
        <Title text="You're offline" />
        <Meta name="robots" content="noindex" />
        <section id=OFFLINE_SHELL_ID class="offline-shell" aria-labelledby="offline-heading">
            <h1 id="offline-heading">"You're offline"</h1>
            <p>
                "Streetboard can't reach the internet just now, and this page isn't saved on "
                "this phone yet."
            </p>
            <p>
                "Pages you have opened before still open without a signal. When your "
                "connection is back, try again."
            </p>
            <p>
                <A href="/" attr:class="button">
                    "Go to the board"
                </A>
            </p>
        </section>
    }
}
