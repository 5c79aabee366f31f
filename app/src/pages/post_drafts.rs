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
    /// The post the page shows, and the post these drafts were begun on.
    post_id: Memo<String>,
    begun_on: StoredValue<String>,
}

impl PostDrafts {
    /// Drafts for the page of `post_id`, begun from what a plain form that failed brought back.
    pub(super) fn provide(post_id: Memo<String>) {
        provide_context(Self {
            reply: RwSignal::new(typed_value("body").unwrap_or_default()),
            report_open: RwSignal::new(false),
            report_reason: RwSignal::new(typed_value("reason").unwrap_or_default()),
            report_note: RwSignal::new(typed_value("note").unwrap_or_default()),
            post_id,
            begun_on: StoredValue::new(post_id.get_untracked()),
        });
    }

    /// The page's drafts, emptied first if the page has moved on to another post since they
    /// were begun (before anything is drawn from them). Fresh ones outside a post's page.
    pub(super) fn get() -> Self {
        let Some(drafts) = use_context::<Self>() else {
            let nowhere = Memo::new(|_| String::new());
            return Self {
                reply: RwSignal::new(String::new()),
                report_open: RwSignal::new(false),
                report_reason: RwSignal::new(String::new()),
                report_note: RwSignal::new(String::new()),
                post_id: nowhere,
                begun_on: StoredValue::new(String::new()),
            };
        };
        let now_on = drafts.post_id.get_untracked();
        if drafts.begun_on.with_value(|begun_on| *begun_on != now_on) {
            drafts.reply.set(String::new());
            drafts.report_open.set(false);
            drafts.report_reason.set(String::new());
            drafts.report_note.set(String::new());
            drafts.begun_on.set_value(now_on);
        }
        drafts
    }
}
