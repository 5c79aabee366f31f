//! Serves the floor page (see lib.rs) for `cargo xtask bench`: `FLOOR_ADDR` (default
//! 127.0.0.1:3990), the site built by `cargo leptos build --release --project floor` in
//! `FLOOR_SITE_ROOT` (default target/floor-site).

use std::{net::SocketAddr, sync::Arc};

use axum::Router;
use floor::{shell, App};
use leptos::config::{Env, LeptosOptions};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::services::ServeDir;

#[tokio::main]
async fn main() -> Result<(), String> {
    let addr: SocketAddr = std::env::var("FLOOR_ADDR")
        .unwrap_or_else(|_| "127.0.0.1:3990".into())
        .parse()
        .map_err(|e| format!("FLOOR_ADDR: {e}"))?;
    let site_root = std::env::var("FLOOR_SITE_ROOT").unwrap_or_else(|_| "target/floor-site".into());
    let options = LeptosOptions::builder()
        .output_name(Arc::<str>::from("floor"))
        .site_root(site_root.as_str())
        .site_pkg_dir("pkg")
        .env(Env::PROD)
        .site_addr(addr)
        .build();
    let routes = generate_route_list(App);
    let app = Router::new()
        .leptos_routes(&options, routes, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback_service(ServeDir::new(site_root.clone()))
        .with_state(options);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    axum::serve(listener, app)
        .await
        .map_err(|e| format!("serving: {e}"))
}
