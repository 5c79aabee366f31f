//! Signing up, in and out.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use model::next_page::safe_next;
#[cfg(feature = "ssr")]
use model::SESSION_DAYS;
use model::{ids::UserId, views::Viewer, AppError};

/// Where signing out leads: the home page, marked for the service worker (see `sign_out`).
pub const SIGNED_OUT_PAGE: &str = "/?signed_out=1";

#[server(prefix = "/api", endpoint = "sign_up")]
pub async fn sign_up(
    id: UserId,
    display_name: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::server::*;
    let signing_up = store::SignUp {
        from_address: client_address(),
        user_id: id,
        display_name,
        password,
    };
    let store = store()?;
    let (_, token) = respond(store.sign_up(signing_up).await)?;
    // The phone's earlier session (someone else's, on a shared phone) ends here.
    if let Some(earlier) = session_token() {
        // The new session stands either way: a failure here must not undo the sign-in.
        if let Err(error) = store.sign_out(&earlier).await {
            leptos::logging::warn!("ending the earlier session: {error}");
        }
    }
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
    let store = store()?;
    // Whoever this phone is signed in as already: that person confirming their password is
    // never held back by others' failures, and their old session ends (a new token each time
    // someone signs in, so an old one cannot linger or be fixed in advance).
    let earlier = session_token();
    let signed_in_as = match &earlier {
        Some(token) => store.viewer(token).await.ok().flatten().map(|v| v.user_id),
        None => None,
    };
    let (_, token) = respond(
        store
            .sign_in(
                &display_name,
                password,
                &client_address(),
                signed_in_as.as_ref(),
            )
            .await,
    )?;
    if let Some(earlier) = earlier {
        // The new session stands either way: a failure here must not undo the sign-in.
        if let Err(error) = store.sign_out(&earlier).await {
            leptos::logging::warn!("ending the earlier session: {error}");
        }
    }
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
    // The mark tells the service worker to forget its stored pages as it fetches this one:
    // `Clear-Site-Data: "cache"` clears only the browser's HTTP cache, and without JavaScript
    // the page cannot tell the worker itself.
    leptos_axum::redirect(SIGNED_OUT_PAGE);
    Ok(())
}

/// The signed-in person, or `None`.
#[server(prefix = "/api", endpoint = "current_viewer")]
pub async fn current_viewer() -> Result<Option<Viewer>, AppError> {
    super::server::respond(super::server::viewer().await)
}
