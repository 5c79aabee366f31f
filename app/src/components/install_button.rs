//! "Install Streetboard": shown in the header only when the browser offers to install the app.

use leptos::prelude::*;

use crate::hooks::{use_install_prompt, UseInstallPromptReturn};

/// A button that opens the browser's install prompt; absent where installing is not offered
/// (and on the server, so the page never shows a button that cannot work).
#[component]
pub fn InstallButton() -> impl IntoView {
    let UseInstallPromptReturn {
        can_install,
        install,
    } = use_install_prompt();

    view! {
        <Show when=move || can_install.get()>
            <button
                type="button"
                class="install-button"
                on:click={
                    let install = install.clone();
                    move |_| install()
                }
            >
                "Install Streetboard"
            </button>
        </Show>
    }
}
