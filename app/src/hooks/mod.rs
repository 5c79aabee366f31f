//! Small client-side hooks, one job each (online status, hydration marker).

mod use_hydrated_marker;
mod use_online;

pub use use_hydrated_marker::use_hydrated_marker;
pub use use_online::use_online;
