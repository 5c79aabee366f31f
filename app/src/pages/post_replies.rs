//! A post's replies, each drawn once (and again only when it changes), and the form to add
//! one, whose half-typed text stays while sync rounds come and go.

use leptos::{prelude::*, server_fn::ServerFn};

use crate::{
    api::posts::Reply,
    components::{
        form::{invalid, outbox_form_error, typed_value, ErrorSummary, FieldMessage, HiddenId},
        name_mark::MarkedName,
        outbox_form::{AfterQueued, OutboxForm, ReadForm},
        post_badges::{PostDate, WaitingBadge},
    },
};
use model::{
    ids::{new_id, now_ms, PostId},
    validate::REPLY_MAX,
    views::ReplyView,
    AppError, Mutation, MutationKind,
};

/// The replies (each drawn once, and again only when it changes) and the form to add one.
#[component]
pub(super) fn Replies(
    /// Oldest first, each with whether it is still waiting to send.
    replies: Memo<Vec<(ReplyView, bool)>>,
    /// How many earlier replies are not on this phone (it keeps a post's newest).
    earlier: Memo<i64>,
    post_id: PostId,
    action: ServerAction<Reply>,
) -> impl IntoView {
    let found_here = RwSignal::new(None::<AppError>);
    let error = outbox_form_error(found_here, action);
    let (id, reply_id) = (RwSignal::new(new_id()), RwSignal::new(new_id()));
    let body = RwSignal::new(typed_value("body").unwrap_or_default());
    let none_yet = Memo::new(move |_| replies.with(Vec::is_empty));
    let list = move || {
        if none_yet.get() {
            return view! { <p>"No replies yet."</p> }.into_any();
        }
        view! {
            <ol class="reply-list">
                <For
                    each=move || replies.get()
                    key=|(reply, waiting)| (reply.id.clone(), *waiting)
                    children=|(reply, waiting)| {
                        view! {
                            <li class="reply">
                                <p class="post-meta">
                                    <strong>
                                        <MarkedName name=reply.author_name mark=reply.author_mark />
                                    </strong>
                                    {(!waiting)
                                        .then(|| view! { " · " <PostDate ms=reply.created_at_ms /> })}
                                </p>
                                <p class="reply-body">{reply.body}</p>
                                {waiting.then(|| view! { <WaitingBadge /> })}
                            </li>
                        }
                    }
                />
            </ol>
        }
        .into_any()
    };
    let read: ReadForm = Box::new(move |fields| {
        Ok(Mutation {
            id: fields.get("id"),
            created_at_ms: now_ms(),
            kind: MutationKind::Reply {
                reply_id: fields.get("reply_id"),
                post_id: fields.get("post_id").into(),
                body: fields.get("body"),
            },
        })
    });
    let after: AfterQueued = Box::new(move |_| {
        id.set(new_id());
        reply_id.set(new_id());
        body.set(String::new());
    });
    view! {
        <section id="replies" class="replies" aria-labelledby="replies-heading">
            <h2 id="replies-heading">"Replies"</h2>
            {move || {
                let earlier = earlier.get();
                (earlier > 0)
                    .then(|| {
                        let noun = if earlier == 1 { "reply" } else { "replies" };
                        view! {
                            <p class="hint">
                                {format!("{earlier} earlier {noun} will show when you are online.")}
                            </p>
                        }
                    })
            }}
            {list}
            <OutboxForm
                action={<Reply as ServerFn>::PATH}
                class="form reply-form"
                error=found_here
                read
                after
            >
                <ErrorSummary error=error />
                <FieldMessage name="id" error=error />
                <HiddenId name="id" value=id />
                <HiddenId name="reply_id" value=reply_id />
                <input type="hidden" name="post_id" value=post_id.to_string() />
                <div class="field">
                    <label for="reply-body">"Your reply"</label>
                    <textarea
                        id="reply-body"
                        name="body"
                        rows="3"
                        required=true
                        maxlength=REPLY_MAX.to_string()
                        aria-describedby="body-error"
                        aria-invalid=invalid(error, "body")
                        prop:value=body
                        on:input=move |ev| body.set(event_target_value(&ev))
                    >
                        {body.get_untracked()}
                    </textarea>
                    <FieldMessage name="body" error=error />
                </div>
                <button type="submit" class="button">
                    "Send reply"
                </button>
            </OutboxForm>
        </section>
    }
}
