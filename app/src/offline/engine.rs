//! The sync engine in the browser: reads the phone's copy at start, queues writes, and runs
//! rounds (push the outbox in batches, then pull every board kept) on load, when the
//! connection returns, when the page becomes visible, after each write, and on a backed-off
//! timer with jitter. One round at a time; a trigger during a round asks for another.

use std::{cell::RefCell, rc::Rc};

use gloo_timers::callback::Timeout;
use leptos::{prelude::*, task::spawn_local};

use super::{
    idb_store::LocalStore,
    net::{self, NetError},
    SyncHandle,
};
use model::sync::{
    backoff::retry_delay_ms,
    local::LocalBoard,
    outbox::Outbox,
    status::Activity,
    wire::{BoardHeader, PushRequest, MAX_PUSH_BATCH, MAX_PUSH_BYTES},
};
use model::{ids::now_ms, views::BoardPage, Mutation};

/// While the page is open and all is well, look for others' changes about this often.
const REFRESH_MS: u64 = 60_000;

/// The engine's working state. Browser-only and single-threaded: one engine per page, which
/// the page's signals (in `SyncHandle`) show.
#[derive(Default)]
struct Runtime {
    store: Option<Rc<LocalStore>>,
    /// The person whose boards and outbox are loaded.
    user_id: Option<String>,
    /// A page has seen the person signed in (their boards listed) before any board of theirs
    /// is kept here: the engine may ask the server for their boards.
    signed_in: bool,
    running: bool,
    /// A trigger arrived during a round: run another when it ends.
    again: bool,
    failures: u32,
    timer: Option<Timeout>,
}

thread_local! {
    static RUNTIME: RefCell<Runtime> = RefCell::new(Runtime::default());
}

fn runtime<R>(f: impl FnOnce(&mut Runtime) -> R) -> R {
    RUNTIME.with(|r| f(&mut r.borrow_mut()))
}

fn store_and_user() -> Option<(Rc<LocalStore>, String)> {
    runtime(|r| Some((r.store.clone()?, r.user_id.clone()?)))
}

fn outbox_key(user_id: &str) -> String {
    format!("outbox:{user_id}")
}

fn board_key(board_id: &str) -> String {
    format!("board:{board_id}")
}

fn log(message: &str) {
    leptos::logging::warn!("sync: {message}");
}

fn online() -> bool {
    window().navigator().on_line()
}

/// Opens the phone's store, loads what it holds for the person last signed in, listens for
/// the triggers, and runs a first round.
pub fn start(h: SyncHandle) {
    Effect::new(move |_| {
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("data-sync", h.activity.get().as_str());
            let _ = html.set_attribute("data-waiting", &h.waiting().to_string());
        }
    });
    let on = window_event_listener(leptos::ev::online, move |_| sync_soon(h));
    let off = window_event_listener(leptos::ev::offline, move |_| {
        h.activity.set(Activity::Offline)
    });
    let visible = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            sync_soon(h);
        }
    });
    on_cleanup(move || {
        on.remove();
        off.remove();
        visible.remove();
    });
    super::live::start(h);
    spawn_local(async move {
        let store = match LocalStore::open().await {
            Ok(store) => Rc::new(store),
            Err(e) => return log(&e),
        };
        let user_id: Option<String> = store.get("viewer").await.unwrap_or_default();
        if let Some(user_id) = &user_id {
            let boards: Vec<LocalBoard> = store
                .all_with_prefix("board:")
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|b: &LocalBoard| &b.me.user_id == user_id)
                .collect();
            let outbox: Outbox = store
                .get(&outbox_key(user_id))
                .await
                .unwrap_or_default()
                .unwrap_or_default();
            h.boards.set(boards);
            h.outbox.set(outbox);
        }
        let known = user_id.is_some();
        runtime(|r| {
            r.store = Some(store);
            r.user_id = user_id;
        });
        h.ready.set(known);
        ask_for_persistent_storage();
        sync_soon(h);
    });
}

/// Asks the browser not to clear this site's storage under pressure (the outbox must
/// survive). Browsers decide; a refusal only means the usual best-effort storage.
fn ask_for_persistent_storage() {
    let _ = window().navigator().storage().persist();
}

pub fn remember_board(h: SyncHandle, page: BoardPage) {
    // Only a signed-in member is shown a board, so the engine may ask for their boards. This
    // matters when the store is still opening (keep_boards below then keeps nothing): the
    // round that follows the opening lists the person's boards and keeps this one too. Without
    // it, a person whose first page was a board (an invite link) had nothing kept offline.
    runtime(|r| r.signed_in = true);
    spawn_local(async move {
        keep_boards(h, vec![BoardHeader::of_page(&page)], false).await;
        h.ready.set(runtime(|r| r.user_id.is_some()));
        sync_soon(h);
    });
}

/// Keeps `headers` (refreshing the boards already held); with `complete`, they are all the
/// person's boards, and any other board held is forgotten (they left it, or were removed).
/// A board of someone else than the person held for means another person is using the
/// phone: the last person's boards go, and this person's outbox is loaded.
async fn keep_boards(h: SyncHandle, headers: Vec<BoardHeader>, complete: bool) {
    let Some(store) = runtime(|r| r.store.clone()) else {
        return;
    };
    if let Some(header) = headers.first() {
        let user_id = header.me.user_id.clone();
        if runtime(|r| r.user_id.as_ref() != Some(&user_id)) {
            for board in h.boards.get_untracked() {
                let _ = store.delete(&board_key(&board.board.id)).await;
            }
            let _ = store.put("viewer", &user_id).await;
            let outbox: Outbox = store
                .get(&outbox_key(&user_id))
                .await
                .unwrap_or_default()
                .unwrap_or_default();
            h.boards.set(Vec::new());
            h.outbox.set(outbox);
            runtime(|r| r.user_id = Some(user_id));
        }
    }
    let listed: Vec<String> = headers.iter().map(|b| b.board.id.clone()).collect();
    for header in headers {
        let held = h.boards.with_untracked(|boards| {
            boards
                .iter()
                .find(|b| b.board.id == header.board.id)
                .cloned()
        });
        let board = match held {
            Some(mut board) => {
                board.refresh_from(header);
                board
            }
            None => LocalBoard::new(header),
        };
        if let Err(e) = store.put(&board_key(&board.board.id), &board).await {
            log(&e);
        }
        h.boards.update(|boards| upsert(boards, board));
    }
    if complete {
        let gone: Vec<String> = h.boards.with_untracked(|boards| {
            boards
                .iter()
                .map(|b| b.board.id.clone())
                .filter(|id| !listed.contains(id))
                .collect()
        });
        for id in &gone {
            let _ = store.delete(&board_key(id)).await;
        }
        h.boards
            .update(|boards| boards.retain(|b| !gone.contains(&b.board.id)));
    }
}

fn upsert(boards: &mut Vec<LocalBoard>, board: LocalBoard) {
    match boards.iter_mut().find(|b| b.board.id == board.board.id) {
        Some(held) => *held = board,
        None => boards.push(board),
    }
}

pub fn enqueue(h: SyncHandle, mutation: Mutation) {
    // Shown at once; stored before it is sent, so a closed tab cannot lose it.
    h.outbox.update(|o| o.enqueue(mutation.clone()));
    spawn_local(async move {
        if let Some((store, user_id)) = store_and_user() {
            match store
                .update(&outbox_key(&user_id), |o: &mut Outbox| o.enqueue(mutation))
                .await
            {
                Ok(stored) => h.outbox.set(stored),
                Err(e) => log(&e),
            }
        }
        sync_soon(h);
    });
}

pub fn dismiss(h: SyncHandle, mutation_id: String) {
    h.outbox.update(|o| o.dismiss(&mutation_id));
    spawn_local(async move {
        if let Some((store, user_id)) = store_and_user() {
            match store
                .update(&outbox_key(&user_id), |o: &mut Outbox| {
                    o.dismiss(&mutation_id)
                })
                .await
            {
                Ok(stored) => h.outbox.set(stored),
                Err(e) => log(&e),
            }
        }
    });
}

pub fn signed_in(h: SyncHandle) {
    runtime(|r| r.signed_in = true);
    sync_soon(h);
}

pub fn forget_person(h: SyncHandle) {
    let boards = h.boards.get_untracked();
    h.boards.set(Vec::new());
    h.outbox.set(Outbox::default());
    h.ready.set(false);
    let store = runtime(|r| {
        r.user_id = None;
        r.signed_in = false;
        r.store.clone()
    });
    spawn_local(async move {
        if let Some(store) = store {
            for board in boards {
                let _ = store.delete(&board_key(&board.board.id)).await;
            }
            let _ = store.delete("viewer").await;
        }
    });
}

/// Runs a round now, or right after the one under way.
pub fn sync_soon(h: SyncHandle) {
    spawn_local(round(h));
}

async fn round(h: SyncHandle) {
    let busy = runtime(|r| {
        let busy = r.running;
        r.again = busy;
        r.running = true;
        r.timer = None;
        busy
    });
    if busy {
        return;
    }
    loop {
        runtime(|r| r.again = false);
        // Nobody known on this phone (signed out, or never seen signed in): nothing to send or
        // fetch, and no request that could only be refused.
        if runtime(|r| r.user_id.is_none() && !r.signed_in) {
            h.activity.set(Activity::Idle);
            break;
        }
        let result = match push_all(h).await {
            Ok(()) => match net::boards().await {
                Ok(headers) => {
                    keep_boards(h, headers, true).await;
                    h.ready.set(runtime(|r| r.user_id.is_some()));
                    pull_all(h).await
                }
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        let again = runtime(|r| r.again);
        match result {
            Ok(()) => {
                // The signal may have gone while the round's last answer was on its way.
                h.activity.set(if online() {
                    Activity::Idle
                } else {
                    Activity::Offline
                });
                h.rounds.update(|n| *n += 1);
                runtime(|r| r.failures = 0);
                if !again {
                    schedule(h, REFRESH_MS + (REFRESH_MS as f64 * jitter() * 0.5) as u64);
                    break;
                }
            }
            Err(NetError::Unreachable) if !online() => {
                h.activity.set(Activity::Offline);
                break;
            }
            Err(NetError::SignedOut) => {
                h.activity.set(Activity::SignedOut);
                break;
            }
            Err(e) => {
                log(&e.to_string());
                h.activity.set(Activity::Failing);
                let failures = runtime(|r| {
                    r.failures = r.failures.saturating_add(1);
                    r.failures
                });
                schedule(h, retry_delay_ms(failures - 1, jitter()));
                break;
            }
        }
    }
    runtime(|r| r.running = false);
}

fn jitter() -> f64 {
    js_sys::Math::random()
}

/// The next round in `delay_ms` (replacing any timer set before).
fn schedule(h: SyncHandle, delay_ms: u64) {
    let timer = Timeout::new(delay_ms.min(u32::MAX as u64) as u32, move || {
        if document().visibility_state() == web_sys::VisibilityState::Visible
            || h.waiting_untracked() > 0
        {
            sync_soon(h);
        }
    });
    runtime(|r| r.timer = Some(timer));
}

impl SyncHandle {
    fn waiting_untracked(&self) -> usize {
        self.outbox.with_untracked(Outbox::waiting)
    }
}

/// Sends the outbox, oldest first, one batch at a time, until it is empty or a send fails.
async fn push_all(h: SyncHandle) -> Result<(), NetError> {
    if !online() {
        return Err(NetError::Unreachable);
    }
    loop {
        let batch = h
            .outbox
            .try_update(|o| o.next_batch(MAX_PUSH_BATCH, MAX_PUSH_BYTES))
            .unwrap_or_default();
        if batch.is_empty() {
            return Ok(());
        }
        h.activity.set(Activity::Sending);
        match net::push(&PushRequest { mutations: batch }).await {
            Ok(answer) => {
                let results = answer.results;
                h.outbox.update(|o| o.settle(&results));
                if let Some((store, user_id)) = store_and_user() {
                    match store
                        .update(&outbox_key(&user_id), |o: &mut Outbox| o.settle(&results))
                        .await
                    {
                        Ok(stored) => h.outbox.set(stored),
                        Err(e) => log(&e),
                    }
                }
            }
            Err(e) => {
                h.outbox.update(Outbox::send_failed);
                return Err(e);
            }
        }
    }
}

/// Brings every board kept here up to date, page by page.
async fn pull_all(h: SyncHandle) -> Result<(), NetError> {
    let store = runtime(|r| r.store.clone());
    for mut board in h.boards.get_untracked() {
        loop {
            match net::pull(&board.board.id, board.cursor).await {
                Ok(page) => {
                    let more = page.more;
                    board.apply_pull(page, now_ms());
                    if !more {
                        break;
                    }
                }
                Err(NetError::Gone) => {
                    // No longer on this board: keep nothing of it.
                    if let Some(store) = &store {
                        let _ = store.delete(&board_key(&board.board.id)).await;
                    }
                    let id = board.board.id.clone();
                    h.boards
                        .update(|boards| boards.retain(|b| b.board.id != id));
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        // The board's own details may have changed meanwhile (its page refreshed them): keep
        // those, take the posts and cursor just pulled.
        let mut merged = None;
        h.boards.update(|boards| {
            if let Some(held) = boards.iter_mut().find(|b| b.board.id == board.board.id) {
                if held.cursor <= board.cursor {
                    held.posts = std::mem::take(&mut board.posts);
                    held.cursor = board.cursor;
                    held.synced_at_ms = board.synced_at_ms;
                }
                merged = Some(held.clone());
            }
        });
        if let (Some(store), Some(merged)) = (&store, merged) {
            if let Err(e) = store.put(&board_key(&merged.board.id), &merged).await {
                log(&e);
            }
        }
    }
    Ok(())
}
