//! One module per page (route) of the app.

mod auth;
mod board;
mod board_new;
mod choose_board;
mod compose;
mod coordinate;
mod home;
mod join;
mod me;
mod me_account;
mod moderate;
mod moderate_members;
mod not_found;
pub mod offline;
mod post;
mod post_moderation;
mod post_replies;
mod tasks;
mod volunteer;

pub use auth::{SignInPage, SignUpPage};
pub use board::BoardScreen;
pub use board_new::NewBoardPage;
pub use choose_board::PostPage;
pub use compose::ComposePage;
pub use coordinate::CoordinateScreen;
pub use home::HomePage;
pub use join::JoinPage;
pub use me::MePage;
pub use moderate::ModeratePage;
pub use not_found::NotFoundPage;
pub use offline::OfflinePage;
pub use post::PostScreen;
pub use tasks::TasksPage;
pub use volunteer::VolunteerScreen;
