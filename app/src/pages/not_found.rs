//! The page for an address that does not exist, sent with HTTP status 404.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Says plainly that the page is not here and offers the way back.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }

    view! {
        <Title text="Page not found" />
        <h1>"Page not found"</h1>
        <p>"There is nothing at this address. The link may be old, or mistyped."</p>
        <p>
            <A href="/" attr:class="button">
                "Back to the board"
            </A>
        </p>
    }
}
