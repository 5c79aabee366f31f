//! Signing up, in and out.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use model::next_page::safe_next;
#[cfg(feature = "ssr")]
use model::SESSION_DAYS;
use model::{ids::UserId, views::Viewer, AppError};

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
    forget_pages_on_this_phone();
    leptos_axum::redirect("/");
    Ok(())
}

/// The signed-in person, or `None`.
#[server(prefix = "/api", endpoint = "current_viewer")]
pub async fn current_viewer() -> Result<Option<Viewer>, AppError> {
    super::server::respond(super::server::viewer().await)
}
