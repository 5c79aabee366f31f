//! Joining a board from an invite link (`/join/{code}`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use crate::{
    api::boards::{invite_preview, JoinBoard},
    components::form::{form_error, ErrorSummary, FieldMessage, HouseNumberField},
};

#[component]
pub fn JoinPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let preview = Resource::new(code, invite_preview);
    let action = ServerAction::<JoinBoard>::new();
    let error = form_error(action);
    view! {
        <Title text="Join a board" />
        <Suspense fallback=|| view! { <p>"Opening the invite…"</p> }>
            {move || {
                preview
                    .get()
                    .map(|result| match result {
                        Ok(Some((name, streets))) => {
                            let first = streets.first().cloned().unwrap_or_default();
                            view! {
                                <h1>{format!("Join {name}")}</h1>
                                <p>{format!("A help board for {}.", streets.join(", "))}</p>
                                <ActionForm action=action attr:class="form" attr:novalidate=true>
                                    <ErrorSummary error=error />
                                    <input type="hidden" name="code" value=code() />
                                    <div class="field">
                                        <label for="street">"Your street"</label>
                                        <select id="street" name="street" aria-describedby="street-error">
                                            {streets
                                                .into_iter()
                                                .map(|s| {
                                                    let selected = s == first;
                                                    let label = s.clone();
                                                    view! { <option value=s selected=selected>{label}</option> }
                                                })
                                                .collect_view()}
                                        </select>
                                        <FieldMessage name="street" error=error />
                                    </div>
                                    <HouseNumberField error=error />
                                    <button type="submit" class="button">
                                        "Join the board"
                                    </button>
                                </ActionForm>
                                <p class="hint">
                                    "Not signed in yet? " <A href=format!("/signup?next=/join/{}", code())>"Join Streetboard first"</A>
                                    ", then come back to this link."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(None) => {
                            view! {
                                <h1>"This invite link does not work"</h1>
                                <p>"It may be old: organisers can replace a board's link. Ask a neighbour on the board for the current one."</p>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p role="alert">{crate::words::problem(&e)}</p> }.into_any(),
                    })
            }}
        </Suspense>
    }
}
