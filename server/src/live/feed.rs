//! The task that feeds the hub from the database: on PostgreSQL one listening connection per
//! process (every process hears every change), on SQLite this process's own announcements.
//! After any gap (start, a dropped connection, falling behind) it reads the followed boards'
//! numbers again, so a change made meanwhile still reaches the pages. A lost connection is
//! made again with backoff; the task ends when the hub goes or the server stops.

use std::{
    sync::{Arc, Weak},
    time::{Duration, Instant},
};

use store::{Db, Notice};

use super::hub::Inner;

/// First pause before opening the feed again; doubles up to `MAX_PAUSE`.
const FIRST_PAUSE: Duration = Duration::from_millis(500);
const MAX_PAUSE: Duration = Duration::from_secs(30);
/// A connection that lasted this long was healthy: the next failure starts the pauses afresh.
const HEALTHY_AFTER: Duration = Duration::from_secs(60);

pub(super) fn start(hub: &Arc<Inner>) {
    let weak = Arc::downgrade(hub);
    let db = hub.db.clone();
    let mut closing = hub.closing();
    tokio::spawn(async move {
        tokio::select! {
            () = run(weak, db) => {},
            // Also ends when the hub itself is dropped (its sender goes).
            _ = closing.wait_for(|closing| *closing) => {},
        }
    });
}

async fn run(hub: Weak<Inner>, db: Db) {
    let mut failures: u32 = 0;
    loop {
        match db.change_feed().await {
            Ok(mut feed) => {
                let opened = Instant::now();
                if failures > 0 {
                    tracing::info!("live updates: listening for board changes again");
                }
                // Whatever changed before the feed was open has not been heard.
                if !catch_up(&hub, &db).await {
                    return;
                }
                let error = loop {
                    match feed.next().await {
                        Ok(Notice::Changed(change)) => match hub.upgrade() {
                            Some(hub) => hub.publish(&change.board_id, change.seq),
                            None => return,
                        },
                        Ok(Notice::MayHaveMissed) => {
                            if !catch_up(&hub, &db).await {
                                return;
                            }
                        }
                        Err(error) => break error,
                    }
                };
                if opened.elapsed() >= HEALTHY_AFTER {
                    failures = 0;
                }
                tracing::warn!("live updates: lost the database's change feed: {error}");
            }
            Err(error) => {
                tracing::warn!("live updates: cannot listen for board changes: {error}");
            }
        }
        failures = failures.saturating_add(1);
        let pause = FIRST_PAUSE
            .saturating_mul(2u32.saturating_pow(failures - 1))
            .min(MAX_PAUSE);
        tokio::time::sleep(pause).await;
        if hub.strong_count() == 0 {
            return;
        }
    }
}

/// Reads the numbers of every board followed here and publishes them (only news wakes
/// anyone). `false` when the hub is gone.
async fn catch_up(hub: &Weak<Inner>, db: &Db) -> bool {
    let Some(followed) = hub.upgrade().map(|hub| hub.followed()) else {
        return false;
    };
    // On failure (already logged), the streams' own first read and the next notice cover it.
    if let Ok(seqs) = db.board_seqs(&followed).await {
        let Some(hub) = hub.upgrade() else {
            return false;
        };
        for (board_id, seq) in seqs {
            hub.publish(&board_id, seq);
        }
    }
    true
}
