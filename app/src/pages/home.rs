//! The home page: for now the board's empty state, saying what Streetboard is for.

use leptos::prelude::*;
use leptos_meta::Title;

/// The board of the person's street; empty until they have joined one.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="" />
        <h1>"Your street's help board"</h1>
        <section class="empty-state" aria-labelledby="empty-heading">
            <h2 id="empty-heading">"Nothing on the board yet"</h2>
            <p>
                "Streetboard is a noticeboard for the few streets around you. "
                "Neighbours use it to ask for help, offer help, and look out for each other: "
                "a lift to the surgery, a prescription to collect, a chat over the fence."
            </p>
            <ul class="reassurances">
                <li>"Posts show your street, never your house number."</li>
                <li>"Only the neighbour who helps you sees how to reach you."</li>
            </ul>
        </section>
    }
}
