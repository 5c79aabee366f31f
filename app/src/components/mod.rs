//! Building blocks of the page chrome shared by every page.

mod bottom_nav;
mod connection_status;
pub mod form;
mod site_header;

pub use bottom_nav::BottomNav;
pub use connection_status::ConnectionStatus;
pub use site_header::SiteHeader;
