//! Sync ingest: 10,000 mutations pushed to the server in batches, against a plain batched insert
//! of the same rows through sqlx into the same database, run after run.

use std::{net::SocketAddr, time::Instant};

use model::{ids::UserId, Mutation, MutationKind, Outcome};

use model::sync::wire::{PushRequest, PushResponse, MAX_PUSH_BATCH};
use store::Db;

use crate::{http::Request, seed};

/// How many mutations one run pushes.
pub const MUTATIONS: usize = 10_000;

/// The rows the baseline inserts: the post's own columns, no sequence, no exactly-once record,
/// no validation, one transaction per batch.
const PLAIN_TABLE: &str = "bench_plain_posts";

/// One run: (mutations per second through `/sync/push`, rows per second through sqlx).
pub async fn run_once(
    db: &Db,
    addr: SocketAddr,
    author: &seed::Neighbour,
) -> Result<(f64, f64), String> {
    let board = seed::board(db, author, "Ingest").await?;
    let mutations: Vec<Mutation> = (0..MUTATIONS)
        .map(|n| seed::post_mutation(&board.id, n))
        .collect();
    let pushed = push_all(addr, &author.token, &mutations).await?;
    let inserted = insert_plain(db, &author.viewer.user_id, &mutations).await?;
    Ok((pushed, inserted))
}

/// Pushes `mutations` in the browser's batch size, one batch after another as one phone would,
/// and checks every one was applied.
async fn push_all(addr: SocketAddr, token: &str, mutations: &[Mutation]) -> Result<f64, String> {
    let bodies: Vec<Vec<u8>> = mutations
        .chunks(MAX_PUSH_BATCH)
        .map(|batch| {
            serde_json::to_vec(&PushRequest {
                owner: None,
                mutations: batch.to_vec(),
            })
            .map_err(|e| e.to_string())
        })
        .collect::<Result<_, _>>()?;
    let started = Instant::now();
    let mut applied = 0;
    for body in bodies {
        let response = Request::post_json("/sync/push", body)
            .session(token)
            .send(addr)
            .await?;
        if response.status != 200 {
            return Err(format!(
                "a push answered {}: {}",
                response.status,
                response.text()
            ));
        }
        let answer: PushResponse =
            serde_json::from_slice(&response.body).map_err(|e| format!("push answer: {e}"))?;
        applied += answer
            .results
            .iter()
            .filter(|r| r.outcome == Outcome::Applied)
            .count();
    }
    let seconds = started.elapsed().as_secs_f64();
    if applied != mutations.len() {
        return Err(format!(
            "only {applied} of {} pushed mutations were applied",
            mutations.len()
        ));
    }
    Ok(mutations.len() as f64 / seconds)
}

/// The same posts inserted plainly, a batch per transaction, through the store's own pool (so
/// the same connection settings).
async fn insert_plain(db: &Db, author_id: &UserId, mutations: &[Mutation]) -> Result<f64, String> {
    let pool = db.pool();
    sqlx::query(&format!(
        "CREATE TABLE IF NOT EXISTS {PLAIN_TABLE} (id TEXT PRIMARY KEY, board_id TEXT NOT NULL, \
         author_id TEXT NOT NULL, kind TEXT NOT NULL, category TEXT NOT NULL, title TEXT NOT NULL, \
         details TEXT NOT NULL, urgency TEXT NOT NULL, created_at_ms BIGINT NOT NULL)"
    ))
    .execute(pool)
    .await
    .map_err(|e| format!("creating {PLAIN_TABLE}: {e}"))?;
    let started = Instant::now();
    for batch in mutations.chunks(MAX_PUSH_BATCH) {
        let placeholders: Vec<String> = (0..batch.len())
            .map(|row| {
                let first = row * 9 + 1;
                let params: Vec<String> = (first..first + 9).map(|p| format!("${p}")).collect();
                format!("({})", params.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO {PLAIN_TABLE} (id, board_id, author_id, kind, category, title, details, \
             urgency, created_at_ms) VALUES {}",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for mutation in batch {
            let MutationKind::CreatePost {
                post_id,
                board_id,
                post_kind,
                category,
                title,
                details,
                urgency,
                ..
            } = &mutation.kind
            else {
                return Err("the ingest only pushes new posts".into());
            };
            query = query
                .bind(post_id.to_string())
                .bind(board_id.to_string())
                .bind(author_id.to_string())
                .bind(post_kind.as_str())
                .bind(category.as_str())
                .bind(title.clone())
                .bind(details.clone())
                .bind(urgency.as_str())
                .bind(mutation.created_at_ms);
        }
        // The baseline runs to the end, never dropped mid-way: it needs none of the store's
        // care (clippy.toml refuses `begin` elsewhere, see store/src/write.rs).
        #[allow(clippy::disallowed_methods)]
        let mut transaction = pool.begin().await.map_err(|e| e.to_string())?;
        query
            .execute(&mut *transaction)
            .await
            .map_err(|e| format!("plain insert: {e}"))?;
        transaction.commit().await.map_err(|e| e.to_string())?;
    }
    Ok(mutations.len() as f64 / started.elapsed().as_secs_f64())
}

/// Removes the baseline's table, so the database is left as the server made it.
pub async fn drop_plain_table(db: &Db) -> Result<(), String> {
    sqlx::query(&format!("DROP TABLE IF EXISTS {PLAIN_TABLE}"))
        .execute(db.pool())
        .await
        .map(|_| ())
        .map_err(|e| format!("dropping {PLAIN_TABLE}: {e}"))
}
