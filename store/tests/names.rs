//! Names that impersonate (issue 11, item 4), on SQLite and PostgreSQL: sign-up refuses names
//! with invisible or direction characters, names that are taken once case and full-width
//! letters are set aside, and names made to look like someone's; accounts from before are
//! keyed anew at start-up without anyone losing the way in; and where two members of a board
//! have names that look alike, their posts, claims, replies and the organisers' list of members
//! mark each with their street.

use model::{ids::UserId, views::Viewer, AppError};
use store::story::{self, account_from_before, claim, count, person, reply, street, PASSWORD};
use store::{on_both_backends, Db};

async fn sign_up(db: &Db, name: &str) -> Result<Viewer, AppError> {
    story::try_sign_up(db, name, PASSWORD).await
}

async fn signs_in_as(db: &Db, typed: &str) -> UserId {
    let signed_in = db.sign_in(typed, PASSWORD.into(), "test", None).await;
    signed_in
        .unwrap_or_else(|e| panic!("{typed:?} signs in: {e:?}"))
        .0
        .user_id
}

fn name_error(result: Result<Viewer, AppError>) -> String {
    let error = result.expect_err("the name is refused");
    error
        .field_message("display_name")
        .unwrap_or_else(|| panic!("the error is on the name: {error:?}"))
        .to_string()
}

async fn stored_key(db: &Db, who: &Viewer) -> String {
    sqlx::query_scalar("SELECT name_key FROM users WHERE id = $1")
        .bind(who.user_id.as_str())
        .fetch_one(db.pool())
        .await
        .expect("the account's key")
}

on_both_backends! {
    async fn a_name_with_an_invisible_or_direction_character_is_refused(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        let zero_width = name_error(sign_up(&db, "Margaret\u{200B}").await);
        assert!(zero_width.contains("invisible character (U+200B)"), "{zero_width}");
        let turned = name_error(sign_up(&db, "\u{202E}teragraM").await);
        assert!(turned.contains("turns text around (U+202E)"), "{turned}");
        assert_eq!(count(&db, "users").await, 0);
    }
}

on_both_backends! {
    async fn a_name_taken_in_other_letters_is_refused_and_signs_in_in_any(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        let margaret = person(&db, "Margaret").await;
        for same in ["MARGARET", "Ｍargaret", " margaret "] {
            let message = name_error(sign_up(&db, same).await);
            assert!(message.contains("already uses the name"), "{same}: {message}");
        }
        let cyrillic = name_error(sign_up(&db, "Маrgaret").await);
        assert!(cyrillic.contains("looks too like a name"), "{cyrillic}");
        assert!(!cyrillic.contains("\u{201c}Margaret\u{201d}"), "the other name is not said");
        assert_eq!(count(&db, "users").await, 1);
        for typed in ["Margaret", "ＭＡＲＧＡＲＥＴ", "margaret"] {
            assert_eq!(signs_in_as(&db, typed).await, margaret.user_id, "{typed}");
        }
        // Different names are still different people.
        sign_up(&db, "Margot").await.expect("another name");
    }
}

on_both_backends! {
    async fn accounts_from_before_are_keyed_anew_and_everyone_still_signs_in(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        // Two names that used to differ and now share the key "margaret".
        let wide = account_from_before(&db, "Ｍargaret").await;
        let plain = account_from_before(&db, "Margaret").await;
        // Zoë typed with a separate accent, and a German ß.
        let zoe = account_from_before(&db, "Zoe\u{308}").await;
        let strasse = account_from_before(&db, "Herr Straße").await;
        // One with an invisible character, from before sign-up refused them.
        let hidden = account_from_before(&db, "Sam\u{200B}").await;

        db.migrate().await.expect("the start-up after the upgrade");

        assert_eq!(stored_key(&db, &plain).await, "margaret");
        assert_eq!(stored_key(&db, &wide).await, "ｍargaret", "kept: its new key is taken");
        assert_eq!(stored_key(&db, &zoe).await, "zoë");
        assert_eq!(stored_key(&db, &strasse).await, "herr strasse");
        let unset: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE name_likeness = ''")
            .fetch_one(db.pool())
            .await
            .expect("count");
        assert_eq!(unset, 0, "every account has its likeness");

        // Everyone signs in typing their name as they did before, and the new ways work too.
        for (typed, who) in [
            ("Ｍargaret", &wide),
            ("Margaret", &plain),
            ("MARGARET", &plain),
            ("Zoe\u{308}", &zoe),
            ("Zoë", &zoe),
            ("Herr Straße", &strasse),
            ("HERR STRASSE", &strasse),
            ("Sam\u{200B}", &hidden),
        ] {
            assert_eq!(signs_in_as(&db, typed).await, who.user_id, "{typed}");
        }

        // The next start changes nothing.
        db.migrate().await.expect("a later start");
        assert_eq!(stored_key(&db, &wide).await, "ｍargaret");
        assert_eq!(stored_key(&db, &plain).await, "margaret");
        // And the names are taken, or looked like, for sign-ups after.
        assert!(name_error(sign_up(&db, "ZOË").await).contains("already uses"));
        assert!(name_error(sign_up(&db, "Sam").await).contains("looks too like"));
    }
}

on_both_backends! {
    async fn look_alike_members_of_one_board_are_marked_with_their_streets(backend: Backend) {
        let s = street(backend).await;
        // Ben's look-alike, "Bеn" with a Cyrillic е, from before sign-up refused such names.
        let other_ben = account_from_before(&s.db, "Bеn").await;
        s.db.migrate().await.expect("keyed at start-up");
        let bens_request = s.request(&s.ben, "Milk, please").await;
        let caras_request = s.request(&s.cara, "A lift to the surgery").await;

        // Not on this board: nothing to tell apart here.
        let card = s.detail(&s.dev, &bens_request).await.card;
        assert_eq!(card.author_mark, None);

        let code = story::invite_code(&s.db, &s.asha, &s.board).await;
        s.db.join_board(&other_ben, &code, "Ash Grove", "7", "story")
            .await
            .expect("join");
        s.applies(&other_ben, claim(&bens_request)).await;
        s.applies(&other_ben, reply(&bens_request, "On my way")).await;
        s.applies(&s.cara, reply(&bens_request, "Thank you")).await;

        let detail = s.detail(&s.dev, &bens_request).await;
        let card = detail.card;
        assert_eq!(card.author_mark.as_deref(), Some("Elm Road"));
        assert_eq!(card.claimed_by_mark.as_deref(), Some("Ash Grove"));
        let reply_marks: Vec<Option<&str>> =
            detail.replies.iter().map(|r| r.author_mark.as_deref()).collect();
        assert_eq!(reply_marks, [Some("Ash Grove"), None]);
        let page = s
            .db
            .board_page(&s.dev, &s.board.slug, &Default::default())
            .await
            .expect("board page");
        let caras = page.posts.iter().find(|p| p.id == caras_request).expect("Cara's post");
        assert_eq!((caras.author_mark.as_ref(), caras.claimed_by_mark.as_ref()), (None, None));

        // The phone's copy carries the marks too.
        let pulled = s.db.pull(&s.dev, &s.board.id, 0).await.expect("pull");
        let bens = pulled.posts.iter().find(|p| p.card.id == bens_request).expect("pulled");
        assert_eq!(bens.card.author_mark.as_deref(), Some("Elm Road"));
        assert_eq!(bens.replies[0].author_mark.as_deref(), Some("Ash Grove"));

        let moderation = s.db.moderation_page(&s.asha, &s.board.slug).await.expect("page");
        let marks: Vec<(&str, Option<&str>)> = moderation
            .members
            .iter()
            .map(|m| (m.display_name.as_str(), m.name_mark.as_deref()))
            .collect();
        assert_eq!(
            marks,
            [
                ("Asha", None),
                ("Ben", Some("Elm Road")),
                ("Bеn", Some("Ash Grove")),
                ("Cara", None),
                ("Dev", None),
            ]
        );
    }
}

on_both_backends! {
    async fn phones_are_sent_again_the_posts_whose_names_or_marks_change(backend: Backend) {
        let s = street(backend).await;
        let other_ben = account_from_before(&s.db, "Bеn").await;
        s.db.migrate().await.expect("keyed at start-up");
        let bens_request = s.request(&s.ben, "Milk, please").await;
        s.applies(&s.cara, reply(&bens_request, "I can go at six")).await;
        let caras_request = s.request(&s.cara, "A lift to the surgery").await;
        let pulled = s.db.pull(&s.dev, &s.board.id, 0).await.expect("pull");
        let since = pulled.cursor;

        // Ben's look-alike joins: Ben's post now carries his street, so Dev's phone gets it
        // again; Cara's post names nobody alike and is not sent.
        let code = story::invite_code(&s.db, &s.asha, &s.board).await;
        s.db.join_board(&other_ben, &code, "Ash Grove", "7", "story").await.expect("join");
        let after_join = s.db.pull(&s.dev, &s.board.id, since).await.expect("pull");
        let sent: Vec<_> = after_join.posts.iter().map(|p| (&p.card.id, p.card.author_mark.as_deref())).collect();
        assert_eq!(sent, [(&bens_request, Some("Elm Road"))]);

        // The look-alike leaves: the mark goes, and the phone hears so.
        s.db.leave_board(&other_ben, &s.board.slug).await.expect("leave");
        let after_leaving = s.db.pull(&s.dev, &s.board.id, after_join.cursor).await.expect("pull");
        let sent: Vec<_> = after_leaving.posts.iter().map(|p| (&p.card.id, p.card.author_mark.as_deref())).collect();
        assert_eq!(sent, [(&bens_request, None)]);

        // Cara deletes her account, keeping what she wrote: her post, and her reply on Ben's,
        // reach the phone under the name the street now sees.
        s.db.delete_account(&s.cara, PASSWORD.into(), false).await.expect("deleted");
        let after_deleting = s.db.pull(&s.dev, &s.board.id, after_leaving.cursor).await.expect("pull");
        let bens = after_deleting.posts.iter().find(|p| p.card.id == bens_request).expect("Ben's post sent again");
        assert_eq!(bens.replies[0].author_name, store::FORMER_NEIGHBOUR);
        let caras = after_deleting.posts.iter().find(|p| p.card.id == caras_request).expect("Cara's post sent again");
        assert_eq!(caras.card.author_name, store::FORMER_NEIGHBOUR);
    }
}
