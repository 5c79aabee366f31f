//! What the server's request log says about each request: its method and a path that holds no
//! secret. An invite code is as good as a key to a street's board, and `next=` shows where a
//! neighbour was going; logs are read by more people, and kept longer, than either should be.
//! So `/join/CODE` is logged as `/join/…`, and of a query only the parameters' names are kept.

use axum::http::{Request, Uri};
use tracing::Span;

/// The span each request's log lines sit in (what `TraceLayer` would record, minus secrets).
pub fn span_for<B>(request: &Request<B>) -> Span {
    tracing::debug_span!(
        "request",
        method = %request.method(),
        path = %loggable(request.uri()),
    )
}

/// `uri` with invite codes and query values left out.
pub fn loggable(uri: &Uri) -> String {
    let path = match uri.path().strip_prefix("/join/") {
        Some(_) => "/join/…".to_string(),
        None => uri.path().to_string(),
    };
    match uri.query() {
        Some(query) => {
            let names: Vec<&str> = query
                .split('&')
                .map(|parameter| parameter.split('=').next().unwrap_or_default())
                .collect();
            format!("{path}?{}", names.join("&"))
        }
        None => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logged(uri: &'static str) -> String {
        loggable(&Uri::from_static(uri))
    }

    #[test]
    fn invite_codes_and_query_values_never_reach_the_log() {
        assert_eq!(logged("/join/Xk3P9qLm2"), "/join/…");
        assert_eq!(logged("/signin?next=/p/0190abc"), "/signin?next");
        assert_eq!(
            logged("/sync/pull?board_id=0190&since=12"),
            "/sync/pull?board_id&since"
        );
        assert_eq!(logged("/b/elm-road"), "/b/elm-road");
    }
}
