//! Tracks whether the browser believes it has a network connection.

use leptos::prelude::*;

/// Whether the browser is online: `None` on the server and until hydration (the server cannot
/// know), then `navigator.onLine`, kept current by the window's `online` and `offline` events.
///
/// ```text
/// let online = use_online();
/// view! { <span>{move || match online.get() { Some(true) => "Online", Some(false) => "Offline", None => "" }}</span> }
/// ```
pub fn use_online() -> ReadSignal<Option<bool>> {
    let (online, set_online) = signal(None::<bool>);

    #[cfg(feature = "hydrate")]
    {
        Effect::new(move |_| set_online.set(Some(window().navigator().on_line())));
        let on = window_event_listener(leptos::ev::online, move |_| set_online.set(Some(true)));
        let off = window_event_listener(leptos::ev::offline, move |_| set_online.set(Some(false)));
        on_cleanup(move || {
            on.remove();
            off.remove();
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_online;

    online
}
