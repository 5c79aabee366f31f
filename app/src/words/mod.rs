//! Every sentence the app says about a refusal or a failure, in one place. Refusals and errors
//! arrive as data (`model::Refusal`, `model::AppError`) from the store, the server and the
//! phone's outbox; only here do they become words, so saying them in another language means
//! another set of these functions, not a change below the app.

mod not_sent;
mod problem;
mod refusal;

pub use not_sent::not_sent;
pub use problem::{fields, problem};
pub use refusal::refusal;
