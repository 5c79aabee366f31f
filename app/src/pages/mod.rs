//! One module per page (route) of the app.

mod home;
mod me;
mod not_found;
mod post;

pub use home::HomePage;
pub use me::MePage;
pub use not_found::NotFoundPage;
pub use post::PostPage;
