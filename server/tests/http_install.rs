//! Installing and offline, in-process: the service worker script, the web app manifest and its
//! icons, the offline shell page, and the head tags that point at them. The site root is
//! `public/`, whose files cargo-leptos copies into the built site unchanged.

mod support;

use axum::{
    http::{header, StatusCode},
    response::Response,
    Router,
};
use server::{
    service_worker::{BuildAssets, ServiceWorker, OFFLINE_PAGE, STATIC_SHELL},
    Config,
};
use store::{testing, Backend};
use support::{app_on, body_bytes, body_json, body_text, config_with, header_of, send};

const PUBLIC_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../public");

fn config() -> Config {
    config_with("STREETBOARD_SITE_ROOT", PUBLIC_DIR)
}

async fn app() -> Router {
    app_on(testing::fresh_db(Backend::Sqlite).await, &config())
}

async fn get(app: &Router, uri: &str) -> Response {
    send(app, support::get(uri)).await
}

/// Width and height from a PNG's IHDR chunk (the first chunk, right after the signature).
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.len() > 24, "too short for a PNG");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR", "IHDR is not the first chunk");
    let number = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    (number(16), number(20))
}

#[tokio::test]
async fn the_service_worker_is_served_fresh_with_this_builds_files() {
    let app = app().await;
    let response = get(&app, "/sw.js").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        header_of(&response, header::CONTENT_TYPE).starts_with("text/javascript"),
        "{:?}",
        response.headers()
    );
    assert_eq!(header_of(&response, header::CACHE_CONTROL), "no-cache");
    let csp = header_of(&response, header::CONTENT_SECURITY_POLICY).to_string();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("'unsafe-eval'"), "{csp}");
    let script = body_text(response).await;

    // The same worker the router made: the names Leptos puts in pages, and a version.
    let options = config().leptos_options();
    let expected = ServiceWorker::for_site(&options);
    assert!(
        !script.contains("__STREETBOARD_"),
        "a slot was left unfilled"
    );
    assert!(
        script.contains(&format!("const VERSION = \"{}\";", expected.version())),
        "{script}"
    );
    let assets = BuildAssets::for_options(&options);
    for file in [&assets.js, &assets.wasm, &assets.css] {
        let path = format!("/pkg/{file}");
        assert!(expected.precache().contains(&path), "{path} not precached");
    }
    for path in STATIC_SHELL.iter().copied().chain([OFFLINE_PAGE]) {
        assert!(
            expected.precache().iter().any(|p| p == path),
            "{path} not precached"
        );
    }
    for path in expected.precache() {
        assert!(
            script.contains(&format!("\"{path}\"")),
            "{path} not in the script"
        );
    }
}

#[tokio::test]
async fn every_precached_public_file_and_the_offline_page_are_served() {
    // One missing file and the worker never installs (`cache.addAll` fails as a whole).
    let app = app().await;
    for path in STATIC_SHELL.iter().copied().chain([OFFLINE_PAGE]) {
        let response = get(&app, path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn the_offline_page_says_so_and_marks_itself_as_the_shell() {
    let app = app().await;
    let response = get(&app, OFFLINE_PAGE).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = body_text(response).await;
    assert!(
        html.contains("You&#x27;re offline") || html.contains("You're offline"),
        "{html}"
    );
    assert!(html.contains(r#"id="offline-shell""#), "{html}");
}

#[tokio::test]
async fn pages_link_the_manifest_and_the_apple_touch_icon() {
    let app = app().await;
    let html = body_text(get(&app, "/").await).await;
    for tag in [
        r#"<link rel="manifest" href="/manifest.webmanifest">"#,
        r#"<link rel="apple-touch-icon" href="/icons/apple-touch-icon-180.png">"#,
        r#"<meta name="apple-mobile-web-app-capable" content="yes">"#,
        r#"<meta name="mobile-web-app-capable" content="yes">"#,
        r#"<meta name="apple-mobile-web-app-title" content="Streetboard">"#,
        r#"<meta name="apple-mobile-web-app-status-bar-style""#,
    ] {
        assert!(html.contains(tag), "{tag} missing from {html}");
    }
    let icon = get(&app, "/icons/apple-touch-icon-180.png").await;
    assert_eq!(icon.status(), StatusCode::OK);
    assert_eq!(png_size(&body_bytes(icon).await), (180, 180));
}

#[tokio::test]
async fn the_manifest_is_valid_and_its_icons_are_served_at_their_sizes() {
    let app = app().await;
    let response = get(&app, "/manifest.webmanifest").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header_of(&response, header::CONTENT_TYPE),
        "application/manifest+json"
    );
    let manifest: serde_json::Value = body_json(response).await;

    for (field, value) in [
        ("name", "Streetboard"),
        ("short_name", "Streetboard"),
        ("start_url", "/"),
        ("scope", "/"),
        ("display", "standalone"),
        ("theme_color", "#1f5f4a"),
        ("lang", "en-GB"),
    ] {
        assert_eq!(manifest[field], value, "{field}");
    }
    for field in ["description", "background_color"] {
        assert!(
            manifest[field].as_str().is_some_and(|s| !s.is_empty()),
            "{field}"
        );
    }

    let icons = manifest["icons"].as_array().expect("icons");
    let mut offered = Vec::new();
    for icon in icons {
        let src = icon["src"].as_str().expect("src");
        let sizes = icon["sizes"].as_str().expect("sizes");
        let purpose = icon["purpose"].as_str().unwrap_or("any");
        assert_eq!(icon["type"], "image/png", "{src}");

        let response = get(&app, src).await;
        assert_eq!(response.status(), StatusCode::OK, "{src}");
        assert_eq!(
            header_of(&response, header::CONTENT_TYPE),
            "image/png",
            "{src}"
        );
        let (width, height) = png_size(&body_bytes(response).await);
        assert_eq!(format!("{width}x{height}"), sizes, "{src}");
        offered.push((sizes.to_string(), purpose.to_string()));
    }
    for wanted in [
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    ] {
        assert!(
            offered
                .iter()
                .any(|(sizes, purpose)| sizes == wanted.0 && purpose == wanted.1),
            "no {wanted:?} icon in {offered:?}"
        );
    }
}
