//! The offline sync engine's rules, in plain Rust with no browser types, so `cargo test`
//! covers them natively: the outbox of writes waiting to be sent, retry with backoff, the
//! wire format of push and pull, and how pending writes show on top of the server's state.
//! The IndexedDB and fetch adapters (browser only) stay thin around these.

pub mod backoff;
pub mod engine;
#[cfg(test)]
mod fixtures;
pub mod local;
pub mod outbox;
pub mod overlay;
pub mod status;
pub mod wire;
