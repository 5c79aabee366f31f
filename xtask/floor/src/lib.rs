//! An empty Leptos 0.8 page, as cargo-leptos' starter makes it (a router, a title, a counter):
//! the smallest interactive page the framework can ship, measured beside Streetboard's board
//! page by `cargo xtask bench` so the board's weight reads against the framework's floor.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    StaticSegment,
};

/// The HTML document around the app, with the scripts that load and hydrate it.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// One route, one page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="Floor"/>
        <Router>
            <main>
                <Routes fallback=|| "Not found.">
                    <Route path=StaticSegment("") view=Counter/>
                </Routes>
            </main>
        </Router>
    }
}

/// The starter's counter: enough to prove the page hydrated.
#[component]
fn Counter() -> impl IntoView {
    let count = RwSignal::new(0);
    view! {
        <h1>"Hello"</h1>
        <button on:click=move |_| *count.write() += 1>"Clicked " {count} " times"</button>
    }
}

/// Called by the hydration script in the page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
