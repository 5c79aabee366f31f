//! Boards: start one, join by invite, new invite link, leave, and read a board's page.

use leptos::prelude::*;

use model::{
    ids::{BoardId, Slug},
    views::{BoardPage as BoardView, BoardSummary, Profile as ProfileView},
    AppError,
};

#[server(prefix = "/api", endpoint = "my_boards")]
pub async fn my_boards() -> Result<Vec<BoardSummary>, AppError> {
    use super::server::*;
    let viewer = require_viewer().await?;
    respond(store()?.my_boards(&viewer).await)
}

#[server(prefix = "/api", endpoint = "create_board")]
pub async fn create_board(
    id: BoardId,
    name: String,
    streets: String,
    my_street: String,
    house_number: String,
) -> Result<(), AppError> {
    use super::server::*;
    let viewer = require_viewer().await?;
    let form = store::NewBoard {
        board_id: id,
        name,
        streets,
        my_street,
        house_number,
    };
    let board = respond(store()?.create_board(&viewer, form).await)?;
    leptos_axum::redirect(&format!("/b/{}", board.slug));
    Ok(())
}

/// The board's name and streets, shown on the invite page before joining.
#[server(prefix = "/api", endpoint = "invite_preview")]
pub async fn invite_preview(code: String) -> Result<Option<(String, Vec<String>)>, AppError> {
    use super::server::*;
    // The page's address is the invite code: as good as a key to the street's board.
    keep_off_the_phone();
    respond(store()?.invite_preview(&code, &client_address()).await)
}

#[server(prefix = "/api", endpoint = "join_board")]
pub async fn join_board(
    code: String,
    street: String,
    house_number: String,
) -> Result<(), AppError> {
    use super::server::*;
    let viewer = require_viewer().await?;
    let slug = respond(
        store()?
            .join_board(&viewer, &code, &street, &house_number, &client_address())
            .await,
    )?;
    leptos_axum::redirect(&format!("/b/{slug}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "new_invite")]
pub async fn new_invite(slug: Slug) -> Result<(), AppError> {
    use super::server::*;
    let viewer = require_viewer().await?;
    respond(store()?.new_invite(&viewer, &slug).await)?;
    leptos_axum::redirect(&format!("/b/{slug}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "leave_board")]
pub async fn leave_board(slug: Slug) -> Result<(), AppError> {
    use super::server::*;
    let viewer = require_viewer().await?;
    respond(store()?.leave_board(&viewer, &slug).await)?;
    leptos_axum::redirect("/me");
    Ok(())
}

/// A board's page. Filters are the names from the query string; unknown ones are ignored;
/// `show` is how many posts (`PostsShown`).
#[server(prefix = "/api", endpoint = "load_board")]
pub async fn load_board(
    slug: Slug,
    kind: Option<String>,
    category: Option<String>,
    status: Option<String>,
    show: Option<String>,
) -> Result<BoardView, AppError> {
    use super::server::*;
    use model::{posts_shown::PostsShown, views::BoardFilter};
    let viewer = require_viewer().await?;
    let filter = BoardFilter::from_query(kind.as_deref(), category.as_deref(), status.as_deref());
    let shown = PostsShown::from_query(show.as_deref());
    let page = respond(
        store()?
            .board_page_showing(&viewer, &slug, &filter, shown)
            .await,
    )?;
    // Organisers see the invite code and the posts they have hidden: not for the phone's
    // pages cache (the phone's own copy in IndexedDB still opens the board offline).
    if page.invite_code.is_some() {
        keep_off_the_phone();
    }
    Ok(page)
}

#[server(prefix = "/api", endpoint = "load_profile")]
pub async fn load_profile() -> Result<ProfileView, AppError> {
    use super::server::*;
    let viewer = require_viewer().await?;
    keep_off_the_phone();
    respond(store()?.profile(&viewer).await)
}

#[server(prefix = "/api", endpoint = "update_profile")]
pub async fn update_profile(phone: String, email: String) -> Result<(), AppError> {
    use super::server::*;
    let viewer = require_viewer().await?;
    let display_name = viewer.display_name.clone();
    respond(
        store()?
            .update_profile(
                &viewer,
                ProfileView {
                    display_name,
                    phone,
                    email,
                },
            )
            .await,
    )?;
    leptos_axum::redirect("/me");
    Ok(())
}
