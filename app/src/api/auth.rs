//! Signing up, in and out.

use leptos::prelude::*;

use crate::model::{views::Viewer, AppError};

/// How long the session cookie lasts, in days (the server's session lasts as long).
pub const SESSION_DAYS: i64 = 90;

/// Only paths on this site are followed after signing in, never another site's address.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

#[server(prefix = "/api", endpoint = "sign_up")]
pub async fn sign_up(
    id: String,
    display_name: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::server::*;
    let (_, token) = respond(backend()?.sign_up(id, display_name, password).await)?;
    set_session_cookie(&token, SESSION_DAYS);
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(
    display_name: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::server::*;
    let (_, token) = respond(
        backend()?
            .sign_in(display_name, password, client_address())
            .await,
    )?;
    set_session_cookie(&token, SESSION_DAYS);
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::server::*;
    if let Some(token) = session_token() {
        respond(backend()?.sign_out(token).await)?;
    }
    clear_session_cookie();
    leptos_axum::redirect("/");
    Ok(())
}

/// The signed-in person, or `None`.
#[server(prefix = "/api", endpoint = "current_viewer")]
pub async fn current_viewer() -> Result<Option<Viewer>, AppError> {
    super::server::respond(super::server::viewer().await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/b/elm-road")), "/b/elm-road");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
