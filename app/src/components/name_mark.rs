//! The mark beside a name that looks like another member's on the same board
//! (`model::views::NameMark`): that person's street, in a tag, so neighbours can tell
//! "Margaret" of Elm Road from the "Маrgaret" of Ash Grove who copied her name.

use leptos::prelude::*;
use model::views::NameMark;

/// What a screen reader says before the street, since it cannot see the tag.
const WHY: &str = "(another member's name looks like this one) ";

/// `name`, and after it its mark when it has one: "Margaret [of Elm Road]".
#[component]
pub fn MarkedName(name: String, mark: NameMark) -> impl IntoView {
    let mark = mark.map(|street| {
        view! {
            " "
            <span class="name-mark" title="Another member's name looks like this one">
                <span class="visually-hidden">{WHY}</span>
                {format!("of {street}")}
            </span>
        }
    });
    // Erased: inside a post card's type it would pass the compiler's depth limit.
    view! { {name} {mark} }.into_any()
}

/// A post's author and street: "Margaret · Elm Road". Where the author's name looks like
/// another member's, the street is in the mark instead ("Margaret [of Elm Road]"): the mark
/// is the post's street, so saying it twice would only crowd the line.
#[component]
pub fn AuthorAndStreet(name: String, mark: NameMark, street: String) -> impl IntoView {
    let street = mark.is_none().then(|| view! { " · " {street} });
    view! { <MarkedName name mark /> {street} }.into_any()
}
