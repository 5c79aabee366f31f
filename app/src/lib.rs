//! Streetboard's shared code: the pages, components and (later) wire types and server
//! functions that both the server (feature `ssr`) and the browser (feature `hydrate`) compile.

pub mod api;
pub mod components;
pub mod hooks;
pub mod model;
pub mod offline;
pub mod pages;
mod root;
#[cfg(feature = "ssr")]
mod shell;
pub mod sync;

pub use root::App;
#[cfg(feature = "ssr")]
pub use shell::shell;

/// The app's name as people see it, in titles and the header.
pub const APP_NAME: &str = "Streetboard";
