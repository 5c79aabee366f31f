//! Streetboard's server: configuration, the HTTP router and its middleware, storage, and a
//! clean start and stop. `main.rs` only wires these together, so tests can build the same
//! router in-process without a port.

pub mod client_address;
pub mod config;
pub mod export;
pub mod health;
pub mod housekeeping;
pub mod live;
pub mod open_files;
pub mod page_owner;
pub mod plain_forms;
pub mod request_log;
pub mod router;
pub mod same_site;
pub mod security_headers;
pub mod service_worker;
pub mod shutdown;
pub mod signed_in;
pub mod state;
pub mod static_files;
pub mod sync_api;

pub use config::Config;
pub use router::router;
pub use state::AppState;
