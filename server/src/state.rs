//! The state every handler can reach: the database and Leptos' options. Never global, so each
//! test builds its own.

use app::api::server::SessionSettings;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use store::Db;

use crate::{
    config::Config,
    live::{LiveHub, OpenStreams},
};

/// Shared, cheaply cloned server state.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub db: Db,
    pub leptos_options: LeptosOptions,
    /// This process's live-update hub (see `live`).
    pub live: LiveHub,
    /// How the session cookie is named and set (the router fills it from the configuration).
    pub session: SessionSettings,
    /// The live streams open in this process, against their limits (the router sets the
    /// process's cap from the configuration).
    pub streams: OpenStreams,
}

impl AppState {
    pub fn new(db: Db, leptos_options: LeptosOptions) -> Self {
        Self {
            live: LiveHub::new(db.clone()),
            db,
            leptos_options,
            session: SessionSettings::default(),
            streams: OpenStreams::new(Config::default_stream_limits()),
        }
    }
}
