//! The built JS, wasm and CSS under `/pkg`: served from the brotli or gzip copies the release
//! build made beforehand (`cargo leptos build --release --precompress`) when the browser takes
//! them, so the wasm is compressed once at its best setting instead of on every request; and,
//! when file names carry their content's hash, cached by browsers for good.

use std::path::Path;

use axum::{
    http::{header, HeaderValue},
    Router,
};
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

/// A hashed file never changes under its name; a new build has new names.
const FOREVER: &str = "public, max-age=31536000, immutable";
/// Plain names (a debug build) may change under the same name: ask each time.
const ASK_EACH_TIME: &str = "no-cache";

/// The `/{pkg_dir}` routes, for the site in `site_root`. Files without a precompressed copy
/// are sent as they are, and the router's compression layer compresses them on the fly.
pub fn pkg_routes<S: Clone + Send + Sync + 'static>(
    site_root: &Path,
    pkg_dir: &str,
    hashed_names: bool,
) -> Router<S> {
    let files = ServeDir::new(site_root.join(pkg_dir))
        .precompressed_br()
        .precompressed_gzip();
    let cache = HeaderValue::from_static(if hashed_names { FOREVER } else { ASK_EACH_TIME });
    Router::new().nest_service(
        &format!("/{pkg_dir}"),
        tower::ServiceBuilder::new()
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                cache,
            ))
            .service(files),
    )
}
