//! Live updates in the browser: one `EventSource` on `/sync/events` follows every board kept
//! on the phone, so a neighbour's post shows within a second. One stream for all the boards,
//! not one each: over HTTP/1.1 a browser opens at most six connections to a site, shared by
//! its tabs. The engine decides when the stream is open and what a message means; this only
//! opens and closes it and reports what it hears. The browser's `EventSource` reconnects by
//! itself after a dropped connection, and the server sends the current numbers on every
//! connection, so nothing is missed.

use std::cell::RefCell;

use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{EventSource, MessageEvent};

use model::{ids::BoardId, sync::wire::BoardReached};

/// What the stream said.
pub enum Heard {
    /// A board reached this number.
    Changed { board_id: BoardId, seq: i64 },
    /// The server refused or closed the stream for good (signed out, or off a board).
    Gone,
    /// The server ended the stream for a newer page of the same person.
    Replaced,
}

/// What a named event means.
type Meaning = fn() -> Heard;

/// The named events besides plain messages, and what each means.
const NAMED: [(&str, Meaning); 2] = [("gone", || Heard::Gone), ("replaced", || Heard::Replaced)];

/// The open stream, the boards it follows, and its handlers (kept alive with it).
struct Stream {
    boards: Vec<BoardId>,
    source: EventSource,
    _on_changed: Closure<dyn FnMut(MessageEvent)>,
    /// The handler of each of `NAMED`, in its order.
    on_named: Vec<Closure<dyn FnMut(MessageEvent)>>,
}

impl Drop for Stream {
    fn drop(&mut self) {
        // Unhook first: the browser must never call a handler that is gone.
        self.source.set_onmessage(None);
        for ((name, _), handler) in NAMED.iter().zip(&self.on_named) {
            let _ = self
                .source
                .remove_event_listener_with_callback(name, handler.as_ref().unchecked_ref());
        }
        self.source.close();
    }
}

thread_local! {
    static STREAM: RefCell<Option<Stream>> = const { RefCell::new(None) };
}

/// Closes the stream, if one is open. Never from inside its own handlers (they would be
/// dropped while running): `on_heard` must hand what it hears on, not act on it there.
pub fn close() {
    // Taken out first, so the stream is dropped with nothing borrowed.
    let stream = STREAM.with(|s| s.borrow_mut().take());
    drop(stream);
}

/// Keeps one stream open for exactly `boards` (opening it again if the browser gave up).
pub fn follow(boards: Vec<BoardId>, on_heard: impl Fn(Heard) + Clone + 'static) {
    let current = STREAM.with(|s| {
        s.borrow()
            .as_ref()
            .is_some_and(|s| s.boards == boards && s.source.ready_state() != EventSource::CLOSED)
    });
    if current {
        return;
    }
    close();
    match open(boards, on_heard) {
        Ok(stream) => STREAM.with(|s| *s.borrow_mut() = Some(stream)),
        Err(e) => leptos::logging::warn!("live updates: cannot open the stream: {e:?}"),
    }
}

fn open(
    boards: Vec<BoardId>,
    on_heard: impl Fn(Heard) + Clone + 'static,
) -> Result<Stream, wasm_bindgen::JsValue> {
    let query: Vec<String> = boards
        .iter()
        .map(|id| format!("board_id={}", js_sys::encode_uri_component(id.as_str())))
        .collect();
    let source = EventSource::new(&format!("/sync/events?{}", query.join("&")))?;
    let heard = on_heard.clone();
    let on_changed = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(reached) = event
            .data()
            .as_string()
            .and_then(|text| serde_json::from_str::<BoardReached>(&text).ok())
        {
            heard(Heard::Changed {
                board_id: reached.board_id,
                seq: reached.seq,
            });
        }
    });
    source.set_onmessage(Some(on_changed.as_ref().unchecked_ref()));
    let on_named = NAMED
        .iter()
        .map(|(_, meaning)| {
            let (heard, meaning) = (on_heard.clone(), *meaning);
            Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| heard(meaning()))
        })
        .collect();
    // Made whole before any handler is added, so a failure part way unhooks what was added
    // (dropping it) and never leaves the browser a handler that is gone.
    let stream = Stream {
        boards,
        source,
        _on_changed: on_changed,
        on_named,
    };
    for ((name, _), handler) in NAMED.iter().zip(&stream.on_named) {
        stream
            .source
            .add_event_listener_with_callback(name, handler.as_ref().unchecked_ref())?;
    }
    Ok(stream)
}
