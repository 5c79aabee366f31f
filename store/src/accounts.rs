//! Accounts and sessions: sign up, sign in (rate-limited per account and per address, in the
//! database so every server process shares the count), sign out, and who a cookie belongs to.

use base64::Engine as _;
use model::{
    ids::{now_ms, UserId},
    validate,
    views::Viewer,
    AppError, FieldErrors, SESSION_DAYS,
};
use rand::RngCore as _;
use sha2::{Digest, Sha256};

use crate::{
    error::{is_unique_violation, OrInternal},
    password, Db,
};

/// Failed sign-ins are counted over this window.
pub const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failed sign-ins allowed per account within the window.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed sign-ins allowed per address within the window (several neighbours may share one).
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;

/// The secret in the session cookie. Only its hash is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionToken(pub String);

/// What a person typed to sign up; `user_id` comes from the form (made when it was shown).
pub struct SignUp {
    pub user_id: UserId,
    pub display_name: String,
    pub password: String,
}

fn name_key(display_name: &str) -> String {
    display_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Db {
    pub async fn sign_up(&self, form: SignUp) -> Result<(Viewer, SessionToken), AppError> {
        let display_name = form
            .display_name
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let mut errors = FieldErrors::new();
        errors.check("display_name", validate::display_name(&display_name));
        errors.check(
            "password",
            validate::password(&form.password, &display_name),
        );
        if !model::ids::is_valid_id(form.user_id.as_str()) {
            errors.check(
                "id",
                Err("This form is out of date; please reload the page.".into()),
            );
        }
        errors.into_result()?;

        let hash = password::hash(form.password).await?;
        let inserted = sqlx::query(
            "INSERT INTO users (id, display_name, name_key, password_hash, created_at_ms) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(form.user_id.as_str())
        .bind(&display_name)
        .bind(name_key(&display_name))
        .bind(&hash.0)
        .bind(now_ms())
        .execute(self.pool())
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(AppError::field(
                    "display_name",
                    format!(
                        "Someone here already uses the name \u{201c}{display_name}\u{201d}. Add an initial or your street, for example \u{201c}{display_name} K.\u{201d}"
                    ),
                ))
            }
            Err(e) => return Err(e).internal(),
        }
        let viewer = Viewer {
            user_id: form.user_id,
            display_name,
        };
        let token = self.create_session(&viewer.user_id).await?;
        Ok((viewer, token))
    }

    /// Signs in by display name. `address` is the client's network address, for rate limiting.
    pub async fn sign_in(
        &self,
        display_name: &str,
        password: String,
        address: &str,
    ) -> Result<(Viewer, SessionToken), AppError> {
        let now = now_ms();
        let account_key = format!("name:{}", name_key(display_name));
        let address_key = format!("addr:{address}");
        // Forget attempts older than the window, so the table stays small.
        sqlx::query("DELETE FROM sign_in_failures WHERE at_ms <= $1")
            .bind(now - FAILURE_WINDOW_MS)
            .execute(self.pool())
            .await
            .internal()?;
        // Record the attempt before checking the password, so guesses made in parallel count
        // against each other; a successful sign-in takes it back.
        let attempt_id = model::ids::new_id();
        for key in [&account_key, &address_key] {
            sqlx::query(
                "INSERT INTO sign_in_failures (attempt_id, limit_key, at_ms) VALUES ($1, $2, $3)",
            )
            .bind(&attempt_id)
            .bind(key)
            .bind(now)
            .execute(self.pool())
            .await
            .internal()?;
        }
        let limits = [
            (&account_key, MAX_FAILURES_PER_ACCOUNT),
            (&address_key, MAX_FAILURES_PER_ADDRESS),
        ];
        for (key, max) in limits {
            if let Err(refusal) = self.refuse_if_rate_limited(key, max, now).await {
                // A refused attempt was never checked: it does not extend the wait.
                self.forget_attempt(&attempt_id).await?;
                return Err(refusal);
            }
        }

        let found: Option<(String, String, String)> =
            sqlx::query_as("SELECT id, display_name, password_hash FROM users WHERE name_key = $1")
                .bind(name_key(display_name))
                .fetch_optional(self.pool())
                .await
                .internal()?;
        let (stored_hash, user) = match found {
            Some((id, name, hash)) => (
                Some(hash),
                Some(Viewer {
                    user_id: UserId::from(id),
                    display_name: name,
                }),
            ),
            None => (None, None),
        };
        let matches = password::verify(password, stored_hash).await?;
        match user.filter(|_| matches) {
            Some(viewer) => {
                sqlx::query("DELETE FROM sign_in_failures WHERE limit_key = $1")
                    .bind(&account_key)
                    .execute(self.pool())
                    .await
                    .internal()?;
                self.forget_attempt(&attempt_id).await?;
                let token = self.create_session(&viewer.user_id).await?;
                Ok((viewer, token))
            }
            None => Err(AppError::field(
                "password",
                "That name and password do not match. Check both and try again.",
            )),
        }
    }

    async fn forget_attempt(&self, attempt_id: &str) -> Result<(), AppError> {
        sqlx::query("DELETE FROM sign_in_failures WHERE attempt_id = $1")
            .bind(attempt_id)
            .execute(self.pool())
            .await
            .internal()?;
        Ok(())
    }

    async fn refuse_if_rate_limited(&self, key: &str, max: i64, now: i64) -> Result<(), AppError> {
        let since = now - FAILURE_WINDOW_MS;
        let (count, oldest): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MIN(at_ms) FROM sign_in_failures WHERE limit_key = $1 AND at_ms > $2",
        )
        .bind(key)
        .bind(since)
        .fetch_one(self.pool())
        .await
        .internal()?;
        // The count includes the attempt being made.
        if count > max {
            let retry_after_ms = oldest.unwrap_or(now) + FAILURE_WINDOW_MS - now;
            return Err(AppError::TooManyAttempts {
                retry_after_secs: (retry_after_ms.max(1000) / 1000) as u64,
            });
        }
        Ok(())
    }

    async fn create_session(&self, user_id: &UserId) -> Result<SessionToken, AppError> {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let now = now_ms();
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4)")
            .bind(token_hash(&token))
            .bind(user_id.as_str())
            .bind(now)
            .bind(now + SESSION_DAYS * 24 * 3600 * 1000)
            .execute(self.pool())
            .await
            .internal()?;
        Ok(SessionToken(token))
    }

    /// Who holds this session cookie, if it is current.
    pub async fn viewer(&self, token: &str) -> Result<Option<Viewer>, AppError> {
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT u.id, u.display_name FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at_ms > $2",
        )
        .bind(token_hash(token))
        .bind(now_ms())
        .fetch_optional(self.pool())
        .await
        .internal()?;
        Ok(row.map(|(user_id, display_name)| Viewer {
            user_id: UserId::from(user_id),
            display_name,
        }))
    }

    pub async fn sign_out(&self, token: &str) -> Result<(), AppError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(self.pool())
            .await
            .internal()?;
        Ok(())
    }
}

impl Db {
    /// The viewer's own contact details, private to them (and to whoever helps them).
    pub async fn profile(&self, viewer: &Viewer) -> Result<model::views::Profile, AppError> {
        let (display_name, phone, email): (String, String, String) =
            sqlx::query_as("SELECT display_name, phone, email FROM users WHERE id = $1")
                .bind(viewer.user_id.as_str())
                .fetch_one(self.pool())
                .await
                .internal()?;
        Ok(model::views::Profile {
            display_name,
            phone,
            email,
        })
    }

    /// Changes the viewer's phone and email (the display name stays: it is how they sign in).
    pub async fn update_profile(
        &self,
        viewer: &Viewer,
        profile: model::views::Profile,
    ) -> Result<(), AppError> {
        let mut errors = FieldErrors::new();
        errors.check("phone", validate::phone(&profile.phone));
        errors.check("email", validate::email(&profile.email));
        errors.into_result()?;
        sqlx::query("UPDATE users SET phone = $1, email = $2 WHERE id = $3")
            .bind(profile.phone.trim())
            .bind(profile.email.trim())
            .bind(viewer.user_id.as_str())
            .execute(self.pool())
            .await
            .internal()?;
        Ok(())
    }
}
