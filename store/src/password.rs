//! Password hashing with argon2id, off the async runtime (it is deliberately slow).

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use model::AppError;

/// A password hash in PHC string form. Deliberately neither `Serialize` nor `Display`, so it
/// cannot end up in a response or a log line by accident.
pub(crate) struct PasswordHashString(pub(crate) String);

pub(crate) async fn hash(password: String) -> Result<PasswordHashString, AppError> {
    tokio::task::spawn_blocking(move || {
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
pub(crate) async fn verify(password: String, hash: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
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
        let hashed = hash("kettle orange bicycle".into()).await.unwrap();
        assert!(hashed.0.starts_with("$argon2id$"));
        assert!(
            verify("kettle orange bicycle".into(), Some(hashed.0.clone()))
                .await
                .unwrap()
        );
        assert!(!verify("kettle orange bicycles".into(), Some(hashed.0))
            .await
            .unwrap());
        assert!(!verify("anything".into(), None).await.unwrap());
    }
}
