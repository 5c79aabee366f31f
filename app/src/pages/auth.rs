//! Joining Streetboard and signing in: two short forms, a name and a password.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use crate::{
    api::auth::{SignIn, SignUp},
    components::form::{form_error, use_fresh_id, ErrorSummary, HiddenId, TextField},
};

use model::validate::{self, DISPLAY_NAME_MAX, PASSWORD_MAX, PASSWORD_MIN};

fn next_from_query() -> Option<String> {
    use_query_map().get_untracked().get("next")
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let error = form_error(action);
    let id = use_fresh_id(action);
    let next = next_from_query();
    let signin_href = match &next {
        Some(n) => format!("/signin?next={n}"),
        None => "/signin".to_string(),
    };
    view! {
        <Title text="Join" />
        <h1>"Join Streetboard"</h1>
        <p>"Just a name your neighbours will know you by, and a password."</p>
        <ActionForm action=action attr:class="form" attr:novalidate=true>
            <ErrorSummary error=error />
            <HiddenId name="id" value=id />
            <input type="hidden" name="next" value=next />
            <TextField
                name="display_name"
                check=validate::display_name
                label="Your name"
                hint="Shown on your posts, e.g. \"Margaret\" or \"Sam K.\". You sign in with it too."
                autocomplete="nickname"
                maxlength=DISPLAY_NAME_MAX
                required=true
                error=error
            />
            <TextField
                name="password"
                check=password_check
                label="Password"
                hint=format!("At least {PASSWORD_MIN} characters. Three or four ordinary words are easy to remember and hard to guess.")
                input_type="password"
                autocomplete="new-password"
                maxlength=PASSWORD_MAX
                required=true
                error=error
            />
            <button type="submit" class="button">
                "Join"
            </button>
        </ActionForm>
        <p>"Already joined? " <A href=signin_href>"Sign in"</A></p>
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = form_error(action);
    let next = next_from_query();
    view! {
        <Title text="Sign in" />
        <h1>"Sign in"</h1>
        <ActionForm action=action attr:class="form" attr:novalidate=true>
            <ErrorSummary error=error />
            <input type="hidden" name="next" value=next />
            <TextField name="display_name" label="Your name" autocomplete="username" required=true error=error />
            <TextField
                name="password"
                label="Password"
                input_type="password"
                autocomplete="current-password"
                required=true
                error=error
            />
            <button type="submit" class="button">
                "Sign in"
            </button>
        </ActionForm>
        <p>"New here? " <A href="/signup">"Join Streetboard"</A></p>
    }
}

/// The password rules as the browser can check them (the server also checks the name).
pub(super) fn password_check(password: &str) -> Result<(), String> {
    validate::password(password, "")
}
