//! `store` as the server side of the app's server functions (`app::api::Backend`).

use app::{
    api::backend::{Backend, BoxFuture, NewBoardForm},
    model::{
        moderation::ModerationPage,
        views::{BoardFilter, BoardPage, BoardSummary, PostCard, PostDetail, Profile, Viewer},
        Mutation, Outcome,
    },
};

use app::model::coordination::{CoordinationPage, Task, VolunteerPage};

use crate::{Db, NewBoard, SignUp};

impl Backend for Db {
    fn sign_up(
        &self,
        user_id: String,
        display_name: String,
        password: String,
    ) -> BoxFuture<'_, (Viewer, String)> {
        Box::pin(async move {
            let (viewer, token) = Db::sign_up(
                self,
                SignUp {
                    user_id,
                    display_name,
                    password,
                },
            )
            .await?;
            Ok((viewer, token.0))
        })
    }

    fn sign_in(
        &self,
        display_name: String,
        password: String,
        address: String,
    ) -> BoxFuture<'_, (Viewer, String)> {
        Box::pin(async move {
            let (viewer, token) = Db::sign_in(self, &display_name, password, &address).await?;
            Ok((viewer, token.0))
        })
    }

    fn sign_out(&self, token: String) -> BoxFuture<'_, ()> {
        Box::pin(async move { Db::sign_out(self, &token).await })
    }

    fn viewer(&self, token: String) -> BoxFuture<'_, Option<Viewer>> {
        Box::pin(async move { Db::viewer(self, &token).await })
    }

    fn profile(&self, viewer: Viewer) -> BoxFuture<'_, Profile> {
        Box::pin(async move { Db::profile(self, &viewer).await })
    }

    fn update_profile(&self, viewer: Viewer, profile: Profile) -> BoxFuture<'_, ()> {
        Box::pin(async move { Db::update_profile(self, &viewer, profile).await })
    }

    fn my_boards(&self, viewer: Viewer) -> BoxFuture<'_, Vec<BoardSummary>> {
        Box::pin(async move { Db::my_boards(self, &viewer).await })
    }

    fn create_board(&self, viewer: Viewer, form: NewBoardForm) -> BoxFuture<'_, BoardSummary> {
        Box::pin(async move {
            let form = NewBoard {
                board_id: form.board_id,
                name: form.name,
                streets: form.streets,
                my_street: form.my_street,
                house_number: form.house_number,
            };
            Db::create_board(self, &viewer, form).await
        })
    }

    fn invite_preview(&self, code: String) -> BoxFuture<'_, Option<(String, Vec<String>)>> {
        Box::pin(async move { Db::invite_preview(self, &code).await })
    }

    fn join_board(
        &self,
        viewer: Viewer,
        code: String,
        street: String,
        house_number: String,
    ) -> BoxFuture<'_, String> {
        Box::pin(async move { Db::join_board(self, &viewer, &code, &street, &house_number).await })
    }

    fn new_invite(&self, viewer: Viewer, slug: String) -> BoxFuture<'_, String> {
        Box::pin(async move { Db::new_invite(self, &viewer, &slug).await })
    }

    fn leave_board(&self, viewer: Viewer, slug: String) -> BoxFuture<'_, ()> {
        Box::pin(async move { Db::leave_board(self, &viewer, &slug).await })
    }

    fn board_page(
        &self,
        viewer: Viewer,
        slug: String,
        filter: BoardFilter,
    ) -> BoxFuture<'_, BoardPage> {
        Box::pin(async move { Db::board_page(self, &viewer, &slug, &filter).await })
    }

    fn post_detail(&self, viewer: Viewer, post_id: String) -> BoxFuture<'_, PostDetail> {
        Box::pin(async move { Db::post_detail(self, &viewer, &post_id).await })
    }

    fn my_activity(&self, viewer: Viewer) -> BoxFuture<'_, (Vec<PostCard>, Vec<PostCard>)> {
        Box::pin(async move { Db::my_activity(self, &viewer).await })
    }

    fn volunteer_page(&self, viewer: Viewer, slug: String) -> BoxFuture<'_, VolunteerPage> {
        Box::pin(async move { Db::volunteer_page(self, &viewer, &slug).await })
    }

    fn coordination_page(&self, viewer: Viewer, slug: String) -> BoxFuture<'_, CoordinationPage> {
        Box::pin(async move { Db::coordination_page(self, &viewer, &slug).await })
    }

    fn my_tasks(&self, viewer: Viewer) -> BoxFuture<'_, Vec<Task>> {
        Box::pin(async move { Db::my_tasks(self, &viewer).await })
    }

    fn apply(&self, viewer: Viewer, mutation: Mutation) -> BoxFuture<'_, Outcome> {
        Box::pin(async move { Db::apply(self, &viewer, &mutation).await })
    }

    fn moderation_page(&self, viewer: Viewer, slug: String) -> BoxFuture<'_, ModerationPage> {
        Box::pin(async move { Db::moderation_page(self, &viewer, &slug).await })
    }
}
