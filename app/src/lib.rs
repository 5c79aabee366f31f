//! Streetboard's interface: the pages, components, server functions and the browser's offline
//! adapters that both the server (feature `ssr`) and the browser (feature `hydrate`) compile.
//! The rules they follow live in the `model` crate.

pub mod api;
pub mod components;
pub mod hooks;
pub mod offline;
pub mod pages;
mod root;
#[cfg(feature = "ssr")]
mod shell;
pub mod words;

pub use root::App;
#[cfg(feature = "ssr")]
pub use shell::shell;

/// The app's name as people see it, in titles and the header.
pub const APP_NAME: &str = "Streetboard";
