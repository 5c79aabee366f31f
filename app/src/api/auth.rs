//! Signing up, in and out.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use model::SESSION_DAYS;
use model::{ids::UserId, views::Viewer, AppError};

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
    id: UserId,
    display_name: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::server::*;
    let signing_up = store::SignUp {
        user_id: id,
        display_name,
        password,
    };
    let (_, token) = respond(store()?.sign_up(signing_up).await)?;
    set_session_cookie(&token.0, SESSION_DAYS);
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
        store()?
            .sign_in(&display_name, password, &client_address())
            .await,
    )?;
    set_session_cookie(&token.0, SESSION_DAYS);
    leptos_axum::redirect(&safe_next(next.as_deref()));
    Ok(())
}

#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::server::*;
    if let Some(token) = session_token() {
        respond(store()?.sign_out(&token).await)?;
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
