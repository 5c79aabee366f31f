//! Accounts and sessions: sign up, sign in (rate-limited per account and per address, in the
//! database so every server process shares the count), sign out, and who a cookie belongs to.

use base64::Engine as _;
use model::dates::DAY_MS;
use model::{
    ids::{now_ms, UserId},
    names, validate,
    views::Viewer,
    AppError, FieldErrors, SESSION_DAYS, SESSION_IDLE_DAYS,
};
use rand::RngCore as _;
use sha2::{Digest, Sha256};

use crate::{
    attempts::FAILURE_WINDOW_MS,
    error::{is_unique_violation, OrInternal},
    password, Db,
};

/// Failed sign-ins to one account from one address before each further try must wait.
pub const FREE_TRIES: i64 = 5;
/// The first wait after `FREE_TRIES`; each further failure doubles it, up to the window.
pub const FIRST_BACKOFF_MS: i64 = 30 * 1000;
/// Failed sign-ins allowed per account within the window, from all addresses together: a
/// guesser with many addresses, not a neighbour mistyping.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 50;
/// Failed sign-ins allowed per address within the window (several neighbours may share one).
pub const MAX_FAILURES_PER_ADDRESS: i64 = 20;
/// Sign-ups allowed per address within the window: a street's evening at the library, not a
/// script making accounts.
pub const MAX_SIGN_UPS_PER_ADDRESS: i64 = 10;

/// The secret in the session cookie. Only its hash is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionToken(pub String);

/// What a person typed to sign up; `user_id` comes from the form (made when it was shown).
pub struct SignUp {
    pub user_id: UserId,
    pub display_name: String,
    pub password: String,
    /// The client's network address (an IPv6 /64 as one), for the limit on sign-ups.
    pub from_address: String,
}

/// The key names had before `model::names::name_key` (lower case, runs of spaces made one).
/// An account whose new key another already held kept this one (`schema::rekeying`), and is
/// found by it when its owner types their name as before.
pub(crate) fn key_before_unicode_names(display_name: &str) -> String {
    display_name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// An account sign-in found by a name.
#[derive(sqlx::FromRow)]
struct Found {
    id: String,
    display_name: String,
    name_key: String,
    password_hash: String,
}

/// Of the accounts that the new key and the old key of what was typed find (at most one each),
/// the one meant: whoever's name it matches as names were matched before, so the holder of a
/// kept old key is not sent to the account that took the new one; else the new key's.
fn the_one_meant(mut found: Vec<Found>, typed: &str) -> Option<Found> {
    let old_key = key_before_unicode_names(typed);
    let typed_as_before = found
        .iter()
        .position(|f| key_before_unicode_names(&f.display_name) == old_key);
    let new_key = names::name_key(typed);
    let at = typed_as_before.or_else(|| found.iter().position(|f| f.name_key == new_key))?;
    Some(found.swap_remove(at))
}

/// How long a try waits after `earlier` failures (at least `FREE_TRIES`).
fn backoff_ms(earlier: i64) -> i64 {
    let doublings = (earlier - FREE_TRIES).clamp(0, 10) as u32;
    (FIRST_BACKOFF_MS << doublings).min(FAILURE_WINDOW_MS)
}

/// An opaque tag of the session `token` holds, for the service worker to tell one person's
/// stored pages from the next one's on a shared phone (`x-streetboard-person`). Derived apart
/// from `token_hash`, so it says nothing about the stored hash either.
pub fn page_owner_tag(token: &str) -> String {
    token_hash(&format!("page-owner:{token}"))[..16].to_string()
}

/// The one rule for a current session, as a condition on `sessions s` with its two bounds bound
/// at `$2` and `$3` (from [`live_session_bounds`]): not expired, and used within
/// `SESSION_IDLE_DAYS`.
pub(crate) const LIVE_SESSION_AT_2_3: &str = "s.expires_at_ms > $2 AND s.last_used_at_ms > $3";

/// The values for `$2` and `$3` of [`LIVE_SESSION_AT_2_3`] at `now`.
pub(crate) fn live_session_bounds(now: i64) -> (i64, i64) {
    (now, now - SESSION_IDLE_DAYS * DAY_MS)
}

pub(crate) fn token_hash(token: &str) -> String {
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

        // Counted before the slow hash, so sign-ups sent in parallel count against each other;
        // a refused one does not count. Kept for the window whether or not it succeeds.
        let now = now_ms();
        let address_key = format!("sign-up:{}", form.from_address);
        let attempt_id = self.record_attempt(&[&address_key], now).await?;
        if let Err(refusal) = self
            .refuse_if_rate_limited(
                &address_key,
                self.sign_ups_per_address
                    .unwrap_or(MAX_SIGN_UPS_PER_ADDRESS),
                now,
            )
            .await
        {
            self.forget_attempt(&attempt_id).await?;
            return Err(refusal);
        }

        // Asked before the slow hash; the unique key still settles a race between two.
        let (key, likeness) = (
            names::name_key(&display_name),
            names::likeness(&display_name),
        );
        let in_use: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(CASE WHEN name_key = $1 THEN 1 ELSE 0 END) FROM users \
             WHERE name_key = $1 OR name_likeness = $2",
        )
        .bind(&key)
        .bind(&likeness)
        .fetch_one(self.pool())
        .await
        .internal()?;
        match in_use {
            Some(1) => {
                return Err(AppError::field(
                    "display_name",
                    validate::name_taken(&display_name),
                ))
            }
            Some(_) => {
                return Err(AppError::field(
                    "display_name",
                    validate::name_looks_taken(&display_name),
                ))
            }
            None => {}
        }

        let hash = match password::hash(&self.hashing, form.password).await {
            Ok(hash) => hash,
            // A sign-up the busy server could not take does not count against the address.
            Err(error) => {
                self.forget_attempt(&attempt_id).await?;
                return Err(error);
            }
        };
        let inserted = sqlx::query(
            "INSERT INTO users (id, display_name, name_key, name_likeness, password_hash, \
             created_at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(form.user_id.as_str())
        .bind(&display_name)
        .bind(&key)
        .bind(&likeness)
        .bind(&hash.0)
        .bind(now_ms())
        .execute(self.pool())
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(AppError::field(
                    "display_name",
                    validate::name_taken(&display_name),
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

    /// Signs in by display name. `address` is the client's network address, for the limits;
    /// `signed_in_as` is whoever the request's session cookie already belongs to.
    ///
    /// Names are public, so failures must not let anyone lock a neighbour out. They are
    /// counted per account *and* address: from one address, after `FREE_TRIES` failures each
    /// further try waits twice as long as the last (30 s, 1 min, 2 min, … up to the window).
    /// Guessing from many addresses meets the account's overall cap, and one address guessing
    /// many names meets the address's cap. A device that still holds a valid session of the
    /// account (someone confirming their password) is never held back.
    pub async fn sign_in(
        &self,
        display_name: &str,
        password: String,
        address: &str,
        signed_in_as: Option<&UserId>,
    ) -> Result<(Viewer, SessionToken), AppError> {
        let now = now_ms();
        let key = names::name_key(display_name);
        let found: Vec<Found> = sqlx::query_as(
            "SELECT id, display_name, name_key, password_hash FROM users \
             WHERE name_key = $1 OR name_key = $2",
        )
        .bind(&key)
        .bind(key_before_unicode_names(display_name))
        .fetch_all(self.pool())
        .await
        .internal()?;
        let (stored_hash, user) = match the_one_meant(found, display_name) {
            Some(found) => (
                Some(found.password_hash),
                Some(Viewer {
                    user_id: UserId::from(found.id),
                    display_name: found.display_name,
                }),
            ),
            None => (None, None),
        };
        let own_device = user
            .as_ref()
            .is_some_and(|user| Some(&user.user_id) == signed_in_as);

        let account_key = format!("name:{key}");
        let pair_key = format!("{account_key}@{address}");
        let address_key = format!("addr:{address}");
        // Record the attempt before checking the password, so guesses made in parallel count
        // against each other; a successful sign-in takes it back.
        let attempt_id = self
            .record_attempt(&[&account_key, &pair_key, &address_key], now)
            .await?;
        let limited = async {
            // One account from one address backs off, an own device included: holding a
            // session must not make guessing its password free.
            self.refuse_while_backing_off(&pair_key, now).await?;
            if own_device {
                return Ok(());
            }
            // The caps over all addresses and all names hold only against an address that has
            // failed for this account already: someone signing in from an address new to these
            // failures (their home, their phone) is never locked out by another's guessing.
            if self.attempts_in_window(&pair_key, now).await? > 1 {
                self.refuse_if_rate_limited(&account_key, MAX_FAILURES_PER_ACCOUNT, now)
                    .await?;
            }
            self.refuse_if_rate_limited(&address_key, MAX_FAILURES_PER_ADDRESS, now)
                .await
        };
        if let Err(refusal) = limited.await {
            // A refused attempt was never checked: it does not extend the wait.
            self.forget_attempt(&attempt_id).await?;
            return Err(refusal);
        }

        // A check that could not run (the server busy) is no failed attempt.
        let matches = match password::verify(&self.hashing, password, stored_hash).await {
            Ok(matches) => matches,
            Err(error) => {
                self.forget_attempt(&attempt_id).await?;
                return Err(error);
            }
        };
        match user.filter(|_| matches) {
            Some(viewer) => {
                sqlx::query("DELETE FROM sign_in_failures WHERE limit_key = $1 OR limit_key = $2")
                    .bind(&account_key)
                    .bind(&pair_key)
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

    /// From one address, one account's failures beyond `FREE_TRIES` each wait twice as long
    /// as the one before, counted from the latest. The count includes the attempt being made.
    async fn refuse_while_backing_off(&self, key: &str, now: i64) -> Result<(), AppError> {
        let since = now - FAILURE_WINDOW_MS;
        let (count, latest_before): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MAX(CASE WHEN at_ms < $3 THEN at_ms END) FROM sign_in_failures \
             WHERE limit_key = $1 AND at_ms > $2",
        )
        .bind(key)
        .bind(since)
        .bind(now)
        .fetch_one(self.pool())
        .await
        .internal()?;
        let earlier = count - 1;
        if earlier < FREE_TRIES {
            return Ok(());
        }
        let wait = backoff_ms(earlier);
        let waited = now - latest_before.unwrap_or(now);
        if waited < wait {
            return Err(AppError::TooManyAttempts {
                retry_after_secs: ((wait - waited).max(1000) / 1000) as u64,
            });
        }
        Ok(())
    }

    async fn create_session(&self, user_id: &UserId) -> Result<SessionToken, AppError> {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let now = now_ms();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at_ms, expires_at_ms, \
             last_used_at_ms) VALUES ($1, $2, $3, $4, $3)",
        )
        .bind(token_hash(&token))
        .bind(user_id.as_str())
        .bind(now)
        .bind(now + SESSION_DAYS * DAY_MS)
        .execute(self.pool())
        .await
        .internal()?;
        Ok(SessionToken(token))
    }

    /// Who holds this session cookie, if the session is current: begun less than
    /// `SESSION_DAYS` ago and used within `SESSION_IDLE_DAYS`.
    pub async fn viewer(&self, token: &str) -> Result<Option<Viewer>, AppError> {
        let now = now_ms();
        let hash = token_hash(token);
        let (not_expired_at, used_since) = live_session_bounds(now);
        let row: Option<(String, String, i64)> = sqlx::query_as(&format!(
            "SELECT u.id, u.display_name, s.last_used_at_ms FROM sessions s \
             JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND {LIVE_SESSION_AT_2_3}"
        ))
        .bind(&hash)
        .bind(not_expired_at)
        .bind(used_since)
        .fetch_optional(self.pool())
        .await
        .internal()?;
        let Some((user_id, display_name, last_used)) = row else {
            return Ok(None);
        };
        // Kept to the day: at most one small write a day per session, not one per request.
        // Best effort: a busy database must not fail the request (the next day tries again).
        if now - last_used > DAY_MS {
            let touched =
                sqlx::query("UPDATE sessions SET last_used_at_ms = $1 WHERE token_hash = $2")
                    .bind(now)
                    .bind(&hash)
                    .execute(self.pool())
                    .await;
            if let Err(error) = touched {
                tracing::warn!("noting a session's use: {error}");
            }
        }
        Ok(Some(Viewer {
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
