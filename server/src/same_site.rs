//! Writes come only from this site's own pages. The session cookie is `SameSite=Lax`, which
//! stops another site's page from writing as a neighbour but not from signing them in as
//! someone else (login CSRF), and a sibling subdomain counts as the same *site*. So every write
//! to `/api/*` (server functions, plain forms) and `/sync/*` is refused (403) when the browser
//! says it came from elsewhere: by `Sec-Fetch-Site` where it sends it, else by an `Origin` that
//! is not this host. A request with neither is not from a browser page (a script, a test) and
//! carries no one's cookie by accident, so it passes.

use axum::{
    extract::Request,
    http::{header, HeaderMap, Method, Uri},
    middleware::Next,
    response::{IntoResponse, Response},
};
use model::{AppError, Refusal};

use crate::sync_api::SyncError;

/// Refuses a cross-site write before anything reads it.
pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    if is_cross_site_write(request.method(), request.uri(), request.headers()) {
        return SyncError(AppError::Refused(Refusal::FromAnotherSite)).into_response();
    }
    next.run(request).await
}

/// Whether this is a write to the API sent by a page of another origin.
fn is_cross_site_write(method: &Method, uri: &Uri, headers: &HeaderMap) -> bool {
    let writes = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    let path = uri.path();
    let api = path.starts_with("/api/") || path.starts_with("/sync/");
    writes && api && !from_this_site(uri, headers)
}

/// Browsers that send no fetch metadata (Safari before 16.4, older Firefox: old phones) are
/// judged by `Origin` against the host asked for: the `Host` header, or the request's own
/// authority over HTTP/2. A reverse proxy must pass `Host` on unchanged (README, "Deployment").
fn from_this_site(uri: &Uri, headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    // Fetch metadata is set by the browser and cannot be forged by a page; "none" is the
    // person's own doing (typed, bookmarked), never a page's.
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        return matches!(site, "same-origin" | "none");
    }
    match text(header::ORIGIN) {
        Some(origin) => {
            let host = text(header::HOST).or_else(|| uri.authority().map(|a| a.as_str()));
            let authority = origin.split_once("://").map(|(_, rest)| rest);
            authority.is_some() && authority == host
        }
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(
            header::HOST,
            HeaderValue::from_static("streetboard.example"),
        );
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn a_write_from_another_site_is_refused_by_fetch_metadata_or_origin() {
        let refused = |pairs: &[(&'static str, &'static str)]| {
            is_cross_site_write(
                &Method::POST,
                &Uri::from_static("/api/claim"),
                &headers(pairs),
            )
        };
        assert!(refused(&[("sec-fetch-site", "cross-site")]));
        assert!(
            refused(&[("sec-fetch-site", "same-site")]),
            "a sibling subdomain"
        );
        assert!(refused(&[("origin", "https://evil.example")]));
        assert!(refused(&[(
            "origin",
            "https://streetboard.example.evil.example"
        )]));
        assert!(
            refused(&[("origin", "null")]),
            "a sandboxed frame or a data: page"
        );
        // Fetch metadata decides when it is there, whatever Origin says.
        assert!(refused(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://streetboard.example")
        ]));

        assert!(!refused(&[("sec-fetch-site", "same-origin")]));
        assert!(!refused(&[("origin", "https://streetboard.example")]));
        assert!(
            !refused(&[]),
            "not a browser page: no cookie sent by accident"
        );
    }

    #[test]
    fn reads_and_pages_are_never_refused() {
        let cross = headers(&[("sec-fetch-site", "cross-site")]);
        let uri = Uri::from_static;
        assert!(!is_cross_site_write(
            &Method::GET,
            &uri("/sync/pull"),
            &cross
        ));
        assert!(!is_cross_site_write(
            &Method::GET,
            &uri("/b/elm-road"),
            &cross
        ));
        // A form on another site may link to our pages; only the API is guarded.
        assert!(!is_cross_site_write(
            &Method::POST,
            &uri("/healthz"),
            &cross
        ));
    }
}
