//! Why a page could not load, said the same way on every page: a way to sign in, "you're
//! offline", or what went wrong, sent with the error's status.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_location};
use model::AppError;

use crate::words::problem;

/// Why a page could not load: a way to sign in, or what went wrong. With `with_heading`, also
/// the page's title and heading, for pages whose own heading needed what failed to load.
#[component]
pub fn LoadProblem(error: AppError, #[prop(optional)] with_heading: bool) -> impl IntoView {
    // The page is sent with the error's status when it is not yet on its way (`SsrMode::Async`).
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        let status = http::StatusCode::from_u16(error.status());
        response.set_status(status.unwrap_or(http::StatusCode::BAD_REQUEST));
    }
    let heading = match &error {
        AppError::NotSignedIn => "Please sign in",
        AppError::Refused(refusal) if refusal.status() == 404 => "Not found",
        AppError::Refused(refusal) if refusal.status() == 403 => "Not available to you",
        AppError::Transport(_) => "You're offline",
        _ => "This page could not be loaded",
    };
    let heading = with_heading.then(|| view! { <Title text=heading /> <h1>{heading}</h1> });
    let problem = match error {
        AppError::NotSignedIn => {
            let next = query_value(&use_location().pathname.get_untracked());
            view! {
                <p>
                    "Boards are only for the neighbours on them. "
                    <A href=format!("/signin?next={next}")>"Sign in"</A> " to see this page."
                </p>
            }
            .into_any()
        }
        AppError::Transport(_) => view! {
            <p role="alert">
                "This page is not saved on this phone yet. "
                "It will load when there is signal again; your boards are on the home page."
            </p>
        }
        .into_any(),
        other => view! { <p role="alert">{problem(&other)}</p> }.into_any(),
    };
    view! { {heading} {problem} }
}

/// `text` made safe as a query-string value, the same on the server and in the browser.
fn query_value(text: &str) -> String {
    let keep = |b: u8| b.is_ascii_alphanumeric() || b"-_.~/".contains(&b);
    text.bytes()
        .map(|b| {
            if keep(b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_returns_to_the_same_page() {
        assert_eq!(query_value("/b/elm-road"), "/b/elm-road");
        assert_eq!(query_value("/b/a&b?c d"), "/b/a%26b%3Fc%20d");
    }
}
