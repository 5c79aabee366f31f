//! Starting a board for one's street: a name and the streets it covers.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    api::boards::CreateBoard,
    components::form::{
        form_error, use_fresh_id, ErrorSummary, FieldMessage, HiddenId, HouseNumberField, TextField,
    },
};

use model::validate::{self, BOARD_NAME_MAX};

#[component]
pub fn NewBoardPage() -> impl IntoView {
    let action = ServerAction::<CreateBoard>::new();
    let error = form_error(action);
    let id = use_fresh_id(action);
    view! {
        <Title text="Start a board" />
        <h1>"Start a board for your street"</h1>
        <p>"You will be its organiser. Then share the invite link with your neighbours."</p>
        <ActionForm action=action attr:class="form" attr:novalidate=true>
            <ErrorSummary error=error />
            <HiddenId name="id" value=id />
            <TextField
                name="name"
                check=validate::board_name
                label="Board name"
                hint="e.g. \"Elm Road and Ash Grove\""
                maxlength=BOARD_NAME_MAX
                required=true
                error=error
            />
            <div class="field">
                <label for="streets">"Streets it covers"</label>
                <p class="hint" id="streets-hint">
                    "One per line, or separated by commas. Street names only, never house numbers."
                </p>
                <textarea id="streets" name="streets" rows="3" required=true aria-describedby="streets-hint streets-error"></textarea>
                <FieldMessage name="streets" error=error />
            </div>
            <TextField
                name="my_street"
                label="Your street"
                hint="Shown on your posts. Leave empty to use the first street above."
                error=error
            />
            <HouseNumberField error=error />
            <button type="submit" class="button">
                "Start the board"
            </button>
        </ActionForm>
    }
}
