//! A street board's page: its posts, newest first, with filters; the buttons to ask or offer;
//! and for organisers the invite link.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_params_map, use_query_map},
};

use crate::components::{
    form::{problem_text, successes},
    name_mark::AuthorAndStreet,
    post_badges::{status_text, PostBadges, PostDate, WaitingBadge},
    LoadProblem,
};
use crate::{
    api::boards::{load_board, NewInvite},
    components::form::form_error,
    hooks::{part, use_local_first, Phase},
    offline::{use_sync, SettleMarker},
};
use model::rules::may_record_vetting;
use model::sync::{
    local::LocalBoard,
    overlay::{overlay, Me, ShownCard},
};
use model::{
    ids::{now_ms, Slug},
    posts_shown::PostsShown,
    views::{BoardFilter, BoardMember, BoardSummary, PostCard},
    Category, MutationKind, PostStatus,
};

/// `/b/:slug`: one board, filtered by the query string (`kind`, `category`, `status`).
///
/// The server renders it from the database. In the browser, once the board has been pulled
/// to the phone, it renders from that copy with the writes not yet sent on top, so it reads
/// the same with no signal.
#[component]
pub fn BoardScreen() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let sync = use_sync();
    let new_invite = ServerAction::<NewInvite>::new();
    let invites_made = successes(new_invite);
    let slug =
        Memo::new(move |_| params.with(|p| p.get("slug").map(Slug::from).unwrap_or_default()));
    let board = Resource::new(
        move || {
            let filter = query.with(|q| {
                (
                    q.get("kind"),
                    q.get("category"),
                    q.get("status"),
                    q.get("show"),
                )
            });
            (slug.get(), filter, invites_made.get())
        },
        |(slug, (kind, category, status, show), _)| load_board(slug, kind, category, status, show),
    );
    Effect::new(move |_| {
        if let Some(Ok(page)) = board.get() {
            sync.remember_board(&page);
        }
    });
    let filter = Memo::new(move |_| {
        query.with(|q| {
            BoardFilter::from_query(
                q.get_str("kind"),
                q.get_str("category"),
                q.get_str("status"),
            )
        })
    });
    let shown = Memo::new(move |_| query.with(|q| PostsShown::from_query(q.get_str("show"))));
    let settled = RwSignal::new(false);
    let page = use_local_first(
        move || {
            let server = board.get();
            // The first render is the server's (hydration); the phone's copy after that.
            let settled_now = settled.get();
            let pending = if settled_now {
                sync.pending()
            } else {
                Vec::new()
            };
            let local = settled_now
                .then(|| sync.board(&slug.get()).filter(LocalBoard::is_synced))
                .flatten();
            match (local, server) {
                (Some(local), _) => {
                    let (cards, more) = shown.get().first_of(local.cards(&filter.get(), now_ms()));
                    Some(Ok(ShownBoard {
                        cards: shown_cards(cards, &local.board, &local.me, &pending),
                        more,
                        board: local.board,
                        invite_code: local.invite_code,
                    }))
                }
                (None, Some(Ok(page))) => Some(Ok(ShownBoard {
                    cards: shown_cards(page.posts, &page.board, &page.me, &pending),
                    more: page.more,
                    board: page.board,
                    invite_code: page.invite_code,
                })),
                (None, Some(Err(error))) => Some(Err(error)),
                (None, None) => None,
            }
        },
        |shown| shown.board.id.to_string(),
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading the board…"</p> }>
            {move || {
                // Read here so that the server's render waits for the board.
                let _ = board.get();
                match page.phase.get() {
                    Phase::Shown(_) => {
                        let data = page.shown_now().map(|first| page.data(first));
                        view! {
                            <SettleMarker settled />
                            {data.map(|shown| view! { <BoardContents shown new_invite /> })}
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

/// What a board's page shows: the board, and its cards with this person's writes on top.
#[derive(Clone, Debug, PartialEq)]
struct ShownBoard {
    board: BoardSummary,
    invite_code: Option<String>,
    cards: Vec<ShownCard>,
    /// More posts are left for "Show more".
    more: bool,
}

/// The board's cards with this person's unsent writes shown on top.
fn shown_cards(
    cards: Vec<PostCard>,
    board: &BoardSummary,
    me: &BoardMember,
    pending: &[MutationKind],
) -> Vec<ShownCard> {
    let me = Me {
        name: &me.display_name,
        street: &me.street,
    };
    overlay(cards, (&board.id, &board.slug), pending, &me)
}

/// The board's page. Its parts are drawn again only when what they show changes; each card
/// only when it changes.
#[component]
fn BoardContents(shown: Memo<ShownBoard>, new_invite: ServerAction<NewInvite>) -> impl IntoView {
    let board = part(shown, |s| s.board.clone());
    let invite_code = part(shown, |s| s.invite_code.clone());
    let cards = part(shown, |s| s.cards.clone());
    let none_yet = Memo::new(move |_| cards.with(Vec::is_empty));
    let more = part(shown, |s| s.more);
    let slug = board.with_untracked(|b| b.slug.clone());
    let heading = move || {
        board.with(|board| {
            let members = match board.member_count {
                1 => "1 member".to_string(),
                n => format!("{n} members"),
            };
            let new_post = |kind: &str| format!("/b/{}/new?kind={kind}", board.slug);
            view! {
                <Title text=board.name.clone() />
                <h1 data-board-id=board.id.to_string()>{board.name.clone()}</h1>
                <p class="board-summary">{board.streets.join(", ")} " · " {members}</p>
                <p class="board-links">
                    <A href=format!("/b/{}/volunteer", board.slug)>"Volunteer"</A>
                    {may_record_vetting(board.role)
                        .then(|| {
                            view! {
                                " · "
                                <A href=format!(
                                    "/b/{}/coordinate",
                                    board.slug,
                                )>"Coordinate volunteers"</A>
                            }
                        })}
                </p>
                <p class="actions board-actions">
                    <A href=new_post("request") attr:class="button">
                        "Ask for help"
                    </A>
                    <A href=new_post("offer") attr:class="button">
                        "Offer help"
                    </A>
                </p>
                {board
                    .role
                    .is_organiser()
                    .then(|| {
                        view! {
                            <p class="organiser-links">
                                <A href=format!(
                                    "/b/{}/moderate",
                                    board.slug,
                                )>"Reports and moderation"</A>
                            </p>
                        }
                    })}
            }
        })
    };
    let list = move || {
        if none_yet.get() {
            return view! {
                <p class="empty-state">"Nothing here yet. Be the first to ask or offer."</p>
            }
            .into_any();
        }
        view! {
            <ul class="post-list">
                <For
                    each=move || cards.get()
                    key=|shown| shown.clone()
                    children=|ShownCard { card, waiting }| view! { <PostCardItem card waiting /> }
                />
            </ul>
        }
        .into_any()
    };
    view! {
        {heading}
        {move || {
            invite_code
                .get()
                .map(|code| view! { <InviteBox code slug=slug.clone() action=new_invite /> })
        }}
        <FilterForm />
        {list}
        {move || more.get().then(|| view! { <ShowMore /> })}
    }
    // A type of its own, as the post page's: keeps the page's view type shallow enough for
    // the server build to lay out.
    .into_any()
}

/// Organisers only: the board's invite link, and a way to replace it.
#[component]
fn InviteBox(code: String, slug: Slug, action: ServerAction<NewInvite>) -> impl IntoView {
    let error = form_error(action);
    view! {
        <section class="invite-box" aria-labelledby="invite-heading">
            <h2 id="invite-heading">"Invite neighbours"</h2>
            <p>
                "Send this link to neighbours on your streets. "
                "Anyone who has it can join the board."
            </p>
            <div class="field">
                <label for="invite-link">"Invite link"</label>
                <input
                    id="invite-link"
                    type="text"
                    readonly=true
                    value=format!("/join/{code}")
                />
            </div>
            <ActionForm action=action attr:class="invite-renew">
                <input type="hidden" name="slug" value=slug.to_string() />
                <p>
                    "If the link reached the wrong people, make a new one: "
                    "the old link stops working."
                </p>
                <button type="submit" class="button button-secondary">
                    "Make a new invite link"
                </button>
            </ActionForm>
            {move || {
                error
                    .get()
                    .map(|e| view! { <p class="action-error" role="alert">{problem_text(&e)}</p> })
            }}
        </section>
    }
}

/// A plain link to this same page with one more page of posts, keeping the filters: it works
/// without JavaScript, and offline the page draws it from the phone's copy.
#[component]
fn ShowMore() -> impl IntoView {
    let query = use_query_map();
    let href = move || {
        query.with(|q| {
            let next = PostsShown::from_query(q.get_str("show")).more()?;
            // The filters as read, so the link carries only names the page knows.
            let filter = BoardFilter::from_query(
                q.get_str("kind"),
                q.get_str("category"),
                q.get_str("status"),
            );
            let mut pairs: Vec<String> = [
                ("kind", filter.kind.map(|k| k.as_str())),
                ("category", filter.category.map(|c| c.as_str())),
                ("status", filter.status.map(|s| s.as_str())),
            ]
            .into_iter()
            .filter_map(|(name, value)| Some(format!("{name}={}", value?)))
            .collect();
            pairs.push(format!("show={}", next.count()));
            Some(format!("?{}", pairs.join("&")))
        })
    };
    move || {
        href().map(|href| {
            view! {
                <p class="show-more">
                    <A href=href attr:class="button button-secondary">
                        "Show more"
                    </A>
                </p>
            }
        })
    }
}

/// A plain GET form to this same page, so filtering works with or without JavaScript.
#[component]
fn FilterForm() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let chosen = move |name: &str| query.get(name).unwrap_or_default();
    let (kind, category, status) = (chosen("kind"), chosen("category"), chosen("status"));
    let option = move |value: &'static str, label: &'static str, current: &str| {
        view! { <option value=value selected=value == current>{label}</option> }
    };
    let kinds = [
        ("", "Any"),
        ("request", "Requests"),
        ("offer", "Offers"),
        ("notice", "Notices"),
    ];
    view! {
        <form method="get" class="filters" aria-label="Filter the posts">
            <div class="field">
                <label for="filter-kind">"Type"</label>
                <select id="filter-kind" name="kind">
                    {kinds
                        .into_iter()
                        .map(|(value, label)| option(value, label, &kind))
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-category">"Category"</label>
                <select id="filter-category" name="category">
                    {option("", "Any", &category)}
                    {Category::ALL
                        .iter()
                        .map(|c| option(c.as_str(), c.label(), &category))
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-status">"Status"</label>
                <select id="filter-status" name="status">
                    {option("", "Open and claimed", &status)}
                    {PostStatus::ALL
                        .iter()
                        .map(|s| option(s.as_str(), s.label(), &status))
                        .collect_view()}
                </select>
            </div>
            <button type="submit" class="button button-secondary">
                "Show"
            </button>
        </form>
    }
}

#[component]
fn PostCardItem(card: PostCard, waiting: bool) -> impl IntoView {
    let replies = match card.reply_count {
        1 => "1 reply".to_string(),
        n => format!("{n} replies"),
    };
    let class = if card.pinned {
        "post-card post-card-pinned"
    } else {
        "post-card"
    };
    view! {
        <li>
            <article class=class>
                <h2 class="post-card-title">
                    <A href=format!("/p/{}", card.id)>{card.title.clone()}</A>
                </h2>
                <PostBadges
                    kind=card.kind
                    urgency=card.urgency
                    pinned=card.pinned
                    needs_vetting=card.needs_vetting
                />
                {card
                    .hidden
                    .then(|| {
                        view! { <p class="badge badge-hidden">"Hidden: only organisers see it"</p> }
                    })}
                <p class="post-meta">
                    <AuthorAndStreet
                        name=card.author_name
                        mark=card.author_mark
                        street=card.street
                    />
                    " · "
                    <PostDate ms=card.created_at_ms />
                </p>
                <p class="post-meta">
                    {card.category.label()} " · " {status_text(card.kind, card.status)} " · "
                    {replies}
                </p>
                {waiting.then(|| view! { <WaitingBadge /> })}
            </article>
        </li>
    }
}
