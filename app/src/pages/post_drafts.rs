//! What someone is in the middle of on a post's page (a reply half typed, the report form open
//! with a reason ticked and a note begun), kept for as long as the page is open. The post's
//! contents are drawn afresh whenever a sync round or a live update brings news of it; without
//! this, a neighbour typing slowly lost their reply, and an open report form snapped shut.

use leptos::prelude::*;

use crate::components::form::typed_value;

#[derive(Clone, Copy)]
pub(super) struct PostDrafts {
    pub reply: RwSignal<String>,
    pub report_open: RwSignal<bool>,
    pub report_reason: RwSignal<String>,
    pub report_note: RwSignal<String>,
}

impl PostDrafts {
    /// Drafts for the page of `post_id`, begun from what a plain form that failed brought back,
    /// and emptied when the page moves on to another post.
    pub(super) fn provide(post_id: Memo<String>) {
        let drafts = Self::begun();
        Effect::new(move |previous: Option<String>| {
            let id = post_id.get();
            if previous.is_some_and(|previous| previous != id) {
                drafts.reply.set(String::new());
                drafts.report_open.set(false);
                drafts.report_reason.set(String::new());
                drafts.report_note.set(String::new());
            }
            id
        });
        provide_context(drafts);
    }

    /// The page's drafts (fresh ones outside a post's page).
    pub(super) fn get() -> Self {
        use_context().unwrap_or_else(Self::begun)
    }

    fn begun() -> Self {
        Self {
            reply: RwSignal::new(typed_value("body").unwrap_or_default()),
            report_open: RwSignal::new(false),
            report_reason: RwSignal::new(typed_value("reason").unwrap_or_default()),
            report_note: RwSignal::new(typed_value("note").unwrap_or_default()),
        }
    }
}
