//! Security headers on every response, and the Content-Security-Policy that lets our wasm run
//! while refusing any inline script that does not carry this response's nonce.

use axum::http::{header, HeaderName, HeaderValue};
use tower_http::set_header::SetResponseHeaderLayer;

/// The policy for one response. Pages pass the nonce that Leptos put on its hydration script;
/// everything else (static files, JSON) gets the same policy with no inline script allowed.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let script_src = match nonce {
        Some(nonce) => format!("script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "script-src 'self' 'wasm-unsafe-eval'".to_string(),
    };
    [
        "default-src 'self'",
        &script_src,
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    .join("; ")
}

/// How long browsers keep to HTTPS once told (a year, the usual figure).
const HSTS: &str = "max-age=31536000";

/// Layers that add the fixed security headers, each only where a handler has not set its own
/// (pages set a CSP with their nonce; see `router`). Over HTTPS (`https`, from
/// `STREETBOARD_SECURE_COOKIES`) browsers are also told to use nothing else for this host, so a
/// café's network cannot downgrade a neighbour's next visit.
pub fn layers(https: bool) -> impl Iterator<Item = SetResponseHeaderLayer<HeaderValue>> {
    let hsts = https.then(|| (header::STRICT_TRANSPORT_SECURITY, HSTS.to_string()));
    let fixed: [(HeaderName, String); 6] = [
        (
            header::CONTENT_SECURITY_POLICY,
            content_security_policy(None),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
        (header::X_FRAME_OPTIONS, "DENY".into()),
        (header::REFERRER_POLICY, "same-origin".into()),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()".into(),
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin".into(),
        ),
    ];
    fixed.into_iter().chain(hsts).filter_map(|(name, value)| {
        HeaderValue::from_str(&value)
            .ok()
            .map(|value| SetResponseHeaderLayer::if_not_present(name, value))
    })
}
