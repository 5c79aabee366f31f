//! Carries out the sync engine's commands in the browser; `model::sync::engine` decides what
//! they are. Here: the phone's store (IndexedDB, one change at a time, in order), requests
//! (fetch), the timer, the live stream and the page's signals; and the browser's happenings
//! (the signal, the page shown or hidden, the timer, the stream) turned into engine events.

use std::{cell::RefCell, collections::VecDeque, rc::Rc};

use gloo_timers::callback::Timeout;
use leptos::{prelude::*, task::spawn_local};
use web_sys::VisibilityState;

use super::{
    idb_store::LocalStore,
    live::{self, Heard},
    net, SyncHandle,
};
use model::{
    ids::{BoardId, UserId},
    sync::{
        engine::{Command, Engine, Env, Event, Part},
        local::LocalBoard,
        outbox::Outbox,
    },
};

/// What the engine's commands act on, besides the page's signals.
#[derive(Default)]
struct Browser {
    store: Option<Rc<LocalStore>>,
    /// Storage commands not carried out yet, oldest first.
    to_store: VecDeque<Command>,
    storing: bool,
    timer: Option<Timeout>,
}

thread_local! {
    static ENGINE: RefCell<Engine> = RefCell::new(Engine::new());
    static BROWSER: RefCell<Browser> = RefCell::new(Browser::default());
}

fn outbox_key(user_id: &UserId) -> String {
    format!("outbox:{user_id}")
}

fn board_key(board_id: &BoardId) -> String {
    format!("board:{board_id}")
}

fn log(message: &str) {
    leptos::logging::warn!("sync: {message}");
}

fn env() -> Env {
    Env {
        now_ms: model::ids::now_ms(),
        online: window().navigator().on_line(),
        visible: document().visibility_state() == VisibilityState::Visible,
        jitter: js_sys::Math::random(),
    }
}

/// Hands the engine what happened and carries out what it decides.
pub fn dispatch(h: SyncHandle, event: Event) {
    let env = env();
    let commands = ENGINE.with(|engine| engine.borrow_mut().on(event, &env));
    for command in commands {
        carry_out(h, command);
    }
}

/// [`dispatch`], once the browser's callback that heard it has returned: what the engine
/// decides may close the stream or drop the timer whose handler is running.
fn dispatch_soon(h: SyncHandle, event: Event) {
    spawn_local(async move { dispatch(h, event) });
}

/// Opens the phone's store, hands the engine what it holds for the person signed in last,
/// and listens for the browser's happenings.
pub fn start(h: SyncHandle) {
    Effect::new(move |_| {
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("data-sync", h.activity.get().as_str());
            let _ = html.set_attribute("data-waiting", &h.waiting().to_string());
        }
    });
    let online =
        window_event_listener(leptos::ev::online, move |_| dispatch_soon(h, Event::Online));
    let offline = window_event_listener(leptos::ev::offline, move |_| {
        dispatch_soon(h, Event::Offline)
    });
    let visibility = window_event_listener(leptos::ev::visibilitychange, move |_| {
        let shown = document().visibility_state() == VisibilityState::Visible;
        dispatch_soon(h, if shown { Event::Visible } else { Event::Hidden });
    });
    on_cleanup(move || {
        online.remove();
        offline.remove();
        visibility.remove();
        live::close();
        BROWSER.with(|b| b.borrow_mut().timer = None);
    });
    spawn_local(async move {
        let store = match LocalStore::open().await {
            Ok(store) => Rc::new(store),
            Err(e) => {
                log(&e);
                return dispatch(h, Event::StoreUnavailable);
            }
        };
        let viewer: Option<UserId> = store.get("viewer").await.unwrap_or_default();
        let boards: Vec<LocalBoard> = store.all_with_prefix("board:").await.unwrap_or_default();
        let outbox: Outbox = match &viewer {
            Some(user_id) => store
                .get(&outbox_key(user_id))
                .await
                .unwrap_or_default()
                .unwrap_or_default(),
            None => Outbox::default(),
        };
        BROWSER.with(|b| b.borrow_mut().store = Some(store));
        dispatch(
            h,
            Event::Opened {
                viewer,
                boards,
                outbox,
            },
        );
        ask_for_persistent_storage();
    });
}

/// Asks the browser not to clear this site's storage under pressure (the outbox must
/// survive). Browsers decide; a refusal only means the usual best-effort storage.
fn ask_for_persistent_storage() {
    let _ = window().navigator().storage().persist();
}

fn carry_out(h: SyncHandle, command: Command) {
    match command {
        Command::SaveViewer(_)
        | Command::ForgetViewer
        | Command::SaveBoard(_)
        | Command::ForgetBoard(_)
        | Command::ChangeOutbox { .. } => store_in_turn(h, command),
        Command::Push(request) => spawn_local(async move {
            let answer = net::push(&request).await;
            dispatch(h, Event::Pushed(answer));
        }),
        Command::ListBoards => spawn_local(async move {
            let answer = net::boards().await;
            dispatch(h, Event::Listed(answer));
        }),
        Command::Pull { board_id, since } => spawn_local(async move {
            let answer = net::pull(&board_id, since).await;
            dispatch(h, Event::Pulled { board_id, answer });
        }),
        Command::Schedule { delay_ms } => {
            let delay = delay_ms.min(u32::MAX as u64) as u32;
            let timer = Timeout::new(delay, move || dispatch_soon(h, Event::Timer));
            BROWSER.with(|b| b.borrow_mut().timer = Some(timer));
        }
        Command::CancelTimer => BROWSER.with(|b| b.borrow_mut().timer = None),
        Command::Follow(boards) => live::follow(boards, move |heard| {
            dispatch_soon(
                h,
                match heard {
                    Heard::Changed { board_id, seq } => Event::BoardChanged { board_id, seq },
                    Heard::Gone => Event::StreamGone,
                    Heard::Replaced => Event::StreamReplaced,
                },
            )
        }),
        Command::StopFollowing => live::close(),
        Command::Show(part) => show(h, part),
        Command::Log(message) => log(&message),
    }
}

/// Copies the part of the engine's state that changed into the page's signals.
fn show(h: SyncHandle, part: Part) {
    // Read first, set after: nothing a signal's subscribers do can meet the engine borrowed.
    let engine = |read: &dyn Fn(&Engine) -> Shown| ENGINE.with(|e| read(&e.borrow()));
    match engine(&|e| match part {
        Part::Boards => Shown::Boards(e.boards().to_vec()),
        Part::Outbox => Shown::Outbox(e.outbox()),
        Part::Activity => Shown::Activity(e.activity()),
        Part::Ready => Shown::Ready(e.ready()),
        Part::Rounds => Shown::Rounds(e.rounds()),
    }) {
        Shown::Boards(boards) => h.boards.set(boards),
        Shown::Outbox(outbox) => h.outbox.set(outbox),
        Shown::Activity(activity) => h.activity.set(activity),
        Shown::Ready(ready) => h.ready.set(ready),
        Shown::Rounds(rounds) => h.rounds.set(rounds),
    }
}

/// A part of the engine's state, read out to be shown.
enum Shown {
    Boards(Vec<LocalBoard>),
    Outbox(Outbox),
    Activity(model::sync::status::Activity),
    Ready(bool),
    Rounds(u64),
}

/// Queues a storage command; one task carries them out one at a time, in the order given
/// (a board forgotten after it was saved stays forgotten).
fn store_in_turn(h: SyncHandle, command: Command) {
    let start = BROWSER.with(|b| {
        let mut b = b.borrow_mut();
        b.to_store.push_back(command);
        !std::mem::replace(&mut b.storing, true)
    });
    if start {
        spawn_local(async move {
            while let Some((store, command)) = BROWSER.with(|b| {
                let mut b = b.borrow_mut();
                // With no store open yet, the commands wait (the engine gives none before).
                let next = match b.store.clone() {
                    Some(store) => b.to_store.pop_front().map(|c| (store, c)),
                    None => None,
                };
                if next.is_none() {
                    b.storing = false;
                }
                next
            }) {
                store_one(h, &store, command).await;
            }
        });
    }
}

async fn store_one(h: SyncHandle, store: &LocalStore, command: Command) {
    let done = match command {
        Command::SaveViewer(user_id) => store.put("viewer", &user_id).await,
        Command::ForgetViewer => store.delete("viewer").await,
        Command::SaveBoard(board) => store.put(&board_key(&board.board.id), &board).await,
        Command::ForgetBoard(board_id) => store.delete(&board_key(&board_id)).await,
        Command::ChangeOutbox {
            ticket,
            user_id,
            change,
        } => {
            let stored = store
                .update(&outbox_key(&user_id), |outbox: &mut Outbox| {
                    change.apply(outbox)
                })
                .await;
            return dispatch(h, Event::OutboxStored { ticket, stored });
        }
        _ => Ok(()),
    };
    if let Err(e) = done {
        log(&e);
    }
}
