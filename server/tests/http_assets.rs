//! The built files under `/pkg`, in-process: the precompressed copies the release build makes
//! are sent as they are to browsers that take them (never compressed twice), other browsers
//! get the plain file, files without a copy are compressed on the fly, and hashed names are
//! cached for good while plain names are checked each time.

mod support;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    response::Response,
    Router,
};
use server::{router, AppState};
use store::{testing, Backend};
use support::{body_bytes, config_with, header_of, send};

/// Stands in for wasm: long and repetitive, so on-the-fly compression would apply to it.
fn wasm_bytes() -> Vec<u8> {
    b"\0asm streetboard ".repeat(500)
}

/// What the build's `.br` copy holds. Not real brotli: if the server compressed it again or
/// sent the plain file instead, the body would differ from these bytes.
const PRECOMPRESSED: &[u8] = b"pretend brotli made at build time";

struct Site {
    root: std::path::PathBuf,
}

impl Site {
    fn new() -> Self {
        let root =
            std::env::temp_dir().join(format!("streetboard-assets-{}", model::ids::new_id()));
        let pkg = root.join("pkg");
        std::fs::create_dir_all(&pkg).expect("scratch site");
        std::fs::write(pkg.join("streetboard.abc.wasm"), wasm_bytes()).expect("write");
        std::fs::write(pkg.join("streetboard.abc.wasm.br"), PRECOMPRESSED).expect("write");
        std::fs::write(
            pkg.join("streetboard.def.js"),
            "export default function() {}\n".repeat(20),
        )
        .expect("write");
        Self { root }
    }

    async fn app(&self, hashed_names: bool) -> Router {
        let config = config_with("STREETBOARD_SITE_ROOT", self.root.display().to_string());
        // Not `support::app_on`: these options differ from the configuration's own.
        let mut options = config.leptos_options();
        options.hash_files = hashed_names;
        router(
            AppState::new(testing::fresh_db(Backend::Sqlite).await, options),
            &config,
        )
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

async fn get(app: &Router, uri: &str, accept_encoding: Option<&str>) -> Response {
    let mut request = Request::get(uri);
    if let Some(encodings) = accept_encoding {
        request = request.header(header::ACCEPT_ENCODING, encodings);
    }
    send(app, request.body(Body::empty()).expect("request")).await
}

#[tokio::test]
async fn a_browser_taking_brotli_gets_the_builds_copy_as_it_is() {
    let site = Site::new();
    let app = site.app(true).await;
    let response = get(&app, "/pkg/streetboard.abc.wasm", Some("gzip, deflate, br")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header_of(&response, header::CONTENT_ENCODING), "br");
    assert_eq!(
        header_of(&response, header::CONTENT_TYPE),
        "application/wasm"
    );
    assert_eq!(body_bytes(response).await, PRECOMPRESSED);
}

#[tokio::test]
async fn a_browser_taking_no_compression_gets_the_plain_file() {
    let site = Site::new();
    let app = site.app(true).await;
    let response = get(&app, "/pkg/streetboard.abc.wasm", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header_of(&response, header::CONTENT_ENCODING), "");
    assert_eq!(body_bytes(response).await, wasm_bytes());
}

#[tokio::test]
async fn a_file_without_a_copy_is_compressed_on_the_fly() {
    let site = Site::new();
    let app = site.app(true).await;
    let response = get(&app, "/pkg/streetboard.def.js", Some("gzip")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header_of(&response, header::CONTENT_ENCODING), "gzip");
    let compressed = body_bytes(response).await;
    assert!(!compressed.is_empty() && compressed.len() < 20 * 30);
}

#[tokio::test]
async fn hashed_names_are_cached_for_good_and_plain_names_checked_each_time() {
    let site = Site::new();
    let hashed = site.app(true).await;
    let response = get(&hashed, "/pkg/streetboard.abc.wasm", Some("br")).await;
    assert_eq!(
        header_of(&response, header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    let plain = site.app(false).await;
    let response = get(&plain, "/pkg/streetboard.abc.wasm", Some("br")).await;
    assert_eq!(header_of(&response, header::CACHE_CONTROL), "no-cache");
}

#[tokio::test]
async fn a_missing_file_is_not_found() {
    let site = Site::new();
    let app = site.app(true).await;
    let response = get(&app, "/pkg/streetboard.nothing.wasm", Some("br")).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
