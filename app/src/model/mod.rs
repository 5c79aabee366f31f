//! The street board's shared vocabulary: ids, kinds of post, roles, wire types, validation and
//! the mutations every write travels as. Compiled into both the server and the browser, so
//! both sides agree on what is valid.

pub mod coordination;
pub mod dates;
pub mod error;
pub mod form_writes;
pub mod ids;
pub mod moderation;
pub mod mutation;
pub mod post;
pub mod role;
pub mod rules;
pub mod validate;
pub mod views;
pub mod volunteer;

pub use error::AppError;
pub use mutation::{Mutation, MutationKind, Outcome};
pub use post::{Category, PostKind, PostStatus, Urgency};
pub use role::Role;
pub use validate::FieldErrors;
