//! Growth: does a pull cost the same on a board of 100,000 posts as on one of 100, how does the
//! board page's render time grow with the board, and what do open live-update streams cost in
//! server memory.

use model::ids::BoardId;
use std::{net::SocketAddr, time::Duration};

use model::sync::wire::PullResponse;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::{
    http::Request,
    process::Server,
    report::{count, Budget, Row, Unit},
    stats::Runs,
    wrk::{self, ONE_BY_ONE},
};

/// How many changes each measured pull returns.
pub const PULLED_CHANGES: i64 = 10;

/// The pull of the newest `PULLED_CHANGES` changes of a board whose sequence is at `seq`;
/// checked once to really return that many posts.
pub async fn pull_path(
    addr: SocketAddr,
    token: &str,
    board_id: &BoardId,
    seq: i64,
) -> Result<String, String> {
    let path = format!(
        "/sync/pull?board_id={board_id}&since={}",
        seq - PULLED_CHANGES
    );
    let response = Request::get(&path).session(token).send(addr).await?;
    if response.status != 200 {
        return Err(format!("{path} answered {}", response.status));
    }
    let pulled: PullResponse =
        serde_json::from_slice(&response.body).map_err(|e| format!("{path}: {e}"))?;
    if pulled.posts.len() as i64 != PULLED_CHANGES {
        return Err(format!(
            "{path} returned {} posts, not {PULLED_CHANGES}",
            pulled.posts.len()
        ));
    }
    Ok(path)
}

/// The median time of one request at a time to `path`, for each of `rounds` rounds.
pub async fn one_by_one(addr: SocketAddr, token: &str, path: &str) -> Result<f64, String> {
    Ok(wrk::run(addr, path, ONE_BY_ONE, Some(token), None)
        .await?
        .p50_ms)
}

/// Rows for the pull on a small and a big board, measured in turn each round.
pub async fn pull_rows(
    addr: SocketAddr,
    token: &str,
    small: (usize, &str),
    big: (usize, &str),
    rounds: usize,
) -> Result<Vec<Row>, String> {
    let (mut on_small, mut on_big) = (Runs::default(), Runs::default());
    for _ in 0..rounds {
        on_small.push(one_by_one(addr, token, small.1).await?);
        on_big.push(one_by_one(addr, token, big.1).await?);
    }
    Ok(vec![
        Row::new(
            format!(
                "Pull of {PULLED_CHANGES} changes, board of {} posts: p50",
                count(small.0)
            ),
            on_small.clone(),
            Unit::Millis,
        ),
        Row::new(
            format!(
                "Pull of {PULLED_CHANGES} changes, board of {} posts: p50",
                count(big.0)
            ),
            on_big.clone(),
            Unit::Millis,
        ),
        Row::new(
            format!(
                "Pull on {} posts ÷ pull on {}",
                count(big.0),
                count(small.0)
            ),
            on_big.ratio_to(&on_small),
            Unit::Ratio,
        )
        .with_budget(Budget {
            limit: 1.5,
            floor: false,
            text: "near 1 (≤ 1.5×)".into(),
        }),
    ])
}

/// Rows for the board page's time at each board size (`(posts, path)`).
pub async fn render_rows(
    addr: SocketAddr,
    token: &str,
    pages: &[(usize, String)],
    rounds: usize,
) -> Result<Vec<Row>, String> {
    let mut runs = vec![Runs::default(); pages.len()];
    for _ in 0..rounds {
        for ((_, path), runs) in pages.iter().zip(&mut runs) {
            runs.push(one_by_one(addr, token, path).await?);
        }
    }
    Ok(pages
        .iter()
        .zip(runs)
        .map(|((posts, _), runs)| {
            Row::new(
                format!(
                    "Board page with {} posts: p50, one request at a time",
                    count(*posts)
                ),
                runs,
                Unit::Millis,
            )
        })
        .collect())
}

/// Opens `count` live-update streams on `board_id` and waits until each has received its first
/// event (the server sends current change numbers on every connection), then measures the
/// server's memory; the streams close when the returned value is dropped.
pub async fn memory_with_streams(
    server: &Server,
    token: &str,
    board_id: &BoardId,
    count: usize,
) -> Result<(f64, f64), String> {
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = server.resident_bytes()?;
    let path = format!("/sync/events?board_id={board_id}");
    let head = Request::get(&path)
        .session(token)
        .header("Accept", "text/event-stream")
        .head(server.addr);
    let mut streams = Vec::with_capacity(count);
    for n in 0..count {
        let mut stream = TcpStream::connect(server.addr)
            .await
            .map_err(|e| format!("stream {n}: {e}"))?;
        stream.write_all(&head).await.map_err(|e| e.to_string())?;
        streams.push(stream);
    }
    for (n, stream) in streams.iter_mut().enumerate() {
        first_event(stream)
            .await
            .map_err(|e| format!("stream {n}: {e}"))?;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let with_streams = server.resident_bytes()?;
    drop(streams);
    Ok((idle, with_streams))
}

/// Reads until the first server-sent event has arrived after a 200 answer.
async fn first_event(stream: &mut TcpStream) -> Result<(), String> {
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let read = tokio::time::timeout_at(deadline, stream.read(&mut buffer))
            .await
            .map_err(|_| "no event within 30 s".to_string())?
            .map_err(|e| e.to_string())?;
        if read == 0 {
            return Err(format!(
                "closed before an event: {}",
                String::from_utf8_lossy(&seen)
            ));
        }
        seen.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&seen);
        if !text.starts_with("HTTP/1.") {
            continue;
        }
        if !text.starts_with("HTTP/1.0 200") && !text.starts_with("HTTP/1.1 200") {
            return Err(format!("refused: {}", text.lines().next().unwrap_or("")));
        }
        if let Some((_, body)) = text.split_once("\r\n\r\n") {
            if body.contains("data:") && body.contains("\n\n") {
                return Ok(());
            }
        }
    }
}
