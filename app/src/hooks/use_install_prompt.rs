//! Offers to install the app where the browser allows it (`beforeinstallprompt`, Chromium
//! browsers): the browser's own prompt is held back and shown when the person asks.

use leptos::prelude::*;

/// What [`use_install_prompt`] gives back.
pub struct UseInstallPromptReturn<F>
where
    F: Fn() + Clone + Send + Sync + 'static,
{
    /// The browser has offered to install the app and it is not installed yet.
    pub can_install: Signal<bool>,
    /// Shows the browser's install prompt (once per offer; `can_install` turns `false`).
    pub install: F,
}

/// Listens for the browser's offer to install the app, keeps it, and shows it on request.
/// `can_install` is `false` on the server, in browsers that never offer (Safari, Firefox), and
/// once the app is installed (`appinstalled`).
///
/// ```text
/// let UseInstallPromptReturn { can_install, install } = use_install_prompt();
/// view! {
///     <Show when=move || can_install.get()>
///         <button on:click={ let install = install.clone(); move |_| install() }>
///             "Install Streetboard"
///         </button>
///     </Show>
/// }
/// ```
pub fn use_install_prompt() -> UseInstallPromptReturn<impl Fn() + Clone + Send + Sync + 'static> {
    let (can_install, set_can_install) = signal(false);

    #[cfg(feature = "hydrate")]
    let offer = browser::listen(set_can_install);
    #[cfg(not(feature = "hydrate"))]
    let _ = set_can_install;

    let install = move || {
        #[cfg(feature = "hydrate")]
        browser::prompt(offer, set_can_install);
    };

    UseInstallPromptReturn {
        can_install: can_install.into(),
        install,
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use wasm_bindgen::{JsCast, JsValue};

    /// The browser's `BeforeInstallPromptEvent` (not in web-sys: it is not yet a standard).
    pub type Offer = StoredValue<Option<web_sys::Event>, LocalStorage>;

    pub fn listen(set_can_install: WriteSignal<bool>) -> Offer {
        let offer: Offer = StoredValue::new_local(None);
        let offered = window_event_listener_untyped("beforeinstallprompt", move |event| {
            // Keeps the browser's own banner away; the page offers its button instead.
            event.prevent_default();
            offer.set_value(Some(event));
            let _ = set_can_install.try_set(true);
        });
        let installed = window_event_listener_untyped("appinstalled", move |_| {
            offer.set_value(None);
            let _ = set_can_install.try_set(false);
        });
        on_cleanup(move || {
            offered.remove();
            installed.remove();
        });
        offer
    }

    pub fn prompt(offer: Offer, set_can_install: WriteSignal<bool>) {
        let Some(event) = offer.try_update_value(Option::take).flatten() else {
            return;
        };
        // An offer prompts once; the browser makes a new one if the person says no.
        let _ = set_can_install.try_set(false);
        let prompt = js_sys::Reflect::get(&event, &JsValue::from_str("prompt"));
        if let Some(prompt) = prompt
            .ok()
            .and_then(|p| p.dyn_into::<js_sys::Function>().ok())
        {
            if let Err(error) = prompt.call0(&event) {
                leptos::logging::warn!("install prompt: {error:?}");
            }
        }
    }
}
