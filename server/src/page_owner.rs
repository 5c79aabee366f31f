//! Whose pages these are: every page says, in `x-streetboard-person`, an opaque tag of the
//! session that asked for it ("none" signed out). The service worker keeps stored pages for one
//! tag at a time, so when someone else signs in on the phone (even over the last person's
//! session, without signing out) nothing of the last person's pages can be opened offline.

use app::api::server::{session_token_in, SessionSettings};
use axum::{
    extract::{Request, State},
    http::{header, HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};

/// The header the service worker reads (`service_worker.js`, `PAGE_OWNER_HEADER`).
pub const PAGE_OWNER_HEADER: HeaderName = HeaderName::from_static("x-streetboard-person");

/// Adds the tag to every HTML answer. Only the cookie is read: no database, so a page costs
/// nothing more, and a session that has ended still has a tag of its own.
pub async fn mark(
    State(settings): State<SessionSettings>,
    request: Request,
    next: Next,
) -> Response {
    let tag = session_token_in(request.headers(), settings)
        .map_or_else(|| "none".to_string(), |token| store::page_owner_tag(&token));
    let mut response = next.run(request).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if let (true, Ok(value)) = (is_page, HeaderValue::from_str(&tag)) {
        response.headers_mut().insert(PAGE_OWNER_HEADER, value);
    }
    response
}
