//! The browser's side of offline-first: the boards kept on the phone, the outbox, and the
//! engine that sends and fetches. Pages reach it through [`SyncHandle`] (in context on both
//! sides; on the server it stays empty and its methods do nothing). The engine's decisions
//! live in `model::sync::engine`; `runner` carries them out with the browser adapters here
//! (IndexedDB, fetch, the live stream), which stay thin.

#[cfg(feature = "hydrate")]
mod idb_store;
#[cfg(feature = "hydrate")]
mod live;
#[cfg(feature = "hydrate")]
mod net;
#[cfg(feature = "hydrate")]
mod runner;

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
use model::sync::{engine::Event, wire::BoardHeader};
use model::sync::{
    local::{LocalBoard, LocalDetail},
    outbox::Outbox,
    status::Activity,
};
use model::{
    ids::{now_ms, PostId, Slug},
    views::BoardPage,
    Mutation, MutationKind,
};

/// The sync engine's state as pages read it, and what they ask of it.
#[derive(Clone, Copy)]
pub struct SyncHandle {
    /// The boards kept on this phone for the person signed in last.
    boards: RwSignal<Vec<LocalBoard>>,
    outbox: RwSignal<Outbox>,
    activity: RwSignal<Activity>,
    /// The local store has been read (and the engine can take writes).
    ready: RwSignal<bool>,
    /// Bumped after every round that reached the server, so pages can refresh what only the
    /// server has (contact details).
    rounds: RwSignal<u64>,
}

/// Puts the sync engine in context; in the browser, also starts it. Called once by the root.
pub fn provide_sync() -> SyncHandle {
    let handle = SyncHandle {
        boards: RwSignal::new(Vec::new()),
        outbox: RwSignal::new(Outbox::default()),
        activity: RwSignal::new(Activity::Idle),
        ready: RwSignal::new(false),
        rounds: RwSignal::new(0),
    };
    provide_context(handle);
    // Only in the browser: a build with both features (`cargo test --workspace` unifies them)
    // renders on the server, where there is no IndexedDB to open.
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    runner::start(handle);
    handle
}

/// The sync engine of this page (see [`provide_sync`]).
pub fn use_sync() -> SyncHandle {
    use_context::<SyncHandle>().unwrap_or_else(provide_sync)
}

impl SyncHandle {
    /// Whether writes can go through the outbox. Until then (and if IndexedDB is unavailable)
    /// forms post to the server as they do without JavaScript.
    pub fn ready(&self) -> bool {
        self.ready.get()
    }

    pub fn activity(&self) -> Activity {
        self.activity.get()
    }

    /// Writes not yet accepted or refused by the server.
    pub fn waiting(&self) -> usize {
        self.outbox.with(Outbox::waiting)
    }

    /// Bumps whenever a round reached the server.
    pub fn rounds(&self) -> u64 {
        self.rounds.get()
    }

    /// The writes waiting, oldest first.
    pub fn pending(&self) -> Vec<MutationKind> {
        self.outbox
            .with(|o| o.pending().map(|m| m.kind.clone()).collect())
    }

    /// The board kept here under `slug`, if any.
    pub fn board(&self, slug: &Slug) -> Option<LocalBoard> {
        self.boards
            .with(|boards| boards.iter().find(|b| b.board.slug == *slug).cloned())
    }

    /// Every board kept here.
    pub fn boards(&self) -> Vec<LocalBoard> {
        self.boards.get()
    }

    /// A post's page from the phone's copy, with pending writes on top.
    pub fn post_detail(&self, post_id: &PostId) -> Option<LocalDetail> {
        let pending = self.pending();
        self.boards.with(|boards| {
            boards
                .iter()
                .find_map(|b| b.post_detail(post_id, &pending, now_ms()))
        })
    }

    /// Refusals to explain: (mutation id, the explanation).
    pub fn refusals(&self) -> Vec<(String, String)> {
        let titles = |post_id: &PostId| -> Option<String> {
            self.boards.with(|boards| {
                boards
                    .iter()
                    .flat_map(|b| &b.posts)
                    .find(|p| p.card.id == *post_id)
                    .map(|p| p.card.title.clone())
            })
        };
        self.outbox.with(|o| {
            o.rejected()
                .map(|(m, reason)| {
                    let title = m.kind.post_id().and_then(titles);
                    (
                        m.id.clone(),
                        crate::words::not_sent(&m.kind, title.as_deref(), reason),
                    )
                })
                .collect()
        })
    }

    /// Keeps the board whose page just arrived from the server, and brings it up to date.
    pub fn remember_board(&self, page: &BoardPage) {
        #[cfg(feature = "hydrate")]
        runner::dispatch(*self, Event::BoardShown(BoardHeader::of_page(page)));
        #[cfg(not(feature = "hydrate"))]
        let _ = page;
    }

    /// Queues a write: it shows at once, is stored on the phone, and is sent when it can be.
    pub fn enqueue(&self, mutation: Mutation) {
        #[cfg(feature = "hydrate")]
        runner::dispatch(*self, Event::Enqueue(mutation));
        #[cfg(not(feature = "hydrate"))]
        let _ = mutation;
    }

    /// The person has read a refusal.
    pub fn dismiss(&self, mutation_id: String) {
        #[cfg(feature = "hydrate")]
        runner::dispatch(*self, Event::Dismiss(mutation_id));
        #[cfg(not(feature = "hydrate"))]
        let _ = mutation_id;
    }

    /// Someone signed out: forget the boards kept for them (a shared phone shows the next
    /// person nothing of theirs). Their unsent writes stay, kept under their id, and go when
    /// they sign in again.
    pub fn forget_person(&self) {
        #[cfg(feature = "hydrate")]
        runner::dispatch(*self, Event::SignedOut);
    }

    /// A page has seen the person signed in (e.g. their boards listed): the engine may fetch
    /// their boards even before one has been opened here.
    pub fn signed_in(&self) {
        #[cfg(feature = "hydrate")]
        runner::dispatch(*self, Event::SignedIn);
    }

    /// Try to send and fetch now (a page asks after it loads).
    pub fn sync_now(&self) {
        #[cfg(feature = "hydrate")]
        runner::dispatch(*self, Event::SyncNow);
    }
}

/// Marks, from inside what a page rendered first, that it is in place: until then the page
/// must render exactly what the server sent (hydration), so the phone's copy (which may
/// already be loaded) is used only once this has run.
#[component]
pub fn SettleMarker(settled: RwSignal<bool>) -> impl IntoView {
    // Only once: `set` notifies even when the value is unchanged, and the page re-renders
    // (with a new marker) on every notification, which would never end.
    Effect::new(move |_| {
        if !settled.get_untracked() {
            settled.set(true);
        }
    });
}

/// The fields of a submitted form, by name (what `FormData` holds, without the browser type).
#[derive(Clone, Debug, Default)]
pub struct FormFields(pub Vec<(String, String)>);

impl FormFields {
    /// The field's value, or "" when the form has no such field.
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}
