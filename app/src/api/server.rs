//! Server-only helpers for server functions: the store, the session cookie, the client's
//! address, and setting an error's HTTP status.

use http::{header, HeaderValue};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use model::{views::Viewer, AppError};

/// The session cookie's name over plain HTTP (a developer's machine, the tests).
pub const SESSION_COOKIE: &str = "sb_session";
/// Its name over HTTPS. Browsers accept a `__Host-` cookie only from this host itself, with
/// `Secure` and `Path=/` and no `Domain`: a sibling subdomain cannot plant one (to sign a
/// neighbour in as someone else) nor read one.
pub const SECURE_SESSION_COOKIE: &str = "__Host-sb_session";

/// How the session cookie is set; from the server's configuration.
#[derive(Clone, Copy, Debug, Default)]
pub struct SessionSettings {
    /// Add `Secure` (the site is served over HTTPS).
    pub secure_cookies: bool,
}

impl SessionSettings {
    /// The cookie the session travels in; only this one is read, so over HTTPS a plain
    /// `sb_session` planted by a sibling subdomain is ignored.
    pub fn cookie_name(self) -> &'static str {
        if self.secure_cookies {
            SECURE_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        }
    }
}

fn session_settings() -> SessionSettings {
    use_context::<SessionSettings>().unwrap_or_default()
}

/// The client's network address as the server determined it (for rate limiting).
#[derive(Clone, Debug)]
pub struct ClientAddress(pub String);

/// The store, which the server puts in every server function's context.
pub fn store() -> Result<store::Db, AppError> {
    use_context::<store::Db>().ok_or_else(|| {
        tracing_missing("store");
        AppError::Internal
    })
}

fn tracing_missing(what: &str) {
    leptos::logging::error!("server function context is missing the {what}");
}

/// The page (or answer) being made holds private details: it is sent with `Cache-Control:
/// no-store`, so neither the browser's cache nor the service worker's pages cache (which stores
/// no `no-store` page) keeps a copy to open after the claim has ended, the post was hidden or
/// the person signed out. The phone's own copy (IndexedDB) keeps only the person's own things.
pub fn keep_off_the_phone() {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

/// Sets the response status for `error` and returns it, for `return Err(fail(e))`.
///
/// Only when answering a server function's own request: a page that calls server functions
/// while it renders (say, the home page asking for a signed-out person's boards) decides its
/// own status.
pub fn fail(error: AppError) -> AppError {
    let answering_server_function = use_context::<http::request::Parts>()
        .is_some_and(|parts| parts.uri.path().starts_with("/api/"));
    if let Some(response) = use_context::<ResponseOptions>().filter(|_| answering_server_function) {
        response.set_status(
            http::StatusCode::from_u16(error.status()).unwrap_or(http::StatusCode::BAD_REQUEST),
        );
        if let AppError::Busy { retry_after_secs }
        | AppError::TooManyAttempts { retry_after_secs } = &error
        {
            response.insert_header(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
    }
    error
}

/// `result`, with the HTTP status set when it is an error.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    result.map_err(fail)
}

/// The session token from the request's cookie, if any.
pub fn session_token() -> Option<String> {
    session_token_in(
        &use_context::<http::request::Parts>()?.headers,
        session_settings(),
    )
}

/// The session token in these request headers' cookies, if any (also used by the sync API).
pub fn session_token_in(headers: &http::HeaderMap, settings: SessionSettings) -> Option<String> {
    let name = settings.cookie_name();
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, _)| *cookie == name)
        .map(|(_, value)| value.to_string())
}

/// Who is asking, if they are signed in.
pub async fn viewer() -> Result<Option<Viewer>, AppError> {
    match session_token() {
        Some(token) => store()?.viewer(&token).await,
        None => Ok(None),
    }
}

/// Who is asking; a 401 asking them to sign in otherwise.
pub async fn require_viewer() -> Result<Viewer, AppError> {
    respond(viewer().await?.ok_or(AppError::NotSignedIn))
}

pub fn client_address() -> String {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ClientAddress>().cloned())
        .map(|a| a.0)
        .unwrap_or_else(|| "unknown".into())
}

fn cookie(value: &str, max_age_secs: i64) -> String {
    let settings = session_settings();
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        settings.cookie_name(),
        if settings.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    )
}

pub fn set_session_cookie(token: &str, days: i64) {
    set_cookie(&cookie(token, days * 24 * 3600));
}

pub fn clear_session_cookie() {
    set_cookie(&cookie("", 0));
}

/// After signing out: the browser drops its HTTP cache of this site, so the next person on a
/// shared phone cannot open the last one's pages from it. The service worker's pages are
/// forgotten by the page (with JavaScript) and by the worker itself on the signed-out page's
/// mark (`auth::SIGNED_OUT_PAGE`). Only "cache", not "storage": the phone's stored writes of
/// anyone else on it are kept.
pub fn forget_pages_on_this_phone() {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.insert_header(
            http::HeaderName::from_static("clear-site-data"),
            HeaderValue::from_static("\"cache\""),
        );
    }
}

fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        response.append_header(header::SET_COOKIE, value);
    }
}
