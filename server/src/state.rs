//! The state every handler can reach: the database and Leptos' options. Never global, so each
//! test builds its own.

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use store::Db;

use crate::live::LiveHub;

/// Shared, cheaply cloned server state.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub db: Db,
    pub leptos_options: LeptosOptions,
    /// This process's live-update hub (see `live`).
    pub live: LiveHub,
}

impl AppState {
    pub fn new(db: Db, leptos_options: LeptosOptions) -> Self {
        Self {
            live: LiveHub::new(db.clone()),
            db,
            leptos_options,
        }
    }
}
