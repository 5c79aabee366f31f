//! Registers the service worker (`/sw.js`) and offers its updates: a new version waits until
//! the person chooses to update, then the page reloads once onto it.

use leptos::prelude::*;

/// Where the worker script lives and which addresses it controls.
#[derive(Clone, Copy, Debug)]
pub struct UseServiceWorkerOptions {
    /// The worker script, served by the server with this build's asset names.
    pub script_url: &'static str,
    /// The addresses the worker controls.
    pub scope: &'static str,
}

impl Default for UseServiceWorkerOptions {
    fn default() -> Self {
        Self {
            script_url: "/sw.js",
            scope: "/",
        }
    }
}

/// What [`use_service_worker`] gives back.
pub struct UseServiceWorkerReturn<F>
where
    F: Fn() + Clone + Send + Sync + 'static,
{
    /// A new version is installed and waiting for this page to let it take over.
    pub update_ready: Signal<bool>,
    /// Lets the waiting version take over, then reloads the page once (see [`apply_update`]).
    pub apply_update: F,
}

/// Registers `/sw.js` for the whole site once the page has loaded, and says when an update is
/// waiting. Call it once, in a component that stays mounted. On the server, and in browsers
/// without service workers (or over plain HTTP), nothing happens and `update_ready` stays
/// `false`.
///
/// ```text
/// let UseServiceWorkerReturn { update_ready, apply_update } = use_service_worker();
/// view! {
///     <Show when=move || update_ready.get()>
///         <button on:click={ let apply_update = apply_update.clone(); move |_| apply_update() }>
///             "Update"
///         </button>
///     </Show>
/// }
/// ```
pub fn use_service_worker() -> UseServiceWorkerReturn<impl Fn() + Clone + Send + Sync + 'static> {
    use_service_worker_with_options(UseServiceWorkerOptions::default())
}

/// [`use_service_worker`] with another script or scope.
pub fn use_service_worker_with_options(
    options: UseServiceWorkerOptions,
) -> UseServiceWorkerReturn<impl Fn() + Clone + Send + Sync + 'static> {
    let (update_ready, set_update_ready) = signal(false);

    // Effects run only in the browser, after hydration.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::register_on_load(options, set_update_ready));
    #[cfg(not(feature = "hydrate"))]
    let _ = (options, set_update_ready);

    UseServiceWorkerReturn {
        update_ready: update_ready.into(),
        apply_update,
    }
}

/// Asks the waiting worker to take over (`{type: 'skip-waiting'}`) and reloads the page once
/// when it has, so the page and its assets come from the same version.
pub fn apply_update() {
    #[cfg(feature = "hydrate")]
    browser::apply_update();
}

/// Asks the worker to delete every cached page (`{type: 'forget-pages'}`). Call it when someone
/// signs out, so their pages do not stay on a shared phone. Does nothing without a worker.
pub fn forget_cached_pages() {
    #[cfg(feature = "hydrate")]
    browser::post_to_active_worker("forget-pages");
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::Cell;

    use leptos::prelude::*;
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    use web_sys::{
        RegistrationOptions, ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration,
        ServiceWorkerState,
    };

    use super::UseServiceWorkerOptions;

    thread_local! {
        /// Set once the page has asked to reload on `controllerchange`, so it reloads once.
        static RELOAD_ARMED: Cell<bool> = const { Cell::new(false) };
    }

    /// `navigator.serviceWorker`, absent in old browsers and on insecure origins.
    fn container() -> Option<ServiceWorkerContainer> {
        let navigator = window().navigator();
        js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker"))
            .unwrap_or(false)
            .then(|| navigator.service_worker())
    }

    fn has_controller() -> bool {
        container().and_then(|c| c.controller()).is_some()
    }

    /// Runs `on_value` when `promise` resolves. A rejection is logged, not thrown: without a
    /// worker the app still works while online.
    fn then(promise: &js_sys::Promise, on_value: impl FnOnce(JsValue) + 'static) {
        let resolved = Closure::once(on_value);
        let rejected = Closure::once(|error: JsValue| {
            leptos::logging::warn!("service worker: {error:?}");
        });
        let _ = promise.then2(&resolved, &rejected);
        // Handed to JavaScript, which calls one of them once.
        resolved.forget();
        rejected.forget();
    }

    fn post(worker: &ServiceWorker, message_type: &str) {
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"type".into(), &message_type.into());
        if let Err(error) = worker.post_message(&message) {
            leptos::logging::warn!("service worker: {error:?}");
        }
    }

    /// Registers after the `load` event, so the worker's downloads never compete with the
    /// page's own.
    pub fn register_on_load(options: UseServiceWorkerOptions, set_ready: WriteSignal<bool>) {
        if document().ready_state() == "complete" {
            register(options, set_ready);
        } else {
            let on_load = Closure::once_into_js(move || register(options, set_ready));
            let _ = window().add_event_listener_with_callback("load", on_load.unchecked_ref());
        }
    }

    fn register(options: UseServiceWorkerOptions, set_ready: WriteSignal<bool>) {
        let Some(container) = container() else {
            return;
        };
        let registration_options = RegistrationOptions::new();
        registration_options.set_scope(options.scope);
        let registering =
            container.register_with_options(options.script_url, &registration_options);
        then(&registering, move |registration| {
            watch_for_updates(registration.unchecked_into(), set_ready);
        });
    }

    /// An update is ready when a new worker has installed while an older one controls this
    /// page (on the very first visit there is nothing to update from).
    fn watch_for_updates(registration: ServiceWorkerRegistration, set_ready: WriteSignal<bool>) {
        if registration.waiting().is_some() && has_controller() {
            let _ = set_ready.try_set(true);
        }
        let watched = registration.clone();
        let on_update_found = Closure::<dyn FnMut()>::new(move || {
            let Some(installing) = watched.installing() else {
                return;
            };
            let worker = installing.clone();
            let on_state_change = Closure::<dyn FnMut()>::new(move || {
                if worker.state() == ServiceWorkerState::Installed && has_controller() {
                    let _ = set_ready.try_set(true);
                }
            });
            installing.set_onstatechange(Some(on_state_change.as_ref().unchecked_ref()));
            // Lives as long as the worker object: handlers for the page's lifetime.
            on_state_change.forget();
        });
        registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
        on_update_found.forget();
    }

    pub fn apply_update() {
        let Some(container) = container() else {
            return;
        };
        if !RELOAD_ARMED.replace(true) {
            let reloaded = Cell::new(false);
            let reload = Closure::<dyn FnMut()>::new(move || {
                if !reloaded.replace(true) {
                    let _ = window().location().reload();
                }
            });
            let _ = container.add_event_listener_with_callback(
                "controllerchange",
                reload.as_ref().unchecked_ref(),
            );
            reload.forget();
        }
        then(&container.get_registration(), |registration| {
            let waiting = registration
                .dyn_into::<ServiceWorkerRegistration>()
                .ok()
                .and_then(|r| r.waiting());
            match waiting {
                Some(worker) => post(&worker, "skip-waiting"),
                // Another tab let it take over already: this page only needs the reload.
                None => {
                    let _ = window().location().reload();
                }
            }
        });
    }

    pub fn post_to_active_worker(message_type: &'static str) {
        let Some(container) = container() else {
            return;
        };
        if let Some(worker) = container.controller() {
            post(&worker, message_type);
        } else if let Ok(ready) = container.ready() {
            then(&ready, move |registration| {
                let active = registration
                    .dyn_into::<ServiceWorkerRegistration>()
                    .ok()
                    .and_then(|r| r.active());
                if let Some(worker) = active {
                    post(&worker, message_type);
                }
            });
        }
    }
}
