//! Marks `<html data-hydrated="true">` once the WebAssembly has taken over the page.

use leptos::prelude::*;

/// Sets `data-hydrated="true"` on the document element after hydration.
///
/// Tests (and curious people) can wait for `html[data-hydrated="true"]`: before it, buttons are
/// server-rendered HTML without their event handlers. Effects never run on the server, so the
/// server-rendered page never carries the marker.
///
/// ```text
/// #[component]
/// fn App() -> impl IntoView {
///     use_hydrated_marker();
///     view! { <main>"…"</main> }
/// }
/// ```
pub fn use_hydrated_marker() {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(root) = document().document_element() {
            // Setting an attribute on <html> cannot fail in practice; if it ever did the only
            // loss is the marker, so the result is ignored on purpose.
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
}
