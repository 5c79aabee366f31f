//! The street board's shared vocabulary: ids, kinds of post, roles, wire types, validation,
//! the mutations every write travels as, and the offline sync engine's rules (`sync`). No web
//! framework: compiled into the store, the server and the browser, so all agree on what is
//! valid, and editing a page never rebuilds the store.

pub mod coordination;
pub mod dates;
pub mod error;
pub mod form_writes;
pub mod ids;
pub mod moderation;
pub mod mutation;
pub mod names;
pub mod next_page;
pub mod post;
pub mod posts_shown;
pub mod private_text;
pub mod refusal;
pub mod role;
pub mod rules;
pub mod sync;
pub mod validate;
pub mod views;
pub mod volunteer;

pub use error::AppError;

/// How long a session lasts, in days, on the server and in its cookie: long, because neighbours
/// should not have to remember passwords often; signing out ends it at once.
pub const SESSION_DAYS: i64 = 90;
/// A session unused for this long ends even before `SESSION_DAYS`.
pub const SESSION_IDLE_DAYS: i64 = 30;

pub use mutation::{Mutation, MutationKind, Outcome};
pub use post::{Category, PostKind, PostStatus, Urgency};
pub use refusal::Refusal;
pub use role::Role;
pub use validate::FieldErrors;
