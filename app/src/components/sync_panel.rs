//! What the phone still has to send, and what the server refused, under the header on every
//! page; and on a board, when it was last brought up to date.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::offline::use_sync;
use model::ids::now_ms;
use model::sync::status::{sign_in_text, synced_text, waiting_text, Activity};

/// "2 waiting to send", when the boards on this phone were last brought up to date (every
/// round pulls them all), a sign-in prompt when the session has ended, and each refusal in
/// words with a button to dismiss it.
#[component]
pub fn SyncPanel() -> impl IntoView {
    let sync = use_sync();
    let waiting = move || sync.waiting();
    let signed_out = move || sync.activity() == Activity::SignedOut;
    // Re-read the clock with each round, so "just now" ages while the page is open.
    let freshness = move || {
        sync.rounds();
        let boards = sync.boards();
        (!boards.is_empty()).then(|| {
            let latest = boards.iter().filter_map(|b| b.synced_at_ms).max();
            synced_text(latest, now_ms())
        })
    };
    view! {
        <section class="sync-panel" aria-label="Sync status">
            <p class="sync-waiting" role="status">
                {move || if signed_out() { None } else { waiting_text(waiting()) }}
            </p>
            <p class="sync-freshness">{freshness}</p>
            {move || {
                signed_out()
                    .then(|| {
                        view! {
                            <p class="sync-sign-in" role="alert">
                                {sign_in_text(waiting())} " "
                                <A href="/signin">"Sign in"</A>
                            </p>
                        }
                    })
            }}
            <For
                each=move || sync.refusals()
                key=|(id, _)| id.clone()
                children=move |(id, text)| {
                    view! {
                        <div class="sync-refusal" role="alert">
                            <p>{text}</p>
                            <button
                                type="button"
                                class="button button-secondary"
                                on:click=move |_| sync.dismiss(id.clone())
                            >
                                "Dismiss"
                            </button>
                        </div>
                    }
                }
            />
        </section>
    }
}
