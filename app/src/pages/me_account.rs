//! The account part of Me: change the password (every other device is signed out), download
//! my data, sign out everywhere and delete the account, each working without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    api::auth::{ChangePassword, DeleteAccount, SignOutEverywhere},
    components::form::{form_error, ErrorSummary, TextField},
    hooks::forget_cached_pages,
    offline::use_sync,
};
use model::validate::{PASSWORD_MAX, PASSWORD_MIN};

#[component]
pub(super) fn YourAccount() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let error = form_error(change);
    let changed = use_query_map().with_untracked(|q| q.get("password_changed").is_some());
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    let delete = ServerAction::<DeleteAccount>::new();
    let delete_error = form_error(delete);
    let sync = use_sync();
    // As signing out here: this phone keeps nothing of theirs for the next person.
    let forget = move |_| {
        sync.forget_person();
        forget_cached_pages();
    };
    view! {
        <section aria-labelledby="account-heading">
            <h2 id="account-heading">"Your account"</h2>
            {changed
                .then(|| {
                    view! {
                        <p role="status">
                            "Your password is changed. Every other phone or computer is signed out."
                        </p>
                    }
                })}
            <ActionForm action=change attr:class="form" attr:novalidate=true>
                <ErrorSummary error=error />
                <TextField
                    name="current_password"
                    label="Current password"
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                    error=error
                />
                <TextField
                    name="new_password"
                    check=super::auth::password_check
                    label="New password"
                    hint=format!("At least {PASSWORD_MIN} characters. Every other phone or computer you use will be signed out.")
                    input_type="password"
                    autocomplete="new-password"
                    maxlength=PASSWORD_MAX
                    required=true
                    error=error
                />
                <button type="submit" class="button button-secondary">
                    "Change password"
                </button>
            </ActionForm>
            <p>
                // A file to save, not a page: the router and the offline copy leave it alone.
                <a href="/me/data.json" rel="external" download="my-streetboard-data.json">
                    "Download my data"
                </a>
                " (everything Streetboard holds about you, as a JSON file)"
            </p>
            <ActionForm action=everywhere attr:class="form">
                <p class="hint">
                    "Lost a phone, or signed in somewhere you should not stay? This signs you out on "
                    "every phone and computer, this one too."
                </p>
                <button type="submit" class="button button-secondary" on:click=forget>
                    "Sign out everywhere"
                </button>
            </ActionForm>
            <h3 id="delete-heading">"Delete my account"</h3>
            <p class="hint">
                "Your phone number, email, house numbers and volunteering are deleted at once, and "
                "what you were helping with is open again for someone else. Your posts and replies "
                "stay for the street as \"A former neighbour\", unless you tick the box."
            </p>
            <ActionForm action=delete attr:class="form" attr:novalidate=true attr:aria-labelledby="delete-heading">
                <ErrorSummary error=delete_error />
                <TextField
                    name="password"
                    label="Your password, to be sure it is you"
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                    error=delete_error
                />
                <div class="choice">
                    <input type="checkbox" id="remove_posts" name="remove_posts" />
                    <label for="remove_posts">"Also remove my posts and replies"</label>
                </div>
                <button type="submit" class="button button-danger" on:click=forget>
                    "Delete my account"
                </button>
            </ActionForm>
        </section>
    }
}
