//! Building blocks of the page chrome shared by every page.

mod bottom_nav;
mod connection_status;
pub mod form;
mod install_button;
mod site_header;
mod update_prompt;

pub use bottom_nav::BottomNav;
pub use connection_status::ConnectionStatus;
pub use install_button::InstallButton;
pub use site_header::SiteHeader;
pub use update_prompt::UpdatePrompt;
