//! The root component: page chrome (header, main area, bottom navigation) and the routes.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::components::{form::provide_failed_submission, BottomNav, SiteHeader, SyncPanel};
use crate::hooks::use_hydrated_marker;
use crate::offline::provide_sync;
use crate::pages::{
    BoardScreen, ComposePage, HomePage, JoinPage, MePage, ModeratePage, NewBoardPage, NotFoundPage,
    OfflinePage, PostPage, PostScreen, SignInPage, SignUpPage,
};
use crate::APP_NAME;

/// The whole app, rendered on the server and hydrated in the browser.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_failed_submission();
    use_hydrated_marker();
    provide_sync();

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
                <SyncPanel />
                // Every route waits for its data on the server (`SsrMode::Async`), so the page
                // arrives whole: it works without JavaScript, with its title and status.
                <Routes fallback=NotFoundPage>
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("post") view=PostPage ssr=SsrMode::Async />
                    <Route path=path!("me") view=MePage ssr=SsrMode::Async />
                    <Route path=path!("tasks") view=crate::pages::TasksPage ssr=SsrMode::Async />
                    <Route path=path!("signup") view=SignUpPage ssr=SsrMode::Async />
                    <Route path=path!("signin") view=SignInPage ssr=SsrMode::Async />
                    <Route path=path!("boards/new") view=NewBoardPage ssr=SsrMode::Async />
                    <Route path=path!("join/:code") view=JoinPage ssr=SsrMode::Async />
                    <Route
                        path=path!("b/:slug/volunteer")
                        view=crate::pages::VolunteerScreen
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("b/:slug/coordinate")
                        view=crate::pages::CoordinateScreen
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("b/:slug") view=BoardScreen ssr=SsrMode::Async />
                    <Route path=path!("b/:slug/new") view=ComposePage ssr=SsrMode::Async />
                    <Route path=path!("b/:slug/moderate") view=ModeratePage ssr=SsrMode::Async />
                    <Route path=path!("p/:id") view=PostScreen ssr=SsrMode::Async />
                    // Stored by the service worker; stands in for pages it has no copy of.
                    <Route path=path!("offline") view=OfflinePage ssr=SsrMode::Async />
                </Routes>
            </main>
            <BottomNav />
        </Router>
    }
}
