//! Boards and memberships: starting a board, joining by invite code, replacing the invite
//! code, leaving, and what people who are not members can (not) learn about a board.

use model::refusal::Refusal;
use model::{
    ids::{BoardId, PostId, Slug},
    views::{BoardFilter, BoardSummary, Viewer},
    AppError, Category, Outcome, PostKind, PostStatus, Role,
};
use store::story::{self, act, claim, count, invite_code, join, new_post, person};
use store::{on_both_backends, Db, NewBoard, MAX_INVITE_MISSES_PER_ADDRESS};

/// Posts a request on `board` and returns its id.
async fn request(db: &Db, author: &Viewer, board: &BoardSummary, title: &str) -> PostId {
    let create = new_post(&board.id, PostKind::Request, Category::Shopping, title);
    let post_id = create.post_id().cloned().expect("a new post's id");
    assert_eq!(act(db, author, create).await, Ok(Outcome::Applied));
    post_id
}

fn elm_road(board_id: &BoardId) -> NewBoard {
    NewBoard {
        board_id: board_id.clone(),
        name: "  Elm Road & Ash Grove ".into(),
        // Spaces and separators as people type them.
        streets: "Elm Road,  Ash   Grove\n".into(),
        my_street: "ash grove".into(),
        house_number: "7".into(),
    }
}

on_both_backends! {
    async fn starting_a_board_makes_the_starter_its_organiser(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        let asha = person(&db, "Asha").await;
        let board_id = BoardId::new();
        let board = db
            .create_board(&asha, elm_road(&board_id))
            .await
            .expect("create");
        assert_eq!(board.id, board_id, "the id made by the form is kept");
        assert_eq!(board.name, "Elm Road & Ash Grove");
        assert_eq!(board.slug, "elm-road-ash-grove");
        assert_eq!(board.streets, ["Elm Road", "Ash Grove"]);
        assert_eq!(board.role, Role::Organiser);
        assert_eq!(board.member_count, 1);
        // Her street is matched to the board's spelling; her house number is kept (privately).
        let membership = db
            .require_membership(&asha, &board.slug)
            .await
            .expect("member");
        assert_eq!(
            (membership.street.as_str(), membership.house_number.as_str()),
            ("Ash Grove", "7")
        );
        assert_eq!(
            db.my_boards(&asha).await.expect("my boards"),
            std::slice::from_ref(&board)
        );

        // A resubmitted form (double click, reload) gives back the same board, not a second.
        let again = db
            .create_board(&asha, elm_road(&board_id))
            .await
            .expect("resubmit");
        assert_eq!(again, board);
        assert_eq!(count(&db, "boards").await, 1);
        assert_eq!(count(&db, "memberships").await, 1);

        // A different board with the same name still gets its own readable address.
        let second = db
            .create_board(&asha, elm_road(&BoardId::new()))
            .await
            .expect("second board");
        assert_eq!(second.slug, "elm-road-ash-grove-2");
    }
}

on_both_backends! {
    async fn a_street_with_a_house_number_is_refused(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        let asha = person(&db, "Asha").await;
        let form = NewBoard {
            streets: "12 Elm Road".into(),
            my_street: String::new(),
            ..elm_road(&BoardId::new())
        };
        let error = db
            .create_board(&asha, form)
            .await
            .expect_err("house numbers stay private");
        let message = error
            .field_message("streets")
            .unwrap_or_else(|| panic!("{error:?}"));
        assert!(message.contains("house number"), "{message}");
        assert_eq!(count(&db, "boards").await, 0);
        assert_eq!(count(&db, "memberships").await, 0);
    }
}

on_both_backends! {
    async fn joining_by_invite_code_makes_a_neighbour_and_twice_is_harmless(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        let asha = person(&db, "Asha").await;
        let ben = person(&db, "Ben").await;
        let board = db
            .create_board(&asha, elm_road(&BoardId::new()))
            .await
            .expect("create");
        let code = invite_code(&db, &asha, &board).await;
        assert_eq!(
            db.invite_preview(&code, "test").await.expect("preview"),
            Some((board.name.clone(), board.streets.clone()))
        );

        assert_eq!(
            db.join_board(&ben, &code, "elm road", "12", "test")
                .await
                .expect("join"),
            board.slug
        );
        let membership = db
            .require_membership(&ben, &board.slug)
            .await
            .expect("member now");
        assert_eq!(membership.role, Role::Neighbour);
        assert_eq!(membership.street, "Elm Road");
        // Only organisers see (and hand out) the invite code.
        let page = db
            .board_page(&ben, &board.slug, &BoardFilter::default())
            .await
            .expect("page");
        assert_eq!(page.invite_code, None);

        // Following the link again, or the organiser following her own, changes nothing.
        assert_eq!(
            db.join_board(&ben, &code, "Elm Road", "12", "test")
                .await
                .expect("again"),
            board.slug
        );
        assert_eq!(
            db.join_board(&asha, &code, "Elm Road", "", "test")
                .await
                .expect("own link"),
            board.slug
        );
        let boards = db.my_boards(&asha).await.expect("my boards");
        assert_eq!(
            (boards[0].role, boards[0].member_count),
            (Role::Organiser, 2)
        );

        let wrong = db.join_board(&ben, "abcdefghjk", "Elm Road", "12", "test").await;
        assert!(matches!(wrong, Err(AppError::Refused(ref r)) if r.status() == 404), "{wrong:?}");
        let wrong_street = db
            .join_board(&ben, &code, "Oak Lane", "12", "test")
            .await
            .expect_err("not a street here");
        assert!(
            wrong_street.field_message("street").is_some(),
            "{wrong_street:?}"
        );
    }
}

on_both_backends! {
    async fn a_new_invite_code_replaces_the_old_one(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        let asha = person(&db, "Asha").await;
        let ben = person(&db, "Ben").await;
        let cara = person(&db, "Cara").await;
        let board = db
            .create_board(&asha, elm_road(&BoardId::new()))
            .await
            .expect("create");
        let old = invite_code(&db, &asha, &board).await;
        db.join_board(&ben, &old, "Elm Road", "", "test")
            .await
            .expect("join");

        // A leaked link is dealt with by making a new one: the old one must stop working.
        let new = db
            .new_invite(&asha, &board.slug)
            .await
            .expect("organiser makes a new code");
        assert_ne!(new, old);
        assert_eq!(invite_code(&db, &asha, &board).await, new);
        assert!(matches!(
            db.join_board(&cara, &old, "Elm Road", "", "test").await,
            Err(AppError::Refused(Refusal::InviteExpired))
        ));
        assert_eq!(db.invite_preview(&old, "test").await.expect("preview"), None);
        db.join_board(&cara, &new, "Elm Road", "", "test")
            .await
            .expect("the new code works");

        let by_neighbour = db.new_invite(&ben, &board.slug).await;
        assert!(
            matches!(by_neighbour, Err(AppError::Refused(ref r)) if r.status() == 403),
            "{by_neighbour:?}"
        );
        assert_eq!(
            invite_code(&db, &asha, &board).await,
            new,
            "a refused attempt changes nothing"
        );
    }
}

on_both_backends! {
    async fn people_who_are_not_members_learn_nothing_about_a_board(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        let asha = person(&db, "Asha").await;
        let stranger = person(&db, "Stranger").await;
        let board = db
            .create_board(&asha, elm_road(&BoardId::new()))
            .await
            .expect("create");
        let post_id = request(&db, &asha, &board, "Milk from the corner shop").await;

        let page = db
            .board_page(&stranger, &board.slug, &BoardFilter::default())
            .await;
        assert!(matches!(page, Err(AppError::Refused(ref r)) if r.status() == 403), "{page:?}");
        // The same answer for a board that does not exist: slugs cannot be probed.
        let no_board = db
            .board_page(&stranger, &Slug::from("no-such-board"), &BoardFilter::default())
            .await;
        assert_eq!(no_board, page);

        let post = db
            .post_detail(&stranger, &post_id)
            .await
            .expect_err("not a member");
        assert!(matches!(post, AppError::Refused(ref r) if r.status() == 404), "{post:?}");
        let text = post.to_string();
        for secret in [
            board.name.as_str(),
            board.slug.as_str(),
            "Elm Road",
            "Milk",
            "Asha",
        ] {
            assert!(!text.contains(secret), "{secret:?} leaked in {text:?}");
        }
        // And the same answer as for a post that was never written.
        assert_eq!(
            db.post_detail(&stranger, &PostId::new())
                .await
                .expect_err("no such post"),
            post
        );
    }
}

on_both_backends! {
    async fn leaving_a_board_removes_access_and_opens_again_what_they_were_helping_with(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        let asha = person(&db, "Asha").await;
        let ben = person(&db, "Ben").await;
        let board = db
            .create_board(&asha, elm_road(&BoardId::new()))
            .await
            .expect("create");
        join(&db, &asha, &board, &ben, "12").await;
        let post_id = request(&db, &asha, &board, "Lift to the surgery").await;
        db.post_detail(&ben, &post_id)
            .await
            .expect("a member reads posts");
        // Ben is helping with Asha's request when he leaves.
        act(&db, &ben, claim(&post_id)).await.expect("claim");
        let seq_before: i64 = sqlx::query_scalar("SELECT last_seq FROM boards WHERE id = $1")
            .bind(board.id.as_str())
            .fetch_one(db.pool())
            .await
            .expect("seq");

        db.leave_board(&ben, &board.slug).await.expect("leave");
        let detail = db.post_detail(&asha, &post_id).await.expect("Asha's request");
        assert_eq!(detail.card.status, PostStatus::Open, "open again for someone else");
        assert_eq!(detail.card.claimed_by_name, None);
        // Asha is told, as when a helper hands back.
        assert_eq!(detail.card.handed_back_by_name.as_deref(), Some("Ben"));
        let seq_after: i64 = sqlx::query_scalar("SELECT last_seq FROM boards WHERE id = $1")
            .bind(board.id.as_str())
            .fetch_one(db.pool())
            .await
            .expect("seq");
        assert!(seq_after > seq_before, "phones hear the request is open again");
        assert!(db.my_boards(&ben).await.expect("my boards").is_empty());
        let page = db
            .board_page(&ben, &board.slug, &BoardFilter::default())
            .await;
        assert!(matches!(page, Err(AppError::Refused(ref r)) if r.status() == 403), "{page:?}");
        assert!(matches!(
            db.post_detail(&ben, &post_id).await,
            Err(AppError::Refused(Refusal::PostNotOnYourBoards))
        ));
        let claimed = act(&db, &ben, claim(&post_id)).await;
        assert!(
            story::is_refused(&claimed),
            "a former member cannot act: {claimed:?}"
        );
        assert!(
            db.leave_board(&ben, &board.slug).await.is_err(),
            "leaving twice is refused, not a crash"
        );
    }
}

on_both_backends! {
    async fn invite_codes_cannot_be_guessed_by_trying(backend: Backend) {
        let db = store::testing::fresh_db(backend).await;
        let asha = person(&db, "Asha").await;
        let ben = person(&db, "Ben").await;
        let board = db.create_board(&asha, elm_road(&BoardId::new())).await.expect("create");
        let code = invite_code(&db, &asha, &board).await;
        for attempt in 0..MAX_INVITE_MISSES_PER_ADDRESS {
            let guess = format!("guess{attempt:05}");
            assert_eq!(db.invite_preview(&guess, "203.0.113.5").await.expect("a miss"), None);
        }
        let waits = db.invite_preview(&code, "203.0.113.5").await;
        assert!(matches!(waits, Err(AppError::TooManyAttempts { .. })), "{waits:?}");
        let joins = db.join_board(&ben, &code, "Elm Road", "12", "203.0.113.5").await;
        assert!(matches!(joins, Err(AppError::TooManyAttempts { .. })), "{joins:?}");
        // A neighbour elsewhere, with the real link, is not held up.
        db.join_board(&ben, &code, "Elm Road", "12", "198.51.100.20").await.expect("joins");
    }
}
