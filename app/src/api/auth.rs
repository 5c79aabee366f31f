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

/// Changes the password, given the current one; every other device is signed out.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use super::server::*;
    let viewer = require_viewer().await?;
    let token = session_token().ok_or(AppError::NotSignedIn)?;
    respond(
        store()?
            .change_password(&viewer, &token, current_password, new_password)
            .await,
    )?;
    leptos_axum::redirect(PASSWORD_CHANGED_PAGE);
    Ok(())
}

/// Where a changed password leads: Me, saying so.
pub const PASSWORD_CHANGED_PAGE: &str = "/me?password_changed=1";

/// Signs this person out on every device, this one included.
#[server(prefix = "/api", endpoint = "sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    use super::server::*;
    let viewer = require_viewer().await?;
    respond(store()?.sign_out_everywhere(&viewer.user_id).await)?;
    clear_session_cookie();
    forget_pages_on_this_phone();
    leptos_axum::redirect(SIGNED_OUT_PAGE);
    Ok(())
}

/// Deletes the account, given the password; `remove_posts` (a ticked box) takes its posts and
/// replies too. Every session ends; the phone forgets what it kept.
#[server(prefix = "/api", endpoint = "delete_account")]
pub async fn delete_account(
    password: String,
    remove_posts: Option<String>,
) -> Result<(), AppError> {
    use super::server::*;
    let viewer = require_viewer().await?;
    let remove_posts = remove_posts.is_some_and(|v| !v.is_empty());
    respond(
        store()?
            .delete_account(&viewer, password, remove_posts)
            .await,
    )?;
    clear_session_cookie();
    forget_pages_on_this_phone();
    leptos_axum::redirect(SIGNED_OUT_PAGE);
    Ok(())
}
