//! One module per page (route) of the app.

mod auth;
mod board_new;
mod choose_board;
mod home;
mod join;
mod me;
mod not_found;

pub use auth::{SignInPage, SignUpPage};
pub use board_new::NewBoardPage;
pub use choose_board::PostPage;
pub use home::HomePage;
pub use join::JoinPage;
pub use me::MePage;
pub use not_found::NotFoundPage;
