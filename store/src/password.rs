//! Password hashing with argon2id, off the async runtime (it is deliberately slow), a few at
//! a time. Each hash takes 19 MiB and a core for a moment: without a bound, a few hundred
//! sign-ups sent at once (no account needed) would exhaust a small host's memory. The gate
//! lets `2 × cores` run; a request that cannot get a slot within `WAIT` is answered
//! `AppError::Busy` (503). The slot travels with the hash onto its blocking thread, so a
//! request that goes away (timed out, the phone lost signal) stops waiting at once, and its
//! hash still counts until it has finished.

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use std::{sync::Arc, time::Duration};

use model::AppError;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long a request waits for a hashing slot before it is told the server is busy.
const WAIT: Duration = Duration::from_secs(2);
/// What a busy answer asks the person to wait.
const RETRY_AFTER_SECS: u64 = 5;

/// The process's password hashing slots; cheap to clone.
#[derive(Clone, Debug)]
pub(crate) struct HashingGate(Arc<Semaphore>);

impl HashingGate {
    /// Two slots per core.
    pub(crate) fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::with_slots(2 * cores)
    }

    pub(crate) fn with_slots(slots: usize) -> Self {
        Self(Arc::new(Semaphore::new(slots)))
    }

    async fn slot(&self) -> Result<OwnedSemaphorePermit, AppError> {
        let busy = AppError::Busy {
            retry_after_secs: RETRY_AFTER_SECS,
        };
        match tokio::time::timeout(WAIT, self.0.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_)) | Err(_) => Err(busy),
        }
    }

    /// Slots free now.
    #[cfg(any(test, feature = "test-support"))]
    pub(crate) fn free(&self) -> usize {
        self.0.available_permits()
    }

    /// Takes every slot (tests: a server at capacity).
    #[cfg(feature = "test-support")]
    pub(crate) fn take_all(&self) -> OwnedSemaphorePermit {
        let slots = u32::try_from(self.free()).unwrap_or(u32::MAX);
        self.0
            .clone()
            .try_acquire_many_owned(slots)
            .expect("the slots are free")
    }
}

/// A password hash in PHC string form. Deliberately neither `Serialize` nor `Display`, so it
/// cannot end up in a response or a log line by accident.
pub(crate) struct PasswordHashString(pub(crate) String);

pub(crate) async fn hash(
    gate: &HashingGate,
    password: String,
) -> Result<PasswordHashString, AppError> {
    let slot = gate.slot().await?;
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| PasswordHashString(h.to_string()))
            .map_err(|e| {
                tracing::error!("hashing a password: {e}");
                AppError::Internal
            })
    })
    .await
    .map_err(|e| {
        tracing::error!("password hashing task: {e}");
        AppError::Internal
    })?
}

/// Checks `password` against `hash`. With no hash (unknown name) it still does the work
/// against a fixed hash, so the answer takes as long either way.
pub(crate) async fn verify(
    gate: &HashingGate,
    password: String,
    hash: Option<String>,
) -> Result<bool, AppError> {
    let slot = gate.slot().await?;
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let known = hash.is_some();
        let stored = hash.unwrap_or_else(|| DUMMY_HASH.to_string());
        let matches = PasswordHash::new(&stored)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        known && matches
    })
    .await
    .map_err(|e| {
        tracing::error!("password check task: {e}");
        AppError::Internal
    })
}

/// argon2id of a random string nobody knows, with the default parameters.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3t6Oqak2TRqqwpfGWcnIAbfkoSEBaiUHXzQRRNBPu8c";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let gate = &HashingGate::new();
        let hashed = hash(gate, "kettle orange bicycle".into()).await.unwrap();
        assert!(hashed.0.starts_with("$argon2id$"));
        assert!(
            verify(gate, "kettle orange bicycle".into(), Some(hashed.0.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify(gate, "kettle orange bicycles".into(), Some(hashed.0))
                .await
                .unwrap()
        );
        assert!(!verify(gate, "anything".into(), None).await.unwrap());
    }

    #[tokio::test]
    async fn a_full_gate_answers_busy_and_a_dropped_request_gives_its_slot_back() {
        let gate = HashingGate::with_slots(1);
        let held = gate.0.clone().try_acquire_owned().expect("the one slot");
        let started = tokio::time::Instant::now();
        let busy = hash(&gate, "kettle orange bicycle".into()).await;
        assert!(
            matches!(busy, Err(AppError::Busy { .. })),
            "{:?}",
            busy.err()
        );
        assert!(started.elapsed() >= WAIT, "it waited for a slot first");
        drop(held);

        // A request that goes away mid-hash stops waiting; its slot comes back when the hash
        // it started has finished, never later.
        let gone = tokio::time::timeout(
            Duration::from_millis(1),
            hash(&gate, "kettle orange bicycle".into()),
        )
        .await;
        assert!(gone.is_err(), "the request was dropped");
        assert_eq!(gate.free(), 0, "the hash it started still holds the slot");
        let back = tokio::time::timeout(Duration::from_secs(30), async {
            while gate.free() < 1 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
        assert!(back.is_ok(), "the slot came back");
    }
}
