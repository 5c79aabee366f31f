//! Live updates in the browser: one `EventSource` on `/sync/events` follows every board kept
//! on the phone, and a message about a board the copy is behind on runs a sync round, so a
//! neighbour's post shows within a second. One stream for all the boards, not one each: over
//! HTTP/1.1 a browser opens at most six connections to a site, shared by its tabs.
//!
//! The stream is open only while it can help: after the engine has reached the server in this
//! page (so a lapsed session does not knock on the stream too), while online and while the
//! page is visible (hidden tabs would hold connections; coming back runs a round anyway).
//! The browser's `EventSource` reconnects by itself after a dropped connection, and the
//! server sends the current numbers on every connection, so nothing is missed. A stream the
//! server refused or closed for good is opened again after the next successful round.

use std::cell::RefCell;

use leptos::{prelude::*, task::spawn_local};
use serde::Deserialize;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{EventSource, MessageEvent, VisibilityState};

use super::{engine::sync_soon, SyncHandle};
use model::sync::status::Activity;

/// What a message says: the board reached `seq`.
#[derive(Deserialize)]
struct Changed {
    board_id: String,
    seq: i64,
}

/// The open stream, the boards it follows, and its handlers (kept alive with it).
struct Stream {
    boards: Vec<String>,
    source: EventSource,
    _on_changed: Closure<dyn FnMut(MessageEvent)>,
    on_gone: Closure<dyn FnMut(MessageEvent)>,
}

impl Drop for Stream {
    fn drop(&mut self) {
        // Unhook first: the browser must never call a handler that is gone.
        self.source.set_onmessage(None);
        let _ = self
            .source
            .remove_event_listener_with_callback("gone", self.on_gone.as_ref().unchecked_ref());
        self.source.close();
    }
}

thread_local! {
    static STREAM: RefCell<Option<Stream>> = const { RefCell::new(None) };
}

/// Follows the boards kept here for as long as the page is open (called by the engine).
pub fn start(h: SyncHandle) {
    let boards = Memo::new(move |_| {
        let mut ids: Vec<String> = h
            .boards
            .with(|boards| boards.iter().map(|b| b.board.id.clone()).collect());
        ids.sort();
        ids
    });
    Effect::new(move |_| {
        let reached_server = h.rounds.get() > 0;
        let usable = !matches!(h.activity.get(), Activity::Offline | Activity::SignedOut);
        let boards = boards.get();
        if reached_server && usable && online() && visible() && !boards.is_empty() {
            follow(h, boards);
        } else {
            close();
        }
    });
    let offline = window_event_listener(leptos::ev::offline, |_| close());
    let hidden = window_event_listener(leptos::ev::visibilitychange, |_| {
        if !visible() {
            close();
        }
    });
    on_cleanup(move || {
        offline.remove();
        hidden.remove();
        close();
    });
}

fn online() -> bool {
    window().navigator().on_line()
}

fn visible() -> bool {
    document().visibility_state() == VisibilityState::Visible
}

fn close() {
    // Taken out first, so the stream is dropped with nothing borrowed.
    let stream = STREAM.with(|s| s.borrow_mut().take());
    drop(stream);
}

/// Keeps one stream open for exactly `boards`.
fn follow(h: SyncHandle, boards: Vec<String>) {
    let current = STREAM.with(|s| {
        s.borrow()
            .as_ref()
            .is_some_and(|s| s.boards == boards && s.source.ready_state() != EventSource::CLOSED)
    });
    if current {
        return;
    }
    close();
    match open(h, boards) {
        Ok(stream) => STREAM.with(|s| *s.borrow_mut() = Some(stream)),
        Err(e) => leptos::logging::warn!("live updates: cannot open the stream: {e:?}"),
    }
}

fn open(h: SyncHandle, boards: Vec<String>) -> Result<Stream, wasm_bindgen::JsValue> {
    let query: Vec<String> = boards
        .iter()
        .map(|id| format!("board_id={}", js_sys::encode_uri_component(id)))
        .collect();
    let source = EventSource::new(&format!("/sync/events?{}", query.join("&")))?;
    let on_changed = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(change) = event
            .data()
            .as_string()
            .and_then(|text| serde_json::from_str::<Changed>(&text).ok())
        else {
            return;
        };
        // Every connection starts with the current numbers: pull only what is news here.
        let behind = h.boards.with_untracked(|boards| {
            boards
                .iter()
                .find(|b| b.board.id == change.board_id)
                .is_none_or(|b| b.cursor < change.seq)
        });
        if behind {
            sync_soon(h);
        }
    });
    // No longer on a board, or signed out: a round sorts out which, and the stream for the
    // boards that remain replaces this one. Closed after this handler has returned.
    let on_gone = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
        spawn_local(async move {
            close();
            sync_soon(h);
        });
    });
    source.set_onmessage(Some(on_changed.as_ref().unchecked_ref()));
    source.add_event_listener_with_callback("gone", on_gone.as_ref().unchecked_ref())?;
    Ok(Stream {
        boards,
        source,
        _on_changed: on_changed,
        on_gone,
    })
}
