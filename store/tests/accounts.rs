//! Accounts and sessions: signing up and in by display name, signing out, the checks on names
//! and passwords, answers that do not reveal which names exist, and sign-in rate limiting.
//!
//! argon2 is slow in debug builds and every `sign_up` and every checked `sign_in` hashes once,
//! so each test makes as few attempts as its point needs.

use model::{ids::UserId, views::Viewer, AppError};
use store::story::{count, person, PASSWORD};
use store::{on_both_backends, story, Db, SignUp};

/// Mirrors `store::accounts::FREE_TRIES`, `MAX_FAILURES_PER_ACCOUNT`/`_PER_ADDRESS` and
/// `MAX_SIGN_UPS_PER_ADDRESS` (the module is private):
/// if those change, these tests fail loudly rather than quietly testing something else.
const FREE_TRIES: usize = 5;
const MAX_FAILURES_PER_ACCOUNT: usize = 50;
const MAX_FAILURES_PER_ADDRESS: usize = 20;
const MAX_SIGN_UPS_PER_ADDRESS: usize = 10;
/// The failure window is 15 minutes: nobody is told to wait longer than that.
const WINDOW_SECS: u64 = 15 * 60;

use story::try_sign_up as sign_up;

async fn sign_in(db: &Db, name: &str, password: &str, address: &str) -> Result<Viewer, AppError> {
    db.sign_in(name, password.to_string(), address, None)
        .await
        .map(|(viewer, _session)| viewer)
}

fn assert_locked_out(result: Result<Viewer, AppError>, what: &str) {
    match result {
        Err(AppError::TooManyAttempts { retry_after_secs }) => {
            assert!(
                (1..=WINDOW_SECS).contains(&retry_after_secs),
                "{what}: retry after {retry_after_secs}s"
            );
        }
        other => panic!("{what}: expected TooManyAttempts, got {other:?}"),
    }
}

on_both_backends! {
    async fn signing_in_by_name_ignores_case_and_signing_out_ends_the_session(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        let (margaret, first_session) = db
            .sign_up(SignUp {
                user_id: UserId::new(),
                display_name: "Margaret  Hale".into(),
                password: PASSWORD.into(),
                from_address: "10.0.0.1".into(),
            })
            .await
            .expect("sign up");
        // Extra spaces are tidied away: the name neighbours see is the one she meant.
        assert_eq!(margaret.display_name, "Margaret Hale");
        assert_eq!(
            db.viewer(&first_session.0).await.expect("look up"),
            Some(margaret.clone())
        );

        // People type their name however they remember it; sign-in must still find them.
        let (again, session) = db
            .sign_in("  margaret HALE ", PASSWORD.into(), "192.0.2.1", None)
            .await
            .expect("sign in");
        assert_eq!(again, margaret);
        assert_eq!(
            db.viewer(&session.0).await.expect("look up"),
            Some(margaret.clone())
        );

        db.sign_out(&session.0).await.expect("sign out");
        assert_eq!(
            db.viewer(&session.0).await.expect("look up"),
            None,
            "signed out means signed out"
        );
        // Signing out on one device leaves her other sessions alone.
        assert_eq!(
            db.viewer(&first_session.0).await.expect("look up"),
            Some(margaret)
        );
        assert_eq!(db.viewer("not-a-session").await.expect("look up"), None);
    }
}

on_both_backends! {
    async fn a_taken_display_name_is_refused_with_a_suggestion(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        person(&db, "Sam").await;
        // Names are compared as people read them, so "sam" is the same name as "Sam".
        let error = sign_up(&db, "sam", "a different kettle")
            .await
            .expect_err("name is taken");
        let message = error
            .field_message("display_name")
            .expect("the error is on the name field");
        assert!(
            message.contains("initial"),
            "suggests how to make it unique: {message}"
        );
        assert_eq!(count(&db, "users").await, 1);
    }
}

on_both_backends! {
    async fn weak_or_short_passwords_are_refused_and_nothing_is_stored(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        let cases = [
            ("1234567890", "most common"),
            ("QWERTYUIOP", "most common"),
            ("short", "at least 10 characters"),
            ("Priya-garden-2024", "not contain your name"),
        ];
        for (password, expected) in cases {
            let error = sign_up(&db, "Priya", password).await.expect_err(password);
            let message = error
                .field_message("password")
                .unwrap_or_else(|| panic!("{password}: {error:?}"));
            assert!(message.contains(expected), "{password}: {message}");
        }
        // Refused before hashing or storing anything.
        assert_eq!(count(&db, "users").await, 0);
        assert_eq!(count(&db, "sessions").await, 0);
    }
}

on_both_backends! {
    async fn a_wrong_password_and_an_unknown_name_get_the_same_answer(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        person(&db, "Tom Baker").await;
        let wrong_password = sign_in(&db, "Tom Baker", "kettle orange bicycles", "192.0.2.2")
            .await
            .expect_err("wrong");
        assert!(
            wrong_password.field_message("password").is_some(),
            "{wrong_password:?}"
        );
        // Identical answers, so sign-in cannot be used to find out who has an account.
        let unknown_name = sign_in(&db, "Tom Bakr", PASSWORD, "192.0.2.2")
            .await
            .expect_err("unknown");
        assert_eq!(unknown_name, wrong_password);
        assert_eq!(count(&db, "sessions").await, 1, "only the sign-up session");
    }
}

on_both_backends! {
    async fn nobody_can_lock_a_neighbour_out_by_failing_to_sign_in_as_them(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        person(&db, "Ada").await;
        // Names are public: someone elsewhere tries Ada's name again and again.
        for _ in 0..FREE_TRIES + 3 {
            let _ = sign_in(&db, "Ada", "not her password", "198.51.100.7").await;
        }
        assert_locked_out(
            sign_in(&db, "Ada", PASSWORD, "198.51.100.7").await,
            "the guesser, even with the right password",
        );
        // Ada, from home, signs in as ever.
        sign_in(&db, "ADA", PASSWORD, "192.0.2.50").await.expect("Ada is not locked out");
    }
}

on_both_backends! {
    async fn one_address_guessing_one_account_waits_longer_after_each_failure(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        person(&db, "Ada").await;
        let guess = || sign_in(&db, "Ada", "not her password", "198.51.100.8");
        for attempt in 0..FREE_TRIES {
            assert!(matches!(guess().await, Err(AppError::Invalid(_))), "free try {attempt}");
        }
        let wait = |result: Result<Viewer, AppError>| match result {
            Err(AppError::TooManyAttempts { retry_after_secs }) => retry_after_secs,
            other => panic!("expected a wait, got {other:?}"),
        };
        assert!((1..=30).contains(&wait(guess().await)), "the first wait is half a minute");
        assert_eq!(count(&db, "sessions").await, 1, "no session for a refused sign-in");
        // Time travel instead of waiting: half a minute passes.
        let earlier = |ms: i64| {
            sqlx::query("UPDATE sign_in_failures SET at_ms = at_ms - $1").bind(ms).execute(db.pool())
        };
        earlier(31_000).await.expect("time passes");
        assert!(matches!(guess().await, Err(AppError::Invalid(_))), "tried again after the wait");
        let second = wait(guess().await);
        assert!((31..=60).contains(&second), "the next wait is twice as long: {second} s");
    }
}

on_both_backends! {
    async fn guessing_from_many_addresses_meets_the_accounts_cap_which_never_locks_her_out(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        let ada = person(&db, "Ada").await;
        for attempt in 0..MAX_FAILURES_PER_ACCOUNT {
            let address = format!("198.51.{}.{}", attempt / 200, attempt % 200);
            let result = sign_in(&db, "Ada", "not her password", &address).await;
            assert!(matches!(result, Err(AppError::Invalid(_))), "attempt {attempt}: {result:?}");
        }
        assert_locked_out(
            sign_in(&db, "Ada", PASSWORD, "198.51.0.0").await,
            "an address that failed already, after the account's cap",
        );
        // Ada, from an address that never failed, is not held to the cap.
        sign_in(&db, "Ada", PASSWORD, "192.0.2.60").await.expect("not locked out");
        // Her phone, still signed in, confirms her password.
        db.sign_in("Ada", PASSWORD.into(), "192.0.2.50", Some(&ada.user_id))
            .await
            .expect("a device holding her session is never held back");
    }
}

on_both_backends! {
    async fn one_address_is_limited_across_names(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        person(&db, "Grace").await;
        // One address trying many names (spraying a common guess) hits the address's limit,
        // though no single name reaches its own.
        for attempt in 0..MAX_FAILURES_PER_ADDRESS {
            let result = sign_in(&db, &format!("Nobody {attempt}"), PASSWORD, "203.0.113.9").await;
            assert!(
                matches!(result, Err(AppError::Invalid(_))),
                "attempt {attempt}: {result:?}"
            );
        }
        assert_locked_out(
            sign_in(&db, "Grace", PASSWORD, "203.0.113.9").await,
            "a real account from that address",
        );
        // Grace herself, from home, is not locked out by someone else's address.
        assert!(sign_in(&db, "Grace", PASSWORD, "203.0.113.10")
            .await
            .is_ok());
    }
}

on_both_backends! {
    async fn a_successful_sign_in_clears_the_accounts_failures(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        person(&db, "Li Wei").await;
        let almost = FREE_TRIES - 1;
        for _ in 0..almost {
            assert!(sign_in(&db, "Li Wei", "mistyped password", "192.0.2.7")
                .await
                .is_err());
        }
        sign_in(&db, "Li Wei", PASSWORD, "192.0.2.7")
            .await
            .expect("still under the limit");
        // Had the earlier failures been kept, this one would bring the count to the limit and
        // the next sign-in would be refused.
        assert!(sign_in(&db, "Li Wei", "mistyped again", "192.0.2.7")
            .await
            .is_err());
        sign_in(&db, "Li Wei", PASSWORD, "192.0.2.7")
            .await
            .expect("failures were cleared by the success");
    }
}

on_both_backends! {
    async fn guesses_made_in_parallel_still_count_against_the_limit(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        person(&db, "Ben").await;
        // Twelve wrong guesses at once: each is recorded before its password is checked, so
        // no more than the limit can get through to the (slow) check.
        let mut guesses = tokio::task::JoinSet::new();
        for i in 0..12 {
            let db = db.clone();
            guesses.spawn(async move { db.sign_in("Ben", format!("wrong guess {i}"), "10.0.0.9", None).await });
        }
        let mut refused = 0;
        while let Some(result) = guesses.join_next().await {
            if let Err(AppError::TooManyAttempts { .. }) = result.expect("task") {
                refused += 1;
            }
        }
        assert!(refused >= 12 - 5, "only {refused} of 12 parallel guesses were refused");
    }
}

on_both_backends! {
    async fn one_address_makes_only_so_many_accounts(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        let from = |address: &str, name: &str| SignUp {
            user_id: UserId::new(),
            display_name: name.to_string(),
            password: PASSWORD.into(),
            from_address: address.to_string(),
        };
        for i in 0..MAX_SIGN_UPS_PER_ADDRESS {
            db.sign_up(from("203.0.113.9", &format!("Neighbour {i}"))).await.expect("within the limit");
        }
        let refused = db.sign_up(from("203.0.113.9", "One too many")).await.map(|(v, _)| v);
        assert_locked_out(refused, "the address's next sign-up");
        assert_eq!(count(&db, "users").await, MAX_SIGN_UPS_PER_ADDRESS as i64, "nobody was made");
        // Another address is not held up.
        db.sign_up(from("198.51.100.4", "Someone else")).await.expect("another address");
    }
}

on_both_backends! {
    async fn with_every_hashing_slot_taken_a_sign_up_is_told_the_server_is_busy(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        let slots = store::testing::occupy_password_hashing(&db);
        let busy = sign_up(&db, "Margaret", PASSWORD).await;
        assert!(matches!(busy, Err(AppError::Busy { .. })), "{busy:?}");
        assert_eq!(count(&db, "users").await, 0);
        drop(slots);
        sign_up(&db, "Margaret", PASSWORD).await.expect("a slot is free again");
    }
}

on_both_backends! {
    async fn a_session_unused_for_a_month_ends_and_one_in_use_carries_on(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        let (_, token) = story::sign_up(&db, "Ada").await;
        let days_ago = |days: i64| model::ids::now_ms() - days * 24 * 3600 * 1000;
        let last_used = |when: i64| {
            sqlx::query("UPDATE sessions SET last_used_at_ms = $1").bind(when).execute(db.pool())
        };
        // Used two days ago: still current, and marked as used today.
        last_used(days_ago(2)).await.expect("time travel");
        assert!(db.viewer(&token).await.expect("look up").is_some());
        let refreshed: i64 = sqlx::query_scalar("SELECT last_used_at_ms FROM sessions")
            .fetch_one(db.pool())
            .await
            .expect("read");
        assert!(refreshed > days_ago(1), "its use was noted");
        // Left unused for a month: over.
        last_used(days_ago(31)).await.expect("time travel");
        assert_eq!(db.viewer(&token).await.expect("look up"), None);
    }
}
