//! Writing a post: asking for help or offering it.

use leptos::prelude::*;
use leptos_meta::Title;

/// Where a neighbour asks for or offers help.
#[component]
pub fn PostPage() -> impl IntoView {
    view! {
        <Title text="Post" />
        <h1>"Ask or offer"</h1>
        <p>"Join your street's board first: posting opens once you are a member."</p>
    }
}
