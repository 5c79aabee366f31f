//! Clears, every hour, what is kept only for a while (`Db::purge`): ended sessions, old
//! sign-in attempts, and records of writes older than the longest a phone may stay offline.

use std::time::Duration;

use store::Db;

/// How often the clearing runs. Hourly: nothing kept past its time lingers for long, and one
/// pass costs a few indexed deletes.
const EVERY: Duration = Duration::from_secs(3600);

/// Runs `Db::purge` now and then every `EVERY`, for as long as the process lives. A failed
/// pass is logged and tried again at the next.
pub fn clear_old_records(db: Db) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match db.purge(model::ids::now_ms()).await {
                Ok(purged) => tracing::info!(?purged, "cleared old records"),
                Err(error) => tracing::warn!("clearing old records: {error}"),
            }
        }
    })
}
