//! What server functions ask of the server side. The `store` crate implements it; the server
//! puts one in Leptos' context. Server functions stay thin: find who is asking, call one of
//! these, answer.

use std::{future::Future, pin::Pin};

use crate::model::coordination::{CoordinationPage, Task, VolunteerPage};

use crate::model::{
    moderation::ModerationPage,
    views::{BoardFilter, BoardPage, BoardSummary, PostCard, PostDetail, Profile, Viewer},
    AppError, Mutation, Outcome,
};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, AppError>> + Send + 'a>>;

/// A new board, as typed into the form.
#[derive(Clone, Debug)]
pub struct NewBoardForm {
    pub board_id: String,
    pub name: String,
    pub streets: String,
    pub my_street: String,
    pub house_number: String,
}

/// The server side of every server function.
pub trait Backend: Send + Sync + 'static {
    /// Returns the new person and their session token.
    fn sign_up(
        &self,
        user_id: String,
        display_name: String,
        password: String,
    ) -> BoxFuture<'_, (Viewer, String)>;
    /// `address` is the client's network address, for rate limiting.
    fn sign_in(
        &self,
        display_name: String,
        password: String,
        address: String,
    ) -> BoxFuture<'_, (Viewer, String)>;
    fn sign_out(&self, token: String) -> BoxFuture<'_, ()>;
    fn viewer(&self, token: String) -> BoxFuture<'_, Option<Viewer>>;
    fn profile(&self, viewer: Viewer) -> BoxFuture<'_, Profile>;
    fn update_profile(&self, viewer: Viewer, profile: Profile) -> BoxFuture<'_, ()>;
    fn my_boards(&self, viewer: Viewer) -> BoxFuture<'_, Vec<BoardSummary>>;
    fn create_board(&self, viewer: Viewer, form: NewBoardForm) -> BoxFuture<'_, BoardSummary>;
    /// The board's name and streets, for whoever holds the invite code.
    fn invite_preview(&self, code: String) -> BoxFuture<'_, Option<(String, Vec<String>)>>;
    /// Returns the board's slug.
    fn join_board(
        &self,
        viewer: Viewer,
        code: String,
        street: String,
        house_number: String,
    ) -> BoxFuture<'_, String>;
    fn new_invite(&self, viewer: Viewer, slug: String) -> BoxFuture<'_, String>;
    fn leave_board(&self, viewer: Viewer, slug: String) -> BoxFuture<'_, ()>;
    fn board_page(
        &self,
        viewer: Viewer,
        slug: String,
        filter: BoardFilter,
    ) -> BoxFuture<'_, BoardPage>;
    fn post_detail(&self, viewer: Viewer, post_id: String) -> BoxFuture<'_, PostDetail>;
    /// (my posts, posts I have claimed)
    fn my_activity(&self, viewer: Viewer) -> BoxFuture<'_, (Vec<PostCard>, Vec<PostCard>)>;
    /// The viewer's own offer to volunteer on the board `slug`.
    fn volunteer_page(&self, viewer: Viewer, slug: String) -> BoxFuture<'_, VolunteerPage>;
    /// Organisers (and, for the roster only, partners): the board's coordination view.
    fn coordination_page(&self, viewer: Viewer, slug: String) -> BoxFuture<'_, CoordinationPage>;
    /// Requests organisers have asked the viewer to help with, not yet answered.
    fn my_tasks(&self, viewer: Viewer) -> BoxFuture<'_, Vec<Task>>;
    fn apply(&self, viewer: Viewer, mutation: Mutation) -> BoxFuture<'_, Outcome>;
    /// Organisers: open reports, hidden posts, members and the audit log of the board `slug`.
    fn moderation_page(&self, viewer: Viewer, slug: String) -> BoxFuture<'_, ModerationPage>;
}
