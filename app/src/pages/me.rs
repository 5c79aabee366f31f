//! A person's own corner: their details, boards and activity.

use leptos::prelude::*;
use leptos_meta::Title;

/// The signed-in person's own page.
#[component]
pub fn MePage() -> impl IntoView {
    view! {
        <Title text="Me" />
        <h1>"You"</h1>
        <p>"Your requests, what you have offered to help with, and your details live here."</p>
    }
}
