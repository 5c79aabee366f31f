//! The WebAssembly entry point: hydrates the page the server rendered, and nothing else.
// Deeply nested views (the coordination page) need more than the default 128 to compute.
#![recursion_limit = "256"]

use app::pages::offline::OFFLINE_SHELL_ID;

/// Called by the hydration script that the server puts in every page.
///
/// Offline, the service worker may answer an address it has no copy of with the offline shell
/// (the `/offline` page). Hydrating that would show "You're offline" under the wrong address,
/// so the app is mounted afresh instead: the router renders the real page for the real address.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // The wasm downloaded, compiled and instantiated: where the first visit's time goes is
    // read from these marks (`cargo xtask bench`, `end2end/bench/phone.mjs`).
    mark("streetboard:started");
    console_error_panic_hook::set_once();
    if offline_shell_stands_in() {
        if let Some(body) = leptos::prelude::document().body() {
            body.set_inner_html("");
        }
        leptos::mount::mount_to_body(app::App);
    } else {
        leptos::mount::hydrate_body(app::App);
    }
    mark("streetboard:hydrated");
}

/// A `performance.mark`; nothing if the browser has no performance timeline.
fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.mark(name);
    }
}

/// Whether this document is the offline shell served for another address.
fn offline_shell_stands_in() -> bool {
    let document = leptos::prelude::document();
    let is_shell = document.get_element_by_id(OFFLINE_SHELL_ID).is_some();
    let path = leptos::prelude::window().location().pathname();
    is_shell && path.map_or(true, |path| path != "/offline")
}
