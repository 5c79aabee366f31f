//! The fetch adapter: push a batch, pull a page. Each failure is sorted into what the engine
//! does next: wait for a connection, ask the person to sign in, try again later, or forget a
//! board the person is no longer on.

use gloo_net::http::Request;

use model::sync::wire::{BoardHeader, PullResponse, PushRequest, PushResponse};

/// Why a request did not give an answer to use.
#[derive(Debug)]
pub enum NetError {
    /// No connection, or it dropped mid-request: the answer (if any) never arrived.
    Unreachable,
    /// 401: the session has ended.
    SignedOut,
    /// 403/404 on a board: the person is no longer on it.
    Gone,
    /// Anything else (a 5xx, a refused batch): try again later.
    Failed(String),
}

impl std::fmt::Display for NetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unreachable => f.write_str("the server could not be reached"),
            Self::SignedOut => f.write_str("the session has ended"),
            Self::Gone => f.write_str("no longer on the board"),
            Self::Failed(detail) => write!(f, "the server refused: {detail}"),
        }
    }
}

fn sort(status: u16, body: String) -> NetError {
    match status {
        401 => NetError::SignedOut,
        403 | 404 => NetError::Gone,
        _ => NetError::Failed(format!("{status}: {body}")),
    }
}

pub async fn push(request: &PushRequest) -> Result<PushResponse, NetError> {
    let response = Request::post("/sync/push")
        .json(request)
        .map_err(|e| NetError::Failed(e.to_string()))?
        .send()
        .await;
    answer(response).await
}

/// The body of a 200 answer, or what the failure means for the engine.
async fn answer<T: serde::de::DeserializeOwned>(
    response: Result<gloo_net::http::Response, gloo_net::Error>,
) -> Result<T, NetError> {
    let response = response.map_err(|_| NetError::Unreachable)?;
    if response.status() != 200 {
        return Err(sort(
            response.status(),
            response.text().await.unwrap_or_default(),
        ));
    }
    // A body cut off on its way is the same as no answer: everything is sent again.
    response.json().await.map_err(|_| NetError::Unreachable)
}

pub async fn pull(board_id: &str, since: i64) -> Result<PullResponse, NetError> {
    let since = since.to_string();
    let response = Request::get("/sync/pull")
        .query([("board_id", board_id), ("since", since.as_str())])
        .send()
        .await;
    answer(response).await
}

/// Every board the person belongs to.
pub async fn boards() -> Result<Vec<BoardHeader>, NetError> {
    answer(Request::get("/sync/boards").send().await).await
}
