//! Live updates: a server-sent-events stream tells open pages that a board they keep has
//! changed, and the page pulls. A per-process hub fans each change out to the streams; the
//! database feeds the hub, across processes on PostgreSQL (LISTEN/NOTIFY).

mod events;
mod feed;
mod hub;
mod limits;

pub use events::{events, KEEP_ALIVE, MAX_BOARDS};
pub use hub::{Following, LiveHub};
pub use limits::{OpenStreams, StreamLimits, StreamPermit, TooMany, PER_ADDRESS, PER_PERSON};
