//! The HTTP router: Leptos pages and server functions, `/healthz`, `/sw.js`, static files, and
//! the middleware every response passes through. Built by a function so tests can drive it
//! in-process with `oneshot`, no port needed.

use std::{
    sync::{Arc, OnceLock},
    time::Duration,
};

use app::{api::server::SessionSettings, shell, App};
use axum::{
    extract::DefaultBodyLimit,
    http::header,
    routing::{get, post},
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes, ResponseOptions};
use tower_http::{
    compression::CompressionLayer, limit::RequestBodyLimitLayer, timeout::TimeoutLayer,
    trace::TraceLayer,
};

use crate::{
    client_address,
    config::Config,
    export,
    health::healthz,
    live, page_owner,
    plain_forms::{self, PlainForms},
    request_log, same_site, security_headers,
    service_worker::ServiceWorker,
    state::AppState,
    static_files, sync_api,
};

/// How long one ordinary request may take before the server gives up on it.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The app's pages, listed once per process. Listing them runs the app with resource loading
/// switched off by a process-wide flag (leptos_server's `SuppressResourceLoad`): a page that
/// began loading on another thread at that moment would wait for ever, and its request end in
/// the timeout's 408 (leptos issue #4773). The server makes one router, before it serves; the
/// HTTP tests make one per test, side by side, and met this.
fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole application as one axum `Router`.
pub fn router(state: AppState, config: &Config) -> Router {
    let routes = routes();
    let state = AppState {
        session: SessionSettings {
            secure_cookies: config.secure_cookies,
        },
        streams: live::OpenStreams::new(config.streams),
        ..state
    };
    let session = state.session;
    let page_context = page_context(state.clone());

    // Made once, from this build's asset names; see `service_worker`.
    let service_worker = Arc::new(ServiceWorker::for_site(&state.leptos_options));

    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .route(
            "/sw.js",
            get(move || async move { service_worker.response() }),
        )
        .route("/sync/push", post(sync_api::push))
        .route("/sync/pull", get(sync_api::pull))
        .route("/sync/boards", get(sync_api::boards))
        .route("/b/{slug}/export.csv", get(export::requests_csv))
        .route("/me/data.json", get(export::my_data))
        .route("/sync/events", get(live::events))
        .merge(static_files::pkg_routes(
            std::path::Path::new(&*state.leptos_options.site_root),
            &state.leptos_options.site_pkg_dir,
            state.leptos_options.hash_files,
        ))
        .leptos_routes_with_context(&state, routes, page_context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(page_context.clone(), shell))
        .with_state(state.clone())
        .layer(axum::middleware::from_fn_with_state(
            PlainForms {
                state,
                page_context: Arc::new(page_context),
                max_body_bytes: config.max_body_bytes,
            },
            plain_forms::rerender_failures,
        ))
        .layer(axum::middleware::from_fn(same_site::refuse_cross_site))
        .layer(axum::middleware::from_fn_with_state(
            session,
            page_owner::mark,
        ));

    for layer in security_headers::layers(config.secure_cookies) {
        router = router.layer(layer);
    }
    let trust_proxy = config.trust_proxy;
    router
        .layer(axum::middleware::from_fn(move |request, next| {
            client_address::record(trust_proxy, request, next)
        }))
        .layer(CompressionLayer::new())
        // Both limits: axum's extractors read `DefaultBodyLimit`; the tower layer refuses any
        // body (server functions included) past the limit with 413 before it is read.
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(TraceLayer::new_for_http().make_span_with(request_log::span_for))
}

/// What every server-rendered page and server function can reach through Leptos' context,
/// plus this response's Content-Security-Policy carrying the nonce Leptos generated for it.
fn page_context(state: AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    move || {
        provide_context(state.db.clone());
        provide_context(state.session);
        if let (Some(nonce), Some(response)) = (use_nonce(), use_context::<ResponseOptions>()) {
            if let Ok(value) = header::HeaderValue::from_str(
                &security_headers::content_security_policy(Some(&nonce)),
            ) {
                response.insert_header(header::CONTENT_SECURITY_POLICY, value);
            }
        }
    }
}
