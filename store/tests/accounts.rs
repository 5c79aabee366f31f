//! Accounts and sessions: signing up and in by display name, signing out, the checks on names
//! and passwords, answers that do not reveal which names exist, and sign-in rate limiting.
//!
//! argon2 is slow in debug builds and every `sign_up` and every checked `sign_in` hashes once,
//! so each test makes as few attempts as its point needs.

use model::{ids::UserId, views::Viewer, AppError};
use store::story::{count, person, PASSWORD};
use store::{on_both_backends, Db, SignUp};

/// Mirrors `store::accounts::MAX_FAILURES_PER_ACCOUNT`/`_PER_ADDRESS` (the module is private):
/// if those change, these tests fail loudly rather than quietly testing something else.
const MAX_FAILURES_PER_ACCOUNT: usize = 5;
const MAX_FAILURES_PER_ADDRESS: usize = 20;
/// The failure window is 15 minutes: nobody is told to wait longer than that.
const WINDOW_SECS: u64 = 15 * 60;

async fn sign_up(db: &Db, name: &str, password: &str) -> Result<Viewer, AppError> {
    let form = SignUp {
        user_id: UserId::new(),
        display_name: name.to_string(),
        password: password.to_string(),
    };
    db.sign_up(form).await.map(|(viewer, _session)| viewer)
}

async fn sign_in(db: &Db, name: &str, password: &str, address: &str) -> Result<Viewer, AppError> {
    db.sign_in(name, password.to_string(), address)
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
            .sign_in("  margaret HALE ", PASSWORD.into(), "192.0.2.1")
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
    async fn too_many_failures_lock_the_account_even_for_the_right_password(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        person(&db, "Ada").await;
        // From a different address each time: the account's own limit must hold regardless,
        // or a guesser with many addresses could keep trying one person's password.
        for attempt in 0..MAX_FAILURES_PER_ACCOUNT {
            let result = sign_in(
                &db,
                "Ada",
                "not her password",
                &format!("198.51.100.{attempt}"),
            )
            .await;
            assert!(
                matches!(result, Err(AppError::Invalid(_))),
                "attempt {attempt}: {result:?}"
            );
        }
        let result = sign_in(&db, "ADA", PASSWORD, "198.51.100.200").await;
        assert_locked_out(result, "right password after the account's limit");
        assert_eq!(
            count(&db, "sessions").await,
            1,
            "no session for a refused sign-in"
        );
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
        let almost = MAX_FAILURES_PER_ACCOUNT - 1;
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
            guesses.spawn(async move { db.sign_in("Ben", format!("wrong guess {i}"), "10.0.0.9").await });
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
