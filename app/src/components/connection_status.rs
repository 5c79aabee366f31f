//! A small, polite live region that says whether the phone is online, and when it is sending.

use leptos::prelude::*;

use crate::hooks::use_online;
use crate::offline::use_sync;
use model::sync::status::Activity;

/// "Online", "Offline" or "Sending…", announced politely to screen readers when it changes.
///
/// Empty when rendered on the server: only the browser knows whether it is connected.
#[component]
pub fn ConnectionStatus() -> impl IntoView {
    let online = use_online();
    let sync = use_sync();
    let activity = move || match online.get() {
        Some(false) => Some(Activity::Offline),
        Some(true) if sync.activity() == Activity::Offline => Some(Activity::Idle),
        Some(true) => Some(sync.activity()),
        None => None,
    };
    let label = move || activity().map_or("", Activity::label);
    let state = move || match activity() {
        Some(Activity::Offline) => "offline",
        Some(Activity::Sending) => "sending",
        Some(_) => "online",
        None => "unknown",
    };

    view! {
        <p class="connection" role="status" aria-label="Connection" data-state=state>
            {label}
        </p>
    }
}
