//! The banner that offers a new version of the app once it has downloaded.

use leptos::prelude::*;

use crate::hooks::{use_service_worker, UseServiceWorkerReturn};

/// Registers the service worker and, when a new version is waiting, says so politely with an
/// "Update" button (the page reloads once onto the new version). The live region is always in
/// the page, so screen readers announce the message when it appears.
#[component]
pub fn UpdatePrompt() -> impl IntoView {
    let UseServiceWorkerReturn {
        update_ready,
        apply_update,
    } = use_service_worker();

    view! {
        <div class="update-region" role="status" aria-live="polite">
            <Show when=move || update_ready.get()>
                <div class="update-prompt">
                    <p>"A new version of Streetboard is ready."</p>
                    <button
                        type="button"
                        class="button"
                        on:click={
                            let apply_update = apply_update.clone();
                            move |_| apply_update()
                        }
                    >
                        "Update"
                    </button>
                </div>
            </Show>
        </div>
    }
}
