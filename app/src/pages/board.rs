//! A street board's page: its posts, newest first, with filters; the buttons to ask or offer;
//! and for organisers the invite link. Also what the post page shares: badges, dates, and
//! reloading after a write.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_params_map, use_query_map},
};

use super::compose::LoadProblem;
use crate::{
    api::boards::{load_board, NewInvite},
    components::form::form_error,
    offline::{use_sync, SettleMarker},
};
use model::rules::may_record_vetting;
use model::sync::{
    local::LocalBoard,
    overlay::{overlay, Me, ShownCard},
};
use model::{
    dates::utc_date,
    ids::now_ms,
    views::{BoardFilter, BoardMember, BoardSummary, PostCard},
    AppError, Category, MutationKind, PostKind, PostStatus, Urgency,
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
    let slug = Memo::new(move |_| params.with(|p| p.get("slug").unwrap_or_default()));
    let board = Resource::new(
        move || {
            let filter = query.with(|q| (q.get("kind"), q.get("category"), q.get("status")));
            (slug.get(), filter, invites_made.get())
        },
        |(slug, (kind, category, status), _)| load_board(slug, kind, category, status),
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
    let settled = RwSignal::new(false);
    view! {
        <Transition fallback=|| view! { <p>"Loading the board…"</p> }>
            {move || {
                let server = board.get();
                // The first render is the server's (hydration); the phone's copy after that.
                let settled_now = settled.get();
                let pending = if settled_now { sync.pending() } else { Vec::new() };
                let local = settled_now
                    .then(|| sync.board(&slug.get()).filter(LocalBoard::is_synced))
                    .flatten();
                match (local, server) {
                    (Some(local), _) => {
                        let cards = local.cards(&filter.get(), now_ms());
                        let shown = shown_cards(cards, &local.board, &local.me, &pending);
                        let (board, invite_code) = (local.board, local.invite_code);
                        view! {
                            <SettleMarker settled />
                            <BoardContents board invite_code shown new_invite />
                        }
                            .into_any()
                    }
                    (None, Some(Ok(page))) => {
                        let shown = shown_cards(page.posts, &page.board, &page.me, &pending);
                        let (board, invite_code) = (page.board, page.invite_code);
                        view! {
                            <SettleMarker settled />
                            <BoardContents board invite_code shown new_invite />
                        }
                            .into_any()
                    }
                    (None, Some(Err(error))) => {
                        view! {
                            <SettleMarker settled />
                            <LoadProblem error with_heading=true />
                        }
                            .into_any()
                    }
                    (None, None) => ().into_any(),
                }
            }}
        </Transition>
    }
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

#[component]
fn BoardContents(
    board: BoardSummary,
    invite_code: Option<String>,
    shown: Vec<ShownCard>,
    new_invite: ServerAction<NewInvite>,
) -> impl IntoView {
    let members = match board.member_count {
        1 => "1 member".to_string(),
        n => format!("{n} members"),
    };
    let new_post = |kind: &str| format!("/b/{}/new?kind={kind}", board.slug);
    view! {
        <Title text=board.name.clone() />
        <h1 data-board-id=board.id.clone()>{board.name.clone()}</h1>
        <p class="board-summary">{board.streets.join(", ")} " · " {members}</p>
        <p class="board-links">
            <A href=format!("/b/{}/volunteer", board.slug)>"Volunteer"</A>
            {may_record_vetting(board.role)
                .then(|| {
                    view! {
                        " · "
                        <A href=format!("/b/{}/coordinate", board.slug)>"Coordinate volunteers"</A>
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
                        <A href=format!("/b/{}/moderate", board.slug)>"Reports and moderation"</A>
                    </p>
                }
            })}
        {invite_code
            .map(|code| view! { <InviteBox code slug=board.slug.clone() action=new_invite /> })}
        <FilterForm />
        {if shown.is_empty() {
            view! { <p class="empty-state">"Nothing here yet. Be the first to ask or offer."</p> }
                .into_any()
        } else {
            view! {
                <ul class="post-list">
                    {shown
                        .into_iter()
                        .map(|ShownCard { card, waiting }| view! { <PostCardItem card waiting /> })
                        .collect_view()}
                </ul>
            }
                .into_any()
        }}
    }
}

/// Organisers only: the board's invite link, and a way to replace it.
#[component]
fn InviteBox(code: String, slug: String, action: ServerAction<NewInvite>) -> impl IntoView {
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
                <input type="hidden" name="slug" value=slug />
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
                    {card.author_name} " · " {card.street} " · "
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

/// Marks something written on this phone that the server does not have yet.
#[component]
pub(super) fn WaitingBadge() -> impl IntoView {
    view! { <p class="badge badge-waiting">"Waiting to send"</p> }
}

/// Kind, how soon (requests and offers), the status when given, and "Pinned".
#[component]
pub(super) fn PostBadges(
    kind: PostKind,
    urgency: Urgency,
    #[prop(optional)] status: Option<PostStatus>,
    #[prop(optional)] pinned: bool,
    /// A request only a vetted volunteer may help with.
    #[prop(optional)]
    needs_vetting: bool,
) -> impl IntoView {
    let urgency_class = format!("badge badge-urgency-{}", urgency.as_str());
    view! {
        <p class="badges">
            {pinned.then(|| view! { <span class="badge badge-pinned">"Pinned"</span> })}
            <span class=format!("badge badge-kind-{}", kind.as_str())>{kind.label()}</span>
            {kind
                .is_claimable()
                .then(|| {
                    view! {
                        <span class=urgency_class>
                            <span class="visually-hidden">"When: "</span>
                            {urgency.label()}
                        </span>
                    }
                })}
            {status
                .map(|s| {
                    let class = format!("badge badge-status-{}", s.as_str());
                    view! { <span class=class>{status_text(kind, s)}</span> }
                })}
            {needs_vetting
                .then(|| view! { <span class="badge badge-needs-vetting">"Needs a vetted volunteer"</span> })}
        </p>
    }
}

/// A post's status in words; a claimed offer is "taken up" rather than "helped with".
pub(super) fn status_text(kind: PostKind, status: PostStatus) -> &'static str {
    match (kind, status) {
        (PostKind::Offer, PostStatus::Claimed) => "Taken up",
        (_, status) => status.label(),
    }
}

/// A day such as "23 Nov", in UTC, the same on the server and in the browser.
#[component]
pub(super) fn PostDate(ms: i64) -> impl IntoView {
    let (year, month, day) = utc_date(ms);
    view! { <time datetime=format!("{year:04}-{month:02}-{day:02}")>{day_and_month(ms)}</time> }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// "23 Nov" for `ms` since the Unix epoch.
pub(super) fn day_and_month(ms: i64) -> String {
    let (_, month, day) = utc_date(ms);
    format!("{day} {}", MONTHS[(month - 1) as usize])
}

/// Counts the times `action` succeeded, so a page can reload its data after each write.
pub(super) fn successes<S>(action: ServerAction<S>) -> Signal<usize>
where
    S: leptos::server_fn::ServerFn<Output = (), Error = AppError> + Clone + Send + Sync + 'static,
{
    let count = RwSignal::new(0);
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(()))) {
            count.update(|n| *n += 1);
        }
    });
    count.into()
}

/// An action's error in words: the field's own message when it is about a (hidden) field.
pub(super) fn problem_text(error: &AppError) -> String {
    match error {
        AppError::Invalid(fields) => fields
            .0
            .first()
            .map(|(_, message)| message.clone())
            .unwrap_or_else(|| error.to_string()),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_utc() {
        assert_eq!(utc_date(0), (1970, 1, 1));
        assert_eq!(utc_date(1_763_900_000_000), (2025, 11, 23));
        assert_eq!(day_and_month(1_763_900_000_000), "23 Nov");
        assert_eq!(utc_date(951_782_400_000), (2000, 2, 29));
        assert_eq!(utc_date(-1), (1969, 12, 31));
    }
}
