//! One post's page: what is asked or offered, who is helping, how to reach the person being
//! helped (only for their helper), the buttons the viewer may use, and the replies.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_params_map},
};

use super::{post_moderation::PostModeration, post_replies::Replies};
use crate::components::{
    form::problem_text,
    name_mark::{AuthorAndStreet, MarkedName},
    post_badges::{PostBadges, PostDate, WaitingBadge},
    LoadProblem,
};
use crate::{
    api::posts::{load_post, PostAction, Reply},
    components::{
        form::{outbox_form_error, HiddenId},
        outbox_form::{AfterQueued, OutboxForm, ReadForm},
    },
    hooks::{part, use_local_first, Phase},
    offline::{use_sync, SettleMarker},
};
use model::{
    form_writes::post_action,
    ids::{new_id, now_ms, PostId, Slug, UserId},
    views::{ContactDetails, NameMark, PostCard, PostDetail, ReplyView},
    AppError, Mutation, MutationKind, PostKind, PostStatus,
};

/// `/p/:id`: a post. The server renders it from the database; in the browser it comes from
/// the phone's copy of its board (with writes not yet sent on top) once there is one, and
/// what only the server gives (contact details, never kept on the phone) is asked for again
/// after each round of sync. Only the parts that changed are drawn again.
#[component]
pub fn PostScreen() -> impl IntoView {
    let params = use_params_map();
    let sync = use_sync();
    // Never dispatched: they carry the failure of a plain (no-JavaScript) post of these forms.
    let post_action = ServerAction::<PostAction>::new();
    let reply = ServerAction::<Reply>::new();
    let post_id =
        Memo::new(move |_| params.with(|p| p.get("id").map(PostId::from).unwrap_or_default()));
    let settled = RwSignal::new(false);
    let post = Resource::new(move || post_id.get(), load_post);
    // In the browser only, after each round that reached the server, once the page is in
    // place (a round finishing during hydration must not change what is hydrated). Each answer
    // names the post it is about: one for the post before must not show on this one.
    let refreshed = LocalResource::new(move || {
        let round = if settled.get() { sync.rounds() } else { 0 };
        let post_id = post_id.get();
        async move {
            match round {
                0 => None,
                _ => Some((post_id.clone(), load_post(post_id).await)),
            }
        }
    });
    // What the server said last about this post: the answer after the last round, or, before
    // any (or when the server could not be reached), the page it rendered. A refusal (taken
    // down, not yours any more) is an answer too.
    let from_server = move || {
        let post_id = post_id.get();
        match refreshed.get().flatten() {
            Some((about, answer))
                if about == post_id && !matches!(answer, Err(AppError::Transport(_))) =>
            {
                Some(answer)
            }
            _ => post.get(),
        }
    };
    let page = use_local_first(
        move || {
            let server = from_server();
            // The first render is the server's (hydration); the phone's copy after that.
            let local = settled
                .get()
                .then(|| sync.post_detail(&post_id.get()))
                .flatten();
            match local {
                Some(local) => {
                    let mut detail = local.detail;
                    if let Some(Ok(from_server)) = server {
                        // Contact details come only from the server, and only for the helper
                        // (a request's claimant, an offer's author): shown while the phone's
                        // copy says this claim is still on.
                        let helping =
                            detail.permissions.is_claimant || detail.permissions.is_author;
                        if detail.card.status == PostStatus::Claimed && helping {
                            detail.contact = from_server.contact;
                        }
                        // The phone keeps a post's newest replies; the server has them all.
                        with_every_reply(&mut detail, from_server.replies);
                    }
                    Some(Ok(ShownPost {
                        detail,
                        waiting: local.waiting,
                        waiting_replies: local.waiting_replies,
                    }))
                }
                None => server.map(|answer| answer.map(ShownPost::from_server)),
            }
        },
        |shown| shown.detail.card.id.to_string(),
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading the post…"</p> }>
            {move || {
                // Read here so that the server's render waits for the post.
                let _ = post.get();
                match page.phase.get() {
                    Phase::Shown(_) => {
                        let data = page.shown_now().map(|first| page.data(first));
                        view! {
                            <SettleMarker settled />
                            {data.map(|shown| view! { <PostContents shown post_action reply /> })}
                        }
                            .into_any()
                    }
                    Phase::Failed(error) => {
                        view! {
                            <SettleMarker settled />
                            <LoadProblem error with_heading=true />
                        }
                            .into_any()
                    }
                    Phase::Loading => ().into_any(),
                }
            }}
        </Transition>
    }
}

/// Every reply either side has: the server's (the phone keeps only a post's newest
/// `PULL_REPLIES`) and the phone's that the server's answer does not have yet (newer ones
/// pulled since, or not sent), each once, oldest first (unsent ones are dated last).
fn with_every_reply(detail: &mut PostDetail, from_server: Vec<ReplyView>) {
    let only_here: Vec<ReplyView> = std::mem::take(&mut detail.replies)
        .into_iter()
        .filter(|reply| !from_server.iter().any(|sent| sent.id == reply.id))
        .collect();
    detail.replies = from_server;
    detail.replies.extend(only_here);
    detail
        .replies
        .sort_by(|a, b| (a.created_at_ms, &a.id).cmp(&(b.created_at_ms, &b.id)));
}

/// What a post's page shows: the post, and which parts of it have not reached the server.
#[derive(Clone, Debug, PartialEq)]
struct ShownPost {
    detail: PostDetail,
    /// The post, or a change to it, is not sent yet.
    waiting: bool,
    /// Ids of replies not sent yet.
    waiting_replies: Vec<String>,
}

impl ShownPost {
    fn from_server(detail: PostDetail) -> Self {
        Self {
            detail,
            waiting: false,
            waiting_replies: Vec::new(),
        }
    }
}

#[component]
fn PostContents(
    shown: Memo<ShownPost>,
    post_action: ServerAction<PostAction>,
    reply: ServerAction<Reply>,
) -> impl IntoView {
    let card = part(shown, |s| s.detail.card.clone());
    let permissions = part(shown, |s| s.detail.permissions.clone());
    let buttons = part(shown, |s| available_actions(&s.detail));
    // Who holds the claim as this page shows it: agreeing to share details names them.
    let claimant = part(shown, |s| s.detail.claimed_by_id.clone());
    // The post itself: it has nothing of anyone's in progress, so it is drawn again whole
    // when it changes (one closure costs less wasm than one per line).
    let article = part(shown, |s| {
        let d = &s.detail;
        // Why there is no "I can help" button for someone who could otherwise help.
        let vetting_note = d.card.needs_vetting
            && d.card.status == PostStatus::Open
            && !d.permissions.can_claim
            && !d.permissions.is_author;
        let paragraphs = split_paragraphs(&d.details);
        let consent = consent_line(d);
        (d.card.clone(), s.waiting, paragraphs, vetting_note, consent)
    });
    let contact = part(shown, |s| s.detail.contact.clone());
    let board_name = part(shown, |s| s.detail.board_name.clone());
    // Replies the phone does not hold (it keeps a post's newest), said rather than hidden.
    let earlier = part(shown, |s| {
        let d = &s.detail;
        (d.card.reply_count - d.replies.len() as i64).max(0)
    });
    let replies = part(shown, |s| {
        let d = &s.detail;
        let waiting = |r: &ReplyView| s.waiting_replies.contains(&r.id);
        d.replies
            .iter()
            .map(|r| (r.clone(), waiting(r)))
            .collect::<Vec<_>>()
    });
    // The same for as long as this is drawn: the frame is drawn again for another post.
    let (post_id, board_slug) = card.with_untracked(|c| (c.id.clone(), c.board_slug.clone()));
    let title = move || card.with(|c| c.title.clone());
    view! {
        <Title text=title />
        <p class="back-link">
            <A href=format!("/b/{board_slug}")>"Back to " {board_name}</A>
        </p>
        {move || {
            let (card, waiting, paragraphs, vetting_note, consent) = article.get();
            view! { <PostArticle card waiting paragraphs vetting_note consent /> }
        }}
        {move || contact.get().map(|contact| view! { <ContactBox contact /> })}
        <ActionButtons buttons claimant post_id=post_id.clone() board_slug action=post_action />
        <PostModeration card permissions />
        <Replies replies earlier post_id action=reply />
    }
    // A type of its own: the whole page's view type is otherwise too deep for the server
    // build to lay out ("queries overflow the depth limit").
    .into_any()
}

/// The post: what is asked or offered, by whom, and who is helping.
#[component]
fn PostArticle(
    card: PostCard,
    /// It, or a change to it, is not sent yet.
    waiting: bool,
    paragraphs: Vec<String>,
    vetting_note: bool,
    /// Where the agreement to share contact details stands, for the two people it concerns.
    consent: Option<String>,
) -> impl IntoView {
    let claimed = claimed_line(&card);
    let claimed = claimed.map(|(name, mark, what)| {
        view! {
            <p class="post-claimed">
                <MarkedName name mark />
                {what}
            </p>
        }
    });
    view! {
        <article class="post">
            <h1>{card.title.clone()}</h1>
            <PostBadges
                kind=card.kind
                urgency=card.urgency
                status=card.status
                pinned=card.pinned
                needs_vetting=card.needs_vetting
            />
            <p class="post-meta">
                <AuthorAndStreet name=card.author_name mark=card.author_mark street=card.street />
                " · "
                <PostDate ms=card.created_at_ms />
            </p>
            {waiting.then(|| view! { <WaitingBadge /> })}
            {paragraphs
                .into_iter()
                .map(|paragraph| view! { <p class="post-details">{paragraph}</p> })
                .collect_view()}
            {claimed}
            {consent.map(|line| view! { <p class="post-consent" role="status">{line}</p> })}
            {vetting_note
                .then(|| {
                    view! {
                        <p class="hint">
                            "Only a volunteer with a current vetting (such as a DBS check) can help "
                            "with this. Ask an organiser if you would like to."
                        </p>
                    }
                })}
        </article>
    }
    .into_any()
}

/// The post's details as paragraphs (split at blank lines).
fn split_paragraphs(details: &str) -> Vec<String> {
    details
        .replace("\r\n", "\n")
        .split("\n\n")
        .map(str::trim)
        .filter(|paragraph| !paragraph.is_empty())
        .map(str::to_string)
        .collect()
}

/// "Sam is helping" on a claimed request, "Sam is taking this up" on a claimed offer: who,
/// their mark (`NameMark`), and what they are doing.
fn claimed_line(card: &PostCard) -> Option<(String, NameMark, &'static str)> {
    let claimed = card.status == PostStatus::Claimed;
    let name = card.claimed_by_name.clone().filter(|_| claimed)?;
    let what = match card.kind {
        PostKind::Request => " is helping",
        PostKind::Offer => " is taking this up",
        PostKind::Notice => return None,
    };
    Some((name, card.claimed_by_mark.clone(), what))
}

/// Where the agreement to share contact details stands, said to the helper and the person being
/// helped (nobody else): who waits for whom, and, to a request's author, who handed it back.
fn consent_line(detail: &PostDetail) -> Option<String> {
    let (card, can) = (&detail.card, &detail.permissions);
    if card.status == PostStatus::Open && can.is_author {
        let name = card.handed_back_by_name.as_deref()?;
        return Some(format!("{name} handed this back, so it is open again."));
    }
    if card.status != PostStatus::Claimed || card.details_shared {
        return None;
    }
    let helper = card.claimed_by_name.as_deref().unwrap_or("Someone");
    let author = &card.author_name;
    match (card.kind, can.is_author, can.is_claimant) {
        (PostKind::Request, true, _) => Some(format!(
            "{helper} offered to help. Accept to let them see how to reach you, or release the \
             claim. You can reply below first."
        )),
        (PostKind::Request, _, true) => Some(format!(
            "Waiting for {author} to accept your offer. Until then you see only their street; \
             you can reply below."
        )),
        (PostKind::Offer, true, _) => Some(format!(
            "Waiting for {helper} to share how to reach them. You can reply below meanwhile."
        )),
        (PostKind::Offer, _, true) => Some(format!(
            "{author} will see how to reach you once you share it. You can reply below first."
        )),
        _ => None,
    }
}

/// For the helper only: how to reach the person they are helping.
#[component]
fn ContactBox(contact: ContactDetails) -> impl IntoView {
    let given = |value: Option<String>| value.filter(|v| !v.trim().is_empty());
    let address = match given(contact.house_number) {
        Some(number) => format!("{number} {}", contact.street),
        None => contact.street,
    };
    let phone = given(contact.phone).map(|phone| (format!("tel:{}", dialable(&phone)), phone));
    let email = given(contact.email).map(|email| (format!("mailto:{email}"), email));
    view! {
        <section class="contact-box" aria-labelledby="contact-heading">
            <h2 id="contact-heading">"How to reach " {contact.name}</h2>
            <ul class="contact-list">
                {phone.map(|(href, phone)| view! { <li>"Phone: " <a href=href>{phone}</a></li> })}
                {email.map(|(href, email)| view! { <li>"Email: " <a href=href>{email}</a></li> })}
                <li>"Address: " {address}</li>
            </ul>
            <p class="contact-note">"Only you can see this, while you are helping."</p>
        </section>
    }
}

/// A phone number as a `tel:` link wants it: digits and a leading +.
fn dialable(phone: &str) -> String {
    phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

/// The buttons the viewer's permissions allow, as (action sent to the server, label).
fn available_actions(detail: &PostDetail) -> Vec<(&'static str, &'static str)> {
    let can = &detail.permissions;
    let (offer, pinned) = (detail.card.kind == PostKind::Offer, detail.card.pinned);
    let needs_vetting = detail.card.needs_vetting;
    [
        (can.can_claim && !offer, ("claim", "I can help")),
        (can.can_claim && offer, ("claim", "I'd like this")),
        (
            can.can_share_details && !offer,
            ("share_details", "Accept and share my details"),
        ),
        (
            can.can_share_details && offer,
            ("share_details", "Share how to reach me"),
        ),
        (can.can_mark_done, ("done", "Mark as done")),
        (
            can.can_release && can.is_claimant,
            ("release", "Hand it back"),
        ),
        (
            can.can_release && !can.is_claimant,
            ("release", "Release the claim"),
        ),
        (can.can_withdraw, ("withdraw", "Withdraw")),
        (can.can_pin && !pinned, ("pin", "Pin to the top")),
        (can.can_pin && pinned, ("unpin", "Unpin")),
        (
            can.can_set_needs_vetting && !needs_vetting,
            ("needs_vetting", "Needs a vetted volunteer"),
        ),
        (
            can.can_set_needs_vetting && needs_vetting,
            ("no_vetting_needed", "Anyone may help"),
        ),
        (can.can_remove, ("remove", "Remove from the board")),
    ]
    .into_iter()
    .filter_map(|(allowed, button)| allowed.then_some(button))
    .collect()
}

/// The way forward stands out; taking a post off the board is marked as such.
fn button_class(action: &str) -> &'static str {
    match action {
        "claim" | "share_details" | "done" => "button",
        "remove" => "button button-danger",
        _ => "button button-secondary",
    }
}

/// Each button is its own small form, so it works without JavaScript too. The forms are
/// drawn again only when the buttons the viewer may use change.
#[component]
fn ActionButtons(
    buttons: Memo<Vec<(&'static str, &'static str)>>,
    claimant: Memo<Option<UserId>>,
    post_id: PostId,
    board_slug: Slug,
    action: ServerAction<PostAction>,
) -> impl IntoView {
    let found_here = RwSignal::new(None::<AppError>);
    let error = outbox_form_error(found_here, action);
    let id = RwSignal::new(new_id());
    let navigate = use_navigate();
    let forms = move || {
        let buttons = buttons.get();
        let claimant = claimant.get().map(UserId::into_string).unwrap_or_default();
        let any = !buttons.is_empty();
        let forms = buttons.into_iter().map(|(name, label)| {
            let (post_id, claimant) = (post_id.clone(), claimant.clone());
            let (board_slug, navigate) = (board_slug.clone(), navigate.clone());
            let read: ReadForm = Box::new(move |fields| {
                Ok(Mutation {
                    id: fields.get("id"),
                    created_at_ms: now_ms(),
                    kind: post_action(
                        &PostId::from(fields.get("post_id")),
                        &fields.get("action"),
                        &fields.get("claimant"),
                    )?,
                })
            });
            let after: AfterQueued = Box::new(move |mutation| {
                id.set(new_id());
                if matches!(mutation.kind, MutationKind::Remove { .. }) {
                    navigate(&format!("/b/{board_slug}"), Default::default());
                }
            });
            view! {
                <OutboxForm action={<PostAction as ServerFn>::PATH} error=found_here read after>
                    <HiddenId name="id" value=id />
                    <input type="hidden" name="post_id" value=post_id.to_string() />
                    <input type="hidden" name="action" value=name />
                    <input type="hidden" name="claimant" value=claimant />
                    <button type="submit" class=button_class(name)>
                        {label}
                    </button>
                </OutboxForm>
            }
        });
        let forms = forms.collect_view();
        any.then(|| view! { <div class="post-actions">{forms}</div> })
    };
    // The error shows even when no button is left, e.g. "Sam is already helping with this."
    view! {
        {forms}
        {move || {
            error
                .get()
                .map(|e| view! { <p class="action-error" role="alert">{problem_text(&e)}</p> })
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::views::PostPermissions;

    /// A claimed post by Margaret that Sam is helping with, seen with `allowed` permissions.
    fn detail(kind: PostKind, allowed: &[&str]) -> PostDetail {
        let mut permissions = serde_json::to_value(PostPermissions::default()).expect("json");
        for name in allowed {
            permissions[*name] = true.into();
        }
        let card = serde_json::json!({
            "id": "p", "board_slug": "elm-road", "kind": kind, "category": "shopping",
            "title": "Milk", "urgency": "today", "status": "claimed", "street": "Elm Road",
            "author_name": "Margaret", "claimed_by_name": "Sam", "pinned": false,
            "created_at_ms": 0, "expires_at_ms": null, "reply_count": 0,
        });
        let detail = serde_json::json!({
            "card": card, "board_name": "Elm Road", "details": "", "replies": [],
            "permissions": permissions, "contact": null,
        });
        serde_json::from_value(detail).expect("a post's page")
    }

    fn labels(kind: PostKind, allowed: &[&str]) -> Vec<&'static str> {
        let buttons = available_actions(&detail(kind, allowed));
        buttons.iter().map(|(_, label)| *label).collect()
    }

    fn replied(id: &str, at: i64) -> ReplyView {
        ReplyView {
            id: id.into(),
            author_name: "Sam".into(),
            author_mark: None,
            body: id.into(),
            created_at_ms: at,
        }
    }

    #[test]
    fn the_page_shows_every_reply_either_side_has_once_in_order() {
        let mut shown = detail(PostKind::Request, &[]);
        // The phone: a newer reply pulled since the server's answer, and one not sent yet.
        shown.replies = vec![
            replied("b", 2),
            replied("c", 3),
            replied("unsent", i64::MAX),
        ];
        // The server: an older one the phone does not keep, and "b".
        with_every_reply(&mut shown, vec![replied("a", 1), replied("b", 2)]);
        let ids: Vec<&str> = shown.replies.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c", "unsent"]);
    }

    #[test]
    fn buttons_follow_permissions_and_who_is_asking() {
        let helper = labels(
            PostKind::Request,
            &["is_claimant", "can_release", "can_mark_done"],
        );
        assert_eq!(helper, ["Mark as done", "Hand it back"]);
        let author = labels(
            PostKind::Offer,
            &["is_author", "can_release", "can_withdraw"],
        );
        assert_eq!(author, ["Release the claim", "Withdraw"]);
        assert_eq!(labels(PostKind::Offer, &["can_claim"]), ["I'd like this"]);
        assert!(labels(PostKind::Request, &[]).is_empty());
    }

    #[test]
    fn the_claim_is_named_for_the_kind_of_post() {
        let claimed = |kind| {
            let (name, mark, what) = claimed_line(&detail(kind, &[]).card).expect("claimed");
            (format!("{name}{what}"), mark)
        };
        assert_eq!(claimed(PostKind::Request), ("Sam is helping".into(), None));
        assert_eq!(
            claimed(PostKind::Offer),
            ("Sam is taking this up".into(), None)
        );
        assert_eq!(dialable("+44 (0)7700 900123"), "+4407700900123");
    }
}
