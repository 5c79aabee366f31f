//! Building blocks shared by pages: the page chrome, forms, post badges and dates, the mark on look-alike names, why a
//! page could not load, and the organisers' hide and restore forms. A piece two pages use lives here, never in one of the pages.

mod bottom_nav;
mod connection_status;
pub mod form;
mod install_button;
mod load_problem;
pub mod moderation_forms;
pub mod name_mark;
pub mod outbox_form;
pub mod post_badges;
mod site_header;
mod sync_panel;
mod update_prompt;

pub use bottom_nav::BottomNav;
pub use connection_status::ConnectionStatus;
pub use install_button::InstallButton;
pub use load_problem::LoadProblem;
pub use site_header::SiteHeader;
pub use sync_panel::SyncPanel;
pub use update_prompt::UpdatePrompt;
