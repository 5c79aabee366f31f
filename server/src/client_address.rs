//! Works out each request's client address once, for rate limiting sign-ins: the peer's
//! address, or with `STREETBOARD_TRUST_PROXY` the one the reverse proxy appended last.

use std::net::SocketAddr;

use app::api::server::ClientAddress;
use axum::{
    extract::{ConnectInfo, Request},
    middleware::Next,
    response::Response,
};

pub async fn record(trust_proxy: bool, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let forwarded = trust_proxy
        .then(|| {
            request
                .headers()
                .get("x-forwarded-for")?
                .to_str()
                .ok()?
                .rsplit(',')
                .next()
                .map(|s| s.trim().to_string())
        })
        .flatten()
        .filter(|s| !s.is_empty());
    let address = forwarded.or(peer).unwrap_or_else(|| "unknown".into());
    request.extensions_mut().insert(ClientAddress(address));
    next.run(request).await
}
