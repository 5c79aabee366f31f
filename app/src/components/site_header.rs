//! The header at the top of every page: the app's name (a link home), the connection status and
//! the install button; below it, the update banner.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::{ConnectionStatus, InstallButton, UpdatePrompt};
use crate::APP_NAME;

/// The banner landmark at the top of every page.
#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <A href="/" attr:class="brand">
                <img class="brand-mark" src="/icons/mark.svg" alt="" width="28" height="28" />
                {APP_NAME}
            </A>
            <ConnectionStatus />
            <InstallButton />
        </header>
        <UpdatePrompt />
    }
}
