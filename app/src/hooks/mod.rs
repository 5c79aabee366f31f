//! Small client-side hooks, one job each (online status, hydration marker, service worker,
//! install prompt, pages drawn local-first).

mod use_hydrated_marker;
mod use_install_prompt;
mod use_local_first;
mod use_online;
mod use_service_worker;

pub use use_hydrated_marker::use_hydrated_marker;
pub use use_install_prompt::{use_install_prompt, UseInstallPromptReturn};
pub use use_local_first::{part, use_local_first, LocalFirst, Phase};
pub use use_online::use_online;
pub use use_service_worker::{
    apply_update, forget_cached_pages, use_service_worker, use_service_worker_with_options,
    UseServiceWorkerOptions, UseServiceWorkerReturn,
};
