//! Building blocks of the page chrome shared by every page.

mod bottom_nav;
mod connection_status;
pub mod form;
mod install_button;
pub mod outbox_form;
mod site_header;
mod sync_panel;
mod update_prompt;

pub use bottom_nav::BottomNav;
pub use connection_status::ConnectionStatus;
pub use install_button::InstallButton;
pub use site_header::SiteHeader;
pub use sync_panel::SyncPanel;
pub use update_prompt::UpdatePrompt;
