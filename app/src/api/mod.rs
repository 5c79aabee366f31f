//! Server functions: what pages call, and where plain HTML forms post. Each is thin: find who
//! is asking, call one `Backend` method, answer (or redirect, so a form post without
//! JavaScript lands on the right page).

pub mod auth;
pub mod backend;
pub mod boards;
pub mod moderation;
pub mod posts;
#[cfg(feature = "ssr")]
pub mod server;
pub mod volunteers;
