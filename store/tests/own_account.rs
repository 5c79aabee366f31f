//! People own their accounts (issue 11, item 13): changing the password signs out every other
//! device, signing out everywhere ends every session, and what is kept only for a while is
//! cleared: ended sessions, old attempts, and records of writes past the longest offline time.

use model::dates::DAY_MS;
use model::{ids::now_ms, AppError, Outcome};
use store::on_both_backends;
use store::story::{count, mutation, reply, sign_up, street, PASSWORD};

/// Ben, signed up on his phone and signed in on his laptop: his two session tokens.
async fn ben_on_two_devices(db: &store::Db) -> (model::views::Viewer, String, String) {
    let (ben, phone) = sign_up(db, "Ben").await;
    let (_, laptop) = db
        .sign_in("Ben", PASSWORD.into(), "192.0.2.1", None)
        .await
        .expect("a second device");
    (ben, phone, laptop.0)
}

on_both_backends! {
    async fn changing_the_password_signs_out_every_other_device(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        let (ben, phone, laptop) = ben_on_two_devices(&db).await;
        // The wrong current password changes nothing, and says which field.
        let wrong = db
            .change_password(&ben, &phone, "not my password".into(), "a brand new password".into())
            .await;
        assert!(matches!(&wrong, Err(e) if e.field_message("current_password").is_some()), "{wrong:?}");
        assert!(db.viewer(&laptop).await.expect("viewer").is_some());
        // A weak new password is refused before anything is checked.
        let weak = db
            .change_password(&ben, &phone, PASSWORD.into(), "short".into())
            .await;
        assert!(matches!(&weak, Err(e) if e.field_message("new_password").is_some()), "{weak:?}");

        db.change_password(&ben, &phone, PASSWORD.into(), "a brand new password".into())
            .await
            .expect("changed");
        assert!(db.viewer(&phone).await.expect("viewer").is_some(), "this device stays");
        assert!(db.viewer(&laptop).await.expect("viewer").is_none(), "the other is out");
        // The new password signs in; the old one does not.
        assert!(db.sign_in("Ben", "a brand new password".into(), "192.0.2.1", None).await.is_ok());
        assert!(db.sign_in("Ben", PASSWORD.into(), "192.0.2.1", None).await.is_err());
    }
}

on_both_backends! {
    async fn guessing_the_current_password_with_a_stolen_session_is_limited(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        let (ben, phone) = sign_up(&db, "Ben").await;
        for n in 0..5 {
            let guess = db
                .change_password(&ben, &phone, format!("guess number {n}"), "a brand new password".into())
                .await;
            assert!(matches!(guess, Err(AppError::Invalid(_))), "{n}: {guess:?}");
        }
        let held = db
            .change_password(&ben, &phone, PASSWORD.into(), "a brand new password".into())
            .await;
        assert!(matches!(held, Err(AppError::TooManyAttempts { .. })), "{held:?}");
    }
}

on_both_backends! {
    async fn signing_out_everywhere_ends_every_session(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        let (ben, phone, laptop) = ben_on_two_devices(&db).await;
        let (_, cara) = sign_up(&db, "Cara").await;
        db.sign_out_everywhere(&ben.user_id).await.expect("signed out");
        for token in [phone.as_str(), laptop.as_str()] {
            assert!(db.viewer(token).await.expect("viewer").is_none());
        }
        assert!(db.viewer(&cara).await.expect("viewer").is_some(), "only Ben's");
    }
}

on_both_backends! {
    async fn old_records_are_cleared_and_current_ones_kept(backend: Backend) {
        let s = street(backend).await;
        let post_id = s.request(&s.ben, "Milk").await;
        let old = mutation(reply(&post_id, "From long ago"));
        assert_eq!(s.db.apply(&s.cara, &old).await, Ok(Outcome::Applied));
        let records = count(&s.db, "mutations").await;
        // Nothing is old yet.
        let now = now_ms();
        assert_eq!(s.db.purge(now).await.expect("purge"), store::Purged::default());
        // 91 days on: every write record is past the longest offline time, and every session
        // has ended.
        let later = now + (store::OFFLINE_DAYS + 1) * DAY_MS;
        let purged = s.db.purge(later).await.expect("purge");
        assert_eq!(purged.write_records as i64, records);
        assert!(purged.sessions >= 4, "{purged:?}");
        assert_eq!(count(&s.db, "mutations").await, 0);
        // Sent again after that, the reply is checked afresh and not doubled.
        let again = s.db.apply(&s.cara, &old).await;
        assert!(matches!(again, Ok(Outcome::Rejected { .. })), "{again:?}");
        assert_eq!(s.detail(&s.ben, &post_id).await.replies.len(), 1);
    }
}

on_both_backends! {
    async fn deleting_an_account_keeps_the_street_posts_under_no_name(backend: Backend) {
        let s = street(backend).await;
        let profile = model::views::Profile {
            display_name: "Cara".into(),
            phone: "07700 900333".into(),
            email: "cara@example.org".into(),
        };
        s.db.update_profile(&s.cara, profile).await.expect("profile");
        let hers = s.request(&s.cara, "Ladder, anyone?").await;
        let bens = s.request(&s.ben, "Milk").await;
        s.applies(&s.cara, store::story::claim(&bens)).await;
        s.applies(&s.cara, reply(&bens, "On my way")).await;

        // The wrong password deletes nothing.
        let wrong = s.db.delete_account(&s.cara, "not hers at all".into(), false).await;
        assert!(matches!(&wrong, Err(e) if e.field_message("password").is_some()), "{wrong:?}");

        s.db.delete_account(&s.cara, PASSWORD.into(), false).await.expect("deleted");
        // Her post and reply stay for the street, under no name; what she held is open again,
        // and her own request, which nobody can now accept help with, is withdrawn.
        let post = s.detail(&s.ben, &hers).await;
        assert_eq!(post.card.author_name, store::FORMER_NEIGHBOUR);
        assert_eq!(post.card.status, model::PostStatus::Withdrawn);
        let milk = s.detail(&s.ben, &bens).await;
        assert_eq!(milk.card.status, model::PostStatus::Open);
        assert_eq!(milk.replies[0].author_name, store::FORMER_NEIGHBOUR);
        // Her details, house number and sessions are gone; nobody can sign in as her.
        let kept: (String, String, String) =
            sqlx::query_as("SELECT display_name, phone, email FROM users WHERE id = $1")
                .bind(s.cara.user_id.as_str())
                .fetch_one(s.db.pool())
                .await
                .expect("row");
        assert_eq!(kept, (store::FORMER_NEIGHBOUR.into(), String::new(), String::new()));
        let memberships: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE user_id = $1")
            .bind(s.cara.user_id.as_str())
            .fetch_one(s.db.pool())
            .await
            .expect("count");
        assert_eq!(memberships, 0, "house numbers live on memberships");
        let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
            .bind(s.cara.user_id.as_str())
            .fetch_one(s.db.pool())
            .await
            .expect("count");
        assert_eq!(sessions, 0);
        assert!(s.db.sign_in("Cara", PASSWORD.into(), "192.0.2.9", None).await.is_err());
        // The name is free for a new neighbour, and stays free after a restart (which keys
        // names anew, but not a deleted account's).
        s.db.migrate().await.expect("start again");
        let key: String = sqlx::query_scalar("SELECT name_key FROM users WHERE id = $1")
            .bind(s.cara.user_id.as_str())
            .fetch_one(s.db.pool())
            .await
            .expect("key");
        assert!(key.starts_with("\u{1}deleted:"), "a restart gives a deleted account no name: {key}");
        sign_up(&s.db, "Cara").await;
        // Nobody can sign up to pass for the deleted.
        let posing = s
            .db
            .sign_up(store::SignUp {
                user_id: model::ids::UserId::new(),
                display_name: store::FORMER_NEIGHBOUR.into(),
                password: PASSWORD.into(),
                from_address: "story:posing".into(),
            })
            .await;
        assert!(posing.is_err(), "{posing:?}");
        // The board's log has the deletion, under no name.
        let page = s.db.moderation_page(&s.asha, &s.board.slug).await.expect("page");
        let entry = page
            .log
            .iter()
            .find(|e| e.action == model::moderation::AuditAction::DeleteAccount)
            .expect("logged");
        assert_eq!(entry.actor_name, store::FORMER_NEIGHBOUR);
    }
}

on_both_backends! {
    async fn deleting_an_account_can_take_its_posts_and_replies_too(backend: Backend) {
        let s = street(backend).await;
        let hers = s.request(&s.cara, "Ladder, anyone?").await;
        let bens = s.request(&s.ben, "Milk").await;
        s.applies(&s.cara, reply(&bens, "On my way")).await;
        // She left the board before: what she wrote there goes all the same.
        s.db.leave_board(&s.cara, &s.board.slug).await.expect("left");
        let before = s.last_seq().await;
        s.db.delete_account(&s.cara, PASSWORD.into(), true).await.expect("deleted");
        assert!(s.db.post_detail(&s.ben, &hers).await.is_err(), "her post is gone");
        assert!(s.detail(&s.ben, &bens).await.replies.is_empty(), "her reply is gone");
        // Phones hear of both: a tombstone for her post, Ben's post anew.
        let pulled = s.db.pull(&s.ben, &s.board.id, before).await.expect("pull");
        assert_eq!(pulled.removed, [hers]);
        assert_eq!(pulled.posts.len(), 1);
        assert_eq!(pulled.posts[0].card.reply_count, 0);
    }
}

on_both_backends! {
    async fn the_last_organiser_going_leaves_the_member_longest_there_as_organiser(backend: Backend) {
        use model::{moderation::AuditAction, Role};
        let s = street(backend).await;
        let role_of = |viewer: model::views::Viewer| {
            let db = s.db.clone();
            async move {
                db.my_boards(&viewer).await.expect("boards").first().map(|b| b.role)
            }
        };
        // Asha, who started the board, deletes her account: Ben joined first.
        s.db.delete_account(&s.asha, PASSWORD.into(), false).await.expect("deleted");
        assert_eq!(role_of(s.ben.clone()).await, Some(Role::Organiser));
        assert_eq!(role_of(s.cara.clone()).await, Some(Role::Neighbour));
        let page = s.db.moderation_page(&s.ben, &s.board.slug).await.expect("Ben runs the board");
        let handed = page
            .log
            .iter()
            .find(|e| e.action == AuditAction::HandOverOrganising)
            .expect("logged");
        assert_eq!(handed.actor_name, store::FORMER_NEIGHBOUR, "no name for the deleted");
        assert_eq!(handed.member_name.as_deref(), Some("Ben"));

        // Ben leaves in turn: Cara is next. Dev, a neighbour still, stays one.
        s.db.leave_board(&s.ben, &s.board.slug).await.expect("left");
        assert_eq!(role_of(s.cara.clone()).await, Some(Role::Organiser));
        assert_eq!(role_of(s.dev.clone()).await, Some(Role::Neighbour));
        let organisers = count(&s.db, "memberships WHERE role = 'organiser'").await;
        assert_eq!(organisers, 1, "one organiser, not one more each time");
    }
}
