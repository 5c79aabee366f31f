//! Backups (issue 11, item 16): a backup taken while neighbours write holds every write applied
//! before it began, and each write whole or not at all; restored into a new file, the board
//! opens with those writes, exactly once. SQLite only: PostgreSQL is backed up with its own
//! `pg_dump`, and the store says so.

use std::{
    path::PathBuf,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
};

use model::Outcome;
use store::{
    backup::{restore, BackupError},
    story::{count, create_post, street},
    Backend, Db,
};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join("streetboard-tests");
    std::fs::create_dir_all(&dir).expect("temp folder");
    dir.join(format!(
        "{name}-{}-{}.db",
        std::process::id(),
        model::ids::new_id()
    ))
}

#[tokio::test]
async fn a_backup_under_writes_restores_every_write_made_before_it_once() {
    let s = street(Backend::Sqlite).await;
    // Writes before the backup: each must be in it.
    let mut before = Vec::new();
    for n in 0..20 {
        let post = create_post(&s.board.id, &format!("Before {n}"));
        assert_eq!(s.db.apply(&s.ben, &post).await, Ok(Outcome::Applied));
        before.push(post);
    }
    let resend = before[0].clone();
    // Neighbours keep writing while the backup is taken.
    let writing = Arc::new(AtomicBool::new(true));
    let writer = {
        let (db, who, board, writing) = (
            s.db.clone(),
            s.cara.clone(),
            s.board.id.clone(),
            writing.clone(),
        );
        tokio::spawn(async move {
            let mut n = 0;
            while writing.load(Ordering::Relaxed) {
                let post = create_post(&board, &format!("During {n}"));
                db.apply(&who, &post)
                    .await
                    .expect("a write during the backup");
                n += 1;
            }
            n
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    let copy = scratch("backup");
    s.db.backup_to(&copy).await.expect("backed up");
    writing.store(false, Ordering::Relaxed);
    let during = writer.await.expect("writer");
    assert!(during > 0, "the backup was taken while someone wrote");
    // Backing up over an existing file is refused, so no backup is overwritten by mistake.
    assert!(matches!(
        s.db.backup_to(&copy).await,
        Err(BackupError::Exists(_))
    ));

    let restored_file = scratch("restored");
    let url = format!("sqlite://{}", restored_file.display());
    restore(&copy, &url).await.expect("restored");
    // Restoring over a database that exists is refused.
    assert!(matches!(
        restore(&copy, &url).await,
        Err(BackupError::Exists(_))
    ));

    let restored = Db::connect(&url).await.expect("open");
    restored
        .migrate()
        .await
        .expect("a Streetboard database, current");
    for post in &before {
        let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mutations WHERE id = $1")
            .bind(&post.id)
            .fetch_one(restored.pool())
            .await
            .expect("count");
        assert_eq!(kept, 1, "every write before the backup is in it, once");
    }
    // Whole or not at all: every recorded post-making write has its post, and no more.
    let made: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mutations WHERE kind = 'create_post'")
        .fetch_one(restored.pool())
        .await
        .expect("count");
    assert_eq!(count(&restored, "posts").await, made);
    // A write from before, sent again to the restored database, is answered from the record
    // and not made twice.
    let resent = restored.apply(&s.ben, &resend).await;
    assert_eq!(resent, Ok(Outcome::Applied));
    assert_eq!(count(&restored, "posts").await, made, "not made twice");
    restored.close().await;
    for file in [copy, restored_file] {
        let _ = std::fs::remove_file(file);
    }
}

#[tokio::test]
async fn only_a_streetboard_backup_is_restored() {
    let not_ours = scratch("not-ours");
    std::fs::write(&not_ours, b"just some bytes").expect("write");
    let url = format!("sqlite://{}", scratch("target").display());
    assert!(matches!(
        restore(&not_ours, &url).await,
        Err(BackupError::NotStreetboard(_))
    ));
    let missing = scratch("missing");
    assert!(matches!(
        restore(&missing, &url).await,
        Err(BackupError::NotStreetboard(_))
    ));
    let _ = std::fs::remove_file(not_ours);
}

#[tokio::test]
async fn postgresql_is_backed_up_with_its_own_tools() {
    // Says so without needing a server: restore refuses by the URL alone.
    let refused = restore(&scratch("any"), "postgres://somewhere/streetboard").await;
    assert!(matches!(refused, Err(BackupError::Postgres)));
}
