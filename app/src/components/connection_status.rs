//! A small, polite live region that says whether the phone is online.

use leptos::prelude::*;

use crate::hooks::use_online;

/// "Online" or "Offline", announced politely to screen readers when it changes.
///
/// Empty when rendered on the server: only the browser knows whether it is connected.
#[component]
pub fn ConnectionStatus() -> impl IntoView {
    let online = use_online();
    let label = move || match online.get() {
        Some(true) => "Online",
        Some(false) => "Offline",
        None => "",
    };
    let state = move || match online.get() {
        Some(true) => "online",
        Some(false) => "offline",
        None => "unknown",
    };

    view! {
        <p class="connection" role="status" aria-label="Connection" data-state=state>
            {label}
        </p>
    }
}
