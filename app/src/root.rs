//! The root component: page chrome (header, main area, bottom navigation) and the routes.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use crate::components::{form::provide_failed_submission, BottomNav, SiteHeader};
use crate::hooks::use_hydrated_marker;
use crate::pages::{
    HomePage, JoinPage, MePage, NewBoardPage, NotFoundPage, PostPage, SignInPage, SignUpPage,
};
use crate::APP_NAME;

/// The whole app, rendered on the server and hydrated in the browser.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_failed_submission();
    use_hydrated_marker();

    view! {
        // Every page sets its own title; this formats it as "Page · Streetboard".
        <Title formatter=|page: String| {
            if page.is_empty() { APP_NAME.to_string() } else { format!("{page} · {APP_NAME}") }
        } />
        <Router>
            <a class="skip-link" href="#main">
                "Skip to content"
            </a>
            <SiteHeader />
            <main id="main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("") view=HomePage />
                    <Route path=path!("post") view=PostPage />
                    <Route path=path!("me") view=MePage />
                    <Route path=path!("signup") view=SignUpPage />
                    <Route path=path!("signin") view=SignInPage />
                    <Route path=path!("boards/new") view=NewBoardPage />
                    <Route path=path!("join/:code") view=JoinPage />
                </Routes>
            </main>
            <BottomNav />
        </Router>
    }
}
