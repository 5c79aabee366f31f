//! Streetboard's server-side domain: the one home of every database query (SQLite by default,
//! PostgreSQL when `DATABASE_URL` says so), accounts and sessions, and the rules that apply
//! each mutation exactly once. The same code and the same tests run on both databases.

mod access;
mod accounts;
mod apply;
mod attempts;
mod audit;
pub mod backup;
mod batch;
mod boards;
mod changes;
mod claims;
mod coordination;
mod db;
mod demo;
mod departure;
mod error;
mod export;
mod live;
mod moderation;
mod moderation_page;
mod my_data;
mod name_changes;
mod own_account;
mod password;
mod post_writes;
mod posts;
mod rows;
mod schema;
#[cfg(feature = "test-support")]
pub mod story;
mod stream_access;
mod sync;
#[cfg(feature = "test-support")]
pub mod testing;
mod url;
mod vetting;
mod volunteers;
mod write;

pub use access::Membership;
pub use accounts::{page_owner_tag, SessionToken, SignUp, MAX_SIGN_UPS_PER_ADDRESS};
pub use batch::MAX_WRITES_PER_MINUTE;
pub use boards::{NewBoard, MAX_INVITE_MISSES_PER_ADDRESS};
pub use claims::MAX_CLAIMS_PER_DAY;
pub use db::Db;
pub use demo::{DemoRefused, DEMO_BOARD, DEMO_PASSWORD};
pub use error::StorageError;
pub use export::{CsvFile, CSV_HEADER};
pub use live::{BoardChanged, ChangeFeed, Notice, CHANNEL as CHANGE_CHANNEL};
pub use my_data::{MyData, MY_DATA_FORMAT};
pub use own_account::{Purged, FORMER_NEIGHBOUR, OFFLINE_DAYS};
pub use stream_access::{session_key, StreamAccess};
pub use url::{redact, Backend};
pub use write::NotWritable;
