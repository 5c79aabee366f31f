//! A form whose write goes through the outbox when the page is running (shown at once, kept
//! on the phone, sent when there is signal), and posts to its server function otherwise
//! (JavaScript off, not hydrated yet, or no local store), so it always works.

use leptos::{ev::SubmitEvent, prelude::*};

use crate::offline::{use_sync, FormFields};
use model::{AppError, Mutation};

/// Reads the submitted fields into the write to queue, or the error to show on the form.
pub type ReadForm = Box<dyn Fn(&FormFields) -> Result<Mutation, AppError>>;

/// Called with the write just queued (e.g. to go to the new post's page).
pub type AfterQueued = Box<dyn Fn(&Mutation)>;

#[component]
pub fn OutboxForm(
    /// The server function's URL: where the form posts without JavaScript.
    action: &'static str,
    #[prop(optional)] class: &'static str,
    /// Where a mistake found in the browser is shown (the same message the server would give).
    error: RwSignal<Option<AppError>>,
    read: ReadForm,
    #[prop(optional)] after: Option<AfterQueued>,
    children: Children,
) -> impl IntoView {
    let sync = use_sync();
    let on_submit = move |event: SubmitEvent| {
        if !sync.ready() {
            return; // the browser posts the form to the server function
        }
        event.prevent_default();
        let Some(fields) = submitted_fields(&event) else {
            return;
        };
        match read(&fields).and_then(|m| m.validate().map(|()| m).map_err(AppError::Invalid)) {
            Ok(mutation) => {
                error.set(None);
                sync.enqueue(mutation.clone());
                if let Some(after) = &after {
                    after(&mutation);
                }
            }
            Err(problem) => error.set(Some(problem)),
        }
    };
    view! {
        <form method="post" action=action class=class novalidate=true on:submit=on_submit>
            {children()}
        </form>
    }
}

#[cfg(feature = "hydrate")]
fn submitted_fields(event: &SubmitEvent) -> Option<FormFields> {
    use wasm_bindgen::JsCast;
    let form: web_sys::HtmlFormElement = event.target()?.dyn_into().ok()?;
    let data = web_sys::FormData::new_with_form(&form).ok()?;
    let mut fields = Vec::new();
    for entry in js_sys::try_iter(&data).ok()??.flatten() {
        let pair: js_sys::Array = entry.unchecked_into();
        if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            fields.push((name, value));
        }
    }
    Some(FormFields(fields))
}

#[cfg(not(feature = "hydrate"))]
fn submitted_fields(_event: &SubmitEvent) -> Option<FormFields> {
    None
}
