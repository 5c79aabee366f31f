//! The fetch adapter: push a batch, pull a page, list the person's boards. Each failure is
//! sorted (by `NetError`, in the engine's rules) into what the engine does next.

use gloo_net::http::Request;

use model::{
    ids::BoardId,
    sync::{
        engine::NetError,
        wire::{BoardHeader, PullResponse, PushRequest, PushResponse},
    },
};

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
        let body = response.text().await.unwrap_or_default();
        return Err(NetError::from_status(response.status(), &body));
    }
    // A body cut off on its way is the same as no answer: everything is sent again.
    response.json().await.map_err(|_| NetError::Unreachable)
}

pub async fn pull(board_id: &BoardId, since: i64) -> Result<PullResponse, NetError> {
    let since = since.to_string();
    let response = Request::get("/sync/pull")
        .query([("board_id", board_id.as_str()), ("since", since.as_str())])
        .send()
        .await;
    answer(response).await
}

/// Every board the person belongs to.
pub async fn boards() -> Result<Vec<BoardHeader>, NetError> {
    answer(Request::get("/sync/boards").send().await).await
}
